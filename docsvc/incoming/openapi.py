"""The incoming register's operations of the OpenAPI document (docsvc/incoming/api.py);
``describe(spec)`` adds them to ``docsvc.api.openapi.SPEC`` as docsvc.calendar.openapi does.

The schemas say what the use cases accept (lengths of the register fields, urgency and
secrecy as codes, numbers or Vietnamese labels, dates), so that a request the document allows
is not refused by the use case for its shape; what the data refuses (a repeat: 409; an
arrival in the future, a document date after the arrival, a secrecy above the clerk's
clearance: 400 naming the field) is answered as documented."""

from __future__ import annotations

from archive.accounts import SECRECY_LABELS
from archive.incoming import URGENCY_CODES, URGENCY_LABELS
from docsvc.patterns import NOT_BLANK


ERROR_TEXTS = {
    400: "Bad request: a parameter or the body (`invalid_field`, with `field`)",
    404: "No such register row, document or office for the caller",
    409: "`arrival_in_future`, `arrival_out_of_range`, `issued_after_arrival`, `above_clearance` (a secrecy above "
         "the caller's clearance), with `field`; `duplicate`: number + symbol + issuer (or the document) are "
         "registered already in the office; `error.earlier` names that row (`id`, `arrival_number`, `year`, "
         "`arrived_on`). Send `confirm_duplicate_reason` to register it all the same",
}


