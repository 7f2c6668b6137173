"""The outgoing reports (issue 14 point 8): documents issued per type, drafting unit or month;
the time spent in each step of the process; the ISO records of a period as one PDF.

What is counted (``date_from`` and ``date_to`` both included, local days):

- **issued**: documents *numbered* (``seq`` set) whose ``issued_on`` is in the period. A
  document withdrawn after numbering keeps its number: it is counted apart (``withdrawn``),
  not as issued; ``numbered`` is the two together.
- **step_times**: for the documents numbered in the period (``issued_on`` in it), the time each
  spent in each state, in calendar hours, from the step that entered the state to the step
  that left it (a step that keeps the state, such as a new version, neither enters nor leaves
  it; the state a document is in now has not been left and is not counted); the number of
  returns (per state returned from, in all, and the documents returned at least once); and
  the whole draft → release time, from the first step to the first ``release``.
- **iso_records**: every document with a step whose time falls in the period (local days),
  each with its whole record (all its versions, steps and deliveries).

Scope: a document belongs to its issuing body and to its drafting unit; a principal sees it
when either is among their units (``Principal.unit_ids``; None: every unit) and its secrecy
is within their clearance. Permission ``outgoing.report`` for all three.

Refusals: ``PermissionDenied`` (403); ``docsvc.reports.services.ReportInvalid`` (400, a bad
parameter) and its ``PeriodConflict`` (409: the end before the start, more than 30 years), the
same as the on-time report, so the pages and the API answer them alike.

The ``*_dict`` helpers turn rows into the plain shapes docsvc.outgoing.history prints (its
docstring has them).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User
from archive.outgoing import (STATES, WITHDRAWN, OutgoingDelivery, OutgoingDocument, OutgoingStep,
                              OutgoingVersion)
from docsvc.access import Principal
from docsvc.outgoing.history import iso_records_pdf
from docsvc.outgoing.rules import ACTION_LABELS, STATE_LABELS
from docsvc.reports.services import MAX_YEARS, PeriodConflict, ReportInvalid
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services

PERMISSION = "outgoing.report"
ACTION = "outgoing.iso_records"
GROUPS = ("type", "unit", "month")
GROUP_LABELS = {"type": "Theo loại văn bản", "unit": "Theo đơn vị soạn thảo", "month": "Theo tháng"}
FIGURES = ("issued", "withdrawn", "numbered")


def _require(principal: Principal) -> None:
    if not principal.can(PERMISSION):
        raise PermissionDenied(PERMISSION)


def _check_period(start, end) -> None:
    if not isinstance(start, date) or not isinstance(end, date):
        raise ReportInvalid("from", "Hãy chọn ngày đầu và ngày cuối của kỳ báo cáo.")
    if end < start:
        raise PeriodConflict("to", "Ngày cuối kỳ phải từ ngày đầu kỳ trở đi.")
    if (end - start).days > MAX_YEARS * 366:
        raise PeriodConflict("to", f"Kỳ báo cáo dài tối đa {MAX_YEARS} năm.")


def _scope(principal: Principal) -> list:
    d = OutgoingDocument
    conditions = [d.secrecy <= principal.clearance]
    if principal.unit_ids is not None:
        units = principal.unit_ids or {-1}
        conditions.append(or_(d.issuer_unit_id.in_(units), d.drafting_unit_id.in_(units)))
    return conditions


def _numbered_in(start: date, end: date) -> list:
    d = OutgoingDocument
    return [d.seq.is_not(None), d.issued_on >= start, d.issued_on <= end]


def _months(start: date, end: date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day.isoformat()[:7])
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def period_text(start: date, end: date) -> str:
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


# -- documents issued ---------------------------------------------------------------------------

def issued(services: Services, principal: Principal, *, date_from: date, date_to: date, group: str = "type") -> dict:
    """Documents numbered with ``issued_on`` in the period, per ``group`` (type | unit |
    month): ``{from, to, group, rows, total}``; each row and the total have ``key``, ``label``,
    ``issued`` (not withdrawn), ``withdrawn`` (withdrawn after numbering) and ``numbered``
    (both). Rows by type and unit are sorted by label; by month, every month of the period
    in order (empty ones too)."""
    _require(principal)
    _check_period(date_from, date_to)
    if group not in GROUPS:
        raise ReportInvalid("group", "Cách nhóm phải là type, unit hoặc month.")
    d = OutgoingDocument
    counts: dict = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    with services.uow() as uow:
        session = uow.session
        query = select(d.doc_type, d.drafting_unit_id, d.issued_on, d.state).where(
            *_numbered_in(date_from, date_to), *_scope(principal))
        for doc_type, unit_id, issued_on, state in session.execute(query):
            key = {"type": doc_type, "unit": unit_id, "month": issued_on.isoformat()[:7]}[group]
            counts[key]["withdrawn" if state == WITHDRAWN else "issued"] += 1
            counts[key]["numbered"] += 1
        names = {}
        if group == "unit" and counts:
            names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(counts)))).all())
    if group == "month":
        rows = [{"key": m, "label": f"Tháng {m[5:7]}/{m[:4]}", **counts.get(m, dict.fromkeys(FIGURES, 0))}
                for m in _months(date_from, date_to)]
    else:
        rows = [{"key": k, "label": names.get(k, f"#{k}") if group == "unit" else k, **figures}
                for k, figures in counts.items()]
        rows.sort(key=lambda r: r["label"].casefold())
    total = {"key": None, "label": "Tổng cộng", **{f: sum(r[f] for r in rows) for f in FIGURES}}
    return {"from": date_from.isoformat(), "to": date_to.isoformat(), "group": group, "rows": rows, "total": total}


# -- time in each step --------------------------------------------------------------------------

def _hours(seconds: list[float]) -> dict:
    hours = [s / 3600 for s in seconds]
    return {"count": len(hours),
            "mean_hours": round(statistics.fmean(hours), 2) if hours else None,
            "median_hours": round(statistics.median(hours), 2) if hours else None}


def _intervals(steps: list[OutgoingStep]) -> tuple[list[tuple[str, float]], float | None]:
    """(state, seconds) for each state entered and left, and the draft → release seconds."""
    spans: list[tuple[str, float]] = []
    state, entered, first, released = None, None, None, None
    for s in steps:
        first = first or s.at
        if s.action == "release" and released is None:
            released = s.at
        if s.to_state == state:
            continue                         # a step that keeps the state (a new version)
        if state is not None and entered is not None:
            spans.append((state, (s.at - entered).total_seconds()))
        state, entered = s.to_state, s.at
    return spans, (released - first).total_seconds() if released is not None and first is not None else None


def step_times(services: Services, principal: Principal, *, date_from: date, date_to: date) -> dict:
    """For the documents numbered in the period: ``{from, to, documents, states, returns,
    documents_returned, draft_to_release}``. ``states``: one row per state that some document
    left, in the process's order — ``state``, ``label``, ``count`` (stays), ``mean_hours``,
    ``median_hours`` (calendar hours, two decimals), ``returns`` (returns from that state);
    ``draft_to_release``: ``count``, ``mean_hours``, ``median_hours`` over the released
    documents."""
    _require(principal)
    _check_period(date_from, date_to)
    d = OutgoingDocument
    with services.uow() as uow:
        session = uow.session
        ids = session.scalars(select(d.id).where(*_numbered_in(date_from, date_to), *_scope(principal))).all()
        by_doc: dict[int, list[OutgoingStep]] = defaultdict(list)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for s in session.scalars(select(OutgoingStep).where(OutgoingStep.outgoing_id.in_(chunk))
                                     .order_by(OutgoingStep.outgoing_id, OutgoingStep.at, OutgoingStep.id)):
                by_doc[s.outgoing_id].append(s)
        stays: dict[str, list[float]] = defaultdict(list)
        returns: dict[str, int] = defaultdict(int)
        whole: list[float] = []
        returned_docs = 0
        for steps in by_doc.values():
            spans, release = _intervals(steps)
            for state, seconds in spans:
                stays[state].append(seconds)
            back = [s for s in steps if s.action == "return"]
            for s in back:
                returns[s.from_state or ""] += 1
            returned_docs += bool(back)
            if release is not None:
                whole.append(release)
    order = [s for s in STATES if s in stays or s in returns] + sorted(set(stays) - set(STATES))
    states = [{"state": s, "label": STATE_LABELS.get(s, s), **_hours(stays.get(s, [])), "returns": returns.get(s, 0)}
              for s in order]
    return {"from": date_from.isoformat(), "to": date_to.isoformat(), "documents": len(ids), "states": states,
            "returns": sum(returns.values()), "documents_returned": returned_docs,
            "draft_to_release": _hours(whole)}


# -- the ISO records ----------------------------------------------------------------------------

def _utc_bounds(start: date, end: date, time_zone: str) -> tuple[datetime, datetime]:
    """The period's local days as UTC moments [first, after)."""
    zone = ZoneInfo(time_zone)

    def utc(day: date) -> datetime:
        return datetime.combine(day, time(0), zone).astimezone(timezone.utc)

    return utc(start), utc(end + timedelta(days=1))


