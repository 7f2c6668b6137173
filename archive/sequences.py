"""Numbers the law says must run without gaps (DESIGN.md "Use cases, records and files"):
extract numbers now, arrival and outgoing numbers next.

One row per (scope, unit, year) holds the last number handed out. ``take_next`` raises it by
one with a single ``UPDATE ... RETURNING`` inside the transaction that registers the thing
numbered, so:

- the number and the thing commit together or not at all: a refusal or a crash after taking
  a number rolls the counter back with it, and the sequence has no gap;
- concurrent writers queue on the row (PostgreSQL's row lock; SQLite's single writer, which
  the ``UPDATE`` takes at once under the busy timeout), so no number is handed out twice.

Take the number as late as possible in the transaction, after the checks that may refuse,
so that the lock is held for as short a time as possible. The row for a new year is created
with ``INSERT ... ON CONFLICT DO NOTHING`` first, which is safe when two writers start the
year at the same moment.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive.models import Base


class NumberSequence(Base):
    __tablename__ = "number_sequences"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)     # extract | incoming | outgoing ...
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)      # the office that numbers
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(NumberSequence)
    if dialect == "sqlite":
        return sqlite.insert(NumberSequence)
    raise NotImplementedError(f"number sequences on {dialect}")


_RAISE = (update(NumberSequence)
          .where(NumberSequence.scope == bindparam("s_scope"), NumberSequence.unit_id == bindparam("s_unit"),
                 NumberSequence.year == bindparam("s_year"))
          .values(last=NumberSequence.last + 1).returning(NumberSequence.last))


def take_next(session: Session, scope: str, unit_id: int, year: int) -> int:
    """The next number of the sequence, counted as used when the transaction commits."""
    # A Core statement built once, on the session's connection (same transaction): the ORM's
    # bulk-update path would look for NumberSequence rows to synchronise in the session.
    connection = session.connection()
    params = {"s_scope": scope, "s_unit": unit_id, "s_year": year}
    number = connection.execute(_RAISE, params).scalar()
    if number is None:
        connection.execute(_insert(session).values(scope=scope, unit_id=unit_id, year=year, last=0)
                           .on_conflict_do_nothing(index_elements=["scope", "unit_id", "year"]))
        number = connection.execute(_RAISE, params).scalar_one()
    return number


def last_taken(session: Session, scope: str, unit_id: int, year: int) -> int:
    """The last number handed out (0 when none), as committed."""
    return session.scalar(select(NumberSequence.last).where(
        NumberSequence.scope == scope, NumberSequence.unit_id == unit_id, NumberSequence.year == year)) or 0
