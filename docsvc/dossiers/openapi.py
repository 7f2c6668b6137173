"""The one-stop dossier operations of the OpenAPI document (docsvc/dossiers/api.py);
``describe(spec)`` adds them to ``docsvc.api.openapi.SPEC`` as docsvc.calendar.openapi does.

The schemas say what the use cases accept (docsvc.dossiers.rules: text folded to single
spaces and not blank, an applicant up to 300 characters, 0 to 400 working days, moments as
``YYYY-MM-DDTHH:MM`` in local time), so that a request the document allows is not refused
with a 400 by the use case, except for what only the data can tell (an unknown procedure or
unit, a moment in the future, a date before the old one)."""

from __future__ import annotations

from archive.dossiers import STATES
from docsvc.dossiers.rules import MAX_WORKING_DAYS, OUTCOMES
from docsvc.patterns import NOT_BLANK

CONFLICTS = ("wrong_state", "already_apologized", "too_late", "procedure_inactive", "user_not_in_unit", "sequence_full")


def _text(limit: int, description: str, *, nullable: bool = False) -> dict:
    if nullable:
        return {"type": ["string", "null"], "maxLength": limit, "description": description}
    return {"type": "string", "minLength": 1, "maxLength": limit, "pattern": NOT_BLANK, "description": description}


def _moment(description: str) -> dict:
    return {"type": ["string", "null"], "format": "date-time",
            "description": f"{description}: `YYYY-MM-DDTHH:MM` in local time (an offset is converted); "
                           "not in the future; now when absent"}


