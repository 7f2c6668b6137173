"""Documents, pages, originals and jobs.

Path parameters are declared untyped here: docsvc.api.validation checks them against the
OpenAPI document and hands them over as integers (a bad one is a 400, not a routing 404).
"""

from __future__ import annotations

from flask import current_app, jsonify, request, send_file

from docsvc.access import document_filter
from docsvc.api import ApiError, bp, request_purpose
from docsvc.auth import current_principal
from docsvc.i18n import current_lang, gettext as _
from docsvc.permissions import requires
from docsvc.services.container import Services
from docsvc.services.downloads import attachment_headers
from docsvc.services.documents import (
    Hidden,
    NotFound,
    document_dict,
    get_document,
    get_job,
    job_dict,
    list_documents,
    page_blob,
)
from docsvc.services.indexing import index_documents
from docsvc.services.ingest import SubmissionRefused, submit_stream
from docsvc.services.metadata import PARSERS, FieldError, parse_fields, update_document
from docsvc.services.viewing import log_download, log_view
from docsvc.web.documents import INGEST_STATUS
from ingest.errors import IngestError


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", _("Không tìm thấy {what}.").format(what=what))


def _hidden() -> ApiError:
    return ApiError(403, "forbidden", _("Bạn không được xem văn bản này (độ mật hoặc đơn vị)."))


def _document(session, doc_id: int):
    try:
        return get_document(session, doc_id, current_principal())
    except NotFound:
        raise _not_found(_("văn bản")) from None
    except Hidden:
        raise _hidden() from None


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
    page = request.args.get("page", 1, type=int)
    per_page = request.args.get("per_page", 25, type=int)
    with _services().session_factory() as session:
        result = list_documents(session, page=page, per_page=per_page, status=request.args.get("status"),
                                where=document_filter(current_principal()))
        return jsonify({"total": result.total, "page": result.page, "per_page": result.per_page,
                        "items": [document_dict(d, pages=False) for d in result.items]})


@bp.get("/documents/<doc_id>")
@requires("document.open")
def document_show(doc_id: int):
    with _services().session_factory() as session:
        doc = _document(session, doc_id)
        log_view(_services(), current_principal(), doc, purpose=request_purpose())
        return jsonify(document_dict(doc, words=request.args.get("words") == "1"))


@bp.patch("/documents/<doc_id>")
@requires("document.edit")
def document_update(doc_id: int):
    """Change register fields: a JSON object of field → value (null or "" clears)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", _("Cần một đối tượng JSON các trường cần sửa."))
    # JSON has one number type: 12.0 is the integer 12 (the schema, checked before, allows it)
    body = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in body.items()}
    services = _services()
    with services.session_factory() as session:
        doc = _document(session, doc_id)
        try:
            changed = update_document(services, session, current_principal(), doc, parse_fields(body))
        except FieldError as exc:
            if exc.name == "personal_data":  # a valid request the document's state refuses
                raise ApiError(409, "personal_data_kept", exc.message) from None
            raise ApiError(400, "invalid_field", exc.message) from None
        session.commit()
        data = document_dict(doc, pages=False)
    if changed:
        index_documents(services, [doc_id])
    return jsonify({**data, "changed": changed})


@bp.get("/documents/<doc_id>/original")
@requires("document.download")
def document_original(doc_id: int):
    svc = _services()
    with svc.session_factory() as session:
        doc = _document(session, doc_id)
    log_download(svc, current_principal(), doc, purpose=request_purpose())
    response = send_file(svc.blobs.path(doc.sha256), mimetype=doc.media_type, etag=doc.sha256, conditional=True)
    response.headers.update(attachment_headers(doc.id, doc.original_name, doc.media_type))
    return response


def _page_blob(doc_id: int, number: int, kind: str):
    svc = _services()
    with svc.session_factory() as session:
        doc = _document(session, doc_id)
        try:
            sha, media_type = page_blob(session, doc_id, number, kind)
        except NotFound:
            raise _not_found(_("ảnh trang")) from None
    log_view(svc, current_principal(), doc, purpose=request_purpose(), page=number, what=kind)
    if doc.personal_data:  # every read is logged: none may be served from a cache
        response = send_file(svc.blobs.path(sha), mimetype=media_type, etag=False, conditional=False)
        response.headers["Cache-Control"] = "no-store"
        return response
    response = send_file(svc.blobs.path(sha), mimetype=media_type, etag=sha, conditional=True, max_age=3600)
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
    with _services().session_factory() as session:
        try:
            return jsonify(job_dict(get_job(session, job_id, current_principal())))
        except NotFound:
            raise _not_found(_("công việc")) from None
        except Hidden:
            raise _hidden() from None
