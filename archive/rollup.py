"""The on-time report's roll-up (issue 13 §5; docsvc/reports/services.py): how many dossiers
and main assignments of incoming documents were received, returned for supplement, and
resolved early / on time / late, per day and per month, by what the report groups and
filters by.

``RollupCount``: one row per (grain, day, measure, kind, scope unit, unit, person, field)
with a count. ``grain`` is ``d`` (``day`` is that day) or ``m`` (``day`` is the first of the
month: the month's total, so that ten years are 120 months of rows, not 3,650 days); the
report reads whole months from ``m`` rows and the days at the period's edges from ``d`` rows.
"No unit", "no person" and the documents' field are ``0``, ``0`` and ``''`` (a unique key
holds no NULL). What a record contributes (the report's definitions, module docstring of
docsvc/reports/services.py):

- a dossier (kind ``dossier``, scope: its receiving office; unit, person, field: its
  handling unit, handling person, field): ``received`` on ``received_on``;
  ``returned_for_supplement`` on ``received_on`` when ``supplements > 0`` (once, however
  many); its ``standing`` on ``returned_on`` when it was returned;
- a main assignment of an incoming document (kind ``document``, scope and unit: its unit,
  person: its user): ``received`` on ``received_on`` when it is not a hand-over
  (``parent_id`` is NULL); its ``standing`` on ``completed_on`` when completed.

Kept in the SAME transaction as the change: ``follow`` (a ``before_flush`` listener on every
ORM session) takes what each new, changed or deleted Dossier / Assignment contributed before
and contributes now, and applies the difference through ``bump`` — one upsert (``INSERT ... ON
CONFLICT DO UPDATE SET count = count + n``, SQLite and PostgreSQL). So the use cases (receive,
request a supplement, route, return, assign, forward, complete), the demo and any later code
that writes these records through the ORM keep it up to date without a call of their own.
Bulk Core inserts (docsvc/reports/sample.py) add their rows afterwards with
``add_from_records`` (INSERT ... SELECT ... GROUP BY); ``rebuild_rollup`` recomputes the whole
table from the records (migration 0014, and the consistency test).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import Date, Integer, String, and_, delete, event, func, inspect, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive.dossiers import Dossier
from archive.models import Base
from archive.routing import EARLY, LATE, ON_TIME, ROLE_MAIN, Assignment

RECEIVED = "received"
SUPPLEMENTED = "returned_for_supplement"
STANDINGS = (EARLY, ON_TIME, LATE)
MEASURES = (RECEIVED, SUPPLEMENTED, *STANDINGS)
DOSSIER, DOCUMENT = "dossier", "document"
DAY, MONTH = "d", "m"
KEY = ("grain", "day", "measure", "kind", "scope_unit_id", "unit_id", "user_id", "field")


class RollupCount(Base):
    __tablename__ = "report_rollup"
    __table_args__ = {"sqlite_with_rowid": False}   # the key is the table: a range of days reads it in order

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)       # d | m
    day: Mapped[date] = mapped_column(Date, primary_key=True)            # the day, or the month's first
    measure: Mapped[str] = mapped_column(String(24), primary_key=True)   # MEASURES
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)       # dossier | document
    scope_unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # office (dossier) / unit (document)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)      # handling unit, 0: none
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)      # handling person, 0: none
    field: Mapped[str] = mapped_column(String(100), primary_key=True)    # dossier's field, '' for documents
    count: Mapped[int] = mapped_column(Integer, default=0)


def month_of(day: date) -> date:
    return day.replace(day=1)


def _adding(session: Session, values=None, query=None):
    """INSERT the counts (``values``, or the rows of ``query``), adding to the rows already
    there: ``ON CONFLICT (key) DO UPDATE SET count = count + excluded.count``."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = RollupCount.__table__
    stmt = insert(table).values(**values) if query is None else insert(table).from_select([*KEY, "count"], query)
    return stmt.on_conflict_do_update(index_elements=list(KEY), set_={"count": table.c.count + stmt.excluded.count})


def bump(session: Session, day: date, measure: str, kind: str, scope_unit_id: int, unit_id: int | None,
         user_id: int | None, field: str | None, by: int = 1) -> None:
    """Add ``by`` (may be negative) to the day's and the month's count of that key."""
    for grain, when in ((DAY, day), (MONTH, month_of(day))):
        session.execute(_adding(session, dict(grain=grain, day=when, measure=measure, kind=kind,
                                              scope_unit_id=scope_unit_id, unit_id=unit_id or 0,
                                              user_id=user_id or 0, field=field or "", count=by)))


# -- what a record contributes -----------------------------------------------------------------

DOSSIER_ATTRS = ("office_unit_id", "handling_unit_id", "handling_user_id", "field", "received_on", "supplements",
                 "standing", "returned_on")
ASSIGNMENT_ATTRS = ("role", "incoming_id", "parent_id", "unit_id", "user_id", "received_on", "standing",
                    "completed_on")


def dossier_facts(v: dict) -> list[tuple]:
    """The (day, measure, kind, scope, unit, person, field) keys a dossier counts under."""
    if v["received_on"] is None or v["office_unit_id"] is None:
        return []
    who = (DOSSIER, v["office_unit_id"], v["handling_unit_id"] or 0, v["handling_user_id"] or 0, v["field"] or "")
    facts = [(v["received_on"], RECEIVED, *who)]
    if (v["supplements"] or 0) > 0:
        facts.append((v["received_on"], SUPPLEMENTED, *who))
    if v["standing"] in STANDINGS and v["returned_on"] is not None:
        facts.append((v["returned_on"], v["standing"], *who))
    return facts