def describe(spec: dict) -> None:
    from docsvc.api.openapi import MAX_ID, _id_param, _json, _query

    def text(limit: int, description: str) -> dict:
        return {"type": "string", "minLength": 1, "maxLength": limit, "pattern": NOT_BLANK,
                "description": description}

    nullable_text = {"type": ["string", "null"]}
    fields = {
        "number": text(32, "Number as written (`135`)"),
        "symbol": text(64, "Symbol (`KH-UBND`)"),
        "doc_type": text(64, "Type name (`Kế hoạch`)"),
        "issuer": text(300, "Author: the issuing body"),
        "issued_on": {"type": "string", "format": "date", "description": "Document date, `YYYY-MM-DD`"},
        "abstract": text(2000, "Abstract (trích yếu)"),
    }
    rank = {"type": "integer", "minimum": 0, "maximum": 3}
    urgency = {"anyOf": [{"enum": [*URGENCY_CODES, *URGENCY_LABELS.values()]}, rank],
               "description": "`normal|khan|thuong_khan|hoa_toc`, 0-3 or the Vietnamese label (`Hỏa tốc`)"}
    secrecy = {"anyOf": [{"enum": ["thuong", "mat", "toi_mat", "tuyet_mat", *SECRECY_LABELS.values()]}, rank],
               "description": "0-3, `thuong|mat|toi_mat|tuyet_mat` or the label (`Mật`)"}
    row = {"type": "object", "required": ["id", "arrival_number", "year"], "properties": {
        "id": {"type": "integer"}, "arrival_number": {"type": "integer"}, "year": {"type": "integer"},
        "scope": {"enum": ["incoming", "incoming_secret"]}, "secret": {"type": "boolean"},
        "document_id": {"type": ["integer", "null"]},
        **{k: nullable_text for k in ("number", "symbol", "number_symbol", "doc_type", "issuer", "issued_on",
                                      "abstract", "notes", "handed_to", "handed_on", "duplicate_reason")},
        "field_sources": {"type": "object", "description": "Per register field: `machine` (read from the first "
                                                           "page, not yet confirmed) or `clerk`"},
        "machine_fields": {"type": "array", "items": {"type": "string"}},
        "arrived_at": {"type": "string", "description": "Local time, `YYYY-MM-DDTHH:MM`"},
        "arrived_on": {"type": "string", "format": "date"},
        "urgency": {"enum": ["normal", "khan", "thuong_khan", "hoa_toc"]}, "urgency_label": {"type": "string"},
        "secrecy": {"type": "integer"}, "status": {"enum": ["registered", "assigned", "done"]},
        "duplicate_of_id": {"type": ["integer", "null"]}}}
    spec["components"]["schemas"]["Incoming"] = row
    ref = {"$ref": "#/components/schemas/Incoming"}

    def errors(*codes: int) -> dict:
        return {str(c): _json({"$ref": "#/components/schemas/Error"}, ERROR_TEXTS[c]) for c in codes}

    period = [_query("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, "Year of arrival"),
              _query("from", {"type": "string", "format": "date"}, "First arrival day"),
              _query("to", {"type": "string", "format": "date"}, "Last arrival day")]
    incoming_id = _id_param("incoming_id", "Register row id")
    spec["paths"].update({
        "/incoming": {
            "post": {
                "summary": "Register an incoming document (incoming.register)",
                "description": "Gives it the next arrival number of the office's yearly sequence (its own for Mật "
                               "and above). From a document (`document_id`): the register fields are its own, else "
                               "read from its first page and listed in `machine_fields` until confirmed (PATCH). "
                               "Typed: `issuer` and `abstract` at least.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False,
                    "anyOf": [{"required": ["document_id"]}, {"required": ["issuer", "abstract"]}],
                    "properties": {
                        "document_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                        **fields,
                        "arrived_at": {"type": "string", "format": "date-time",
                                       "description": "When it arrived, local time when without offset (default now)"},
                        "urgency": urgency, "secrecy": secrecy,
                        "confirm_duplicate_reason": text(1000, "Why a repeat is registered all the same"),
                        "notes": text(2000, "Notes"),
                        "page_count": {"type": "integer", "minimum": 1, "maximum": 100000},
                        "office": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": NOT_BLANK,
                                   "description": "Code of the registering office (default the caller's unit)"},
                    }}}}},
                "responses": {"201": _json(ref, "Registered"), **errors(400, 404, 409)},
            },
            "get": {
                "summary": "Register rows the caller sees, newest arrival first (incoming.view)",
                "parameters": [*period,
                               _query("urgency", {"enum": ["normal", "khan", "thuong_khan", "hoa_toc", "urgent"]},
                                      "An urgency, or `urgent` (Khẩn and above)"),
                               _query("status", {"enum": ["registered", "assigned", "done"]}, "Status"),
                               _query("q", {"type": "string", "maxLength": 200}, "Words of the abstract, issuer, "
                                                                                 "symbol, or the number"),
                               _query("limit", {"type": "integer", "minimum": 1, "maximum": 5000}, "At most"),
                               _query("offset", {"type": "integer", "minimum": 0, "maximum": 1000000}, "Skip")],
                "responses": {"200": _json({"type": "array", "items": ref}, "The rows"), **errors(400)},
            },
        },
        "/incoming/queue": {
            "get": {
                "summary": "Registered rows not yet assigned, urgent first (Hỏa tốc, Thượng khẩn, Khẩn), then by "
                           "arrival (incoming.view)",
                "responses": {"200": _json({"type": "array", "items": ref}, "The leader's list")},
            },
        },
        "/incoming/register": {
            "get": {
                "summary": "The printed incoming register of a year or a period (incoming.view)",
                "description": "Columns of Decree 30: arrival date, arrival number, author, number and symbol, "
                               "document date, type and abstract, receiving unit or person, date handed on, "
                               "signature of receipt, notes.",
                "parameters": [*period,
                               _query("format", {"enum": ["pdf", "xlsx"]}, "File format (default pdf)"),
                               _query("secret", {"enum": ["true", "false"]}, "The register of secret documents"),
                               _query("office", {"type": "string", "minLength": 1, "maxLength": 64,
                                                 "pattern": NOT_BLANK}, "Office code (default the caller's unit)")],
                "responses": {"200": {"description": "The register", "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                        {"schema": {"type": "string", "format": "binary"}}}}, **errors(400, 404)},
            },
        },
        "/incoming/{incoming_id}": {
            "get": {
                "summary": "One register row (incoming.view)",
                "parameters": [incoming_id],
                "responses": {"200": _json(ref, "The row"), **errors(404)},
            },
            "patch": {
                "summary": "Correct or confirm register fields; they become `clerk` (incoming.register)",
                "description": "`confirm`: `true` confirms every machine-read field as read, or a list of fields. "
                               "The arrival number, year and secrecy do not change.",
                "parameters": [incoming_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False, "properties": {
                        **fields, "urgency": urgency, "notes": text(2000, "Notes"),
                        "page_count": {"type": "integer", "minimum": 1, "maximum": 100000},
                        "confirm": {"anyOf": [{"type": "boolean"}, {"type": "array", "maxItems": 6, "items": {
                            "enum": ["number", "symbol", "doc_type", "issuer", "issued_on", "abstract"]}}]},
                        "confirm_duplicate_reason": text(1000, "Why a repeat is kept all the same"),
                    }}}}},
                "responses": {"200": _json(ref, "The row as corrected"), **errors(400, 404, 409)},
            },
        },
    })
