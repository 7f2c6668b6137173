"""The civil-status register operations of the OpenAPI document (``/civil/...``).

``describe(spec)`` adds their paths and schemas to ``docsvc.api.openapi.SPEC`` before the
errors every operation can answer are added from its shape, so the route test, the request
validator (docsvc.api.validation) and Schemathesis see them like any other operation.

Field keys, value types and states come from the field contract (docsvc/civil/fields.py):
the per-kind schemas (``BirthFields``, ``DeathFields``, ``MarriageFields``) are generated
from ``fields.FIELDS``, so a key added there is documented and accepted here with no edit.
A request's ``fields`` may hold the keys of any kind (the document cannot know the kind of
the book in the path); a key of another kind than the book's is refused by the use case
with the same 400 ``invalid_field`` the validator gives an unknown key.
"""

from __future__ import annotations

from docsvc.patterns import NOT_BLANK
from docsvc.civil import fields as contract

#: The JSON Schema of a value of each field type (docsvc.civil.fields.TYPES), as the API
#: takes it: codes as the national integers, dates as ISO dates, times as HH:MM.
VALUE_SCHEMAS: dict[str, dict] = {
    "text": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": NOT_BLANK,
             "description": "Text (stored in NFC, runs of white space as one space)"},
    "date": {"type": "string", "format": "date", "description": "ISO date YYYY-MM-DD"},
    "year": {"type": "integer", "minimum": 1850, "maximum": 2100},
    "time": {"type": "string", "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$", "description": "HH:MM"},
    "int": {"type": "integer", "minimum": 1, "maximum": 999_999},
    "sex": {"enum": sorted(contract.SEX), "description": "National code: "
            + ", ".join(f"{c} {w}" for c, w in contract.SEX.items())},
    "registration_kind": {"enum": sorted(contract.REGISTRATION_KIND), "description": "National code: "
                          + ", ".join(f"{c} {w}" for c, w in contract.REGISTRATION_KIND.items())},
    "marriage_kind": {"enum": list(contract.MARRIAGE_KIND), "description": ", ".join(
        f"{c} {w}" for c, w in contract.MARRIAGE_KIND.items())},
}
assert set(VALUE_SCHEMAS) == set(contract.TYPES)

_WITH_VALUE = [s for s in contract.STATES if s != "missing"]      # ok, illegible, uncertain
_WITHOUT_VALUE = [s for s in contract.STATES if s != "ok"]        # missing, illegible, uncertain
_CONFIDENCE = {"type": ["number", "null"], "description": "Ignored (kept only for the machine's readings)"}
STATE_TEXT = ", ".join(f"`{s}` ({contract.STATE_LABELS[s]})" for s in contract.STATES)


def _field_input(spec: contract.Field) -> dict:
    """What a request may give for one field: the bare value, null (``missing``), or
    ``{"value", "state"}`` (``missing`` has no value, ``ok`` needs one)."""
    value = VALUE_SCHEMAS[spec.type]
    return {
        "description": f"{spec.label}. A value (state `ok`), null (state `missing`), or "
                       f'{{"value", "state"}} with state {STATE_TEXT}.',
        "anyOf": [
            value,
            {"type": "null"},
            {"type": "object", "required": ["value"], "additionalProperties": False,
             "properties": {"value": value, "state": {"enum": _WITH_VALUE}, "confidence": _CONFIDENCE}},
            {"type": "object", "required": ["state"], "additionalProperties": False,
             "properties": {"value": {"type": "null"}, "state": {"enum": _WITHOUT_VALUE},
                            "confidence": _CONFIDENCE}},
        ],
    }


def _input_properties() -> dict:
    """Every field key of every kind (a key shared by kinds has one type in all of them)."""
    props: dict[str, dict] = {}
    for kind in contract.KINDS:
        for spec in contract.FIELDS[kind]:
            other = props.get(spec.key)
            assert other is None or other["anyOf"][0] is VALUE_SCHEMAS[spec.type], spec.key
            props.setdefault(spec.key, _field_input(spec))
    return props


#: The JSON type of a stored value of each field type (a reading that is ``illegible`` or
#: ``uncertain`` keeps what could be read, so only the type is promised).
STORED_TYPES = {"text": "string", "date": "string", "year": "integer", "time": "string", "int": "integer",
                "sex": "integer", "registration_kind": "integer", "marriage_kind": "string"}
assert set(STORED_TYPES) == set(contract.TYPES)


