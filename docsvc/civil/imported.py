"""Where an imported register entry stands (docsvc.civil.exchange): the document it came
with, its pages once that document is read, and the withdrawal of the documents a failed
import had already stored.

The link from an imported entry to its document is its own import record in the audit
trail (``civil.entry_import``, ``details.document_id``): written in the same transaction as
the entry, never changed, and what the export reads to give the entry's PDF back as it came.
The document is also a page of the book (``RegisterPage``, marked parsed so the machine
proposes nothing from it). ``page_id`` / ``extra_pages`` follow once the document is read
(``link_imported_pages``), for the workbench.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import delete, select

from archive.audit import AuditRecord
from archive.civil import RegisterEntry, RegisterPage
from archive.models import Blob, Document, Job, Page
from docsvc.access import Principal
from docsvc.civil.rules import _begin_write
from docsvc.services.audit import record
from docsvc.services.container import Services

IMPORT_ACTION = "civil.entry_import"


def imported_documents(session, entry_ids: list[int]) -> dict[int, int]:
    """{entry id: the document it was imported with}, from the entries' import records."""
    found: dict[int, int] = {}
    for start in range(0, len(entry_ids), 500):
        chunk = [str(i) for i in entry_ids[start:start + 500]]
        for object_id, details in session.execute(
                select(AuditRecord.object_id, AuditRecord.details)
                .where(AuditRecord.object_type == "entry", AuditRecord.object_id.in_(chunk),
                       AuditRecord.action == IMPORT_ACTION)):
            if details and isinstance(details.get("document_id"), int):
                found[int(object_id)] = details["document_id"]
    return found


# -- import ----------------------------------------------------------------------------------


def read_pages(session, doc_ids: Iterable[int]) -> dict[int, list[int]]:
    """{document id: its page ids in order} for the documents already read."""
    found: dict[int, list[int]] = {}
    for page_id, doc_id in session.execute(select(Page.id, Page.document_id)
                                           .where(Page.document_id.in_(set(doc_ids))).order_by(Page.number)):
        found.setdefault(doc_id, []).append(page_id)
    return found


def withdraw_documents(services: Services, principal: Principal, doc_ids: list[int], *, reason: str) -> None:
    """Take back the documents a failed import made: their jobs, pages and rows, and the
    blobs (rows and files) that nothing else holds. Each is recorded as withdrawn."""
    if not doc_ids:
        return
    gone: list[str] = []
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        docs = list(session.scalars(select(Document).where(Document.id.in_(doc_ids))))
        shas = {d.sha256 for d in docs}
        pages = list(session.scalars(select(Page).where(Page.document_id.in_(doc_ids))))
        shas |= {s for p in pages for s in (p.image_sha256, p.thumbnail_sha256) if s}
        session.execute(delete(RegisterPage).where(RegisterPage.document_id.in_(doc_ids)))
        session.execute(delete(Job).where(Job.document_id.in_(doc_ids)))
        session.execute(delete(Page).where(Page.document_id.in_(doc_ids)))
        for doc in docs:
            record(services, session, principal, "document.withdraw", object_type="document", object_id=doc.id,
                   details={"reason": reason[:500], "sha256": doc.sha256})
        session.execute(delete(Document).where(Document.id.in_(doc_ids)))
        for sha in sorted(shas):
            used = session.scalar(select(Document.id).where(Document.sha256 == sha).limit(1)) or session.scalar(
                select(Page.id).where((Page.image_sha256 == sha) | (Page.thumbnail_sha256 == sha)).limit(1))
            if used is None:
                session.execute(delete(Blob).where(Blob.sha256 == sha))
                gone.append(sha)
        uow.commit()
    for sha in gone:
        services.blobs.remove(sha)


def link_imported_pages(services: Services, document_id: int) -> int:
    """Once an imported document is read: link the entries imported with it to its pages
    (``page_id`` the first, ``extra_pages`` the others). For the job runner's after-commit
    hook (no principal: it changes where an entry is shown, not what it says). Returns how
    many entries were linked; nothing for any other document."""
    with services.session_factory() as session:  # most documents are no book's: no write lock for them
        if session.scalar(select(RegisterPage.id).where(RegisterPage.document_id == document_id).limit(1)) is None:
            return 0
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        pages = read_pages(session, [document_id]).get(document_id)
        book_ids = list(session.scalars(select(RegisterPage.book_id).where(RegisterPage.document_id == document_id)))
        if not pages or not book_ids:
            return 0
        entries = list(session.scalars(select(RegisterEntry).where(RegisterEntry.book_id.in_(book_ids),
                                                                   RegisterEntry.page_id.is_(None))))
        own = imported_documents(session, [e.id for e in entries])
        linked = [e for e in entries if own.get(e.id) == document_id]
        for entry in linked:
            entry.page_id, entry.extra_pages = pages[0], pages[1:] or None
        if linked:
            uow.commit()
        return len(linked)
