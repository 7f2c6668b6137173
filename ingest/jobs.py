"""Running ingest jobs exactly once, whatever happens to the worker.

The ``jobs`` row is the truth about a job; the queue only carries its id. A worker *claims*
a job with one conditional UPDATE that also sets a fresh ``claim_token`` and a lease. While
it works, a heartbeat extends the lease. Every write it makes afterwards (each page, the
final "done") is conditional on still holding that token, in the same transaction, so a
worker that lost its claim (it was presumed dead and another took over) can never write.

A worker killed mid-job leaves a running job with a lapsing lease; whoever runs
``recover_jobs`` (every worker at start and every few seconds) puts it back on the queue, and
the next claim resumes after the pages already committed. Pages are unique per document,
and the pipeline is deterministic, so the result is the same as an uninterrupted run.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import or_, select, true, update
from sqlalchemy.orm import Session, sessionmaker

from archive.audit import Actor, append
from archive.blobstore import BlobStore
from archive.models import (
    DOC_DONE,
    DOC_FAILED,
    DOC_PROCESSING,
    DOC_QUEUED,
    JOB_DONE,
    JOB_FAILED,
    JOB_QUEUED,
    JOB_RUNNING,
    Document,
    Job,
    Page,
)
from archive.records import REGISTER_FIELDS, document_state, record_blob
from ingest.errors import IngestError
from ingest.metadata import extract_fields
from ingest.results import PageResult

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class LostClaim(Exception):
    """Another worker holds this job now; stop without writing anything more."""


class PagesSource:
    """What the runner needs from the pipeline (ingest.pipeline.Pipeline satisfies it)."""

    def pages(self, path, media_type: str, *, skip=()):  # pragma: no cover - protocol
        raise NotImplementedError


@dataclass
class JobSettings:
    lease_seconds: int = 60
    max_attempts: int = 3
    retry_delay: float = 10.0   # first retry; doubles each attempt


@dataclass
class Outcome:
    job_id: int
    status: str                 # done | failed | retry | skipped | lost
    error: str | None = None


def fill_register_fields(session: Session, doc: Document) -> list[str]:
    """Fill the register fields a person left empty from what page 1 says; returns those set."""
    first = session.scalar(select(Page.text).where(Page.document_id == doc.id, Page.number == 1))
    if not first:
        return []
    found = extract_fields(first)
    filled = []
    for name in REGISTER_FIELDS:
        value = getattr(found, name)
        if value is not None and getattr(doc, name) is None:
            setattr(doc, name, value)
            filled.append(name)
    return filled


class JobRunner:
    """Claims and runs one ingest job at a time (thread-safe: one instance may serve many threads)."""

    def __init__(self, session_factory: sessionmaker[Session], blobs: BlobStore,
                 pipeline: PagesSource, *, worker_id: str, settings: JobSettings | None = None,
                 schedule_retry: Callable[[int, float], None] | None = None,
                 on_document_done: Callable[[int], None] | None = None,
                 clock: Clock = _utcnow, audit_key: bytes | None = None):
        self.session_factory = session_factory
        self.blobs = blobs
        self.pipeline = pipeline
        self.worker_id = worker_id
        self.settings = settings or JobSettings()
        self.schedule_retry = schedule_retry
        self.on_document_done = on_document_done
        self.clock = clock
        self.audit_key = audit_key
        self.actor = Actor(None, f"system:{worker_id.split('@')[0]}")

    def _audit(self, session: Session, action: str, doc: Document, **details) -> None:
        if self.audit_key is not None:
            append(session, self.audit_key, self.actor, action, object_type="document", object_id=doc.id,
                   state=document_state(doc), details={"worker": self.worker_id, **details} or None)

    # -- claiming ---------------------------------------------------------------------
    def claim(self, job_id: int) -> str | None:
        """Take the job if it is queued and due, or running with a lapsed lease. Returns the token."""
        now = self.clock()
        token = secrets.token_hex(16)
        with self.session_factory() as session:
            result = session.execute(
                update(Job)
                .where(Job.id == job_id)
                .where(or_(
                    (Job.status == JOB_QUEUED) & or_(Job.run_after.is_(None), Job.run_after <= now),
                    (Job.status == JOB_RUNNING) & (Job.lease_until < now),
                ))
                .values(status=JOB_RUNNING, claim_token=token, worker_id=self.worker_id,
                        lease_until=now + timedelta(seconds=self.settings.lease_seconds),
                        attempts=Job.attempts + 1, started_at=now)
                .execution_options(synchronize_session=False)
            )
            session.commit()
            return token if result.rowcount == 1 else None

    def _guard(self, session: Session, job_id: int, token: str, **values) -> None:
        """Extend the lease (and set ``values``) only while we hold the claim; else LostClaim."""
        now = self.clock()
        values.setdefault("lease_until", now + timedelta(seconds=self.settings.lease_seconds))
        result = session.execute(
            update(Job).where(Job.id == job_id, Job.claim_token == token, Job.status == JOB_RUNNING)
            .values(**values).execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise LostClaim(job_id)

    # -- running ----------------------------------------------------------------------
    def run(self, job_id: int) -> Outcome:
        token = self.claim(job_id)
        if token is None:
            return Outcome(job_id, "skipped")
        heartbeat = _Heartbeat(self, job_id, token)
        heartbeat.start()
        try:
            return self._run_claimed(job_id, token, heartbeat)
        except LostClaim:
            log.warning("job %s: claim lost to another worker; stopping", job_id)
            return Outcome(job_id, "lost")
        finally:
            heartbeat.stop()

    def _run_claimed(self, job_id: int, token: str, heartbeat: "_Heartbeat") -> Outcome:
        with self.session_factory() as session:
            job = session.get(Job, job_id)
            if job.attempts > job.max_attempts:
                # Claimed again after the worker died on every attempt (e.g. a file that kills it).
                return self._fail(job_id, token, "worker_lost",
                                  f"Worker dừng giữa chừng {job.max_attempts} lần khi xử lý tệp này; "
                                  "đã ngừng thử lại.")
            doc = session.get(Document, job.document_id)
            media_type, sha = doc.media_type, doc.sha256
            done_pages = set(session.scalars(select(Page.number).where(Page.document_id == doc.id)))
            self._guard(session, job_id, token, progress_done=len(done_pages),
                        progress_total=doc.page_count)
            doc.status = DOC_PROCESSING
            doc.error = None
            session.commit()
            doc_id = doc.id
        try:
            for result in self.pipeline.pages(self.blobs.path(sha), media_type, skip=done_pages):
                heartbeat.check()
                self._save_page(doc_id, job_id, token, result)
        except LostClaim:
            raise
        except IngestError as exc:
            return self._fail(job_id, token, exc.code, exc.message("vi"))
        except Exception as exc:  # anything else may pass: retry with backoff
            log.exception("job %s failed (attempt may be retried)", job_id)
            return self._retry_or_fail(job_id, token, _describe(exc))
        return self._finish(doc_id, job_id, token)

    def _save_page(self, doc_id: int, job_id: int, token: str, result: PageResult) -> None:
        # Derived files first: content-addressed, so a re-run writes the same bytes again.
        image_sha = self.blobs.put(result.image) if result.image else None
        thumb_sha = self.blobs.put(result.thumbnail) if result.thumbnail else None
        with self.session_factory() as session:
            self._guard(session, job_id, token, progress_done=Job.progress_done + 1)
            if image_sha:
                record_blob(session, image_sha, len(result.image), result.image_type, "page_image")
            if thumb_sha:
                record_blob(session, thumb_sha, len(result.thumbnail), result.thumbnail_type, "thumbnail")
            session.add(Page(
                document_id=doc_id, number=result.number, text=result.text, source=result.source,
                confidence=result.confidence, words=[w.as_list() for w in result.words] or None,
                width=result.width, height=result.height, dpi=result.dpi,
                image_sha256=image_sha, thumbnail_sha256=thumb_sha,
            ))
            session.commit()

    def _finish(self, doc_id: int, job_id: int, token: str) -> Outcome:
        now = self.clock()
        with self.session_factory() as session:
            self._guard(session, job_id, token, status=JOB_DONE, finished_at=now, claim_token=None,
                        lease_until=None, error=None, error_code=None)
            doc = session.get(Document, doc_id)
            doc.status = DOC_DONE
            doc.error = None
            doc.page_count = session.query(Page).filter(Page.document_id == doc_id).count()
            filled = fill_register_fields(session, doc)
            self._audit(session, "document.processed", doc, job_id=job_id, **({"filled": filled} if filled else {}))
            session.commit()
        if self.on_document_done:
            try:
                self.on_document_done(doc_id)
            except Exception:  # the document is recorded; the follow-up can be redone
                log.exception("after-commit hook failed for document %s", doc_id)
        return Outcome(job_id, "done")

    def _fail(self, job_id: int, token: str, code: str, message: str) -> Outcome:
        now = self.clock()
        with self.session_factory() as session:
            self._guard(session, job_id, token, status=JOB_FAILED, finished_at=now, claim_token=None,
                        lease_until=None, error=message, error_code=code)
            job = session.get(Job, job_id)
            doc = session.get(Document, job.document_id)
            doc.status = DOC_FAILED
            doc.error = message
            self._audit(session, "document.failed", doc, job_id=job_id, code=code)
            session.commit()
        log.warning("job %s failed: %s", job_id, message)
        return Outcome(job_id, "failed", message)

    def _retry_or_fail(self, job_id: int, token: str, message: str) -> Outcome:
        with self.session_factory() as session:
            job = session.get(Job, job_id)
            attempts, max_attempts = job.attempts, job.max_attempts
        if attempts >= max_attempts:
            return self._fail(job_id, token, "failed_after_retries",
                              f"Thất bại sau {attempts} lần thử: {message}")
        delay = self.settings.retry_delay * (2 ** (attempts - 1))
        now = self.clock()
        with self.session_factory() as session:
            self._guard(session, job_id, token, status=JOB_QUEUED, claim_token=None, lease_until=None,
                        run_after=now + timedelta(seconds=delay), error=message, error_code="retrying")
            job = session.get(Job, job_id)
            session.get(Document, job.document_id).status = DOC_QUEUED
            session.commit()
        if self.schedule_retry:
            self.schedule_retry(job_id, delay)
        return Outcome(job_id, "retry", message)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text if len(text) < 500 else text[:497] + "..."


class _Heartbeat:
    """Extends the lease every third of its length while a job runs; notices a lost claim."""

    def __init__(self, runner: JobRunner, job_id: int, token: str):
        self.runner, self.job_id, self.token = runner, job_id, token
        self._stop = threading.Event()
        self._lost = False
        self._thread = threading.Thread(target=self._loop, name=f"heartbeat-{job_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def check(self) -> None:
        if self._lost:
            raise LostClaim(self.job_id)

    def _loop(self) -> None:
        interval = max(0.5, self.runner.settings.lease_seconds / 3)
        while not self._stop.wait(interval):
            try:
                with self.runner.session_factory() as session:
                    self.runner._guard(session, self.job_id, self.token)
                    session.commit()
            except LostClaim:
                self._lost = True
                return
            except Exception:  # a busy database must not kill the job; the next beat retries
                log.exception("heartbeat for job %s failed", self.job_id)


def recover_jobs(session_factory: sessionmaker[Session], enqueue: Callable[[int], None], *,
                 clock: Clock = _utcnow, grace_seconds: float = 30,
                 queue_empty: Callable[[], bool] | None = None) -> list[int]:
    """Put back on the queue every job a dead worker left running (lapsed lease) and every
    queued job that is due but may have missed its queue message. Claims make duplicates
    harmless: a job already taken is skipped by whoever receives the second message.

    Every worker runs this every few seconds, so it must not multiply messages:

    - A lapsed job is handed back with one conditional UPDATE (running → queued, its claim
      token cleared); of several workers recovering at once only the one whose UPDATE
      matched enqueues it, once. (Before, each worker re-sent it on every round until some
      slot got to it, which behind a backlog meant one more message per worker per round.)
    - A queued job "may have missed its message" only when the queue has nothing pending
      (``queue_empty``): while a backlog drains, its message is most likely in it. (Before,
      every queued job older than the grace was re-sent on every round by every worker: a
      backlog of n jobs older than 30 s grew by n messages per worker every few seconds.)
      Without ``queue_empty`` they are re-sent as before (tests, one-off callers).
    """
    now = clock()
    lapsed = (Job.status == JOB_RUNNING) & (Job.lease_until < now)
    with session_factory() as session:
        candidates = list(session.scalars(select(Job.id).where(lapsed).order_by(Job.id)))
        handed_back = []
        for job_id in candidates:
            result = session.execute(
                update(Job).where(Job.id == job_id).where(lapsed)
                .values(status=JOB_QUEUED, claim_token=None, lease_until=None)
                .execution_options(synchronize_session=False))
            session.commit()
            if result.rowcount == 1:
                handed_back.append(job_id)
        missed = []
        if queue_empty is None or queue_empty():
            missed = list(session.scalars(
                select(Job.id).where(
                    (Job.status == JOB_QUEUED) & (Job.created_at < now - timedelta(seconds=grace_seconds))
                    & or_(Job.run_after.is_(None), Job.run_after <= now),
                    Job.id.not_in(handed_back) if handed_back else true(),
                ).order_by(Job.id)))
    ids = sorted(handed_back + missed)
    for job_id in ids:
        enqueue(job_id)
    return ids
