"""A whole book of keyed entries in one transaction (the use case under a national
package import): all rows stored, or none.

Bad rows tried: a sex code that does not exist, a row without a number, the same number
on two rows, a number another book of the office's year already holds, a date outside
the book's year; and a role without the keying right."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from archive.civil import RegisterBook, RegisterEntry
from docsvc.civil import services as civil
from docsvc.civil.importing import RowRefused, import_book
from docsvc.services.audit import PermissionDenied
from tests.civil.conftest import PURPOSE, birth


def _counts(services):
    with services.session_factory() as db:
        return (db.scalar(select(func.count()).select_from(RegisterBook)),
                db.scalar(select(func.count()).select_from(RegisterEntry)))


def _import(services, principal, rows):
    return import_book(services, principal, office_code="XA-A", kind="birth", year_from=2024,
                       label="Sổ nhập từ gói", rows=rows)


def test_a_book_is_imported_whole_or_not_at_all(services, people):
    k1 = people.keyer1
    book = _import(services, k1, [birth(1), birth(2, name="Trần Thị Bình", sex="Nữ"),
                                  birth(3, home_town={"value": None, "state": "missing"})])
    assert len(book["entry_ids"]) == 3
    entries = civil.list_entries(services, k1, book["id"], purpose=PURPOSE)
    assert [(e["number"], e["status"], e["keyed_by"]) for e in entries] == [(1, "keyed", k1.user_id),
                                                                           (2, "keyed", k1.user_id),
                                                                           (3, "keyed", k1.user_id)]
    assert entries[1]["fields"]["sex"]["value"] == 2
    before = _counts(services)

    cases = [([birth(4), birth(5, sex=9)], 2, "sex", "invalid_field"),
             ([birth(4), {"full_name": "Không Số", "registered_on": "2024-02-02"}], 2, "number", "invalid_field"),
             ([birth(4), birth(5), birth(4)], 3, "number", "duplicate_number"),
             ([birth(4), birth(2)], 2, "number", "duplicate_number"),
             ([birth(4, day="2025-01-01")], 1, "registered_on", "invalid_field")]
    for rows, row, key, code in cases:
        with pytest.raises(RowRefused) as refused:
            _import(services, k1, rows)
        assert (refused.value.row, refused.value.key, refused.value.code) == (row, key, code)
        assert _counts(services) == before
    with pytest.raises(RowRefused) as held:
        _import(services, k1, [birth(2)])
    assert held.value.existing_id == entries[1]["id"]
    with pytest.raises(RowRefused) as twice:
        _import(services, k1, [birth(7), birth(7)])
    assert twice.value.other_row == 1
    with pytest.raises(PermissionDenied):
        _import(services, people.desk, [birth(8)])
    assert _counts(services) == before
