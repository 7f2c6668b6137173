"""The civil-status register use cases that the web workbench, the API and the CLI call
(docs/architecture.md, "Civil-status registers").

Each takes the services, the acting ``Principal`` and plain values or ids; checks the
permission and the scope; writes through one unit of work with its audit record in the
same transaction; leaves the search feed to after the commit; and returns plain dicts.

Refusals are exceptions the callers translate:

- ``NotFound`` (docsvc.documents.queries; ``BookNotFound``/``EntryNotFound`` here) — the
  book or entry does not exist, is held by a unit not in the principal's scope, or the
  principal lacks ``person.view``: entries are personal data, so nothing tells them apart
  (404, never 403).
- ``PermissionDenied`` — a ``person.view`` holder without the action's right (403).
- ``EntryFieldError`` (a ``FieldError``: ``name`` the field key, ``message`` Vietnamese) — 400.
- ``Conflict`` (``code``, ``message``, ``existing_id``) — the state of the entry refuses the
  change: a number already used (``existing_id`` the entry holding it), verification by the
  keyer, a correction without a reason, a stale ``version`` ... (409).
- ``PurposeRequired`` — a read of personal data without its purpose (docsvc.audit.personal).

Status flow: ``proposed`` (the machine) → ``keyed`` (a person keyed or accepted it) →
``verified`` (a second person reviewed it, or two blind keyings agreed, or a third person
arbitrated two that did not: ``disputed`` → ``verified``). Every change after keying is a
``RegisterRevision``; a verified entry changes only by a correction with a reason.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User
from archive.civil import (
    VERIFICATION_MODES,
    RegisterBook,
    RegisterEntry,
    RegisterKeying,
    RegisterPage,
    RegisterRevision,
)
from archive.models import Document, utcnow
from docsvc.access import Principal
from docsvc.audit.personal import Purpose, record_personal_read
from docsvc.civil import fields as contract
from docsvc.civil.entries import EntryFieldError, entry_dict, revision_dict, subject_name, value
from docsvc.civil.keying import arbitrate, create_entry, key_again, update_entry, verify_entry
from docsvc.civil.numbering import book_warnings, holder_of, next_number
from docsvc.civil.rules import (
    BookNotFound,
    Conflict,
    EntryNotFound,
    _book,
    _book_view,
    _disputes,
    _entry,
    _held,
    _pages_of,
    _require,
    _view,
    custodian,
)
from docsvc.services.audit import record
from docsvc.services.container import Services

__all__ = [
    "BookNotFound", "Conflict", "EntryFieldError", "EntryNotFound",
    "add_book", "list_books", "get_book", "list_entries", "get_entry", "create_entry", "update_entry",
    "verify_entry", "key_again", "arbitrate", "revisions", "keying_stats", "office_progress", "custodian",
]


# -- books ---------------------------------------------------------------------------------

def book_values(*, kind: str, year_from: int, year_to: int | None, label: str, condition_notes: str | None,
                verification_mode: str) -> dict:
    """A new book's values, checked (EntryFieldError naming the one that does not fit)."""
    if kind not in contract.KINDS:
        raise EntryFieldError("kind", "Loại sổ phải là birth, death hoặc marriage.")
    year_to = year_from if year_to is None else year_to
    for name, year in (("year_from", year_from), ("year_to", year_to)):
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2100:
            raise EntryFieldError(name, "Năm không hợp lệ.")
    if year_to < year_from:
        raise EntryFieldError("year_to", "Năm cuối phải từ năm đầu trở đi.")
    label = " ".join((label or "").split())
    if not label or len(label) > 300:
        raise EntryFieldError("label", "Cần tên sổ (tối đa 300 ký tự).")
    if verification_mode not in VERIFICATION_MODES:
        raise EntryFieldError("verification_mode", "Cách kiểm tra phải là review hoặc double.")
    return {"kind": kind, "year_from": year_from, "year_to": year_to, "label": label,
            "condition_notes": " ".join((condition_notes or "").split()) or None,
            "verification_mode": verification_mode}


