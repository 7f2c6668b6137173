"""Every API request is checked against the OpenAPI document before its route runs.

The document (``docsvc.api.openapi.SPEC``) is the contract; this module enforces it, so the
two cannot drift apart and an operation added later is checked for free. For the operation
the request matched, each declared parameter (path, query, header) is read as the raw
strings that arrived, refused when repeated although its schema is not an array, converted
by its schema's type (``"12"`` is an integer, ``"null"`` is not) and checked against the
schema; a JSON body and the text fields of a multipart body are checked against the request
body's schema. The answer to a violation is 400 (or 415 for an undocumented body type) with
the usual error object, before any database or file is touched: a huge page number or id
never reaches SQLite, a null never reaches a use case.

Only the JSON Schema keywords in ``KEYWORDS`` are enforced; a test walks the document and
fails on any other, so the document never promises a check that is not made. The contents
of ``format: binary`` parts (type, size, emptiness) are judged by the ingest, from the bytes.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Iterable

from flask import current_app, request

from docsvc.api import ApiError, bp
from docsvc.auth import current_principal
from docsvc.i18n import N_, gettext as _

# The JSON Schema keywords this validator enforces (and the annotations it may ignore).
KEYWORDS = frozenset({
    "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "pattern", "format", "properties", "required", "additionalProperties",
    "items", "minItems", "maxItems", "anyOf", "$ref",
})
ANNOTATIONS = frozenset({"description", "title", "example", "examples", "default", "deprecated",
                         "contentMediaType", "readOnly", "writeOnly"})
FORMATS = frozenset({"date", "date-time", "binary"})

_INTEGER = re.compile(r"-?[0-9]+\Z")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# A moment: the date, a time to the minute (seconds and fractions optional), an optional offset
# (``Z`` or ±HH:MM); without an offset it is the office's local time.
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                         r"([Zz]|[+-][0-9]{2}:[0-9]{2})?\Z")
_BODY_METHODS = ("POST", "PUT", "PATCH")


class Invalid(ValueError):
    """A value does not satisfy its schema; ``reason`` is shown to people (translated)."""

    def __init__(self, reason: str, where: str = ""):
        super().__init__(reason)
        self.reason, self.where = reason, where


# --- the JSON Schema subset -------------------------------------------------------------

def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _types(schema: dict) -> list[str]:
    kind = schema.get("type")
    return [kind] if isinstance(kind, str) else list(kind or [])


def _is(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return False


_TYPE_REASONS = {
    "integer": N_("phải là số nguyên"), "number": N_("phải là số"), "boolean": N_("phải là true hoặc false"),
    "string": N_("phải là chuỗi ký tự"), "array": N_("phải là danh sách"), "object": N_("phải là đối tượng JSON"),
    "null": N_("phải là null"),
}


def _type_reason(types: list[str]) -> str:
    return " / ".join(_(_TYPE_REASONS[t]) for t in types if t != "null") or _(_TYPE_REASONS["null"])


def check(value: Any, schema: dict, spec: dict, where: str = "") -> None:
    """Raise ``Invalid`` unless ``value`` satisfies ``schema`` (the subset in ``KEYWORDS``)."""
    schema = _resolve(schema, spec)
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                check(value, option, spec, where)
                break
            except Invalid as exc:
                errors.append(exc)
        else:
            raise errors[0]
    types = _types(schema)
    if types and not any(_is(value, t) for t in types):
        raise Invalid(_type_reason(types), where)
    if "const" in schema and value != schema["const"]:
        raise Invalid(_("phải là {values}").format(values=schema["const"]), where)
    if "enum" in schema and not any(value == v and type(value) is type(v) for v in schema["enum"]):
        shown = ", ".join("null" if v is None else str(v) for v in schema["enum"])
        raise Invalid(_("phải là một trong: {values}").format(values=shown), where)
    if _is(value, "number"):
        _check_number(value, schema, where)
    elif isinstance(value, str):
        _check_string(value, schema, where)
    elif isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", math.inf):
            raise Invalid(_("số phần tử không hợp lệ"), where)
        for i, item in enumerate(value):
            check(item, schema.get("items", {}), spec, f"{where}[{i}]")
    elif isinstance(value, dict):
        _check_object(value, schema, spec, where)


def _check_number(value: float, schema: dict, where: str) -> None:
    if "minimum" in schema and value < schema["minimum"]:
        raise Invalid(_("không được nhỏ hơn {limit}").format(limit=schema["minimum"]), where)
    if "maximum" in schema and value > schema["maximum"]:
        raise Invalid(_("không được lớn hơn {limit}").format(limit=schema["maximum"]), where)
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        raise Invalid(_("phải lớn hơn {limit}").format(limit=schema["exclusiveMinimum"]), where)
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        raise Invalid(_("phải nhỏ hơn {limit}").format(limit=schema["exclusiveMaximum"]), where)


def _check_string(value: str, schema: dict, where: str) -> None:
    if "\x00" in value:  # never text; PostgreSQL cannot store it (SQLite could), so refused on both
        raise Invalid(_("không đúng định dạng"), where)
    if len(value) < schema.get("minLength", 0):
        raise Invalid(_("dài tối thiểu {n} ký tự").format(n=schema["minLength"]), where)
    if len(value) > schema.get("maxLength", math.inf):
        raise Invalid(_("dài tối đa {n} ký tự").format(n=schema["maxLength"]), where)
    if "pattern" in schema and not re.search(schema["pattern"], value):
        raise Invalid(_("không đúng định dạng"), where)
    if schema.get("format") == "date":
        try:
            if not _ISO_DATE.match(value):
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            raise Invalid(_("phải là ngày dạng YYYY-MM-DD"), where) from None
    if schema.get("format") == "date-time":
        try:
            if not _ISO_MOMENT.match(value):
                raise ValueError(value)
            datetime.fromisoformat(value.upper())
        except ValueError:
            raise Invalid(_("phải là thời điểm dạng YYYY-MM-DDTHH:MM"), where) from None


def _check_object(value: dict, schema: dict, spec: dict, where: str) -> None:
    properties = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in value:
            raise Invalid(_("thiếu trường bắt buộc"), name)
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            check(item, properties[name], spec, name)
        elif extra is False:
            raise Invalid(_("không có trường này"), name)
        elif isinstance(extra, dict):
            check(item, extra, spec, name)


# --- request values as the schema's types -----------------------------------------------

def convert(raw: str, schema: dict, spec: dict) -> Any:
    """A raw string (query, header, path, form field) as the type its schema asks for."""
    schema = _resolve(schema, spec)
    types = _types(schema) or [t for option in schema.get("anyOf", ()) for t in _types(_resolve(option, spec))]
    if "integer" in types and _INTEGER.match(raw):
        try:
            return int(raw)
        except ValueError:  # more digits than Python converts: certainly out of range
            raise Invalid(_("quá lớn")) from None
    if "number" in types and _NUMBER.match(raw):
        number = float(raw)
        if math.isfinite(number):
            return number
    if "boolean" in types and raw in ("true", "false"):
        return raw == "true"
    if "string" in types or not types:
        return raw
    raise Invalid(_type_reason(types))


def _values(values: list[str], schema: dict, spec: dict) -> Any:
    resolved = _resolve(schema, spec)
    if "array" in _types(resolved):
        return [convert(v, resolved.get("items", {}), spec) for v in values]
    if len(values) > 1:
        raise Invalid(_("chỉ được gửi một lần"))
    return convert(values[0], schema, spec)


# --- operations of the document ---------------------------------------------------------

def openapi_path(rule: str, prefix: str) -> str:
    """``/api/v1/documents/<doc_id>`` → ``/documents/{doc_id}``."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule[len(prefix):])


