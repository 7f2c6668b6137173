"""The on-time report (issue 13 §5; DOMAIN.md §3 "On time"): received, returned for
supplement, early, on time, late, open and overdue, by field, by unit, by person, by month,
or as one total, over a period of days.

What is counted (``start`` and ``end`` are both included):

- **Dossiers** (``archive.dossiers.Dossier``), within the principal's scope by the office
  that received them (``office_unit_id``):
  - *received*: dossiers whose ``received_on`` is in the period;
  - *returned_for_supplement*: of those, the ones asked for a supplement at least once
    (``supplements > 0``);
  - *early / on_time / late*: dossiers whose ``returned_on`` is in the period, by the
    standing stored when they were returned (a dossier received in one quarter and returned
    in the next counts as received in the first and resolved in the second, as the seeds'
    quarterly tables do);
  - *open / overdue*: of the dossiers received in the period, those still in hand today
    (received, routed, or waiting for a supplement): *overdue* when their promised date
    ``due_on`` is before today (a dossier waiting for its supplement is never overdue: its
    clock is stopped), *open* otherwise. Refused dossiers are received and nothing else.
- **Incoming documents**, by their **main** assignments (role ``main``: the handling unit's
  or person's share; cooperating and information assignments are not scored), within the
  principal's scope by the handling unit (``Assignment.unit_id``):
  - *received*: main assignments given directly on a registered document (no ``parent_id``:
    a hand-over within the unit is the same piece of work) whose ``received_on`` (day 0 of
    the count) is in the period;
  - *early / on_time / late*: main assignments completed (``completed_on``) in the period, by
    their stored standing;
  - *open / overdue*: of the main assignments received in the period (forwarded ones
    included), those still ``open`` today, overdue when ``due_on`` is before today;
  - *returned_for_supplement* is always 0 for documents.
  Assignments on dossiers are not counted: the dossier itself is (once, with its standing).

Groups: ``field`` (the dossier's field; documents under "Văn bản đến"), ``unit`` (the
dossier's handling unit, the assignment's unit; "Chưa phân công" when none), ``person`` (the
dossier's handling person, the assignment's person), ``period`` (the month of the date that
put the item in the column: received, returned or completed) and ``total`` (one row).

**Score**: the points earned over the points possible, as a percentage with one decimal —
``(2·early + 1·on_time) / (2·(early + on_time + late)) × 100``, so 100 when everything was
early, 50 when everything was just on time, 0 when everything was late; ``None`` when
nothing was resolved. ``on_time_rate`` is the share resolved early or on time, in percent.

Received, returned for supplement, early, on time and late are read from the roll-up
(``archive.rollup``: counts per day and per month by measure, kind, scope unit, unit, person
and field, kept in the same transaction as the records by a before-flush listener): the whole
months of the period from its month rows, the days at its edges from its day rows — a few
hundred rows a month, whatever the number of dossiers, so ten years of a district (a million
dossiers and assignments) answer within a second (bench/reports.py). Open and overdue are
read from the records still in hand (few: a partial index of the dossiers in hand, the
assignments' status index). ``period`` groups by day or month start in SQL and sums them into
months here.

Refusals: ``PermissionDenied`` (403), ``ReportInvalid`` (400, ``field`` names the parameter),
its ``PeriodConflict`` (409: the end before the start, or more than 30 years).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, literal, select, text
from sqlalchemy.orm import Session

from archive.accounts import Unit, User
from archive.dossiers import IN_HAND_SQL, SUPPLEMENT, Dossier
from archive.rollup import DAY, MONTH, RollupCount
from archive.rollup import DOCUMENT as ROLLUP_DOCUMENT
from archive.rollup import DOSSIER as ROLLUP_DOSSIER
from archive.routing import EARLY, LATE, ON_TIME, OPEN, ROLE_MAIN, Assignment
from docsvc.access import Principal
from docsvc.dates import local_now
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services

GROUPS = ("unit", "field", "person", "period", "total")
KINDS = ("all", "dossiers", "documents")
COLUMNS = ("received", "returned_for_supplement", "early", "on_time", "late", "open", "overdue")
STANDINGS = (EARLY, ON_TIME, LATE)
DOCUMENTS_FIELD = "Văn bản đến"
UNASSIGNED = {"unit": "Chưa phân công đơn vị", "person": "Chưa phân công người xử lý"}
GROUP_LABELS = {"field": "Theo lĩnh vực", "unit": "Theo đơn vị", "person": "Theo người xử lý",
                "period": "Theo tháng", "total": "Tổng hợp"}
KIND_LABELS = {"all": "Hồ sơ và văn bản", "dossiers": "Hồ sơ thủ tục hành chính", "documents": "Văn bản đến"}
MAX_YEARS = 30


class ReportInvalid(ValueError):
    """A bad parameter: ``field`` names it, ``message`` says why (Vietnamese)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


