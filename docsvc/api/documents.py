"""Documents, pages, originals and jobs."""

from __future__ import annotations

from flask import current_app, jsonify, request, send_file

from docsvc.api import ApiError, bp
from docsvc.i18n import current_lang, gettext as _
from docsvc.services.container import Services
from docsvc.services.documents import (
    NotFound,
    document_dict,
    get_document,
    get_job,
    get_page,
    job_dict,
    list_documents,
    page_blob,
)
from docsvc.services.ingest import submit_stream
from ingest.errors import IngestError

# HTTP status for each kind of bad input.
INGEST_STATUS = {
    "empty_file": 400,
    "too_large": 413,
    "unsupported_type": 415,
    "too_many_pages": 413,
    "image_too_large": 413,
}


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", _("Không tìm thấy {what}.").format(what=what))


@bp.post("/documents")
def create_document():
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "missing_file", _("Thiếu tệp: gửi tệp trong trường multipart 'file'."))
    try:
        sub = submit_stream(_services(), upload.stream, upload.filename)
    except IngestError as exc:
        raise ApiError(INGEST_STATUS.get(exc.code, 422), exc.code, exc.message(current_lang())) from None
    body = {"document_id": sub.document_id, "job_id": sub.job_id, "status": sub.status,
            "pages": sub.page_count, "media_type": sub.media_type}
    return jsonify(body), (200 if sub.status == "duplicate" else 202)


@bp.get("/documents")
def documents_index():
    page = request.args.get("page", 1, type=int)
    per_page = request.args.get("per_page", 25, type=int)
    with _services().session_factory() as session:
        result = list_documents(session, page=page, per_page=per_page, status=request.args.get("status"))
        return jsonify({"total": result.total, "page": result.page, "per_page": result.per_page,
                        "items": [document_dict(d, pages=False) for d in result.items]})


@bp.get("/documents/<int:doc_id>")
def document_show(doc_id: int):
    with _services().session_factory() as session:
        try:
            doc = get_document(session, doc_id)
        except NotFound:
            raise _not_found(_("văn bản")) from None
        return jsonify(document_dict(doc, words=request.args.get("words") == "1"))


@bp.get("/documents/<int:doc_id>/original")
def document_original(doc_id: int):
    svc = _services()
    with svc.session_factory() as session:
        try:
            doc = get_document(session, doc_id)
        except NotFound:
            raise _not_found(_("văn bản")) from None
        sha, media_type, name = doc.sha256, doc.media_type, doc.original_name
    return send_file(svc.blobs.path(sha), mimetype=media_type, as_attachment=True,
                     download_name=name or f"document-{doc_id}", etag=sha, conditional=True)


def _page_blob(doc_id: int, number: int, kind: str):
    svc = _services()
    with svc.session_factory() as session:
        try:
            sha, media_type = page_blob(session, doc_id, number, kind)
        except NotFound:
            raise _not_found(_("ảnh trang")) from None
    return send_file(svc.blobs.path(sha), mimetype=media_type, etag=sha, conditional=True, max_age=86400)


@bp.get("/documents/<int:doc_id>/pages/<int:number>/image")
def page_image(doc_id: int, number: int):
    return _page_blob(doc_id, number, "image")


@bp.get("/documents/<int:doc_id>/pages/<int:number>/thumbnail")
def page_thumbnail(doc_id: int, number: int):
    return _page_blob(doc_id, number, "thumbnail")


@bp.get("/jobs/<int:job_id>")
def job_show(job_id: int):
    with _services().session_factory() as session:
        try:
            return jsonify(job_dict(get_job(session, job_id)))
        except NotFound:
            raise _not_found(_("công việc")) from None
