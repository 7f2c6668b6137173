"""The routing operations of the OpenAPI document (docsvc/routing/api.py); ``describe(spec)``
adds them to ``docsvc.api.openapi.SPEC`` as docsvc.calendar.openapi does.

The bodies say what the use cases accept, combinations included (``anyOf`` over the
required fields: a unit or a person; a deadline in working days or a date, except for
``info``; a new date or extra working days), so that a request the document allows is never
refused with a 400 by the use case. What depends on the state or on today (a due date
already past, an extension asked too late, a person outside the unit) answers 409."""

from __future__ import annotations

from docsvc.patterns import NOT_BLANK
from docsvc.workdays import MAX_DAYS

CONFLICTS = ("not_open", "already_assigned", "no_clearance", "outside_unit", "due_passed", "same_user", "too_late",
             "already_asked", "not_later", "no_deadline", "no_extension", "already_decided")
MAX_ID = 2**31 - 1


def _note(required: bool = False) -> dict:
    if required:
        return {"type": "string", "minLength": 1, "maxLength": 4000, "pattern": NOT_BLANK}
    return {"type": ["string", "null"], "maxLength": 4000}


def _who(description: str) -> dict:
    return {"anyOf": [{"type": "string", "minLength": 1, "maxLength": 64, "pattern": NOT_BLANK},
                      {"type": "integer", "minimum": 1, "maximum": MAX_ID}], "description": description}


NULL = {"type": "null"}


