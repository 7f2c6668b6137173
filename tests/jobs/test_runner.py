"""Rules of the job runner, on a fake pipeline and a real SQLite database.

Inputs tried: a clean run; a second claim while leased; a worker that died (lapsed lease)
after some pages; a worker that lost its claim; a bad page (IngestError); a transient
failure (retries with doubling delay, then failure); a worker dying on every attempt.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from archive.models import Blob, Document, Job, Page
from ingest.errors import TransientIngestError
from ingest.jobs import JobRunner, JobSettings, recover_jobs
from tests.jobs.fakes import FakePipeline


class Clock:
    def __init__(self):
        self.now = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now

    def advance(self, seconds: float):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


def make_job(services, pages: int = 3, max_attempts: int = 3) -> int:
    sha = services.blobs.put(b"%PDF-1.7 fake original " + str(pages).encode())
    with services.session_factory() as s:
        s.add(Blob(sha256=sha, size_bytes=10, media_type="application/pdf", role="original"))
        doc = Document(sha256=sha, media_type="application/pdf", size_bytes=10, page_count=pages)
        job = Job(document=doc, max_attempts=max_attempts, progress_total=pages)
        s.add_all([doc, job])
        s.commit()
        return job.id


def runner(services, pipeline, clock, worker="w1", **kw) -> JobRunner:
    settings = JobSettings(lease_seconds=30, max_attempts=3, retry_delay=10)
    return JobRunner(services.session_factory, services.blobs, pipeline, worker_id=worker,
                     settings=settings, clock=clock, **kw)


def pages_of(services, job_id):
    with services.session_factory() as s:
        job = s.get(Job, job_id)
        return [(p.number, p.text) for p in s.scalars(
            select(Page).where(Page.document_id == job.document_id).order_by(Page.number))]


def job_row(services, job_id) -> Job:
    with services.session_factory() as s:
        return s.get(Job, job_id)


def test_clean_run_records_every_page_once_and_marks_done(services, clock):
    job_id = make_job(services, pages=3)
    done_docs = []
    outcome = runner(services, FakePipeline(3), clock, on_document_done=done_docs.append).run(job_id)
    assert outcome.status == "done"
    assert [n for n, _ in pages_of(services, job_id)] == [1, 2, 3]
    job = job_row(services, job_id)
    assert (job.status, job.attempts, job.progress_done, job.claim_token) == ("done", 1, 3, None)
    with services.session_factory() as s:
        doc = s.get(Document, job.document_id)
        assert (doc.status, doc.page_count) == ("done", 3)
        # derived images are blobs, recorded so fixity can check them
        page = s.scalar(select(Page).where(Page.document_id == doc.id, Page.number == 2))
        assert services.blobs.read(page.image_sha256) == b"image 2"
        assert s.get(Blob, page.thumbnail_sha256).role == "thumbnail"
    assert done_docs == [job.document_id]


def test_a_leased_job_cannot_be_claimed_twice(services, clock):
    job_id = make_job(services)
    first, second = runner(services, FakePipeline(1), clock), runner(services, FakePipeline(1), clock, "w2")
    assert first.claim(job_id)
    assert second.claim(job_id) is None
    clock.advance(29)
    assert second.claim(job_id) is None
    clock.advance(2)  # lease lapsed: the first worker is presumed dead
    assert second.claim(job_id)


def test_after_a_worker_dies_the_job_resumes_and_completes_once(services, clock):
    job_id = make_job(services, pages=4)
    dying = FakePipeline(4, fail_at=3, error=KeyboardInterrupt())  # stands in for a kill at page 3
    with pytest.raises(KeyboardInterrupt):
        runner(services, dying, clock).run(job_id)
    assert [n for n, _ in pages_of(services, job_id)] == [1, 2]
    assert job_row(services, job_id).status == "running"

    requeued: list[int] = []
    assert recover_jobs(services.session_factory, requeued.append, clock=clock) == []  # lease still valid
    clock.advance(31)
    assert recover_jobs(services.session_factory, requeued.append, clock=clock) == [job_id]

    fresh = FakePipeline(4)
    assert runner(services, fresh, clock, "w2").run(job_id).status == "done"
    assert fresh.calls == [(1, 2)]  # pages already recorded are not read again
    assert [n for n, _ in pages_of(services, job_id)] == [1, 2, 3, 4]
    job = job_row(services, job_id)
    assert (job.status, job.attempts, job.worker_id) == ("done", 2, "w2")
    # a late duplicate message changes nothing
    assert runner(services, FakePipeline(4), clock, "w3").run(job_id).status == "skipped"
    assert len(pages_of(services, job_id)) == 4


def test_a_worker_that_lost_its_claim_writes_nothing_more(services, clock):
    job_id = make_job(services, pages=3)
    slow = FakePipeline(3, stall_at=2)
    import threading

    first = runner(services, slow, clock)
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("o", first.run(job_id)))
    t.start()
    assert slow.stalled.wait(5)
    # Meanwhile another worker takes over (as if the first had been presumed dead).
    with services.session_factory() as s:
        s.execute(update(Job).where(Job.id == job_id).values(claim_token="someone-else"))
        s.commit()
    slow.release.set()
    t.join(10)
    assert result["o"].status == "lost"
    assert [n for n, _ in pages_of(services, job_id)] == [1]


def test_bad_content_fails_at_once_with_a_readable_reason(services, clock):
    job_id = make_job(services, pages=3)
    outcome = runner(services, FakePipeline(3, fail_at=2), clock).run(job_id)
    assert outcome.status == "failed"
    job = job_row(services, job_id)
    assert job.status == "failed" and job.attempts == 1 and job.error_code == "corrupt_image"
    assert "Ảnh bị hỏng" in job.error and "broken" in job.error
    with services.session_factory() as s:
        doc = s.get(Document, job.document_id)
        assert doc.status == "failed" and doc.error == job.error
        assert services.blobs.exists(doc.sha256)  # the original is kept


def test_transient_failures_retry_with_doubling_delay_then_fail(services, clock):
    job_id = make_job(services, pages=2)
    scheduled: list[tuple[int, float]] = []
    flaky = FakePipeline(2, fail_at=1, error=TransientIngestError("tesseract crashed (signal 11)"))
    r = runner(services, flaky, clock, schedule_retry=lambda j, d: scheduled.append((j, d)))

    assert r.run(job_id).status == "retry"
    job = job_row(services, job_id)
    assert job.status == "queued" and job.run_after == clock.now + timedelta(seconds=10)
    assert r.run(job_id).status == "skipped"  # not due yet
    clock.advance(10)
    assert r.run(job_id).status == "retry"
    clock.advance(20)
    assert r.run(job_id).status == "failed"
    assert scheduled == [(job_id, 10), (job_id, 20)]
    job = job_row(services, job_id)
    assert job.status == "failed" and job.attempts == 3
    assert "3 lần thử" in job.error and "tesseract crashed" in job.error


def test_a_job_that_kills_its_worker_every_time_is_given_up(services, clock):
    job_id = make_job(services, pages=2, max_attempts=2)
    for worker in ("w1", "w2"):
        with pytest.raises(KeyboardInterrupt):
            runner(services, FakePipeline(2, fail_at=1, error=KeyboardInterrupt()), clock, worker).run(job_id)
        clock.advance(31)
    outcome = runner(services, FakePipeline(2), clock, "w3").run(job_id)
    assert outcome.status == "failed"
    job = job_row(services, job_id)
    assert job.error_code == "worker_lost" and "2 lần" in job.error


def test_recovery_requeues_due_queued_jobs_that_may_have_missed_their_message(services, clock):
    job_id = make_job(services)
    with services.session_factory() as s:
        s.execute(update(Job).values(created_at=clock.now - timedelta(minutes=5)))
        s.commit()
    seen: list[int] = []
    assert recover_jobs(services.session_factory, seen.append, clock=clock) == [job_id]
