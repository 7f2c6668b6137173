"""The outgoing report operations of the OpenAPI document (docsvc/outgoing/api_reports.py);
``describe(spec)`` adds them to ``docsvc.api.openapi.SPEC`` as docsvc.reports.openapi does."""

from __future__ import annotations

from docsvc.outgoing.reports import FIGURES, GROUPS

DAY = {"type": "string", "format": "date"}
HOURS = {"type": ["number", "null"], "minimum": 0}


def describe(spec: dict) -> None:
    from docsvc.api.openapi import _json, _query

    error = {"$ref": "#/components/schemas/Error"}
    row = {"type": "object", "required": ["key", "label", *FIGURES], "properties": {
        "key": {"description": "The group: a document type, a drafting unit's id, a month YYYY-MM; null for the total"},
        "label": {"type": "string"},
        "issued": {"type": "integer", "minimum": 0, "description": "Numbered in the period and not withdrawn"},
        "withdrawn": {"type": "integer", "minimum": 0, "description": "Numbered in the period, then withdrawn"},
        "numbered": {"type": "integer", "minimum": 0, "description": "issued + withdrawn"}}}
    duration = {"type": "object", "required": ["count", "mean_hours", "median_hours"], "properties": {
        "count": {"type": "integer", "minimum": 0}, "mean_hours": HOURS, "median_hours": HOURS}}
    state = {"type": "object", "required": ["state", "label", "count", "mean_hours", "median_hours", "returns"],
             "properties": {"state": {"type": "string"}, "label": {"type": "string"},
                            "count": {"type": "integer", "minimum": 0}, "mean_hours": HOURS, "median_hours": HOURS,
                            "returns": {"type": "integer", "minimum": 0}}}
    schemas = spec["components"]["schemas"]
    schemas["OutgoingIssuedRow"] = row
    schemas["OutgoingStateTime"] = state
    schemas["OutgoingDuration"] = duration
    ref = {"$ref": "#/components/schemas/OutgoingIssuedRow"}
    period = [
        _query("from", DAY, "First day of the period (YYYY-MM-DD); alone: to the end of its quarter"),
        _query("to", DAY, "Last day of the period, included; alone: from the start of its quarter"),
        _query("period", {"type": "string", "enum": ["this_quarter", "last_quarter", "this_year", "last_year"]},
               "A preset, when `from` and `to` are not given (default: this quarter)"),
    ]
    conflict = _json(error, "`invalid_period`: `to` before `from`, or more than 30 years")
    scope = ("Documents whose issuing body or drafting unit is among the caller's units, within the caller's "
             "clearance.")
    spec["paths"].update({
        "/reports/outgoing": {"get": {
            "summary": "Outgoing documents issued per type, drafting unit or month (outgoing.report)",
            "description": "Documents numbered with their date of issue in the period; withdrawn after numbering "
                           "counted apart. " + scope,
            "parameters": [*period, _query("group", {"type": "string", "enum": list(GROUPS)},
                                           "Rows per document type (default), drafting unit or month")],
            "responses": {"200": _json({"type": "object", "required": ["from", "to", "group", "rows", "total"],
                                        "properties": {"from": DAY, "to": DAY, "group": {"type": "string"},
                                                       "rows": {"type": "array", "items": ref}, "total": ref}},
                                       "The rows and the total"),
                          "409": conflict}}},
        "/reports/outgoing/steps": {"get": {
            "summary": "Time spent in each step of the issuing process (outgoing.report)",
            "description": "For the documents numbered in the period: calendar hours in each state, from the step "
                           "that entered it to the step that left it (count, mean, median), the returns, and the "
                           "draft-to-release time. " + scope,
            "parameters": period,
            "responses": {"200": _json({"type": "object", "required": [
                "from", "to", "documents", "states", "returns", "documents_returned", "draft_to_release"],
                "properties": {
                    "from": DAY, "to": DAY, "documents": {"type": "integer", "minimum": 0},
                    "states": {"type": "array", "items": {"$ref": "#/components/schemas/OutgoingStateTime"}},
                    "returns": {"type": "integer", "minimum": 0},
                    "documents_returned": {"type": "integer", "minimum": 0},
                    "draft_to_release": {"$ref": "#/components/schemas/OutgoingDuration"}}},
                "Times per state and in all"),
                "409": conflict}}},
        "/reports/outgoing/iso-records.pdf": {"get": {
            "summary": "The ISO records of a period as one PDF (outgoing.report)",
            "description": "A cover with the period and the counts, then the process record of every document "
                           "with a step in the period: identification, versions (obsolete ones marked), every "
                           "step, the form checks, the deliveries. Audited. " + scope,
            "parameters": period,
            "responses": {"200": {"description": "The PDF", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                "409": conflict}}},
    })