class PeriodConflict(ReportInvalid):
    """Two well-formed days that make no period (the end before the start, or too long):
    the API answers 409 ``invalid_period``."""


def _check(start: date, end: date, group: str, kind: str) -> None:
    if not isinstance(start, date) or not isinstance(end, date):
        raise ReportInvalid("from", "Hãy chọn ngày đầu và ngày cuối của kỳ báo cáo.")
    if end < start:
        raise PeriodConflict("to", "Ngày cuối kỳ phải từ ngày đầu kỳ trở đi.")
    if (end - start).days > MAX_YEARS * 366:
        raise PeriodConflict("to", f"Kỳ báo cáo dài tối đa {MAX_YEARS} năm.")
    if group not in GROUPS:
        raise ReportInvalid("group", "Cách nhóm phải là unit, field, person, period hoặc total.")
    if kind not in KINDS:
        raise ReportInvalid("kind", "Loại phải là all, dossiers hoặc documents.")


def quarter_of(day: date) -> tuple[date, date]:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last_month = first.month + 2
    after = date(day.year + 1, 1, 1) if last_month == 12 else date(day.year, last_month + 1, 1)
    return first, after - timedelta(days=1)


def presets(today: date) -> dict[str, tuple[date, date]]:
    """The page's period presets: this quarter, the last one, this year, last year."""
    this = quarter_of(today)
    return {"this_quarter": this, "last_quarter": quarter_of(this[0] - timedelta(days=1)),
            "this_year": (date(today.year, 1, 1), date(today.year, 12, 31)),
            "last_year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))}


def parse_period(start: str | None, end: str | None, today: date, preset: str | None = None) -> tuple[date, date]:
    """``from``/``to`` as YYYY-MM-DD or dd/mm/yyyy (one alone: to the end, or from the start,
    of its quarter), else a preset (default this quarter)."""
    from docsvc.dates import parse_day

    if not (start or "").strip() and not (end or "").strip():
        choices = presets(today)
        if preset not in (None, "") and preset not in choices:
            raise ReportInvalid("period", "Kỳ báo cáo phải là this_quarter, last_quarter, this_year hoặc last_year.")
        return choices[preset or "this_quarter"]
    days: list[date | None] = []
    for name, text in (("from", start), ("to", end)):
        try:
            days.append(parse_day(text))
        except ValueError:
            raise ReportInvalid(name, "Ngày không hợp lệ: ghi dạng YYYY-MM-DD hoặc dd/mm/yyyy.") from None
    first, last = days
    # One day alone: the quarter it falls in, from it or up to it.
    return first or quarter_of(last)[0], last or quarter_of(first)[1]


def _key(group: str, day_column, columns: dict):
    """The SQL grouping key: a column, or the day itself for ``period`` (months are summed
    from days in Python, so the date index is read in its own order, without a sort)."""
    return {**columns, "period": day_column, "total": literal("total")}[group]


def _month_of(group: str, key):
    if group == "period" and key is not None:
        return key.isoformat()[:7] if isinstance(key, date) else str(key)[:7]
    return key


def _spans(start: date, end: date) -> list[tuple[str, date, date]]:
    """The period as roll-up reads: the whole months inside it (``m`` rows, by their first
    day) and the days before and after them (``d`` rows)."""
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = end + timedelta(days=1)
    stop = after.replace(day=1)              # the first day not in a whole month of the period
    if stop <= first:
        return [(DAY, start, end)]
    spans = [(DAY, start, first - timedelta(days=1))] if start < first else []
    spans.append((MONTH, first, stop - timedelta(days=1)))
    if stop <= end:
        spans.append((DAY, stop, end))
    return spans


def _rolled(session: Session, principal: Principal, start: date, end: date, group: str, kind: str,
            counts: dict, late_by_field: dict) -> None:
    """Received, returned for supplement, early, on time and late from the roll-up
    (archive.rollup): a few hundred rows a month whatever the number of records."""
    r = RollupCount
    kinds = {"all": (ROLLUP_DOSSIER, ROLLUP_DOCUMENT), "dossiers": (ROLLUP_DOSSIER,),
             "documents": (ROLLUP_DOCUMENT,)}[kind]
    scope = [] if principal.unit_ids is None else [r.scope_unit_id.in_(principal.unit_ids)]
    key = _key(group, r.day, {"unit": r.unit_id, "field": r.field, "person": r.user_id}).label("key")
    for grain, a, b in _spans(start, end):
        where = (r.grain == grain, r.day.between(a, b), r.kind.in_(kinds), *scope)
        for k, row_kind, measure, n in session.execute(
                select(key, r.kind, r.measure, func.sum(r.count)).where(*where).group_by(key, r.kind, r.measure)):
            if n:
                if group in ("unit", "person"):
                    k = k or None                        # 0: no unit, no person
                elif group == "field" and row_kind == ROLLUP_DOCUMENT:
                    k = DOCUMENTS_FIELD
                counts[_month_of(group, k)][measure] += n
        for row_kind, field, n in session.execute(
                select(r.kind, r.field, func.sum(r.count)).where(*where, r.measure == LATE).group_by(r.kind, r.field)):
            if n:
                late_by_field[DOCUMENTS_FIELD if row_kind == ROLLUP_DOCUMENT else field] += n


def _dossiers(session: Session, principal: Principal, start: date, end: date, group: str, today: date,
              counts: dict) -> None:
    """Dossiers still in hand: few rows, read from their partial index and summed here.
    Grouped in SQL, the planner would walk a grouping index over the whole table instead."""
    scope = [] if principal.unit_ids is None else [Dossier.office_unit_id.in_(principal.unit_ids)]
    columns = {"unit": Dossier.handling_unit_id, "field": Dossier.field, "person": Dossier.handling_user_id}
    key = _key(group, Dossier.received_on, columns).label("key")
    in_hand = select(key, Dossier.received_on, Dossier.status, Dossier.due_on)
    # The condition as literal SQL: the partial index ix_dossiers_in_hand says the same.
    for k, received_on, status, due_on in session.execute(in_hand.where(text(IN_HAND_SQL), *scope)):
        if start <= received_on <= end:
            late = status != SUPPLEMENT and due_on is not None and due_on < today
            counts[_month_of(group, k)]["overdue" if late else "open"] += 1


def _documents(session: Session, principal: Principal, start: date, end: date, group: str, today: date,
               counts: dict) -> None:
    """Main assignments of incoming documents still open (the status index)."""
    scope = [] if principal.unit_ids is None else [Assignment.unit_id.in_(principal.unit_ids)]
    main = [Assignment.role == ROLE_MAIN, Assignment.incoming_id.is_not(None)]
    columns = {"unit": Assignment.unit_id, "field": literal(DOCUMENTS_FIELD), "person": Assignment.user_id}
    key = _key(group, Assignment.received_on, columns).label("key")
    in_hand = select(key, Assignment.received_on, Assignment.due_on)
    for k, received_on, due_on in session.execute(in_hand.where(Assignment.status == OPEN, *main, *scope)):
        if start <= received_on <= end:
            counts[_month_of(group, k)]["overdue" if due_on is not None and due_on < today else "open"] += 1


def score(early: int, on_time: int, late: int) -> float | None:
    """Points earned over points possible (2 early, 1 on time, 0 late), in percent."""
    resolved = early + on_time + late
    return round(100 * (2 * early + on_time) / (2 * resolved), 1) if resolved else None


def _finish(key, label: str, figures: dict) -> dict:
    resolved = figures["early"] + figures["on_time"] + figures["late"]
    return {"key": key, "label": label, **{c: int(figures[c]) for c in COLUMNS}, "resolved": resolved,
            "score": score(figures["early"], figures["on_time"], figures["late"]),
            "on_time_rate": round(100 * (figures["early"] + figures["on_time"]) / resolved, 1) if resolved else None}


def _labels(session: Session, group: str, keys: list) -> dict:
    ids = [k for k in keys if k is not None]
    if group == "unit" and ids:
        return {uid: name for uid, name in session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids)))}
    if group == "person" and ids:
        return {uid: (full or name) for uid, full, name in
                session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(ids)))}
    if group == "period":
        return {k: f"Tháng {k[5:7]}/{k[:4]}" for k in ids}
    if group == "total":
        return {"total": "Tổng cộng"}
    return {k: k for k in ids}


