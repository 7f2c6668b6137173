"""What the routing use cases share: the refusals, the checks of what a person typed, the
subject of an assignment (an incoming document or a dossier), who may act on an assignment,
and the plain dicts the pages, the API and the CLI serialise."""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User, unit_subtree_ids
from archive.dossiers import Dossier
from archive.incoming import URGENCY_LABELS, IncomingDocument
from archive.routing import ROLE_LABELS, ROLES, Assignment
from docsvc.access import Principal
from archive.uow import UnitOfWork
from docsvc.documents.queries import NotFound
from docsvc.extracts.rules import _begin_write, _one_writer
from docsvc.services.audit import PermissionDenied
from docsvc.workdays import MAX_DAYS

STATUS_LABELS = {"open": "Đang xử lý", "forwarded": "Đã chuyển tiếp", "done": "Đã hoàn thành"}
STANDING_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn", "open": "Trong hạn",
                   "due_soon": "Sắp đến hạn", "overdue": "Quá hạn"}
EVENT_LABELS = {"assign": "Phân công", "forward": "Chuyển tiếp", "progress": "Báo cáo tiến độ",
                "extension_asked": "Xin gia hạn", "extension_approved": "Đồng ý gia hạn",
                "extension_refused": "Không đồng ý gia hạn", "complete": "Hoàn thành", "remind": "Nhắc hạn"}
MAX_NOTE = 4000


class RoutingNotFound(NotFound):
    """No such document, dossier, assignment, unit or user for this principal (404)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RoutingInvalid(ValueError):
    """A bad value (400): ``field`` names it, ``message`` says why (Vietnamese)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class RoutingConflict(Exception):
    """The state refuses it (409). ``code``: not_open (forwarded or done already),
    already_assigned, no_clearance, outside_unit (a unit or person outside the scope, or a
    person outside the unit named with them), due_passed (a due date before today),
    same_user (forwarding to the handler), too_late (an extension asked later than one
    working day before the deadline), already_asked (the one extension was asked already),
    not_later (a new due date not after the current one), no_deadline, no_extension (nothing
    to decide), already_decided."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@contextmanager
def writing(services) -> Iterator[UnitOfWork]:
    """A unit of work that writes: one writer at a time on SQLite, its lock taken before the
    first read (docsvc.extracts.rules); PostgreSQL locks rows as it goes."""
    with _one_writer(services), services.uow() as uow:
        _begin_write(uow.session)
        yield uow


def require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


def now_utc(now: datetime | None = None) -> datetime:
    """The moment of a use case: ``now`` (tests, the demo) or the clock, as aware UTC."""
    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return moment.astimezone(timezone.utc)


def text(name: str, raw: Any, *, required: bool = False, limit: int = MAX_NOTE) -> str | None:
    value = unicodedata.normalize("NFC", str(raw or "").strip())
    if not value:
        if required:
            raise RoutingInvalid(name, "Trường này không được để trống.")
        return None
    if len(value) > limit:
        raise RoutingInvalid(name, f"Tối đa {limit} ký tự.")
    return value


def day(name: str, raw: Any) -> date | None:
    from docsvc.dates import day_of

    try:
        return day_of(raw)
    except ValueError as exc:
        raise RoutingInvalid(name, str(exc)) from None


def whole(name: str, raw: Any, low: int, high: int) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        raise RoutingInvalid(name, f"Phải là số nguyên từ {low} đến {high}.")
    if isinstance(raw, float) and raw.is_integer():  # JSON's 2.0 is the integer 2
        raw = int(raw)
    try:
        number = int(str(raw).strip())
    except ValueError:
        raise RoutingInvalid(name, f"Phải là số nguyên từ {low} đến {high}.") from None
    if not low <= number <= high:
        raise RoutingInvalid(name, f"Phải là số nguyên từ {low} đến {high}.")
    return number


def working_days(raw: Any) -> int | None:
    return whole("working_days", raw, 0, MAX_DAYS)


def role(raw: Any) -> str:
    value = str(raw or "main").strip()
    if value not in ROLES:
        raise RoutingInvalid("role", "Vai trò phải là main (chủ trì), cooperate (phối hợp) hoặc info (để biết).")
    return value


# -- the subject: an incoming document or a dossier ------------------------------------------

@dataclass(frozen=True)
class Subject:
    kind: str                 # incoming | dossier
    id: int
    office_unit_id: int
    secrecy: int
    urgency: int
    title: str                # as a person reads it

    @property
    def key(self) -> dict:
        return {"incoming_id": self.id} if self.kind == "incoming" else {"dossier_id": self.id}


def incoming_title(row: IncomingDocument) -> str:
    ref = "/".join(p for p in (row.number, row.symbol) if p)
    head = f"Số đến {row.arrival_number}/{row.year}"
    parts = [head, ref and f"văn bản {ref}", row.issuer, row.abstract]
    return " · ".join(p for p in parts if p)


def locked(session: Session, model: type, row_id: int):
    """The row, locked until the commit on PostgreSQL (two handlers, or two leaders, acting at
    once queue on it); SQLite's one writer (``writing``) serialises the whole transaction."""
    if session.get_bind().dialect.name == "postgresql":
        return session.get(model, row_id, with_for_update=True)
    return session.get(model, row_id)


