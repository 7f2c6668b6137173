"""``docsvc status``, ``/admin/status`` and their use case ``system_status`` on a real
installation (SQLite, and PostgreSQL for the use case), with real jobs, a real worker
process, real audit records and real files.

Bad inputs and failures tried: an installation with nothing yet (no backup, no fixity run:
"chưa có", and both named as problems); a failed job; a job queued with no worker alive
(the queue backend's own count, and "no_worker"); the Redis queue unreachable (the rest of
the status still answers, the queue says why); an index kind removed on disk (needs a
rebuild); a page indexed but missing from the index (out of step); a clerk, a viewer and an
anonymous visitor asking (refused: use case, command and page).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from archive.models import Job
from docsvc.access import system_principal
from docsvc.documents.submit import submit_stream
from docsvc.ops.status import system_status
from docsvc.services.audit import PermissionDenied, record_now
from docsvc.worker import job_slots, live_workers, wait_for_jobs
from tests.app.inputs import text_pdf
from tests.backends import backend_fixture, database_env
from tests.conftest import login
from tests.processes import stop_group

ROOT = Path(__file__).resolve().parents[2]
backend = backend_fixture("ops", index=True)


def _upload(services, lines, name="tb.pdf"):
    return submit_stream(services, io.BytesIO(text_pdf(lines)), name, principal=system_principal("test"),
                         unit_code="UBND")


def test_status_of_a_working_installation(backend):
    """On SQLite and PostgreSQL: counts from the job table, the index against the database,
    the latest backup and fixity records, the database's own size."""
    services, admin = backend, system_principal("test")
    empty = system_status(services, admin)
    assert empty.last_backup is None and empty.last_fixity is None
    assert {"no_backup", "no_fixity_run"} <= set(empty.problems)
    assert (empty.queue.queued, empty.queue.running, empty.queue.failed) == (0, 0, 0)

    done = _upload(services, ["Thông báo số 01/TB-UBND", "Lịch tiếp công dân tháng 3"])
    wait_for_jobs(services, [done.job_id], timeout=300)
    waiting = _upload(services, ["Kế hoạch số 02/KH-UBND"], "kh.pdf")
    broken = _upload(services, ["Công văn số 03/UBND"], "cv.pdf")
    with services.session_factory() as db:  # as the job runner leaves a job that failed for good
        db.execute(update(Job).where(Job.id == broken.job_id).values(status="failed", error="hỏng"))
        db.commit()
    record_now(services, admin, "system.backup", details={"out": "/srv/sao-luu/1", "blobs": 1})
    record_now(services, admin, "system.fixity_run", details={"checked": 3, "ok": 3})
    record_now(services, admin, "system.backup", details={"out": "/srv/sao-luu/2", "blobs": 2})

    status = system_status(services, admin)
    assert (status.queue.queued, status.queue.running, status.queue.failed, status.queue.due) == (1, 0, 1, 1)
    assert status.queue.backend == "sqlite" and status.queue.backend_pending >= 1  # Huey's own messages
    assert status.workers == []
    assert {"no_worker", "failed_jobs"} <= set(status.problems)
    assert "no_backup" not in status.problems and "no_fixity_run" not in status.problems
    assert status.last_backup.details["out"] == "/srv/sao-luu/2"  # the latest one
    assert status.last_fixity.details == {"checked": 3, "ok": 3} and status.last_fixity.actor == "system:test"
    kinds = {k.kind: k for k in status.index.kinds}
    assert status.index.documents_done == 1
    assert kinds["document"].state == "ok" and kinds["document"].indexed == kinds["document"].expected == 1
    assert kinds["document"].in_step and kinds["person"].in_step and status.index.needs_rebuild == []
    disk = status.disk
    assert disk.blobs_count >= 3 and disk.blobs_bytes >= 3 * 500
    assert disk.database_bytes > 100_000 and disk.index_bytes > 0
    assert 0 < disk.free_bytes <= disk.total_bytes
    as_json = json.loads(json.dumps(status.as_dict()))
    assert as_json["queue"]["queued"] == 1 and as_json["last_backup"]["seq"] == status.last_backup.seq
    assert as_json["index"]["kinds"][0]["in_step"] is True
    assert waiting.job_id  # still queued: no worker ran it


def test_index_out_of_step_and_needing_a_rebuild(services):
    admin = system_principal("test")
    done = _upload(services, ["Thông báo số 04/TB-UBND"])
    wait_for_jobs(services, [done.job_id], timeout=300)
    services.search_index.delete("document", [done.document_id])  # a write the index missed
    status = system_status(services, admin)
    document = next(k for k in status.index.kinds if k.kind == "document")
    assert (document.indexed, document.expected, document.in_step) == (0, 1, False)
    assert "index_out_of_step" in status.problems
    shutil.rmtree(services.search_index.path("person"))  # a kind gone from the disk
    status = system_status(services, admin)
    assert status.index.needs_rebuild == ["person"] and "index_needs_rebuild" in status.problems
    person = next(k for k in status.index.kinds if k.kind == "person")
    assert person.state == "missing" and not person.in_step


