"""Reading dossiers: one with its timeline, the desk's lists, the receipt PDF
(re-exported by docsvc.dossiers.services).

Scope: a dossier is seen by holders of ``dossier.view`` whose units (subtree, custody) hold
its receiving office or its handling unit; any other answer is 404, as if it did not exist.

Personal data: the applicant's name and contact are shown only to holders of
``dossier.applicant`` (the desk, the leaders); the others read the initials, and a search
by name matches nothing for them (the code still matches). A read that shows the applicant
— a dossier's page, a search by name, a receipt — writes one ``person.read`` record (purpose:
handling the dossier) in the same transaction; the desk's lists of the day do not, the
applicant having handed the data to that desk for that purpose.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User
from archive.dossiers import IN_PROGRESS, RECEIVED, Dossier, DossierEvent, Procedure
from archive.routing import Assignment
from docsvc.access import Principal
from docsvc.audit.personal import ACTION as PERSONAL_READ, Purpose, read_details
from docsvc.calendar.services import calendar_for
from docsvc.dates import local_now
from docsvc.dossiers.procedures import office_dict
from docsvc.dossiers.rules import DossierInvalid, DossierNotFound, held, initials, require, sees_applicant
from docsvc.services.audit import record
from docsvc.services.container import Services

HANDLING = Purpose("other", "Giải quyết hồ sơ thủ tục hành chính")
OPEN_STATES = (RECEIVED, IN_PROGRESS)
MAX_LIMIT = 500


def _local(value: datetime | None, tz: str) -> str | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None).isoformat(timespec="minutes")


def dossier_dict(row: Dossier, proc: Procedure | None, *, show_applicant: bool, tz: str = "Asia/Ho_Chi_Minh",
                 marker: str | None = None) -> dict:
    return {
        "id": row.id, "code": row.code, "status": row.status, "field": row.field,
        "procedure": {"code": proc.code, "name": proc.name, "working_days": proc.working_days} if proc else None,
        "applicant": row.applicant if show_applicant else initials(row.applicant),
        "applicant_contact": row.applicant_contact if show_applicant else None,
        "received_at": _local(row.received_at, tz), "received_on": row.received_on.isoformat(),
        "clock_from": row.clock_from.isoformat() if row.clock_from else None,
        "due_on": row.due_on.isoformat() if row.due_on else None,
        "original_due_on": row.original_due_on.isoformat() if row.original_due_on else None,
        "supplements": row.supplements or 0, "apologized": bool(row.apologized),
        "refused_reason": row.refused_reason, "office_unit_id": row.office_unit_id,
        "handling_unit_id": row.handling_unit_id, "result_note": row.result_note,
        "result_document_id": row.result_document_id,
        "returned_at": _local(row.returned_at, tz),
        "returned_on": row.returned_on.isoformat() if row.returned_on else None,
        "standing": row.standing, "score": row.score, "marker": marker,
    }


def _log_read(services: Services, session: Session, principal: Principal, what: str, object_id: int | None,
              person: str | None, **details) -> None:
    record(services, session, principal, PERSONAL_READ, object_type="dossier", object_id=object_id,
           details=read_details(principal, HANDLING, what, person, **details))


def _visible(session: Session, principal: Principal, dossier_id: int) -> Dossier:
    row = session.get(Dossier, dossier_id)
    if row is None or not held(principal, row.office_unit_id, row.handling_unit_id):
        raise DossierNotFound()
    return row


def _marker(calendar, row: Dossier, today: date) -> str | None:
    if row.status not in OPEN_STATES or row.due_on is None:
        return None
    return calendar.standing(row.due_on, None, today)


def _names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: (u.full_name or u.username) for u in session.scalars(select(User).where(User.id.in_(ids)))}


def get_dossier(services: Services, principal: Principal, dossier_id: int) -> dict:
    """The dossier with its office, its timeline (``events``, oldest first), the documents
    received and its assignments; ``marker`` (open, due_soon, overdue) while it is open."""
    require(principal, "dossier.view")
    tz = services.settings.time_zone
    show = sees_applicant(principal)
    with services.uow() as uow:
        session = uow.session
        row = _visible(session, principal, dossier_id)
        calendar = calendar_for(services, row.office_unit_id)
        proc = session.get(Procedure, row.procedure_id)
        events = session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == row.id)
                                 .order_by(DossierEvent.id)).all()  # in the order recorded
        jobs = session.scalars(select(Assignment).where(Assignment.dossier_id == row.id).order_by(Assignment.id)).all()
        names = _names(session, [e.by_user_id for e in events] + [row.received_by, row.handling_user_id]
                       + [a.user_id for a in jobs])
        units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(
            {row.office_unit_id, row.handling_unit_id, *(a.unit_id for a in jobs)} - {None})))}
        data = dossier_dict(row, proc, show_applicant=show, tz=tz,
                            marker=_marker(calendar, row, local_now(tz).date()))
        received = next((e for e in events if e.kind == "received"), None)
        data.update({
            "office": office_dict(session, units[row.office_unit_id]),
            "received_by": names.get(row.received_by),
            "handling_unit": units[row.handling_unit_id].name if row.handling_unit_id else None,
            "handling_user": names.get(row.handling_user_id),
            "documents": list((received.data or {}).get("documents") or []) if received else [],
            "events": [{"kind": e.kind, "at": _local(e.at, tz), "by": names.get(e.by_user_id), "note": e.note,
                        "data": e.data or {}} for e in events],
            "assignments": [{"id": a.id, "role": a.role, "unit": units[a.unit_id].name if a.unit_id in units else None,
                             "user": names.get(a.user_id), "status": a.status,
                             "due_on": a.due_on.isoformat() if a.due_on else None,
                             "completed_on": a.completed_on.isoformat() if a.completed_on else None,
                             "standing": a.standing, "score": a.score} for a in jobs],
        })
        if show:
            _log_read(services, session, principal, "dossier", row.id, row.applicant)
        uow.commit()
        return data


def _period(raw: date | str | None, field: str) -> date | None:
    if raw in (None, "") or isinstance(raw, date):
        return raw or None
    from docsvc.dates import parse_day

    try:
        return parse_day(raw)
    except ValueError:
        raise DossierInvalid(field, "Ngày không hợp lệ: ghi dạng dd/mm/yyyy hoặc YYYY-MM-DD.") from None


def list_dossiers(services: Services, principal: Principal, *, status: str | None = None, field: str | None = None,
                  date_from: date | str | None = None, date_to: date | str | None = None, q: str | None = None,
                  marker: str | None = None, limit: int = 100, offset: int = 0) -> dict:
    """Dossiers in scope, newest first: ``{"items", "total"}``. Filters: ``status``,
    ``field``, received between ``date_from`` and ``date_to`` (inclusive), ``q`` (a part of
    the code; of the applicant's name for those who may read it), ``marker`` ``due_soon``
    (open, due today or on the next working day) or ``overdue`` (open, past its date)."""
    require(principal, "dossier.view")
    from archive.dossiers import STATES

    if status not in (None, "") and status not in STATES:
        raise DossierInvalid("status", f"Trạng thái: {', '.join(STATES)}.")
    if marker not in (None, "", "due_soon", "overdue"):
        raise DossierInvalid("marker", "Đánh dấu: due_soon hoặc overdue.")
    start, end = _period(date_from, "from"), _period(date_to, "to")
    limit = max(1, min(int(limit or 100), MAX_LIMIT))
    tz = services.settings.time_zone
    today = local_now(tz).date()
    show = sees_applicant(principal)
    conditions = []
    if principal.unit_ids is not None:
        ids = list(principal.unit_ids) or [-1]
        conditions.append(or_(Dossier.office_unit_id.in_(ids), Dossier.handling_unit_id.in_(ids)))
    if status:
        conditions.append(Dossier.status == status)
    if field:
        conditions.append(Dossier.field == field)
    if start:
        conditions.append(Dossier.received_on >= start)
    if end:
        conditions.append(Dossier.received_on <= end)
    needle = " ".join(str(q or "").split())
    if needle:
        like = f"%{needle.lower()}%"
        conditions.append(or_(func.lower(Dossier.code).like(like), func.lower(Dossier.applicant).like(like))
                          if show else func.lower(Dossier.code).like(like))
    own_calendar = calendar_for(services, principal.unit_id)
    if marker == "overdue":
        conditions.append(and_(Dossier.status.in_(OPEN_STATES), Dossier.due_on < today))
    elif marker == "due_soon":
        conditions.append(and_(Dossier.status.in_(OPEN_STATES), Dossier.due_on >= today,
                               Dossier.due_on <= own_calendar.next_working_day(today)))
    with services.uow() as uow:
        session = uow.session
        where = and_(*conditions) if conditions else True
        total = session.scalar(select(func.count(Dossier.id)).where(where))
        rows = session.execute(select(Dossier, Procedure).join(Procedure, Procedure.id == Dossier.procedure_id)
                               .where(where).order_by(Dossier.received_at.desc(), Dossier.id.desc())
                               .limit(limit).offset(max(0, int(offset or 0)))).all()
        calendars: dict[int, object] = {}
        items = []
        for row, proc in rows:
            if row.office_unit_id not in calendars:
                calendars[row.office_unit_id] = calendar_for(services, row.office_unit_id)
            items.append(dossier_dict(row, proc, show_applicant=show, tz=tz,
                                      marker=_marker(calendars[row.office_unit_id], row, today)))
        if needle and show and items:
            _log_read(services, session, principal, "dossier_search", None, needle,
                      ids=[i["id"] for i in items][:100])
            uow.commit()
        return {"items": items, "total": total}


def receipt_pdf(services: Services, principal: Principal, dossier_id: int) -> bytes:
    """The receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả) as an A4 PDF, Vietnamese."""
    require(principal, "dossier.view")
    if not sees_applicant(principal):  # the receipt names the applicant
        require(principal, "dossier.applicant")
    from docsvc.dossiers.receipt import ReceiptContent, render_receipt

    tz = services.settings.time_zone
    with services.uow() as uow:
        session = uow.session
        row = _visible(session, principal, dossier_id)
        proc = session.get(Procedure, row.procedure_id)
        office = office_dict(session, session.get(Unit, row.office_unit_id))
        received = session.scalar(select(DossierEvent).where(DossierEvent.dossier_id == row.id,
                                                              DossierEvent.kind == "received"))
        officer = session.get(User, row.received_by)
        content = ReceiptContent(
            office_lines=tuple(office["heading"]), office_name=office["unit"]["name"], place=office["place"],
            code=row.code, applicant=row.applicant, contact=row.applicant_contact or "",
            procedure=proc.name, documents=tuple((received.data or {}).get("documents") or ()) if received else (),
            working_days=proc.working_days,
            received_at=row.received_at.astimezone(ZoneInfo(tz)).replace(tzinfo=None),
            due_on=row.due_on, officer=(officer.full_name or officer.username) if officer else "")
        _log_read(services, session, principal, "dossier_receipt", row.id, row.applicant)
        uow.commit()
    return render_receipt(content)


_NOTICE_EVENTS = {"supplement": "supplement_requested", "refusal": "refused", "apology": "apology"}


def notice_pdf(services: Services, principal: Principal, dossier_id: int, kind: str) -> bytes:
    """The slip of the dossier's last supplement request, its refusal or its apology, as an
    A4 PDF (docsvc.dossiers.notices); ``DossierNotFound`` when it has none of that kind."""
    require(principal, "dossier.applicant")
    from docsvc.dates import format_day
    from docsvc.dossiers.notices import NoticeContent, render_notice

    if kind not in _NOTICE_EVENTS:
        raise DossierNotFound("Không có loại phiếu này.")
    tz = services.settings.time_zone
    with services.uow() as uow:
        session = uow.session
        row = _visible(session, principal, dossier_id)
        event = session.scalar(select(DossierEvent).where(DossierEvent.dossier_id == row.id,
                                                           DossierEvent.kind == _NOTICE_EVENTS[kind])
                               .order_by(DossierEvent.id.desc()).limit(1))
        if event is None:
            raise DossierNotFound("Hồ sơ chưa có phiếu này.")
        proc = session.get(Procedure, row.procedure_id)
        office = office_dict(session, session.get(Unit, row.office_unit_id))
        officer = session.get(User, event.by_user_id) if event.by_user_id else None
        data = event.data or {}
        if kind == "supplement":
            lines = (("Hồ sơ cần bổ sung, hoàn thiện:", event.note or ""),)
            closing = ("Thời hạn giải quyết được tính lại từ ngày Ông/Bà nộp đủ hồ sơ. Xin Ông/Bà bổ sung, "
                       "hoàn thiện hồ sơ theo hướng dẫn trên.")
        elif kind == "refusal":
            lines = (("Lý do từ chối:", event.note or row.refused_reason or ""),)
            closing = "Xin thông báo để Ông/Bà được biết."
        else:
            old, new = data.get("old_due_on"), data.get("new_due_on")
            lines = (("Ngày hẹn trả kết quả trước đây:", format_day(date.fromisoformat(old)) if old else ""),
                     ("Lý do chậm:", event.note or ""),
                     ("Ngày hẹn trả kết quả mới:", format_day(date.fromisoformat(new)) if new else ""))
            closing = (f"{office['unit']['name']} xin lỗi Ông/Bà vì việc giải quyết hồ sơ chậm so với thời hạn đã "
                       "hẹn, và hẹn trả kết quả vào ngày mới nêu trên.")
        content = NoticeContent(kind, tuple(office["heading"]), office["place"],
                                event.at.astimezone(ZoneInfo(tz)).date(), row.code, row.applicant, proc.name, lines,
                                closing, (officer.full_name or officer.username) if officer else "")
        _log_read(services, session, principal, f"dossier_{kind}", row.id, row.applicant)
        uow.commit()
    return render_notice(content)
