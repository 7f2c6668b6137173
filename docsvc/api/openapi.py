"""The OpenAPI 3.1 document of the API, kept by hand next to the routes.

A test compares it with the app's URL map, so a route cannot be added undocumented;
docsvc.api.validation checks every request against it, so what it says about parameters and
bodies is what the server does; Schemathesis (tests/api/test_openapi_conformance.py) checks
that the answers match it.
"""

from __future__ import annotations

from flask import jsonify

from docsvc.api import bp
from docsvc.patterns import NOT_BLANK
from docsvc.permissions import public

ERROR = {"$ref": "#/components/schemas/Error"}
# Ids are 32-bit on PostgreSQL (INTEGER columns); a larger one is refused before any query.
MAX_ID = 2**31 - 1


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _binary(description: str, *media_types: str) -> dict:
    return {"description": description,
            "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in media_types}}


ERROR_TEXT = {400: "Bad request: a parameter or the body does not match this document",
              401: "No valid token", 403: "The role, clearance or unit does not allow it",
              404: "Not found", 409: "Conflicts with the state of the resource", 413: "Too large", 415: "Unsupported type", 416: "Range not satisfiable",
              422: "Unreadable file", 503: "Unavailable; retry after Retry-After seconds"}


def _errors(*codes: int) -> dict:
    return {str(c): _json(ERROR, ERROR_TEXT[c]) for c in codes}


def _id_param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


def _query(name: str, schema: dict, description: str = "") -> dict:
    param = {"name": name, "in": "query", "schema": schema}
    return {**param, "description": description} if description else param


DOC_ID = _id_param("doc_id", "Document id")
PURPOSE_TEXT = ("Why personal data is read (required when the answer holds personal data: a document marked "
                "`personal_data`, its pages, images or original; search hits over people or personal documents; "
                "suggestions that complete a person's name). One of `extract_request` (Giải quyết yêu cầu cấp "
                "trích lục), `verification` (Xác minh, đối chiếu), `correction` (Cải chính, bổ sung hộ tịch), "
                "`statistics` (Thống kê, báo cáo), or `other:<text>` (Khác, ghi rõ; at most 200 characters). "
                "Without it such a read answers 400 `purpose_required`; a malformed value answers 400 "
                "`invalid_purpose`. Every such read is written to the personal-data log with the purpose.")
# ``other:`` needs some text that is not blank (docsvc.audit.personal.make_purpose folds
# whitespace, so "other:" followed by a vertical tab alone is refused), of at most 200 characters.
PURPOSE_PATTERN = "^(extract_request|verification|correction|statistics|other:.*" + NOT_BLANK + ".*)$"
PURPOSE = [
    {"name": "purpose", "in": "query", "required": False, "description": PURPOSE_TEXT,
     "schema": {"type": "string", "pattern": PURPOSE_PATTERN, "maxLength": 206}, "example": "verification",
     "x-error-code": "invalid_purpose"},
    {"name": "X-Purpose", "in": "header", "required": False,
     "description": "The same as `purpose=` (the query parameter wins when both are given), percent-encoded "
                    "UTF-8, e.g. `other:x%C3%A1c%20minh`.",
     "schema": {"type": "string"}},
]
PAGE_NO = _id_param("number", "Page number, from 1")
PAGE = _query("page", {"type": "integer", "minimum": 1, "maximum": 100_000}, "Page of results, from 1")
FILE_TYPES = ("application/pdf", "image/tiff", "image/png", "image/jpeg")
# A served file also answers a conditional request (ETag) and a byte range.
FILE_RESPONSES = {"206": {"description": "The requested byte range (Range)"},
                  "304": {"description": "Not modified (If-None-Match)"}, **_errors(416)}

_TEXT = {"type": ["string", "null"]}
_DATE = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}, {"type": "null"}],
         "description": "YYYY-MM-DD; empty or null clears"}
