"""Documents: list, detail (page image beside its text), upload with job progress."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file

from docsvc.api.documents import INGEST_STATUS
from docsvc.i18n import current_lang, gettext as _
from docsvc.services.container import Services
from docsvc.services.documents import (
    NotFound,
    get_document,
    get_job,
    job_dict,
    list_documents,
    page_blob,
)
from docsvc.services.ingest import submit_stream
from ingest.errors import IngestError

bp = Blueprint("documents", __name__)

STATUSES = ("queued", "processing", "done", "failed")


def _services() -> Services:
    return current_app.extensions["docsvc"]


@bp.get("/documents")
def index():
    page = request.args.get("page", 1, type=int)
    status = request.args.get("status")
    if status not in STATUSES:
        status = None
    with _services().session_factory() as session:
        result = list_documents(session, page=page, per_page=25, status=status)
    return render_template("documents/list.html", result=result, status=status, statuses=STATUSES)


@bp.get("/documents/<int:doc_id>")
def detail(doc_id: int):
    with _services().session_factory() as session:
        try:
            doc = get_document(session, doc_id)
        except NotFound:
            abort(404)
    return render_template("documents/detail.html", doc=doc)


@bp.get("/documents/<int:doc_id>/download")
def download(doc_id: int):
    svc = _services()
    with svc.session_factory() as session:
        try:
            doc = get_document(session, doc_id)
        except NotFound:
            abort(404)
    return send_file(svc.blobs.path(doc.sha256), mimetype=doc.media_type, as_attachment=True,
                     download_name=doc.original_name or f"document-{doc_id}", etag=doc.sha256)


@bp.get("/documents/<int:doc_id>/pages/<int:number>/<any(image, thumbnail):kind>")
def page_picture(doc_id: int, number: int, kind: str):
    svc = _services()
    with svc.session_factory() as session:
        try:
            sha, media_type = page_blob(session, doc_id, number, kind)
        except NotFound:
            abort(404)
    return send_file(svc.blobs.path(sha), mimetype=media_type, etag=sha, max_age=86400)


@bp.get("/upload")
def upload_form():
    return render_template("documents/upload.html", limits=_services().limits)


@bp.post("/upload")
def upload():
    """One file per request (the page sends each file on its own, to show its progress)."""
    upload = request.files.get("file")
    if upload is None:
        return jsonify({"error": {"code": "missing_file", "message": _("Chưa chọn tệp.")}}), 400
    try:
        sub = submit_stream(_services(), upload.stream, upload.filename)
    except IngestError as exc:
        status = INGEST_STATUS.get(exc.code, 422)
        return jsonify({"error": {"code": exc.code, "message": exc.message(current_lang())}}), status
    return jsonify({"document_id": sub.document_id, "job_id": sub.job_id, "status": sub.status,
                    "pages": sub.page_count}), (200 if sub.status == "duplicate" else 202)


@bp.get("/jobs/<int:job_id>/progress")
def job_progress(job_id: int):
    with _services().session_factory() as session:
        try:
            return jsonify(job_dict(get_job(session, job_id)))
        except NotFound:
            abort(404)
