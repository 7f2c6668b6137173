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

Every figure is one grouped SQL query per source over stored columns (``count`` and
``sum(case …)``), read through covering indexes (migration 0012), so that ten years of a
district (a million dossiers and assignments) answer within a second (bench/reports.py).

Refusals: ``PermissionDenied`` (403), ``ReportInvalid`` (400, ``field`` names the parameter).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User
from archive.dossiers import IN_PROGRESS, RECEIVED, SUPPLEMENT, Dossier
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
IN_HAND = (RECEIVED, IN_PROGRESS, SUPPLEMENT)


class ReportInvalid(ValueError):
    """A bad parameter: ``field`` names it, ``message`` says why (Vietnamese)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


def _check(start: date, end: date, group: str, kind: str) -> None:
    if not isinstance(start, date) or not isinstance(end, date):
        raise ReportInvalid("from", "Hãy chọn ngày đầu và ngày cuối của kỳ báo cáo.")
    if end < start:
        raise ReportInvalid("to", "Ngày cuối kỳ phải từ ngày đầu kỳ trở đi.")
    if (end - start).days > MAX_YEARS * 366:
        raise ReportInvalid("to", f"Kỳ báo cáo dài tối đa {MAX_YEARS} năm.")
    if group not in GROUPS:
        raise ReportInvalid("group", "Cách nhóm phải là unit, field, person, period hoặc total.")
    if kind not in KINDS:
        raise ReportInvalid("kind", "Loại phải là all, dossiers hoặc documents.")


def _month(session: Session, column):
    """'YYYY-MM' of a date column, in the database's own words."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _dossier_key(session: Session, group: str, day_column):
    return {"unit": Dossier.handling_unit_id, "field": Dossier.field, "person": Dossier.handling_user_id,
            "period": _month(session, day_column), "total": literal("total")}[group]


def _assignment_key(session: Session, group: str, day_column):
    return {"unit": Assignment.unit_id, "field": literal(DOCUMENTS_FIELD), "person": Assignment.user_id,
            "period": _month(session, day_column), "total": literal("total")}[group]


def _dossiers(session: Session, principal: Principal, start: date, end: date, group: str, today: date,
              counts: dict, late_by_field: dict) -> None:
    scope = [] if principal.unit_ids is None else [Dossier.office_unit_id.in_(principal.unit_ids)]
    in_hand = Dossier.status.in_(IN_HAND)
    late_now = and_(Dossier.status != SUPPLEMENT, Dossier.due_on < today)
    key = _dossier_key(session, group, Dossier.received_on).label("key")
    received = select(key, func.count(), _count_if(Dossier.supplements > 0), _count_if(and_(in_hand, late_now)),
                      _count_if(in_hand)).where(Dossier.received_on.between(start, end), *scope).group_by(key)
    for k, n, supplemented, overdue, held in session.execute(received):
        row = counts[k]
        row["received"] += n
        row["returned_for_supplement"] += supplemented
        row["overdue"] += overdue
        row["open"] += held - overdue
    key = _dossier_key(session, group, Dossier.returned_on).label("key")
    returned = (select(key, Dossier.field, Dossier.standing, func.count())
                .where(Dossier.returned_on.between(start, end), Dossier.standing.in_(STANDINGS), *scope)
                .group_by(key, Dossier.field, Dossier.standing))
    for k, field, standing, n in session.execute(returned):
        counts[k][standing] += n
        if standing == LATE:
            late_by_field[field] += n


def _documents(session: Session, principal: Principal, start: date, end: date, group: str, today: date,
               counts: dict, late_by_field: dict) -> None:
    scope = [] if principal.unit_ids is None else [Assignment.unit_id.in_(principal.unit_ids)]
    main = [Assignment.role == ROLE_MAIN, Assignment.incoming_id.is_not(None)]
    held = Assignment.status == OPEN
    key = _assignment_key(session, group, Assignment.received_on).label("key")
    received = (select(key, _count_if(Assignment.parent_id.is_(None)), _count_if(and_(held, Assignment.due_on < today)),
                       _count_if(held))
                .where(Assignment.received_on.between(start, end), *main, *scope).group_by(key))
    for k, n, overdue, in_hand in session.execute(received):
        row = counts[k]
        row["received"] += n
        row["overdue"] += overdue
        row["open"] += in_hand - overdue
    key = _assignment_key(session, group, Assignment.completed_on).label("key")
    completed = (select(key, Assignment.standing, func.count())
                 .where(Assignment.completed_on.between(start, end), Assignment.standing.in_(STANDINGS), *main, *scope)
                 .group_by(key, Assignment.standing))
    for k, standing, n in session.execute(completed):
        counts[k][standing] += n
        if standing == LATE:
            late_by_field[DOCUMENTS_FIELD] += n


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
        if kind in ("all", "dossiers"):
            _dossiers(session, principal, start, end, group, today, counts, late_by_field)
        if kind in ("all", "documents"):
            _documents(session, principal, start, end, group, today, counts, late_by_field)
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
