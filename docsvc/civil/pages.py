"""The scanned pages of a register book, and the machine's proposals read from them.

``add_pages`` takes scans in book order through the ordinary upload (always personal data,
held by the book's office) and records them as the book's pages. Once a page's ingest job
is done, the job runner's after-commit hook (docsvc.worker.make_runner) calls
``document_read``: for a document that is a book's page, each of its pages' word boxes
goes to the parser (``docsvc.civil.parsing.parse_page``) and the entries it finds are
stored as ``proposed``. A number the office's year already has is not an error there: the
proposal is kept unnumbered, with a warning, for a person to settle. Parsing happens once
per page (``parsed_at``), so a hook run twice, or a page added after its document was
read, proposes its entries once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from sqlalchemy import func, select

from archive.accounts import Unit
from archive.civil import RegisterBook, RegisterEntry, RegisterPage
from archive.models import DOC_DONE, Document, Page, utcnow
from docsvc.access import Principal, system_principal
from docsvc.civil import fields as contract
from docsvc.civil.entries import merged
from docsvc.civil.numbering import holder_of
from docsvc.civil.rules import _begin_write, _book, _require
from docsvc.documents.submit import submit_stream
from docsvc.services.audit import record
from docsvc.services.container import Services

log = logging.getLogger(__name__)


@dataclass
class PageAdded:
    seq: int | None            # the page's place in the book (None: the scan was refused)
    document_id: int | None
    job_id: int | None
    status: str                # queued | duplicate (bytes already read) | already_in_book
    name: str | None = None


def _open(item: Any) -> tuple[str | None, BinaryIO, bool]:
    """(name, stream, opened here) for a path, a (name, stream) pair or an uploaded file."""
    if isinstance(item, (str, Path)):
        return Path(item).name, open(item, "rb"), True
    if isinstance(item, tuple):
        return item[0], item[1], False
    return getattr(item, "filename", None), getattr(item, "stream", item), False


def add_pages(services: Services, principal: Principal, book_id: int, files: Iterable[Any]) -> list[PageAdded]:
    """Add scans to a book, in the order given, after its last page. ``files``: paths,
    ``(name, binary stream)`` pairs or uploaded files (``.filename``, ``.stream``). Each is
    submitted as personal data held by the book's office (docsvc.documents.submit: bad
    input raises IngestError, nothing kept of that file; the ones before it stay added).
    Needs ``civil.book``. A scan whose bytes are already a page of a book is not added
    twice (``already_in_book``). Returns one ``PageAdded`` per file."""
    _require(principal, "civil.book")
    with services.uow() as uow:
        book = _book(uow.session, principal, book_id)
        office = uow.session.get(Unit, book.office_unit_id)
    added: list[PageAdded] = []
    for item in files:
        name, stream, opened = _open(item)
        try:
            sub = submit_stream(services, stream, name, principal=principal, unit_code=office.code,
                                personal_data=True, permission="civil.book")
        finally:
            if opened:
                stream.close()
        added.append(_record_page(services, principal, book_id, sub.document_id, sub.job_id, sub.status, name))
    return added


def _record_page(services: Services, principal: Principal, book_id: int, doc_id: int, job_id: int | None,
                 status: str, name: str | None) -> PageAdded:
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        session.execute(select(RegisterBook.id).where(RegisterBook.id == book_id).with_for_update())
        existing = session.scalar(select(RegisterPage).where(RegisterPage.document_id == doc_id))
        if existing is not None:
            return PageAdded(existing.seq if existing.book_id == book_id else None, doc_id, job_id,
                             "already_in_book", name)
        seq = (session.scalar(select(func.max(RegisterPage.seq)).where(RegisterPage.book_id == book_id)) or 0) + 1
        session.add(RegisterPage(book_id=book_id, seq=seq, document_id=doc_id))
        record(services, session, principal, "civil.page_add", object_type="register_book", object_id=book_id,
               details={"seq": seq, "document_id": doc_id, "job_id": job_id})
        done = session.scalar(select(Document.status).where(Document.id == doc_id)) == DOC_DONE
        uow.commit()
    if done:  # read before it became a page (same bytes as an earlier scan): parse it now
        document_read(services, doc_id)
    return PageAdded(seq, doc_id, job_id, status, name)


def document_read(services: Services, doc_id: int) -> int:
    """The job runner's hook once a document is read: propose the entries of a register
    book's page; nothing for any other document. Returns how many entries were proposed."""
    with services.session_factory() as session:
        page_id = session.scalar(select(RegisterPage.id).where(RegisterPage.document_id == doc_id,
                                                               RegisterPage.parsed_at.is_(None)))
    if page_id is None:
        return 0
    from docsvc.civil.parsing import parse_page  # the parser (its own module); imported when needed

    principal = system_principal("civil-parser")
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        reg = session.scalar(select(RegisterPage).where(RegisterPage.id == page_id).with_for_update())
        if reg.parsed_at is not None:  # another run was first
            return 0
        book = session.get(RegisterBook, reg.book_id)
        pages = list(session.scalars(select(Page).where(Page.document_id == doc_id).order_by(Page.number)))
        proposed: list[RegisterEntry] = []
        notes: list[str] = []
        for page in pages:
            result = parse_page(page.words or [], page.width or 0, page.height or 0, kind=book.kind)
            if not result.is_register:
                notes.append(result.reason or "Không phải trang sổ hộ tịch.")
                continue
            for found in result.entries:
                entry, note = _proposal(session, book, page, found)
                session.add(entry)
                session.flush()
                proposed.append(entry)
                if note:
                    notes.append(note)
        reg.parsed_at = utcnow()
        reg.parse_note = "\n".join(notes) or None
        record(services, session, principal, "civil.entry_propose", object_type="register_book",
               object_id=book.id, details={"seq": reg.seq, "document_id": doc_id,
                                           "entries": [e.id for e in proposed], "note": reg.parse_note})
        uow.commit()
        return len(proposed)


