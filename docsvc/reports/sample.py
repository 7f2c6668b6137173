"""Sample workflows: registered incoming documents with their assignments, and one-stop
dossiers, with every outcome — one generator for ``docsvc demo`` (a few months, with the
trace of events) and for bench/reports.py (ten years, a million rows, bulk).

It writes the records directly (``archive.incoming``, ``archive.routing``,
``archive.dossiers``) with bulk inserts, ids given in advance so that the events can point at
their subject. The rows are consistent with what the use cases would have written:

- arrival numbers run 1..n per office, sequence (``incoming``, or ``incoming_secret`` for a
  document marked Mật or above) and year, dossier codes ``{agency}-{YYMMDD}-{NNNN}`` per day,
  and the ``NumberSequence`` rows are set to the last number given, so that a registration
  made afterwards continues each sequence;
- deadlines come from the real calendar (a ``docsvc.workdays.WorkCalendar``): day 0 is the
  receipt day after the cut-off rule, a limit of N working days ends on the N-th working day
  after it; a supplement restarts the clock; an approved extension or an apology moves the
  date once (``original_due_on`` keeps the first);
- standings are the calendar's (early before the due day, on time on it, late after), stored
  with their score 2/1/0; work not finished by ``today`` is open or overdue;
- the report's roll-up (``archive.rollup``; bulk inserts bypass its ORM listener) gets the
  written rows' counts with one grouped ``INSERT ... SELECT`` per measure and grain.

Outcomes drawn (by a seeded ``random.Random``): dossiers accepted and returned early / on
time / late, supplemented, refused, routed and still open, overdue, apologized; documents
normal, urgent (Khẩn, Thượng khẩn, Hỏa tốc) and secret, assigned to a main handler (unit or
person) with cooperating and information units, forwarded within the unit, extension asked
and approved or refused, completed early / on time / late, open and overdue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from archive.dossiers import (IN_PROGRESS, RECEIVED, REFUSED, RETURNED, SUPPLEMENT, Dossier, DossierEvent)
from archive.incoming import (INCOMING_ASSIGNED, INCOMING_DONE, INCOMING_REGISTERED, INCOMING_SCOPE,
                              INCOMING_SECRET_SCOPE, IncomingDocument)
from archive.routing import (DONE, EARLY, FORWARDED, LATE, ON_TIME, OPEN, ROLE_COOPERATE, ROLE_INFO, ROLE_MAIN,
                             SCORES, Assignment, AssignmentEvent, ExtensionRequest)
from archive.dossiers import DOSSIER_SCOPE
from archive.rollup import add_from_records
from archive.sequences import NumberSequence
from docsvc.workdays import WorkCalendar
from search.analyzer import fold

ISSUERS = ("UBND tỉnh", "Sở Nội vụ", "Sở Tài chính", "Sở Tài nguyên và Môi trường", "Công an tỉnh",
           "Sở Tư pháp", "Ban Chỉ huy Quân sự", "Kho bạc Nhà nước", "Bảo hiểm xã hội", "Sở Y tế")
TYPES = (("Công văn", None), ("Quyết định", "QĐ"), ("Kế hoạch", "KH"), ("Thông báo", "TB"), ("Giấy mời", "GM"),
         ("Báo cáo", "BC"), ("Hướng dẫn", "HD"), ("Công điện", "CĐ"))
SUBJECTS = ("triển khai công tác chuyển đổi số", "kiểm tra công tác cải cách hành chính", "phòng chống thiên tai",
            "tổng kết công tác năm", "thu ngân sách nhà nước", "cấp giấy chứng nhận quyền sử dụng đất",
            "tuyển quân năm tới", "tiêm chủng mở rộng", "rà soát hộ nghèo", "bầu cử đại biểu HĐND")
APPLICANTS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Võ Thị Hạnh",
              "Đặng Văn Khoa", "Bùi Thị Lan", "Đỗ Văn Minh", "Ngô Thị Nga", "Dương Văn Phúc", "Lý Thị Quỳnh")


@dataclass(frozen=True)
class Procedure:
    id: int
    field: str
    working_days: int
    unit_id: int
    users: tuple[int, ...]          # who handles it in that unit


@dataclass
class Plan:
    """Who and what the sample is about. ``units`` maps each handling unit to its users."""
    office_id: int
    agency_code: str
    clerk_id: int                   # registers documents, receives dossiers
    leader_id: int                  # assigns, approves extensions
    units: dict[int, tuple[int, ...]]
    procedures: list[Procedure]
    calendar: WorkCalendar
    start: date
    end: date                       # inclusive; usually today
    dossiers: int
    documents: int
    today: date
    seed: int = 0
    events: bool = True             # the trace (events, extension requests, dossier routing)
    time_zone: str = "Asia/Ho_Chi_Minh"
    overdue_share: float = 0.15     # of the work due in the last three weeks, left unfinished
    chunk: int = 20_000
    written: dict = field(default_factory=dict)


class _Days:
    """Working days by position, for adding N working days in one step."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date):
        self.calendar = calendar
        self.days = [first + timedelta(days=i) for i in range((last - first).days + 1)
                     if calendar.is_working_day(first + timedelta(days=i))]
        self.pos = {d: i for i, d in enumerate(self.days)}

    def add(self, day: date, n: int) -> date:
        return self.days[self.pos[day] + n]

    def between(self, day: date, n: int, rng: random.Random) -> date:
        """A working day from ``day`` to ``day + n - 1`` working days (before a due date)."""
        return self.days[self.pos[day] + rng.randrange(max(n, 1))]


