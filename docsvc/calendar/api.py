"""The working-day calendar on the REST API (``/api/v1/calendar/...``, issue 13 "Interface").

Each route parses the request, calls one use case of docsvc.calendar.services and serialises
its answer; refusals become the API's JSON errors: ``CalendarInvalid`` → 400
``invalid_field`` with ``field``; ``DayNotFound`` → 404 ``not_found``; ``DayExists`` → 409
``day_exists``; a day whose place in the week refuses it (a day off on a Saturday or Sunday,
which is off already; a swapped working day on a weekday, which is worked already) → 409
``weekend_day`` / ``weekday``; ``PermissionDenied`` → 403. Parameters and bodies are checked
against the OpenAPI document (docsvc/calendar/openapi.py) before a route runs.
"""

from __future__ import annotations

from datetime import date
from functools import wraps
from typing import Any, Callable

from flask import current_app, jsonify, request

from docsvc.api import bp, error_response, json_object
from docsvc.auth import current_principal
from docsvc.dates import local_now
from docsvc.calendar import services as cal
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _answered(view: Callable) -> Callable:
    @wraps(view)
    def run(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except cal.DayNotFound as exc:
            return error_response(404, "not_found", exc.message)
        except cal.DayExists as exc:
            return error_response(409, "day_exists", exc.message)
        except PermissionDenied:
            return error_response(403, "forbidden", _("Vai trò của bạn không được làm việc này."))
        except cal.WrongWeekday as exc:  # the request is well formed; the week refuses it
            return error_response(409, exc.code, exc.message)
        except cal.CalendarInvalid as exc:
            return error_response(400, "invalid_field", exc.message, field=exc.field)
    return run


def _day_json(day: dict) -> dict:
    return {k: day[k] for k in ("day", "kind", "name")}


@bp.get("/calendar/due")
@requires("calendar.view")
@_answered
def calendar_due():
    start = cal.parse_start(request.args.get("start"))
    due_on = cal.due(_services(), current_principal(), start, int(request.args["days"]),
                     unit=request.args.get("unit") or None)
    return jsonify({"due_on": due_on.isoformat()})


@bp.get("/calendar/holidays")
@requires("calendar.view")
@_answered
def calendar_holidays():
    year = int(request.args.get("year") or local_now(_services().settings.time_zone).year)
    return jsonify([_day_json(d) for d in cal.list_days(_services(), current_principal(), year)])


@bp.post("/calendar/holidays")
@requires("calendar.manage")
@_answered
def calendar_add_holiday():
    body = json_object()
    added = cal.add_day(_services(), current_principal(), date.fromisoformat(body["day"]), body["name"],
                        kind=body.get("kind") or "off")
    return jsonify(_day_json(added)), 201


@bp.delete("/calendar/holidays/<day>")
@requires("calendar.manage")
@_answered
def calendar_remove_holiday(day: str):
    cal.remove_day(_services(), current_principal(), date.fromisoformat(day))
    return "", 204
