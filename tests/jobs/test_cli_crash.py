"""`docsvc ingest --wait` with no worker alive runs several jobs at once; killed with SIGKILL
while two of them are running, every job is taken up again and completes once: each page
exactly once, the pages read before the kill kept as they were, one "processed" record per
document in the audit trail.

Real process, real Tesseract, real SQLite. Everything is waited on in the job rows."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, select

from archive.audit import AuditRecord
from archive.models import Job, Page
from docsvc.worker import wait_for_jobs
from tests.app.inputs import FONT
from tests.backends import database_env

pytestmark = [pytest.mark.ocr, pytest.mark.slow, pytest.mark.xdist_group("ocr")]

DOCUMENTS, PAGES = 3, 3


def _scanned_tiff(doc: int) -> bytes:
    font = ImageFont.truetype(FONT, 34)
    frames = []
    for n in range(1, PAGES + 1):
        page = Image.new("L", (1654, 700), 255)
        draw = ImageDraw.Draw(page)
        for i, line in enumerate([f"Văn bản {doc}, trang {n}", "Họ, chữ đệm, tên: Trần Thị Lan",
                                  "Nơi cư trú: Xã Tân Phú"]):
            draw.text((100, 100 + i * 90), line, font=font, fill=0)
        frames.append(page)
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate",
                   dpi=(200, 200))
    return out.getvalue()


def _state(services) -> tuple[int, int]:
    """(jobs running, pages recorded)"""
    with services.session_factory() as db:
        running = db.scalar(select(func.count()).select_from(Job).where(Job.status == "running"))
        return running, db.scalar(select(func.count()).select_from(Page))


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_ingest_wait_leaves_jobs_that_complete_once(app_config, services, tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    for doc in range(1, DOCUMENTS + 1):
        (folder / f"van-ban-{doc}.tif").write_bytes(_scanned_tiff(doc))
    env = {**os.environ, **database_env(app_config), "DOCSVC_DATA_DIR": str(app_config["DATA_DIR"]),
           "DOCSVC_JOB_LEASE_SECONDS": "3",
           "DOCSVC_OCR_PROCESSES": "1", "DOCSVC_WORKER_THREADS": "2", "OMP_THREAD_LIMIT": "1",
           "DOCSVC_SECRET_KEY": "test-secret"}
    command = subprocess.Popen([sys.executable, "-m", "docsvc", "ingest", str(folder), "--wait", "--json"],
                               env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: _state(services)[0] >= 2 and _state(services)[1] >= 1, 180,
              "two jobs running and a page recorded")
        os.killpg(command.pid, signal.SIGKILL)  # the command, its slots and their Tesseract
        command.wait(10)
    finally:
        if command.poll() is None:
            os.killpg(command.pid, signal.SIGKILL)
    with services.session_factory() as db:
        jobs = db.scalars(select(Job).order_by(Job.id)).all()
        assert len(jobs) == DOCUMENTS
        interrupted = {j.id for j in jobs if j.status == "running"}
        assert len(interrupted) >= 2, [(j.id, j.status) for j in jobs]
        before = {(p.document_id, p.number): (p.id, p.text) for p in db.scalars(select(Page))}
        assert before and len(before) < DOCUMENTS * PAGES

    # Another process takes them up once their leases lapse (here: this test's, in slots).
    done = wait_for_jobs(services, [j.id for j in jobs], timeout=300)
    assert {j.status for j in done.values()} == {"done"}
    with services.session_factory() as db:
        for job in done.values():
            assert job.attempts == (2 if job.id in interrupted else 1) and job.progress_done == PAGES
            pages = db.scalars(select(Page).where(Page.document_id == job.document_id).order_by(Page.number)).all()
            assert [p.number for p in pages] == list(range(1, PAGES + 1))
            for page in pages:
                assert f"trang {page.number}" in page.text and page.source == "ocr"
                if (job.document_id, page.number) in before:  # read before the kill: kept
                    assert (page.id, page.text) == before[(job.document_id, page.number)]
            processed = db.scalars(select(AuditRecord).where(AuditRecord.action == "document.processed",
                                                             AuditRecord.object_id == str(job.document_id))).all()
            assert len(processed) == 1
