"""The outgoing documents' pages (issue 14): the list (``/outgoing/``: what waits for me, all,
by state; a search box), the drafting form (``/outgoing/new``, ``?in_reply_to=`` an incoming
row), a document's page (``/outgoing/<id>``: header with the number and symbol and the
control status, the current version's PDF, versions with the obsolete ones marked, the
timeline of records, the form checks, deliveries, links, and only the actions the viewer may
take now), its files, the outgoing register of a year (``/outgoing/register``, printed as PDF
or XLSX), and the settings of issuing bodies with the retention schedule
(``/admin/outgoing``).

Each view parses the request, calls one use case (docsvc.outgoing.services, .issuing,
.reading, .register, .settings, .choices) and renders or redirects. A refused value, step or person is
flashed on the document's page (or shown next to the field of the form it came from);
``OutgoingNotFound`` is the app's 404 page, ``PermissionDenied`` its 403 page."""

from __future__ import annotations

from datetime import datetime
from functools import wraps
from typing import Any, Callable

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from archive.accounts import SECRECY_LABELS
from archive.incoming import URGENCY_CODES, URGENCY_LABELS
from docsvc.auth import current_principal
from docsvc.edge import accepts_uploads
from docsvc.i18n import gettext as _
from docsvc.outgoing import (choices, issuing, reading, register, services as outgoing,
                             settings as outgoing_settings)
from docsvc.outgoing.reading import CONTROL_LABELS, LINK_LABELS
from docsvc.outgoing.rules import (ACTION_LABELS, STATE_LABELS, TYPE_ABBR, OutgoingConflict, OutgoingInvalid,
                                   WrongPerson)
from docsvc.permissions import requires
from docsvc.refusals import answer_refusals
from docsvc.services.container import Services

bp = Blueprint("outgoing", __name__, template_folder="templates")
answer_refusals(bp)

URGENCIES = [(code, URGENCY_LABELS[rank]) for code, rank in URGENCY_CODES.items()]
SECRECIES = sorted(SECRECY_LABELS.items())
FORM_FIELDS = ("doc_type", "abstract", "recipients", "drafting_unit", "signer", "secrecy", "urgency", "in_reply_to",
               "copies")
# The role a step was taken in, as the timeline names it.
ROLE_WORDS = {"specialist": "Chuyên viên soạn thảo", "leader": "Lãnh đạo", "clerk": "Văn thư",
              "legal": "Thẩm định pháp lý", "archivist": "Lưu trữ"}
# Buttons: the label of each action and whether a comment is required.
ACTION_BUTTONS = {"submit": "Trình duyệt", "approve": "Duyệt", "return": "Trả lại", "check": "Đạt thể thức",
                  "sign": "Ký ban hành", "number": "Cho số, vào sổ", "release": "Phát hành", "file": "Lưu trữ",
                  "withdraw": "Thu hồi"}
COMMENT_REQUIRED = ("return", "withdraw")
TABS = ("waiting", "all")


def _services() -> Services:
    return current_app.extensions["docsvc"]


@bp.app_context_processor
def _labels() -> dict:
    return {"outgoing_states": STATE_LABELS, "outgoing_actions": ACTION_LABELS,
            "outgoing_controls": CONTROL_LABELS}


@bp.app_template_filter("outgoing_moment")
def outgoing_moment(iso: str | None) -> str:
    """An ISO moment already in the office's time zone (``reading``'s dicts) as
    ``dd/mm/yyyy HH:MM``."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M")


@bp.app_template_filter("outgoing_day")
def outgoing_day(iso: str | None) -> str:
    """``2026-04-29`` → ``29/04/2026``."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}" if iso else ""


@bp.app_template_global("outgoing_replies")
def outgoing_replies(incoming_id: int) -> list[dict]:
    """The outgoing documents answering an incoming one (the incoming page's list)."""
    return reading.replies_to(_services(), current_principal(), incoming_id)


def _refused(view: Callable) -> Callable:
    """A refused value, step or person on a document's form: flashed on its page."""
    @wraps(view)
    def run(outgoing_id: int, *args: Any, **kwargs: Any):
        try:
            return view(outgoing_id, *args, **kwargs)
        except (OutgoingInvalid, OutgoingConflict, WrongPerson) as exc:
            flash(exc.message, "error")
        return redirect(url_for("outgoing.show", outgoing_id=outgoing_id))
    return run


def _upload() -> tuple[bytes | None, str | None]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, None
    return upload.read(), upload.filename


# -- the list ---------------------------------------------------------------------------------