def describe(spec: dict) -> None:
    from docsvc.api.openapi import _id_param, _json

    error = {"$ref": "#/components/schemas/Error"}
    texts = {400: "Bad request: the body does not match this document (`invalid_field`, with `field`)",
             403: "The role may not (routing.assign, routing.handle), or the principal is not the handler "
                  "or the assigner",
             404: "No such document or assignment for this principal, or an unknown unit, user or reply document",
             409: "The state refuses it: " + ", ".join(f"`{c}`" for c in CONFLICTS)}

    def errors(*codes: int) -> dict:
        return {str(c): _json(error, texts[c]) for c in codes}

    def body(schema: dict) -> dict:
        return {"required": True, "content": {"application/json": {"schema": schema}}}

    made = _json({"type": "object", "required": ["id", "due_on"], "properties": {
        "id": {"type": "integer"}, "due_on": {"type": ["string", "null"], "format": "date"}}},
        "The assignment made: its id and due date (null for information)")
    assignment = {"type": "object", "required": ["id", "role", "status", "due_on", "unit"], "properties": {
        "id": {"type": "integer"}, "incoming_id": {"type": ["integer", "null"]},
        "dossier_id": {"type": ["integer", "null"]}, "parent_id": {"type": ["integer", "null"]},
        "role": {"enum": ["main", "cooperate", "info"]}, "status": {"enum": ["open", "forwarded", "done"]},
        "unit": {"type": "object"}, "user": {"type": ["object", "null"]},
        "due_on": {"type": ["string", "null"]}, "original_due_on": {"type": ["string", "null"]},
        "standing": {"enum": ["early", "on_time", "late", None]}, "score": {"type": ["integer", "null"]}}}
    spec["components"]["schemas"]["Assignment"] = assignment
    ref = {"$ref": "#/components/schemas/Assignment"}
    incoming_id = _id_param("incoming_id", "Incoming document (register row) id")
    assignment_id = _id_param("assignment_id", "Assignment id")
    properties = {
        "unit": _who("Handling unit: its code or id (a person named in `user` must belong to it)"),
        "user": _who("Handling person: user name or id (their unit handles it)"),
        "role": {"enum": ["main", "cooperate", "info"], "description": "`main` (chủ trì, default), `cooperate` "
                                                                     "(phối hợp) or `info` (để biết: no deadline needed)"},
        "working_days": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_DAYS,
                         "description": "Deadline in working days from now (day 0 after the unit's cut-off)"},
        "due_on": {"type": ["string", "null"], "format": "date", "description": "Deadline as a date (not before today)"},
        "note": _note(),
    }
    deadlines = ({"required": ["working_days"], "properties": {"working_days": {"type": "integer"}, "due_on": NULL}},
                 {"required": ["due_on"], "properties": {"due_on": {"type": "string"}, "working_days": NULL}},
                 {"required": ["role"], "properties": {"role": {"const": "info"}}})
    choices = [{"required": [who, *d["required"]], "properties": d["properties"]}
               for who in ("unit", "user") for d in deadlines]
    extend_choices = [{"required": ["new_due_on", "reason"], "properties": {"new_due_on": {"type": "string"},
                                                                             "extra_working_days": NULL}},
                      {"required": ["extra_working_days", "reason"], "properties": {
                          "extra_working_days": {"type": "integer"}, "new_due_on": NULL}}]
    spec["paths"].update({
        "/incoming/{incoming_id}/assignments": {
            "post": {
                "summary": "Assign an incoming document (routing.assign, a leader of its office)",
                "description": "To a unit or a person, as main handler, cooperating unit or for information, with a "
                               "deadline in working days (by the handling unit's calendar: day 0 is now, or the "
                               "next working day after the cut-off) or a date. A secret document goes only to a "
                               "person cleared for it; an urgent one notifies the assignees at once.",
                "parameters": [incoming_id],
                "requestBody": body({"type": "object", "additionalProperties": False, "properties": properties,
                                     "anyOf": choices}),
                "responses": {"201": made, **errors(400, 403, 404, 409)},
            },
            "get": {
                "summary": "The document's register summary, assignments and timeline (routing.view)",
                "description": "Seen by the registering office's users cleared for the document, its assignees "
                               "and its assigners.",
                "parameters": [incoming_id],
                "responses": {"200": _json({"type": "object", "required": ["document", "assignments", "events"],
                                            "properties": {"document": {"type": "object"},
                                                           "assignments": {"type": "array", "items": ref},
                                                           "events": {"type": "array", "items": {"type": "object"}},
                                                           "can_assign": {"type": "boolean"}}},
                                           "Summary, assignments and the trace in order"), **errors(404)},
            },
        },
        "/assignments/{assignment_id}/forward": {
            "post": {
                "summary": "Forward to a person of the same unit (routing.handle: the handler or the unit's leader)",
                "description": "A new assignment with the same deadline; this one becomes `forwarded`.",
                "parameters": [assignment_id],
                "requestBody": body({"type": "object", "required": ["user"], "additionalProperties": False,
                                     "properties": {"user": _who("The person: user name or id"), "note": _note()}}),
                "responses": {"201": made, **errors(400, 403, 404, 409)},
            },
        },
        "/assignments/{assignment_id}/progress": {
            "post": {
                "summary": "Report progress (routing.handle)",
                "parameters": [assignment_id],
                "requestBody": body({"type": "object", "required": ["note"], "additionalProperties": False,
                                     "properties": {"percent": {"type": ["integer", "null"], "minimum": 0,
                                                                "maximum": 100}, "note": _note(True)}}),
                "responses": {"200": _json({"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "integer"}, "progress": {"type": ["integer", "null"]}}}, "Recorded"),
                    **errors(400, 403, 404, 409)},
            },
        },
        "/assignments/{assignment_id}/extend": {
            "post": {
                "summary": "Ask once for a later deadline (routing.handle)",
                "description": "A new date or working days added to the current deadline, with a reason; at least "
                               "one working day before the deadline (later: 409 `too_late`); once per assignment "
                               "(409 `already_asked`). The assigner decides with `POST .../extension`.",
                "parameters": [assignment_id],
                "requestBody": body({"type": "object", "additionalProperties": False, "properties": {
                    "new_due_on": {"type": ["string", "null"], "format": "date"},
                    "extra_working_days": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_DAYS},
                    "reason": _note(True)}, "anyOf": extend_choices}),
                "responses": {"201": _json({"type": "object", "required": ["id", "new_due_on", "approved"],
                                            "properties": {"id": {"type": "integer"},
                                                           "new_due_on": {"type": "string"},
                                                           "approved": {"type": ["boolean", "null"]}}},
                                           "The request, undecided"), **errors(400, 403, 404, 409)},
            },
        },
        "/assignments/{assignment_id}/extension": {
            "post": {
                "summary": "Decide an extension request (routing.assign: only who assigned the work)",
                "description": "Approved, the deadline moves to the date asked and the first one is kept as "
                               "`original_due_on`.",
                "parameters": [assignment_id],
                "requestBody": body({"type": "object", "required": ["approve"], "additionalProperties": False,
                                     "properties": {"approve": {"type": "boolean"}, "note": _note()}}),
                "responses": {"200": _json({"type": "object", "required": ["approved", "due_on"], "properties": {
                    "approved": {"type": "boolean"}, "due_on": {"type": ["string", "null"]},
                    "original_due_on": {"type": ["string", "null"]}}}, "Decided"), **errors(400, 403, 404, 409)},
            },
        },
        "/assignments/{assignment_id}/complete": {
            "post": {
                "summary": "Complete, with a note and an optional reply document (routing.handle)",
                "description": "Stores the standing against the deadline — `early` (before the due date, score 2), "
                               "`on_time` (on it, 1), `late` (0). When no main assignment is left open the "
                               "document is done.",
                "parameters": [assignment_id],
                "requestBody": body({"type": "object", "required": ["note"], "additionalProperties": False,
                                     "properties": {"note": _note(True),
                                                    "reply_document_id": {"type": ["integer", "null"], "minimum": 1,
                                                                          "maximum": MAX_ID}}}),
                "responses": {"200": _json({"type": "object", "required": ["id", "standing", "score"], "properties": {
                    "id": {"type": "integer"}, "completed_on": {"type": "string"},
                    "standing": {"enum": ["early", "on_time", "late", None]}, "score": {"type": ["integer", "null"]},
                    "subject_done": {"type": "boolean"}}}, "Completed"), **errors(400, 403, 404, 409)},
            },
        },
        "/inbox": {
            "get": {
                "summary": "The caller's open work: to do, due within a working day, overdue; unread notifications",
                "responses": {"200": _json({"type": "object", "required": ["todo", "due_soon", "overdue", "counts"],
                                            "properties": {"todo": {"type": "array", "items": ref},
                                                           "due_soon": {"type": "array", "items": ref},
                                                           "overdue": {"type": "array", "items": ref},
                                                           "counts": {"type": "object"},
                                                           "notifications": {"type": "array",
                                                                             "items": {"type": "object"}}}},
                                           "Urgent first, then by due date")},
            },
        },
        "/notifications/read": {
            "post": {
                "summary": "Mark the caller's notifications as read (all unread ones without `ids`)",
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False, "properties": {
                        "ids": {"type": ["array", "null"], "maxItems": 1000,
                                "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}}}}}},
                "responses": {"200": _json({"type": "object", "required": ["marked"], "properties": {
                    "marked": {"type": "integer"}}}, "How many were marked")},
            },
        },
    })
