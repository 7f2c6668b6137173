"""The incoming register's pages: the register list (``/incoming/``: a year or a period,
filters, urgent rows marked, print buttons), the register form (``/incoming/new``, typed or
``?document_id=``: machine-read fields marked "máy đọc — cần xác nhận"; a repeat shows the
earlier row and a reason box), and a row's page (``/incoming/<id>``: its fields, the original
document, the link to its routing page, the form that corrects or confirms fields).

Each view parses the form, calls one use case of docsvc.incoming.services and renders."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from archive.accounts import SECRECY_LABELS
from archive.incoming import URGENCY_CODES, URGENCY_LABELS
from docsvc.auth import current_principal
from docsvc.dates import local_now
from docsvc.i18n import gettext as _
from docsvc.incoming import services as incoming
from docsvc.incoming.rules import FIELD_LABELS, REGISTER_FIELDS
from docsvc.permissions import requires
from docsvc.refusals import answer_refusals
from docsvc.services.container import Services

bp = Blueprint("incoming", __name__, url_prefix="/incoming", template_folder="templates")
answer_refusals(bp)

URGENCIES = [(code, URGENCY_LABELS[rank]) for code, rank in URGENCY_CODES.items()]
SECRECIES = sorted(SECRECY_LABELS.items())
EXTRA_FIELDS = ("arrived_at", "urgency", "secrecy", "page_count", "notes", "confirm_duplicate_reason")


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _year() -> int | None:
    raw = (request.args.get("year") or "").strip()
    if raw.isdigit() and 1900 <= int(raw) <= 2100:
        return int(raw)
    if request.args.get("from") or request.args.get("to"):
        return None
    return local_now(_services().settings.time_zone).year


@bp.get("/")
@requires("incoming.view")
def index():
    args, year = request.args, _year()
    error, rows = None, []
    try:
        rows = incoming.list_incoming(_services(), current_principal(), year=year,
                                      date_from=args.get("from") or None, date_to=args.get("to") or None,
                                      urgency=args.get("urgency") or None, status=args.get("status") or None,
                                      q=args.get("q") or None)
    except incoming.IncomingInvalid as exc:
        error = exc.message
    period = {k: v for k, v in (("year", year), ("from", args.get("from")), ("to", args.get("to"))) if v}
    return render_template("incoming/list.html", rows=rows, year=year, error=error, period=period,
                           urgencies=URGENCIES, statuses=incoming.STATUS_LABELS), 400 if error else 200


@bp.get("/register.<any(pdf, xlsx):fmt>")
@requires("incoming.view")
def register_file(fmt: str):
    args = request.args
    try:
        data, media, name, _rows = incoming.register_file(
            _services(), current_principal(), fmt=fmt, year=_year(), date_from=args.get("from") or None,
            date_to=args.get("to") or None, secret=args.get("secret") == "1")
    except incoming.IncomingInvalid as exc:
        flash(exc.message, "error")
        return redirect(url_for("incoming.index"))
    disposition = "inline" if fmt == "pdf" else "attachment"
    return Response(data, mimetype=media, headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


def _form_page(*, values: dict, sources: dict, document: dict | None, error: str | None = None,
               field: str | None = None, earlier: dict | None = None, status: int = 200):
    return render_template("incoming/form.html", values=values, sources=sources, document=document, error=error,
                           field=field, earlier=earlier, fields=REGISTER_FIELDS, labels=FIELD_LABELS,
                           urgencies=URGENCIES, secrecies=SECRECIES), status


@bp.get("/new")
@requires("incoming.register")
def new():
    document_id = request.args.get("document_id", type=int)
    values: dict = {"arrived_at": local_now(_services().settings.time_zone).strftime("%Y-%m-%dT%H:%M")}
    sources: dict = {}
    document = None
    if document_id is not None:
        document = incoming.prefill(_services(), current_principal(), document_id)
        values.update(document["values"])
        values["secrecy"], values["page_count"] = document["secrecy"], document["page_count"]
        sources = document["field_sources"]
        document["registered"] = incoming.incoming_of_document(_services(), current_principal(), document_id)
    return _form_page(values=values, sources=sources, document=document)


def _submitted(form) -> tuple[dict, dict]:
    """The data for ``register_incoming`` from the form: a machine-read field goes in only when
    the clerk changed it or ticked it as checked (else the use case reads it again, ``machine``)."""
    data: dict = {k: form.get(k) for k in EXTRA_FIELDS if form.get(k, "").strip()}
    sources = {}
    if form.get("document_id"):
        data["document_id"] = form.get("document_id")
    for name in REGISTER_FIELDS:
        value = form.get(name, "").strip()
        read = form.get(f"machine_{name}")
        if read is not None and value == read and not form.get(f"confirm_{name}"):
            sources[name] = "machine"
            continue
        if value:
            data[name] = value
    return data, sources


@bp.post("/new")
@requires("incoming.register")
def create():
    data, sources = _submitted(request.form)
    document = None
    if data.get("document_id"):
        document = {"document_id": data["document_id"], "title": request.form.get("document_title", "")}
    values = {k: request.form.get(k, "") for k in (*REGISTER_FIELDS, *EXTRA_FIELDS)}
    try:
        row = incoming.register_incoming(_services(), current_principal(), data)
    except incoming.IncomingInvalid as exc:
        return _form_page(values=values, sources=sources, document=document, error=exc.message, field=exc.field,
                          status=409 if exc.code else 400)
    except incoming.DuplicateIncoming as exc:
        return _form_page(values=values, sources=sources, document=document, error=exc.message,
                          field="confirm_duplicate_reason", earlier=exc.earlier, status=409)
    flash(_("Đã vào sổ: số đến {number}/{year}.").format(number=row["arrival_number"], year=row["year"]), "ok")
    return redirect(url_for("incoming.show", incoming_id=row["id"]))


@bp.get("/<int:incoming_id>")
@requires("incoming.view")
def show(incoming_id: int):
    row = incoming.get_incoming(_services(), current_principal(), incoming_id)
    return render_template("incoming/show.html", row=row, fields=REGISTER_FIELDS, labels=FIELD_LABELS,
                           urgencies=URGENCIES, error=None, field=None, earlier=None)


@bp.post("/<int:incoming_id>")
@requires("incoming.register")
def update(incoming_id: int):
    form = request.form
    changes: dict = {}
    row = incoming.get_incoming(_services(), current_principal(), incoming_id)
    for name in REGISTER_FIELDS:
        if name in form and form.get(name, "").strip() != str(row.get(name) or ""):
            changes[name] = form.get(name)
    for name in ("notes", "urgency", "confirm_duplicate_reason"):
        if form.get(name, "").strip() and form.get(name) != str(row.get(name) or ""):
            changes[name] = form.get(name)
    confirmed = [name for name in REGISTER_FIELDS if form.get(f"confirm_{name}")]
    if confirmed:
        changes["confirm"] = confirmed
    try:
        incoming.confirm_fields(_services(), current_principal(), incoming_id, changes)
    except incoming.IncomingInvalid as exc:
        return render_template("incoming/show.html", row=row, fields=REGISTER_FIELDS, labels=FIELD_LABELS,
                               urgencies=URGENCIES, error=exc.message, field=exc.field, earlier=None), 400
    except incoming.DuplicateIncoming as exc:
        return render_template("incoming/show.html", row=row, fields=REGISTER_FIELDS, labels=FIELD_LABELS,
                               urgencies=URGENCIES, error=exc.message, field="confirm_duplicate_reason",
                               earlier=exc.earlier), 409
    flash(_("Đã lưu thông tin văn bản đến."), "ok")
    return redirect(url_for("incoming.show", incoming_id=incoming_id))