@bp.get("/outgoing/")
@requires("outgoing.view")
def index():
    svc, principal = _services(), current_principal()
    args = request.args
    state = args.get("state") or None
    tab = "state" if state else (args.get("tab") if args.get("tab") in TABS else "waiting")
    q = (args.get("q") or "").strip() or None
    if q and tab == "waiting":
        tab = "all"
    waiting = reading.waiting(svc, principal)
    error, rows = None, []
    try:
        rows = waiting if tab == "waiting" else reading.list_outgoing(svc, principal, state=state, q=q)
    except OutgoingInvalid as exc:
        error = exc.message
    return render_template("outgoing/list.html", rows=rows, tab=tab, state=state, q=q or "", error=error,
                           waiting_count=len(waiting), states=STATE_LABELS), 400 if error else 200


# -- drafting ---------------------------------------------------------------------------------

def _form_page(values: dict, *, error: str | None = None, field: str | None = None, status: int = 200):
    svc, principal = _services(), current_principal()
    options = choices.draft_choices(svc, principal)
    reply = None
    if values.get("in_reply_to"):
        reply = _incoming_brief(values["in_reply_to"])
    return render_template("outgoing/form.html", values=values, options=options, reply=reply, error=error,
                           field=field, urgencies=URGENCIES, secrecies=SECRECIES), status


def _incoming_brief(raw: Any) -> dict | None:
    """The incoming document a draft answers, when this person may read it."""
    from docsvc.documents.queries import NotFound
    from docsvc.incoming import services as incoming
    from docsvc.services.audit import PermissionDenied

    try:
        return incoming.get_incoming(_services(), current_principal(), int(str(raw).strip()))
    except (ValueError, NotFound, PermissionDenied):
        return None


@bp.get("/outgoing/new")
@requires("outgoing.draft")
def new():
    values = {"in_reply_to": request.args.get("in_reply_to", "").strip()}
    return _form_page(values)


@bp.post("/outgoing/new")
@requires("outgoing.draft")
@accepts_uploads
def create():
    form = request.form
    values = {name: form.get(name, "") for name in FORM_FIELDS}
    data, name = _upload()
    try:
        created = outgoing.create_draft(_services(), current_principal(), dict(values), data, name)
    except OutgoingInvalid as exc:
        return _form_page(values, error=exc.message, field=exc.field, status=400)
    except WrongPerson as exc:
        return _form_page(values, error=exc.message, field="drafting_unit", status=403)
    flash(_("Đã tạo dự thảo (phiên bản {version}).").format(version=created["version"]), "ok")
    return redirect(url_for("outgoing.show", outgoing_id=created["id"]))


# -- one document -----------------------------------------------------------------------------

@bp.get("/outgoing/<int:outgoing_id>")
@requires("outgoing.view")
def show(outgoing_id: int):
    svc, principal = _services(), current_principal()
    doc = reading.get_outgoing(svc, principal, outgoing_id)
    current = next((v for v in doc["versions"] if v["number"] == doc["version"]), None)
    issued = []
    if doc["state"] not in ("released", "filed", "withdrawn") and (
            principal.can("outgoing.draft") or principal.can("outgoing.issue")):
        issued = [d for state in ("released", "filed") for d in reading.list_outgoing(svc, principal, state=state)
                  if d["id"] != doc["id"]]
    return render_template("outgoing/show.html", doc=doc, current=current, issued=issued, role_words=ROLE_WORDS,
                           buttons=ACTION_BUTTONS, comment_required=COMMENT_REQUIRED, link_labels=LINK_LABELS)


@bp.post("/outgoing/<int:outgoing_id>/transition")
@requires("outgoing.view")
@_refused
def transition(outgoing_id: int):
    action = request.form.get("action", "")
    doc = outgoing.transition(_services(), current_principal(), outgoing_id, action, request.form.get("comment"))
    label = ACTION_LABELS.get(action, action)
    flash(_("Đã ghi bước “{action}”: {state}.").format(action=_(label), state=_(doc["state_label"])), "ok")
    if doc.get("number_symbol") and action == "number":
        flash(_("Số, ký hiệu: {number_symbol}").format(number_symbol=doc["number_symbol"]), "ok")
    return redirect(url_for("outgoing.show", outgoing_id=outgoing_id))


@bp.post("/outgoing/<int:outgoing_id>/versions")
@requires("outgoing.draft")
@accepts_uploads
@_refused
def add_version(outgoing_id: int):
    data, name = _upload()
    doc = outgoing.add_version(_services(), current_principal(), outgoing_id, data, name, request.form.get("note"))
    flash(_("Đã thêm phiên bản {version}.").format(version=doc["version"]), "ok")
    return redirect(url_for("outgoing.show", outgoing_id=outgoing_id))