# The register fields a person may set (docsvc.documents.fields.PARSERS); in JSON or form fields.
REGISTER_FIELDS = {
    "title": {**_TEXT, "maxLength": 1000}, "doc_type": {**_TEXT, "maxLength": 64},
    "number": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 999_999},
                         {"type": "string", "pattern": "^ *(0*[1-9][0-9]{0,5})? *$"}, {"type": "null"}],
               "description": "Number of the document, 1 to 999999; empty or null clears"},
    "symbol": {**_TEXT, "maxLength": 64}, "issuer": {**_TEXT, "maxLength": 300},
    "issued_on": _DATE, "arrived_on": _DATE,
    "direction": {"enum": ["incoming", "outgoing", "", None]}, "abstract": {**_TEXT, "maxLength": 4000},
}
_NULLABLE_TEXT = {"type": ["string", "null"]}


def _without_null(schema: dict) -> dict:
    """The same schema for a form field, which is always a string (an empty one clears)."""
    out = dict(schema)
    if "anyOf" in out:
        out["anyOf"] = [_without_null(o) for o in out["anyOf"] if o.get("type") != "null"]
    if isinstance(out.get("type"), list):
        kinds = [t for t in out["type"] if t != "null"]
        out["type"] = kinds[0] if len(kinds) == 1 else kinds
    if "enum" in out:
        out["enum"] = [v for v in out["enum"] if v is not None]
    return out


FORM_FIELDS = {name: _without_null(schema) for name, schema in REGISTER_FIELDS.items()}

