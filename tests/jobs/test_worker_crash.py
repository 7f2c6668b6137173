"""A real worker process, killed with SIGKILL in the middle of an OCR job, restarted: the job
completes once — every page exactly once, the pages read before the kill kept as they were,
one "processed" record in the audit trail, and a graceful stop on SIGTERM."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from archive.audit import AuditRecord
from archive.models import Job, Page
from docsvc.documents.submit import submit_stream
from tests.app.inputs import FONT
from tests.backends import database_env

pytestmark = [pytest.mark.ocr, pytest.mark.slow, pytest.mark.xdist_group("ocr")]

PAGES = 4


def _scanned_tiff() -> bytes:
    font = ImageFont.truetype(FONT, 34)
    frames = []
    for n in range(1, PAGES + 1):
        page = Image.new("L", (1654, 1100), 255)
        draw = ImageDraw.Draw(page)
        for i, line in enumerate([f"Trang {n} của sổ đăng ký khai sinh năm 1985",
                                  "Họ, chữ đệm, tên: Nguyễn Văn Hùng", "Nơi sinh: Trạm Y tế xã Tân Phú",
                                  "Quê quán: Xã Hòa Bình, Ninh Bình"]):
            draw.text((100, 120 + i * 90), line, font=font, fill=0)
        frames.append(page)
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate", dpi=(200, 200))
    return out.getvalue()


def _start_worker(app_config) -> subprocess.Popen:
    env = {**os.environ, **database_env(app_config), "DOCSVC_DATA_DIR": str(app_config["DATA_DIR"]),
           "DOCSVC_JOB_LEASE_SECONDS": "3",
           "DOCSVC_WORKER_HEARTBEAT_SECONDS": "1", "DOCSVC_OCR_PROCESSES": "1", "OMP_THREAD_LIMIT": "1",
           "DOCSVC_SECRET_KEY": "test-secret"}
    return subprocess.Popen([sys.executable, "-m", "docsvc", "worker"], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _job(services, job_id) -> Job:
    with services.session_factory() as db:
        return db.get(Job, job_id)


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_s_job_completes_once_after_restart(app_config, services, accounts):
    sub = submit_stream(services, io.BytesIO(_scanned_tiff()), "so-khai-sinh.tif", principal=accounts.system)
    assert sub.page_count == PAGES

    worker = _start_worker(app_config)
    try:
        _wait(lambda: _job(services, sub.job_id).progress_done >= 1, 600, "the first page")
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its Tesseract child, mid-job
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    job = _job(services, sub.job_id)
    assert job.status == "running" and 1 <= job.progress_done < PAGES, (job.status, job.progress_done)
    with services.session_factory() as db:
        before = {p.number: (p.id, p.text) for p in db.scalars(select(Page).where(Page.document_id == sub.document_id))}

    restarted = _start_worker(app_config)
    try:
        _wait(lambda: _job(services, sub.job_id).status in ("done", "failed"), 900, "the job to finish")
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        output = restarted.communicate(timeout=30)[0].decode(errors="replace")
    assert restarted.returncode is not None

    job = _job(services, sub.job_id)
    assert job.status == "done", output[-3000:]
    assert job.attempts == 2 and job.progress_done == PAGES
    with services.session_factory() as db:
        pages = db.scalars(select(Page).where(Page.document_id == sub.document_id).order_by(Page.number)).all()
        assert [p.number for p in pages] == list(range(1, PAGES + 1))
        for page in pages:
            assert f"Trang {page.number}" in page.text and page.source == "ocr"
            if page.number in before:  # read before the kill: kept, not read again
                assert (page.id, page.text) == before[page.number]
        processed = db.scalars(select(AuditRecord).where(AuditRecord.action == "document.processed",
                                                         AuditRecord.object_id == str(sub.document_id))).all()
        assert len(processed) == 1


def test_the_worker_survives_a_file_that_breaks_while_being_read(app_config, services, accounts):
    from tests.app.inputs import text_png

    image = Image.new("L", (1400, 600), 255)
    ImageDraw.Draw(image).text((80, 80), "Biên bản", font=ImageFont.truetype(FONT, 48), fill=0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    broken = submit_stream(services, io.BytesIO(out.getvalue()[: len(out.getvalue()) // 2]), "hong.jpg",
                           principal=accounts.system)
    good = submit_stream(services, io.BytesIO(text_png(["Giấy mời họp"])), "giay-moi.png", principal=accounts.system)
    worker = _start_worker(app_config)
    try:
        _wait(lambda: all(_job(services, j).status in ("done", "failed") for j in (broken.job_id, good.job_id)),
              600, "both jobs")
        assert worker.poll() is None  # still running
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.communicate(timeout=30)
    assert worker.returncode == 0  # a graceful stop
    failed, done = _job(services, broken.job_id), _job(services, good.job_id)
    assert failed.status == "failed" and failed.error_code == "corrupt_image" and failed.attempts == 1
    assert "hỏng" in failed.error
    assert done.status == "done"
