"""The audit trail: append-only, each record chained to the one before by a keyed hash.

Each record says who, when, what action, on which object, from which address, and a digest
of the object's state after the change. Its ``hash`` is HMAC-SHA256 (key kept outside the
database) over all of that plus ``prev_hash``, the hash of the record before; ``seq`` counts
from 1 without gaps. The single ``audit_head`` row holds the last seq and hash, so a record
removed from the end is noticed too. Editing, deleting, inserting or reordering records is
therefore detected by ``verify_chain``. Database triggers refuse UPDATE and DELETE on the
records, so the application cannot rewrite them either.

Appending takes the head row first (``UPDATE ... RETURNING``), which serialises appenders on
every backend; keep the surrounding transaction short.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator

from sqlalchemy import JSON, Connection, Index, Integer, String, bindparam, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive.models import Base, utcnow

GENESIS = "0" * 64


class AuditRecord(Base):
    __tablename__ = "audit_records"
    __table_args__ = (
        Index("ix_audit_records_actor_at", "actor_id", "at"),
        Index("ix_audit_records_object", "object_type", "object_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(128))        # username, or "system:<name>"
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    state_digest: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The end of the chain (one row, id 1)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def canonical(value: Any) -> bytes:
    """Stable bytes for hashing: sorted keys, no spaces, UTF-8, dates as ISO strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_jsonable).encode("utf-8")


def _jsonable(value: Any):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot hash {type(value).__name__}")


def state_digest(state: Any) -> str:
    """SHA-256 of an object's state, given as a plain mapping."""
    return hashlib.sha256(canonical(state)).hexdigest()


def record_hash(key: bytes, *, seq: int, at: datetime, actor_id: int | None, actor: str, action: str,
                object_type: str | None, object_id: str | None, ip: str | None,
                state_digest: str | None, details: dict | None, prev_hash: str) -> str:
    body = canonical([seq, at.isoformat(), actor_id, actor, action, object_type, object_id, ip,
                      state_digest, details, prev_hash])
    return hmac.new(key, body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (id and name) or the system (id None, name 'system:...')."""

    id: int | None
    name: str
    ip: str | None = None


_records_t = AuditRecord.__table__
_head_t = AuditHead.__table__
# Built once: constructing SQLAlchemy statements per call costs more than running them.
_ADVANCE_HEAD = (update(_head_t).where(_head_t.c.id == 1).values(seq=_head_t.c.seq + 1)
                 .returning(_head_t.c.seq, _head_t.c.hash))
_INSERT_RECORD = insert(_records_t)
_SET_HEAD_HASH = update(_head_t).where(_head_t.c.id == 1).values(hash=bindparam("new_hash"))


def append(session: Session | Connection, key: bytes, actor: Actor, action: str, *,
           object_type: str | None = None, object_id: Any = None, state: Any = None,
           details: dict | None = None, at: datetime | None = None) -> int:
    """Append one record in the caller's transaction; returns its seq."""
    at = at or utcnow()
    seq, prev = session.execute(_ADVANCE_HEAD).one()
    digest = state_digest(state) if state is not None else None
    oid = None if object_id is None else str(object_id)
    values = dict(seq=seq, at=at, actor_id=actor.id, actor=actor.name, action=action,
                  object_type=object_type, object_id=oid, ip=actor.ip, state_digest=digest,
                  details=details, prev_hash=prev)
    values["hash"] = record_hash(key, **values)
    session.execute(_INSERT_RECORD, values)
    session.execute(_SET_HEAD_HASH, {"new_hash": values["hash"]})
    return seq


@dataclass
class ChainReport:
    intact: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None
    last_hash: str | None = None   # when intact: the hash of record ``checked`` (what an anchor keeps)

    def as_dict(self) -> dict:
        return {"intact": self.intact, "checked": self.checked,
                "first_bad_seq": self.first_bad_seq, "reason": self.reason}


def _records(session: Session, batch: int) -> Iterator[AuditRecord]:
    last = 0
    while True:
        rows = session.scalars(select(AuditRecord).where(AuditRecord.seq > last)
                               .order_by(AuditRecord.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()  # bounded memory on long chains


def verify_chain(session: Session, key: bytes, *, batch: int = 5000) -> ChainReport:
    """Walk the chain from the first record; stop at the first one that does not hold."""
    expected_seq, prev, checked = 1, GENESIS, 0
    for rec in _records(session, batch):
        if rec.seq != expected_seq:
            if rec.seq > expected_seq:
                missing = (f"{expected_seq}" if rec.seq == expected_seq + 1
                           else f"{expected_seq}–{rec.seq - 1}")
                return ChainReport(False, checked, rec.seq, f"records {missing} are missing (deleted)")
            return ChainReport(False, checked, rec.seq, "sequence goes backwards")
        if rec.prev_hash != prev:
            return ChainReport(False, checked, rec.seq,
                               "does not follow the record before it (inserted, deleted or reordered)")
        actual = record_hash(key, seq=rec.seq, at=rec.at, actor_id=rec.actor_id, actor=rec.actor,
                             action=rec.action, object_type=rec.object_type, object_id=rec.object_id,
                             ip=rec.ip, state_digest=rec.state_digest, details=rec.details,
                             prev_hash=rec.prev_hash)
        if not hmac.compare_digest(actual, rec.hash):
            return ChainReport(False, checked, rec.seq, "content was altered (hash does not match)")
        prev, expected_seq, checked = rec.hash, expected_seq + 1, checked + 1
    head = session.get(AuditHead, 1)
    if head is None:
        return ChainReport(False, checked, None, "the chain head is missing")
    if head.seq != checked or head.hash != prev:
        if head.seq > checked:
            return ChainReport(False, checked, checked + 1,
                               f"records {checked + 1}–{head.seq} at the end are missing (deleted)")
        return ChainReport(False, checked, head.seq, "the chain head does not match the last record")
    return ChainReport(True, checked, last_hash=prev)


def query(session: Session, *, actor_id: int | None = None, object_type: str | None = None,
          object_id: str | None = None, action: str | None = None, since: datetime | None = None,
          until: datetime | None = None, limit: int = 100, before_seq: int | None = None
          ) -> list[AuditRecord]:
    """Newest first, filtered; page with ``before_seq``."""
    q = select(AuditRecord)
    if actor_id is not None:
        q = q.where(AuditRecord.actor_id == actor_id)
    if object_type:
        q = q.where(AuditRecord.object_type == object_type)
    if object_id:
        q = q.where(AuditRecord.object_id == str(object_id))
    if action:
        q = q.where(AuditRecord.action.like(action.rstrip("*") + "%") if action.endswith("*")
                    else AuditRecord.action == action)
    if since:
        q = q.where(AuditRecord.at >= since)
    if until:
        q = q.where(AuditRecord.at <= until)
    if before_seq:
        q = q.where(AuditRecord.seq < before_seq)
    return list(session.scalars(q.order_by(AuditRecord.seq.desc()).limit(limit)))


# Triggers that make the records append-only at the database level (used by the migration).
SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_records_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_records_no_change BEFORE UPDATE OR DELETE ON audit_records "
    "FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()",
    "CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()",
]
