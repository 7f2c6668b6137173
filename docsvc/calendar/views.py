"""The administrator's calendar page (``/admin/calendar``, linked from the admin index): the
days off and swapped working days of a year, a form to add one and a button to remove each,
every unit's Saturday mornings and cut-off hour, and a small due-date calculator."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from docsvc.auth import current_principal
from docsvc.calendar import services as cal
from docsvc.dates import local_now
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.refusals import answer_refusals
from docsvc.services.container import Services

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar", template_folder="templates")
answer_refusals(bp)

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _year() -> int:
    raw = (request.values.get("year") or "").strip()
    if raw.isdigit() and 1900 <= int(raw) <= 2100:
        return int(raw)
    return local_now(_services().settings.time_zone).year


def _page(*, error: str | None = None, field: str | None = None, status: int = 200):
    svc, principal, year = _services(), current_principal(), _year()
    due_on, due_error = None, None
    start, days = request.args.get("start", ""), request.args.get("days", "")
    if start or days:
        try:
            count = int(days) if days.strip().lstrip("-").isdigit() else None
            if count is None:
                raise cal.CalendarInvalid("days", _("Số ngày làm việc phải là số nguyên."))
            due_on = cal.due(svc, principal, cal.parse_start(start), count, unit=request.args.get("unit") or None)
        except (cal.CalendarInvalid, cal.DayNotFound) as exc:
            due_error = exc.message
    return render_template("calendar/admin.html", year=year, days=cal.list_days(svc, principal, year),
                           units=cal.unit_calendars(svc, principal), weekdays=WEEKDAYS, error=error, field=field,
                           form=request.form, due_on=due_on, due_error=due_error), status


@bp.get("/")
@requires("calendar.manage")
def index():
    return _page()


@bp.post("/days")
@requires("calendar.manage")
def add():
    form = request.form
    try:
        added = cal.add_day(_services(), current_principal(), form.get("day"), form.get("name"),
                            kind=form.get("kind") or "off")
    except cal.CalendarInvalid as exc:
        return _page(error=exc.message, field=exc.field, status=400)
    except cal.DayExists as exc:
        return _page(error=exc.message, field="day", status=409)
    flash(_("Đã thêm {day}: {name}.").format(day=added["day_text"], name=added["name"]), "ok")
    return redirect(url_for("calendar.index", year=added["day"][:4]))


@bp.post("/days/<day>/remove")
@requires("calendar.manage")
def remove(day: str):
    try:
        removed = cal.remove_day(_services(), current_principal(), day)
    except cal.CalendarInvalid as exc:
        return _page(error=exc.message, field=exc.field, status=400)
    flash(_("Đã bỏ {day} khỏi lịch.").format(day=removed["day_text"]), "ok")
    return redirect(url_for("calendar.index", year=removed["day"][:4]))


@bp.post("/units")
@requires("calendar.manage")
def save_unit():
    form = request.form
    try:
        saved = cal.set_unit_calendar(_services(), current_principal(), form.get("unit") or "",
                                      form.get("saturday_mornings") == "1", form.get("cutoff"))
    except cal.CalendarInvalid as exc:
        return _page(error=exc.message, field=exc.field, status=400)
    flash(_("Đã lưu lịch làm việc của {unit}.").format(unit=saved["unit"]["name"]), "ok")
    return redirect(url_for("calendar.index", year=_year()) + "#units")
