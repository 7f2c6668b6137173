"""A whole book of keyed entries in one transaction: the use case under a national package
import (docsvc.civil.package reads the zip; this stores what it read). All or nothing: the
first row that does not fit refuses the whole book, naming the row, and nothing is kept."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from archive.civil import RegisterEntry
from archive.models import utcnow
from docsvc.access import Principal
from docsvc.civil.entries import EntryFieldError, merged, read_fields, value
from docsvc.civil.rules import (
    Conflict,
    _begin_write,
    _book_view,
    _feed,
    _keying,
    _lock_office,
    _place_number,
    _require,
)
from docsvc.civil.services import book_values, create_book
from docsvc.services.container import Services


class RowRefused(Exception):
    """Row ``row`` (1-based, in the order given) does not fit: ``key`` the field, ``message``
    Vietnamese, ``code`` invalid_field | duplicate_number, ``existing_id`` the entry already
    holding the number (another book of the office's year), ``other_row`` the earlier row
    with the same number."""

    def __init__(self, row: int, key: str, message: str, *, code: str = "invalid_field",
                 existing_id: int | None = None, other_row: int | None = None):
        super().__init__(f"row {row}, {key}: {message}")
        self.row, self.key, self.message, self.code = row, key, message, code
        self.existing_id, self.other_row = existing_id, other_row


def import_book(services: Services, principal: Principal, *, office_code: str, kind: str, year_from: int,
                year_to: int | None = None, label: str, rows: Sequence[Mapping[str, Any]],
                condition_notes: str | None = None, verification_mode: str = "review") -> dict:
    """Create a book and its entries, ``keyed`` by the principal, in one transaction.
    ``rows``: one fields mapping per entry, as create_entry takes them; each needs its
    ``number``. Needs ``civil.book`` and ``civil.key``. Returns the book dict with
    ``entry_ids`` in row order. EntryFieldError for the book's own values; RowRefused for
    a row (a bad value, a missing or repeated number, a number the office's year already
    has); nothing is stored in either case."""
    _require(principal, "civil.book")
    _require(principal, "civil.key")
    values = book_values(kind=kind, year_from=year_from, year_to=year_to, label=label,
                         condition_notes=condition_notes, verification_mode=verification_mode)
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        book = create_book(services, session, principal, office_code, values, action="civil.book_import",
                           entries=len(rows))
        _lock_office(session, book.office_unit_id)
        seen: dict[tuple[int, int], int] = {}
        entries: list[RegisterEntry] = []
        now = utcnow()
        for row, raw in enumerate(rows, 1):
            try:
                fields = merged({}, read_fields(kind, raw))
                if value(fields, "number") is None:
                    raise EntryFieldError("number", "Thiếu số đăng ký.")
                entry = RegisterEntry(book_id=book.id, office_unit_id=book.office_unit_id, kind=kind,
                                      status="keyed", fields=fields, keyed_by=principal.user_id, keyed_at=now,
                                      created_at=now)
                _place_number(session, book, entry)
            except EntryFieldError as exc:
                raise RowRefused(row, exc.name, exc.message) from None
            except Conflict as exc:
                raise RowRefused(row, "number", exc.message, code="duplicate_number",
                                 existing_id=exc.existing_id) from None
            key = (entry.year, entry.number)
            if key in seen:
                raise RowRefused(row, "number", f"Số {entry.number:02d} năm {entry.year} trùng với dòng {seen[key]}.",
                                 code="duplicate_number", other_row=seen[key])
            seen[key] = row
            entries.append(entry)
        session.add_all(entries)
        session.flush()
        for entry in entries:
            _keying(session, principal, entry, 1)
        result = {**_book_view(session, book), "entry_ids": [e.id for e in entries]}
        _feed(services, uow, result["entry_ids"])
        uow.commit()
        return result
