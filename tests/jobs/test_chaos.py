"""Many workers on PostgreSQL and Redis, killed at random, nothing lost (issue 15, point 2).

Three ``docsvc worker`` processes, each with an environment of its own as if on its own
machine (its own data directory and worker id; the same database, queue and blob directory,
as a shared folder gives them; and one search index directory, as the workers of the index
host share it: these three do run on one host), drain one Redis queue while 40 text-layer
PDFs of 5 pages (200 pages) are submitted. Meanwhile whole process groups of workers that
hold a job are killed with SIGKILL (one at a time, and once two at once) at random points,
each replaced by a fresh worker. Then every job must be ``done`` once, with as many attempts
as it had interrupted claims plus one; every document must have exactly its 5 pages with the
right text (200 in all), one "processed" audit record and an intact audit chain; the search
index must hold each page once, and ``docsvc reindex --check`` must find nothing to repair.

Failures tried: SIGKILL of a worker's process group mid-document (the pages it committed are
kept, the rest are read by the next claim), two workers killed at the same moment, a worker
killed before or during the index commit that follows a finished document (its documents are
indexed again by a live worker: ``docsvc.worker.index_after_dead_workers``), replacements
that start while the killed workers' leases are still running, and no worker alive for a
while (all replaced, the new ones still starting). The test waits for the index to hold
every page before it stops the workers (a job is done before its document is indexed).

The figures (pages per minute with three workers before the first kill, time from a kill to
the re-claim of the killed worker's jobs) are printed and kept as user properties.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from archive.audit import AuditRecord, verify_chain
from archive.models import Document, Job, Page, Worker
from search import AccessScope
from tests.backends import POSTGRES_URL

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.xdist_group("chaos")]

REDIS_URL = os.environ.get("DOCSVC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DOCUMENTS, PAGES = 40, 5
WORKERS = 3
LEASE_SECONDS = 3
KILLS = 5              # kill events; one of them kills two workers at once
TIMEOUT = 900          # seconds, for the whole run on a busy 2-core machine


def _unreachable(what: str, url: str, exc: Exception):
    message = f"{what} not reachable at {url} ({exc.__class__.__name__}: {exc})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def postgres_url():
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.connect():
            pass
    except Exception as exc:  # pragma: no cover - depends on the machine
        _unreachable("PostgreSQL", POSTGRES_URL, exc)
    name = f"docsvc_chaos_{os.getpid()}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def queue_url():
    """The Redis queue under a name of this run's own (``?queue=``): other runs and
    installations on the same Redis database neither see nor take its messages."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as exc:  # pragma: no cover - depends on the machine
        _unreachable("Redis", REDIS_URL, exc)
    name = f"chaos_{os.getpid()}_{os.urandom(3).hex()}"
    try:
        yield f"{REDIS_URL}?queue={name}"
    finally:
        keys = list(client.scan_iter(match=f"huey.*.{name}*"))
        if keys:
            client.delete(*keys)
        client.close()


@dataclass
class Cluster:
    """The shared parts, and the worker processes started on them."""
    root: Path
    env: dict
    procs: list = field(default_factory=list)       # every worker ever started
    kills: list = field(default_factory=list)       # (worker pid, monotonic time, {job id})

    def start_worker(self) -> subprocess.Popen:
        n = len(self.procs)
        data_dir = self.root / f"host{n}"        # the "machine's" own directory
        log = open(self.root / f"worker{n}.log", "wb")
        env = {**self.env, "DOCSVC_DATA_DIR": str(data_dir)}
        proc = subprocess.Popen([sys.executable, "-m", "docsvc", "worker"], env=env, start_new_session=True,
                                stdout=log, stderr=subprocess.STDOUT)
        log.close()
        proc.log_path = self.root / f"worker{n}.log"
        self.procs.append(proc)
        return proc

    def alive(self) -> list[subprocess.Popen]:
        return [p for p in self.procs if p.poll() is None]

    def logs(self, tail: int = 4000) -> str:
        return "\n".join(f"--- worker pid {p.pid} (exit {p.poll()}) ---\n"
                         + p.log_path.read_bytes()[-tail:].decode(errors="replace") for p in self.procs)


