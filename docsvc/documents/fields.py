"""The register fields of a document: checked, changed by a person, audited, re-indexed."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import Document
from docsvc.access import Principal
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services
from archive.records import document_state
from docsvc.dates import parse_day
from docsvc.i18n import N_

DIRECTIONS = ("incoming", "outgoing")


class FieldError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


def _text(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = " ".join(value.split())
        if len(value) > limit:
            raise ValueError(f"tối đa {limit} ký tự")
        return value
    return parse


def _number(value: str) -> int:
    number = int(value)
    if not 0 < number < 1_000_000:
        raise ValueError("phải là số dương")
    return number


def _date(value: str) -> date:
    try:
        day = parse_day(value)
    except ValueError:
        day = None
    if day is None:
        raise ValueError("ngày phải có dạng 05/01/2026 (hoặc 2026-01-05)")
    return day


def _direction(value: str) -> str:
    if value not in DIRECTIONS:
        raise ValueError("phải là incoming (đến) hoặc outgoing (đi)")
    return value


def flag(value: Any) -> bool:
    """A yes/no field from a form (a ticked box sends "on"), multipart or JSON."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "on", "yes"):
        return True
    if text in ("0", "false", "off", "no", ""):
        return False
    raise ValueError("phải là true hoặc false")


PARSERS: dict[str, Callable[[str], Any]] = {
    "title": _text(1000), "doc_type": _text(64), "number": _number, "symbol": _text(64),
    "issuer": _text(300), "issued_on": _date, "arrived_on": _date, "direction": _direction,
    "abstract": _text(4000), "personal_data": flag,
}
LABELS = {"title": "Tiêu đề", "doc_type": "Loại văn bản", "number": "Số", "symbol": "Ký hiệu",
          "issuer": "Cơ quan ban hành", "issued_on": "Ngày văn bản", "arrived_on": "Ngày đến",
          "direction": "Văn bản đến/đi", "abstract": "Trích yếu", "personal_data": "Dữ liệu cá nhân"}


def parse_fields(raw: Mapping[str, Any], *, only_given: bool = True) -> dict[str, Any]:
    """Form or JSON values → typed values; an empty value clears the field. Unknown names
    are refused (a typo must not pass silently)."""
    unknown = set(raw) - set(PARSERS) - {"csrf_token"}
    if unknown:
        name = sorted(unknown)[0]
        raise FieldError(name, f"Không có trường '{name}'.")
    out: dict[str, Any] = {}
    for name, parse in PARSERS.items():
        if name not in raw:
            continue
        value = raw[name]
        if name == "personal_data":  # a mark, never "cleared" by an empty value (see update_document)
            try:
                out[name] = flag(False if value is None else value)
            except ValueError as exc:
                raise FieldError(name, f"{LABELS[name]}: {exc}") from None
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            out[name] = None
            continue
        try:
            out[name] = parse(str(value).strip())
        except ValueError as exc:
            raise FieldError(name, f"{LABELS[name]}: {exc}") from None
    return out


class MarkTaken(FieldError):
    """Marking this document as personal data would make it a second copy of one already
    marked (the same bytes in the same unit at the same secrecy are one marked document)."""


def _marked_twin(session: Session, doc: Document) -> bool:
    return session.scalar(select(Document.id).where(
        Document.sha256 == doc.sha256, Document.unit_id == doc.unit_id, Document.secrecy == doc.secrecy,
        Document.personal_data.is_(True), Document.id != doc.id).limit(1)) is not None


def update_document(services: Services, session: Session, principal: Principal, doc: Document,
                    fields: Mapping[str, Any]) -> list[str]:
    """Apply changed fields; audit them; returns the names changed. The personal-data mark
    may be set but never taken off: once a document held personal data, every copy of its
    pages in caches, exports and logs was treated so, and it stays so."""
    if not principal.can("document.edit"):
        raise PermissionDenied("document.edit")
    if doc.personal_data and "personal_data" in fields and not fields["personal_data"]:
        raise FieldError("personal_data", "Không thể bỏ dấu dữ liệu cá nhân của văn bản: "
                                          "văn bản đã chứa dữ liệu cá nhân thì luôn được bảo vệ như vậy.")
    changed = [name for name, value in fields.items() if getattr(doc, name) != value]
    if not changed:
        return []
    if "personal_data" in changed and _marked_twin(session, doc):
        raise MarkTaken("personal_data", N_("Đã có một văn bản cùng tệp, cùng đơn vị và độ mật được đánh dấu dữ liệu cá nhân; không đánh dấu thêm bản này."))  # noqa: E501
    for name in changed:
        setattr(doc, name, fields[name])
    session.flush()
    record(services, session, principal, "document.update", object_type="document", object_id=doc.id,
           state=document_state(doc), details={"fields": changed})
    return changed
