"""Certified extract pages (issue 12): the issue form opened from a verified entry, the
extract with its PDF ready to print and its revocation, today's extracts and the year's
register (printable as PDF and XLSX), the one-stop desk's name-and-birth-date search, and
the office's extract settings for administrators. The public verification page is
docsvc.extracts.public.

Every page showing an extract goes through the use cases (docsvc.extracts.services), which
log the look in the personal-data log with the purpose they serve, the extract request: no
purpose is asked for here. The entry page keeps asking for its own (docsvc.civil.views); the
issue form, opened from it or from the desk's search, reads the entry for the request it
serves. A refused form is shown again with what was typed and the use case's Vietnamese
message beside the field (400, or 409 for a state that refuses it)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from docsvc.refusals import answer_refusals
from docsvc.audit.purpose import session_purpose
from docsvc.auth import current_principal
from docsvc.civil import services as civil
from docsvc.dates import format_day, local_now
from docsvc.edge import accepts_uploads
from docsvc.extracts import desk
from docsvc.extracts import services as extracts
from docsvc.extracts.services import REQUEST, ExtractConflict, ExtractInvalid
from docsvc.finding.services import SearchUnavailable
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.services.container import Services

bp = Blueprint("extracts", __name__, template_folder="templates")


def _services() -> Services:
    return current_app.extensions["docsvc"]


answer_refusals(bp)


@bp.app_template_filter("day")
def _day_filter(value) -> str:
    """``2025-03-01`` (ISO text or a date) → ``01/03/2025``."""
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return format_day(value) if value else "–"


# -- issuing ---------------------------------------------------------------------------------

def _form_page(entry_id: int, *, errors: dict | None = None, status: int = 200):
    """The issue form for an entry, with what was typed and the refusals, if any."""
    principal = current_principal()
    entry = civil.get_entry(_services(), principal, entry_id, purpose=session_purpose() or REQUEST)
    office = extracts.get_office(_services(), principal, entry["book"]["custodian"]["code"])
    signers = [s for s in office["signers"] if s["active"]]
    blocked = None
    if entry["status"] == "disputed":
        blocked = _("Mục đăng ký đang có hai lần nhập khác nhau chờ phân xử; chưa thể cấp trích lục.")
    elif entry["status"] != "verified":
        blocked = _("Mục đăng ký chưa được kiểm tra, xác nhận; chỉ cấp trích lục từ mục đã kiểm tra.")
    if blocked and status == 200:
        status = 409
    form = request.form if request.method == "POST" else {}
    return render_template("extracts/issue.html", entry=entry, office=office, signers=signers, blocked=blocked,
                           errors=errors or {}, form=form), status


@bp.get("/civil/entries/<int:entry_id>/extract")
@requires("extract.issue")
def issue_form(entry_id: int):
    return _form_page(entry_id)


@bp.post("/civil/entries/<int:entry_id>/extract")
@requires("extract.issue")
def issue(entry_id: int):
    form = request.form
    try:
        asked = extracts.IssueRequest.parse(form.get("requester"), form.get("id_paper"), form.get("copies"),
                                            form.get("signer"), form.get("purpose"))
        issued = extracts.issue_extract(_services(), current_principal(), entry_id, asked)
    except ExtractInvalid as exc:
        return _form_page(entry_id, errors={exc.field: exc.message}, status=400)
    except ExtractConflict as exc:
        field = "signer" if exc.code in ("no_signer", "unknown_signer") else "_"
        return _form_page(entry_id, errors={field: exc.message}, status=409)
    flash(_("Đã cấp trích lục số {number}.").format(number=issued["number"]), "ok")
    return redirect(url_for("extracts.detail", extract_id=issued["id"]))


# -- one extract -----------------------------------------------------------------------------

@bp.get("/extracts/<int:extract_id>")
@requires("extract.view")
def detail(extract_id: int):
    found = extracts.get_extract(_services(), current_principal(), extract_id)
    return render_template("extracts/detail.html", extract=found, error=None)


@bp.get("/extracts/<int:extract_id>/pdf")
@requires("extract.view")
def pdf(extract_id: int):
    """The signed PDF exactly as issued, shown in the browser (ready to print)."""
    data, filename = extracts.extract_pdf(_services(), current_principal(), extract_id)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@bp.post("/extracts/<int:extract_id>/revoke")
@requires("extract.revoke")
def revoke(extract_id: int):
    try:
        done = extracts.revoke_extract(_services(), current_principal(), extract_id, reason=request.form.get("reason"))
    except (ExtractInvalid, ExtractConflict) as exc:
        found = extracts.get_extract(_services(), current_principal(), extract_id)
        status = 400 if isinstance(exc, ExtractInvalid) else 409
        return render_template("extracts/detail.html", extract=found, error=exc.message), status
    flash(_("Đã thu hồi trích lục số {number}.").format(number=done["number"]), "ok")
    return redirect(url_for("extracts.detail", extract_id=extract_id))


# -- today, the register -----------------------------------------------------------------------

@bp.get("/extracts")
@requires("extract.view")
def today():
    day = local_now(_services().settings.time_zone).date()
    try:
        found = extracts.list_extracts(_services(), current_principal(), day=day, office=_office_arg())
    except ExtractInvalid as exc:
        return render_template("extracts/today.html", extracts=[], day=day, error=exc.message), 400
    return render_template("extracts/today.html", extracts=found, day=day, error=None)


def _office_arg() -> str | None:
    """An office chosen by its code (someone whose unit is above several offices); their own
    unit's by default."""
    return (request.args.get("office") or "").strip() or None