SPEC: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "docsvc API",
        "version": "1",
        "description": "Document management and archive service. Errors are "
                       '`{"error": {"code": ..., "message": ...}}`; messages follow Accept-Language (vi, en). '
                       "No text holds the NUL character (U+0000): a parameter or field with one is refused "
                       "with 400.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                       "description": "Per-user API token: `docsvc token create USERNAME "
                                                      "[--expires YYYY-MM-DD]`, or the account page. A revoked "
                                                      "or expired token answers 401."}},
        "schemas": {
            "Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}}}},
            },
            "Submission": {
                "type": "object", "required": ["document_id", "status"],
                "properties": {
                    "document_id": {"type": "integer"}, "job_id": {"type": ["integer", "null"]},
                    "status": {"type": "string", "enum": ["queued", "duplicate"]},
                    "pages": {"type": ["integer", "null"]}, "media_type": {"type": "string"},
                },
            },
            "Page": {
                "type": "object",
                "properties": {
                    "number": {"type": "integer"}, "text": {"type": "string"},
                    "source": {"type": "string", "enum": ["text_layer", "ocr"]},
                    "confidence": {"type": ["number", "null"]},
                    "width": {"type": ["integer", "null"]}, "height": {"type": ["integer", "null"]},
                    "dpi": {"type": ["integer", "null"]}, "has_image": {"type": "boolean"},
                },
            },
            "Job": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"}, "kind": {"type": "string"},
                    "document_id": {"type": ["integer", "null"]},
                    "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                    "attempts": {"type": "integer"}, "max_attempts": {"type": "integer"},
                    "progress": {"type": "object", "properties": {
                        "done": {"type": "integer"}, "total": {"type": ["integer", "null"]}}},
                    "error": {"type": ["string", "null"]}, "error_code": {"type": ["string", "null"]},
                },
            },
            "Document": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"}, "sha256": {"type": "string"},
                    "media_type": {"type": "string"}, "size_bytes": {"type": "integer"},
                    "original_name": {"type": ["string", "null"]}, "title": {"type": ["string", "null"]},
                    "unit_id": {"type": ["integer", "null"]},
                    "secrecy": {"type": "integer", "minimum": 0, "maximum": 3},
                    "personal_data": {"type": "boolean", "description": "Holds personal data (civil-status pages and "
                                      "the like): only callers with person.view see it (others get 404), every read "
                                      "needs a purpose and is logged. Once true, always true."},
                    "status": {"type": "string", "enum": ["queued", "processing", "done", "failed"]},
                    "error": {"type": ["string", "null"]}, "page_count": {"type": ["integer", "null"]},
                    "doc_type": _NULLABLE_TEXT, "number": {"type": ["integer", "null"]}, "symbol": _NULLABLE_TEXT,
                    "number_symbol": _NULLABLE_TEXT, "issuer": _NULLABLE_TEXT,
                    "issued_on": _NULLABLE_TEXT, "arrived_on": _NULLABLE_TEXT,
                    "direction": {"enum": ["incoming", "outgoing", None]}, "abstract": _NULLABLE_TEXT,
                    "created_at": _NULLABLE_TEXT, "updated_at": _NULLABLE_TEXT,
                    "pages": {"type": "array", "items": {"$ref": "#/components/schemas/Page"}},
                    "jobs": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}},
                },
            },
        },
    },
    "paths": {
        "/documents": {
            "get": {
                "summary": "List documents, newest first",
                "parameters": [
                    PAGE,
                    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 200}),
                    _query("status", {"type": "string", "enum": ["queued", "processing", "done", "failed"]}),
                ],
                "responses": {"200": _json({"type": "object", "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}}}, "Documents")},
            },
            "post": {
                "summary": "Upload a file (PDF, TIFF, PNG, JPEG) for ingest",
                "description": "The type is read from the bytes: an empty file is refused (400 `empty_file`), "
                               "another type 415, an unreadable one 422, one over the limits 413.",
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {
                        "type": "object", "required": ["file"], "additionalProperties": False,
                        "properties": {
                            "file": {"type": "string", "format": "binary", "minLength": 1},
                            "secrecy": {"type": "integer", "minimum": 0, "maximum": 3,
                                        "description": "0 normal … 3 top secret; at most the uploader's clearance"},
                            "unit": {"type": "string", "maxLength": 64,
                                     "description": "Code of the unit that holds it (default: the uploader's)"},
                            **FORM_FIELDS,
                            "personal_data": {"type": "string", "enum": ["true", "false", "1", "0", "on", "off"],
                                              "description": "Mark the document as holding personal data "
                                                             "(default false): only person.view holders see it."},
                        },
                    },
                    "encoding": {"file": {"contentType": ", ".join(FILE_TYPES)}},
                }}},
                "responses": {
                    "202": _json({"$ref": "#/components/schemas/Submission"}, "Accepted; a job was queued"),
                    "200": _json({"$ref": "#/components/schemas/Submission"}, "The same bytes are already archived"),
                    **_errors(413, 422),
                },
            },
        },
        "/documents/{doc_id}": {
            "get": {"summary": "A document with its pages and jobs",
                    "parameters": [DOC_ID, _query("words", {"type": "string", "enum": ["0", "1"]},
                                                  "1: add each page's word boxes"), *PURPOSE],
                    "responses": {"200": _json({"$ref": "#/components/schemas/Document"}, "Document")}},
            "patch": {
                "summary": "Change register fields (null or empty clears a field)", "parameters": [DOC_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False, "properties": {
                        **REGISTER_FIELDS,
                        "personal_data": {"type": "boolean", "description": "true marks the document as holding "
                                          "personal data; false on a marked document answers 409 `personal_data_kept` "
                                          "(the mark is never cleared); true when a document with the same file, "
                                          "unit and secrecy is already marked answers 409 "
                                          "`personal_data_duplicate`."},
                    }}}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/Document"}, "Updated document"),
                              **_errors(409)},
            },
        },
        "/search": {
            "get": {
                "summary": "Search documents (per page) and civil-status entries within the caller's access",
                "parameters": [
                    _query("q", {"type": "string", "maxLength": 1000},
                           "Query language: words, \"phrases\", AND/OR/NOT, prefix*, fuzzy~, so:, loai:, "
                           "coquan:, donvi:, nam:, ngay:a..b, sinh:, me:, cha:, vo:, cccd:"),
                    _query("kind", {"type": "string", "enum": ["document", "person"]}),
                    PAGE,
                    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                    _query("sort", {"type": "string", "enum": ["relevance", "date"]}),
                    _query("type", {"type": "string", "maxLength": 200}, "Facet: document type"),
                    _query("year", {"type": "integer", "minimum": 1, "maximum": 9999}, "Facet: year"),
                    _query("unit", {"type": "string", "maxLength": 64}, "Facet: unit id or code"),
                    _query("date_from", {"type": "string", "maxLength": 10},
                           "From this day, month or year (1985-03-12, 12/03/1985, 03/1985, 1985)"),
                    _query("date_to", {"type": "string", "maxLength": 10}, "Up to this day, month or year"),
                    *PURPOSE,
                ],
                "responses": {"200": _json({"type": "object", "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "hits": {"type": "array", "items": {"type": "object", "properties": {
                        "kind": {"type": "string"}, "id": {"type": "integer"}, "title": {"type": "string"},
                        "page": {"type": ["integer", "null"]}, "score": {"type": "number"},
                        "highlights": {"type": "array", "items": {"type": "string"}}}}},
                    "facets": {"type": "object"}, "suggestion": {"type": ["string", "null"]},
                    "relaxed": {"type": "boolean"}}}, "Results"),
                    **_errors(503)},
            },
        },
        "/search/suggest": {
            "get": {"summary": "Completions as you type", "parameters": [
                _query("q", {"type": "string", "maxLength": 200}),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 20}), *PURPOSE],
                    "responses": {"200": _json({"type": "object", "properties": {"suggestions": {
                        "type": "array", "items": {"type": "object", "properties": {
                            "text": {"type": "string"}, "kind": {"type": "string"},
                            "count": {"type": "integer"}}}}}}, "Suggestions")}},
        },
        "/documents/{doc_id}/original": {
            "get": {"summary": "The original file, byte for byte (as an attachment)", "parameters": [DOC_ID, *PURPOSE],
                    "responses": {"200": _binary("The original, in the type read from its bytes", *FILE_TYPES),
                                  **FILE_RESPONSES}},
        },
        "/documents/{doc_id}/pages/{number}/image": {
            "get": {"summary": "Display image of a page (JPEG)", "parameters": [DOC_ID, PAGE_NO, *PURPOSE],
                    "responses": {"200": _binary("Page image", "image/jpeg"), **FILE_RESPONSES}},
        },
        "/documents/{doc_id}/pages/{number}/thumbnail": {
            "get": {"summary": "Thumbnail of a page (JPEG)", "parameters": [DOC_ID, PAGE_NO, *PURPOSE],
                    "responses": {"200": _binary("Thumbnail", "image/jpeg"), **FILE_RESPONSES}},
        },
        "/jobs/{job_id}": {
            "get": {"summary": "State and progress of a job", "parameters": [_id_param("job_id", "Job id")],
                    "responses": {"200": _json({"$ref": "#/components/schemas/Job"}, "Job")}},
        },
        "/openapi.json": {
            "get": {"summary": "This document", "security": [],
                    "responses": {"200": _json({"type": "object"}, "OpenAPI")}},
        },
    },
}


