"""The certified-extract operations of the OpenAPI document (docsvc/extracts/api.py).

``describe(spec)`` adds their paths and schemas to ``docsvc.api.openapi.SPEC`` before the
errors every operation can answer are added from its shape (as docsvc.civil.openapi does),
so the route test, the request validator and Schemathesis see them like any other.

The schemas say exactly what the use cases accept (docsvc.extracts.rules: text folded to
single spaces, requester and ID paper up to 200 characters, 1 to 50 copies ...), so that a
request the document allows is never refused with a 400 by the use case.
"""

from __future__ import annotations

from docsvc.extracts.rules import KIND_LABELS, MAX_COPIES
from docsvc.patterns import NOT_BLANK

CONFLICTS = ("entry_not_verified", "entry_disputed", "no_signer", "unknown_signer", "no_certificate",
             "certificate_expired", "already_revoked", "signer_without_name")
_TEXT_OR_NULL = {"type": ["string", "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(limit: int, description: str, *, nullable: bool = False) -> dict:
    schema = {"type": ["string", "null"] if nullable else "string", "maxLength": limit, "description": description}
    if not nullable:
        schema.update(minLength=1, pattern=NOT_BLANK)
    return schema


def _schemas() -> dict:
    office = {"type": "object", "required": ["id", "code", "name"], "properties": {
        "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}}}
    extract = {
        "type": "object",
        "required": ["id", "number", "seq", "year", "kind", "entry_id", "office", "status", "issued_on",
                     "pdf_sha256", "verify_code", "verify_url", "pdf_url"],
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "string", "description": "The number in the office's extract register, "
                                                        "e.g. `167/TLKS-BS` or `470/2025/TLKT-BS`"},
            "seq": {"type": "integer", "description": "Sequence in the office's yearly register, from 1"},
            "year": {"type": "integer"}, "kind": {"enum": list(KIND_LABELS)}, "kind_label": {"type": "string"},
            "entry_id": {"type": "integer"}, "office": office,
            "requester": _TEXT_OR_NULL, "id_paper": _TEXT_OR_NULL, "purpose": _TEXT_OR_NULL,
            "copies": {"type": "integer"},
            "signer": {"type": "object", "properties": {
                "name": {"type": "string"}, "title": {"type": "array", "items": {"type": "string"}}}},
            "issued_on": {"type": "string", "description": "ISO date of issue (the office's time zone)"},
            "issued_at": {"type": "string"}, "issued_by": _TEXT_OR_NULL,
            "pdf_sha256": {"type": "string"},
            "verify_code": {"type": "string", "description": "The unguessable code of the public verification "
                                                             "address (at least 128 random bits)"},
            "verify_url": {"type": "string", "description": "The public verification address (in the QR code)"},
            "pdf_url": {"type": "string", "description": "Where the signed PDF is served (GET .../pdf)"},
            "person": _TEXT_OR_NULL,
            "content": {"type": ["object", "null"], "description": "What the extract printed of the entry"},
            "status": {"enum": ["genuine", "revoked"]},
            "revocation": {"type": ["object", "null"], "properties": {
                "reason": {"type": "string"}, "at": {"type": "string"}}},
            "timings": {"type": "object", "description": "Issue only: milliseconds per step (also in the "
                                                         "Server-Timing header)",
                        "additionalProperties": {"type": "number"}},
        },
    }
    return {
        "ExtractError": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "field": {"type": "string", "description": "The value refused (400 invalid_field)"}}}},
        },
        "Extract": extract,
        "ExtractOffice": {
            "type": "object", "required": ["unit", "place", "heading", "number_with_year", "signers",
                                           "certificates"],
            "properties": {
                "unit": office, "place": {"type": "string"}, "heading": {"type": "array", "items": {"type": "string"}},
                "number_with_year": {"type": "boolean"},
                "signers": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "username": {"type": "string"}, "full_name": {"type": "string"},
                    "title": {"type": "string"}, "title_lines": {"type": "array", "items": {"type": "string"}},
                    "active": {"type": "boolean"}}}},
                "certificates": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "subject": {"type": "string"}, "fingerprint": {"type": "string"},
                    "not_after": {"type": "string"}, "active": {"type": "boolean"},
                    "created_at": {"type": "string"}}}},
            },
        },
    }