class _Ids:
    def __init__(self, session: Session, *models):
        self.next = {m: (session.scalar(select(func.max(m.id))) or 0) + 1 for m in models}

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


class _Writer:
    """Rows per table, flushed in chunks with one executemany each (parents first)."""

    ORDER = (IncomingDocument, Dossier, Assignment, AssignmentEvent, ExtensionRequest, DossierEvent)

    def __init__(self, session: Session, chunk: int):
        self.session, self.chunk, self.rows = session, chunk, {m: [] for m in self.ORDER}
        self.counts = {m.__tablename__: 0 for m in self.ORDER}

    def add(self, model, row: dict) -> None:
        self.rows[model].append(row)
        if len(self.rows[model]) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        for model in self.ORDER:
            rows = self.rows[model]
            if rows:
                self.session.execute(insert(model.__table__), rows)
                self.counts[model.__tablename__] += len(rows)
                rows.clear()


def _spread(total: int, days: list[date], rng: random.Random) -> list[date]:
    """``total`` arrival days over the working days (roughly even, seeded), in order."""
    if not days or total <= 0:
        return []
    return sorted(days[rng.randrange(len(days))] for _ in range(total))


def _finish_day(days: _Days, clock: date, due: date, rng: random.Random, weights=(49, 49, 2)) -> tuple[str, date]:
    """A drawn standing and the day the work was done: early before ``due``, on time on it,
    late one to five working days after."""
    standing = rng.choices((EARLY, ON_TIME, LATE), weights)[0]
    if standing == EARLY and due > clock:
        return EARLY, days.between(clock, days.pos[due] - days.pos[clock], rng)
    if standing == LATE:
        return LATE, days.add(due, rng.randint(1, 5))
    return ON_TIME, due