def _year() -> int:
    return local_now(_services().settings.time_zone).year


@bp.get("/extracts/register")
@requires("extract.view")
def register():
    year = request.args.get("year", type=int) or _year()
    try:
        heading, rows = extracts.register_rows(_services(), current_principal(), year=year, office=_office_arg())
    except ExtractInvalid as exc:
        return render_template("extracts/register.html", year=year, heading=(), rows=[], error=exc.message), 400
    return render_template("extracts/register.html", year=year, heading=heading, rows=rows, error=None)


@bp.get("/extracts/register/<int:year>.<any(pdf, xlsx):fmt>")
@requires("extract.view")
def register_file(year: int, fmt: str):
    try:
        data, mimetype, name, _rows = extracts.register_file(_services(), current_principal(), year=year,
                                                             fmt=fmt, office=_office_arg())
    except ExtractInvalid as exc:
        flash(exc.message, "error")
        return redirect(url_for("extracts.register", year=year, office=_office_arg()))
    disposition = "inline" if fmt == "pdf" else "attachment"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


# -- the one-stop desk's search ------------------------------------------------------------

@bp.get("/extracts/find")
@requires("extract.issue")
def find():
    """Name and birth date in one box. The box serves an extract request: the hit list is
    logged with the session's purpose, or with that one."""
    text = request.args.get("q", "").strip()
    found, error, status = None, None, 200
    if text:
        try:
            found = desk.find_entries(_services(), current_principal(), text, purpose=session_purpose() or REQUEST)
        except ExtractInvalid as exc:
            error, status = exc.message, 400
        except SearchUnavailable as exc:
            error, status = exc.message, 503
    return render_template("extracts/find.html", q=text, found=found, error=error), status


# -- the office's settings (administrators) -------------------------------------------------------

def _office_page(*, error: str | None = None, field: str | None = None, status: int = 200):
    office_code = request.values.get("office") or None
    office = extracts.get_office(_services(), current_principal(), office_code)
    return render_template("extracts/office.html", office=office, error=error, field=field,
                           form=request.form if request.method == "POST" else {}), status


def _back_to_office(office: dict):
    return redirect(url_for("extracts.office", office=office["unit"]["code"]))


@bp.get("/extracts/office")
@requires("extract.configure")
def office():
    try:
        return _office_page()
    except ExtractInvalid as exc:  # an administrator of no unit, or an unknown code
        return render_template("extracts/office.html", office=None, error=exc.message, field=exc.field,
                               form={}), 400


@bp.post("/extracts/office")
@requires("extract.configure")
def save_office():
    form = request.form
    try:
        saved = extracts.configure_office(_services(), current_principal(), form.get("office") or None,
                                          place=form.get("place"), heading=form.get("heading"),
                                          number_with_year=form.get("number_with_year") == "1")
    except ExtractInvalid as exc:
        return _refused_office(exc)
    flash(_("Đã lưu cấu hình cấp trích lục."), "ok")
    return _back_to_office(saved)


@bp.post("/extracts/office/signers")
@requires("extract.configure")
def save_signer():
    form = request.form
    try:
        saved = extracts.set_signer(_services(), current_principal(), form.get("office") or None,
                                    username=form.get("username") or "", title=form.get("title") or "",
                                    active=form.get("active", "1") == "1")
    except ExtractInvalid as exc:
        return _refused_office(exc)
    flash(_("Đã cập nhật danh sách người ký."), "ok")
    return _back_to_office(saved)


@bp.post("/extracts/office/certificate")
@requires("extract.configure")
@accepts_uploads
def install_certificate():
    form = request.form
    upload = request.files.get("p12")
    data = upload.read() if upload is not None else b""
    if not data:
        return _refused_office(ExtractInvalid("certificate", _("Hãy chọn tệp chứng thư số (.p12, .pfx).")))
    try:
        saved = extracts.install_certificate(_services(), current_principal(), form.get("office") or None,
                                             p12=data, passphrase=form.get("passphrase") or None)
    except ExtractInvalid as exc:
        return _refused_office(exc)
    flash(_("Đã cài chứng thư số; trích lục mới được ký bằng chứng thư này."), "ok")
    return _back_to_office(saved)


def _refused_office(exc: ExtractInvalid):
    try:
        return _office_page(error=exc.message, field=exc.field, status=400)
    except ExtractInvalid as again:
        return render_template("extracts/office.html", office=None, error=again.message, field=again.field,
                               form={}), 400
