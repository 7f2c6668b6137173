"""The one-stop desk's pages (issue 13 §4): the desk (``/dossiers/``: today's dossiers, due
soon, overdue, and the receive form whose procedure picker shows each procedure's time and
the date it would promise now), a dossier's page (state, dates, timeline, and the actions the
viewer's role allows), the receipt PDF, the procedures list (``/admin/procedures``) and the
office settings (``/admin/one-stop``). After a dossier is received its page opens with the
receipt ready to print. Refused forms come back with the use case's message (400, or 409
for a state that refuses it)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from docsvc.auth import current_principal
from docsvc.dates import local_now
from docsvc.dossiers import services as dossiers
from docsvc.dossiers.rules import EVENT_LABELS, FIELDS, STANDING_LABELS, STATE_LABELS
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.refusals import answer_refusals
from docsvc.services.container import Services

bp = Blueprint("dossiers", __name__, template_folder="templates")
answer_refusals(bp)


def _services() -> Services:
    return current_app.extensions["docsvc"]


@bp.app_context_processor
def _labels() -> dict:
    return {"dossier_states": STATE_LABELS, "dossier_standings": STANDING_LABELS, "dossier_events": EVENT_LABELS}


def _desk(*, error: str | None = None, field: str | None = None, status: int = 200):
    svc, principal = _services(), current_principal()
    today = local_now(svc.settings.time_zone).date().isoformat()
    lists = {
        "today": dossiers.list_dossiers(svc, principal, date_from=today, date_to=today),
        "due_soon": dossiers.list_dossiers(svc, principal, marker="due_soon"),
        "overdue": dossiers.list_dossiers(svc, principal, marker="overdue"),
    }
    found = None
    if request.args.get("q") or request.args.get("status"):
        found = dossiers.list_dossiers(svc, principal, q=request.args.get("q"), status=request.args.get("status") or None)
    picker = dossiers.promised_dates(svc, principal) if principal.can("dossier.receive") else None
    return render_template("dossiers/desk.html", lists=lists, found=found, picker=picker, error=error, field=field,
                           form=request.form), status


@bp.get("/dossiers/")
@requires("dossier.view")
def desk():
    return _desk()


@bp.post("/dossiers/")
@requires("dossier.receive")
def receive():
    form = request.form
    try:
        got = dossiers.receive_dossier(_services(), current_principal(), form.get("procedure"), form.get("applicant"),
                                       received_at=form.get("received_at") or None,
                                       applicant_contact=form.get("applicant_contact"),
                                       documents=form.get("documents"), outcome=form.get("outcome") or "accepted",
                                       note=form.get("note"))
    except dossiers.DossierInvalid as exc:
        return _desk(error=exc.message, field=exc.field, status=400)
    flash(_("Đã tiếp nhận hồ sơ {code}.").format(code=got["code"]), "ok")
    return redirect(url_for("dossiers.detail", dossier_id=got["id"], received=1))


def _detail(dossier_id: int, *, error: str | None = None, status: int = 200):
    data = dossiers.get_dossier(_services(), current_principal(), dossier_id)
    return render_template("dossiers/detail.html", d=data, error=error, fresh=request.args.get("received") == "1",
                           form=request.form), status


@bp.get("/dossiers/<int:dossier_id>")
@requires("dossier.view")
def detail(dossier_id: int):
    return _detail(dossier_id)


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, no-store"})


@bp.get("/dossiers/<int:dossier_id>/receipt.pdf")
@requires("dossier.applicant")
def receipt(dossier_id: int):
    return _pdf(dossiers.receipt_pdf(_services(), current_principal(), dossier_id), f"giay-tiep-nhan-{dossier_id}.pdf")


@bp.get("/dossiers/<int:dossier_id>/notices/<kind>.pdf")
@requires("dossier.applicant")
def notice(dossier_id: int, kind: str):
    return _pdf(dossiers.notice_pdf(_services(), current_principal(), dossier_id, kind), f"phieu-{kind}-{dossier_id}.pdf")


def _act(dossier_id: int, call, done: str):
    try:
        call(_services(), current_principal())
    except dossiers.DossierInvalid as exc:
        return _detail(dossier_id, error=exc.message, status=400)
    except dossiers.DossierConflict as exc:
        return _detail(dossier_id, error=exc.message, status=409)
    flash(done, "ok")
    return redirect(url_for("dossiers.detail", dossier_id=dossier_id))


@bp.post("/dossiers/<int:dossier_id>/supplement")
@requires("dossier.receive")
def supplement(dossier_id: int):
    return _act(dossier_id, lambda s, p: dossiers.request_supplement(s, p, dossier_id, request.form.get("missing")),
                _("Đã ghi yêu cầu bổ sung; thời hạn tạm dừng."))


@bp.post("/dossiers/<int:dossier_id>/complete-supplement")
@requires("dossier.receive")
def complete_supplement(dossier_id: int):
    return _act(dossier_id, lambda s, p: dossiers.complete_supplement(s, p, dossier_id),
                _("Đã ghi nhận bổ sung đủ; thời hạn được tính lại."))


@bp.post("/dossiers/<int:dossier_id>/refuse")
@requires("dossier.receive")
def refuse(dossier_id: int):
    return _act(dossier_id, lambda s, p: dossiers.refuse(s, p, dossier_id, request.form.get("reason")),
                _("Đã từ chối tiếp nhận hồ sơ."))


@bp.post("/dossiers/<int:dossier_id>/route")
@requires("dossier.handle")
def route(dossier_id: int):
    form = request.form
    return _act(dossier_id, lambda s, p: dossiers.route(s, p, dossier_id, unit=form.get("unit") or None,
                                                        user=form.get("user") or None, note=form.get("note")),
                _("Đã chuyển hồ sơ đến đơn vị giải quyết."))


@bp.post("/dossiers/<int:dossier_id>/apology")
@requires("dossier.handle")
def apology(dossier_id: int):
    form = request.form
    return _act(dossier_id, lambda s, p: dossiers.apologize(s, p, dossier_id, form.get("new_due_on") or "",
                                                            form.get("reason")),
                _("Đã ghi phiếu xin lỗi và ngày hẹn mới."))


@bp.post("/dossiers/<int:dossier_id>/return")
@requires("dossier.handle")
def return_result(dossier_id: int):
    return _act(dossier_id, lambda s, p: dossiers.return_result(s, p, dossier_id, note=request.form.get("note")),
                _("Đã trả kết quả."))


# -- administration -------------------------------------------------------------------------

def _procedures_page(*, error: str | None = None, field: str | None = None, status: int = 200):
    svc, principal = _services(), current_principal()
    return render_template("dossiers/procedures.html", procedures=dossiers.list_procedures(svc, principal),
                           fields=FIELDS, error=error, field=field, form=request.form), status


@bp.get("/admin/procedures")
@requires("procedure.manage")
def procedures():
    return _procedures_page()


@bp.post("/admin/procedures")
@requires("procedure.manage")
def save_procedure():
    form = request.form
    try:
        saved = dossiers.save_procedure(_services(), current_principal(), form.get("code"), form.get("name"),
                                        form.get("field"), form.get("working_days"),
                                        handling_unit=form.get("handling_unit") or None,
                                        active=form.get("active", "1") == "1")
    except dossiers.DossierInvalid as exc:
        return _procedures_page(error=exc.message, field=exc.field, status=400)
    flash(_("Đã lưu thủ tục {code}.").format(code=saved["code"]), "ok")
    return redirect(url_for("dossiers.procedures"))


def _office_page(*, error: str | None = None, field: str | None = None, status: int = 200):
    office = dossiers.get_office(_services(), current_principal(), request.values.get("unit") or None)
    return render_template("dossiers/office.html", office=office, error=error, field=field,
                           form=request.form), status


@bp.get("/admin/one-stop")
@requires("procedure.manage")
def office():
    return _office_page()


@bp.post("/admin/one-stop")
@requires("procedure.manage")
def save_office():
    form = request.form
    try:
        saved = dossiers.configure_office(_services(), current_principal(), form.get("unit") or None,
                                          form.get("agency_code"), form.get("place"), form.get("heading"))
    except dossiers.DossierInvalid as exc:
        return _office_page(error=exc.message, field=exc.field, status=400)
    flash(_("Đã lưu cấu hình bộ phận một cửa của {unit}.").format(unit=saved["unit"]["name"]), "ok")
    return redirect(url_for("dossiers.office", unit=saved["unit"]["code"]))