def _names(session: Session, user_ids: set, unit_ids: set) -> tuple[dict, dict]:
    users = {uid: (full or name) for uid, full, name in session.execute(
        select(User.id, User.full_name, User.username).where(User.id.in_(user_ids or {-1})))}
    units = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids or {-1}))).all())
    return users, units


def doc_dict(row: OutgoingDocument, users: dict, units: dict) -> dict:
    """The document as docsvc.outgoing.history prints it (``users``/``units``: id → name)."""
    signer = users.get(row.signed_by or row.signer_user_id)
    return {"id": row.id, "doc_type": row.doc_type, "number_symbol": row.number_symbol,
            "issued_on": row.issued_on, "abstract": row.abstract,
            "drafting_unit": units.get(row.drafting_unit_id, ""), "issuer": units.get(row.issuer_unit_id, ""),
            "signer": signer, "state": row.state, "state_label": STATE_LABELS.get(row.state, row.state),
            "control_status": row.control_status}


def version_dict(row: OutgoingVersion, users: dict) -> dict:
    return {"number": row.number, "file_name": row.file_name, "sha256": row.file_sha256,
            "created_by": users.get(row.created_by, ""), "created_at": row.created_at,
            "obsolete": row.superseded_at is not None}


def step_dict(row: OutgoingStep) -> dict:
    return {"action": row.action, "action_label": ACTION_LABELS.get(row.action, row.action),
            "from_state": row.from_state, "to_state": row.to_state, "decision": row.decision,
            "comment": row.comment, "version": row.version, "actor_name": row.actor_name,
            "actor_role": row.actor_role, "at": row.at, "details": dict(row.details or {})}