def _proposal(session, book: RegisterBook, page: Page, found: Any) -> tuple[RegisterEntry, str | None]:
    """A proposed entry from the parser's reading; its number left empty (with a note) when
    the office's year already has it."""
    fields = {}
    for key, item in (getattr(found, "fields", None) or {}).items():
        if key not in contract.BY_KEY[book.kind]:
            continue
        item = dict(item or {})
        value, state = item.get("value"), item.get("state") or "uncertain"
        try:
            value = contract.normalise(book.kind, key, value)
        except contract.FieldValueError:
            value, state = None, "uncertain"   # never stand as read when it does not even fit
        if state not in contract.STATES or (state == "ok" and value is None):
            state = "uncertain" if value is not None else "missing"
        if state == "missing":
            value = None
        fields[key] = {"value": value, "state": state, "confidence": item.get("confidence")}
    number = found.number if isinstance(found.number, int) and found.number > 0 else None
    if number is not None and "number" not in fields:
        fields["number"] = {"value": number, "state": "ok", "confidence": None}
    registered = (fields.get("registered_on") or {}).get("value")
    year = int(registered[:4]) if registered and book.year_from <= int(registered[:4]) <= book.year_to \
        else book.year_from
    note = None
    if number is not None and holder_of(session, book.office_unit_id, book.kind, year, number) is not None:
        note = f"Số {number:02d} năm {year} đã có trong sổ của đơn vị: mục đề xuất để trống số, cần người nhập xem lại."
        number = None
    box = [int(v) for v in found.box] if getattr(found, "box", None) else None
    return RegisterEntry(book_id=book.id, office_unit_id=book.office_unit_id, kind=book.kind, year=year,
                         number=number, status="proposed", fields=merged({}, fields), page_id=page.id, box=box,
                         created_at=utcnow()), note


def parse_pending(services: Services, principal: Principal, book_id: int) -> int:
    """Propose the entries of the book's pages that are read but not yet parsed (a hook
    that failed, or pages read by a worker from before this hook). Returns how many."""
    _require(principal, "civil.book")
    with services.uow() as uow:
        _book(uow.session, principal, book_id)
        doc_ids = list(uow.session.scalars(
            select(RegisterPage.document_id).join(Document, Document.id == RegisterPage.document_id)
            .where(RegisterPage.book_id == book_id, RegisterPage.parsed_at.is_(None), Document.status == DOC_DONE)
            .order_by(RegisterPage.seq)))
    return sum(document_read(services, doc_id) for doc_id in doc_ids)


def pages_summary(services: Services, principal: Principal, book_id: int, document_ids: Iterable[int]) -> dict:
    """What became of these scans of the book: ``pages`` (how many are its pages),
    ``proposed`` (entries the machine proposed from them, still proposed), ``unparsed``
    (pages not parsed yet), ``failed`` (document ids whose reading failed), ``notes``
    (what the parser said: not a register page, a number already taken ...)."""
    _require(principal)
    ids = sorted(set(document_ids))
    with services.uow() as uow:
        session = uow.session
        _book(session, principal, book_id)
        regs = list(session.execute(select(RegisterPage, Document.status)
                                    .join(Document, Document.id == RegisterPage.document_id)
                                    .where(RegisterPage.book_id == book_id, RegisterPage.document_id.in_(ids))
                                    .order_by(RegisterPage.seq)))
        proposed = session.scalar(select(func.count()).select_from(RegisterEntry)
                                  .join(Page, Page.id == RegisterEntry.page_id)
                                  .where(RegisterEntry.book_id == book_id, RegisterEntry.status == "proposed",
                                         Page.document_id.in_(ids))) if ids else 0
    return {"book_id": book_id, "pages": len(regs), "proposed": proposed or 0,
            "unparsed": sum(1 for reg, status in regs if reg.parsed_at is None and status != "failed"),
            "failed": [reg.document_id for reg, status in regs if status == "failed"],
            "notes": [f"Trang {reg.seq}: {line}" for reg, _ in regs for line in (reg.parse_note or "").splitlines()]}
