"""One-stop dossiers (hồ sơ thủ tục hành chính, DOMAIN.md §3, issue 13 §4): the use cases
that the desk's pages, the API and the CLI call (the pattern of docs/architecture.md).

The life of a dossier (``archive.dossiers``):

- ``receive_dossier``: the code (docsvc.dossiers.rules: agency code, day, daily sequence
  taken inside the transaction, gap-free under concurrent desks) and, when accepted, the
  promised return date: day 0 is the receipt day of the moment it came (after the cut-off or
  on a day off: the next working day), the date the procedure's N-th working day after it.
  ``received_at`` may be in the past (paper received earlier), never in the future. The
  outcome at the desk is ``accepted`` (state ``received``), ``supplement`` (the applicant
  must bring more: state ``supplement``, no date yet) or ``refused`` (with the reason).
- ``request_supplement`` (clock stopped), ``complete_supplement`` (the clock restarts from
  the receipt day of that moment, with the procedure's full time; back to ``received``, or to
  ``in_progress`` when it had been routed already), ``refuse`` (a reason is required).
- ``route``: to the handling unit (and person): state ``in_progress``, the Assignment row
  (docsvc.dossiers.assignments).
- ``apologize``: a unit that will be late gives ONE new date, at the latest the day before
  the due date (a second time answers 409); the original date is kept and the standing at
  return is counted against it.
- ``return_result``: state ``returned``; early before the (original) due day, on time on it,
  late after; score 2/1/0 on the row, and the open assignments completed.

Refusals: ``PermissionDenied`` (403), ``DossierNotFound`` (404: absent or another unit's),
``DossierInvalid`` (400, ``field``), ``DossierConflict`` (409, ``code``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User, unit_subtree_ids
from archive.dossiers import IN_PROGRESS, RECEIVED, REFUSED, RETURNED, SUPPLEMENT, Dossier, DossierEvent, Procedure
from archive.models import Document
from archive.routing import SCORES
from archive.sequences import take_next
from docsvc.access import Principal
from docsvc.calendar.services import calendar_for, local_moment
from docsvc.dates import local_now
from docsvc.dossiers import assignments
from docsvc.dossiers.procedures import (STARTER, configure_office, get_office, list_procedures,  # noqa: F401
                                        office_dict, office_unit, procedure_by_code, save_procedure)
from docsvc.dossiers.reading import dossier_dict, get_dossier, list_dossiers, notice_pdf, receipt_pdf  # noqa: F401
from docsvc.dossiers.rules import (FIELDS, OUTCOMES, DossierConflict, DossierInvalid, DossierNotFound,  # noqa: F401
                                   UnknownReference, format_code, held, lines, require, sees_applicant, text)
from docsvc.extracts.rules import _begin_write, _one_writer
from docsvc.services.audit import record
from docsvc.services.container import Services
from docsvc.workdays import CalendarError

DOSSIER_SCOPE = "dossier"
_SKEW = timedelta(minutes=2)   # a desk's clock a little ahead of the server's is not "the future"


def _moment(services: Services, raw: datetime | str | None, field: str) -> datetime:
    """A moment as the office's wall-clock time (naive); now when not given; never in the
    future."""
    now = local_now(services.settings.time_zone).replace(tzinfo=None)
    if raw in (None, ""):
        return now
    if isinstance(raw, str):
        try:
            raw = datetime.fromisoformat(raw.strip().upper().replace(" ", "T")) if len(raw.strip()) > 10 \
                else datetime.combine(date.fromisoformat(raw.strip()), datetime.min.time())
        except ValueError:
            raise DossierInvalid(field, "Thời điểm không hợp lệ: ghi dạng YYYY-MM-DDTHH:MM.") from None
    try:
        moment = local_moment(services, raw)
    except OverflowError:
        raise DossierInvalid(field, "Thời điểm nằm ngoài khoảng năm tính được.") from None
    if moment > now + _SKEW:
        raise DossierInvalid(field, "Thời điểm không được ở tương lai.")
    return moment


def _aware(services: Services, local: datetime) -> datetime:
    return local.replace(tzinfo=ZoneInfo(services.settings.time_zone))


def _event(session: Session, dossier: Dossier, principal: Principal, kind: str, at: datetime,
           note: str | None = None, **data) -> None:
    session.add(DossierEvent(dossier_id=dossier.id, kind=kind, by_user_id=principal.user_id, at=at, note=note,
                             data={k: v for k, v in data.items() if v is not None}))


def _audit(services: Services, session: Session, principal: Principal, action: str, dossier: Dossier,
           **details) -> None:
    record(services, session, principal, action, object_type="dossier", object_id=dossier.id,
           details={"code": dossier.code, **{k: v for k, v in details.items() if v is not None}})


# -- receiving ----------------------------------------------------------------------------

def receive_dossier(services: Services, principal: Principal, procedure: str, applicant: str,
                    received_at: datetime | str | None = None, applicant_contact: str | None = None,
                    documents: list[str] | str | None = None, outcome: str = "accepted", note: str | None = None,
                    office: str | int | None = None) -> dict:
    """Receive a dossier at the desk (see the module's docstring). ``note``: what is missing
    (outcome ``supplement``) or why it is refused (``refused``). Returns ``dossier_dict``
    (``id``, ``code``, ``due_on`` ...)."""
    require(principal, "dossier.receive")
    applicant = text("applicant", applicant, limit=300)
    contact = text("applicant_contact", applicant_contact, limit=300, required=False)
    papers = lines("documents", documents)
    if outcome not in OUTCOMES:
        raise DossierInvalid("outcome", "Kết quả tiếp nhận: accepted, supplement hoặc refused.")
    why = text("note", note, limit=2000, required=outcome != "accepted")
    moment = _moment(services, received_at, "received_at")
    with services.uow() as uow:  # the office and its calendar, read before the write lock
        unit_id = office_unit(uow.session, principal, office).id
    calendar = calendar_for(services, unit_id)
    with _one_writer(services), services.uow() as uow:
        session = uow.session
        _begin_write(session)
        proc = procedure_by_code(session, procedure)
        office_row = office_dict(session, session.get(Unit, unit_id))
        clock_from = due_on = None
        if outcome == "accepted":
            try:
                clock_from = calendar.receipt_day(moment)
                due_on = calendar.add_working_days(clock_from, proc.working_days)
            except CalendarError as exc:
                raise DossierInvalid("received_at", str(exc)) from None
        day = moment.date()
        seq = take_next(session, DOSSIER_SCOPE, unit_id, int(day.strftime("%Y%m%d")))  # as late as possible
        status = {"accepted": RECEIVED, "supplement": SUPPLEMENT, "refused": REFUSED}[outcome]
        row = Dossier(code=format_code(office_row["agency_code"], day, seq), office_unit_id=unit_id,
                      procedure_id=proc.id, field=proc.field, applicant=applicant, applicant_contact=contact,
                      received_at=_aware(services, moment), received_on=day,
                      received_by=principal.user_id if principal.user_id is not None else _any_user(session, unit_id),
                      clock_from=clock_from, due_on=due_on, original_due_on=due_on, status=status,
                      supplements=1 if outcome == "supplement" else 0,
                      refused_reason=why if outcome == "refused" else None)
        session.add(row)
        session.flush()
        _event(session, row, principal, "received", _aware(services, moment), documents=papers,
               procedure=proc.code, working_days=proc.working_days, outcome=outcome,
               due_on=due_on.isoformat() if due_on else None)
        if outcome == "supplement":
            _event(session, row, principal, "supplement_requested", _aware(services, moment), why)
        elif outcome == "refused":
            _event(session, row, principal, "refused", _aware(services, moment), why)
        _audit(services, session, principal, "dossier.receive", row, procedure=proc.code, outcome=outcome,
               due_on=due_on.isoformat() if due_on else None)
        session.flush()
        data = dossier_dict(row, proc, show_applicant=True, tz=services.settings.time_zone)
        uow.commit()
        return data


def _any_user(session: Session, unit_id: int) -> int:
    """The local operator (no user of their own) receives on paper for the office: the
    record names the office's first user."""
    user_id = session.scalar(select(User.id).where(User.unit_id == unit_id).order_by(User.id).limit(1)) \
        or session.scalar(select(User.id).order_by(User.id).limit(1))
    if user_id is None:
        raise DossierInvalid("office", "Đơn vị chưa có người dùng nào để ghi là người tiếp nhận.")
    return user_id


# -- the outcomes -------------------------------------------------------------------------

def _for_write(session: Session, principal: Principal, dossier_id: int) -> Dossier:
    """The dossier, locked for this transaction (SQLite: the write lock first; PostgreSQL:
    the row), in the principal's scope."""
    _begin_write(session)
    query = select(Dossier).where(Dossier.id == dossier_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None or not held(principal, row.office_unit_id, row.handling_unit_id):
        raise DossierNotFound()
    return row


def _office_of(services: Services, principal: Principal, dossier_id: int) -> int:
    """The dossier's receiving office, once it is known to be in reach: a dossier out of
    reach answers 404 before the values sent are judged."""
    with services.uow() as uow:
        row = uow.session.get(Dossier, dossier_id)
        if row is None or not held(principal, row.office_unit_id, row.handling_unit_id):
            raise DossierNotFound()
        return row.office_unit_id


def _state(row: Dossier, *allowed: str, doing: str) -> None:
    if row.status not in allowed:
        from docsvc.dossiers.rules import STATE_LABELS

        raise DossierConflict("wrong_state", f"Hồ sơ {row.code} đang ở trạng thái “{STATE_LABELS[row.status]}”: "
                                             f"không {doing} được.")


def _done(services: Services, session: Session, row: Dossier, principal: Principal) -> dict:
    session.flush()
    return dossier_dict(row, session.get(Procedure, row.procedure_id), show_applicant=sees_applicant(principal),
                        tz=services.settings.time_zone)


def request_supplement(services: Services, principal: Principal, dossier_id: int, missing: str,
                       at: datetime | str | None = None) -> dict:
    """The applicant must bring more (``missing`` says what): the clock stops."""
    require(principal, "dossier.receive")
    _office_of(services, principal, dossier_id)
    missing = text("missing", missing, limit=2000)
    moment = _moment(services, at, "at")
    with services.uow() as uow:
        session = uow.session
        row = _for_write(session, principal, dossier_id)
        _state(row, RECEIVED, IN_PROGRESS, doing="yêu cầu bổ sung")
        row.status, row.supplements = SUPPLEMENT, (row.supplements or 0) + 1
        _event(session, row, principal, "supplement_requested", _aware(services, moment), missing)
        _audit(services, session, principal, "dossier.supplement", row, missing=missing)
        data = _done(services, session, row, principal)
        uow.commit()
        return data


def complete_supplement(services: Services, principal: Principal, dossier_id: int,
                        at: datetime | str | None = None) -> dict:
    """The supplement is complete: the clock restarts from the receipt day of ``at`` (now by
    default) with the procedure's full time."""
    require(principal, "dossier.receive")
    calendar = calendar_for(services, _office_of(services, principal, dossier_id))
    moment = _moment(services, at, "at")
    with services.uow() as uow:
        session = uow.session
        row = _for_write(session, principal, dossier_id)
        _state(row, SUPPLEMENT, doing="ghi nhận bổ sung")
        if _aware(services, moment) < row.received_at:
            raise DossierInvalid("at", "Thời điểm bổ sung trước thời điểm tiếp nhận hồ sơ.")
        proc = session.get(Procedure, row.procedure_id)
        row.clock_from = calendar.receipt_day(moment)
        row.due_on = row.original_due_on = calendar.add_working_days(row.clock_from, proc.working_days)
        row.status = IN_PROGRESS if row.handling_unit_id is not None else RECEIVED
        assignments.move_deadline(session, row, restart=True)
        _event(session, row, principal, "supplement_completed", _aware(services, moment),
               clock_from=row.clock_from.isoformat(), due_on=row.due_on.isoformat())
        _audit(services, session, principal, "dossier.supplement_done", row, due_on=row.due_on.isoformat())
        data = _done(services, session, row, principal)
        uow.commit()
        return data


def refuse(services: Services, principal: Principal, dossier_id: int, reason: str) -> dict:
    """Refuse the dossier, with the reason (required)."""
    require(principal, "dossier.receive")
    _office_of(services, principal, dossier_id)
    reason = text("reason", reason, limit=2000)
    now = local_now(services.settings.time_zone)
    with services.uow() as uow:
        session = uow.session
        row = _for_write(session, principal, dossier_id)
        _state(row, RECEIVED, SUPPLEMENT, doing="từ chối")
        row.status, row.refused_reason = REFUSED, reason
        _event(session, row, principal, "refused", now, reason)
        _audit(services, session, principal, "dossier.refuse", row, reason=reason)
        data = _done(services, session, row, principal)
        uow.commit()
        return data


def route(services: Services, principal: Principal, dossier_id: int, unit: str | int | None = None,
          user: str | None = None, note: str | None = None) -> dict:
    """Route an accepted dossier to its handling unit (the procedure's by default) and,
    optionally, a person of that unit."""
    require(principal, "dossier.handle")
    _office_of(services, principal, dossier_id)
    note = text("note", note, limit=2000, required=False)
    now = local_now(services.settings.time_zone)
    with services.uow() as uow:
        session = uow.session
        row = _for_write(session, principal, dossier_id)
        _state(row, RECEIVED, doing="chuyển xử lý")
        proc = session.get(Procedure, row.procedure_id)
        if unit in (None, ""):
            if proc.handling_unit_id is None:
                raise DossierInvalid("unit", "Hãy chọn đơn vị giải quyết (thủ tục chưa có đơn vị mặc định).")
            target = session.get(Unit, proc.handling_unit_id)
        else:
            from docsvc.dossiers.procedures import _unit_by_code

            target = _unit_by_code(session, unit)
        person = None
        if user not in (None, ""):
            person = session.scalar(select(User).where(User.username == str(user).strip()))
            if person is None or not person.is_active:
                raise UnknownReference("user", f"Không có người dùng {user}.")
            if person.unit_id not in unit_subtree_ids(session, target.id):
                raise DossierConflict("user_not_in_unit", f"{person.username} không thuộc {target.name}.")
        by = principal.user_id if principal.user_id is not None else row.received_by
        assignment = assignments.assign_main(session, row, target.id, person.id if person else None, by, note)
        row.status, row.handling_unit_id = IN_PROGRESS, target.id
        row.handling_user_id = person.id if person else None
        _event(session, row, principal, "routed", now, note, unit=target.code, unit_name=target.name,
               user=person.username if person else None, assignment_id=assignment.id)
        _audit(services, session, principal, "dossier.route", row, unit=target.code,
               user=person.username if person else None)
        data = {**_done(services, session, row, principal), "assignment_id": assignment.id}
        uow.commit()
        return data


def apologize(services: Services, principal: Principal, dossier_id: int, new_due_on: date | str, reason: str,
              at: datetime | str | None = None) -> dict:
    """The unit will be late: one apology with one new date, given before the due date."""
    require(principal, "dossier.handle")
    calendar = calendar_for(services, _office_of(services, principal, dossier_id))
    reason = text("reason", reason, limit=2000)
    new_due = _day("new_due_on", new_due_on)
    moment = _moment(services, at, "at")
    with services.uow() as uow:
        session = uow.session
        row = _for_write(session, principal, dossier_id)
        _state(row, RECEIVED, IN_PROGRESS, doing="xin lỗi, hẹn lại")
        if row.apologized:
            raise DossierConflict("already_apologized", f"Hồ sơ {row.code} đã được hẹn lại một lần "
                                                        f"(ngày {row.due_on:%d/%m/%Y}); chỉ được hẹn lại một lần.")
        if moment.date() >= row.due_on:
            raise DossierConflict("too_late", f"Phải xin lỗi, hẹn lại trước ngày hẹn trả ({row.due_on:%d/%m/%Y}).")
        if new_due <= row.due_on:
            raise DossierInvalid("new_due_on", f"Ngày hẹn mới phải sau ngày hẹn cũ ({row.due_on:%d/%m/%Y}).")
        if not calendar.is_working_day(new_due):
            raise DossierInvalid("new_due_on", f"Ngày {new_due:%d/%m/%Y} không phải ngày làm việc.")
        old = row.due_on
        row.original_due_on = row.original_due_on or old
        row.due_on, row.apologized = new_due, True
        assignments.move_deadline(session, row)
        _event(session, row, principal, "apology", _aware(services, moment), reason, old_due_on=old.isoformat(),
               new_due_on=new_due.isoformat())
        _audit(services, session, principal, "dossier.apology", row, old_due_on=old.isoformat(),
               new_due_on=new_due.isoformat())
        data = _done(services, session, row, principal)
        uow.commit()
        return data


def _day(field: str, raw: date | str) -> date:
    from docsvc.dates import BAD_DAY, day_of

    try:
        day = day_of(raw)
    except ValueError:
        day = None
    if day is None:
        raise DossierInvalid(field, BAD_DAY)
    return day


def standing_of(due: date, returned: date) -> str:
    """Early before the due day, on time on it, late after it (DOMAIN.md §3)."""
    return "early" if returned < due else "on_time" if returned == due else "late"


def return_result(services: Services, principal: Principal, dossier_id: int, note: str | None = None,
                  result_document_id: int | None = None, at: datetime | str | None = None) -> dict:
    """Hand the result back: standing against the original promised date, score 2/1/0."""
    require(principal, "dossier.handle")
    _office_of(services, principal, dossier_id)
    note = text("note", note, limit=2000, required=False)
    moment = _moment(services, at, "at")
    with services.uow() as uow:
        session = uow.session
        row = _for_write(session, principal, dossier_id)
        _state(row, RECEIVED, IN_PROGRESS, doing="trả kết quả")
        if _aware(services, moment) < row.received_at:
            raise DossierInvalid("at", "Thời điểm trả kết quả trước thời điểm tiếp nhận hồ sơ.")
        if result_document_id is not None:
            result_document_id = int(result_document_id)
        if result_document_id is not None and session.get(Document, result_document_id) is None:
            raise UnknownReference("result_document_id", f"Không có văn bản #{result_document_id}.")
        due = row.original_due_on or row.due_on
        row.status, row.result_note, row.result_document_id = RETURNED, note, result_document_id
        row.returned_at, row.returned_on = _aware(services, moment), moment.date()
        row.standing = standing_of(due, row.returned_on)
        row.score = SCORES[row.standing]
        closed = assignments.close_open(session, row, principal.user_id, row.returned_at, row.returned_on, note)
        _event(session, row, principal, "returned", row.returned_at, note, standing=row.standing,
               due_on=due.isoformat(), assignments_closed=closed)
        _audit(services, session, principal, "dossier.return", row, standing=row.standing, score=row.score)
        data = _done(services, session, row, principal)
        uow.commit()
        return data


def promised_dates(services: Services, principal: Principal, at: datetime | str | None = None) -> dict:
    """For the desk's procedure picker: the office and, for each procedure in use, the date
    it would promise for a dossier received at ``at`` (now by default)."""
    require(principal, "dossier.view")
    moment = _moment(services, at, "at")
    with services.uow() as uow:
        unit = office_unit(uow.session, principal)
        office = office_dict(uow.session, unit)
    calendar = calendar_for(services, unit.id)
    rows = list_procedures(services, principal, active_only=True)
    day0 = calendar.receipt_day(moment)
    return {"office": office, "moment": moment.isoformat(timespec="minutes"), "clock_from": day0.isoformat(),
            "procedures": [{**p, "due_on": calendar.add_working_days(day0, p["working_days"]).isoformat()}
                           for p in rows]}
