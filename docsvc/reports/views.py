"""The reports page (``/reports/``, issue 13 §5): a period (quarter presets or two days),
grouping tabs (field, unit, person, month), the seeds' table and the summary sentence, the
charts (SVG images drawn on the server) and the XLSX export — all of one use case,
``docsvc.reports.services.on_time``."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from docsvc.auth import current_principal
from docsvc.dates import local_now
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.refusals import answer_refusals
from docsvc.reports import charts
from docsvc.reports import services as reports
from docsvc.reports.api import xlsx_response
from docsvc.reports.export import HEADINGS
from docsvc.services.container import Services

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")
answer_refusals(bp)

TABS = ("field", "unit", "person", "period")
PRESETS = (("this_quarter", "Quý này"), ("last_quarter", "Quý trước"), ("this_year", "Năm nay"),
           ("last_year", "Năm trước"))


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.args.get(name) or default
    return value if value in allowed else default


def _report(group: str | None = None) -> tuple[dict | None, str | None]:
    svc = _services()
    today = local_now(svc.settings.time_zone).date()
    args = request.args
    preset = _choice("period", tuple(p for p, _l in PRESETS), "this_quarter")
    try:
        start, end = reports.parse_period(args.get("from"), args.get("to"), today, preset)
        return reports.on_time(svc, current_principal(), start=start, end=end,
                               group=group or _choice("group", TABS, "field"),
                               kind=_choice("kind", reports.KINDS, "all"), today=today), None
    except reports.ReportInvalid as exc:
        return None, exc.message


@bp.get("/")
@requires("report.view")
def index():
    report, error = _report()
    query = {k: v for k, v in request.args.items() if k in ("from", "to", "period", "kind") and v}
    return render_template("reports/on_time.html", report=report, error=error, tabs=TABS, presets=PRESETS,
                           kinds=reports.KIND_LABELS, group_labels=reports.GROUP_LABELS, headings=HEADINGS, query=query,
                           group=_choice("group", TABS, "field"), args=request.args), 400 if error else 200


@bp.get("/on-time.xlsx")
@requires("report.view")
def export():
    report, error = _report()
    if error:
        return Response(error, status=400, mimetype="text/plain")
    return xlsx_response(report)


def _chart(name: str):
    report, error = _report("period" if name == "months" else None)
    if error:
        return Response(error, status=400, mimetype="text/plain")
    response = Response(charts.draw(name, report, lang_gettext=_), mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.get("/chart/groups.svg")
@requires("report.view")
def chart_groups():
    return _chart("groups")


@bp.get("/chart/months.svg")
@requires("report.view")
def chart_months():
    return _chart("months")
