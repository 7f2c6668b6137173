"""Reads of personal data, and why they happened (issue 9 §1; Personal Data Protection Law).

Every read of personal data — a page of a document marked as personal data, its images,
its original, a civil-status entry, a hit list over people, a suggestion that completes a
person's name — is written to the audit chain as one ``person.read`` record, in the same
way from the web, the API and the CLI: who (the record's actor and address), when, what
was read, and the **purpose**. A read without a purpose is refused (``PurposeRequired``)
before anything is shown; the web app then asks for the purpose, the API answers 400.

The purpose is a short fixed list; ``other`` carries a free text. On the wire (API query
parameter ``purpose=``, header ``X-Purpose``, CLI ``--purpose``) it is the code, or
``other:<text>``; the header value is percent-decoded (UTF-8) since headers carry no
Vietnamese letters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator
from urllib.parse import unquote

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.audit import AuditRecord
from docsvc.access import Principal
from docsvc.accounts.services import AccountError, get_user
from docsvc.i18n import N_
from docsvc.services.audit import PermissionDenied, record_now
from docsvc.services.container import Services

ACTION = "person.read"
# Records written before this module (searches over people, entry views) are part of the log too.
LOG_ACTIONS = (ACTION, "person.search", "person.view")

PURPOSES: dict[str, str] = {
    "extract_request": N_("Giải quyết yêu cầu cấp trích lục"),
    "verification": N_("Xác minh, đối chiếu"),
    "correction": N_("Cải chính, bổ sung hộ tịch"),
    "statistics": N_("Thống kê, báo cáo"),
    "other": N_("Khác (ghi rõ)"),
}
TEXT_LIMIT = 200


class PurposeRequired(Exception):
    """Personal data was about to be read without a stated purpose."""


class InvalidPurpose(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Purpose:
    code: str
    text: str | None = None

    @property
    def label(self) -> str:
        """Vietnamese label (translate with ``_()`` where shown)."""
        return PURPOSES[self.code]

    @property
    def wire(self) -> str:
        return f"other:{self.text}" if self.code == "other" else self.code


def make_purpose(code: str | None, text: str | None = None) -> Purpose:
    """A purpose from a code and (for ``other``) its text; InvalidPurpose otherwise."""
    code = (code or "").strip()
    text = " ".join((text or "").split()) or None
    if code not in PURPOSES:
        raise InvalidPurpose(f"Mục đích không hợp lệ: {code or '(trống)'}; dùng một trong "
                             f"{', '.join(PURPOSES)} (other:<nội dung>).")
    if code != "other":
        return Purpose(code)
    if not text:
        raise InvalidPurpose("Mục đích 'Khác' cần ghi rõ nội dung (other:<nội dung>).")
    if len(text) > TEXT_LIMIT:
        raise InvalidPurpose(f"Nội dung mục đích tối đa {TEXT_LIMIT} ký tự.")
    return Purpose("other", text)


def parse_purpose(value: str | None, *, percent_encoded: bool = False) -> Purpose | None:
    """``extract_request`` or ``other:<text>`` → Purpose; None when nothing was given."""
    if value is None or not value.strip():
        return None
    if percent_encoded:
        try:
            value = unquote(value, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            raise InvalidPurpose("X-Purpose phải là UTF-8 mã hóa phần trăm (percent-encoded).") from None
    code, _sep, text = value.strip().partition(":")
    if code.strip() != "other" and text:
        raise InvalidPurpose(f"Chỉ mục đích 'other' mới kèm nội dung: {value.strip()[:50]}")
    return make_purpose(code, text)


def record_personal_read(services: Services, principal: Principal, purpose: Purpose | None, *,
                         what: str, object_type: str, object_id: Any = None, person: str | None = None,
                         **details: Any) -> int:
    """Log one read of personal data and why; refuse it without a purpose.

    ``what``: document, page_image, thumbnail, original, search, suggest, entry...;
    ``person``: the person's name or the text that found them, when known; ``details``:
    anything else worth keeping (page number, query, ids of the entries shown)."""
    if not principal.can("person.view"):
        raise PermissionDenied("person.view")
    if purpose is None:
        raise PurposeRequired()
    return record_now(services, principal, ACTION, object_type=object_type, object_id=object_id,
                      details=read_details(principal, purpose, what, person, **details))


def read_details(principal: Principal, purpose: Purpose, what: str, person: str | None = None,
                 **details: Any) -> dict[str, Any]:
    """The body of a ``person.read`` record (for a use case that writes it in its own
    transaction, as issuing an extract does)."""
    body: dict[str, Any] = {"purpose": purpose.code, "what": what, "via": principal.via}
    if purpose.text:
        body["purpose_text"] = purpose.text
    if person:
        body["person"] = person[:200]
    body.update({k: v for k, v in details.items() if v is not None})
    return body


# -- the log ----------------------------------------------------------------------------

def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), so 'nguyen van' finds 'Nguyễn Văn'."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _mentions(row: AuditRecord, needle: str) -> bool:
    details = row.details or {}
    texts = [details.get("person"), details.get("query"), *(details.get("persons") or [])]
    return any(needle in fold(str(t)) for t in texts if t)


def personal_log(session: Session, *, person: str | None = None, actor_id: int | None = None,
                 since: datetime | None = None, until: datetime | None = None, limit: int | None = 100,
                 before_seq: int | None = None) -> list[AuditRecord]:
    """Reads of personal data, newest first. ``person`` matches the name or query text
    recorded, without regard to case or diacritics."""
    needle = fold(person) if person and person.strip() else None
    return list(_rows(session, needle, actor_id, since, until, limit, before_seq))


def _rows(session, needle, actor_id, since, until, limit, before_seq, batch: int = 500) -> Iterator[AuditRecord]:
    query = select(AuditRecord).where(AuditRecord.action.in_(LOG_ACTIONS))
    if actor_id is not None:
        query = query.where(AuditRecord.actor_id == actor_id)
    if since:
        query = query.where(AuditRecord.at >= since)
    if until:
        query = query.where(AuditRecord.at <= until)
    found = 0
    while True:  # in batches: the person filter reads the JSON details in Python
        page = query.where(AuditRecord.seq < before_seq) if before_seq else query
        rows = list(session.scalars(page.order_by(AuditRecord.seq.desc()).limit(batch)))
        for row in rows:
            if needle is None or _mentions(row, needle):
                yield row
                found += 1
                if limit is not None and found >= limit:
                    return
        if len(rows) < batch:
            return
        before_seq = rows[-1].seq


def log_entry(row: AuditRecord) -> dict:
    """One log record as plain JSON (CLI ``--json``)."""
    details = dict(row.details or {})
    purpose = details.get("purpose")  # a code; free text in records older than the list
    return {
        "seq": row.seq, "at": row.at.isoformat(), "user": row.actor, "user_id": row.actor_id, "ip": row.ip,
        "action": row.action, "object_type": row.object_type, "object_id": row.object_id,
        "what": details.pop("what", None), "purpose": purpose, "purpose_label": PURPOSES.get(purpose, purpose),
        "purpose_text": details.get("purpose_text"), "person": details.get("person"),
        "details": details,
    }


@dataclass(frozen=True)
class PersonalReads:
    entries: list[tuple[AuditRecord, dict]]   # (record, log_entry(record)), newest first
    unknown_user: str | None                  # the message when the reader named is not a user


def personal_reads(services: Services, principal: Principal, *, username: str | None = None,
                   person: str | None = None, since: datetime | None = None, until: datetime | None = None,
                   limit: int | None = 100, before_seq: int | None = None) -> PersonalReads:
    """The use case behind the personal-data log page: reads of personal data by one user
    (``username``) and/or about one person, as entries. An unknown username finds nothing."""
    if not principal.can("audit.view"):
        raise PermissionDenied("audit.view")
    unknown = None
    with services.uow() as uow:
        actor_id = None
        if username:
            try:
                actor_id = get_user(uow.session, username).id
            except AccountError as exc:
                unknown, actor_id = exc.message, -1
        rows = personal_log(uow.session, person=person, actor_id=actor_id, since=since, until=until, limit=limit,
                            before_seq=before_seq)
        return PersonalReads([(row, log_entry(row)) for row in rows], unknown)
