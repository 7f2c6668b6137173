"""Keeping the search index in step with the database.

The one place the application writes to the index: after a commit, with ids (a document
processed, its fields edited). Whoosh allows one writer per index; the search package's
write lock makes writers from the web server, the worker and the CLI wait their turn.
A write that cannot happen (index being rebuilt, or broken) is not lost: a rebuild re-reads
what was written meanwhile, and ``reindex --check`` finds anything missing or stale.

``docsvc reindex`` rebuilds from the database in chunks with bounded memory, committing as
it goes; an interrupted rebuild resumes. At start the web server and the worker check the
index and rebuild a missing or corrupt one in the background; searches meanwhile answer
503 with a message.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Iterable, Iterator, Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from archive.accounts import Unit
from archive.models import DOC_DONE, Document, Page
from docsvc.access import Principal
from docsvc.services.container import Services
from search import AccessScope, DocumentPage, IndexUnavailable, RebuildRunning, SearchIndex, WriterBusy

log = logging.getLogger(__name__)
CHUNK = 2000
KINDS = ("document", "person")


def scope_for(principal: Principal) -> AccessScope:
    """What this principal may find: the same rules as every listing (docsvc.access)."""
    kinds = set()
    documents, personal = principal.can("search.documents"), principal.can("person.view")
    if documents or personal:
        kinds.add("document")
    if personal:
        kinds.add("person")
    # Personal documents (issue 9) need person.view, like the civil-status entries themselves; a
    # holder of person.view who reads no other documents (civil_status, one_stop) finds only those.
    return AccessScope(kinds=frozenset(kinds), max_secrecy=principal.clearance, unit_ids=principal.unit_ids,
                       personal=personal, personal_only=personal and not documents)


def document_version(doc: Document) -> str:
    """Changes whenever the document row does (its fields, its state, its personal-data mark):
    a change the index missed is found stale by ``reindex --check``."""
    return doc.updated_at.isoformat()


def _unit_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Unit.id, Unit.code)).all())


def _record(doc: Document, page: Page, units: dict[int, str]) -> DocumentPage:
    return DocumentPage(
        doc_id=doc.id, page=page.number, title=doc.display_title, text=page.text or "",
        number=doc.number, symbol=doc.symbol, number_symbol=doc.number_symbol, doc_type=doc.doc_type,
        issuer=doc.issuer, issued_on=doc.issued_on, arrived_on=doc.arrived_on, direction=doc.direction,
        unit_id=doc.unit_id, unit=units.get(doc.unit_id), secrecy=doc.secrecy, version=document_version(doc),
        personal=bool(doc.personal_data))


def page_records(session: Session, doc_ids: Sequence[int]) -> list[DocumentPage]:
    """Every page of the given documents that are processed (others have nothing to find)."""
    units = _unit_codes(session)
    rows = session.execute(
        select(Document, Page).join(Page, Page.document_id == Document.id)
        .where(Document.id.in_(list(doc_ids)), Document.status == DOC_DONE)
        .order_by(Document.id, Page.number)).all()
    return [_record(doc, page, units) for doc, page in rows]


def index_documents(services: Services, doc_ids: Iterable[int], *, raise_errors: bool = False) -> int:
    """Index (or re-index) these documents after their change was committed. An index that
    cannot be written is logged (``docsvc reindex --check`` repairs it), or with
    ``raise_errors`` raised."""
    ids = sorted(set(doc_ids))
    if not ids:
        return 0
    with services.session_factory() as session:
        records = page_records(session, ids)
    present = {r.doc_id for r in records}
    try:
        written = services.search_index.update(records)
        gone = [i for i in ids if i not in present]
        if gone:  # no longer findable (not processed, or failed)
            services.search_index.delete("document", gone)
        return written
    except (IndexUnavailable, WriterBusy) as exc:
        if raise_errors:
            raise
        log.warning("search index not updated for documents %s (%s); `docsvc reindex --check` repairs it",
                    ids, exc)
        return 0


class GroupIndexer:
    """``on_document_done`` for a process that runs several jobs at once: documents that
    finish while an index commit is under way go into the next commit together (group
    commit). Each caller returns only once a commit holding its document is done, so
    ``docsvc ingest --wait`` and the job's end still mean "findable". A Whoosh commit costs
    about 0.1 s whatever it holds, so on a folder of one-page scans this saves most of one
    commit per document; no thread waits longer than the commit before its own.
    """

    def __init__(self, services: Services):
        self.services = services
        self._cond = threading.Condition()
        self._pending: list[list] = []  # [doc_id, done]
        self._busy = False
        self.commits = 0

    def __call__(self, doc_id: int) -> None:
        ticket = [doc_id, False]
        with self._cond:
            self._pending.append(ticket)
            while self._busy and not ticket[1]:
                self._cond.wait()
            if ticket[1]:
                return
            self._busy = True  # this thread commits everything pending, its own included
            batch, self._pending = self._pending, []
        try:
            index_documents(self.services, [t[0] for t in batch])
        finally:
            with self._cond:
                self.commits += 1
                for t in batch:
                    t[1] = True
                self._busy = False
                self._cond.notify_all()


def fetch_chunk(services: Services, after: tuple | None) -> list[DocumentPage]:
    """The next pages after the cursor ``(doc_id, page)``, for a rebuild (keyset pagination)."""
    with services.session_factory() as session:
        units = _unit_codes(session)
        query = (select(Document, Page).join(Page, Page.document_id == Document.id)
                 .where(Document.status == DOC_DONE).order_by(Page.document_id, Page.number).limit(CHUNK))
        if after is not None:
            query = query.where(tuple_(Page.document_id, Page.number) > tuple_(*after))
        return [_record(doc, page, units) for doc, page in session.execute(query).all()]


def _expected(services: Services) -> Iterator[tuple[int, str]]:
    """(document id, version) of every processed document that has pages."""
    last = 0
    while True:
        with services.session_factory() as session:
            rows = session.execute(
                select(Document.id, Document.updated_at).where(
                    Document.id > last, Document.status == DOC_DONE,
                    select(Page.id).where(Page.document_id == Document.id).exists())
                .order_by(Document.id).limit(5000)).all()
        if not rows:
            return
        for doc_id, updated in rows:
            yield doc_id, updated.isoformat()
        last = rows[-1][0]


def _fetch_ids(services: Services, ids: list[int]) -> list[DocumentPage]:
    with services.session_factory() as session:
        return page_records(session, ids)


def rebuild(services: Services, *, kinds: Sequence[str] = KINDS, fresh: bool = False,
            progress: Callable[[str, int], None] | None = None, commit_every: int | None = None) -> dict:
    """Rebuild kinds from the database (resuming an interrupted rebuild)."""
    index = services.search_index
    reports = {}
    for kind in kinds:
        if kind == "document":
            fetch = lambda after: fetch_chunk(services, after)  # noqa: E731
            refetch = lambda ids: _fetch_ids(services, ids)  # noqa: E731
        else:  # civil-status entries (docsvc.civil.indexing)
            from docsvc.civil import indexing as entries

            fetch = lambda after: entries.fetch_chunk(services, after)  # noqa: E731
            refetch = lambda ids: entries.fetch_ids(services, ids)  # noqa: E731
        report = index.rebuild(kind, fetch, refetch=refetch, procs=services.settings.index_procs, fresh=fresh,
                               progress=(lambda n, k=kind: progress(k, n)) if progress else None,
                               commit_every=commit_every)
        reports[kind] = report
    return reports


def check(services: Services, *, repair: bool = True) -> dict:
    """Compare the index with the database; with ``repair``, fix what differs."""
    from docsvc.civil import indexing as entries

    report = services.search_index.check("document", _expected(services))
    fixed = services.search_index.repair(report, lambda ids: _fetch_ids(services, ids)) if repair else 0
    people = services.search_index.check("person", entries.expected(services))
    people_fixed = services.search_index.repair(people, lambda ids: entries.fetch_ids(services, ids)) if repair else 0
    return {"kind": "document", "checked": report.checked, "missing": report.missing, "stale": report.stale,
            "extra": report.extra, "repaired": fixed,
            "person": {"checked": people.checked, "missing": people.missing, "stale": people.stale,
                       "extra": people.extra, "repaired": people_fixed}}


def needs_rebuild(index: SearchIndex) -> list[str]:
    """Kinds whose index is missing, corrupt or of an older layout."""
    return [kind for kind, status in index.status().items() if status.state not in ("ok", "rebuilding")]


def warm_index(services: Services) -> threading.Thread:
    """In the background: load what the first searches would otherwise wait for
    (columns, spelling vocabulary, the posting lists of the most frequent words; see
    :meth:`search.SearchIndex.warm`). An index still being rebuilt is skipped."""
    settings = services.settings

    def run() -> None:
        try:
            used = services.search_index.warm(freeze_gc=True, prefetch_mb=settings.index_prefetch_mb)
            log.info("search index warmed (%d MB of frequent words)", used >> 20)
        except Exception:
            log.exception("warming the search index failed (searches still work, slower at first)")

    thread = threading.Thread(target=run, name="index-warm", daemon=True)
    thread.start()
    return thread


def _database_is_empty(services: Services) -> bool:
    with services.session_factory() as session:
        return session.scalar(select(Document.id).limit(1)) is None


def ensure_index(services: Services, *, background: bool = True) -> threading.Thread | None:
    """At start: rebuild missing or corrupt indexes (in a thread, so the server answers
    meanwhile; searches get 503 until it is done)."""
    index = services.search_index
    broken = needs_rebuild(index)
    if not broken:
        return None
    states = index.status()
    if all(states[kind].state == "missing" for kind in broken) and _database_is_empty(services):
        # A new install: making the first (empty) index is not news.
        log.info("creating the search index (%s)", ", ".join(broken))
    else:
        log.warning("search index needs a rebuild (%s); rebuilding from the database", ", ".join(broken))

    def run() -> None:
        try:
            rebuild(services, kinds=broken)
        except RebuildRunning:
            log.info("another process is already rebuilding the search index")
        except Exception:
            log.exception("search index rebuild failed")

    if not background:
        run()
        return None
    thread = threading.Thread(target=run, name="index-rebuild", daemon=True)
    thread.start()
    return thread