@bp.post("/outgoing/<int:outgoing_id>/signed-scan")
@requires("outgoing.issue")
@accepts_uploads
@_refused
def signed_scan(outgoing_id: int):
    data, name = _upload()
    outgoing.attach_signed_scan(_services(), current_principal(), outgoing_id, data, name)
    flash(_("Đã đính kèm bản quét văn bản đã ký."), "ok")
    return redirect(url_for("outgoing.show", outgoing_id=outgoing_id))


@bp.post("/outgoing/<int:outgoing_id>/links")
@requires("outgoing.view")
@_refused
def add_link(outgoing_id: int):
    form = request.form
    issuing.link(_services(), current_principal(), outgoing_id, form.get("earlier"), form.get("kind"))
    flash(_("Đã ghi quan hệ với văn bản đã ban hành; có hiệu lực khi văn bản này được phát hành."), "ok")
    return redirect(url_for("outgoing.show", outgoing_id=outgoing_id) + "#links")


@bp.get("/outgoing/<int:outgoing_id>/files/<which>")
@requires("outgoing.view")
def file(outgoing_id: int, which: str):
    data, name, media = reading.file_of(_services(), current_principal(), outgoing_id, which)
    disposition = "inline" if media == "application/pdf" else "attachment"
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "")
    return Response(data, mimetype=media, headers={"Content-Disposition": f'{disposition}; filename="{ascii_name}"'})


# -- the outgoing register --------------------------------------------------------------------

def _register_query() -> dict:
    args = request.args
    return {"year": args.get("year") or None, "office": args.get("office") or None,
            "secret": args.get("secret") == "1"}


@bp.get("/outgoing/register")
@requires("outgoing.view")
def register_page():
    query = _register_query()
    try:
        book = register.outgoing_register(_services(), current_principal(), **query)
    except OutgoingInvalid as exc:
        return render_template("outgoing/register.html", book=None, query=query, error=exc.message), 400
    return render_template("outgoing/register.html", book=book, query=query, error=None)


@bp.get("/outgoing/register.<any(pdf, xlsx):fmt>")
@requires("outgoing.view")
def register_file(fmt: str):
    query = _register_query()
    try:
        data, name, media = register.outgoing_register_file(_services(), current_principal(), fmt=fmt, **query)
    except OutgoingInvalid as exc:
        flash(exc.message, "error")
        return redirect(url_for("outgoing.register_page"))
    disposition = "inline" if fmt == "pdf" else "attachment"
    return Response(data, mimetype=media, headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


# -- settings ---------------------------------------------------------------------------------

def _settings_page(*, error: str | None = None, field: str | None = None, status: int = 200):
    svc, principal = _services(), current_principal()
    bodies = choices.issuing_bodies(svc, principal)
    wanted = request.values.get("unit") or (bodies[0]["code"] if bodies else None)
    current = None
    if wanted:
        try:
            current = outgoing_settings.get_settings(svc, principal, wanted)
        except OutgoingInvalid as exc:
            error, field, status = error or exc.message, field or "unit", 400 if status == 200 else status
    return render_template("outgoing/settings.html", bodies=bodies, current=current,
                           units=choices.unit_codes(svc, principal),
                           schedule=outgoing_settings.retention_schedule(svc, principal),
                           types=["*", *TYPE_ABBR], error=error, field=field, form=request.form), status


@bp.get("/admin/outgoing")
@requires("outgoing.configure")
def settings():
    return _settings_page()


@bp.post("/admin/outgoing")
@requires("outgoing.configure")
def save_settings():
    form = request.form
    try:
        saved = outgoing_settings.configure(
            _services(), current_principal(), form.get("unit", ""), abbr=form.get("abbr"), place=form.get("place"),
            legal_unit=form.get("legal_unit"), exchange_dir=form.get("exchange_dir"),
            exchange_email=form.get("exchange_email"))
    except OutgoingInvalid as exc:
        return _settings_page(error=exc.message, field=exc.field, status=400)
    flash(_("Đã lưu cấu hình văn bản đi của {unit}.").format(unit=saved["unit"]["name"]), "ok")
    return redirect(url_for("outgoing.settings", unit=saved["unit"]["code"]))


@bp.post("/admin/outgoing/retention")
@requires("outgoing.configure")
def save_retention():
    form = request.form
    try:
        saved = outgoing_settings.set_retention(_services(), current_principal(), form.get("doc_type", ""),
                                                form.get("retention", ""), form.get("basis"))
    except OutgoingInvalid as exc:
        return _settings_page(error=exc.message, field=exc.field, status=400)
    flash(_("Đã lưu thời hạn bảo quản của {doc_type}: {label}.").format(doc_type=saved["doc_type"],
                                                                       label=_(saved["label"])), "ok")
    return redirect(url_for("outgoing.settings", unit=request.form.get("unit") or None) + "#retention")

