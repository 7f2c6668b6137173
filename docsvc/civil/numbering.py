"""Entry numbers (DOMAIN.md §4): from 01 each year per registering office and kind; a book
opened mid-year continues the number of the one before it. Numbers are transcribed from the
paper, so the rules are checks and warnings, not a counter: a number used twice in the
office's year is refused (the database's unique key holds it under concurrent writers), a
gap is shown to the person keying, who may have skipped an entry.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.civil import RegisterBook, RegisterEntry


def holder_of(session: Session, office_id: int, kind: str, year: int, number: int,
              *, besides: int | None = None) -> int | None:
    """The id of the entry that has this number in the office's year, if any."""
    query = select(RegisterEntry.id).where(
        RegisterEntry.office_unit_id == office_id, RegisterEntry.kind == kind,
        RegisterEntry.year == year, RegisterEntry.number == number)
    if besides is not None:
        query = query.where(RegisterEntry.id != besides)
    return session.scalar(query.limit(1))


def next_number(session: Session, office_id: int, kind: str, year: int) -> int:
    """One more than the highest number of the office's year (any book), 1 for a new year."""
    top = session.scalar(select(func.max(RegisterEntry.number)).where(
        RegisterEntry.office_unit_id == office_id, RegisterEntry.kind == kind, RegisterEntry.year == year))
    return (top or 0) + 1


def _ranges(numbers: list[int]) -> list[list[int]]:
    """[[first, last], ...] runs of consecutive numbers."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return runs


def book_warnings(session: Session, book: RegisterBook) -> list[dict]:
    """Gaps and duplicates in each year of the book, seen in the office's whole sequence.

    ``{"kind": "gap", "year", "missing": [[first, last], ...]}``: numbers no book of the
    office has, between the end of the sequence before this book's first number (0 when
    none) and this book's highest number. ``{"kind": "duplicate", "year", "number",
    "entry_ids"}``: a machine proposal that read a number already taken (it is kept
    unnumbered until a person settles it), with the entry holding the number first."""
    rows = session.execute(select(RegisterEntry.id, RegisterEntry.year, RegisterEntry.number, RegisterEntry.fields)
                           .where(RegisterEntry.book_id == book.id)).all()
    years: dict[int, list[int]] = defaultdict(list)
    unnumbered: list[tuple[int, int, object]] = []
    for entry_id, year, number, fields in rows:
        if number is not None:
            years[year].append(number)
        else:
            unnumbered.append((entry_id, year, ((fields or {}).get("number") or {}).get("value")))
    warnings: list[dict] = []
    for year in sorted(years):
        mine = years[year]
        low, high = min(mine), max(mine)
        everyone = set(session.scalars(select(RegisterEntry.number).where(
            RegisterEntry.office_unit_id == book.office_unit_id, RegisterEntry.kind == book.kind,
            RegisterEntry.year == year, RegisterEntry.number.is_not(None), RegisterEntry.number <= high)))
        before = [n for n in everyone - set(mine) if n < low]
        start = (max(before) if before else 0) + 1
        missing = [n for n in range(start, high + 1) if n not in everyone]
        if missing:
            warnings.append({"kind": "gap", "year": year, "missing": _ranges(missing)})
    for entry_id, year, number in unnumbered:
        if isinstance(number, int):
            holder = holder_of(session, book.office_unit_id, book.kind, year, number)
            warnings.append({"kind": "duplicate", "year": year, "number": number,
                             "entry_ids": [i for i in (holder, entry_id) if i is not None]})
        else:
            warnings.append({"kind": "unnumbered", "year": year, "entry_ids": [entry_id]})
    return warnings
