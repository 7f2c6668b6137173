"""The outgoing reports on the REST API (issue 14 point 8), all of docsvc.outgoing.reports:

- ``GET /api/v1/reports/outgoing?from=&to=&group=type|unit|month`` → documents issued in the
  period per type (default), drafting unit or month: ``{"from", "to", "group", "rows",
  "total"}``, each row and the total with ``issued``, ``withdrawn``, ``numbered``;
- ``GET /api/v1/reports/outgoing/steps?from=&to=`` → the time spent in each state by the
  documents numbered in the period, the returns, and the draft → release time;
- ``GET /api/v1/reports/outgoing/iso-records.pdf?from=&to=`` → the ISO records of the period
  as one PDF (audited).

Without ``from``/``to``: this quarter, or ``period=this_quarter|last_quarter|this_year|
last_year`` (docsvc.reports.services.parse_period, as the on-time report). Refusals:
``ReportInvalid`` → 400 ``invalid_field`` with ``field``; ``PeriodConflict`` → 409
``invalid_period``; ``PermissionDenied`` → 403.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from docsvc.api import bp, error_response
from docsvc.auth import current_principal
from docsvc.dates import local_now
from docsvc.i18n import gettext as _
from docsvc.outgoing import reports as outgoing_reports
from docsvc.permissions import requires
from docsvc.reports.services import PeriodConflict, ReportInvalid, parse_period
from docsvc.services.audit import PermissionDenied


def _answer(call):
    svc = current_app.extensions["docsvc"]
    args = request.args
    try:
        start, end = parse_period(args.get("from"), args.get("to"), local_now(svc.settings.time_zone).date(),
                                  args.get("period"))
        return call(svc, current_principal(), start, end)
    except PeriodConflict as exc:   # well-formed days that make no period
        return error_response(409, "invalid_period", exc.message, field=exc.field)
    except ReportInvalid as exc:
        return error_response(400, "invalid_field", exc.message, field=exc.field)
    except PermissionDenied:
        return error_response(403, "forbidden", _("Vai trò của bạn không được làm việc này."))


@bp.get("/reports/outgoing")
@requires("outgoing.report")
def reports_outgoing():
    group = request.args.get("group") or "type"
    return _answer(lambda svc, who, start, end: jsonify(
        outgoing_reports.issued(svc, who, date_from=start, date_to=end, group=group)))


@bp.get("/reports/outgoing/steps")
@requires("outgoing.report")
def reports_outgoing_steps():
    return _answer(lambda svc, who, start, end: jsonify(
        outgoing_reports.step_times(svc, who, date_from=start, date_to=end)))


def pdf_response(data: bytes, start, end) -> Response:
    response = Response(data, mimetype="application/pdf")
    name = f"ho-so-iso-van-ban-di-{start.isoformat()}-{end.isoformat()}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/reports/outgoing/iso-records.pdf")
@requires("outgoing.report")
def reports_outgoing_iso_records():
    return _answer(lambda svc, who, start, end: pdf_response(
        outgoing_reports.iso_records(svc, who, date_from=start, date_to=end), start, end))
