"""The calendar operations of the OpenAPI document (docsvc/calendar/api.py); ``describe(spec)``
adds them to ``docsvc.api.openapi.SPEC`` as docsvc.extracts.openapi does.

The schemas say what the use cases accept (a name of 1 to 200 characters that is not blank,
``kind`` off or work, 0 to 400 working days), so that a request the document allows is not
refused with a 400 by the use case; what the week refuses (a day off on a weekend, a swapped
working day on a weekday) and a day already there answer 409."""

from __future__ import annotations

from docsvc.patterns import NOT_BLANK
from docsvc.workdays import MAX_DAYS


def describe(spec: dict) -> None:
    from docsvc.api.openapi import _json, _query

    day_schema = {"type": "object", "required": ["day", "kind", "name"], "properties": {
        "day": {"type": "string", "format": "date"}, "kind": {"enum": ["off", "work"]},
        "name": {"type": "string"}}}
    spec["components"]["schemas"]["CalendarDay"] = day_schema
    ref = {"$ref": "#/components/schemas/CalendarDay"}
    error = {"$ref": "#/components/schemas/Error"}
    texts = {400: "Bad request: a parameter or the body (`invalid_field`, with `field`)",
             404: "No such day in the calendar, or no such unit",
             409: "`day_exists` (the day is in the calendar already), `weekend_day` (a day off on a Saturday or "
                  "Sunday, off already), `weekday` (a swapped working day on a weekday, worked already)"}

    def errors(*codes: int) -> dict:
        return {str(c): _json(error, texts[c]) for c in codes}

    spec["paths"].update({
        "/calendar/due": {
            "get": {
                "summary": "Due date of a time limit in working days (calendar.view)",
                "description": "The day of receipt is day 0 (after the unit's cut-off, 15:00 by default, or on a day "
                               "that is not a working day: the next working day); the limit ends on the N-th "
                               "working day after it, by the calendar's days off and swapped working days and the "
                               "unit's Saturday mornings.",
                "parameters": [
                    {**_query("start", {"type": "string", "format": "date-time"},
                              "When the work was received: `YYYY-MM-DDTHH:MM` in local time (an offset is "
                              "converted to the office's time zone)"), "required": True},
                    {**_query("days", {"type": "integer", "minimum": 0, "maximum": MAX_DAYS},
                              "Time limit in working days"), "required": True},
                    _query("unit", {"type": "string", "minLength": 1, "maxLength": 64, "pattern": NOT_BLANK},
                           "Code of the unit whose calendar counts (default Monday to Friday, 15:00)"),
                ],
                "responses": {"200": _json({"type": "object", "required": ["due_on"], "properties": {
                    "due_on": {"type": "string", "format": "date"}}}, "The due date"), **errors(400, 404)},
            },
        },
        "/calendar/holidays": {
            "get": {
                "summary": "Days off and swapped working days of a year (calendar.view)",
                "parameters": [_query("year", {"type": "integer", "minimum": 1900, "maximum": 2100},
                                      "Year (default this year)")],
                "responses": {"200": _json({"type": "array", "items": ref}, "The days, in order")},
            },
            "post": {
                "summary": "Add a day off (a weekday) or a swapped working day (a weekend day) (calendar.manage)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["day", "name"], "additionalProperties": False,
                    "properties": {
                        "day": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                        "name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": NOT_BLANK,
                                 "description": "Its name, e.g. `Tết Nguyên đán`"},
                        "kind": {"enum": ["off", "work"], "description": "`off` (default) or `work`"},
                    }}}}},
                "responses": {"201": _json(ref, "Added"), **errors(400, 409)},
            },
        },
        "/calendar/holidays/{day}": {
            "delete": {
                "summary": "Remove a day from the calendar (calendar.manage)",
                "parameters": [{"name": "day", "in": "path", "required": True, "description": "YYYY-MM-DD",
                                "schema": {"type": "string", "format": "date"}}],
                "responses": {"204": {"description": "Removed"}, **errors(400, 404)},
            },
        },
    })