def assignment_facts(v: dict) -> list[tuple]:
    """The keys a main assignment of an incoming document counts under (none for others)."""
    if (v["role"] or ROLE_MAIN) != ROLE_MAIN or v["incoming_id"] is None or v["unit_id"] is None:
        return []
    who = (DOCUMENT, v["unit_id"], v["unit_id"], v["user_id"] or 0, "")
    facts = [(v["received_on"], RECEIVED, *who)] if v["parent_id"] is None and v["received_on"] is not None else []
    if v["standing"] in STANDINGS and v["completed_on"] is not None:
        facts.append((v["completed_on"], v["standing"], *who))
    return facts


FOLLOWED = {Dossier: (DOSSIER_ATTRS, dossier_facts), Assignment: (ASSIGNMENT_ATTRS, assignment_facts)}
_UNKNOWN = object()


def _now(obj, attrs) -> dict:
    return {a: getattr(obj, a) for a in attrs}


def _before(session: Session, obj, attrs) -> dict | None:
    """The values as stored (None: nothing followed changed). A changed value whose old one
    was never loaded is read from the database (still unchanged before this flush)."""
    state = inspect(obj)
    old, changed = {}, False
    for a in attrs:
        history = state.attrs[a].history
        if history.deleted:
            old[a], changed = history.deleted[0], True
        elif history.added:
            old[a], changed = _UNKNOWN, True
        else:
            old[a] = getattr(obj, a)
    if not changed:
        return None
    if _UNKNOWN in old.values():
        model = type(obj)
        with session.no_autoflush:
            row = session.execute(select(*[getattr(model, a) for a in attrs]).where(model.id == obj.id)).one()
        old = dict(zip(attrs, row))
    return old


def follow(session: Session, _context, _instances) -> None:
    """``before_flush``: the difference each followed record makes, applied with ``bump``."""
    delta: Counter = Counter()
    for obj in session.new:
        if type(obj) in FOLLOWED:
            attrs, facts = FOLLOWED[type(obj)]
            delta.update(facts(_now(obj, attrs)))
    for obj in session.dirty:
        if type(obj) in FOLLOWED:
            attrs, facts = FOLLOWED[type(obj)]
            old = _before(session, obj, attrs)
            if old is not None:
                delta.update(facts(_now(obj, attrs)))
                delta.subtract(facts(old))
    for obj in session.deleted:
        if type(obj) in FOLLOWED:
            attrs, facts = FOLLOWED[type(obj)]
            old = _before(session, obj, attrs) or _now(obj, attrs)
            delta.subtract(facts(old))
    for (day, measure, *who), n in sorted(delta.items(), key=lambda item: tuple(map(str, item[0]))):
        if n:   # in one order, so that two transactions lock the same rows in the same order
            bump(session, day, measure, *who, by=n)


event.listen(Session, "before_flush", follow)


# -- from the records, in SQL ------------------------------------------------------------------

def _month_sql(session: Session, column):
    if session.get_bind().dialect.name == "postgresql":
        return func.cast(func.date_trunc("month", column), Date)
    return func.date(column, "start of month")


def _selects(session: Session, dossiers, assignments) -> list:
    """One grouped SELECT per (source, measure group, grain), the columns in ``KEY`` order
    and the count, over the dossiers / assignments matching the given conditions."""
    d, a = Dossier, Assignment
    d_who = (literal(DOSSIER), d.office_unit_id, func.coalesce(d.handling_unit_id, 0),
             func.coalesce(d.handling_user_id, 0), d.field)
    a_who = (literal(DOCUMENT), a.unit_id, a.unit_id, func.coalesce(a.user_id, 0), literal(""))
    main = (a.role == ROLE_MAIN, a.incoming_id.is_not(None))
    sources = [
        (d.received_on, literal(RECEIVED), d_who, [d.received_on.is_not(None), *dossiers]),
        (d.received_on, literal(SUPPLEMENTED), d_who, [d.received_on.is_not(None), d.supplements > 0, *dossiers]),
        (d.returned_on, d.standing, d_who, [d.returned_on.is_not(None), d.standing.in_(STANDINGS), *dossiers]),
        (a.received_on, literal(RECEIVED), a_who, [*main, a.parent_id.is_(None), *assignments]),
        (a.completed_on, a.standing, a_who, [*main, a.completed_on.is_not(None), a.standing.in_(STANDINGS),
                                             *assignments]),
    ]
    selects = []
    for day, measure, who, where in sources:
        for grain, when in ((DAY, day), (MONTH, _month_sql(session, day))):
            keys = (literal(grain), when, measure, *who)
            selects.append(select(*keys, func.count()).where(and_(*where)).group_by(*keys))
    return selects


def add_from_records(session: Session, dossiers=(), assignments=()) -> None:
    """Add to the roll-up what the records matching the conditions contribute (bulk loads:
    e.g. ``Dossier.id >= first``); rows already there are added to."""
    for query in _selects(session, dossiers, assignments):
        session.execute(_adding(session, query=query))


def rebuild_rollup(session: Session) -> int:
    """Recompute the whole roll-up from the records (the caller commits). Returns its rows."""
    session.execute(delete(RollupCount))
    add_from_records(session)
    return session.scalar(select(func.count()).select_from(RollupCount))


def snapshot(session: Session) -> dict:
    """The roll-up as ``{key: count}``, zero counts left out (for comparing)."""
    return {tuple(str(v) for v in row[:-1]): row[-1] for row in session.execute(
        select(*[getattr(RollupCount, k) for k in KEY], RollupCount.count).where(RollupCount.count != 0))}
