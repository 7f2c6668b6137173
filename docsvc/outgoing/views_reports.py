"""The outgoing reports page (``/reports/outgoing``, issue 14 point 8): a period (quarter
presets or two days), the documents issued per type, drafting unit or month, a bar chart by
type (SVG drawn on the server by pygal, as docsvc.reports.charts), the time spent in each
step, and the ISO records of the period as one PDF — all of docsvc.outgoing.reports."""

from __future__ import annotations

import pygal
from flask import Blueprint, Response, current_app, render_template, request

from docsvc.auth import current_principal
from docsvc.civil.charts import _SCRIPT, _style, _whole_numbers
from docsvc.dates import local_now
from docsvc.i18n import gettext as _
from docsvc.outgoing import reports as outgoing_reports
from docsvc.outgoing.api_reports import pdf_response
from docsvc.permissions import requires
from docsvc.refusals import answer_refusals
from docsvc.reports.services import ReportInvalid, parse_period
from docsvc.services.container import Services

bp = Blueprint("outgoing_reports", __name__, url_prefix="/reports/outgoing", template_folder="templates")
answer_refusals(bp)

PRESETS = (("this_quarter", "Quý này"), ("last_quarter", "Quý trước"), ("this_year", "Năm nay"),
           ("last_year", "Năm trước"))
COLOURS = ("#2f6fd1", "#c62828")


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _period():
    """The period asked for (``from``/``to``, else a preset; default this quarter)."""
    svc = _services()
    presets = tuple(code for code, _label in PRESETS)
    preset = request.args.get("period") if request.args.get("period") in presets else "this_quarter"
    return parse_period(request.args.get("from"), request.args.get("to"),
                        local_now(svc.settings.time_zone).date(), preset)


def _group() -> str:
    group = request.args.get("group") or "type"
    return group if group in outgoing_reports.GROUPS else "type"


@bp.get("")
@requires("outgoing.report")
def index():
    svc, who, group = _services(), current_principal(), _group()
    try:
        start, end = _period()
        issued = outgoing_reports.issued(svc, who, date_from=start, date_to=end, group=group)
        times = outgoing_reports.step_times(svc, who, date_from=start, date_to=end)
        error = None
    except ReportInvalid as exc:
        issued = times = None
        error = exc.message
    query = {k: v for k, v in request.args.items() if k in ("from", "to", "period") and v}
    return render_template("outgoing/reports.html", issued=issued, times=times, error=error, presets=PRESETS,
                           groups=outgoing_reports.GROUP_LABELS, group=group, query=query,
                           args=request.args), 400 if error else 200


def chart_svg(report: dict, *, lang_gettext=lambda s: s) -> bytes:
    """Issued and withdrawn documents per type as a bar chart (SVG, no script)."""
    rows = report["rows"]
    chart = pygal.Bar(style=_style(COLOURS), js=[], title=lang_gettext("Văn bản đã ban hành theo loại"),
                      legend_at_bottom=True, width=900, height=360, x_label_rotation=30, truncate_label=24,
                      margin=16)
    chart.x_labels = [r["label"] for r in rows]
    chart.add(lang_gettext("Đã ban hành"), [r["issued"] for r in rows])
    chart.add(lang_gettext("Đã thu hồi"), [r["withdrawn"] for r in rows])
    _whole_numbers(chart, max([max(r["issued"], r["withdrawn"]) for r in rows] or [0]))
    if not rows:
        chart.no_data_text = lang_gettext("Chưa có số liệu")
    return _SCRIPT.sub(b"", chart.render())


@bp.get("/chart/types.svg")
@requires("outgoing.report")
def chart_types():
    try:
        start, end = _period()
        report = outgoing_reports.issued(_services(), current_principal(), date_from=start, date_to=end,
                                         group="type")
    except ReportInvalid as exc:
        return Response(exc.message, status=400, mimetype="text/plain")
    response = Response(chart_svg(report, lang_gettext=_), mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.get("/iso-records.pdf")
@requires("outgoing.report")
def iso_records():
    try:
        start, end = _period()
        data = outgoing_reports.iso_records(_services(), current_principal(), date_from=start, date_to=end)
    except ReportInvalid as exc:
        return Response(exc.message, status=400, mimetype="text/plain")
    return pdf_response(data, start, end)
