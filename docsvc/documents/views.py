"""Documents: list, detail (page image beside its text), upload with job progress.

A document the principal may not open answers 404 when it holds personal data (or their
role never opens documents of its kind), 403 for an ordinary document kept from them by
secrecy or unit. Reading a personal document asks for the session's purpose first."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for

from docsvc.audit.purpose import session_purpose
from docsvc.auth import current_principal
from docsvc.documents import services as documents
from docsvc.documents.downloads import attachment_headers
from docsvc.documents.fields import DIRECTIONS, LABELS, FieldError, parse_fields
from docsvc.documents.queries import Hidden, NotFound
from docsvc.documents.submit import SubmissionRefused, submit_stream
from docsvc.i18n import current_lang, gettext as _
from docsvc.permissions import requires
from docsvc.services.container import Services
from ingest.errors import IngestError
from werkzeug import exceptions as http

bp = Blueprint("documents", __name__, template_folder="templates")

STATUSES = ("queued", "processing", "done", "failed")
INGEST_STATUS = {"empty_file": 400, "too_large": 413, "unsupported_type": 415, "too_many_pages": 413,
                 "image_too_large": 413}


def _services() -> Services:
    return current_app.extensions["docsvc"]


@bp.errorhandler(NotFound)
def _not_found(_exc):
    """404: absent, or personal data the principal may not know exists (the app's error page)."""
    return current_app.handle_user_exception(http.NotFound())


@bp.errorhandler(Hidden)
def _hidden(_exc):
    """403: an ordinary document kept from them by secrecy or unit."""
    return current_app.handle_user_exception(http.Forbidden())


@bp.get("/documents")
@requires("document.open")
def index():
    args = request.args
    status = args.get("status")
    if status not in STATUSES:
        status = None
    chosen = {"status": status, "doc_type": args.get("doc_type") or None,
              "year": args.get("year", type=int), "unit_id": args.get("unit", type=int)}
    result, filters = documents.browse(_services(), current_principal(), page=args.get("page", 1, type=int),
                                       per_page=25, with_filters=True, **chosen)
    # Links keep the other filters: {"status": ..., "doc_type": ..., "year": ..., "unit": ...}
    current = {"status": status, "doc_type": chosen["doc_type"], "year": chosen["year"], "unit": chosen["unit_id"]}
    return render_template("documents/list.html", result=result, status=status, statuses=STATUSES,
                           filters=filters, current={k: v for k, v in current.items() if v})


@bp.get("/documents/<int:doc_id>")
@requires("document.open")
def detail(doc_id: int):
    doc = documents.read_document(_services(), current_principal(), doc_id, purpose=session_purpose())
    return render_template("documents/detail.html", doc=doc, labels=LABELS, directions=DIRECTIONS)


@bp.post("/documents/<int:doc_id>/fields")
@requires("document.edit")
def edit_fields(doc_id: int):
    try:
        edited = documents.edit_fields(_services(), current_principal(), doc_id, request.form)
    except FieldError as exc:
        flash(exc.message, "error")
        return redirect(url_for("documents.detail", doc_id=doc_id) + "#fields")
    if edited.changed:
        flash(_("Đã lưu thông tin văn bản."), "ok")
    if not edited.still_open:  # just marked as personal data: no longer theirs to open
        flash(_("Văn bản đã được đánh dấu chứa dữ liệu cá nhân; chỉ người có quyền xem hộ tịch mới mở được."), "ok")
        return redirect(url_for("documents.index"))
    return redirect(url_for("documents.detail", doc_id=doc_id))


@bp.get("/documents/<int:doc_id>/download")
@requires("document.download")
def download(doc_id: int):
    doc, path = documents.fetch_original(_services(), current_principal(), doc_id, purpose=session_purpose())
    response = send_file(path, mimetype=doc.media_type, etag=doc.sha256)
    response.headers.update(attachment_headers(doc.id, doc.original_name, doc.media_type))
    return response


@bp.get("/documents/<int:doc_id>/pages/<int:number>/<any(image, thumbnail):kind>")
@requires("document.open")
def page_picture(doc_id: int, number: int, kind: str):
    picture = documents.page_picture(_services(), current_principal(), doc_id, number, kind,
                                     purpose=session_purpose())
    if picture.personal_data:  # every read is logged: none may be served from a cache
        response = send_file(picture.path, mimetype=picture.media_type, etag=False, conditional=False)
        response.headers["Cache-Control"] = "no-store"
        return response
    response = send_file(picture.path, mimetype=picture.media_type, etag=picture.sha256, max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"  # never in a shared cache
    return response


@bp.get("/upload")
@requires("document.upload")
def upload_form():
    choices = documents.upload_choices(_services(), current_principal())
    return render_template("documents/upload.html", limits=_services().limits, units=choices.units,
                           levels=choices.levels, own_unit=choices.own_unit)


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
    return jsonify(documents.job_status(_services(), current_principal(), job_id))