def _stored_field(spec: contract.Field) -> dict:
    value = {"type": [STORED_TYPES[spec.type], "null"]}
    if "description" in VALUE_SCHEMAS[spec.type]:
        value["description"] = VALUE_SCHEMAS[spec.type]["description"]
    return {"type": "object", "description": spec.label, "required": ["value", "state"], "properties": {
        "value": value, "state": {"enum": list(contract.STATES)},
        "confidence": {"type": ["number", "null"], "minimum": 0, "maximum": 100}}}


def _kind_schema(kind: str) -> dict:
    """The fields of an entry of ``kind`` as stored and answered, in the form's order."""
    return {"type": "object", "additionalProperties": False,
            "description": f"Fields of a {kind} entry ({contract.KIND_TITLES[kind]}), "
                           "each {value, state, confidence}",
            "properties": {spec.key: _stored_field(spec) for spec in contract.FIELDS[kind]}}


KIND_SCHEMA_NAMES = {"birth": "BirthFields", "death": "DeathFields", "marriage": "MarriageFields"}
assert set(KIND_SCHEMA_NAMES) == set(contract.KINDS)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_TEXT_OR_NULL = {"type": ["string", "null"]}
_INT_OR_NULL = {"type": ["integer", "null"]}
_BOX = {"type": ["array", "null"], "minItems": 4, "maxItems": 4,
        "items": {"type": "number", "minimum": 0, "maximum": 1_000_000},
        "description": "The entry's region on the page image: [x, y, width, height] in pixels"}


def _schemas(max_id: int) -> dict:
    page_id = {"type": ["integer", "null"], "minimum": 1, "maximum": max_id,
               "description": "Id of the page (a page of one of the book's scans, as in page_ref.id)"}
    unit = {"type": ["object", "null"], "properties": {
        "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
        "valid_to": _TEXT_OR_NULL}}
    counts = {"type": "object", "properties": {s: {"type": "integer"} for s in contract.STATUSES}}
    entry = {
        "type": "object", "required": ["id", "book_id", "kind", "number", "status", "fields", "version"],
        "properties": {
            "id": {"type": "integer"}, "book_id": {"type": "integer"}, "kind": {"enum": list(contract.KINDS)},
            "year": {"type": "integer"}, "number": _INT_OR_NULL, "status": {"enum": list(contract.STATUSES)},
            "page": {**_INT_OR_NULL, "description": "The scan's place in the book, from 1"},
            "page_ref": {"type": ["object", "null"], "properties": {
                "id": {"type": "integer"}, "document_id": {"type": "integer"}, "number": {"type": "integer"},
                "seq": {"type": "integer"}}},
            "box": _BOX, "extra_pages": {"type": ["array", "null"], "items": {"type": "integer"}},
            "fields": {"anyOf": [_ref(name) for name in KIND_SCHEMA_NAMES.values()]},
            "keyed_by": _INT_OR_NULL, "keyed_at": _TEXT_OR_NULL,
            "verified_by": _INT_OR_NULL, "verified_at": _TEXT_OR_NULL,
            "version": {"type": "integer", "description": "Rises with every change; send it back to refuse a "
                                                          "change based on an older reading (409 `stale`)"},
            "created_at": _TEXT_OR_NULL,
            "differences": {"type": "array", "items": {"type": "string"},
                            "description": "After a second keying: the keys the two keyings disagree on"},
        },
    }
    return {
        "CivilError": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "field": {"type": "string", "description": "The field key refused (400 invalid_field)"},
                "existing_id": {"type": ["integer", "null"],
                                "description": "409 duplicate_number: the entry that has the number"},
                "version": {"type": ["integer", "null"], "description": "409 stale: the entry's current version"},
            }}},
        },
        "RegisterBook": {
            "type": "object", "required": ["id", "kind", "year_from", "year_to", "label", "office"],
            "properties": {
                "id": {"type": "integer"}, "kind": {"enum": list(contract.KINDS)},
                "year_from": {"type": "integer"}, "year_to": {"type": "integer"}, "label": {"type": "string"},
                "condition_notes": _TEXT_OR_NULL, "verification_mode": {"enum": ["review", "double"]},
                "office": {**unit, "description": "The registering office (kept after it is abolished)"},
                "custodian": {**unit, "description": "The unit holding the book: the office or its successor"},
                "created_by": _INT_OR_NULL, "created_at": _TEXT_OR_NULL,
                "entries": {**counts, "description": "Entries per status"},
                "pages": {"type": "integer", "description": "Scanned pages"},
            },
        },
        "RegisterEntry": entry,
        "RegisterEntryDetail": {
            "type": "object", "properties": {
                **entry["properties"],
                "book": _ref("RegisterBook"),
                "revisions": {"type": "integer", "description": "How many revisions (GET .../revisions)"},
                "awaiting_second_keying": {"type": "boolean", "description": "A keyed entry of a double-keying book "
                                           "that the caller, not its keyer, may key blind"},
                "warnings": {"type": "array", "items": {"type": "object", "properties": {
                    "kind": {"type": "string"}, "number": {"type": "integer"},
                    "entry_ids": {"type": "array", "items": {"type": "integer"}}}}},
                "disputes": {"type": "object", "description": "Disputed entries: per key, the two keyings' "
                                                              "{value, state} as round1 and round2"},
            },
        },
        "RegisterRevision": {
            "type": "object", "required": ["seq", "who", "when", "reason", "changes"],
            "properties": {
                "seq": {"type": "integer"}, "who": {**_TEXT_OR_NULL, "description": "User name"},
                "user_id": _INT_OR_NULL, "when": {"type": "string", "description": "ISO date and time (UTC)"},
                "stage": {"enum": ["keying", "review", "arbitration", "correction"]},
                "reason": {"type": "string"}, "legal_basis": _TEXT_OR_NULL, "legal_basis_date": _TEXT_OR_NULL,
                "changes": {"type": "object", "description": "Per field key: old and new value and state",
                            "additionalProperties": {"type": "object", "required": ["old", "new"], "properties": {
                                "old": {}, "new": {}, "old_state": _TEXT_OR_NULL, "new_state": _TEXT_OR_NULL}}},
            },
        },
        "EntryFieldsInput": {
            "type": "object", "additionalProperties": False, "properties": _input_properties(),
            "description": "Field key → value or {value, state}. Keys per kind: "
                           + "; ".join(f"{k}: {', '.join(contract.field_keys(k))}" for k in contract.KINDS)
                           + " (schemas " + ", ".join(KIND_SCHEMA_NAMES.values()) + "). A key of another "
                           "kind than the book's answers 400 `invalid_field`.",
        },
        "PageId": page_id,
        **{name: _kind_schema(kind) for kind, name in KIND_SCHEMA_NAMES.items()},
    }