def delivery_dict(row: OutgoingDelivery) -> dict:
    return {"recipient": row.recipient_name, "channel": row.channel, "status": row.status,
            "detail": row.detail, "at": row.at}


def records_of(session: Session, rows: list[OutgoingDocument]) -> list[tuple[dict, list, list, list]]:
    """Each document with its versions, steps and deliveries, as history's dicts."""
    ids = [r.id for r in rows]
    versions, steps, deliveries = defaultdict(list), defaultdict(list), defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for v in session.scalars(select(OutgoingVersion).where(OutgoingVersion.outgoing_id.in_(chunk))
                                 .order_by(OutgoingVersion.number)):
            versions[v.outgoing_id].append(v)
        for s in session.scalars(select(OutgoingStep).where(OutgoingStep.outgoing_id.in_(chunk))
                                 .order_by(OutgoingStep.at, OutgoingStep.id)):
            steps[s.outgoing_id].append(s)
        for dl in session.scalars(select(OutgoingDelivery).where(OutgoingDelivery.outgoing_id.in_(chunk))
                                  .order_by(OutgoingDelivery.at, OutgoingDelivery.id)):
            deliveries[dl.outgoing_id].append(dl)
    user_ids = {r.signed_by or r.signer_user_id for r in rows} | {v.created_by for vs in versions.values() for v in vs}
    users, units = _names(session, {u for u in user_ids if u},
                          {r.drafting_unit_id for r in rows} | {r.issuer_unit_id for r in rows})
    return [(doc_dict(r, users, units), [version_dict(v, users) for v in versions[r.id]],
             [step_dict(s) for s in steps[r.id]], [delivery_dict(dl) for dl in deliveries[r.id]]) for r in rows]


def iso_records(services: Services, principal: Principal, *, date_from: date, date_to: date) -> bytes:
    """The ISO records of the period as one PDF (docsvc.outgoing.history.iso_records_pdf): every
    document in scope with a step in the period, numbered ones first in number order. Audited
    as ``outgoing.iso_records`` with the period and the documents' ids."""
    _require(principal)
    _check_period(date_from, date_to)
    time_zone = services.settings.time_zone
    first, after = _utc_bounds(date_from, date_to, time_zone)
    d = OutgoingDocument
    with services.uow() as uow:
        session = uow.session
        stepped = select(OutgoingStep.outgoing_id).where(OutgoingStep.at >= first, OutgoingStep.at < after)
        rows = list(session.scalars(select(d).where(d.id.in_(stepped), *_scope(principal))))
        rows.sort(key=lambda r: (r.seq is None, r.issued_on or date.max, r.scope or "", r.seq or 0, r.id))
        office = session.get(Unit, principal.unit_id) if principal.unit_id else None
        if office is None:
            office = session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        records = records_of(session, rows)
        pdf = iso_records_pdf(records, office_name=office.name if office else "", time_zone=time_zone,
                              period_text=period_text(date_from, date_to))
        record(services, session, principal, ACTION,
               details={"from": date_from.isoformat(), "to": date_to.isoformat(), "ids": [r.id for r in rows]})
        uow.commit()
    return pdf