def number(n: int) -> str:
    """32843 → '32.843' (Vietnamese thousands separator)."""
    return f"{int(n):,}".replace(",", ".")


def summary_sentence(total: dict, late_by_field: dict[str, int], kind: str = "dossiers") -> str:
    """The seeds' sentence, in Vietnamese: "32.843 hồ sơ tiếp nhận, 606 hồ sơ trả lại để bổ
    sung, 16.018 trước hạn, 15.938 đúng hạn, 41 quá hạn (39 đất đai, 2 hộ tịch)"."""
    noun = {"dossiers": "hồ sơ", "documents": "văn bản", "all": "hồ sơ, văn bản"}[kind]
    parts = [f"{number(total['received'])} {noun} tiếp nhận"]
    if kind != "documents":
        parts.append(f"{number(total['returned_for_supplement'])} hồ sơ trả lại để bổ sung")
    parts += [f"{number(total['early'])} trước hạn", f"{number(total['on_time'])} đúng hạn"]
    late = f"{number(total['late'])} quá hạn"
    fields = sorted(((n, f) for f, n in late_by_field.items() if n), key=lambda p: (-p[0], p[1]))
    if fields:
        late += " (" + ", ".join(f"{number(n)} {f[:1].lower()}{f[1:]}" for n, f in fields) + ")"
    return ", ".join(parts + [late])


