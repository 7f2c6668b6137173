"""Services chosen in one place from the settings: database, blob store, queue, OCR."""

from __future__ import annotations

import os
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from archive.blobstore import BlobStorage, open_blob_store, private_dir
from archive.db import make_engine, make_session_factory
from archive.uow import UnitOfWork
from docsvc.config import Settings
from ingest.results import Limits

if TYPE_CHECKING:
    from ingest.queue import JobQueue


@dataclass
class Services:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    blobs: BlobStorage
    _queue: "JobQueue | None" = field(default=None, repr=False)

    @property
    def limits(self) -> Limits:
        s = self.settings
        return Limits(max_bytes=s.max_upload_bytes, max_pixels=s.max_image_pixels, max_pages=s.max_pages,
                      inspect_memory_mb=s.inspect_memory_mb, inspect_cpu_seconds=s.inspect_cpu_seconds,
                      inspect_timeout_seconds=s.inspect_timeout_seconds)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    @property
    def queue(self) -> "JobQueue":
        if self._queue is None:
            # Imported here: Huey (with redis and psycopg behind it) costs ~0.12 s at start,
            # which a command that never enqueues need not pay.
            from ingest.queue import JobQueue, make_huey

            self._queue = JobQueue(make_huey(self.settings.resolved_queue_url))
        return self._queue

    def set_queue(self, queue: "JobQueue") -> None:
        self._queue = queue

    @cached_property
    def search_index(self):
        from search import SearchIndex
        from search.segment import configure

        configure(self.settings.index_cache_mb, self.settings.index_stored_values)  # the process's caches
        return SearchIndex(str(self.settings.resolved_index_dir))

    @cached_property
    def audit_key(self) -> bytes:
        return self.settings.resolved_audit_key()

    @cached_property
    def anchors(self):
        """Where the audit chain's head is written down outside the database."""
        from docsvc.audit.anchoring import make_anchor_log

        return make_anchor_log(self.settings, self.audit_key)

    @cached_property
    def ocr_executor(self) -> ThreadPoolExecutor:
        # One Tesseract process per core (the engine lets no more pages in at once), and
        # twice as many threads: a page's decoding, preparation and display images are done
        # by a thread while the processes read other pages, so they never wait for it.
        return ThreadPoolExecutor(max_workers=2 * self.settings.ocr_processes, thread_name_prefix="ocr")

    def make_pipeline(self):
        """The real pipeline: Tesseract with one thread per process, one process per core."""
        from ingest.ocr import TesseractEngine
        from ingest.pipeline import Pipeline

        os.environ["OMP_THREAD_LIMIT"] = "1"
        s = self.settings
        engine = TesseractEngine(lang=s.ocr_lang, timeout=s.ocr_timeout, processes=s.ocr_processes)
        return Pipeline(engine, self.limits, render_dpi=s.render_dpi,
                        concurrency=s.ocr_processes, executor=self.ocr_executor)

    def close(self) -> None:
        if "ocr_executor" in self.__dict__:
            self.ocr_executor.shutdown(wait=False, cancel_futures=True)
        self.engine.dispose()


def build_services(settings: Settings) -> Services:
    private_dir(settings.data_dir)  # 0700: documents, keys and the database are for the service alone
    engine = make_engine(settings.resolved_database_url)
    blobs = open_blob_store(settings.resolved_blob_url, settings.resolved_blob_cache_dir)
    if settings.blob_replica:  # every new blob copied there as it is written (archive.blobreplica)
        from archive.blobreplica import ReplicatingStore

        blobs = ReplicatingStore(blobs, Path(settings.blob_replica).expanduser().resolve())
    return Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                    blobs=blobs)
