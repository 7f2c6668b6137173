"""Outgoing documents' operations of the OpenAPI document (docsvc/outgoing/api.py);
``describe(spec)`` adds them to ``docsvc.api.openapi.SPEC`` as the other capabilities do."""

from __future__ import annotations

from archive.outgoing import STATES
from docsvc.outgoing.rules import ACTIONS, TYPE_ABBR
from docsvc.patterns import NOT_BLANK

ERROR_TEXTS = {
    400: "Bad request: a parameter or the body (`invalid_field`, with `field`)",
    403: "`forbidden`: the role may not; `wrong_person`: the role, but not the unit or the person the step needs "
         "(the drafting unit's leader, the issuing body's clerk, the intended signer)",
    404: "No such outgoing document (or file) for the caller",
    409: "`out_of_order`: the step does not follow from the document's state; `new_version_required`: a returned "
         "draft needs a new version before it is submitted again; `not_editable`: a version only while the "
         "drafter holds the draft; `no_pdf`, `no_file`: no PDF to sign or release; `duplicate`: already linked",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def describe(spec: dict) -> None:
    from docsvc.api.openapi import MAX_ID, _id_param, _json, _query

    def errors(*codes: int) -> dict:
        return {str(c): _json({"$ref": "#/components/schemas/Error"}, ERROR_TEXTS[c]) for c in codes}

    def text(limit: int, description: str) -> dict:
        return {"type": "string", "maxLength": limit, "description": description}

    any_obj = {"type": "object"}
    unit = {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "code": {"type": "string"},
                                                         "name": {"type": "string"}}}
    nullable = {"type": ["string", "null"]}
    doc = {"type": "object", "required": ["id", "state", "version"], "properties": {
        "id": {"type": "integer"}, "state": {"enum": list(STATES)}, "state_label": {"type": "string"},
        "version": {"type": "integer", "description": "The current version's number"},
        "doc_type": {"type": "string"}, "type_abbr": nullable, "abstract": {"type": "string"},
        "number_symbol": {"type": ["string", "null"], "description": "`05/QĐ-UBND`, `12/UBND-VP` once numbered"},
        "seq": {"type": ["integer", "null"]}, "year": {"type": ["integer", "null"]},
        "issued_on": nullable, "released_on": nullable, "drafting_unit": unit, "issuer": unit,
        "recipients": {"type": "array", "items": any_obj},
        "control_status": {"enum": ["in_force", "amended", "replaced", "annulled"]},
        "versions": {"type": "array", "items": {"type": "object", "properties": {
            "number": {"type": "integer"}, "obsolete": {"type": "boolean"}, "sha256": {"type": "string"},
            "file_name": nullable, "has_pdf": {"type": "boolean"}}}},
        "records": {"type": "array", "description": "The process records (steps), oldest first: never edited",
                    "items": {"type": "object", "properties": {
                        "action": {"type": "string"}, "from_state": nullable, "to_state": {"type": "string"},
                        "decision": nullable, "comment": nullable, "version": {"type": ["integer", "null"]},
                        "actor_name": {"type": "string"}, "actor_role": nullable, "at": {"type": "string"}}}},
        "deliveries": {"type": "array", "items": any_obj},
        "links": any_obj, "actions": {"type": "array", "items": {"type": "string"}},
    }}
    spec["components"]["schemas"]["Outgoing"] = doc
    ref = {"$ref": "#/components/schemas/Outgoing"}
    summary = {"type": "array", "items": {"type": "object", "required": ["id", "state"]}}
    file_part = {"type": "string", "format": "binary", "description": "DOCX or PDF"}
    outgoing_id = _id_param("outgoing_id", "Outgoing document id")
    spec["paths"].update({
        "/outgoing": {
            "post": {
                "summary": "Start an outgoing document with its first draft (outgoing.draft)",
                "description": "The drafter is a specialist of the drafting unit. A DOCX is converted to PDF with "
                               "LibreOffice when it is installed (else the version says so). `recipients`: unit "
                               "codes inside the system and names outside, comma-separated.",
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["file", "doc_type", "abstract", "recipients"],
                               "properties": {
                                   "file": file_part,
                                   "doc_type": {"type": "string", "minLength": 1, "maxLength": 64,
                                                "pattern": NOT_BLANK,
                                                "description": "Vietnamese name: " + ", ".join(TYPE_ABBR)},
                                   "abstract": {"type": "string", "minLength": 1, "maxLength": 2000,
                                                "pattern": NOT_BLANK},
                                   "recipients": {"type": "string", "minLength": 1, "maxLength": 20000,
                                                  "pattern": NOT_BLANK},
                                   "secrecy": {"type": "string", "maxLength": 32,
                                               "description": "0-3, `thuong|mat|toi_mat|tuyet_mat` or the label "
                                                              "(`Mật`)"},
                                   "urgency": {"type": "string", "maxLength": 32,
                                               "description": "`normal|khan|thuong_khan|hoa_toc`, 0-3 or the label "
                                                              "(`Hỏa tốc`)"},
                                   "drafting_unit": text(64, "Unit code (default the drafter's unit)"),
                                   "signer": text(64, "Username of the intended signer (a leader of the issuing "
                                                      "body)"),
                                   "in_reply_to": {"type": "string", "pattern": "^[0-9]{0,10}$",
                                                   "description": "Id of the incoming register row it answers"},
                                   "copies": {"type": "string", "pattern": "^[0-9]{0,5}$"},
                               }},
                    "encoding": {"file": {"contentType": f"application/pdf, {DOCX}, application/octet-stream"}},
                }}},
                "responses": {"201": _json(ref, "Created: `id`, `state` (`draft`), `version` (1)"),
                              **errors(400, 403)},
            },
            "get": {
                "summary": "Outgoing documents the caller sees, latest change first (outgoing.view)",
                "parameters": [_query("state", {"enum": list(STATES)}, "State"),
                               _query("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, "Year of number"),
                               _query("q", {"type": "string", "maxLength": 200}, "Words of the abstract, or the "
                                                                                 "number and symbol"),
                               _query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "At most")],
                "responses": {"200": _json(summary, "The documents"), **errors(400)},
            },
        },
        "/outgoing/waiting": {
            "get": {"summary": "Documents waiting for a step the caller takes (outgoing.view)",
                    "responses": {"200": _json(summary, "Oldest first, each with `next`")}},
        },
        "/outgoing/{outgoing_id}": {
            "get": {"summary": "One outgoing document: state, number and symbol, versions, records (outgoing.view)",
                    "parameters": [outgoing_id], "responses": {"200": _json(ref, "The document"), **errors(404)}},
        },
        "/outgoing/{outgoing_id}/versions": {
            "post": {
                "summary": "A new current version of the draft; the one before becomes obsolete (outgoing.draft)",
                "parameters": [outgoing_id],
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": {
                        "file": file_part, "note": text(4000, "What changed")}},
                    "encoding": {"file": {"contentType": f"application/pdf, {DOCX}, application/octet-stream"}}}}},
                "responses": {"201": _json(ref, "The document with its new version"), **errors(400, 403, 404, 409)},
            },
        },
        "/outgoing/{outgoing_id}/transitions": {
            "post": {
                "summary": "Take one step of the issuing process",
                "description": "`submit` (drafter) → `approve` or `return` (drafting unit's leader) → `check` "
                               "(records office: form; for decisions, when the issuing body names a legal unit, a "
                               "second `check` by it) → `sign` (the intended signer; without a certificate it is "
                               "recorded as a wet signature) → `number`, `release` (records office) → `file` "
                               "(archivist). `return` and `withdraw` need a `comment`.",
                "parameters": [outgoing_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"anyOf": [
                    {"type": "object", "required": ["action", "comment"], "additionalProperties": False,
                     "properties": {"action": {"enum": ["return", "withdraw"]},
                                    "comment": {"type": "string", "minLength": 1, "maxLength": 4000,
                                                "pattern": NOT_BLANK, "description": "Why (required)"}}},
                    {"type": "object", "required": ["action"], "additionalProperties": False,
                     "properties": {"action": {"enum": [a for a in ACTIONS if a not in ("return", "withdraw")]},
                                    "comment": text(4000, "Comment")}}]}}}},
                "responses": {"200": _json(ref, "The document after the step"), **errors(400, 403, 404, 409)},
            },
        },
        "/outgoing/{outgoing_id}/signed-scan": {
            "post": {
                "summary": "Attach the scan of the paper signed by hand (outgoing.issue)",
                "parameters": [outgoing_id],
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary"}}},
                    "encoding": {"file": {"contentType": "application/pdf, application/octet-stream"}}}}},
                "responses": {"200": _json(ref, "The document"), **errors(400, 403, 404, 409)},
            },
        },
        "/outgoing/{outgoing_id}/links": {
            "post": {
                "summary": "This document amends, replaces or annuls an issued one (takes effect at release)",
                "parameters": [outgoing_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["earlier", "kind"], "additionalProperties": False,
                    "properties": {"earlier": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                                   "kind": {"enum": ["amends", "replaces", "annuls"]}}}}}},
                "responses": {"201": _json(ref, "The later document"), **errors(400, 403, 404, 409)},
            },
        },
        "/outgoing/{outgoing_id}/files/{which}": {
            "get": {
                "summary": "A file: `v1` (a version as uploaded), `v1.pdf` (its PDF), `signed`, `released`, "
                           "`history` (outgoing.view)",
                "parameters": [outgoing_id, {"name": "which", "in": "path", "required": True,
                                             "schema": {"type": "string", "maxLength": 16,
                                                        "pattern": "^(v[0-9]{1,4}(\\.pdf)?|signed|released|history)$"}}],
                "responses": {"200": {"description": "The file", "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    DOCX: {"schema": {"type": "string", "format": "binary"}}}}, **errors(404)},
            },
        },
    })
