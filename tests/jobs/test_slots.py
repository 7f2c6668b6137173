"""Several jobs at once in one process: ``ingest.slots.JobSlots``, ``wait_for_jobs`` with no
worker alive, and ``docsvc ingest --wait`` (which starts each job as soon as it is recorded).

Real files (PNG strips, a multi-page TIFF, a JPEG cut in half), the real pipeline and job
runner on real SQLite, the real index; the OCR engine is a fake whose text is a digest of
the very pixels it was given, so a page read from the wrong document or out of order shows.

Concurrency is seen in the database, never timed: the fake engine holds the first pages
until the job rows show two jobs ``running`` at once, then lets everything through. Run
one job at a time, no second job would ever be running; the engine then gives up waiting
(after a generous bound, only so that a failing test ends) and the test fails.

Inputs tried: six one-page PNGs and a three-page TIFF at once, against the same files run
one job at a time in another data directory (pages must be identical); a JPEG found broken
while it is read and a page whose OCR fails once (a transient error, retried) among good
files; the same job submitted twice while in flight; a job another worker holds.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, select

from archive.audit import AuditRecord
from archive.migrate import upgrade
from archive.models import Document, Job, Page
from docsvc import create_app
from docsvc.documents.submit import submit_stream
from docsvc.worker import job_slots, wait_for_jobs
from ingest.errors import TransientIngestError
from ingest.images import prepare_for_ocr, to_grayscale
from ingest.jobs import JobRunner, JobSettings
from ingest.ocr import FakeOcrEngine
from ingest.pipeline import Pipeline
from ingest.slots import JobSlots
from tests.app.inputs import FONT, text_png

GIVE_UP = 120  # seconds: only bounds a failing test; a passing one never waits this long


def running_jobs(services) -> int:
    with services.session_factory() as db:
        return db.scalar(select(func.count()).select_from(Job).where(Job.status == "running"))


class DigestOcr(FakeOcrEngine):
    """Text = page number + a digest of the pixels. With ``together``, the first pages wait
    until the job rows show that many jobs running at once (then ``seen`` is set and no
    page waits again). ``fail_once``: digests whose first reading raises a transient error."""

    def __init__(self, services=None, *, together: int = 0, fail_once: set[str] = frozenset()):
        super().__init__(self._text)
        self.services, self.together = services, together
        self.fail_once, self.failed = set(fail_once), set()
        self.seen = threading.Event()
        self.most_running = 0

    @staticmethod
    def digest(image: Image.Image) -> str:
        return hashlib.sha256(image.tobytes()).hexdigest()[:16]

    def _text(self, image: Image.Image, page: int) -> str:
        digest = self.digest(image)
        if self.together and not self.seen.is_set():
            deadline = time.monotonic() + GIVE_UP
            while not self.seen.is_set():
                running = running_jobs(self.services)
                self.most_running = max(self.most_running, running)
                if running >= self.together:
                    self.seen.set()
                elif time.monotonic() > deadline:
                    raise AssertionError(f"never saw {self.together} jobs running at once")
                else:
                    time.sleep(0.02)
        if digest in self.fail_once and digest not in self.failed:
            self.failed.add(digest)
            raise TransientIngestError(f"tesseract crashed on page {page}")
        return f"Trang {page} ảnh {digest}"


def strip(n: int) -> bytes:
    return text_png([f"Giấy mời họp số {n}/GM-UBND", f"Ủy ban nhân dân xã {n}"], size=(600, 240))


def three_page_tiff() -> bytes:
    font = ImageFont.truetype(FONT, 30)
    frames = []
    for n in range(1, 4):
        frame = Image.new("L", (600, 300), 255)
        ImageDraw.Draw(frame).text((40, 40), f"Sổ đăng ký khai sinh, trang {n}", font=font, fill=0)
        frames.append(frame)
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate")
    return out.getvalue()


def half_jpeg() -> bytes:
    out = io.BytesIO()
    image = Image.new("L", (900, 400), 255)
    ImageDraw.Draw(image).text((40, 40), "Biên bản", font=ImageFont.truetype(FONT, 40), fill=0)
    image.save(out, "JPEG", quality=90)
    return out.getvalue()[: len(out.getvalue()) // 2]


FILES = {**{f"giay-moi-{n}.png": strip(n) for n in range(1, 7)}, "so-khai-sinh.tif": three_page_tiff()}


def submit_all(services, principal, files: dict[str, bytes]) -> dict[str, tuple[int, int]]:
    """name -> (document id, job id)"""
    out = {}
    for name, data in files.items():
        sub = submit_stream(services, io.BytesIO(data), name, principal=principal)
        out[name] = (sub.document_id, sub.job_id)
    return out


def make_runner(services, engine, worker="slots-test") -> JobRunner:
    pipeline = Pipeline(engine, services.limits, concurrency=2, executor=services.ocr_executor)
    return JobRunner(services.session_factory, services.blobs, pipeline, worker_id=worker,
                     settings=JobSettings(lease_seconds=30, max_attempts=3, retry_delay=0),
                     audit_key=services.audit_key)


def run_until_idle(slots: JobSlots, job_ids) -> list:
    for job_id in job_ids:
        slots.submit(job_id)
    outcomes = []
    while slots.in_flight():
        outcomes += slots.wait(timeout=1)
    return outcomes + slots.wait(timeout=0)


def pages_of(services, doc_id) -> list[tuple]:
    with services.session_factory() as db:
        return [(p.number, p.text, p.source, p.confidence, p.words, p.width, p.height, p.dpi,
                 p.image_sha256, p.thumbnail_sha256)
                for p in db.scalars(select(Page).where(Page.document_id == doc_id).order_by(Page.number))]


def processed_records(services, doc_id) -> int:
    with services.session_factory() as db:
        return len(db.scalars(select(AuditRecord).where(AuditRecord.action == "document.processed",
                                                        AuditRecord.object_id == str(doc_id))).all())


@pytest.fixture
def sequential_services(tmp_path):
    """Another data directory, for the same files run one job at a time."""
    from docsvc.accounts.bootstrap import ensure_root_unit
    from docsvc.finding.indexing import ensure_index

    app = create_app({"DATA_DIR": tmp_path / "sequential", "OCR_PROCESSES": 2, "JOB_RETRY_DELAY": 0,
                      "INDEX_PROCS": 1, "SECRET_KEY": "test-secret", "TESTING": True})
    services = app.extensions["docsvc"]
    upgrade(services.engine)
    ensure_root_unit(services)
    ensure_index(services, background=False)
    yield services
    services.close()


def test_documents_run_at_once_and_end_as_a_sequential_run_does(services, accounts, sequential_services):
    engine = DigestOcr(services, together=2)
    made = submit_all(services, accounts.system, FILES)
    with JobSlots(make_runner(services, engine), 4) as slots:
        outcomes = run_until_idle(slots, [job for _doc, job in made.values()])
    assert engine.seen.is_set() and engine.most_running >= 2  # two jobs were running at once
    assert sorted(o.status for o in outcomes) == ["done"] * len(FILES)

    alone = submit_all(sequential_services, accounts.system, FILES)
    with JobSlots(make_runner(sequential_services, DigestOcr()), 1) as one:
        assert {o.status for o in run_until_idle(one, [job for _doc, job in alone.values()])} == {"done"}

    for name, (doc_id, job_id) in made.items():
        pages = pages_of(services, doc_id)
        assert [p[0] for p in pages] == list(range(1, (3 if name.endswith(".tif") else 1) + 1)), name
        assert pages == pages_of(sequential_services, alone[name][0]), name  # same text, words, images
        assert processed_records(services, doc_id) == 1
        with services.session_factory() as db:
            job = db.get(Job, job_id)
            assert (job.status, job.attempts, job.progress_done, job.claim_token) == ("done", 1, len(pages), None)
            assert db.get(Document, doc_id).page_count == len(pages)
    # Each page image was read once, whatever thread read it.
    assert sorted(engine.calls) == sorted([1] * 7 + [2, 3])


def test_no_worker_runs_jobs_at_once_through_failures_and_retries(services, accounts, monkeypatch):
    files = {"hong.jpg": half_jpeg(), **{f"giay-moi-{n}.png": strip(n) for n in range(1, 5)}}
    flaky = DigestOcr.digest(prepare_for_ocr(to_grayscale(Image.open(io.BytesIO(files["giay-moi-3.png"])))))
    engine = DigestOcr(services, together=2, fail_once={flaky})
    monkeypatch.setattr(services, "make_pipeline",
                        lambda: Pipeline(engine, services.limits, concurrency=2, executor=services.ocr_executor))
    made = submit_all(services, accounts.system, files)
    jobs = wait_for_jobs(services, [job for _doc, job in made.values()], timeout=GIVE_UP)

    assert engine.seen.is_set()
    assert engine.failed == {flaky}  # it did fail once ...
    statuses = {name: (jobs[job].status, jobs[job].attempts) for name, (_doc, job) in made.items()}
    assert statuses.pop("hong.jpg") == ("failed", 1)  # bad content: no retry
    assert statuses.pop("giay-moi-3.png") == ("done", 2)  # ... and was retried
    assert set(statuses.values()) == {("done", 1)}
    assert jobs[made["hong.jpg"][1]].error_code == "corrupt_image"
    for name, (doc_id, _job) in made.items():
        if name != "hong.jpg":
            [page] = pages_of(services, doc_id)
            assert page[1].startswith("Trang 1 ảnh ") and processed_records(services, doc_id) == 1


def test_ingest_wait_with_no_worker_starts_jobs_while_it_submits(app, services, tmp_path, monkeypatch):
    folder = tmp_path / "scans"
    folder.mkdir()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    engine = DigestOcr(services, together=2)
    monkeypatch.setattr(services, "make_pipeline",
                        lambda: Pipeline(engine, services.limits, concurrency=2, executor=services.ocr_executor))
    import docsvc.documents.cli as ingest_service  # the ingest command, where it calls submit_path

    submit_path, submitted, started_early = ingest_service.submit_path, [], []

    def submit_when_one_started(svc, path, **kw):
        # The last file is only submitted once a job has started: a command that started
        # its jobs after submitting every file would wait here in vain.
        if len(submitted) == len(FILES) - 1:
            deadline = time.monotonic() + GIVE_UP
            while not started_early:
                with svc.session_factory() as db:
                    if db.scalar(select(func.count()).select_from(Job).where(Job.started_at.is_not(None))):
                        started_early.append(True)
                    elif time.monotonic() > deadline:
                        raise AssertionError("no job started while files were being submitted")
                    else:
                        time.sleep(0.02)
        submitted.append(path)
        return submit_path(svc, path, **kw)

    monkeypatch.setattr(ingest_service, "submit_path", submit_when_one_started)
    result = app.test_cli_runner().invoke(args=["ingest", str(folder), "--wait", "--json"])
    assert started_early and len(submitted) == len(FILES)
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert sorted(i["status"] for i in items) == ["done"] * len(FILES)
    assert engine.seen.is_set()
    with services.session_factory() as db:
        workers = {j.worker_id for j in db.scalars(select(Job))}
    assert len(workers) == 1 and workers.pop().startswith("cli@")  # one process ran them all
    for item in items:
        pages = pages_of(services, item["document_id"])
        assert item["pages"] == len(pages) and [p[0] for p in pages] == list(range(1, len(pages) + 1))


def test_a_job_is_not_run_twice_at_once_and_a_held_job_is_skipped(services, accounts):
    engine = DigestOcr()
    [(doc_id, job_id)] = submit_all(services, accounts.system, {"a.png": strip(1)}).values()
    other = make_runner(services, engine, worker="other-worker")
    token = other.claim(job_id)  # another worker holds it
    assert token
    with JobSlots(make_runner(services, engine), 2) as slots:
        assert slots.submit(job_id) is True
        [outcome] = run_until_idle(slots, [])
        assert outcome.status == "skipped" and pages_of(services, doc_id) == []
        gate = threading.Event()
        release = threading.Event()

        class Held(JobRunner):  # a job still in flight here: a second submit is not queued
            def run(self, job_id):
                gate.set()
                release.wait(GIVE_UP)
                return super().run(job_id)

        with JobSlots(Held(services.session_factory, services.blobs, other.pipeline, worker_id="w2",
                           settings=other.settings), 2) as held:
            assert held.submit(job_id) is True
            assert gate.wait(GIVE_UP)
            assert held.submit(job_id) is False and held.in_flight() == [job_id]
            release.set()
            assert [o.status for o in run_until_idle(held, [])] == ["skipped"]  # still held by other-worker


def test_slots_default_to_twice_the_ocr_processes(services, app_config):
    assert job_slots(services) == 2 * services.settings.ocr_processes == 4
    assert job_slots(services, threads=3) == 3
    app = create_app({**app_config, "WORKER_THREADS": 1})
    try:
        assert job_slots(app.extensions["docsvc"]) == 1
    finally:
        app.extensions["docsvc"].close()