def describe(spec: dict) -> None:
    from docsvc.api.openapi import MAX_ID, _id_param, _json, _query

    nullable = {"type": ["string", "null"]}
    day = {"type": ["string", "null"], "format": "date"}
    procedure = {"type": "object", "required": ["id", "code", "name", "field", "working_days", "active"],
                 "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
                                "field": {"type": "string"}, "working_days": {"type": "integer"},
                                "active": {"type": "boolean"}, "handling_unit": nullable,
                                "handling_unit_name": nullable, "created": {"type": "boolean"}}}
    dossier = {"type": "object", "required": ["id", "code", "status", "due_on"], "properties": {
        "id": {"type": "integer"},
        "code": {"type": "string", "description": "`{agency code}-{YYMMDD}-{NNNN}`, e.g. `000.00.12.H29-261129-0007`"},
        "status": {"enum": list(STATES)}, "field": {"type": "string"},
        "procedure": {"type": ["object", "null"]},
        "applicant": {"type": "string", "description": "The name (holders of dossier.applicant), else the initials"},
        "applicant_contact": nullable, "received_at": nullable, "received_on": {"type": "string", "format": "date"},
        "clock_from": day, "due_on": {**day, "description": "The promised return date (null while incomplete)"},
        "original_due_on": day, "supplements": {"type": "integer"}, "apologized": {"type": "boolean"},
        "refused_reason": nullable, "returned_at": nullable, "returned_on": day,
        "standing": {"enum": ["early", "on_time", "late", None]}, "score": {"type": ["integer", "null"]},
        "marker": {"enum": ["open", "due_soon", "overdue", None]},
    }}
    spec["components"]["schemas"].update({"Procedure": procedure, "Dossier": dossier})
    ref = {"$ref": "#/components/schemas/Dossier"}
    error = {"$ref": "#/components/schemas/Error"}
    dossier_id = _id_param("dossier_id", "Dossier id")
    conflict = {"409": _json(error, "The dossier's state refuses it: " + ", ".join(f"`{c}`" for c in CONFLICTS))}

    def body(properties: dict, required: list[str]) -> dict:
        return {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": required, "additionalProperties": False, "properties": properties}}}}

    def action(summary: str, properties: dict, required: list[str]) -> dict:
        return {"post": {"summary": summary, "parameters": [dossier_id], "requestBody": body(properties, required),
                         "responses": {"200": _json(ref, "The dossier after it"), **conflict,
                                       "404": _json(error, "No such dossier for the caller, or an unknown unit, "
                                                           "user or document named in the body (`field`)")}}}

    spec["paths"].update({
        "/procedures": {
            "get": {"summary": "The procedures with their field and statutory time (procedure.view)",
                    "parameters": [_query("active", {"enum": ["true", "false"]}, "Only those in use")],
                    "responses": {"200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Procedure"}},
                                               "By field, then name")}},
            "post": {"summary": "Add a procedure, or change the one with this code (procedure.manage)",
                     "requestBody": body({
                         "code": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": f"^{NOT_BLANK}+$",
                                  "description": "Its code (no spaces)"},
                         "name": _text(500, "Its name"),
                         "field": _text(100, "Its field: Hộ tịch, Đất đai, Chứng thực, Kinh doanh, ... (any text)"),
                         "working_days": {"type": "integer", "minimum": 0, "maximum": MAX_WORKING_DAYS,
                                          "description": "Statutory time in working days"},
                         "handling_unit": {"type": ["string", "null"], "maxLength": 64,
                                           "description": "Code of the unit dossiers are routed to by default"},
                         "active": {"type": "boolean"}}, ["code", "name", "field", "working_days"]),
                     "responses": {"201": _json({"$ref": "#/components/schemas/Procedure"}, "Added"),
                                   "200": _json({"$ref": "#/components/schemas/Procedure"}, "Changed"),
                                   "404": _json(error, "No such handling unit (`field`: `handling_unit`)")}},
        },
        "/dossiers": {
            "get": {"summary": "Dossiers of the caller's units, newest first (dossier.view)",
                    "parameters": [
                        _query("status", {"enum": list(STATES)}), _query("field", {"type": "string", "maxLength": 100}),
                        _query("from", {"type": "string", "format": "date"}, "Received on or after"),
                        _query("to", {"type": "string", "format": "date"}, "Received on or before"),
                        _query("q", {"type": "string", "maxLength": 200},
                               "Part of the code (or of the applicant's name, for holders of dossier.applicant)"),
                        _query("marker", {"enum": ["due_soon", "overdue"]}),
                        _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
                        _query("offset", {"type": "integer", "minimum": 0, "maximum": 1000000000})],
                    "responses": {"200": _json({"type": "object", "required": ["items", "total"], "properties": {
                        "items": {"type": "array", "items": ref}, "total": {"type": "integer"}}}, "A page")}},
            "post": {"summary": "Receive a dossier: its code and promised return date (dossier.receive)",
                     "description": "The day of receipt is day 0 (after the cut-off, 15:00, or on a day off: the "
                                    "next working day); the date is the procedure's N-th working day after it.",
                     "requestBody": body({
                         "procedure": {"type": "string", "minLength": 1, "maxLength": 64, "description": "Its code"},
                         "applicant": _text(300, "The applicant's full name"),
                         "received_at": _moment("When it was received (a past moment for paper entered later)"),
                         "applicant_contact": _text(300, "Address or telephone", nullable=True),
                         "documents": {"type": ["array", "null"], "maxItems": 30,
                                       "items": {"type": "string", "maxLength": 300}, "description": "Papers received"},
                         "outcome": {"enum": list(OUTCOMES), "description": "At the desk (default accepted)"},
                         "note": _text(2000, "What is missing (supplement) or why it is refused (refused)",
                                       nullable=True),
                         "office": {"type": ["string", "null"], "maxLength": 64,
                                    "description": "Code of the receiving office (default the caller's)"}},
                         ["procedure", "applicant"]),
                     "responses": {"201": _json(ref, "Received: `id`, `code`, `due_on` and the rest"),
                                   "404": _json(error, "No such procedure or office (`field` names it)"),
                                   "409": _json(error, "`procedure_inactive`, `sequence_full`")}},
        },
        "/dossiers/{dossier_id}": {
            "get": {"summary": "A dossier with its timeline and assignments (dossier.view)",
                    "parameters": [dossier_id], "responses": {"200": _json(ref, "The dossier")}},
        },
        "/dossiers/{dossier_id}/receipt": {
            "get": {"summary": "The receipt with the promised return date, PDF (dossier.applicant)",
                    "parameters": [dossier_id],
                    "responses": {"200": {"description": "The receipt", "content": {
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}},
        },
        "/dossiers/{dossier_id}/notices/{kind}": {
            "get": {"summary": "The slip of the last supplement request, the refusal or the apology, PDF "
                               "(dossier.applicant); 404 when the dossier has none of that kind",
                    "parameters": [dossier_id, {"name": "kind", "in": "path", "required": True,
                                                "schema": {"enum": ["supplement", "refusal", "apology"]}}],
                    "responses": {"200": {"description": "The slip", "content": {
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}},
        },
        "/dossiers/{dossier_id}/supplement": action(
            "Ask the applicant for more papers: the clock stops (dossier.receive)",
            {"missing": _text(2000, "What is missing"), "at": _moment("When")}, ["missing"]),
        "/dossiers/{dossier_id}/complete-supplement": action(
            "The supplement is complete: the clock restarts with the full time (dossier.receive)",
            {"at": _moment("When it was completed")}, []),
        "/dossiers/{dossier_id}/refuse": action(
            "Refuse the dossier (dossier.receive)", {"reason": _text(2000, "Why")}, ["reason"]),
        "/dossiers/{dossier_id}/route": action(
            "Route it to the handling unit and person (dossier.handle)",
            {"unit": {"type": ["string", "null"], "maxLength": 64, "description": "Unit code (default the procedure's)"},
             "user": {"type": ["string", "null"], "maxLength": 64, "description": "Username in that unit"},
             "note": _text(2000, "Instruction", nullable=True)}, []),
        "/dossiers/{dossier_id}/apology": action(
            "Apologise and give ONE new date, before the due date (dossier.handle)",
            {"new_due_on": {"type": "string", "format": "date"}, "reason": _text(2000, "Why it will be late"),
             "at": _moment("When")}, ["new_due_on", "reason"]),
        "/dossiers/{dossier_id}/return": action(
            "Return the result: early, on time or late against the original date (dossier.handle)",
            {"note": _text(2000, "The result", nullable=True),
             "result_document_id": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID},
             "at": _moment("When it was handed back")}, []),
    })