def create_book(services: Services, session: Session, principal: Principal, office_code: str, values: dict,
                *, action: str = "civil.book_create", **details) -> RegisterBook:
    """Insert a book of ``office_code`` (a unit the principal holds, abolished ones included)
    with its audit record, in the caller's transaction (add_book, and a package import)."""
    office = session.scalar(select(Unit).where(Unit.code == (office_code or "").strip()))
    if office is None or not _held(principal, office.id):
        raise EntryFieldError("office", f"Không có đơn vị mã {office_code} trong các đơn vị bạn quản lý.")
    book = RegisterBook(office_unit_id=office.id, created_by=principal.user_id, created_at=utcnow(), **values)
    session.add(book)
    session.flush()
    record(services, session, principal, action, object_type="register_book", object_id=book.id,
           details={"office": office.code, **{k: v for k, v in values.items() if v is not None}, **details})
    return book


def add_book(services: Services, principal: Principal, *, office_code: str, kind: str, year_from: int,
             year_to: int | None = None, label: str, condition_notes: str | None = None,
             verification_mode: str = "review") -> dict:
    """Record a register book of ``office_code`` (a unit the principal holds, abolished ones
    included). Needs ``civil.book``. Returns the book dict (``id``, ``office``,
    ``custodian`` ...). EntryFieldError for an unknown office, kind, year or mode."""
    _require(principal, "civil.book")
    values = book_values(kind=kind, year_from=year_from, year_to=year_to, label=label,
                         condition_notes=condition_notes, verification_mode=verification_mode)
    with services.uow() as uow:
        book = create_book(services, uow.session, principal, office_code, values)
        result = _book_view(uow.session, book)
        uow.commit()
        return result