@lru_cache(maxsize=None)
def _operation(path: str, method: str) -> dict | None:
    from docsvc.api.openapi import SPEC

    item = SPEC["paths"].get(path)
    if item is None or method not in item:
        return None
    op = dict(item[method])
    # path-level parameters apply unless the operation redefines them (same name and place)
    own = {(p["name"], p["in"]) for p in op.get("parameters", ())}
    op["parameters"] = [p for p in item.get("parameters", ()) if (p["name"], p["in"]) not in own] + \
        list(op.get("parameters", ()))
    return op


def operation_for(path: str, method: str) -> dict | None:
    """The operation of the document (path-level parameters merged in); HEAD is GET's."""
    return _operation(path, "get" if method.upper() == "HEAD" else method.lower())


def _raw(param: dict) -> list[str] | None:
    name, where = param["name"], param["in"]
    if where == "query":
        return request.args.getlist(name) if name in request.args else None
    if where == "header":
        return request.headers.getlist(name) if name in request.headers else None
    if where == "path":
        value = (request.view_args or {}).get(name)
        return None if value is None else [value]
    if where == "cookie":
        return [request.cookies[name]] if name in request.cookies else None
    return None


def check_parameters(params: Iterable[dict], spec: dict) -> None:
    """Check each parameter; path parameters are handed to the route as their schema's type
    (routes declare them untyped, so that ``/documents/abc`` is a 400 here, not a routing 404)."""
    for param in params:
        raw = _raw(param)
        schema = param.get("schema", {})
        try:
            if raw is None:
                if param.get("required"):
                    raise Invalid(_("thiếu (bắt buộc)"))
                continue
            value = _values(raw, schema, spec) if isinstance(raw[0], str) else raw[0]
            check(value, schema, spec)
            if param["in"] == "path":
                request.view_args[param["name"]] = value
        except Invalid as exc:
            # A parameter may name the code of its refusal (``x-error-code``), so that a client
            # tells a wrong purpose from any other wrong parameter.
            raise ApiError(400, param.get("x-error-code", "invalid_parameter"),
                           _("Tham số '{name}' không hợp lệ: {reason}.").format(
                               name=param["name"], reason=exc.reason)) from None


