"""Documents, pages, originals and jobs.

Path parameters are declared untyped here: docsvc.api.validation checks them against the
OpenAPI document and hands them over as integers (a bad one is a 400, not a routing 404).
"""

from __future__ import annotations

from flask import current_app, jsonify, request, send_file

from docsvc.api import ApiError, bp, request_purpose
from docsvc.auth import current_principal
from docsvc.documents import services as documents
from docsvc.documents.downloads import attachment_headers
from docsvc.documents.fields import PARSERS, FieldError, MarkTaken, parse_fields
from docsvc.documents.queries import Hidden, NotFound
from docsvc.documents.submit import SubmissionRefused, submit_stream
from docsvc.documents.views import INGEST_STATUS
from docsvc.i18n import current_lang, gettext as _
from docsvc.permissions import requires
from docsvc.services.container import Services
from ingest.errors import IngestError


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", _("Không tìm thấy {what}.").format(what=what))


def _hidden() -> ApiError:
    return ApiError(403, "forbidden", _("Bạn không được xem văn bản này (độ mật hoặc đơn vị)."))


def _refusal(exc: Exception, what: str) -> ApiError:
    """A use case's NotFound/Hidden as the API's error (``what`` names the missing thing)."""
    return _not_found(what) if isinstance(exc, NotFound) else _hidden()


@bp.post("/documents")
@requires("document.upload")
def create_document():
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "missing_file", _("Thiếu tệp: gửi tệp trong trường multipart 'file'."))
    secrecy = request.form.get("secrecy", "0")
    if not secrecy.isdigit():
        raise ApiError(400, "invalid_secrecy", _("Độ mật phải là số từ 0 đến 3."))
    try:
        fields = parse_fields({k: v for k, v in request.form.items() if k in PARSERS})
        sub = submit_stream(_services(), upload.stream, upload.filename, principal=current_principal(),
                            unit_code=request.form.get("unit") or None, secrecy=int(secrecy),
                            personal_data=fields.pop("personal_data", False), fields=fields)
    except FieldError as exc:
        raise ApiError(400, "invalid_field", exc.message) from None
    except IngestError as exc:
        raise ApiError(INGEST_STATUS.get(exc.code, 422), exc.code, exc.message(current_lang())) from None
    except SubmissionRefused as exc:
        raise ApiError(403, exc.code, exc.message) from None
    body = {"document_id": sub.document_id, "job_id": sub.job_id, "status": sub.status,
            "pages": sub.page_count, "media_type": sub.media_type}
    return jsonify(body), (200 if sub.status == "duplicate" else 202)


@bp.get("/documents")
@requires("document.open")
def documents_index():
    result, _filters = documents.browse(_services(), current_principal(), page=request.args.get("page", 1, type=int),
                                        per_page=request.args.get("per_page", 25, type=int),
                                        status=request.args.get("status"))
    return jsonify({"total": result.total, "page": result.page, "per_page": result.per_page,
                    "items": [documents.document_dict(d, pages=False) for d in result.items]})


@bp.get("/documents/<doc_id>")
@requires("document.open")
def document_show(doc_id: int):
    try:
        doc = documents.read_document(_services(), current_principal(), doc_id, purpose=request_purpose())
    except (NotFound, Hidden) as exc:
        raise _refusal(exc, _("văn bản")) from None
    return jsonify(documents.document_dict(doc, words=request.args.get("words") == "1"))


@bp.patch("/documents/<doc_id>")
@requires("document.edit")
def document_update(doc_id: int):
    """Change register fields: a JSON object of field → value (null or "" clears)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", _("Cần một đối tượng JSON các trường cần sửa."))
    # JSON has one number type: 12.0 is the integer 12 (the schema, checked before, allows it)
    body = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in body.items()}
    try:
        edited = documents.edit_fields(_services(), current_principal(), doc_id, body)
    except (NotFound, Hidden) as exc:
        raise _refusal(exc, _("văn bản")) from None
    except MarkTaken as exc:  # a valid request another document's state refuses
        raise ApiError(409, "personal_data_duplicate", exc.message) from None
    except FieldError as exc:
        if exc.name == "personal_data":  # a valid request the document's state refuses
            raise ApiError(409, "personal_data_kept", exc.message) from None
        raise ApiError(400, "invalid_field", exc.message) from None
    return jsonify({**edited.document, "changed": edited.changed})


@bp.get("/documents/<doc_id>/original")
@requires("document.download")
def document_original(doc_id: int):
    try:
        doc, path = documents.fetch_original(_services(), current_principal(), doc_id, purpose=request_purpose())
    except (NotFound, Hidden) as exc:
        raise _refusal(exc, _("văn bản")) from None
    response = send_file(path, mimetype=doc.media_type, etag=doc.sha256, conditional=True)
    response.headers.update(attachment_headers(doc.id, doc.original_name, doc.media_type))
    return response


def _page_blob(doc_id: int, number: int, kind: str):
    try:
        picture = documents.page_picture(_services(), current_principal(), doc_id, number, kind,
                                         purpose=request_purpose())
    except (NotFound, Hidden) as exc:
        what = _("ảnh trang") if isinstance(exc, documents.PageNotFound) else _("văn bản")
        raise _refusal(exc, what) from None
    if picture.personal_data:  # every read is logged: none may be served from a cache
        response = send_file(picture.path, mimetype=picture.media_type, etag=False, conditional=False)
        response.headers["Cache-Control"] = "no-store"
        return response
    response = send_file(picture.path, mimetype=picture.media_type, etag=picture.sha256, conditional=True,
                         max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/documents/<doc_id>/pages/<number>/image")
@requires("document.open")
def page_image(doc_id: int, number: int):
    return _page_blob(doc_id, number, "image")


@bp.get("/documents/<doc_id>/pages/<number>/thumbnail")
@requires("document.open")
def page_thumbnail(doc_id: int, number: int):
    return _page_blob(doc_id, number, "thumbnail")


@bp.get("/jobs/<job_id>")
@requires("document.open")
def job_show(job_id: int):
    try:
        return jsonify(documents.job_status(_services(), current_principal(), job_id))
    except (NotFound, Hidden) as exc:
        raise _refusal(exc, _("công việc")) from None