def subject_of(session: Session, *, incoming_id: int | None = None, dossier_id: int | None = None,
               lock: bool = False) -> Subject:
    get = (lambda model, row_id: locked(session, model, row_id)) if lock else session.get
    if incoming_id is not None:
        row = get(IncomingDocument, incoming_id)
        if row is None:
            raise RoutingNotFound(f"Không có văn bản đến {incoming_id}.")
        return Subject("incoming", row.id, row.office_unit_id, row.secrecy, row.urgency, incoming_title(row))
    row = get(Dossier, dossier_id) if dossier_id is not None else None
    if row is None:
        raise RoutingNotFound(f"Không có hồ sơ {dossier_id}.")
    return Subject("dossier", row.id, row.office_unit_id, 0, 0, f"Hồ sơ {row.code} · {row.applicant}")


def subject_of_assignment(session: Session, a: Assignment) -> Subject:
    return subject_of(session, incoming_id=a.incoming_id, dossier_id=a.dossier_id)


def in_office(principal: Principal, subject: Subject) -> bool:
    """The registering office's users (its subtree, or its successor's) cleared for it."""
    return (principal.unit_ids is None or subject.office_unit_id in principal.unit_ids) \
        and subject.secrecy <= principal.clearance


def unit_by(session: Session, raw: Any) -> Unit:
    value = str(raw).strip()
    unit = session.get(Unit, int(value)) if value.isdigit() else session.scalar(select(Unit).where(Unit.code == value))
    if unit is None:
        raise RoutingNotFound(f"Không có đơn vị {value}.")
    return unit


def user_by(session: Session, raw: Any) -> User:
    value = str(raw).strip()
    user = session.get(User, int(value)) if value.isdigit() else \
        session.scalar(select(User).where(User.username == value))
    if user is None or not user.is_active:
        raise RoutingNotFound(f"Không có người dùng {value}.")
    return user


def root_of(session: Session, a: Assignment) -> Assignment:
    while a.parent_id is not None:
        a = session.get(Assignment, a.parent_id)
    return a


def is_unit_leader(principal: Principal, unit_id: int) -> bool:
    return principal.can("routing.assign") and (principal.unit_ids is None or unit_id in principal.unit_ids)


def may_handle(principal: Principal, a: Assignment) -> bool:
    """The person named, the unit's people when no one is named, the unit's leader."""
    if principal.is_system:
        return True
    if not principal.can("routing.handle"):
        return False
    if a.user_id is not None and a.user_id == principal.user_id:
        return True
    if a.user_id is None and a.unit_id == principal.unit_id:
        return True
    return is_unit_leader(principal, a.unit_id)


def in_unit(session: Session, unit_id: int, user: User) -> bool:
    return user.unit_id in unit_subtree_ids(session, unit_id)


def names(session: Session, user_ids: set[int], unit_ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    users = {i: (f or u) for i, u, f in session.execute(
        select(User.id, User.username, User.full_name).where(User.id.in_(user_ids or {0})))}
    units = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids or {0}))).all())
    return users, units


def assignment_dict(a: Assignment, users: dict[int, str], units: dict[int, str]) -> dict:
    return {
        "id": a.id, "incoming_id": a.incoming_id, "dossier_id": a.dossier_id, "parent_id": a.parent_id,
        "role": a.role, "role_label": ROLE_LABELS[a.role],
        "unit": {"id": a.unit_id, "name": units.get(a.unit_id)},
        "user": {"id": a.user_id, "name": users.get(a.user_id)} if a.user_id else None,
        "assigned_by": {"id": a.assigned_by, "name": users.get(a.assigned_by)},
        "assigned_at": a.assigned_at.isoformat(), "received_on": a.received_on.isoformat(),
        "working_days": a.working_days, "due_on": a.due_on.isoformat() if a.due_on else None,
        "original_due_on": a.original_due_on.isoformat() if a.original_due_on else None,
        "note": a.note, "status": a.status, "status_label": STATUS_LABELS[a.status], "progress": a.progress,
        "completed_on": a.completed_on.isoformat() if a.completed_on else None,
        "completion_note": a.completion_note, "reply_document_id": a.reply_document_id,
        "standing": a.standing, "score": a.score,
    }


def urgency_label(rank: int) -> str:
    return URGENCY_LABELS.get(rank, str(rank))
