"""Reading the audit trail as sentences ("Nguyễn Văn A đã tải bản gốc văn bản 01/KH-UBND"),
filtered by person, action and date, for the administration page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from archive.accounts import ApiToken, Unit, User
from archive.audit import AuditRecord
from archive.models import Document
from docsvc import labels
from docsvc.access import Principal, can_see
from docsvc.i18n import gettext as _
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services


@dataclass(frozen=True)
class AuditLine:
    seq: int
    at: datetime
    action: str
    sentence: str
    actor: str
    ip: str | None
    details: dict[str, Any] | None
    state_digest: str | None


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min).astimezone(timezone.utc) if day else None


def _day_end(day: date | None) -> datetime | None:
    return datetime.combine(day, time.max).astimezone(timezone.utc) if day else None


def read_audit(session: Session, principal: Principal, *, person: str | None = None, action: str | None = None,
               since: date | None = None, until: date | None = None, object_type: str | None = None,
               object_id: str | None = None, before_seq: int | None = None, limit: int = 100) -> list[AuditLine]:
    """Newest first. ``person`` matches a username or a full name (part of it)."""
    if not principal.can("audit.view"):
        raise PermissionDenied("audit.view")
    q = select(AuditRecord)
    if person and person.strip():
        pattern = f"%{person.strip()}%"
        ids = list(session.scalars(select(User.id).where(or_(User.username.ilike(pattern),
                                                               User.full_name.ilike(pattern)))))
        q = q.where(or_(AuditRecord.actor_id.in_(ids), AuditRecord.actor.ilike(pattern)))
    if action:
        q = q.where(AuditRecord.action.like(action.rstrip("*") + "%") if action.endswith("*")
                    else AuditRecord.action == action)
    if object_type:
        q = q.where(AuditRecord.object_type == object_type)
    if object_id:
        q = q.where(AuditRecord.object_id == str(object_id))
    if since:
        q = q.where(AuditRecord.at >= _day_start(since))
    if until:
        q = q.where(AuditRecord.at <= _day_end(until))
    if before_seq:
        q = q.where(AuditRecord.seq < before_seq)
    records = list(session.scalars(q.order_by(AuditRecord.seq.desc()).limit(limit)))
    return _sentences(session, principal, records)


def _sentences(session: Session, principal: Principal, records: list[AuditRecord]) -> list[AuditLine]:
    user_ids = {r.actor_id for r in records if r.actor_id} | {
        int(r.object_id) for r in records if r.object_type == "user" and (r.object_id or "").isdigit()}
    names = {u.id: (u.full_name or u.username) for u in
             session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    ids_of = lambda kind: {int(r.object_id) for r in records  # noqa: E731
                           if r.object_type == kind and (r.object_id or "").isdigit()}
    doc_ids, unit_ids = ids_of("document"), ids_of("unit")
    # A document the reader may not see is named by its id only (its number could tell too much).
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(doc_ids)))
            if can_see(principal, d) and (not d.personal_data or principal.can("person.view"))} if doc_ids else {}
    units = {u.id: u.name for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    token_ids = ids_of("token")
    tokens = {t.id: t for t in session.scalars(select(ApiToken).where(ApiToken.id.in_(token_ids)))} if token_ids else {}

    lines = []
    for r in records:
        actor = _actor(r, names)
        obj = _object(r, names, docs, units, tokens)
        lines.append(AuditLine(r.seq, r.at, r.action, labels.action_sentence(r.action, actor, obj), actor, r.ip,
                               r.details, r.state_digest))
    return lines


def _actor(r: AuditRecord, names: dict[int, str]) -> str:
    if r.actor_id and r.actor_id in names:
        return names[r.actor_id]
    if r.actor.startswith("system:"):
        return _("Hệ thống ({name})").format(name=r.actor[len("system:"):])
    if r.actor in ("", "anonymous", "-"):
        return _("Người chưa đăng nhập")
    return r.actor


def document_label(doc: Document) -> str:
    return doc.number_symbol or doc.title or doc.original_name or f"#{doc.id}"


def _object(r: AuditRecord, names, docs, units, tokens) -> str:
    oid = int(r.object_id) if (r.object_id or "").isdigit() else None
    if r.object_type == "document" and oid in docs:
        return document_label(docs[oid])
    if r.object_type == "user" and oid in names:
        return names[oid]
    if r.object_type == "unit" and oid in units:
        return units[oid]
    if r.object_type == "token" and oid in tokens:
        token = tokens[oid]
        return f"{token.prefix}… ({names.get(token.user_id, '')})".replace(" ()", "")
    if r.action.startswith("auth.") and r.details and r.details.get("username"):
        return r.details["username"]
    if r.object_type:
        kind = _(labels.OBJECT_TYPES.get(r.object_type, r.object_type))
        return f"{kind} #{r.object_id}" if r.object_id else kind
    return ""


def audit_lines(services: Services, principal: Principal, **filters) -> list[AuditLine]:
    """The use case behind the audit page: ``read_audit``'s filters, in a unit of work of its own."""
    with services.uow() as uow:
        return read_audit(uow.session, principal, **filters)
