"""Gap warnings over two books of one office's year, for many sets of numbers (Hypothesis):
every number missing from the year's sequence is reported by exactly one book, and nothing
else is. Numbers tried: empty books, one-entry books, runs with holes at the start, inside
and between the books, a second book that continues with no hole."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from archive.accounts import Unit
from archive.civil import RegisterBook, RegisterEntry
from docsvc.civil.numbering import book_warnings, next_number

YEARS = itertools.count(1000)


def _expand(ranges):
    return {n for first, last in ranges for n in range(first, last + 1)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.sets(st.integers(1, 40), max_size=15), second=st.sets(st.integers(1, 40), max_size=15))
def test_each_missing_number_is_reported_by_one_book(services, first, second):
    split = max(first, default=0)
    second = {n + split for n in second}          # the second book continues after the first
    year = next(YEARS)
    with services.session_factory() as db:
        office = db.scalar(select(Unit.id).where(Unit.parent_id.is_(None)))
        books = [RegisterBook(office_unit_id=office, kind="birth", year_from=year, year_to=year, label=f"{year}/{i}")
                 for i in (1, 2)]
        db.add_all(books)
        db.flush()
        for book, numbers in zip(books, (first, second)):
            db.add_all(RegisterEntry(book_id=book.id, office_unit_id=office, kind="birth", year=year, number=n,
                                     status="keyed", fields={}) for n in numbers)
        db.flush()
        reported = [_expand(w["missing"]) for book in books for w in book_warnings(db, book) if w["kind"] == "gap"]
        everything = first | second
        expected = set(range(1, max(everything, default=0) + 1)) - everything
        assert set().union(*reported) == expected
        assert sum(len(r) for r in reported) == len(expected)   # no number reported twice
        assert next_number(db, office, "birth", year) == max(everything, default=0) + 1
        db.rollback()