def _body_error(exc: Invalid) -> ApiError:
    if exc.where:
        return ApiError(400, "invalid_field", _("Trường '{name}' không hợp lệ: {reason}.").format(
            name=exc.where, reason=exc.reason), field=exc.where.split(".")[0].split("[")[0])
    return ApiError(400, "invalid_body", _("Nội dung yêu cầu không hợp lệ: {reason}.").format(reason=exc.reason))


def _is_file(schema: dict, spec: dict) -> bool:
    """A file part: ``format: binary``, or an array of them (a part that may be repeated)."""
    schema = _resolve(schema, spec)
    if "array" in _types(schema):
        schema = _resolve(schema.get("items", {}), spec)
    return schema.get("format") == "binary"


def _check_form(schema: dict, spec: dict) -> None:
    """Text fields as typed values; binary parts only for presence and repetition."""
    schema = _resolve(schema, spec)
    properties = schema.get("properties", {})
    form: dict[str, Any] = {}
    extra = schema.get("additionalProperties", True)
    for name in list(request.form) + list(request.files):
        if name not in properties and extra is False:
            raise _body_error(Invalid(_("không có trường này"), name))
    for name in request.form:
        subschema = properties.get(name, extra)
        if not isinstance(subschema, dict):  # an undeclared field the schema lets through
            continue
        try:
            form[name] = _values(request.form.getlist(name), subschema, spec)
        except Invalid as exc:
            raise _body_error(Invalid(exc.reason, name)) from None
    for name in request.files:
        subschema = _resolve(properties.get(name, {}), spec)
        if len(request.files.getlist(name)) > 1 and "array" not in _types(subschema):
            raise _body_error(Invalid(_("chỉ được gửi một lần"), name))
    for name in schema.get("required", ()):
        if name in request.files:
            continue
        if _is_file(properties.get(name, {}), spec):
            raise ApiError(400, "missing_file", _("Thiếu tệp: gửi tệp trong trường multipart '{name}'.").format(
                name=name))
    text = {k: v for k, v in properties.items() if not _is_file(v, spec)}
    check(form, {**schema, "properties": text,
                 "required": [n for n in schema.get("required", ()) if n in text]}, spec)


def check_body(op: dict, spec: dict) -> None:
    body = op.get("requestBody")
    if body is None or request.method not in _BODY_METHODS:
        return
    content = body.get("content", {})
    has_body = bool(request.content_length) or bool(request.mimetype)
    if not has_body:
        if body.get("required"):
            raise ApiError(400, "invalid_body", _("Thiếu nội dung yêu cầu."))
        return
    if request.mimetype not in content:
        raise ApiError(415, "unsupported_media_type", _("Kiểu nội dung {got} không được nhận; hãy gửi {expected}.")
                       .format(got=request.mimetype or "?", expected=", ".join(content)))
    schema = content[request.mimetype].get("schema", {})
    try:
        if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            _check_form(schema, spec)
        elif request.mimetype == "application/json":
            data = request.get_json(silent=True)
            if data is None and request.get_data(cache=True).strip() not in (b"null",):
                raise Invalid(_("không phải JSON hợp lệ"))
            check(data, schema, spec)
    except Invalid as exc:
        raise _body_error(exc) from None


def requires_token(op: dict, spec: dict) -> bool:
    return bool(op.get("security", spec.get("security")))


@bp.before_request
def validate_request() -> None:
    """Refuse, before the route runs, a request its operation's parameters or body do not allow.

    Who asks is settled first: without a token, or without the role the route requires, the
    route answers 401 or 403 itself (docsvc.permissions), so a caller who may not use an
    operation learns nothing from the shape of its contract."""
    from docsvc.api.openapi import SPEC

    if request.url_rule is None:
        return
    op = operation_for(openapi_path(request.url_rule.rule, bp.url_prefix), request.method)
    if op is None:
        return
    action = getattr(current_app.view_functions.get(request.endpoint), "permission", None)
    principal = current_principal()
    if (requires_token(op, SPEC) or action) and (principal is None or (action and not principal.can(action))):
        return
    check_parameters(op["parameters"], SPEC)
    check_body(op, SPEC)
