"""Documents read on a host without the search index (``DOCSVC_INDEX_HERE=0``) reach the
index through the database: the worker there records each document it has read
(``request_indexing``), and the index host's worker indexes what is recorded every few
seconds (``IndexDrain``), oldest first. See ``archive.index_requests``.

``docsvc ingest --wait`` on such a host returns when the documents are read; they are
findable once the index host has taken them (seconds later while its worker runs)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from archive.index_requests import IndexRequest
from docsvc.finding.indexing import index_documents
from docsvc.services.container import Services
from docsvc.timers import Periodic

log = logging.getLogger(__name__)

#: Seconds between two looks at the requests on the index host.
DRAIN_SECONDS = 3.0
#: Documents indexed per commit while draining.
DRAIN_BATCH = 200


def request_indexing(services: Services, doc_ids: Iterable[int], worker: str = "") -> None:
    """Ask the index host to index these documents (their reading is committed)."""
    now = datetime.now(timezone.utc)
    for doc_id in sorted(set(doc_ids)):
        for _attempt in range(3):  # another host asking for the same document at the same moment
            with services.session_factory() as session:
                row = session.get(IndexRequest, doc_id)
                if row is None:
                    session.add(IndexRequest(document_id=doc_id, requested_at=now, worker=worker[:128]))
                else:
                    row.requested_at, row.worker = now, worker[:128]
                try:
                    session.commit()
                    break
                except IntegrityError:
                    session.rollback()


def pending_index_requests(services: Services) -> int:
    with services.session_factory() as session:
        return session.scalar(select(func.count()).select_from(IndexRequest)) or 0


def drain_index_requests(services: Services, batch: int = DRAIN_BATCH) -> int:
    """Index the requested documents, oldest first, ``batch`` per commit, until none is
    left; returns how many were indexed. A request is removed only when its document was
    indexed and it was not asked again meanwhile; when the index cannot be written (a
    rebuild, another writer) the requests stay for the next round."""
    done = 0
    while True:
        with services.session_factory() as session:
            rows = session.execute(select(IndexRequest.document_id, IndexRequest.requested_at)
                                   .order_by(IndexRequest.requested_at, IndexRequest.document_id)
                                   .limit(batch)).all()
        if not rows:
            return done
        index_documents(services, [doc_id for doc_id, _ in rows], raise_errors=True)
        with services.session_factory() as session:
            for doc_id, at in rows:
                session.execute(delete(IndexRequest).where(IndexRequest.document_id == doc_id,
                                                           IndexRequest.requested_at <= at))
            session.commit()
        done += len(rows)
        if len(rows) < batch:
            return done


class IndexDrain(Periodic):
    """The index host's worker: the documents other hosts have read, every few seconds."""

    name = "index-drain"

    def __init__(self, services: Services, seconds: float = DRAIN_SECONDS):
        super().__init__(seconds / 60)
        self.interval = seconds
        self.services = services

    def tick(self) -> int:
        done = drain_index_requests(self.services)
        if done:
            log.info("indexed %d document(s) read on other hosts", done)
        return done


def start_index_drain(services: Services) -> IndexDrain | None:
    """On the index host (``DOCSVC_INDEX_HERE``, the default) only."""
    return IndexDrain(services).start() if services.settings.index_here else None