def test_an_unreachable_queue_is_named_and_the_rest_still_answers(app_config):
    from archive.migrate import upgrade
    from docsvc import create_app

    app = create_app({**app_config, "QUEUE_URL": "redis://127.0.0.1:1/0"}, web=False)
    services = app.extensions["docsvc"]
    upgrade(services.engine)
    try:
        status = system_status(services, system_principal("test"))
    finally:
        services.close()
    assert status.queue.backend == "redis" and status.queue.backend_pending is None
    assert "Connection" in status.queue.backend_error and "queue_unreachable" in status.problems
    assert status.disk.database_bytes > 0 and len(status.index.kinds) == 2


def test_only_those_allowed_see_the_status(services, accounts):
    accounts.user("vt", "clerk")
    accounts.user("ql", "admin")
    with pytest.raises(PermissionDenied):
        system_status(services, accounts.principal("vt"))
    assert system_status(services, accounts.principal("ql")).queue.queued == 0


def test_the_command_prints_text_and_json_and_refuses_others(app, services, accounts):
    runner = app.test_cli_runner()
    text = runner.invoke(args=["status"])
    assert text.exit_code == 0, text.output
    assert "Sao lưu gần nhất: chưa có" in text.output and "Kiểm tra toàn vẹn gần nhất: chưa có" in text.output
    assert "Worker đang chạy: 0" in text.output and "document: ok, 0/0 trang văn bản (khớp)" in text.output
    record_now(services, system_principal("test"), "system.fixity_run", details={"checked": 7})
    data = json.loads(runner.invoke(args=["status", "--json"]).output)
    assert data["last_backup"] is None and data["last_fixity"]["details"] == {"checked": 7}
    assert set(data) >= {"queue", "workers", "index", "last_backup", "last_fixity", "disk", "problems"}
    accounts.user("vt", "clerk")
    refused = runner.invoke(args=["status"], env={"DOCSVC_USER": "vt"})
    assert refused.exit_code == 1 and "system.status" in refused.output


def test_the_admin_page_and_its_tile(app, client, services, accounts):
    accounts.user("ql", "admin")
    accounts.user("vt", "clerk")
    assert client.get("/admin/status").status_code in (302, 303)  # anonymous: to sign in
    login(client, "vt", accounts.passwords["vt"])
    assert client.get("/admin/status").status_code == 403
    assert "/admin/status" not in client.get("/admin/").get_data(as_text=True)
    client = app.test_client()
    login(client, "ql", accounts.passwords["ql"])
    assert "/admin/status" in client.get("/admin/").get_data(as_text=True)
    record_now(services, system_principal("test"), "system.backup", details={"out": "/srv/sao-luu/7"})
    page = client.get("/admin/status")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tình trạng hệ thống" in html
    assert "/srv/sao-luu/7" in html.split('id="last-backup"')[1].split("</td>")[0]
    assert "chưa có" in html.split('id="last-fixity"')[1].split("</td>")[0]
    assert 'data-problem="no_fixity_run"' in html and 'data-problem="no_backup"' not in html


def test_a_live_worker_is_shown_with_its_slots(app_config, services, tmp_path):
    """A real ``docsvc worker`` process on the same data directory: it appears once its
    heartbeat row is written, with no job held and its own job slots (``--threads 3``, not the
    installation's 4), at the niceness ``DOCSVC_WORKER_NICE`` asks."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_THREAD_LIMIT": "1", **database_env(app_config), "DOCSVC_DATA_DIR": str(app_config["DATA_DIR"]),
           "DOCSVC_SECRET_KEY": "test-secret", "DOCSVC_OCR_PROCESSES": "2",
           "DOCSVC_INDEX_PROCS": "1", "DOCSVC_WORKER_NICE": "5"}
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen([sys.executable, "-m", "docsvc", "worker", "--threads", "3"], env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True, cwd=str(ROOT))
    try:
        deadline = time.monotonic() + 120
        while not live_workers(services):
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker never beat"
            time.sleep(0.2)
        status = system_status(services, system_principal("test"))
        niceness = int(Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    finally:
        stop_group(worker)
        log.close()
    (shown,) = status.workers
    assert shown.pid == worker.pid and shown.busy_slots == 0 and shown.slots == 3 and job_slots(services) == 4
    assert shown.seconds_since_seen < 60 and shown.last_seen >= shown.started_at
    assert niceness == min(19, os.nice(0) + 5)  # DOCSVC_WORKER_NICE: OCR yields to the web server