def _document_errors(spec: dict) -> None:
    """Add the errors every operation of a kind can answer, from its shape, so that none is
    forgotten: 401/403 when it needs a token, 400 when it has parameters or a body (checked
    by docsvc.api.validation), 404 for an id in the path, 413/415 for a body."""
    for item in spec["paths"].values():
        for op in item.values():
            codes = set()
            if op.get("security", spec["security"]):
                codes |= {401, 403}
            if op.get("parameters") or op.get("requestBody"):
                codes.add(400)
            if any(p["in"] == "path" for p in op.get("parameters", ())):
                codes.add(404)
            if op.get("requestBody"):
                codes |= {413, 415}
            for code in sorted(codes):
                op["responses"].setdefault(str(code), _errors(code)[str(code)])


# A capability whose operations are many describes them in a module of its own.
from docsvc.civil.openapi import describe as _describe_civil  # noqa: E402
from docsvc.extracts.openapi import describe as _describe_extracts  # noqa: E402
from docsvc.calendar.openapi import describe as _describe_calendar  # noqa: E402
from docsvc.routing.openapi import describe as _describe_routing  # noqa: E402
from docsvc.dossiers.openapi import describe as _describe_dossiers  # noqa: E402
from docsvc.incoming.openapi import describe as _describe_incoming  # noqa: E402
from docsvc.reports.openapi import describe as _describe_reports  # noqa: E402
from docsvc.outgoing.openapi import describe as _describe_outgoing  # noqa: E402
from docsvc.outgoing.openapi_registers import describe as _describe_outgoing_registers  # noqa: E402
from docsvc.outgoing.openapi_reports import describe as _describe_outgoing_reports  # noqa: E402

_describe_civil(SPEC)
_describe_extracts(SPEC)
_describe_calendar(SPEC)
_describe_routing(SPEC)
_describe_dossiers(SPEC)
_describe_incoming(SPEC)
_describe_reports(SPEC)
_describe_outgoing(SPEC)
_describe_outgoing_registers(SPEC)
_describe_outgoing_reports(SPEC)
_document_errors(SPEC)


@bp.get("/openapi.json")
@public
def openapi_document():
    return jsonify(SPEC)
