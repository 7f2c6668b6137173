"""Routing use cases (issue 13 §3; DOMAIN.md §1 and §3; the pattern of docs/architecture.md):
a leader assigns an incoming document (or a dossier) to a main handler, cooperating units and
units for information with a deadline in working days or a date; the handler forwards it
within the unit, reports progress, asks once for more time (at least one working day before
the deadline; the assigner decides) and completes it, which stores the standing (early /
on time / late) and its score. Every step is a trace row (``AssignmentEvent``) and an audit
record in the same transaction.

Each function takes the services, the acting principal and plain values, and returns plain
dicts. Refusals: ``PermissionDenied`` (403), ``RoutingNotFound`` (404), ``RoutingInvalid``
(400, ``field``), ``RoutingConflict`` (409, ``code``). ``now`` (an aware moment) is for tests
and the demo; the pages, the API and the CLI leave it to the clock.

The inbox, the leader's waiting list and notifications are in docsvc.routing.inbox, the
reminders' sweep in docsvc.routing.reminders; both are re-exported here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from archive.accounts import SECRECY_LABELS, User
from archive.dossiers import Dossier
from archive.incoming import INCOMING_ASSIGNED, INCOMING_DONE, IncomingDocument
from archive.models import Document
from archive.routing import (DONE, FORWARDED, OPEN, ROLE_INFO, ROLE_MAIN, SCORES, Assignment, AssignmentEvent,
                             ExtensionRequest)
from docsvc.access import Principal, can_see
from docsvc.calendar.services import calendar_for, local_moment
from docsvc.routing import notify
from docsvc.routing.inbox import inbox, inbox_counts, mark_read, notifications, waiting  # noqa: F401
from docsvc.routing.reminders import send_reminders  # noqa: F401
from docsvc.routing.rules import (EVENT_LABELS, MAX_NOTE, RoutingConflict, RoutingInvalid,  # noqa: F401
                                  RoutingNotFound, Subject, assignment_dict, day, in_office, in_unit,
                                  is_unit_leader, locked, may_handle, names, now_utc, require, role as parse_role,
                                  root_of, subject_of, subject_of_assignment, text, unit_by, urgency_label, user_by,
                                  whole, working_days as parse_days, writing as _writing)
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services
from docsvc.workdays import MAX_DAYS, WorkCalendar


def _local(services: Services, now: datetime | None) -> tuple[datetime, datetime]:
    moment = now_utc(now)
    return moment, local_moment(services, moment)


def _event(session, a: Assignment, kind: str, principal: Principal, moment: datetime, *, note: str | None = None,
           to_user: int | None = None, to_unit: int | None = None, **data: Any) -> None:
    session.add(AssignmentEvent(assignment_id=a.id, kind=kind, from_user_id=principal.user_id, to_user_id=to_user,
                                to_unit_id=to_unit, at=moment, note=note, data=data))


def _due_text(due: date | None) -> str:
    return f", hạn {due:%d/%m/%Y}" if due else ""


def _check_clearance(subject: Subject, user: User) -> None:
    if user.clearance < subject.secrecy:
        raise RoutingConflict("no_clearance", f"{user.full_name or user.username} chưa được tiếp cận văn bản "
                                              f"{SECRECY_LABELS[subject.secrecy]}: không giao được.")


# -- assigning --------------------------------------------------------------------------------

def assign(services: Services, principal: Principal, incoming_id: int, *, unit: Any = None, user: Any = None,
           role: str = ROLE_MAIN, working_days: Any = None, due_on: Any = None, note: str | None = None,
           now: datetime | None = None) -> dict:
    """Assign an incoming document to a unit (code or id) or a person (username or id: their
    unit with them) as ``main``, ``cooperate`` or ``info``, with a deadline of
    ``working_days`` counted from now (day 0 by the handling unit's calendar and cut-off) or
    ``due_on``; ``info`` needs none. → ``{"id", "due_on"}``."""
    return _assign(services, principal, {"incoming_id": incoming_id}, unit=unit, user=user, role=role,
                   working_days=working_days, due_on=due_on, note=note, now=now)


def assign_dossier(services: Services, principal: Principal, dossier_id: int, **kwargs: Any) -> dict:
    """The same for a one-stop dossier (the dossier's own state is the dossiers' use cases')."""
    return _assign(services, principal, {"dossier_id": dossier_id}, **kwargs)


def assign_many(services: Services, principal: Principal, incoming_id: int, *, main: Any = None,
                cooperate: Any = (), info: Any = (), working_days: Any = None, due_on: Any = None,
                note: str | None = None, now: datetime | None = None) -> list[dict]:
    """The leader's form in one transaction: a main handler (``"unit:CODE"`` or
    ``"user:NAME"``), cooperating units and units for information (codes); the deadline is the
    main handler's and the cooperating units'. → one ``{"id", "due_on", "role"}`` per
    assignment; nothing is written if any one is refused."""
    def target(raw: Any, role: str) -> tuple[Any, Any, str]:
        kind, _sep, value = str(raw).partition(":")
        if kind == "user" and value:
            return None, value, role
        return (value if kind == "unit" and value else raw), None, role

    targets = [target(main, ROLE_MAIN)] if main not in (None, "") else []
    targets += [target(u, "cooperate") for u in cooperate or () if u]
    targets += [target(u, ROLE_INFO) for u in info or () if u]
    if not targets:
        raise RoutingInvalid("main", "Chọn đơn vị hoặc người chủ trì xử lý.")
    return _assign_all(services, principal, {"incoming_id": incoming_id}, targets, working_days=working_days,
                       due_on=due_on, note=note, now=now, deadline_for_info=False)


def _assign(services: Services, principal: Principal, key: dict, *, unit: Any = None, user: Any = None,
            role: str = ROLE_MAIN, working_days: Any = None, due_on: Any = None, note: str | None = None,
            now: datetime | None = None) -> dict:
    made = _assign_all(services, principal, key, [(unit, user, role)], working_days=working_days, due_on=due_on,
                       note=note, now=now)[0]
    return {"id": made["id"], "due_on": made["due_on"]}


def _assign_all(services: Services, principal: Principal, key: dict, targets: list[tuple[Any, Any, str]], *,
                working_days: Any, due_on: Any, note: str | None, now: datetime | None,
                deadline_for_info: bool = True) -> list[dict]:
    require(principal, "routing.assign")
    days, due, note = parse_days(working_days), day("due_on", due_on), text("note", note)
    targets = [(unit, user, parse_role(role)) for unit, user, role in targets]
    if days is not None and due is not None:
        raise RoutingInvalid("working_days", "Ghi một trong hai: số ngày làm việc hoặc ngày hạn.")
    for unit, user, role in targets:
        if role != ROLE_INFO and days is None and due is None:
            raise RoutingInvalid("working_days", "Ghi thời hạn: số ngày làm việc hoặc ngày hạn.")
        if unit in (None, "") and user in (None, ""):
            raise RoutingInvalid("unit", "Chọn đơn vị hoặc người xử lý.")
    moment, local = _local(services, now)
    with _writing(services) as uow:
        session = uow.session
        subject = subject_of(session, **key, lock=True)
        if not in_office(principal, subject):
            raise RoutingNotFound("Không tìm thấy văn bản này trong cơ quan của bạn.")
        made = []
        for unit, user, role in targets:
            with_deadline = deadline_for_info or role != ROLE_INFO
            a = _assign_one(services, session, principal, subject, unit, user, role, days if with_deadline else None,
                            due if with_deadline else None, note, moment, local)
            made.append({"id": a.id, "due_on": a.due_on.isoformat() if a.due_on else None, "role": role})
        if subject.kind == "incoming":
            session.get(IncomingDocument, subject.id).status = INCOMING_ASSIGNED
        if subject.urgency > 0:
            uow.after_commit(lambda: notify.deliver(services))  # urgent work is e-mailed at once
        uow.commit()
        return made


def _assign_one(services: Services, session, principal: Principal, subject: Subject, unit: Any, user: Any,
                role: str, days: int | None, due: date | None, note: str | None, moment: datetime,
                local: datetime) -> Assignment:
    person = user_by(session, user) if user not in (None, "") else None
    unit_row = unit_by(session, unit) if unit not in (None, "") else person.unit
    if person is not None and not in_unit(session, unit_row.id, person):
        raise RoutingConflict("outside_unit", f"{person.full_name or person.username} không thuộc {unit_row.name}.")
    unit_id = person.unit_id if person is not None else unit_row.id
    if principal.unit_ids is not None and unit_id not in principal.unit_ids:
        raise RoutingConflict("outside_unit", "Chỉ phân công cho đơn vị, người thuộc phạm vi của mình.")
    if person is not None:
        _check_clearance(subject, person)
    again = select(Assignment.id).where(*[getattr(Assignment, k) == v for k, v in subject.key.items()],
                                        Assignment.unit_id == unit_id, Assignment.role == role,
                                        Assignment.status == OPEN, Assignment.parent_id.is_(None),
                                        Assignment.user_id.is_(None) if person is None
                                        else Assignment.user_id == person.id)
    if session.scalar(again) is not None:
        raise RoutingConflict("already_assigned", "Việc này đã được giao cho đơn vị, người đó với vai trò này.")
    calendar = calendar_for(services, unit_id)
    received = calendar.receipt_day(local)
    if days is not None:
        due = calendar.add_working_days(received, days)
    elif due is not None and due < local.date():
        raise RoutingConflict("due_passed", "Ngày hạn không được trước hôm nay.")
    a = Assignment(**subject.key, role=role, unit_id=unit_id, user_id=person.id if person else None,
                   assigned_by=principal.user_id or _office_leader(session, subject), assigned_at=moment,
                   received_on=received, working_days=days, due_on=due, note=note, status=OPEN)
    session.add(a)
    session.flush()
    _event(session, a, "assign", principal, moment, note=note, to_user=a.user_id, to_unit=unit_id,
           role=role, due_on=due.isoformat() if due else None, working_days=days)
    kind, lead = ("urgent", f"{urgency_label(subject.urgency).upper()}: ") if subject.urgency > 0 else ("assigned", "")
    for uid in notify.recipients(session, a):
        notify.add(session, uid, kind, a.id, f"{lead}Bạn được giao xử lý ({_role_word(role)}): "
                                             f"{subject.title}{_due_text(due)}.")
    record(services, session, principal, "routing.assign", object_type="assignment", object_id=a.id,
           details={**subject.key, "role": role, "unit_id": unit_id, "user_id": a.user_id,
                    "due_on": due.isoformat() if due else None, "working_days": days})
    return a


def _role_word(role: str) -> str:
    return {"main": "chủ trì", "cooperate": "phối hợp", "info": "để biết"}[role]


def _office_leader(session, subject: Subject) -> int:
    from archive.accounts import UserRole

    found = session.scalar(select(User.id).join(UserRole, UserRole.user_id == User.id)
                           .where(User.unit_id == subject.office_unit_id, UserRole.role == "leader")
                           .order_by(User.id))
    if found is None:
        raise RoutingInvalid("user", "Cơ quan chưa có lãnh đạo: hãy chạy lệnh với DOCSVC_USER là một lãnh đạo.")
    return found


# -- the handler's steps ----------------------------------------------------------------------

def _open(session, principal: Principal, assignment_id: int, *, handling: bool = True) -> Assignment:
    a = locked(session, Assignment, assignment_id)
    if a is None:
        raise RoutingNotFound(f"Không có việc được giao số {assignment_id}.")
    if handling:
        if not may_handle(principal, a):
            if not _may_view(session, principal, subject_of_assignment(session, a)):
                raise RoutingNotFound(f"Không có việc được giao số {assignment_id}.")
            raise PermissionDenied("routing.handle")
        if a.status != OPEN:
            word = "đã chuyển tiếp" if a.status == FORWARDED else "đã hoàn thành"
            raise RoutingConflict("not_open", f"Việc này {word}.")
    return a


def forward(services: Services, principal: Principal, assignment_id: int, *, user: Any, note: str | None = None,
            now: datetime | None = None) -> dict:
    """Hand the work to a person of the same unit (or a unit below it): a child assignment
    with the same deadline; the parent is marked ``forwarded``. → the child ``{"id", "due_on"}``."""
    require(principal, "routing.handle")
    note = text("note", note)
    if user in (None, ""):
        raise RoutingInvalid("user", "Chọn người nhận.")
    moment, _local_time = _local(services, now)
    with _writing(services) as uow:
        session = uow.session
        a = _open(session, principal, assignment_id)
        subject = subject_of_assignment(session, a)
        target = user_by(session, user)
        if not in_unit(session, a.unit_id, target):
            raise RoutingConflict("outside_unit", "Chỉ chuyển tiếp cho người trong đơn vị được giao.")
        if target.id == a.user_id:
            raise RoutingConflict("same_user", "Việc đang do chính người này xử lý.")
        _check_clearance(subject, target)
        child = Assignment(**subject.key, parent_id=a.id, role=a.role, unit_id=target.unit_id, user_id=target.id,
                           assigned_by=principal.user_id or a.assigned_by, assigned_at=moment,
                           received_on=a.received_on, working_days=a.working_days, due_on=a.due_on,
                           original_due_on=a.original_due_on, note=note, status=OPEN, progress=a.progress)
        session.add(child)
        a.status = FORWARDED
        session.flush()
        _event(session, a, "forward", principal, moment, note=note, to_user=target.id, to_unit=target.unit_id,
               child=child.id)
        notify.add(session, target.id, "assigned", child.id,
                   f"Bạn được chuyển xử lý: {subject.title}{_due_text(child.due_on)}.")
        record(services, session, principal, "routing.forward", object_type="assignment", object_id=a.id,
               details={"child": child.id, "user_id": target.id})
        uow.commit()
        return {"id": child.id, "due_on": child.due_on.isoformat() if child.due_on else None}


def report_progress(services: Services, principal: Principal, assignment_id: int, *, percent: Any = None,
                    note: str | None = None, now: datetime | None = None) -> dict:
    require(principal, "routing.handle")
    value, note = whole("percent", percent, 0, 100), text("note", note, required=True)
    moment, _local_time = _local(services, now)
    with _writing(services) as uow:
        session = uow.session
        a = _open(session, principal, assignment_id)
        if value is not None:
            a.progress = value
        _event(session, a, "progress", principal, moment, note=note, percent=value)
        record(services, session, principal, "routing.progress", object_type="assignment", object_id=a.id,
               details={"percent": value})
        uow.commit()
        return {"id": a.id, "progress": a.progress}


def _working_day_before(calendar: WorkCalendar, due: date) -> date:
    candidate = due - timedelta(days=1)
    for _ in range(MAX_DAYS):
        if calendar.is_working_day(candidate):
            return candidate
        candidate -= timedelta(days=1)
    return candidate


def ask_extension(services: Services, principal: Principal, assignment_id: int, *, new_due_on: Any = None,
                  extra_working_days: Any = None, reason: str | None = None, now: datetime | None = None) -> dict:
    """Ask once for a later deadline (a date, or working days added to the current one), at
    least one working day before it: today must not be after the working day before the due
    date (409 ``too_late``). → the request."""
    require(principal, "routing.handle")
    new_due, extra = day("new_due_on", new_due_on), whole("extra_working_days", extra_working_days, 1, MAX_DAYS)
    reason = text("reason", reason, required=True)
    if (new_due is None) == (extra is None):
        raise RoutingInvalid("new_due_on", "Ghi một trong hai: ngày hạn mới hoặc số ngày làm việc thêm.")
    moment, local = _local(services, now)
    with _writing(services) as uow:
        session = uow.session
        a = _open(session, principal, assignment_id)
        if a.due_on is None:
            raise RoutingConflict("no_deadline", "Việc này không có hạn: không cần gia hạn.")
        if session.scalar(select(ExtensionRequest.id).where(ExtensionRequest.assignment_id == a.id)) is not None:
            raise RoutingConflict("already_asked", "Việc này đã xin gia hạn một lần: chỉ được xin một lần.")
        calendar = calendar_for(services, a.unit_id)
        last_day = _working_day_before(calendar, a.due_on)
        if local.date() > last_day:
            raise RoutingConflict("too_late", f"Phải xin gia hạn chậm nhất một ngày làm việc trước hạn "
                                              f"(hạn {a.due_on:%d/%m/%Y}: chậm nhất ngày {last_day:%d/%m/%Y}).")
        new_due = new_due or calendar.add_working_days(a.due_on, extra)
        if new_due <= a.due_on:
            raise RoutingConflict("not_later", f"Ngày hạn mới phải sau hạn hiện tại ({a.due_on:%d/%m/%Y}).")
        request = ExtensionRequest(assignment_id=a.id, requested_by=principal.user_id or a.assigned_by,
                                   requested_at=moment, old_due_on=a.due_on, new_due_on=new_due, reason=reason)
        try:
            with session.begin_nested():
                session.add(request)
        except IntegrityError:  # asked at the same moment by someone else
            raise RoutingConflict("already_asked", "Việc này đã xin gia hạn một lần: chỉ được xin một lần.") from None
        _event(session, a, "extension_asked", principal, moment, note=reason, new_due_on=new_due.isoformat())
        root = root_of(session, a)
        subject = subject_of_assignment(session, a)
        notify.add(session, root.assigned_by, "extension", a.id,
                   f"Xin gia hạn đến {new_due:%d/%m/%Y}: {subject.title}. Lý do: {reason}")
        record(services, session, principal, "routing.extension_ask", object_type="assignment", object_id=a.id,
               details={"old_due_on": a.due_on.isoformat(), "new_due_on": new_due.isoformat()})
        uow.commit()
        return extension_dict(request)


def extension_dict(r: ExtensionRequest) -> dict:
    return {"id": r.id, "assignment_id": r.assignment_id, "old_due_on": r.old_due_on.isoformat(),
            "new_due_on": r.new_due_on.isoformat(), "reason": r.reason, "approved": r.approved,
            "decision_note": r.decision_note}


def decide_extension(services: Services, principal: Principal, assignment_id: int, *, approve: bool,
                     note: str | None = None, now: datetime | None = None) -> dict:
    """The assigner (who assigned the root of the chain) approves or refuses the request;
    approved, the deadline moves and the first one stays in ``original_due_on``."""
    require(principal, "routing.assign")
    if not isinstance(approve, bool):
        raise RoutingInvalid("approve", "Ghi approve là true (đồng ý) hoặc false (không đồng ý).")
    note = text("note", note)
    moment, _local_time = _local(services, now)
    with _writing(services) as uow:
        session = uow.session
        a = _open(session, principal, assignment_id, handling=False)
        if not principal.is_system and root_of(session, a).assigned_by != principal.user_id:
            if not _may_view(session, principal, subject_of_assignment(session, a)):
                raise RoutingNotFound(f"Không có việc được giao số {assignment_id}.")
            raise PermissionDenied("routing.assign")
        request = session.scalar(select(ExtensionRequest).where(ExtensionRequest.assignment_id == a.id))
        if request is None:
            raise RoutingConflict("no_extension", "Việc này chưa có đề nghị gia hạn.")
        if request.approved is not None:
            raise RoutingConflict("already_decided", "Đề nghị gia hạn đã được quyết định.")
        if approve and a.status != OPEN:
            raise RoutingConflict("not_open", "Việc này đã xong hoặc đã chuyển tiếp.")
        request.approved, request.decided_by, request.decided_at = approve, principal.user_id, moment
        request.decision_note = note
        if approve:
            a.original_due_on = a.original_due_on or a.due_on
            a.due_on = request.new_due_on
        _event(session, a, "extension_approved" if approve else "extension_refused", principal, moment, note=note,
               to_user=request.requested_by, due_on=a.due_on.isoformat() if a.due_on else None)
        word = f"được đồng ý: hạn mới {a.due_on:%d/%m/%Y}" if approve else "không được đồng ý"
        notify.add(session, request.requested_by, "extension", a.id,
                   f"Đề nghị gia hạn {word}: {subject_of_assignment(session, a).title}.")
        record(services, session, principal, "routing.extension_decide", object_type="assignment", object_id=a.id,
               details={"approved": approve, "due_on": a.due_on.isoformat() if a.due_on else None})
        uow.commit()
        return {**extension_dict(request), "due_on": a.due_on.isoformat() if a.due_on else None,
                "original_due_on": a.original_due_on.isoformat() if a.original_due_on else None}


def complete(services: Services, principal: Principal, assignment_id: int, *, note: str | None = None,
             reply_document_id: Any = None, now: datetime | None = None) -> dict:
    """Done, with a note and an optional reply document: the standing against the deadline
    (``early`` 2, ``on_time`` 1, ``late`` 0; none without a deadline). When no main
    assignment of an incoming document is left open, the document is ``done``; for a dossier,
    its receiving desk is told the result is ready to return."""
    require(principal, "routing.handle")
    note, reply = text("note", note, required=True), whole("reply_document_id", reply_document_id, 1, 2**31 - 1)
    moment, local = _local(services, now)
    with _writing(services) as uow:
        session = uow.session
        a = _open(session, principal, assignment_id)
        if reply is not None:
            doc = session.get(Document, reply)
            if doc is None or not can_see(principal, doc):
                raise RoutingNotFound(f"Không có văn bản trả lời số {reply}.")
        done_on = local.date()
        standing = calendar_for(services, a.unit_id).standing(a.due_on, done_on, done_on) if a.due_on else None
        a.status, a.completed_at, a.completed_on, a.completed_by = DONE, moment, done_on, principal.user_id
        a.completion_note, a.reply_document_id = note, reply
        a.standing, a.score = standing, SCORES.get(standing) if standing else None
        a.progress = 100
        _event(session, a, "complete", principal, moment, note=note, standing=standing, reply_document_id=reply)
        session.flush()
        subject = subject_of(session, incoming_id=a.incoming_id, dossier_id=a.dossier_id, lock=True)
        finished = _all_main_done(session, subject)
        if finished and subject.kind == "incoming":
            session.get(IncomingDocument, subject.id).status = INCOMING_DONE
        if finished and subject.kind == "dossier":
            dossier = session.get(Dossier, subject.id)
            notify.add(session, dossier.received_by, "result_ready", a.id,
                       f"Hồ sơ {dossier.code} đã có kết quả: trả cho {dossier.applicant}.")
        root = root_of(session, a)
        if root.assigned_by != principal.user_id:
            notify.add(session, root.assigned_by, "completed", a.id, f"Đã hoàn thành: {subject.title}.")
        record(services, session, principal, "routing.complete", object_type="assignment", object_id=a.id,
               details={"standing": standing, "score": a.score, "reply_document_id": reply})
        uow.commit()
        return {"id": a.id, "completed_on": done_on.isoformat(), "standing": standing, "score": a.score,
                "subject_done": finished}


def _all_main_done(session, subject: Subject) -> bool:
    key = [getattr(Assignment, k) == v for k, v in subject.key.items()]
    left = session.scalar(select(Assignment.id).where(*key, Assignment.role == ROLE_MAIN, Assignment.status == OPEN))
    return left is None


# -- reading ----------------------------------------------------------------------------------

def _may_view(session, principal: Principal, subject: Subject) -> bool:
    """The registering office's users cleared for it, the assignees and the assigners."""
    if principal.is_system or (principal.can("routing.view") and in_office(principal, subject)):
        return True
    if principal.user_id is None:
        return False
    key = [getattr(Assignment, k) == v for k, v in subject.key.items()]
    mine = (Assignment.user_id == principal.user_id) | (Assignment.assigned_by == principal.user_id) | \
        ((Assignment.user_id.is_(None)) & (Assignment.unit_id == principal.unit_id))
    return session.scalar(select(Assignment.id).where(*key, mine).limit(1)) is not None


def _summary(session, subject: Subject) -> dict:
    if subject.kind == "dossier":
        d = session.get(Dossier, subject.id)
        return {"kind": "dossier", "id": d.id, "code": d.code, "applicant": d.applicant, "field": d.field,
                "received_on": d.received_on.isoformat(), "due_on": d.due_on.isoformat() if d.due_on else None,
                "status": d.status, "title": subject.title}
    r = session.get(IncomingDocument, subject.id)
    return {"kind": "incoming", "id": r.id, "arrival_number": r.arrival_number, "year": r.year,
            "arrived_at": r.arrived_at.isoformat(), "arrived_on": r.arrived_on.isoformat(), "number": r.number,
            "symbol": r.symbol, "doc_type": r.doc_type, "issuer": r.issuer,
            "issued_on": r.issued_on.isoformat() if r.issued_on else None, "abstract": r.abstract,
            "urgency": r.urgency, "urgency_label": urgency_label(r.urgency), "secrecy": r.secrecy,
            "secrecy_label": SECRECY_LABELS.get(r.secrecy), "status": r.status, "document_id": r.document_id,
            "office_unit_id": r.office_unit_id, "title": subject.title}


def timeline(services: Services, principal: Principal, incoming_id: int) -> dict:
    """The document's register summary, its assignments (with any extension request and what
    the principal may do with each) and the trace in order: ``{"document", "assignments",
    "events", "can_assign"}``; an event is ``kind, kind_label, assignment_id, from, to, at,
    note, data``."""
    return _timeline(services, principal, {"incoming_id": incoming_id})


def dossier_timeline(services: Services, principal: Principal, dossier_id: int) -> dict:
    return _timeline(services, principal, {"dossier_id": dossier_id})


def _timeline(services: Services, principal: Principal, key: dict) -> dict:
    require(principal, "routing.view")
    with services.uow() as uow:
        session = uow.session
        subject = subject_of(session, **key)
        if not _may_view(session, principal, subject):
            raise RoutingNotFound("Không tìm thấy văn bản này, hoặc bạn không tham gia xử lý nó.")
        where = [getattr(Assignment, k) == v for k, v in subject.key.items()]
        rows = session.scalars(select(Assignment).where(*where).order_by(Assignment.id)).all()
        ids = [a.id for a in rows]
        events = session.scalars(select(AssignmentEvent).where(AssignmentEvent.assignment_id.in_(ids or [0]))
                                 .order_by(AssignmentEvent.at, AssignmentEvent.id)).all()
        requests = {r.assignment_id: r for r in session.scalars(
            select(ExtensionRequest).where(ExtensionRequest.assignment_id.in_(ids or [0])))}
        user_ids = {x for a in rows for x in (a.user_id, a.assigned_by, a.completed_by) if x}
        user_ids |= {x for e in events for x in (e.from_user_id, e.to_user_id) if x}
        users, units = names(session, user_ids, {a.unit_id for a in rows} | {e.to_unit_id for e in events if e.to_unit_id})
        roots = {a.id: root_of(session, a).assigned_by for a in rows}
        assignments = []
        for a in rows:
            item = assignment_dict(a, users, units)
            r = requests.get(a.id)
            item["extension"] = extension_dict(r) if r else None
            item["can_handle"] = a.status == OPEN and may_handle(principal, a)
            item["can_decide"] = bool(r and r.approved is None and a.status == OPEN and
                                      (principal.is_system or roots[a.id] == principal.user_id))
            assignments.append(item)
        timeline_rows = [{"kind": e.kind, "kind_label": EVENT_LABELS.get(e.kind, e.kind),
                          "assignment_id": e.assignment_id, "from": users.get(e.from_user_id) or "hệ thống",
                          "to": users.get(e.to_user_id) or units.get(e.to_unit_id), "at": e.at.isoformat(),
                          "note": e.note, "data": e.data} for e in events]
        return {"document": _summary(session, subject), "assignments": assignments, "events": timeline_rows,
                "can_assign": principal.can("routing.assign") and in_office(principal, subject)}


def assign_choices(services: Services, principal: Principal, incoming_id: int) -> dict:
    """What the assign form offers a leader: the units in their scope, and the people there
    who may handle work and are cleared for this document."""
    require(principal, "routing.assign")
    from archive.accounts import Unit, UserRole
    from docsvc.permissions import roles_for

    with services.uow() as uow:
        session = uow.session
        subject = subject_of(session, incoming_id=incoming_id)
        units = session.execute(select(Unit.id, Unit.code, Unit.name).order_by(Unit.code)).all()
        people = session.execute(select(User.id, User.username, User.full_name, User.unit_id).distinct()
                                 .join(UserRole, UserRole.user_id == User.id)
                                 .where(User.is_active.is_(True), User.clearance >= subject.secrecy,
                                        UserRole.role.in_(roles_for("routing.handle")))
                                 .order_by(User.username)).all()
        scope = principal.unit_ids
        return {"units": [{"id": i, "code": c, "name": n} for i, c, n in units if scope is None or i in scope],
                "users": [{"id": i, "username": u, "name": f or u, "unit_id": un}
                          for i, u, f, un in people if scope is None or un in scope]}


def preview_due(services: Services, principal: Principal, unit: Any, working_days: Any,
                now: datetime | None = None) -> str | None:
    """The due date an assignment made now would get (the form shows it)."""
    require(principal, "routing.view")
    days = parse_days(working_days)
    if days is None:
        return None
    with services.uow() as uow:
        unit_id = unit_by(uow.session, unit).id if unit not in (None, "") else None
    _moment, local = _local(services, now)
    return calendar_for(services, unit_id).due_date(local, days).isoformat()


def forward_choices(services: Services, principal: Principal, unit_id: int) -> list[dict]:
    """The people of a unit (and the units below it) an assignment of it may be forwarded to."""
    require(principal, "routing.handle")
    from archive.accounts import unit_subtree_ids

    with services.uow() as uow:
        session = uow.session
        units = unit_subtree_ids(session, unit_id)
        rows = session.execute(select(User.id, User.username, User.full_name).where(
            User.unit_id.in_(units), User.is_active.is_(True)).order_by(User.username)).all()
        return [{"id": i, "username": u, "name": f or u} for i, u, f in rows if i != principal.user_id]