def _status_counts(session: Session, book_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {b: {s: 0 for s in contract.STATUSES} for b in book_ids}
    if book_ids:
        for book_id, status, n in session.execute(
                select(RegisterEntry.book_id, RegisterEntry.status, func.count())
                .where(RegisterEntry.book_id.in_(book_ids)).group_by(RegisterEntry.book_id, RegisterEntry.status)):
            counts[book_id][status] = n
    return counts


def list_books(services: Services, principal: Principal, *, office_code: str | None = None,
               kind: str | None = None, year: int | None = None) -> list[dict]:
    """The books of the principal's units (and of units whose custody they took), each with
    ``entries`` counted per status and ``pages``. No personal data: not logged."""
    _require(principal)
    with services.uow() as uow:
        session = uow.session
        query = select(RegisterBook).order_by(RegisterBook.year_from, RegisterBook.kind, RegisterBook.id)
        if principal.unit_ids is not None:
            query = query.where(RegisterBook.office_unit_id.in_(principal.unit_ids))
        if office_code:
            query = query.join(Unit, Unit.id == RegisterBook.office_unit_id).where(Unit.code == office_code)
        if kind:
            query = query.where(RegisterBook.kind == kind)
        if year is not None:
            query = query.where(RegisterBook.year_from <= year, RegisterBook.year_to >= year)
        books = list(session.scalars(query))
        ids = [b.id for b in books]
        counts = _status_counts(session, ids)
        pages = dict(session.execute(select(RegisterPage.book_id, func.count()).where(
            RegisterPage.book_id.in_(ids)).group_by(RegisterPage.book_id)).all()) if ids else {}
        return [{**_book_view(session, b), "entries": counts[b.id], "pages": pages.get(b.id, 0)} for b in books]


def get_book(services: Services, principal: Principal, book_id: int) -> dict:
    """One book: its dict, ``entries`` per status, ``pages`` (``seq``, ``document_id``,
    ``status`` of the reading, ``parsed_at``, ``parse_note``), ``warnings`` (number gaps and
    duplicates per year, docsvc.civil.numbering.book_warnings) and ``next_number`` per
    year of the book."""
    _require(principal)
    with services.uow() as uow:
        session = uow.session
        book = _book(session, principal, book_id)
        pages = [{"seq": p.seq, "document_id": p.document_id, "status": status,
                  "parsed_at": p.parsed_at.isoformat() if p.parsed_at else None, "parse_note": p.parse_note}
                 for p, status in session.execute(
                     select(RegisterPage, Document.status).join(Document, Document.id == RegisterPage.document_id)
                     .where(RegisterPage.book_id == book.id).order_by(RegisterPage.seq))]
        return {**_book_view(session, book), "entries": _status_counts(session, [book.id])[book.id],
                "pages": pages, "warnings": book_warnings(session, book),
                "next_number": {y: next_number(session, book.office_unit_id, book.kind, y)
                                for y in range(book.year_from, book.year_to + 1)}}


# -- reading entries (personal data: every read logged with its purpose) --------------------

def list_entries(services: Services, principal: Principal, book_id: int, *, status: str | None = None,
                 purpose: Purpose | None = None) -> list[dict]:
    """The entries of a book in number order (unnumbered proposals last), optionally of one
    status; each ``entry_dict`` (``id``, ``number``, ``kind``, ``status``, ``page``, ``box``,
    ``fields`` ...). Logged as one ``person.read`` with the names shown."""
    _require(principal)
    if status is not None and status not in contract.STATUSES:
        raise EntryFieldError("status", "Trạng thái phải là một trong: " + ", ".join(contract.STATUSES) + ".")
    with services.uow() as uow:
        session = uow.session
        book = _book(session, principal, book_id)
        query = select(RegisterEntry).where(RegisterEntry.book_id == book.id)
        if status:
            query = query.where(RegisterEntry.status == status)
        entries = list(session.scalars(query.order_by(RegisterEntry.year, RegisterEntry.number.is_(None),
                                                      RegisterEntry.number, RegisterEntry.id)))
        pages = _pages_of(session, entries)
        result = [entry_dict(e, page=pages.get(e.page_id)) for e in entries]
    names = [n for n in (subject_name(e) for e in entries) if n]
    record_personal_read(services, principal, purpose, what="entries", object_type="register_book",
                         object_id=book_id, status=status, count=len(entries), persons=names[:200] or None)
    return result


def get_entry(services: Services, principal: Principal, entry_id: int, *, purpose: Purpose | None = None,
              blind: bool = False) -> dict:
    """One entry (``entry_dict``) with ``book`` (its dict), ``warnings`` (``duplicate``
    when its number is held by another entry), ``revisions`` (how many),
    ``awaiting_second_keying`` (a keyed entry of a double-keying book that this principal,
    not its keyer, may key blind) and, when disputed, ``disputes``: ``{key: {"round1":
    {...}, "round2": {...}}}``. ``blind=True`` (the second keyer's form): when the entry
    awaits this principal's second keying, ``fields`` comes back empty. The read is logged
    with its purpose (``PurposeRequired`` without one, before anything is shown)."""
    _require(principal)
    with services.uow() as uow:
        session = uow.session
        entry = _entry(session, principal, entry_id)
        book = session.get(RegisterBook, entry.book_id)
        data = {**_view(session, entry), "book": _book_view(session, book)}
        data["awaiting_second_keying"] = awaiting = (
            book.verification_mode == "double" and entry.status == "keyed"
            and principal.user_id != entry.keyed_by
            and session.scalar(select(func.count()).where(RegisterKeying.entry_id == entry.id,
                                                          RegisterKeying.round == 2)) == 0)
        if blind and awaiting:
            data["fields"] = {}
        data["revisions"] = session.scalar(select(func.count()).where(RegisterRevision.entry_id == entry.id))
        warnings = []
        read = value(entry.fields, "number")
        if entry.number is None and isinstance(read, int):
            holder = holder_of(session, entry.office_unit_id, entry.kind, entry.year, read)
            if holder is not None:
                warnings.append({"kind": "duplicate", "number": read, "entry_ids": [holder, entry.id]})
        data["warnings"] = warnings
        if entry.status == "disputed":
            data["disputes"] = _disputes(session, entry)
    record_personal_read(services, principal, purpose, what="entry", object_type="entry", object_id=entry_id,
                         person=subject_name(entry), book_id=entry.book_id)
    return data


def revisions(services: Services, principal: Principal, entry_id: int, *,
              purpose: Purpose | None = None) -> list[dict]:
    """The history of an entry, oldest first: ``seq``, ``who`` (user name), ``when``,
    ``stage`` (keying | review | arbitration | correction), ``reason``, ``legal_basis``,
    ``legal_basis_date``, ``changes`` ``{key: {"old", "new", "old_state", "new_state"}}``.
    Old values are personal data too: logged with the purpose."""
    _require(principal)
    with services.uow() as uow:
        session = uow.session
        entry = _entry(session, principal, entry_id)
        rows = session.execute(select(RegisterRevision, User.username)
                               .outerjoin(User, User.id == RegisterRevision.user_id)
                               .where(RegisterRevision.entry_id == entry.id).order_by(RegisterRevision.seq)).all()
        result = [revision_dict(rev, who) for rev, who in rows]
    record_personal_read(services, principal, purpose, what="revisions", object_type="entry", object_id=entry_id,
                         person=subject_name(entry))
    return result


def keying_stats(services: Services, principal: Principal, *, book_id: int | None = None) -> list[dict]:
    """Per person, over the books the principal sees (or one book): ``keyed`` (keyings,
    first and second), ``entries_per_hour`` (keyings per clock hour in which they keyed),
    ``verified`` (entries they verified or arbitrated), ``review_changes`` (fields they
    changed in others' keyed entries), ``changed_in_review`` (fields of their keyings that
    others changed before verifying), ``double_keyed`` / ``agreed`` / ``agreement_rate``
    (of their double-keyed entries, those whose two keyings agreed)."""
    _require(principal)
    from docsvc.civil.stats import compute

    with services.uow() as uow:
        session = uow.session
        if book_id is not None:
            _book(session, principal, book_id)
        return compute(session, unit_ids=principal.unit_ids, book_id=book_id)


def office_progress(services: Services, principal: Principal) -> list[dict]:
    """Per registering office the principal holds: ``office`` (unit dict), ``books``,
    ``pages``, ``entries`` per status (proposed, keyed, verified, disputed). No personal
    data: not logged. Per book, see ``list_books``; per person, ``keying_stats``."""
    _require(principal)
    from docsvc.civil.entries import unit_dict

    with services.uow() as uow:
        session = uow.session
        scope = (lambda q, col: q if principal.unit_ids is None else q.where(col.in_(principal.unit_ids)))
        books = dict(session.execute(scope(select(RegisterBook.office_unit_id, func.count())
                                           .group_by(RegisterBook.office_unit_id), RegisterBook.office_unit_id)).all())
        pages = dict(session.execute(scope(
            select(RegisterBook.office_unit_id, func.count()).join(RegisterPage, RegisterPage.book_id == RegisterBook.id)
            .group_by(RegisterBook.office_unit_id), RegisterBook.office_unit_id)).all())
        counts: dict[int, dict[str, int]] = {u: {s: 0 for s in contract.STATUSES} for u in books}
        for office_id, status, n in session.execute(scope(
                select(RegisterEntry.office_unit_id, RegisterEntry.status, func.count())
                .group_by(RegisterEntry.office_unit_id, RegisterEntry.status), RegisterEntry.office_unit_id)):
            counts.setdefault(office_id, {s: 0 for s in contract.STATUSES})[status] = n
        units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(list(counts))))}
        return [{"office": unit_dict(units[u]), "books": books.get(u, 0), "pages": pages.get(u, 0),
                 "entries": counts[u]} for u in sorted(counts, key=lambda u: units[u].code)]
