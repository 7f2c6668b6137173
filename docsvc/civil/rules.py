"""The rules the civil-status use cases share (docsvc.civil.services, docsvc.civil.keying):
the refusals, the scope (a book is its office's; custody follows the office's successor),
the write lock that lets concurrent writers take turns, numbering checks, revisions,
keyings, the audit record and the after-commit search feed."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from archive.accounts import Unit
from archive.civil import RegisterBook, RegisterEntry, RegisterKeying, RegisterPage, RegisterRevision
from archive.models import Page, utcnow
from docsvc.access import Principal
from docsvc.civil.entries import EntryFieldError, book_dict, differences, entry_dict, merged, value
from docsvc.civil.numbering import holder_of, next_number
from docsvc.documents.queries import NotFound
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services

class BookNotFound(NotFound):
    """No such book for this principal (absent, another unit's, or no ``person.view``)."""


class EntryNotFound(NotFound):
    """No such entry for this principal (absent, another unit's, or no ``person.view``)."""


class Conflict(Exception):
    """The entry's state refuses the change. ``code``: duplicate_number, same_person,
    reason_required, stale, not_keyed, already_verified, disputed, not_disputed,
    needs_second_keying, not_double, already_keyed_twice, arbiter_is_keyer, status.
    ``existing_id``: the entry already holding the number (duplicate_number)."""

    def __init__(self, code: str, message: str, *, existing_id: int | None = None, version: int | None = None):
        super().__init__(message)
        self.code, self.message, self.existing_id, self.version = code, message, existing_id, version


# -- rules shared by the use cases ---------------------------------------------------------

def _require(principal: Principal, action: str | None = None) -> None:
    """Civil-status data is personal: without ``person.view`` nothing exists (404)."""
    if not principal.can("person.view"):
        raise NotFound("civil")
    if action and not principal.can(action):
        raise PermissionDenied(action)


def _held(principal: Principal, unit_id: int) -> bool:
    return principal.unit_ids is None or unit_id in principal.unit_ids


def _begin_write(session: Session) -> None:
    """Take SQLite's write lock before the first read, so concurrent writers queue for it
    (busy timeout) instead of failing to upgrade a stale read snapshot. PostgreSQL locks the
    rows it must (``_entry(lock=True)``, ``_lock_office``). Autoflush is off: a use case
    checks a number before the row takes it, and writes once (``_flush``), so an entry's
    version rises by one per change."""
    session.autoflush = False
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def _lock_office(session: Session, office_id: int) -> None:
    """Writers of one office's numbers take their turn (PostgreSQL; SQLite holds the
    database's write lock already)."""
    session.execute(select(Unit.id).where(Unit.id == office_id).with_for_update())


def custodian(session: Session, unit: Unit) -> Unit:
    """The unit holding an office's books: the office, or after it ended the successor
    named on it, followed as far as successors go (archive.accounts)."""
    seen = {unit.id}
    while unit.successor_id is not None and unit.successor_id not in seen:
        unit = session.get(Unit, unit.successor_id)
        seen.add(unit.id)
    return unit


def _book(session: Session, principal: Principal, book_id: int) -> RegisterBook:
    book = session.get(RegisterBook, book_id)
    if book is None or not _held(principal, book.office_unit_id):
        raise BookNotFound(book_id)
    return book


def _entry(session: Session, principal: Principal, entry_id: int, *, lock: bool = False) -> RegisterEntry:
    query = select(RegisterEntry).where(RegisterEntry.id == entry_id)
    if lock:
        query = query.with_for_update()
    entry = session.scalar(query)
    if entry is None or not _held(principal, entry.office_unit_id):
        raise EntryNotFound(entry_id)
    return entry


def _book_view(session: Session, book: RegisterBook) -> dict:
    office = session.get(Unit, book.office_unit_id)
    return book_dict(book, office, custodian(session, office))


def _pages_of(session: Session, entries: list[RegisterEntry]) -> dict[int, dict]:
    page_ids = {e.page_id for e in entries if e.page_id is not None}
    if not page_ids:
        return {}
    rows = session.execute(
        select(Page.id, Page.document_id, Page.number, RegisterPage.seq)
        .join(RegisterPage, RegisterPage.document_id == Page.document_id)
        .where(Page.id.in_(page_ids))).all()
    return {pid: {"id": pid, "document_id": doc, "number": number, "seq": seq} for pid, doc, number, seq in rows}


def _view(session: Session, entry: RegisterEntry) -> dict:
    return entry_dict(entry, page=_pages_of(session, [entry]).get(entry.page_id))


def _year(book: RegisterBook, fields: Mapping[str, dict]) -> int:
    registered = value(fields, "registered_on")
    if registered:
        year = int(str(registered)[:4])
        if not book.year_from <= year <= book.year_to:
            raise EntryFieldError("registered_on", f"Ngày đăng ký ngoài các năm của sổ "
                                                   f"({book.year_from}–{book.year_to}).")
        return year
    if book.year_from == book.year_to:
        return book.year_from
    raise EntryFieldError("registered_on", "Sổ gồm nhiều năm: cần ngày đăng ký để biết năm của mục.")


def _check_version(entry: RegisterEntry, version: int | None) -> None:
    if version is not None and version != entry.version:
        raise Conflict("stale", "Mục đã được người khác sửa; hãy tải lại rồi sửa tiếp.", version=entry.version)


def _place_number(session: Session, book: RegisterBook, entry: RegisterEntry) -> None:
    """Set ``entry.year`` and ``number`` from its fields (the next number when none was
    given) and refuse a number the office's year already has."""
    year = _year(book, entry.fields)
    number = value(entry.fields, "number")
    if number is None:
        number = next_number(session, book.office_unit_id, book.kind, year)
        entry.fields = merged(entry.fields, {"number": {"value": number, "state": "ok", "confidence": None}})
    holder = holder_of(session, entry.office_unit_id, entry.kind, year, number, besides=entry.id)
    if holder is not None:
        raise Conflict("duplicate_number", f"Số {number:02d} năm {year} đã có trong sổ của đơn vị.",
                       existing_id=holder)
    entry.year, entry.number = year, number


def _flush(session: Session, entry: RegisterEntry) -> None:
    """Write now; a number taken by a concurrent writer, or a write over a newer version,
    becomes a Conflict."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        holder = None
        if entry.number is not None:
            holder = holder_of(session, entry.office_unit_id, entry.kind, entry.year, entry.number)
        raise Conflict("duplicate_number", f"Số {entry.number} năm {entry.year} đã có trong sổ của đơn vị.",
                       existing_id=holder) from None
    except StaleDataError:
        session.rollback()
        raise Conflict("stale", "Mục đã được người khác sửa; hãy tải lại rồi sửa tiếp.") from None


def _revise(session: Session, principal: Principal, entry: RegisterEntry, changes: dict, *, stage: str,
            reason: str, legal_basis: str | None = None, legal_basis_date: date | None = None) -> RegisterRevision:
    seq = (session.scalar(select(func.max(RegisterRevision.seq)).where(RegisterRevision.entry_id == entry.id)) or 0) + 1
    rev = RegisterRevision(entry_id=entry.id, seq=seq, user_id=principal.user_id, at=utcnow(), stage=stage,
                           reason=reason, legal_basis=legal_basis, legal_basis_date=legal_basis_date,
                           changes=changes)
    session.add(rev)
    return rev


def _keying(session: Session, principal: Principal, entry: RegisterEntry, round_: int) -> None:
    session.add(RegisterKeying(entry_id=entry.id, user_id=principal.user_id, round=round_,
                               fields=dict(entry.fields), at=utcnow()))


def _same_person(principal: Principal, user_id: int | None) -> bool:
    return principal.user_id == user_id


def _audit(services: Services, session: Session, principal: Principal, action: str, entry: RegisterEntry,
           **details: Any) -> None:
    record(services, session, principal, action, object_type="entry", object_id=entry.id,
           state={"fields": entry.fields, "status": entry.status, "number": entry.number},
           details={"book_id": entry.book_id, "number": entry.number, "year": entry.year, "status": entry.status,
                    **{k: v for k, v in details.items() if v is not None}})


def _feed(services: Services, uow, entry_ids: list[int]) -> None:
    """After the commit: keyed and verified entries into the person kind of the index,
    others out of it (docsvc.civil.indexing)."""
    def run() -> None:
        from docsvc.civil.indexing import index_entries

        index_entries(services, entry_ids)

    uow.after_commit(run)


def _disputes(session: Session, entry: RegisterEntry) -> dict:
    rounds = {k.round: k.fields for k in session.scalars(
        select(RegisterKeying).where(RegisterKeying.entry_id == entry.id, RegisterKeying.round.in_((1, 2))))}
    first, second = rounds.get(1, {}), rounds.get(2, {})
    missing = {"value": None, "state": "missing", "confidence": None}
    return {key: {"round1": first.get(key, missing), "round2": second.get(key, missing)}
            for key in differences(first, second)}
