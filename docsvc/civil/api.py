"""Civil-status registers on the REST API (``/api/v1/civil/...``, issue 11).

Each route parses the request, calls one use case (docsvc.civil.services, docsvc.civil.pages)
and serialises its answer; the use cases' refusals become the API's JSON errors:

- ``NotFound`` → 404 ``not_found``: no such book or entry *for the caller* — absent, held by
  a unit outside their scope, or the caller's role lacks ``person.view`` (the reads declare
  ``civil.open``, held by every role, so that such a role is told nothing exists);
- ``PermissionDenied`` → 403 ``forbidden`` (e.g. a correction without ``civil.correct``);
- ``EntryFieldError`` → 400 ``invalid_field`` with ``field`` (the key); an office the caller
  does not hold → 403 ``office_not_held``, as an upload into such a unit is refused;
- ``Conflict`` → 409 with its code (``duplicate_number`` with ``existing_id``, ``stale``
  with ``version``, ``same_person``, ``reason_required`` ...).

Parameters and bodies are checked against the OpenAPI document (docsvc/civil/openapi.py)
before a route runs; path parameters arrive as integers.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import current_app, jsonify, request, send_file

from docsvc.api import ApiError, bp, error_response, json_object, request_purpose
from docsvc.auth import current_principal
from docsvc.civil import services as civil
from docsvc.civil.entries import EntryFieldError
from docsvc.civil.pages import add_pages
from docsvc.civil.rules import Conflict
from docsvc.documents.queries import NotFound
from docsvc.documents.submit import SubmissionRefused
from docsvc.documents.views import INGEST_STATUS
from docsvc.i18n import current_lang, gettext as _
from docsvc.permissions import requires
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services
from ingest.errors import IngestError


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _answered(view: Callable) -> Callable:
    """The use cases' refusals as the API's errors (see the module's docstring)."""
    @wraps(view)
    def run(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except NotFound:
            return error_response(404, "not_found", _("Không tìm thấy sổ hoặc mục hộ tịch."))
        except PermissionDenied:
            return error_response(403, "forbidden", _("Vai trò của bạn không được làm việc này."))
        except EntryFieldError as exc:
            if exc.name == "office":
                return error_response(403, "office_not_held", exc.message)
            return _error(400, "invalid_field", exc.message, field=exc.name)
        except Conflict as exc:
            extra = {"existing_id": exc.existing_id} if exc.code == "duplicate_number" else {}
            if exc.code == "stale":
                extra["version"] = exc.version
            return _error(409, exc.code, exc.message, **extra)
    return run


def _error(status: int, code: str, message: str, **extra: Any):
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    return response


def _integral(value: Any) -> Any:
    """JSON has one number type: 12.0 is the integer 12 (the document, checked before, allows
    it where an integer belongs)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def _body() -> dict:
    return _integral(json_object())


# -- books -----------------------------------------------------------------------------------

@bp.get("/civil/books")
@requires("civil.open")
@_answered
def civil_books():
    return jsonify(civil.list_books(_services(), current_principal(), office_code=request.args.get("office") or None,
                                    kind=request.args.get("kind") or None,
                                    year=request.args.get("year", type=int)))


@bp.post("/civil/books")
@requires("civil.book")
@_answered
def civil_book_create():
    body = _body()
    year_from = body["year_from"]
    year_to = body.get("year_to", year_from)
    book = civil.add_book(_services(), current_principal(), office_code=body["office"], kind=body["kind"],
                          year_from=min(year_from, year_to), year_to=max(year_from, year_to), label=body["label"],
                          condition_notes=body.get("condition_notes"),
                          verification_mode=body.get("verification_mode") or "review")
    return jsonify(book), 201


@bp.post("/civil/books/<book_id>/pages")
@requires("civil.book")
@_answered
def civil_pages_add(book_id: int):
    files = request.files.getlist("file")
    if not files:
        raise ApiError(400, "missing_file", _("Thiếu tệp: gửi tệp trong trường multipart 'file'."))
    try:
        added = add_pages(_services(), current_principal(), book_id, files)
    except IngestError as exc:
        raise ApiError(INGEST_STATUS.get(exc.code, 422), exc.code, exc.message(current_lang())) from None
    except SubmissionRefused as exc:
        raise ApiError(403, exc.code, exc.message) from None
    return jsonify({"pages": [{"seq": p.seq, "document_id": p.document_id, "job_id": p.job_id,
                               "status": p.status, "name": p.name} for p in added]}), 202


# -- entries ---------------------------------------------------------------------------------

@bp.get("/civil/books/<book_id>/entries")
@requires("civil.open")
@_answered
def civil_entries(book_id: int):
    return jsonify(civil.list_entries(_services(), current_principal(), book_id,
                                      status=request.args.get("status") or None, purpose=request_purpose()))


@bp.post("/civil/books/<book_id>/entries")
@requires("civil.key")
@_answered
def civil_entry_create(book_id: int):
    body = _body()
    entry = civil.create_entry(_services(), current_principal(), book_id, body.get("fields") or {},
                               page_id=body.get("page_id"), box=body.get("box"), extra_pages=body.get("extra_pages"))
    return jsonify(entry), 201


@bp.get("/civil/entries/<entry_id>")
@requires("civil.open")
@_answered
def civil_entry(entry_id: int):
    return jsonify(civil.get_entry(_services(), current_principal(), entry_id, purpose=request_purpose(),
                                   blind=request.args.get("blind") == "1"))


@bp.patch("/civil/entries/<entry_id>")
@requires("civil.key")
@_answered
def civil_entry_update(entry_id: int):
    body = _body()
    entry = civil.update_entry(_services(), current_principal(), entry_id, fields=body.get("fields"),
                               status=body.get("status"), reason=body.get("reason"),
                               legal_basis=body.get("legal_basis"), legal_basis_date=body.get("legal_basis_date"),
                               version=body.get("version"), page_id=body.get("page_id"), box=body.get("box"))
    return jsonify(entry)


@bp.post("/civil/entries/<entry_id>/verify")
@requires("civil.verify")
@_answered
def civil_entry_verify(entry_id: int):
    return jsonify(civil.verify_entry(_services(), current_principal(), entry_id, version=_body().get("version")))


@bp.post("/civil/entries/<entry_id>/keyings")
@requires("civil.key")
@_answered
def civil_entry_key_again(entry_id: int):
    return jsonify(civil.key_again(_services(), current_principal(), entry_id, _body().get("fields") or {}))


@bp.post("/civil/entries/<entry_id>/arbitrate")
@requires("civil.verify")
@_answered
def civil_entry_arbitrate(entry_id: int):
    body = _body()
    return jsonify(civil.arbitrate(_services(), current_principal(), entry_id, body.get("fields") or {},
                                   reason=body.get("reason")))


@bp.get("/civil/entries/<entry_id>/revisions")
@requires("civil.open")
@_answered
def civil_entry_revisions(entry_id: int):
    return jsonify(civil.revisions(_services(), current_principal(), entry_id, purpose=request_purpose()))


@bp.get("/civil/books/<book_id>/export")
@requires("civil.export")
@_answered
def civil_book_export(book_id: int):
    import tempfile

    from docsvc.civil.exchange import export_book

    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # a big book spills to disk
    export_book(_services(), current_principal(), book_id, out, purpose=request_purpose())
    out.seek(0)
    return send_file(out, mimetype="application/zip", as_attachment=True,
                     download_name=f"so-ho-tich-{book_id}.zip")
