"""Documents: list, detail (page image beside its text), upload with job progress.

A document the principal may not open answers 404 when it holds personal data (or their
role never opens documents of its kind), 403 for an ordinary document kept from them by
secrecy or unit. Reading a personal document asks for the session's purpose first."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for

from archive.accounts import SECRECY_LABELS, Unit
from docsvc.access import can_see, document_filter
from docsvc.auth import current_principal
from docsvc.i18n import current_lang, gettext as _
from docsvc.permissions import requires
from docsvc.services.container import Services
from docsvc.services.downloads import attachment_headers
from docsvc.services.documents import (
    list_filters,
    Hidden,
    NotFound,
    get_document,
    get_job,
    job_dict,
    list_documents,
    page_blob,
)
from docsvc.services.indexing import index_documents
from docsvc.services.ingest import SubmissionRefused, submit_stream
from docsvc.services.metadata import DIRECTIONS, LABELS, FieldError, parse_fields, update_document
from docsvc.services.viewing import log_download, log_view
from docsvc.web.purpose import session_purpose
from ingest.errors import IngestError

bp = Blueprint("documents", __name__)

STATUSES = ("queued", "processing", "done", "failed")
INGEST_STATUS = {"empty_file": 400, "too_large": 413, "unsupported_type": 415, "too_many_pages": 413,
                 "image_too_large": 413}


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _load(doc_id: int):
    with _services().session_factory() as session:
        try:
            return get_document(session, doc_id, current_principal())
        except NotFound:
            abort(404)
        except Hidden:
            abort(403)


@bp.get("/documents")
@requires("document.open")
def index():
    args = request.args
    page = args.get("page", 1, type=int)
    status = args.get("status")
    if status not in STATUSES:
        status = None
    chosen = {"status": status, "doc_type": args.get("doc_type") or None,
              "year": args.get("year", type=int), "unit_id": args.get("unit", type=int)}
    visible = document_filter(current_principal())
    with _services().session_factory() as session:
        result = list_documents(session, page=page, per_page=25, where=visible, **chosen)
        filters = list_filters(session, where=visible)
    # Links keep the other filters: {"status": ..., "doc_type": ..., "year": ..., "unit": ...}
    current = {"status": status, "doc_type": chosen["doc_type"], "year": chosen["year"], "unit": chosen["unit_id"]}
    return render_template("documents/list.html", result=result, status=status, statuses=STATUSES,
                           filters=filters, current={k: v for k, v in current.items() if v})


@bp.get("/documents/<int:doc_id>")
@requires("document.open")
def detail(doc_id: int):
    doc = _load(doc_id)
    log_view(_services(), current_principal(), doc, purpose=session_purpose())
    return render_template("documents/detail.html", doc=doc, labels=LABELS, directions=DIRECTIONS)


@bp.post("/documents/<int:doc_id>/fields")
@requires("document.edit")
def edit_fields(doc_id: int):
    services = _services()
    principal = current_principal()
    with services.session_factory() as session:
        try:
            doc = get_document(session, doc_id, principal)
        except NotFound:
            abort(404)
        except Hidden:
            abort(403)
        try:
            changed = update_document(services, session, principal, doc, parse_fields(request.form))
        except FieldError as exc:
            flash(exc.message, "error")
            return redirect(url_for("documents.detail", doc_id=doc_id) + "#fields")
        session.commit()
        still_open = can_see(principal, doc)
    if changed:
        index_documents(services, [doc_id])
        flash(_("Đã lưu thông tin văn bản."), "ok")
    if not still_open:  # just marked as personal data: no longer theirs to open
        flash(_("Văn bản đã được đánh dấu chứa dữ liệu cá nhân; chỉ người có quyền xem hộ tịch mới mở được."), "ok")
        return redirect(url_for("documents.index"))
    return redirect(url_for("documents.detail", doc_id=doc_id))


@bp.get("/documents/<int:doc_id>/download")
@requires("document.download")
def download(doc_id: int):
    doc = _load(doc_id)
    log_download(_services(), current_principal(), doc, purpose=session_purpose())
    response = send_file(_services().blobs.path(doc.sha256), mimetype=doc.media_type, etag=doc.sha256)
    response.headers.update(attachment_headers(doc.id, doc.original_name, doc.media_type))
    return response


@bp.get("/documents/<int:doc_id>/pages/<int:number>/<any(image, thumbnail):kind>")
@requires("document.open")
def page_picture(doc_id: int, number: int, kind: str):
    svc = _services()
    principal = current_principal()
    with svc.session_factory() as session:
        try:
            sha, media_type = page_blob(session, doc_id, number, kind, principal)
        except NotFound:
            abort(404)
        except Hidden:
            abort(403)
        doc = get_document(session, doc_id)
    log_view(svc, principal, doc, purpose=session_purpose(), page=number, what=kind)
    if doc.personal_data:  # every read is logged: none may be served from a cache
        response = send_file(svc.blobs.path(sha), mimetype=media_type, etag=False, conditional=False)
        response.headers["Cache-Control"] = "no-store"
        return response
    response = send_file(svc.blobs.path(sha), mimetype=media_type, etag=sha, max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"  # never in a shared cache
    return response


@bp.get("/upload")
@requires("document.upload")
def upload_form():
    principal = current_principal()
    with _services().session_factory() as session:
        query = session.query(Unit).order_by(Unit.code)
        units = [u for u in query if principal.unit_ids is None or u.id in principal.unit_ids]
    levels = {k: v for k, v in SECRECY_LABELS.items() if k <= principal.clearance}
    return render_template("documents/upload.html", limits=_services().limits, units=units,
                           levels=levels, own_unit=principal.unit_id)


@bp.post("/upload")
@requires("document.upload")
def upload():
    """One file per request (the page sends each file on its own, to show its progress)."""
    upload = request.files.get("file")
    if upload is None:
        return jsonify({"error": {"code": "missing_file", "message": _("Chưa chọn tệp.")}}), 400
    try:
        fields = parse_fields({k: v for k, v in request.form.items()
                               if k in ("direction", "arrived_on", "personal_data")})
        sub = submit_stream(_services(), upload.stream, upload.filename, principal=current_principal(),
                            unit_code=request.form.get("unit") or None,
                            secrecy=request.form.get("secrecy", 0, type=int),
                            personal_data=fields.pop("personal_data", False), fields=fields)
    except FieldError as exc:
        return jsonify({"error": {"code": "invalid_field", "message": exc.message}}), 400
    except IngestError as exc:
        status = INGEST_STATUS.get(exc.code, 422)
        return jsonify({"error": {"code": exc.code, "message": exc.message(current_lang())}}), status
    except SubmissionRefused as exc:
        return jsonify({"error": {"code": exc.code, "message": exc.message}}), 403
    return jsonify({"document_id": sub.document_id, "job_id": sub.job_id, "status": sub.status,
                    "pages": sub.page_count}), (200 if sub.status == "duplicate" else 202)


@bp.get("/jobs/<int:job_id>/progress")
@requires("document.open")
def job_progress(job_id: int):
    with _services().session_factory() as session:
        try:
            return jsonify(job_dict(get_job(session, job_id, current_principal())))
        except NotFound:
            abort(404)
        except Hidden:
            abort(403)