class _Generator:
    def __init__(self, session: Session, plan: Plan):
        self.s, self.p = session, plan
        self.rng = random.Random(plan.seed)
        self.offset = ZoneInfo(plan.time_zone).utcoffset(datetime(plan.start.year, 1, 1)) or timedelta(0)
        self.days = _Days(plan.calendar, plan.start - timedelta(days=10), plan.end + timedelta(days=800))
        self.ids = _Ids(session, IncomingDocument, Dossier, Assignment, AssignmentEvent, ExtensionRequest,
                        DossierEvent)
        self.first = dict(self.ids.next)
        self.out = _Writer(session, plan.chunk)
        self.sequences: dict[tuple[str, int], int] = {}

    def utc(self, day: date, hour: float) -> datetime:
        return datetime.combine(day, time(0), timezone.utc) + timedelta(hours=hour) - self.offset

    def unfinished(self, due: date, done: date) -> bool:
        """Not done by today: due later, or one of the overdue ones of the last weeks."""
        today = self.p.today
        return done > today or (due < today <= due + timedelta(days=21) and self.rng.random() < self.p.overdue_share)

    def number(self, scope: str, key: int) -> int:
        n = self.sequences.get((scope, key))
        if n is None:
            n = self.s.scalar(select(NumberSequence.last).where(
                NumberSequence.scope == scope, NumberSequence.unit_id == self.p.office_id,
                NumberSequence.year == key)) or 0
        self.sequences[(scope, key)] = n + 1
        return n + 1

    # -- dossiers ---------------------------------------------------------------------------

    def dossier_event(self, dossier_id: int, kind: str, by: int, day: date, hour: float, note=None, **data):
        if self.p.events:
            self.out.add(DossierEvent, {"id": self.ids.take(DossierEvent), "dossier_id": dossier_id, "kind": kind,
                                        "by_user_id": by, "at": self.utc(day, hour), "note": note, "data": data})

    def dossier(self, arrived: date) -> None:
        p, rng, days = self.p, self.rng, self.days
        proc = rng.choice(p.procedures)
        hour = rng.uniform(7.5, 16.5)
        moment = datetime.combine(arrived, time(0)) + timedelta(hours=hour)
        clock = p.calendar.receipt_day(moment)
        code = f"{p.agency_code}-{arrived:%y%m%d}-{self.number(DOSSIER_SCOPE, int(arrived.strftime('%Y%m%d'))):04d}"
        did, user = self.ids.take(Dossier), rng.choice(proc.users)
        row = {"id": did, "code": code, "office_unit_id": p.office_id, "procedure_id": proc.id, "field": proc.field,
               "applicant": rng.choice(APPLICANTS), "applicant_contact": None, "received_at": self.utc(arrived, hour),
               "received_on": arrived, "received_by": p.clerk_id, "clock_from": clock, "due_on": None,
               "original_due_on": None, "status": RECEIVED, "supplements": 0, "apologized": False,
               "refused_reason": None, "handling_unit_id": None, "handling_user_id": None, "result_note": None,
               "result_document_id": None, "returned_at": None, "returned_on": None, "standing": None, "score": None}
        self.dossier_event(did, "received", p.clerk_id, arrived, hour, code=code)
        draw = rng.random()
        if draw < 0.01:                                   # refused at the desk
            row.update(status=REFUSED, refused_reason="Hồ sơ không thuộc thẩm quyền giải quyết", clock_from=None)
            self.dossier_event(did, "refused", p.clerk_id, arrived, hour, row["refused_reason"])
            self.out.add(Dossier, row)
            return
        if draw < 0.03:                                   # supplement requested; the clock restarts
            row["supplements"] = 1
            self.dossier_event(did, "supplement_requested", p.clerk_id, arrived, hour, "Thiếu bản sao giấy tờ")
            clock = days.add(clock, rng.randint(1, 6))
            if clock > p.today:                           # still waiting for the applicant
                row.update(status=SUPPLEMENT, clock_from=None)
                self.out.add(Dossier, row)
                return
            self.dossier_event(did, "supplement_completed", p.clerk_id, clock, 8.5)
        due = days.add(clock, proc.working_days)
        row.update(clock_from=clock, due_on=due, original_due_on=due, handling_unit_id=proc.unit_id,
                   handling_user_id=user, status=IN_PROGRESS)
        self.dossier_event(did, "routed", p.clerk_id, clock, 9.0, to_unit_id=proc.unit_id, to_user_id=user)
        standing, done = _finish_day(days, clock, due, rng)
        if standing == LATE and rng.random() < 0.5 and days.pos[due] - 1 >= days.pos[clock]:
            new_due = days.add(due, rng.randint(2, 5))    # an apology and one new date
            row.update(apologized=True, due_on=new_due)
            self.dossier_event(did, "apology", user, days.days[days.pos[due] - 1], 10.0,
                               "Thư xin lỗi, hẹn lại ngày trả", new_due_on=new_due.isoformat())
            due = new_due
            standing, done = _finish_day(days, clock, due, rng, (10, 80, 10))
        if not self.unfinished(due, done):
            row.update(status=RETURNED, returned_on=done, returned_at=self.utc(done, 14.0), standing=standing,
                       score=SCORES[standing], result_note="Đã trả kết quả")
            self.dossier_event(did, "returned", p.clerk_id, done, 14.0, standing=standing)
        self.out.add(Dossier, row)
        if p.events:   # the handling unit's share, routed like a document
            self.assignment(dossier_id=did, role=ROLE_MAIN, unit=proc.unit_id, user=user, received=clock,
                            working_days=proc.working_days, due=due, done=row["returned_on"],
                            standing=standing, original_due=row["original_due_on"])

    # -- incoming documents -----------------------------------------------------------------

    def assignment(self, *, role: str, unit: int, user: int | None, received: date, working_days: int | None,
                   due: date, done: date | None, standing: str | None, incoming_id: int | None = None,
                   dossier_id: int | None = None, parent_id: int | None = None, status: str | None = None,
                   original_due: date | None = None, by: int | None = None) -> int:
        aid = self.ids.take(Assignment)
        by = by or self.p.leader_id
        finished = done is not None and role != ROLE_INFO
        self.out.add(Assignment, {
            "id": aid, "incoming_id": incoming_id, "dossier_id": dossier_id, "parent_id": parent_id, "role": role,
            "unit_id": unit, "user_id": user, "assigned_by": by, "assigned_at": self.utc(received, 9.5),
            "received_on": received, "working_days": working_days, "due_on": due, "original_due_on": original_due or due,
            "note": "Đề nghị chủ trì giải quyết" if role == ROLE_MAIN else None,
            "status": status or (DONE if finished or role == ROLE_INFO else OPEN),
            "progress": 100 if finished else None, "completed_at": self.utc(done, 15.0) if finished else None,
            "completed_on": done if finished else None, "completed_by": user or by if finished else None,
            "completion_note": "Đã giải quyết" if finished else None, "reply_document_id": None,
            "standing": standing if finished else None, "score": SCORES[standing] if finished else None})
        if self.p.events:
            self.event(aid, "assign", by, user, unit, received, 9.5)
            if finished:
                self.event(aid, "complete", user, None, None, done, 15.0, standing=standing)
        return aid

    def event(self, aid: int, kind: str, by, to_user, to_unit, day: date, hour: float, note=None, **data) -> None:
        self.out.add(AssignmentEvent, {"id": self.ids.take(AssignmentEvent), "assignment_id": aid, "kind": kind,
                                       "from_user_id": by, "to_user_id": to_user, "to_unit_id": to_unit,
                                       "at": self.utc(day, hour), "note": note, "data": data})

    def document(self, arrived: date) -> None:
        p, rng, days = self.p, self.rng, self.days
        hour = rng.uniform(7.0, 17.0)
        secrecy = rng.choices((0, 1, 2, 3), (95, 3, 1.5, 0.5))[0]
        urgency = rng.choices((0, 1, 2, 3), (85, 10, 3, 2))[0]
        scope = INCOMING_SECRET_SCOPE if secrecy else INCOMING_SCOPE
        number = self.number(scope, arrived.year)
        doc_type, abbreviation = rng.choice(TYPES)
        issuer = rng.choice(ISSUERS)
        their_number = str(rng.randint(1, 999))
        symbol = f"{abbreviation}-{fold(issuer.split()[0]).upper()}" if abbreviation else "UBND-VP"
        symbol = f"{symbol}{arrived:%y}{number % 97}"           # unique enough not to look like a repeat
        iid = self.ids.take(IncomingDocument)
        received = p.calendar.receipt_day(datetime.combine(arrived, time(0)) + timedelta(hours=hour))
        row = {"id": iid, "office_unit_id": p.office_id, "scope": scope, "year": arrived.year,
               "arrival_number": number, "document_id": None, "number": their_number, "symbol": symbol,
               "doc_type": doc_type, "issuer": issuer, "issued_on": arrived - timedelta(days=rng.randint(1, 6)),
               "abstract": f"V/v {rng.choice(SUBJECTS)}", "page_count": rng.randint(1, 12), "notes": None,
               "field_sources": {}, "arrived_at": self.utc(arrived, hour), "arrived_on": arrived, "urgency": urgency,
               "secrecy": secrecy, "dedupe_key": fold(f"{their_number}|{symbol}|{issuer}").lower(),
               "duplicate_of_id": None, "duplicate_reason": None, "status": INCOMING_ASSIGNED,
               "registered_by": p.clerk_id, "registered_at": self.utc(arrived, hour)}
        if received > p.today or rng.random() < 0.01 and arrived >= p.today - timedelta(days=3):
            row["status"] = INCOMING_REGISTERED                 # not assigned yet
            self.out.add(IncomingDocument, row)
            return
        working_days = rng.choice((1, 2, 3)) if urgency else rng.choice((5, 7, 10, 15))
        due = days.add(received, working_days)
        unit = rng.choice(list(p.units))
        users = p.units[unit]
        user = rng.choice(users) if users and rng.random() < 0.7 else None
        extension = None
        if rng.random() < 0.05 and days.pos[due] - days.pos[received] >= 2:   # asked a day or more before
            approved = rng.random() < 0.8
            extension = (days.days[days.pos[due] - 1], due, days.add(due, 5), approved)
        final_due = extension[2] if extension and extension[3] else due
        standing, done = _finish_day(days, received, final_due, rng, (55, 40, 5))
        done = None if self.unfinished(final_due, done) else done
        self.out.add(IncomingDocument, {**row, "status": INCOMING_DONE if done else INCOMING_ASSIGNED})
        forward = user is None and users and rng.random() < 0.5
        main_status = FORWARDED if forward else None
        main = self.assignment(incoming_id=iid, role=ROLE_MAIN, unit=unit, user=user, received=received,
                               working_days=working_days, due=final_due, original_due=due, status=main_status,
                               done=None if forward else done, standing=standing)
        handler = main
        if forward:   # the unit's head hands it to one of its people: the child carries the work
            child_user = rng.choice(users)
            handler = self.assignment(incoming_id=iid, role=ROLE_MAIN, unit=unit, user=child_user, received=received,
                                      working_days=None, due=final_due, original_due=due, parent_id=main, done=done,
                                      standing=standing, by=p.leader_id)
            if p.events:
                self.event(main, "forward", p.leader_id, child_user, unit, received, 10.0, "Giao chuyên viên xử lý")
        if extension and p.events:
            asked_on, old, new, approved = extension
            self.out.add(ExtensionRequest, {
                "id": self.ids.take(ExtensionRequest), "assignment_id": handler, "requested_by": user or p.leader_id,
                "requested_at": self.utc(asked_on, 9.0), "old_due_on": old, "new_due_on": new,
                "reason": "Cần thêm thời gian phối hợp", "approved": approved, "decided_by": p.leader_id,
                "decided_at": self.utc(asked_on, 11.0), "decision_note": None if approved else "Không đồng ý gia hạn"})
            self.event(handler, "extension_asked", user, None, None, asked_on, 9.0, new_due_on=new.isoformat())
            self.event(handler, "extension_approved" if approved else "extension_refused", p.leader_id, user, None,
                       asked_on, 11.0)
        others = [u for u in p.units if u != unit]
        if others and rng.random() < 0.3:
            self.assignment(incoming_id=iid, role=ROLE_COOPERATE, unit=rng.choice(others), user=None,
                            received=received, working_days=working_days, due=due, done=done,
                            standing=standing if done else None)
        if others and rng.random() < 0.2:
            self.assignment(incoming_id=iid, role=ROLE_INFO, unit=rng.choice(others), user=None, received=received,
                            working_days=None, due=due, done=received, standing=None)

    # -- the whole ---------------------------------------------------------------------------

    def run(self) -> dict:
        p = self.p
        days = [d for d in self.days.days if p.start <= d <= p.end]
        for day in _spread(p.dossiers, days, self.rng):
            self.dossier(day)
        for day in _spread(p.documents, days, self.rng):
            self.document(day)
        self.out.flush()
        # The bulk rows bypass the ORM's roll-up listener: their counts in one grouped INSERT each.
        add_from_records(self.s, dossiers=[Dossier.id >= self.first[Dossier]],
                         assignments=[Assignment.id >= self.first[Assignment]])
        self._sequences()
        if self.s.get_bind().dialect.name == "postgresql":
            for model in _Writer.ORDER:
                table = model.__tablename__
                self.s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        return dict(self.out.counts)

    def _sequences(self) -> None:
        for (scope, key), last in self.sequences.items():
            where = (NumberSequence.scope == scope, NumberSequence.unit_id == self.p.office_id,
                     NumberSequence.year == key)
            if self.s.execute(update(NumberSequence).where(*where).values(last=last)).rowcount == 0:
                self.s.add(NumberSequence(scope=scope, unit_id=self.p.office_id, year=key, last=last))
        self.s.flush()


def write_workflows(session: Session, plan: Plan) -> dict:
    """Write the plan's dossiers and documents (and their assignments and events) in the
    session's transaction (the caller commits). Returns rows written per table."""
    return _Generator(session, plan).run()
