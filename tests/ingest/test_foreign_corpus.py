"""Files made by other programs (tests/corpus/foreign, see its README): uploaded through the
real, sandboxed inspection, then read by ONE real ``docsvc worker`` process. Every file
ends as the README's table says (done with the expected words and page sources, failed or
refused with a message a person understands), and the same worker survives all of them.

Bad inputs in the corpus: a password-protected PDF (refused at upload), a JPEG cut short
(taken at upload, failed by the worker), a PDF/A whose Unicode map turns "đ" into a
control character (its text layer must not be trusted).
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.models import Document, Job, Page
from docsvc.documents.submit import submit_stream
from ingest.errors import IngestError
from ingest.pdf import usable_text
from tests.backends import database_env

pytestmark = [pytest.mark.ocr, pytest.mark.slow, pytest.mark.xdist_group("ocr")]

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "foreign"
_ROW = re.compile(r"^\| *([^|]+?) *\|.*\| *([^|]+?) *\|$")
_EXPECTED = re.compile(r"^(done|failed|refused)(?:\[(\w+)\])?: *(.+)$")


@dataclass
class Expected:
    name: str
    outcome: str                 # done | failed | refused
    source: str | None           # every page's source, for done
    phrases: list[str]


def expectations() -> list[Expected]:
    """The README's table, last column parsed."""
    rows = []
    for line in (CORPUS / "README.md").read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line.strip())
        if not match or match.group(1) in ("file",) or set(match.group(1)) <= {"-"}:
            continue
        parsed = _EXPECTED.match(match.group(2))
        assert parsed, f"README row without a readable expectation: {line}"
        rows.append(Expected(match.group(1), parsed.group(1), parsed.group(2),
                             [p.strip() for p in parsed.group(3).split(";")]))
    return rows


def test_the_readme_lists_every_file_and_only_those():
    listed = {row.name for row in expectations()}
    present = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "README.md" and not p.name.startswith(".")}
    assert listed == present
    assert sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file()) < 3 * 1024 * 1024


def test_a_text_layer_with_a_control_character_inside_words_is_not_trusted():
    assert not usable_text("Về việc tiếp công dân \x12ịnh kỳ tháng 12 năm 2026")  # Ghostscript's "đ"
    assert usable_text("Về việc tiếp công dân định kỳ tháng 12 năm 2026")
    assert usable_text("Về việc tiếp công dân \x03 định kỳ tháng 12")  # a stray code between words


def _start_worker(app_config) -> subprocess.Popen:
    env = {**os.environ, **database_env(app_config), "DOCSVC_DATA_DIR": str(app_config["DATA_DIR"]),
           "DOCSVC_OCR_PROCESSES": "2",
           "OMP_THREAD_LIMIT": "1", "DOCSVC_SECRET_KEY": "test-secret"}
    return subprocess.Popen([sys.executable, "-m", "docsvc", "worker"], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_foreign_corpus_through_one_worker(app_config, services, accounts):
    rows = expectations()
    submitted: dict[str, int] = {}  # name -> job id
    for row in rows:
        data = (CORPUS / row.name).read_bytes()
        try:
            sub = submit_stream(services, io.BytesIO(data), row.name, principal=accounts.system)
        except IngestError as exc:
            assert row.outcome == "refused", f"{row.name} refused: {exc.message('vi')}"
            message = exc.message("vi")
            assert all(p in message for p in row.phrases), (row.name, message)
            continue
        assert row.outcome != "refused", f"{row.name} was taken; the README expects a refusal"
        assert sub.status == "queued", (row.name, sub.status)
        submitted[row.name] = sub.job_id

    def jobs() -> dict[str, Job]:
        with services.session_factory() as db:
            return {name: db.get(Job, job_id) for name, job_id in submitted.items()}

    worker = _start_worker(app_config)
    try:
        # Generous: about 14 pages to OCR on a busy 2-core machine.
        _wait(lambda: worker.poll() is not None or all(j.status in ("done", "failed") for j in jobs().values()),
              900, "every job to finish")
        alive = worker.poll() is None
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
        output = worker.communicate(timeout=60)[0].decode(errors="replace")
    assert alive, "the worker died:\n" + output[-3000:]
    assert worker.returncode == 0, output[-3000:]  # a graceful stop after all of them

    finished = jobs()
    with services.session_factory() as db:
        for row in rows:
            if row.outcome == "refused":
                continue
            job = finished[row.name]
            assert job.attempts == 1, (row.name, job.attempts)  # never retried after a crash
            doc = db.get(Document, job.document_id)
            if row.outcome == "failed":
                assert job.status == "failed" and doc.status == "failed", (row.name, job.status)
                assert all(p in job.error for p in row.phrases), (row.name, job.error)
                continue
            assert job.status == "done" and doc.status == "done", (row.name, job.status, job.error)
            pages = db.scalars(select(Page).where(Page.document_id == doc.id).order_by(Page.number)).all()
            assert [p.number for p in pages] == list(range(1, doc.page_count + 1)), row.name
            assert {p.source for p in pages} == {row.source}, (row.name, [p.source for p in pages])
            text = " ".join(" ".join(p.text.split()) for p in pages)
            missing = [p for p in row.phrases if p not in text]
            assert not missing, (row.name, missing, text[:500])
