"""The entry form of the civil-status pages, both ways: a posted form read into the fields
the use cases take, and an entry (or what was just posted) laid out as the form's rows.

Each field of the kind's form (docsvc/civil/fields.py, in the register's order) is an
input ``f.<key>`` and a state ``s.<key>``: empty (read from the value: a value is ``ok``,
nothing is ``missing``), ``uncertain``, ``illegible`` or ``missing``. The workbench's keys
set the state; without JavaScript the state is a plain select beside the input.
"""

from __future__ import annotations

from typing import Any, Mapping

from docsvc.civil import fields as contract

STATES = ("uncertain", "illegible", "missing")   # what a person may mark; "" = from the value
CODES = {"sex": contract.SEX, "registration_kind": contract.REGISTRATION_KIND,
         "marriage_kind": contract.MARRIAGE_KIND}
PLACEHOLDERS = {"date": "dd/mm/yyyy", "time": "HH:MM", "year": "yyyy"}


def read_form(kind: str, form: Mapping[str, str], *, only_given: bool = False) -> dict[str, dict]:
    """``{key: {"value", "state"}}`` from a posted form. ``only_given``: only the fields the
    form carried (a correction may show a few); otherwise every field of the kind."""
    out: dict[str, dict] = {}
    for spec in contract.FIELDS[kind]:
        name, state_name = f"f.{spec.key}", f"s.{spec.key}"
        if only_given and name not in form and state_name not in form:
            continue
        value = " ".join((form.get(name) or "").split()) or None
        state = form.get(state_name) or None
        if state not in STATES:
            state = None
        if state == "missing":
            value = None
        item: dict[str, Any] = {"value": value}
        if state is not None:
            item["state"] = state
        out[spec.key] = item
    return out


def form_value(kind: str, key: str, value: Any) -> str:
    """A stored value as the form's input holds it (dates dd/mm/yyyy, codes as codes)."""
    if value is None:
        return ""
    spec = contract.BY_KEY[kind].get(key)
    if spec is not None and spec.type == "date":
        return contract.display(kind, key, value)
    return str(value)


def rows(kind: str, fields: Mapping[str, dict] | None = None, *, posted: Mapping[str, str] | None = None,
         errors: Mapping[str, str] | None = None, blind: bool = False) -> list[dict]:
    """The form's rows: ``key``, ``label``, ``type``, ``value`` (the input's text), ``state``
    (the select's choice), ``stored_state`` and ``confidence`` (as read), ``error``,
    ``options`` (code fields), ``placeholder``. ``posted``: what the person just sent (kept
    after a refusal); ``blind``: a second keying shows nothing of the first."""
    fields = {} if blind else (fields or {})
    errors = errors or {}
    out = []
    for spec in contract.FIELDS[kind]:
        item = fields.get(spec.key) or {}
        stored = item.get("state") if item else None
        if posted is not None:
            value = posted.get(f"f.{spec.key}", "")
            state = posted.get(f"s.{spec.key}", "")
        else:
            value = form_value(kind, spec.key, item.get("value"))
            state = stored if stored in STATES else ""
        out.append({"key": spec.key, "label": spec.label, "type": spec.type, "value": value,
                    "state": state if state in STATES else "", "stored_state": stored,
                    "confidence": item.get("confidence"), "error": errors.get(spec.key),
                    "options": CODES.get(spec.type), "placeholder": PLACEHOLDERS.get(spec.type, ""),
                    "sensitive": spec.sensitive})
    return out


def shown(kind: str, key: str, value: Any) -> str:
    """A value as a person reads it (codes as words, dates dd/mm/yyyy)."""
    if value is None:
        return ""
    if key not in contract.BY_KEY[kind]:
        return str(value)
    return contract.display(kind, key, value)


def label(kind: str, key: str) -> str:
    spec = contract.BY_KEY[kind].get(key)
    return spec.label if spec else key


def parse_box(text: str | None) -> list[int] | None:
    """``x,y,w,h`` (what the workbench's drawing fills in) → a list; None when empty.
    ValueError for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if len(parts) != 4:
        raise ValueError(text)
    box = [int(round(float(p))) for p in parts]
    if any(v < 0 for v in box) or box[2] == 0 or box[3] == 0:
        raise ValueError(text)
    return box