def describe(spec: dict) -> None:
    """Add the civil-status paths and schemas to ``spec`` (docsvc.api.openapi.SPEC)."""
    from docsvc.api.openapi import MAX_ID, PURPOSE, _binary, _id_param, _json, _query

    spec["components"]["schemas"].update(_schemas(MAX_ID))

    def civil_errors(*codes: int) -> dict:
        text = {400: "Bad request: a parameter, the body or a field value (`invalid_field`, with `field`)",
                403: "The role may not do this, or the office is not one the caller holds",
                404: "No such book or entry for the caller: absent, another unit's, or a role without "
                     "person.view (civil-status data is personal data: its existence is not confirmed)",
                409: "The entry's state refuses it: `duplicate_number` (with `existing_id`), `same_person`, "
                     "`reason_required`, `stale` (with `version`), `not_keyed`, `already_verified`, `disputed`, "
                     "`not_disputed`, `needs_second_keying`, `not_double`, `already_keyed_twice`, "
                     "`arbiter_is_keyer`"}
        return {str(c): _json(_ref("CivilError"), text[c]) for c in codes}

    book_id = _id_param("book_id", "Register book id")
    entry_id = _id_param("entry_id", "Register entry id")
    purpose = [{**PURPOSE[0], "description": "Why the civil-status data is read: required (here or as "
                                             "X-Purpose); " + PURPOSE[0]["description"]}, PURPOSE[1]]
    entry_json = _json(_ref("RegisterEntry"), "The entry")
    version = {"type": "integer", "minimum": 1, "maximum": MAX_ID,
               "description": "The version read; a newer one answers 409 `stale`"}
    text = {"type": ["string", "null"], "maxLength": 2000}

    def body(schema: dict, required: bool = True) -> dict:
        return {"required": required, "content": {"application/json": {"schema": schema}}}

    paths = {
        "/civil/books": {
            "get": {
                "summary": "Register books of the caller's units (and of abolished units in their custody)",
                "description": "Each with its entries per status and its number of pages. Roles without "
                               "person.view answer 404.",
                "parameters": [
                    _query("office", {"type": "string", "maxLength": 64}, "Code of the registering office"),
                    _query("kind", {"enum": list(contract.KINDS)}),
                    _query("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, "Books covering this year"),
                ],
                "responses": {"200": _json({"type": "array", "items": _ref("RegisterBook")}, "Books"),
                              **civil_errors(404)},
            },
            "post": {
                "summary": "Record a register book (civil.book)",
                "requestBody": body({
                    "type": "object", "required": ["office", "kind", "year_from", "label"],
                    "additionalProperties": False,
                    "properties": {
                        "office": {"type": "string", "minLength": 1, "maxLength": 64,
                                   "description": "Code of the registering office, one the caller holds "
                                                  "(abolished offices included); else 403 `office_not_held`"},
                        "kind": {"enum": list(contract.KINDS)},
                        "year_from": {"type": "integer", "minimum": 1900, "maximum": 2100,
                                      "description": "The book's year (its first, for a book of several years)"},
                        "year_to": {"type": "integer", "minimum": 1900, "maximum": 2100,
                                    "description": "The last year of a book of several years (default year_from);"
                                                   " the two are the ends of one range, in either order"},
                        "label": {"type": "string", "minLength": 1, "maxLength": 300, "pattern": NOT_BLANK},
                        "condition_notes": {**text, "description": "State of the paper book"},
                        "verification_mode": {"enum": ["review", "double"],
                                              "description": "review (a second person checks each keyed "
                                                             "entry, default) or double (blind second keying)"},
                    },
                }),
                "responses": {"201": _json(_ref("RegisterBook"), "The book"), **civil_errors(400, 403)},
            },
        },
        "/civil/books/{book_id}/pages": {
            "post": {
                "summary": "Add scans to a book, in the order given, after its last page (civil.book)",
                "description": "Each file is ingested as personal data held by the book's office; once read, "
                               "a typed page's entries are proposed by the machine. A file refused by the "
                               "ingest (type 415, unreadable 422, too large 413) stops there: the files "
                               "before it stay added.",
                "parameters": [book_id],
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "additionalProperties": False,
                               "properties": {"file": {
                                   "type": "array", "minItems": 1, "items": {"type": "string", "format": "binary"},
                                   # also on the array: a client that sends a one-item array as one part
                                   # (Schemathesis does) still sends it as a file, with a filename
                                   "format": "binary",
                                   "description": "The scans (the part repeated), in book order"}}},
                    "encoding": {"file": {"contentType": "application/pdf, image/tiff, image/png, image/jpeg"}},
                }}},
                "responses": {
                    "202": _json({"type": "object", "properties": {"pages": {"type": "array", "items": {
                        "type": "object", "properties": {
                            "seq": _INT_OR_NULL, "document_id": _INT_OR_NULL, "job_id": _INT_OR_NULL,
                            "status": {"enum": ["queued", "duplicate", "already_in_book"]},
                            "name": _TEXT_OR_NULL}}}}}, "Added; each scan's ingest job queued"),
                    **civil_errors(404), **{str(c): _json(_ref("Error"), t) for c, t in (
                        (413, "Too large"), (415, "Unsupported type"), (422, "Unreadable file"))},
                },
            },
        },
        "/civil/books/{book_id}/entries": {
            "get": {
                "summary": "The entries of a book in number order (personal data: needs a purpose, logged)",
                "parameters": [book_id, _query("status", {"enum": list(contract.STATUSES)}), *purpose],
                "responses": {"200": _json({"type": "array", "items": _ref("RegisterEntry")}, "Entries"),
                              **civil_errors(400, 404)},
            },
            "post": {
                "summary": "Key a new entry by hand (civil.key): status keyed",
                "description": "Without `number` the entry takes the next number of the office's year; a "
                               "number the office's year already has answers 409 `duplicate_number` with "
                               "`existing_id`.",
                "parameters": [book_id],
                "requestBody": body({
                    "type": "object", "required": ["fields"], "additionalProperties": False,
                    "properties": {
                        "fields": _ref("EntryFieldsInput"), "page_id": _ref("PageId"), "box": _BOX,
                        "extra_pages": {"type": ["array", "null"], "maxItems": 20, "items": {
                            "type": "integer", "minimum": 1, "maximum": MAX_ID},
                            "description": "Further pages the entry runs on to"},
                    },
                }),
                "responses": {"201": entry_json, **civil_errors(400, 403, 404, 409)},
            },
        },
        "/civil/entries/{entry_id}": {
            "get": {
                "summary": "One entry (personal data: needs a purpose, logged)",
                "parameters": [entry_id, _query("blind", {"type": "string", "enum": ["0", "1"]},
                                                "1: the second keyer's blind reading (`fields` empty while the "
                                                "entry awaits the caller's second keying)"), *purpose],
                "responses": {"200": _json(_ref("RegisterEntryDetail"), "The entry"), **civil_errors(400, 404)},
            },
            "patch": {
                "summary": "Change an entry's fields; accept a proposed entry; correct a verified one (civil.key)",
                "description": "Only the fields given change. `\"status\": \"keyed\"` accepts or confirms a "
                               "proposed entry. A change of a keyed entry is kept as a revision. A verified "
                               "entry is corrected only with a `reason` (else 409 `reason_required`) by a "
                               "role with civil.correct (else 403), with `legal_basis` (decision number) and "
                               "`legal_basis_date` for a change of civil status. A disputed entry is settled "
                               "by arbitration (409 `disputed`).",
                "parameters": [entry_id],
                "requestBody": body({
                    "type": "object", "additionalProperties": False,
                    "properties": {
                        "fields": _ref("EntryFieldsInput"),
                        "status": {"enum": ["keyed"]},
                        "reason": {**text, "description": "Why (required for a verified entry)"},
                        "legal_basis": {"type": ["string", "null"], "maxLength": 200,
                                        "description": "Decision number allowing a change of civil status"},
                        "legal_basis_date": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
                                             "description": "Date of that decision (YYYY-MM-DD)"},
                        "version": version, "page_id": _ref("PageId"), "box": _BOX,
                    },
                }),
                "responses": {"200": entry_json, **civil_errors(400, 403, 404, 409)},
            },
        },
        "/civil/entries/{entry_id}/verify": {
            "post": {
                "summary": "Verify a keyed entry (civil.verify) — by a person other than its keyer, else 409",
                "parameters": [entry_id],
                "requestBody": body({"type": "object", "additionalProperties": False,
                                     "properties": {"version": version}}, required=False),
                "responses": {"200": entry_json, **civil_errors(403, 404, 409)},
            },
        },
        "/civil/entries/{entry_id}/keyings": {
            "post": {
                "summary": "Double keying: a second person keys the entry blind (civil.key)",
                "description": "In a book verified by double keying. Equal to the first keying: the entry is "
                               "verified; otherwise disputed, with `differences` (the keys), until a third "
                               "person arbitrates. Fields not given count as absent.",
                "parameters": [entry_id],
                "requestBody": body({"type": "object", "required": ["fields"], "additionalProperties": False,
                                     "properties": {"fields": _ref("EntryFieldsInput")}}),
                "responses": {"200": entry_json, **civil_errors(400, 403, 404, 409)},
            },
        },
        "/civil/entries/{entry_id}/arbitrate": {
            "post": {
                "summary": "A third person settles a disputed entry (civil.verify): it becomes verified",
                "description": "`fields` gives the value of every field the two keyings disagree on (else 400 "
                               "`invalid_field`) and may correct others.",
                "parameters": [entry_id],
                "requestBody": body({"type": "object", "required": ["fields"], "additionalProperties": False,
                                     "properties": {"fields": _ref("EntryFieldsInput"), "reason": text}}),
                "responses": {"200": entry_json, **civil_errors(400, 403, 404, 409)},
            },
        },
        "/civil/books/{book_id}/export": {
            "get": {
                "summary": "The book as the national digitisation package (civil.export): a zip of one PDF "
                           "per entry, named by its number, and one XLSX in the national codes "
                           "(docs/civil-package.md). Keyed and verified entries with a number; logged as a "
                           "read of personal data (purpose optional: the export is its own purpose)",
                "parameters": [book_id, *purpose],
                "responses": {"200": _binary("The package", "application/zip"), **civil_errors(400, 403, 404, 409)},
            },
        },
        "/civil/entries/{entry_id}/revisions": {
            "get": {
                "summary": "The history of an entry, oldest first (personal data: needs a purpose, logged)",
                "parameters": [entry_id, *purpose],
                "responses": {"200": _json({"type": "array", "items": _ref("RegisterRevision")}, "Revisions"),
                              **civil_errors(400, 404)},
            },
        },
    }
    spec["paths"].update(paths)
