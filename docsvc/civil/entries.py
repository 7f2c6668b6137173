"""The values of an entry as the use cases take and give them: reading the fields a person
or the parser gave, comparing two sets of fields, and the plain dicts the web pages, the
API and the CLI serialise.

Fields come in as ``{key: {"value": ..., "state": ...}}`` or ``{key: value}``; they are
kept as ``{key: {"value", "state", "confidence"}}`` (docsvc/civil/fields.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from archive.accounts import Unit
from archive.civil import RegisterBook, RegisterEntry, RegisterRevision
from docsvc.civil import fields as contract
from docsvc.documents.fields import FieldError


class EntryFieldError(FieldError):
    """A field value that does not fit (``name``: the field key; ``message``: Vietnamese)."""


def _field(value: Any, state: str, confidence: Any = None) -> dict:
    return {"value": value, "state": state, "confidence": confidence}


def read_fields(kind: str, raw: Any, *, machine: bool = False) -> dict[str, dict]:
    """The stored form of ``raw`` for an entry of ``kind``.

    Each value is normalised (fields.normalise). A field given without a state is ``ok``
    when it has a value and ``missing`` when it is ``None``; ``missing`` holds no value;
    ``ok`` needs one; ``illegible`` and ``uncertain`` may keep what could be read.
    ``confidence`` is kept only for the machine's readings (``machine=True``).
    Raises EntryFieldError naming the first field that does not fit."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise EntryFieldError("fields", "Các trường phải là một bảng {khóa: giá trị}.")
    out: dict[str, dict] = {}
    for key, given in raw.items():
        if key not in contract.BY_KEY[kind]:
            raise EntryFieldError(str(key), "Trường không có trong mẫu sổ này.")
        if isinstance(given, Mapping):
            unknown = set(given) - {"value", "state", "confidence"}
            if unknown:
                raise EntryFieldError(key, f"Thuộc tính không hợp lệ: {', '.join(sorted(map(str, unknown)))}.")
            value, state = given.get("value"), given.get("state")
            confidence = given.get("confidence") if machine else None
        else:
            value, state, confidence = given, None, None
        try:
            value = contract.normalise(kind, key, value)
        except contract.FieldValueError as exc:
            raise EntryFieldError(key, exc.message) from None
        if state is None:
            state = "ok" if value is not None else "missing"
        if state not in contract.STATES:
            raise EntryFieldError(key, "Trạng thái phải là một trong: " + ", ".join(contract.STATES) + ".")
        if state == "missing" and value is not None:
            raise EntryFieldError(key, "Trường 'Không có thông tin' không được có giá trị.")
        if state == "ok" and value is None:
            raise EntryFieldError(key, "Trường chưa có giá trị: hãy nhập, hoặc đánh dấu không có thông tin / "
                                       "không đọc được.")
        if confidence is not None:
            try:
                confidence = max(0.0, min(100.0, float(confidence)))
            except (TypeError, ValueError):
                confidence = None
        out[key] = _field(value, state, confidence)
    return out


def merged(current: Mapping[str, dict], given: Mapping[str, dict]) -> dict[str, dict]:
    """``current`` with ``given`` laid over it, in the form's order."""
    result = {**current, **given}
    return dict(sorted(result.items(), key=lambda item: _ORDER.get(item[0], 999)))


_ORDER = {f.key: i for kind in contract.KINDS for i, f in enumerate(contract.FIELDS[kind])}


def differences(old: Mapping[str, dict], new: Mapping[str, dict]) -> dict[str, dict]:
    """``{key: {"old", "new", "old_state", "new_state"}}`` for every field whose value or
    state differs (an absent field counts as ``None``/``missing``)."""
    changes: dict[str, dict] = {}
    for key in sorted(set(old) | set(new), key=lambda k: _ORDER.get(k, 999)):
        a, b = old.get(key) or _field(None, "missing"), new.get(key) or _field(None, "missing")
        if a.get("value") != b.get("value") or a.get("state") != b.get("state"):
            changes[key] = {"old": a.get("value"), "new": b.get("value"),
                            "old_state": a.get("state"), "new_state": b.get("state")}
    return changes


def value(fields: Mapping[str, dict], key: str) -> Any:
    item = fields.get(key)
    return item.get("value") if item else None


def read_day(name: str, raw: Any) -> date | None:
    """A date given as a date, ISO ``YYYY-MM-DD`` or ``dd/mm/yyyy``; EntryFieldError otherwise."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(contract.normalise("birth", "registered_on", raw))
    except contract.FieldValueError as exc:
        raise EntryFieldError(name, exc.message) from None


def subject_name(entry: RegisterEntry) -> str | None:
    """The person the entry is about (marriage: both spouses)."""
    if entry.kind == "marriage":
        names = [value(entry.fields, "husband_name"), value(entry.fields, "wife_name")]
        return " – ".join(n for n in names if n) or None
    return value(entry.fields, contract.SUBJECT[entry.kind])


def unit_dict(unit: Unit | None) -> dict | None:
    if unit is None:
        return None
    return {"id": unit.id, "code": unit.code, "name": unit.name,
            "valid_to": unit.valid_to.isoformat() if unit.valid_to else None}


def book_dict(book: RegisterBook, office: Unit, custodian: Unit) -> dict:
    return {
        "id": book.id, "kind": book.kind, "year_from": book.year_from, "year_to": book.year_to,
        "label": book.label, "condition_notes": book.condition_notes,
        "verification_mode": book.verification_mode,
        "office": unit_dict(office), "custodian": unit_dict(custodian),
        "created_by": book.created_by, "created_at": book.created_at.isoformat() if book.created_at else None,
    }


def entry_dict(entry: RegisterEntry, *, page: dict | None = None) -> dict:
    """An entry as plain data. ``page``: where it stands (``{"id", "document_id",
    "number", "seq"}``: the archive page row, its document, its page number in the
    document, and the scan's place in the book) when known."""
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "id": entry.id, "book_id": entry.book_id, "kind": entry.kind, "year": entry.year,
        "number": entry.number, "status": entry.status,
        "page": page["seq"] if page else None, "page_ref": page,
        "box": entry.box, "extra_pages": entry.extra_pages,
        "fields": {k: dict(v) for k, v in (entry.fields or {}).items()},
        "keyed_by": entry.keyed_by, "keyed_at": iso(entry.keyed_at),
        "verified_by": entry.verified_by, "verified_at": iso(entry.verified_at),
        "version": entry.version, "created_at": iso(entry.created_at),
    }


def revision_dict(rev: RegisterRevision, who: str | None) -> dict:
    return {
        "seq": rev.seq, "who": who, "user_id": rev.user_id, "when": rev.at.isoformat(), "stage": rev.stage,
        "reason": rev.reason, "legal_basis": rev.legal_basis,
        "legal_basis_date": rev.legal_basis_date.isoformat() if rev.legal_basis_date else None,
        "changes": rev.changes,
    }
