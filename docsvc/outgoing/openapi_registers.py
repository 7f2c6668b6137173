"""The registers' operations of the OpenAPI document (docsvc/outgoing/api_registers.py);
``describe(spec)`` adds them to ``docsvc.api.openapi.SPEC`` as docsvc.incoming.openapi does.

Both registers answer JSON (the office, the year, the official columns as ``{key, label}`` and
the rows under those keys) or, with ``format``, the printed register as a file."""

from __future__ import annotations

from docsvc.patterns import NOT_BLANK

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ERROR_TEXTS = {
    400: "Bad request: `year` (1900-2100), `format` (`pdf` or `xlsx`), `secret` or `office` refused "
         "(`invalid_parameter`, or `invalid_field` with `field`)",
    403: "The role does not read this register (`outgoing.view` / `incoming.view`)",
    404: "No such office among the caller's units",
}


def describe(spec: dict) -> None:
    from docsvc.api.openapi import _json, _query

    text = {"type": "string"}
    nullable_text = {"type": ["string", "null"]}
    column = {"type": "object", "required": ["key", "label"],
              "properties": {"key": text, "label": text}}
    office = {"type": "object", "required": ["id", "code", "name"],
              "properties": {"id": {"type": "integer"}, "code": text, "name": text}}
    outgoing_row = {"type": "object", "required": ["id", "seq", "number_symbol"], "properties": {
        "id": {"type": "integer"}, "seq": {"type": "integer"}, "state": text,
        "number_symbol": text, "issued_on": nullable_text, "issued_on_text": nullable_text,
        "doc_type": text, "abstract": text, "type_abstract": text, "signer": text, "recipients": text,
        "file_keeper": text, "copies": {"type": "integer"}, "sent_on": nullable_text, "sent_on_text": nullable_text,
        "receipt_signature": text, "notes": text, "issuer": nullable_text}}
    incoming_row = {"type": "object", "required": ["id", "arrival_number"], "properties": {
        "id": {"type": "integer"}, "year": {"type": "integer"}, "status": text,
        "arrived_on": text, "arrived_on_text": text, "arrival_number": {"type": "integer"}, "author": text,
        "number_symbol": text, "issued_on": nullable_text, "issued_on_text": nullable_text,
        "type_abstract": text, "receiver": text, "handed_on": nullable_text, "handed_on_text": nullable_text,
        "receipt_signature": text, "notes": text}}

    def book(row: dict, description: str) -> dict:
        return {"type": "object", "required": ["office", "year", "secret", "columns", "rows"],
                "description": description,
                "properties": {"office": office, "year": {"type": "integer"}, "secret": {"type": "boolean"},
                               "columns": {"type": "array", "items": column},
                               "rows": {"type": "array", "items": row}}}

    spec["components"]["schemas"]["OutgoingRegister"] = book(
        outgoing_row, "Rows in number order. `copies`: the number recorded, else one per recipient and the file "
                      "copy; `notes`: withdrawal, control status (amended, replaced, annulled, and by which "
                      "number), secrecy, and whose book when the row is a predecessor's")
    spec["components"]["schemas"]["IncomingRegister"] = book(incoming_row, "Rows in arrival-number order")

    def errors(*codes: int) -> dict:
        return {str(c): _json({"$ref": "#/components/schemas/Error"}, ERROR_TEXTS[c]) for c in codes}

    def parameters(kind: str) -> list[dict]:
        return [_query("year", {"type": "integer", "minimum": 1900, "maximum": 2100},
                       "Year of the register (default this year)"),
                _query("office", {"type": "string", "minLength": 1, "maxLength": 64, "pattern": NOT_BLANK},
                       f"Id or code of the {kind} office (default the caller's unit)"),
                _query("secret", {"enum": ["true", "false"]}, "The register of secret documents (Mật and above; "
                                                              "rows up to the caller's clearance)"),
                _query("format", {"enum": ["pdf", "xlsx"]}, "The printed register as a file instead of JSON")]

    def answer(schema: str, description: str) -> dict:
        return {"description": description, "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}}}}

    spec["paths"].update({
        "/registers/outgoing": {
            "get": {
                "summary": "The outgoing register (sổ đăng ký văn bản đi) of a year (outgoing.view)",
                "description": "Columns of Decree 30: number and symbol, document date, type and abstract, signer, "
                               "recipients, unit keeping the file copy, number of copies, date sent, signature of "
                               "receipt, notes. Only numbered documents of the issuing office (and of the units "
                               "whose records passed to it). With `format` the register printed as an A4 landscape "
                               "PDF or an XLSX sheet (attachment); printing is recorded in the audit trail.",
                "parameters": parameters("issuing"),
                "responses": {"200": answer("OutgoingRegister", "The register, or its printed file"),
                              **errors(400, 403, 404)},
            },
        },
        "/registers/incoming": {
            "get": {
                "summary": "The incoming register (sổ đăng ký văn bản đến) of a year (incoming.view)",
                "description": "Columns of Decree 30: arrival date, arrival number, author, number and symbol, "
                               "document date, type and abstract, receiving unit or person, date handed on, "
                               "signature of receipt, notes. With `format` the printed register (attachment).",
                "parameters": parameters("registering"),
                "responses": {"200": answer("IncomingRegister", "The register, or its printed file"),
                              **errors(400, 403, 404)},
            },
        },
    })
