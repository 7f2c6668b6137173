"""A worker on a host without the search index (``DOCSVC_INDEX_HERE=0``) leaves the documents
it reads to the index host (docsvc.finding.remote, archive.index_requests).

Tried: a document read there (not findable, one request recorded, none written to the
local index); the same document asked twice (one request); the index host's drain (the
document findable, the request gone); a real ``docsvc worker`` on the index host taking a
request on its own; a drain while the index cannot be written (the requests stay); a dead
worker's finished documents swept by a worker without the index (requests, no local index)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.index_requests import IndexRequest
from docsvc.access import system_principal
from docsvc.documents.submit import submit_stream
from docsvc.ops.cli_status import render_text
from docsvc.ops.status import system_status
from docsvc.finding.remote import drain_index_requests, pending_index_requests, request_indexing
from docsvc.worker import wait_for_jobs
from search import AccessScope, WriterBusy
from tests.app.inputs import text_pdf
from tests.backends import database_env
from tests.processes import stop_group, wait_for

ROOT = Path(__file__).resolve().parents[2]
WORD = "Quảngtrườngxanh"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "INDEX_HERE": False}  # this app is the worker host without the index


def _read_here(services, accounts) -> int:
    sub = submit_stream(services, io.BytesIO(text_pdf([f"Thông báo về {WORD} số 07/TB-UBND"])), "tb.pdf",
                        principal=accounts.system, unit_code="XA-A")
    wait_for_jobs(services, [sub.job_id], timeout=120)  # no worker alive: read in this process
    return sub.document_id


def _found(services) -> set[int]:
    return {h.id for h in services.search_index.search(WORD, AccessScope.everything()).hits}


def test_a_document_read_without_the_index_waits_for_the_index_host(services, accounts):
    assert services.settings.index_here is False
    doc_id = _read_here(services, accounts)
    assert _found(services) == set()
    assert pending_index_requests(services) == 1
    request_indexing(services, [doc_id], "again")  # asked twice: still one request
    assert pending_index_requests(services) == 1
    status = system_status(services, system_principal("test"))
    assert status.index.waiting == 1 and any("chờ máy chỉ mục: 1" in line for line in render_text(status))
    assert drain_index_requests(services) == 1      # what the index host's worker does
    assert _found(services) == {doc_id}
    assert pending_index_requests(services) == 0


def test_requests_stay_while_the_index_cannot_be_written(services, accounts, monkeypatch):
    doc_id = _read_here(services, accounts)

    def busy(records):
        raise WriterBusy("document")

    monkeypatch.setattr(services.search_index, "update", busy)
    with pytest.raises(WriterBusy):
        drain_index_requests(services)
    assert pending_index_requests(services) == 1
    monkeypatch.undo()
    assert drain_index_requests(services) == 1 and _found(services) == {doc_id}


def test_the_index_hosts_worker_takes_the_requests(services, accounts, app_config):
    doc_id = _read_here(services, accounts)
    env = {**os.environ, **database_env(app_config), "DOCSVC_DATA_DIR": str(app_config["DATA_DIR"]),
           "DOCSVC_SECRET_KEY": "test-secret", "DOCSVC_OCR_PROCESSES": "1", "OMP_THREAD_LIMIT": "1",
           "PYTHONPATH": str(ROOT), "DOCSVC_INDEX_HERE": "1"}
    worker = subprocess.Popen([sys.executable, "-m", "docsvc", "worker"], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(ROOT))
    try:
        wait_for(lambda: pending_index_requests(services) == 0, "the index host's worker taking the request")
    finally:
        stop_group(worker)
    assert _found(services) == {doc_id}
    with services.session_factory() as db:
        assert db.get(IndexRequest, doc_id) is None


def test_a_dead_workers_documents_go_to_the_index_host_too(services):
    """A live worker without the index sweeps a dead one: the documents that worker finished
    but may not have indexed become requests, not entries in a local index."""
    from datetime import datetime, timedelta, timezone

    from archive.models import Worker
    from docsvc.worker import index_after_dead_workers
    from tests.jobs.fakes import FakePipeline
    from tests.jobs.test_runner import job_row, make_job, runner

    now = datetime.now(timezone.utc)
    killed = make_job(services, pages=1)
    runner(services, FakePipeline(1), lambda: now - timedelta(seconds=40), "worker@c:13:cccccc").run(killed)
    with services.session_factory() as s:
        s.add(Worker(id="worker@c:13:cccccc", hostname="other-host", pid=1, started_at=now - timedelta(seconds=60),
                     last_seen=now - timedelta(seconds=30)))
        s.commit()
    doc_id = job_row(services, killed).document_id
    assert index_after_dead_workers(services) == [doc_id]
    with services.session_factory() as db:
        assert db.get(IndexRequest, doc_id) is not None
    assert services.search_index.status("document").docs == 0  # nothing written here
