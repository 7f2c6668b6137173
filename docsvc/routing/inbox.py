"""What a person has to do: the inbox (their open assignments and, for a unit leader, the
unit's assignments not given to a person yet) in three buckets — to do, due within a working
day, overdue — urgent first; the counts for the home page; the leader's list of registered
documents waiting for an assignment (Chờ phân công); and the person's notifications."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import func, or_, select, update

from archive.dossiers import Dossier
from archive.incoming import INCOMING_REGISTERED, IncomingDocument
from archive.routing import OPEN, Assignment, Notification
from docsvc.access import Principal
from docsvc.calendar.services import calendar_for
from docsvc.dates import local_now
from docsvc.routing.rules import (ROLE_LABELS, assignment_dict, incoming_title, names, require, urgency_label)
from docsvc.services.container import Services
from docsvc.workdays import WorkCalendar

BUCKETS = ("todo", "due_soon", "overdue")
BUCKET_LABELS = {"todo": "Cần xử lý", "due_soon": "Sắp đến hạn", "overdue": "Quá hạn"}


def local_today(services: Services, today: date | None) -> date:
    return today or local_now(services.settings.time_zone).date()


def _mine(principal: Principal):
    own = Assignment.user_id == principal.user_id
    if principal.can("routing.assign") and principal.unit_ids is not None:
        return or_(own, Assignment.user_id.is_(None) & Assignment.unit_id.in_(principal.unit_ids))
    if principal.can("routing.assign"):  # the system: every unit's unassigned work
        return or_(own, Assignment.user_id.is_(None))
    return own


def bucket_of(calendar: WorkCalendar, due: date | None, today: date) -> str:
    if due is None:
        return "todo"
    standing = calendar.standing(due, None, today)
    return {"overdue": "overdue", "due_soon": "due_soon"}.get(standing, "todo")


class Calendars(dict):
    def __init__(self, services: Services):
        super().__init__()
        self.services = services

    def __missing__(self, unit_id: int) -> WorkCalendar:
        self[unit_id] = calendar_for(self.services, unit_id)
        return self[unit_id]


def inbox(services: Services, principal: Principal, today: date | None = None) -> dict:
    """``{"todo": [...], "due_soon": [...], "overdue": [...], "counts": {...}}``; each item an
    assignment dict with ``title``, ``urgency``, ``urgency_label``, ``bucket`` and
    ``link`` (the document's routing page, for an incoming document)."""
    today = local_today(services, today)
    calendars = Calendars(services)
    with services.uow() as uow:
        session = uow.session
        rows = session.scalars(select(Assignment).where(Assignment.status == OPEN, _mine(principal))).all()
        incoming = {r.id: r for r in session.scalars(select(IncomingDocument).where(
            IncomingDocument.id.in_({a.incoming_id for a in rows if a.incoming_id} or {0})))}
        dossiers = {d.id: d for d in session.scalars(select(Dossier).where(
            Dossier.id.in_({a.dossier_id for a in rows if a.dossier_id} or {0})))}
        users, units = names(session, {x for a in rows for x in (a.user_id, a.assigned_by) if x},
                             {a.unit_id for a in rows})
    result: dict = {b: [] for b in BUCKETS}
    for a in rows:
        item = assignment_dict(a, users, units)
        if a.incoming_id:
            doc = incoming[a.incoming_id]
            item.update(title=incoming_title(doc), urgency=doc.urgency, link=f"/incoming/{doc.id}/routing")
        else:
            d = dossiers[a.dossier_id]
            item.update(title=f"Hồ sơ {d.code} · {d.applicant}", urgency=0, link=None)
        item["urgency_label"] = urgency_label(item["urgency"])
        item["bucket"] = bucket_of(calendars[a.unit_id], a.due_on, today)
        result[item["bucket"]].append(item)
    for items in result.values():
        items.sort(key=lambda i: (-i["urgency"], i["due_on"] or "9999-12-31", i["id"]))
    result["counts"] = {b: len(result[b]) for b in BUCKETS}
    return result


def inbox_counts(services: Services, principal: Principal, today: date | None = None) -> dict:
    """``{"todo", "due_soon", "overdue", "unread"}`` for the home page."""
    today = local_today(services, today)
    calendars = Calendars(services)
    with services.uow() as uow:
        session = uow.session
        rows = session.execute(select(Assignment.unit_id, Assignment.due_on)
                               .where(Assignment.status == OPEN, _mine(principal))).all()
        unread = session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == principal.user_id, Notification.read_at.is_(None))) or 0
    counts = dict.fromkeys(BUCKETS, 0)
    for unit_id, due in rows:
        counts[bucket_of(calendars[unit_id], due, today)] += 1
    return {**counts, "unread": unread}


def waiting(services: Services, principal: Principal, limit: int = 200) -> list[dict]:
    """Chờ phân công: registered incoming documents of the leader's units that nobody was
    assigned yet, within their clearance, urgent first, then oldest arrival first."""
    require(principal, "routing.assign")
    query = select(IncomingDocument).where(IncomingDocument.status == INCOMING_REGISTERED,
                                           IncomingDocument.secrecy <= principal.clearance)
    if principal.unit_ids is not None:
        query = query.where(IncomingDocument.office_unit_id.in_(principal.unit_ids or {0}))
    query = query.order_by(IncomingDocument.urgency.desc(), IncomingDocument.arrived_at, IncomingDocument.id)
    with services.uow() as uow:
        rows = uow.session.scalars(query.limit(limit)).all()
        return [{"id": r.id, "arrival_number": r.arrival_number, "year": r.year,
                 "arrived_on": r.arrived_on.isoformat(), "title": incoming_title(r), "issuer": r.issuer,
                 "abstract": r.abstract, "urgency": r.urgency, "urgency_label": urgency_label(r.urgency),
                 "secrecy": r.secrecy} for r in rows]


def notification_dict(n: Notification) -> dict:
    return {"id": n.id, "kind": n.kind, "subject_type": n.subject_type, "subject_id": n.subject_id,
            "message": n.message, "created_at": n.created_at.isoformat(),
            "read": n.read_at is not None, "emailed": n.emailed_at is not None}


def notifications(services: Services, principal: Principal, *, unread_only: bool = False,
                  limit: int = 50) -> list[dict]:
    """The principal's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == principal.user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    with services.uow() as uow:
        rows = uow.session.scalars(query.order_by(Notification.id.desc()).limit(limit)).all()
        return [notification_dict(n) for n in rows]


def mark_read(services: Services, principal: Principal, notification_ids: list[int] | None = None) -> int:
    """Mark the principal's own notifications as read (all unread when no ids): how many."""
    query = update(Notification).where(Notification.user_id == principal.user_id, Notification.read_at.is_(None))
    if notification_ids is not None:
        query = query.where(Notification.id.in_(notification_ids or [0]))
    with services.uow() as uow:
        count = uow.session.execute(query.values(read_at=datetime.now(timezone.utc))).rowcount
        uow.commit()
        return count or 0


__all__ = ["BUCKETS", "BUCKET_LABELS", "ROLE_LABELS", "inbox", "inbox_counts", "waiting", "notifications",
           "mark_read", "bucket_of"]
