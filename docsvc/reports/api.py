"""The on-time report on the REST API (issue 13 "Interface"):

- ``GET /api/v1/reports/on-time?from=&to=&group=unit|field|person|period|total&kind=all|dossiers|documents``
  → ``{"rows": [...], "total": {...}, "summary", "late_by_field", "from", "to", "group", "kind"}``; every
  row and the total have ``received``, ``returned_for_supplement``, ``early``, ``on_time``,
  ``late``, ``open``, ``overdue``, ``resolved``, ``score`` and ``on_time_rate`` (see
  docsvc/reports/services.py for what each counts). Without ``from``/``to``: this quarter,
  or ``period=this_quarter|last_quarter|this_year|last_year``. ``format=xlsx`` answers the
  workbook instead;
- ``GET /api/v1/reports/on-time.xlsx?...``: the same as an XLSX workbook.

Refusals: ``ReportInvalid`` → 400 ``invalid_field`` with ``field``; ``PeriodConflict`` (the end
before the start, more than 30 years) → 409 ``invalid_period``; ``PermissionDenied`` → 403.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from docsvc.api import bp, error_response
from docsvc.auth import current_principal
from docsvc.dates import local_now
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.reports import services as reports
from docsvc.reports.export import render_xlsx
from docsvc.services.audit import PermissionDenied

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report() -> dict:
    svc = current_app.extensions["docsvc"]
    args = request.args
    today = local_now(svc.settings.time_zone).date()
    start, end = reports.parse_period(args.get("from"), args.get("to"), today, args.get("period"))
    return reports.on_time(svc, current_principal(), start=start, end=end, group=args.get("group") or "unit",
                           kind=args.get("kind") or "all", today=today)


def xlsx_response(report: dict) -> Response:
    response = Response(render_xlsx(report), mimetype=XLSX)
    name = f"bao-cao-dung-han-{report['start']}-{report['end']}-{report['group']}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _answer(as_xlsx: bool):
    try:
        report = _report()
    except reports.PeriodConflict as exc:   # well-formed days that make no period
        return error_response(409, "invalid_period", exc.message, field=exc.field)
    except reports.ReportInvalid as exc:
        return error_response(400, "invalid_field", exc.message, field=exc.field)
    except PermissionDenied:
        return error_response(403, "forbidden", _("Vai trò của bạn không được làm việc này."))
    if as_xlsx:
        return xlsx_response(report)
    return jsonify({"from": report["start"], "to": report["end"], **report})


@bp.get("/reports/on-time")
@requires("report.view")
def reports_on_time():
    return _answer(request.args.get("format") == "xlsx")


@bp.get("/reports/on-time.xlsx")
@requires("report.view")
def reports_on_time_xlsx():
    return _answer(True)
