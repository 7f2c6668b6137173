"""What live workers do for dead ones, found by the chaos test (tests/jobs/test_chaos.py):
hand a lapsed job back once, not once per worker per round; re-send a backlog's messages
only when the queue is empty; re-index what a worker killed before its index commit left
unfindable. On real SQLite and PostgreSQL, with real threads, and the real index.

Inputs tried: two workers recovering the same lapsed job at the same moment; the dead
worker writing after its job was handed back; queued jobs older than the grace while the
queue holds messages, then once it is empty; a dead worker's finished-but-unindexed document,
one it finished long before its last heartbeat, and a live worker's; a busy index writer.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from archive.models import Job, Worker
from docsvc.worker import index_after_dead_workers
from ingest.jobs import LostClaim, recover_jobs
from tests.backends import at_once, backend_fixture
from tests.jobs.fakes import FakePipeline
from tests.jobs.test_runner import Clock, job_row, make_job, runner

backend = backend_fixture("chaosrec")


def test_a_lapsed_job_is_handed_back_once_whoever_recovers_at_the_same_moment(backend):
    clock = Clock()
    job_id = make_job(backend)
    dead = runner(backend, FakePipeline(3), clock, "dead")
    token = dead.claim(job_id)
    clock.advance(31)  # its lease lapsed: presumed dead
    sent: list[list[int]] = [[], [], []]
    results = at_once([lambda i=i: recover_jobs(backend.session_factory, sent[i].append, clock=clock)
                       for i in range(3)])
    assert sorted(results, key=len) == [[], [], [job_id]], results
    assert sum(len(s) for s in sent) == 1  # one message, not one per worker
    job = job_row(backend, job_id)
    assert (job.status, job.claim_token, job.lease_until, job.attempts) == ("queued", None, None, 1)
    assert recover_jobs(backend.session_factory, sent[0].append, clock=clock,
                        queue_empty=lambda: False) == []  # the next round sends nothing more

    with backend.session_factory() as s, pytest.raises(LostClaim):  # the "dead" one wakes up
        dead._guard(s, job_id, token, progress_done=3)
    fresh = runner(backend, FakePipeline(3), clock, "w2")
    assert fresh.run(job_id).status == "done"
    assert (job_row(backend, job_id).attempts, job_row(backend, job_id).worker_id) == (2, "w2")


def test_a_backlog_is_sent_again_only_once_the_queue_is_empty(backend):
    clock = Clock()
    ids = [make_job(backend, pages=n) for n in (1, 2, 3)]
    lapsed = make_job(backend, pages=4)
    with backend.session_factory() as s:
        s.execute(update(Job).values(created_at=clock.now - timedelta(minutes=5)))
        s.commit()
    runner(backend, FakePipeline(4), clock, "dead").claim(lapsed)
    clock.advance(31)
    sent: list[int] = []
    # Messages pending: the old queued jobs' are most likely among them; the lapsed one is not.
    assert recover_jobs(backend.session_factory, sent.append, clock=clock, queue_empty=lambda: False) == [lapsed]
    for _ in range(3):
        assert recover_jobs(backend.session_factory, sent.append, clock=clock, queue_empty=lambda: False) == []
    assert sent == [lapsed]
    # Empty queue, jobs still queued: their messages were lost; each is sent once more.
    assert recover_jobs(backend.session_factory, sent.append, clock=clock,
                        queue_empty=lambda: True) == sorted(ids + [lapsed])


def _dead_worker(services, worker_id: str, last_seen: datetime) -> None:
    with services.session_factory() as s:
        s.add(Worker(id=worker_id, hostname="other-host", pid=1, started_at=last_seen, last_seen=last_seen))
        s.commit()


def test_documents_a_killed_worker_finished_but_did_not_index_are_indexed_by_a_live_one(services):
    from docsvc.finding.indexing import check

    now = datetime.now(timezone.utc)
    # Each runner has no after-commit hook: killed right after the "done" commit.
    killed = make_job(services, pages=2)
    runner(services, FakePipeline(2), lambda: now - timedelta(seconds=40), "worker@a:11:aaaaaa").run(killed)
    long_before = make_job(services, pages=1)
    runner(services, FakePipeline(1), lambda: now - timedelta(minutes=30), "worker@a:11:aaaaaa").run(long_before)
    alive = make_job(services, pages=3)
    runner(services, FakePipeline(3), lambda: now - timedelta(seconds=40), "worker@b:12:bbbbbb").run(alive)
    _dead_worker(services, "worker@a:11:aaaaaa", now - timedelta(seconds=30))
    _dead_worker(services, "worker@b:12:bbbbbb", now)  # beating: not ours to touch
    docs = {j: job_row(services, j).document_id for j in (killed, long_before, alive)}
    assert set(check(services, repair=False)["missing"]) == set(docs.values())

    services.search_index.lock_timeout = 0.2
    with services.search_index.write_lock("document"):  # another writer holds the index
        assert index_after_dead_workers(services) == []
    with services.session_factory() as s:
        assert s.get(Worker, "worker@a:11:aaaaaa") is not None  # kept for the next round

    assert index_after_dead_workers(services) == [docs[killed]]
    assert set(check(services, repair=False)["missing"]) == {docs[long_before], docs[alive]}
    with services.session_factory() as s:
        assert [w.id for w in s.scalars(select(Worker))] == ["worker@b:12:bbbbbb"]
    assert index_after_dead_workers(services) == []  # once per dead worker


def test_a_stopped_worker_is_swept_like_a_dead_one(services):
    """A SIGTERM stops Huey's consumer without waiting for its job threads, so a document
    may be "done" and not indexed when the process ends: its row is left stale, not deleted."""
    from docsvc.finding.indexing import check
    from docsvc.worker import _Registration, live_workers

    worker_id = "worker@c:13:cccccc"
    registration = _Registration(services, worker_id, enqueue=[].append)
    registration.start()
    assert [w.id for w in live_workers(services)] == [worker_id]
    job = make_job(services, pages=2)
    runner(services, FakePipeline(2), lambda: datetime.now(timezone.utc), worker_id).run(job)  # cut before indexing
    registration.stop()
    assert live_workers(services) == []  # `ingest --wait` runs the jobs itself at once
    assert index_after_dead_workers(services) == [job_row(services, job).document_id]
    assert check(services, repair=False)["missing"] == []
    with services.session_factory() as s:
        assert s.scalars(select(Worker)).all() == []