def on_time(services: Services, principal: Principal, *, start: date, end: date, group: str = "unit",
            kind: str = "all", today: date | None = None) -> dict:
    """The report for ``start``..``end`` (both included), grouped by ``group``, over
    ``kind`` (all | dossiers | documents). ``today`` (default: the local day) decides what
    is overdue. Returns ``{start, end, group, kind, today, rows, total, late_by_field,
    summary}``; each row and the total have ``key, label`` and the COLUMNS, ``resolved``,
    ``score`` and ``on_time_rate``."""
    _require(principal, "report.view")
    _check(start, end, group, kind)
    today = today or local_now(services.settings.time_zone).date()
    counts: dict = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    late_by_field: dict[str, int] = defaultdict(int)
    with services.uow() as uow:
        session = uow.session
        _rolled(session, principal, start, end, group, kind, counts, late_by_field)
        if kind in ("all", "dossiers"):
            _dossiers(session, principal, start, end, group, today, counts)
        if kind in ("all", "documents"):
            _documents(session, principal, start, end, group, today, counts)
        labels = _labels(session, group, list(counts))
    rows = [_finish(k, labels.get(k) or UNASSIGNED.get(group, "—"), figures) for k, figures in counts.items()]
    if group == "period":
        rows.sort(key=lambda r: r["key"])
    else:
        rows.sort(key=lambda r: (r["key"] is None, r["label"].casefold()))
    total = _finish(None, "Tổng cộng", {c: sum(r[c] for r in rows) for c in COLUMNS})
    return {"start": start.isoformat(), "end": end.isoformat(), "group": group, "kind": kind,
            "today": today.isoformat(), "rows": rows, "total": total,
            "late_by_field": dict(sorted(late_by_field.items())),
            "summary": summary_sentence(total, late_by_field, kind)}
