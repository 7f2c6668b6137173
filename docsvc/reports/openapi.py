"""The report operations of the OpenAPI document (docsvc/reports/api.py); ``describe(spec)``
adds them to ``docsvc.api.openapi.SPEC`` as docsvc.calendar.openapi does."""

from __future__ import annotations

from docsvc.reports.services import GROUPS, KINDS

FIGURES = ("received", "returned_for_supplement", "early", "on_time", "late", "open", "overdue", "resolved")
DAY = {"type": "string", "format": "date"}


def describe(spec: dict) -> None:
    from docsvc.api.openapi import _json, _query

    row = {"type": "object", "required": ["key", "label", *FIGURES, "score", "on_time_rate"], "properties": {
        "key": {"description": "The group: a unit or user id, a field, a month YYYY-MM, or null (none assigned)"},
        "label": {"type": "string"},
        **{k: {"type": "integer", "minimum": 0} for k in FIGURES},
        "score": {"type": ["number", "null"], "description": "(2·early + on_time) / (2·resolved), in percent"},
        "on_time_rate": {"type": ["number", "null"], "description": "(early + on_time) / resolved, in percent"}}}
    spec["components"]["schemas"]["OnTimeRow"] = row
    ref = {"$ref": "#/components/schemas/OnTimeRow"}
    error = {"$ref": "#/components/schemas/Error"}
    parameters = [
        _query("from", DAY, "First day of the period (YYYY-MM-DD); alone: to the end of its quarter"),
        _query("to", DAY, "Last day of the period, included; alone: from the start of its quarter"),
        _query("period", {"type": "string", "enum": ["this_quarter", "last_quarter", "this_year", "last_year"]},
               "A preset, when `from` and `to` are not given (default: this quarter)"),
        _query("group", {"type": "string", "enum": list(GROUPS)}, "Rows by unit (default), field, person, month "
                                                                   "(period) or one total row"),
        _query("kind", {"type": "string", "enum": list(KINDS)}, "Dossiers, incoming documents or both (default)"),
    ]
    what = ("Dossiers received in the period (by receiving office) and main assignments of incoming documents "
            "(by handling unit), within the caller's units: received, returned for supplement, and by the standing "
            "stored at return or completion in the period early / on time / late; open and overdue: received in "
            "the period and still in hand today.")
    xlsx = {"200": {"description": "The report as an XLSX workbook", "content": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}}}},
        "400": _json(error, "A bad parameter (`invalid_field`, with `field`)"),
        "409": _json(error, "`invalid_period`: `to` before `from`, or more than 30 years")}
    spec["paths"].update({
        "/reports/on-time": {"get": {
            "summary": "On-time report: received, returned for supplement, early, on time, late (report.view)",
            "description": what + " `format=xlsx` answers the XLSX workbook instead.",
            "parameters": [*parameters, _query("format", {"type": "string", "enum": ["json", "xlsx"]},
                                               "`xlsx` for the workbook")],
            "responses": {"200": _json({"type": "object", "required": ["rows", "total", "summary"], "properties": {
                "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
                "group": {"type": "string"}, "kind": {"type": "string"}, "rows": {"type": "array", "items": ref},
                "total": ref, "summary": {"type": "string", "description": "The figures as one Vietnamese sentence"},
                "late_by_field": {"type": "object", "additionalProperties": {"type": "integer"}}}},
                "The rows and the total (JSON), or with `format=xlsx` the workbook"),
                "400": xlsx["400"], "409": xlsx["409"]}}},
        "/reports/on-time.xlsx": {"get": {
            "summary": "On-time report as an XLSX workbook (report.view)", "description": what,
            "parameters": parameters, "responses": xlsx}},
    })

    json_answer = spec["paths"]["/reports/on-time"]["get"]["responses"]["200"]["content"]
    json_answer.update(xlsx["200"]["content"])
