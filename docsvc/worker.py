"""The worker process, and running jobs in-process when no worker is alive.

A worker registers itself in the ``workers`` table and beats a heart there, so the CLI
knows whether anyone will pick up its jobs. It recovers jobs left by dead workers at start
and then every few seconds, and runs Huey's consumer to receive job ids.

Both run several jobs at once (``job_slots``: twice the OCR processes unless
``DOCSVC_WORKER_THREADS`` says otherwise) over one shared OCR pool, so that a folder of
one-page scans keeps one Tesseract per core busy as a long document does (ingest.slots).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable

from sqlalchemy import delete, select, update

from archive.models import JOB_DONE, JOB_FAILED, Job, Worker
from docsvc.services.container import Services
from ingest.jobs import JobRunner, JobSettings, recover_jobs
from ingest.slots import JobSlots

log = logging.getLogger(__name__)
TERMINAL = (JOB_DONE, JOB_FAILED)
MAX_POLL_DELAY = 0.25   # seconds; one cheap query on the queue per idle slot


def new_worker_id(prefix: str = "worker") -> str:
    return f"{prefix}@{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def job_settings(services: Services) -> JobSettings:
    s = services.settings
    return JobSettings(lease_seconds=s.job_lease_seconds, max_attempts=s.job_max_attempts,
                       retry_delay=s.job_retry_delay)


def job_slots(services: Services, threads: int | None = None) -> int:
    """Jobs a process runs at once: ``threads`` if given, else ``DOCSVC_WORKER_THREADS``,
    else twice the OCR processes. Each job has work outside OCR (reading its file,
    committing pages, finishing, indexing) during which it has no page waiting; with
    one-page documents, one slot per core would leave that core idle meanwhile (the 0.82
    of issue 10), and a second slot per core keeps a page waiting for it instead."""
    return max(1, threads or services.settings.worker_threads or 2 * services.settings.ocr_processes)


def local_slots(services: Services, threads: int | None = None) -> JobSlots:
    """Job slots for a process that runs jobs itself (``docsvc ingest --wait`` with no
    worker alive)."""
    return JobSlots(make_runner(services, new_worker_id("cli")), job_slots(services, threads))


def document_done(services: Services, doc_id: int, index: Callable[[int], None] | None = None) -> None:
    """After a document's reading is committed: the search index, then (for a page of a
    civil-status register book) the machine's proposed entries. Each may fail alone; both
    can be redone (``docsvc reindex --check``, ``docsvc.civil.pages.parse_pending``)."""
    from docsvc.civil.imported import link_imported_pages
    from docsvc.civil.pages import document_read
    from docsvc.finding.indexing import index_documents

    try:
        if index is None:
            index_documents(services, [doc_id])
        else:
            index(doc_id)  # a GroupIndexer: several documents per index commit
    finally:
        try:
            document_read(services, doc_id)
        except Exception:
            log.exception("register page of document %s not parsed; parse_pending redoes it", doc_id)
        try:  # an imported package's PDF: its entries learn their page once it is read
            link_imported_pages(services, doc_id)
        except Exception:
            log.exception("imported entries of document %s not linked to their pages", doc_id)


def make_runner(services: Services, worker_id: str, *, schedule_retry=None) -> JobRunner:
    from docsvc.finding.indexing import GroupIndexer

    if services.settings.index_here:
        index = GroupIndexer(services)
    else:  # no index on this host: the index host's worker indexes it (docsvc.finding.remote)
        from docsvc.finding.remote import request_indexing

        def index(doc_id: int) -> None:
            request_indexing(services, [doc_id], worker_id)
    return JobRunner(services.session_factory, services.blobs, services.make_pipeline(),
                     worker_id=worker_id, settings=job_settings(services),
                     schedule_retry=schedule_retry,
                     on_document_done=lambda doc_id: document_done(services, doc_id, index),
                     audit_key=services.audit_key)


def live_workers(services: Services) -> list[Worker]:
    stale = datetime.now(timezone.utc) - timedelta(seconds=3 * services.settings.worker_heartbeat_seconds)
    with services.session_factory() as session:
        return list(session.scalars(select(Worker).where(Worker.last_seen >= stale)))


def index_after_dead_workers(services: Services, *, window: timedelta = timedelta(minutes=5)) -> list[int]:
    """Re-index what dead workers may have left unindexed; returns the documents re-indexed.

    A worker killed between a document's "done" commit and the index commit that follows
    it (``document_done``) leaves a processed document that no search finds, and nothing
    else would ever index it (``reindex --check`` aside). Its row in ``workers`` stops
    beating: a live worker that sees it stale re-indexes the documents whose jobs it
    finished from ``window`` before its last heartbeat on (an index update may wait that
    long for the writer), then deletes its row, so this happens once per dead worker.
    Re-indexing a document that was indexed already changes nothing."""
    from docsvc.finding.indexing import page_records
    from search import IndexUnavailable, WriterBusy

    stale = datetime.now(timezone.utc) - timedelta(seconds=3 * services.settings.worker_heartbeat_seconds)
    with services.session_factory() as session:
        dead = session.execute(select(Worker.id, Worker.last_seen).where(Worker.last_seen < stale)).all()
    done: list[int] = []
    for worker_id, last_seen in dead:
        with services.session_factory() as session:
            doc_ids = sorted(set(session.scalars(
                select(Job.document_id).where(Job.worker_id == worker_id, Job.status == JOB_DONE,
                                              Job.finished_at >= last_seen - window,
                                              Job.document_id.is_not(None)))))
        if doc_ids and not services.settings.index_here:  # no index here: the index host's worker does it
            from docsvc.finding.remote import request_indexing

            request_indexing(services, doc_ids, f"after {worker_id}")
        elif doc_ids:
            try:
                with services.session_factory() as session:
                    services.search_index.update(page_records(session, doc_ids))
            except (IndexUnavailable, WriterBusy) as exc:  # busy or being rebuilt: next round
                log.warning("dead worker %s: documents %s not re-indexed yet (%s)", worker_id, doc_ids, exc)
                continue
        with services.session_factory() as session:
            session.execute(delete(Worker).where(Worker.id == worker_id, Worker.last_seen == last_seen))
            session.commit()
        if doc_ids:
            log.info("dead worker %s: re-indexed documents %s", worker_id, doc_ids)
        done.extend(doc_ids)
    return done


class _Registration:
    """Keeps this worker's row fresh and recovers dead workers' jobs, on one timer."""

    def __init__(self, services: Services, worker_id: str, enqueue: Callable[[int], None],
                 queue_empty: Callable[[], bool] | None = None, slots: int | None = None):
        self.services, self.worker_id, self.enqueue = services, worker_id, enqueue
        self.slots = slots
        self.queue_empty = queue_empty
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="worker-heartbeat", daemon=True)

    def start(self) -> None:
        self._recover()  # before _beat forgets rows a day old: their documents are re-indexed first
        self._beat(first=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        # Not deleted: marked stale at once, so that nobody counts on this worker any more and
        # the next live worker (or the next one to start) re-indexes what it finished lately
        # (index_after_dead_workers) before it forgets the row. A SIGTERM stops Huey's
        # consumer without waiting for its job threads: one may have committed a document as
        # done and been cut off in the index commit that follows (found by the chaos test).
        gone = datetime.now(timezone.utc) - timedelta(seconds=3 * self.services.settings.worker_heartbeat_seconds + 1)
        with self.services.session_factory() as session:
            session.execute(update(Worker).where(Worker.id == self.worker_id).values(last_seen=gone))
            session.commit()

    def _beat(self, first: bool = False) -> None:
        now = datetime.now(timezone.utc)
        with self.services.session_factory() as session:
            row = session.get(Worker, self.worker_id)
            if row is None:
                session.add(Worker(id=self.worker_id, hostname=socket.gethostname(), pid=os.getpid(),
                                   started_at=now, last_seen=now, slots=self.slots))
            else:
                row.last_seen = now
            if first:  # forget workers long gone
                session.execute(delete(Worker).where(Worker.last_seen < now - timedelta(days=1)))
            session.commit()

    def _recover(self) -> None:
        ids = recover_jobs(self.services.session_factory, self.enqueue, queue_empty=self.queue_empty)
        if ids:
            log.info("re-queued jobs %s", ids)
        index_after_dead_workers(self.services)

    def _loop(self) -> None:
        s = self.services.settings
        interval = max(0.5, min(s.worker_heartbeat_seconds, s.job_lease_seconds / 2))
        while not self._stop.wait(interval):
            try:
                self._beat()
                self._recover()
            except Exception:
                log.exception("worker heartbeat failed")


def run_worker(services: Services, *, threads: int | None = None) -> None:
    """Run until interrupted (SIGINT/SIGTERM stop it gracefully)."""
    from ingest.queue import JobQueue, make_huey  # only the worker needs Huey loaded at start

    worker_id = new_worker_id()
    huey = make_huey(services.settings.resolved_queue_url)
    holder: dict[str, JobQueue] = {}

    def schedule_retry(job_id: int, delay: float) -> None:
        holder["queue"].schedule(job_id, delay)

    runner = make_runner(services, worker_id, schedule_retry=schedule_retry)
    queue = JobQueue(huey, run_job=runner.run)
    if services.settings.index_check_on_start and services.settings.index_here:
        from docsvc.finding.indexing import ensure_index

        ensure_index(services)
    holder["queue"] = queue
    services.set_queue(queue)
    # Queued jobs are re-sent (a message may have been lost) only when the queue is empty:
    # every worker runs this every few seconds, and a backlog must not be sent again each time.
    registration = _Registration(services, worker_id, queue.enqueue, queue_empty=lambda: queue.pending() == 0,
                                 slots=job_slots(services, threads))
    registration.start()
    from docsvc.audit.anchoring import start_anchoring

    anchorer = start_anchoring(services)  # the audit chain's head, written down regularly
    from docsvc.routing.reminders import start_reminders

    reminder = start_reminders(services)  # due-soon and overdue assignments, in the app and by e-mail
    from docsvc.ops.fixity import start_fixity

    fixity = start_fixity(services, worker_id)  # a slice of the blobs re-checked each night
    from docsvc.finding.remote import start_index_drain

    drain = start_index_drain(services)  # on the index host: documents read on other hosts
    slots = job_slots(services, threads)
    log.info("worker %s started (%d job slots, %d OCR processes)", worker_id, slots,
             services.settings.ocr_processes)
    # Each consumer thread is a job slot. An idle thread polls the queue at most
    # MAX_POLL_DELAY apart: a folder dropped on an idle worker starts within that.
    consumer = huey.create_consumer(workers=slots, worker_type="thread", periodic=False,
                                    initial_delay=0.05, backoff=1.15, max_delay=MAX_POLL_DELAY)
    try:
        consumer.run()
    finally:
        if anchorer is not None:
            anchorer.stop()
        if reminder is not None:
            reminder.stop()
        if fixity is not None:
            fixity.stop()
        if drain is not None:
            drain.stop()
        registration.stop()


def wait_for_jobs(services: Services, job_ids: Iterable[int], *, poll_seconds: float = 0.2,
                  timeout: float | None = None,
                  on_progress: Callable[[dict[int, Job]], None] | None = None,
                  slots: JobSlots | None = None) -> dict[int, Job]:
    """Return when every job is done or failed. While no worker is alive, run them here,
    several at once (``slots``, made on first need unless given; the caller may have
    started some jobs on it already)."""
    job_ids = list(job_ids)
    deadline = None if timeout is None else time.monotonic() + timeout
    own: JobSlots | None = None
    ok = False
    try:
        while True:
            with services.session_factory() as session:
                jobs = {j.id: j for j in session.scalars(select(Job).where(Job.id.in_(job_ids)))}
            if on_progress:
                on_progress(jobs)
            pending = [j for j in job_ids if jobs[j].status not in TERMINAL]
            if not pending:
                ok = True
                return jobs
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"jobs still pending: {pending}")
            if slots is None and not live_workers(services):
                slots = own = local_slots(services)
            if slots is None:
                time.sleep(poll_seconds)
                continue
            for job_id in pending:  # those in flight here already are not queued twice
                slots.submit(job_id)
            ended = slots.wait(poll_seconds)
            if not slots.in_flight() and all(o.status == "skipped" for o in ended):
                time.sleep(poll_seconds)  # nothing due yet (a retry waits), or another holds them
    finally:
        if own is not None:
            own.close(wait_for_jobs=ok)