def _pid_of(worker_id: str | None) -> int | None:
    # worker@host:pid:hex (docsvc.worker.new_worker_id)
    if not worker_id or not worker_id.startswith("worker@"):
        return None
    return int(worker_id.rsplit(":", 2)[1])


def _pdf(doc: int) -> bytes:
    """A text-layer PDF of PAGES pages; every page says which document and page it is."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from tests.app.inputs import FONT

    pdfmetrics.registerFont(TTFont("DejaVuSerif", FONT))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    for page in range(1, PAGES + 1):
        c.setFont("DejaVuSerif", 13)
        for i, line in enumerate(_lines(doc, page)):
            c.drawString(72, 760 - i * 20, line)
        c.showPage()
    c.save()
    return out.getvalue()


def _lines(doc: int, page: int) -> list[str]:
    return [f"Hồ sơ lưu trữ số {doc:02d}, trang {page} trên {PAGES}",
            "Ủy ban nhân dân xã Tân Phú, huyện Hòa Bình",
            f"Mã kiểm tra {doc:02d}{page}-{(doc * 7919 + page * 104729) % 100000:05d}"]


def _wait(predicate, timeout: float, what: str, cluster: Cluster):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}\n{cluster.logs()}")


def test_workers_killed_at_random_lose_nothing_and_do_nothing_twice(request, tmp_path, postgres_url, queue_url,
                                                                    record_property):
    from archive.migrate import upgrade
    from docsvc import create_app
    from docsvc.documents.submit import submit_stream
    from docsvc.finding.indexing import ensure_index
    from tests.conftest import Accounts
    from tests.processes import stop_group

    seed = int(os.environ.get("CHAOS_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    record_property("chaos seed", seed)
    print(f"chaos seed {seed} (CHAOS_SEED={seed} repeats the kill choices)")

    shared = tmp_path / "shared"   # the blob store's shared folder, and the index host's index
    keys = {"SECRET_KEY": "chaos-secret", "AUDIT_KEY": "chaos-audit-key"}
    config = {"DATA_DIR": tmp_path / "submitter", "DATABASE_URL": postgres_url, "QUEUE_URL": queue_url,
              "BLOB_DIR": shared / "blobs", "INDEX_DIR": shared / "index", "INDEX_PROCS": 1,
              # A job's row takes its give-up count from the submitter: some jobs are interrupted
              # several times here, and that rule is tested elsewhere (tests/jobs/test_runner.py).
              "JOB_MAX_ATTEMPTS": 20, "TESTING": True, **keys}
    app = create_app(config)
    services = app.extensions["docsvc"]
    request.addfinalizer(services.close)
    upgrade(services.engine)
    ensure_index(services, background=False)
    accounts = Accounts(services)

    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSVC_")}
    env.update({"OMP_THREAD_LIMIT": "1", "DOCSVC_DATABASE_URL": postgres_url, "DOCSVC_QUEUE_URL": queue_url,
                "DOCSVC_BLOB_DIR": str(shared / "blobs"), "DOCSVC_INDEX_DIR": str(shared / "index"),
                "DOCSVC_SECRET_KEY": keys["SECRET_KEY"], "DOCSVC_AUDIT_KEY": keys["AUDIT_KEY"],
                "DOCSVC_JOB_LEASE_SECONDS": str(LEASE_SECONDS), "DOCSVC_WORKER_HEARTBEAT_SECONDS": "1",
                "DOCSVC_JOB_MAX_ATTEMPTS": "20", "DOCSVC_JOB_RETRY_DELAY": "1",
                "DOCSVC_OCR_PROCESSES": "1", "DOCSVC_WORKER_THREADS": "2", "DOCSVC_INDEX_PROCS": "1",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                            os.environ.get("PYTHONPATH")]))})
    cluster = Cluster(tmp_path, env)

    def jobs() -> dict[int, Job]:
        with services.session_factory() as db:
            return {j.id: j for j in db.scalars(select(Job))}

    def pages_done() -> int:
        with services.session_factory() as db:
            return db.scalar(select(func.count(Page.id)))

    def indexed_pages() -> dict[int, list[int]]:  # read from the index itself, not from a report
        pages: dict[int, list[int]] = {}
        with services.search_index.open("document").reader() as reader:
            for leaf in [reader] if reader.is_atomic() else [r for r, _ in reader.leaf_readers()]:
                column = leaf.column_reader("d")
                for docnum in leaf.all_doc_ids():
                    d = column[docnum]
                    pages.setdefault(d["id"], []).append(d["p"])
        return {doc_id: sorted(p) for doc_id, p in pages.items()}

    submitted = {}
    for doc in range(1, DOCUMENTS + 1):  # all queued first: the workers' pace is measured alone
        sub = submit_stream(services, io.BytesIO(_pdf(doc)), f"ho-so-{doc:02d}.pdf", principal=accounts.system)
        assert sub.page_count == PAGES and sub.job_id
        submitted[sub.document_id] = (doc, sub.job_id)
    total = DOCUMENTS * PAGES
    try:
        for _ in range(WORKERS):
            cluster.start_worker()

        first = _wait(lambda: pages_done() >= 1 and time.monotonic(), TIMEOUT, "the first page", cluster)
        # Kill moments, by pages done, early enough that work remains for every kill to hit.
        thresholds = sorted(rng.sample(range(total // 10, total * 6 // 10), KILLS))
        double = rng.randrange(KILLS)
        steady = None
        pending = []       # kills whose interrupted jobs no other worker has claimed yet
        handbacks = {}     # kill time: seconds until its jobs were handed back (lease lapsed, found)
        recoveries = []    # seconds from a kill to the claim of the last of its jobs
        deadline = time.monotonic() + TIMEOUT
        # One loop on the state: kill when the pages reach the next moment, note when the
        # killed workers' jobs are claimed again, stop when every job has ended.
        while True:
            state, done_pages, at = jobs(), pages_done(), time.monotonic()
            for kill in list(pending):
                pids, killed_at, interrupted = kill
                if killed_at not in handbacks and all(state[i].status != "running" or _pid_of(state[i].worker_id)
                                                      not in pids for i in interrupted):
                    handbacks[killed_at] = at - killed_at
                if all(state[i].status == "done" or _pid_of(state[i].worker_id) not in pids for i in interrupted):
                    recoveries.append(at - killed_at)
                    pending.remove(kill)
            finished = all(j.status in ("done", "failed") for j in state.values())
            if finished and not pending:
                break
            assert at < deadline, f"timed out: {done_pages} pages, kills pending {pending}\n{cluster.logs()}"
            k = len(cluster.kills)
            if k < KILLS and done_pages >= thresholds[k]:
                assert not finished, f"every job ended before kill {k + 1} ({done_pages} pages)"
                if steady is None:  # three workers, undisturbed, from the first page to here
                    steady = (done_pages - 1) / (at - first) * 60
                by_pid = {p.pid: p for p in cluster.alive()}
                busy = sorted({_pid_of(j.worker_id) for j in state.values() if j.status == "running"} & set(by_pid))
                if busy:  # else: wait for a worker to claim something
                    victims = [by_pid[pid] for pid in rng.sample(busy, min(len(busy), 2 if k == double else 1))]
                    for victim in victims:
                        os.killpg(victim.pid, signal.SIGKILL)  # the worker and whatever it started
                    killed_at = time.monotonic()
                    for victim in victims:
                        victim.wait(30)
                    # Dead now: what they hold is exactly what they were doing ("running", or
                    # "queued" again if a live worker already found the lease lapsed).
                    pids = {v.pid for v in victims}
                    interrupted = {j.id for j in jobs().values()
                                   if j.status in ("running", "queued") and _pid_of(j.worker_id) in pids}
                    cluster.kills.append((pids, killed_at, interrupted))
                    pending.append((pids, killed_at, interrupted))
                    for _ in victims:
                        cluster.start_worker()
                    continue
            time.sleep(0.1)
        assert len(cluster.kills) == KILLS
        overall = total / (time.monotonic() - first) * 60

        def swept():  # a live worker has re-indexed what each killed one finished, and forgot it
            killed = {pid for pids, _, _ in cluster.kills for pid in pids}
            with services.session_factory() as db:
                return not killed & {_pid_of(w) for w in db.scalars(select(Worker.id))}

        _wait(swept, TIMEOUT, "the killed workers' rows to be swept", cluster)
        # A job is "done" before its document is indexed; the live workers finish that.
        expected = {doc_id: list(range(1, PAGES + 1)) for doc_id in submitted}
        _wait(lambda: indexed_pages() == expected, TIMEOUT, "every page in the index", cluster)
    finally:
        for proc in cluster.alive():
            stop_group(proc)
    output = cluster.logs()

    # -- every job done once, attempts = interrupted claims + 1 -----------------------
    final = jobs()
    assert len(final) == DOCUMENTS
    interruptions = {job_id: 0 for job_id in final}
    for _, _, interrupted in cluster.kills:
        for job_id in interrupted:
            interruptions[job_id] += 1
    # Each kill hits a worker seen holding a job (one may end in the instant before the kill).
    assert sum(interruptions.values()) >= KILLS - 1, cluster.kills
    for job in final.values():
        assert job.status == "done" and job.error is None, (job.id, job.status, job.error, output)
        assert job.attempts == interruptions[job.id] + 1, (job.id, job.attempts, interruptions[job.id])
        assert job.progress_done == PAGES and job.claim_token is None and job.finished_at is not None

    # -- every document has exactly its pages, with the right text ----------------------
    with services.session_factory() as db:
        assert db.scalar(select(func.count(Page.id))) == total
        for doc_id, (doc, job_id) in submitted.items():
            document = db.get(Document, doc_id)
            assert document.status == "done" and document.page_count == PAGES
            pages = db.scalars(select(Page).where(Page.document_id == doc_id).order_by(Page.number)).all()
            assert [p.number for p in pages] == list(range(1, PAGES + 1)), (doc_id, [p.number for p in pages])
            for page in pages:
                assert page.source == "text_layer"
                for line in _lines(doc, page.number):
                    assert line in " ".join(page.text.split()), (doc_id, page.number, page.text)
            processed = db.scalars(select(AuditRecord).where(AuditRecord.action == "document.processed",
                                                             AuditRecord.object_id == str(doc_id))).all()
            assert len(processed) == 1, (doc_id, [(r.seq, r.details) for r in processed])
            assert processed[0].details["job_id"] == job_id
        chain = verify_chain(db, keys["AUDIT_KEY"].encode())
        assert chain.intact, chain.as_dict()

    # -- the search index holds each page once (also after the workers stopped) ------
    indexed = indexed_pages()
    wrong = {d: indexed.get(d, []) for d in set(expected) | set(indexed) if indexed.get(d, []) != expected.get(d)}
    assert not wrong, f"pages indexed wrongly (document: pages): {wrong}\n{output}"
    check = subprocess.run([sys.executable, "-m", "docsvc", "reindex", "--check", "--json"],
                           env={**env, "DOCSVC_DATA_DIR": str(tmp_path / "checker")},
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout.strip().splitlines()[-1])
    assert report["checked"] == DOCUMENTS and report["repaired"] == 0, report
    assert not (report["missing"] or report["stale"] or report["extra"]), report
    code = _lines(7, 3)[2].rsplit(" ", 1)[1]  # one page's own check code: found on that page
    found = services.search_index.search(f'"{code}"', AccessScope.everything(("document",)), kind="document")
    assert [(h.id, h.page) for h in found.hits[:1]] == [(_doc_id(submitted, 7), 3)], (code, found)

    killed = sum(len(pids) for pids, _, _ in cluster.kills)
    summary = (f"{WORKERS} workers, {total} text-layer pages: {steady:.0f} pages/min before the first kill, "
               f"{overall:.0f} pages/min overall with {killed} workers killed in {len(cluster.kills)} events; "
               f"killed workers' jobs handed back after {min(handbacks.values()):.1f}-"
               f"{max(handbacks.values()):.1f} s (lease {LEASE_SECONDS} s) and claimed again (their turn in "
               f"the queue) after {min(recoveries):.1f}-{max(recoveries):.1f} s; "
               f"interrupted claims {sum(interruptions.values())}")
    print(summary)
    record_property("chaos", summary)


def _doc_id(submitted: dict, doc: int) -> int:
    return next(doc_id for doc_id, (n, _) in submitted.items() if n == doc)