def describe(spec: dict) -> None:
    """Add the extract paths and schemas to ``spec`` (docsvc.api.openapi.SPEC)."""
    from docsvc.api.openapi import MAX_ID, _binary, _id_param, _json, _query

    spec["components"]["schemas"].update(_schemas())
    texts = {
        400: "Bad request: a parameter, the body or a value (`invalid_field`, with `field`)",
        403: "The role may not do this",
        404: "No such entry, extract or office for the caller (absent or another unit's: extracts are personal "
             "data, their existence is not confirmed); `unknown_user` for a signer's user name",
        409: "The state refuses it: " + ", ".join(f"`{c}`" for c in CONFLICTS),
    }

    def errors(*codes: int) -> dict:
        return {str(c): _json(_ref("ExtractError"), texts[c]) for c in codes}

    def body(schema: dict, required: bool = True) -> dict:
        return {"required": required, "content": {"application/json": {"schema": schema}}}

    entry_id = _id_param("entry_id", "Register entry id (a verified entry)")
    extract_id = _id_param("extract_id", "Extract id")
    office_code = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": NOT_BLANK,
                   "description": "Code (or id) of the issuing office; default the caller's unit"}
    extract_json = _json(_ref("Extract"), "The extract")
    office_json = _json(_ref("ExtractOffice"), "The office's extract settings, signers and certificates")
    timing = {"description": "Milliseconds per step of the issue (check, number, pdf, sign, store, register, log, "
                             "commit) and `total`, the server's whole time: `pdf;dur=12.30, ..., total;dur=41.20`",
              "schema": {"type": "string"}}

    paths = {
        "/civil/entries/{entry_id}/extracts": {
            "post": {
                "summary": "Issue a certified extract (bản sao trích lục) of a verified entry (extract.issue)",
                "description": "In the request: the next number of the office's yearly extract register, the "
                               "PDF with a QR code of the verification address, signed with the office's "
                               "certificate (PAdES), a row of the extract register, the personal-data log. A "
                               "draft or disputed entry answers 409; so does an office without signer or "
                               "certificate. A refusal uses no number.",
                "parameters": [entry_id],
                "requestBody": body({
                    "type": "object", "required": ["requester", "id_paper"], "additionalProperties": False,
                    "properties": {
                        "requester": _text(200, "Name of the person asking"),
                        "id_paper": _text(200, "Their ID paper: kind and number (e.g. `CCCD 001099012345`)"),
                        "copies": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_COPIES,
                                   "description": "Number of copies (default 1)"},
                        "signer": _text(64, "User name of the signer, one on the office's list (default its "
                                            "first); another answers 409 `unknown_signer`", nullable=True),
                        "purpose": _text(500, "Relationship to the person or purpose of the request",
                                         nullable=True),
                    },
                }),
                "responses": {
                    "201": {**extract_json, "description": "Issued",
                            "headers": {"Server-Timing": timing,
                                        "Location": {"description": "The extract", "schema": {"type": "string"}}}},
                    **errors(400, 403, 404, 409),
                },
            },
        },
        "/extracts": {
            "get": {
                "summary": "Extracts of the caller's offices, newest first (extract.view; logged)",
                "parameters": [
                    _query("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, "Year of issue"),
                    _query("day", {"type": "string", "format": "date"}, "Day of issue (YYYY-MM-DD)"),
                    _query("office", office_code),
                ],
                "responses": {"200": _json({"type": "array", "items": _ref("Extract")}, "Extracts"),
                              **errors(404)},
            },
        },
        "/extracts/{extract_id}": {
            "get": {
                "summary": "One extract: its status and what it printed (extract.view; logged)",
                "parameters": [extract_id],
                "responses": {"200": extract_json, **errors(404)},
            },
        },
        "/extracts/{extract_id}/pdf": {
            "get": {
                "summary": "The signed PDF exactly as issued (extract.view; logged)",
                "parameters": [extract_id],
                "responses": {"200": _binary("The signed PDF", "application/pdf"), **errors(404)},
            },
        },
        "/extracts/{extract_id}/revoke": {
            "post": {
                "summary": "Revoke a wrong extract with a reason (extract.revoke); its number stays used",
                "parameters": [extract_id],
                "requestBody": body({"type": "object", "required": ["reason"], "additionalProperties": False,
                                     "properties": {"reason": _text(1000, "Why it is revoked")}}),
                "responses": {"200": extract_json, **errors(400, 403, 404, 409)},
            },
        },
        "/extracts/office": {
            "get": {
                "summary": "An office's extract settings, signers and certificates (extract.configure)",
                "parameters": [_query("office", office_code)],
                "responses": {"200": office_json, **errors(404)},
            },
            "put": {
                "summary": "Change an office's place of issue, heading, number format (extract.configure)",
                "description": "Only the values given change.",
                "requestBody": body({
                    "type": "object", "additionalProperties": False,
                    "properties": {
                        "office": office_code,
                        "place": _text(200, "Place of issue printed before the date (e.g. `Xã Tân Phú`)"),
                        "heading": {**_text(120, "The office's heading, one line per line (1 to 4 lines)"),
                                    "maxLength": 120},
                        "number_with_year": {"type": "boolean",
                                             "description": "Numbers with the year: `470/2025/TLKT-BS`"},
                    },
                }),
                "responses": {"200": office_json, **errors(400, 404)},
            },
        },
        "/extracts/office/signers": {
            "post": {
                "summary": "Add an officer to the office's signers, change the title, or take them off "
                           "(extract.configure)",
                "requestBody": body({
                    "type": "object", "required": ["username", "title"], "additionalProperties": False,
                    "properties": {
                        "office": office_code,
                        "username": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": NOT_BLANK,
                                     "description": "The user (with a full name) who signs"},
                        "title": _text(60, "Title as printed, a line break between lines, e.g. "
                                           "`KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH` (1 to 3 lines)"),
                        "active": {"type": "boolean", "description": "false takes them off the list"},
                    },
                }),
                "responses": {"200": office_json, **errors(400, 404, 409)},
            },
        },
        "/extracts/office/certificate": {
            "post": {
                "summary": "Install the office's signing certificate, a PKCS#12 (extract.configure)",
                "description": "The certificate is checked (key, validity, key usage), its key re-encrypted with "
                               "a key of this installation and kept under keys/ in the data directory; new "
                               "extracts are signed with it, the earlier certificates stay for checking old ones. "
                               "A file that is no PKCS#12, a wrong passphrase, an expired certificate or one "
                               "already bound to another office answers 400 `invalid_field` (`certificate`).",
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["p12"], "additionalProperties": False,
                               "properties": {
                                   "p12": {"type": "string", "format": "binary",
                                           "description": "The PKCS#12 file (.p12/.pfx), at most 256 KiB"},
                                   "passphrase": {"type": "string", "maxLength": 1000,
                                                  "description": "Its passphrase (none for a file without "
                                                                 "protection)"},
                                   "office": office_code}},
                    "encoding": {"p12": {"contentType": "application/x-pkcs12"}},
                }}},
                "responses": {"200": office_json, **errors(400, 404)},
            },
        },
    }
    assert MAX_ID  # the ids above are bounded by _id_param
    spec["paths"].update(paths)
