"""Private data: the data directory and its folders are 0700, and every file the service
makes (database, queue, index, blobs, anchors, keys) is readable by its own account only.

Run through the real ``docsvc`` command in a child process started with the loose umask
022 that shells and unit files commonly have (the command must tighten it itself). Also
tried: a data directory an older install left at 0755 (``init`` tightens it), and the
blob store used directly under umask 022 (it sets its own modes)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from archive.blobstore import BlobStore
from tests.app.inputs import text_pdf

ROOT = Path(__file__).resolve().parents[2]


def docsvc(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSVC_")}
    env.update(PYTHONPATH=str(ROOT), OMP_THREAD_LIMIT="1", DOCSVC_DATA_DIR=str(data_dir),
               DOCSVC_INDEX_PROCS="1", DOCSVC_OCR_PROCESSES="1", DOCSVC_ADMIN_PASSWORD="pw-admin-123456")
    return subprocess.run([sys.executable, "-m", "docsvc", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600, preexec_fn=lambda: os.umask(0o022))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_and_ingest_leave_nothing_readable_by_others(tmp_path):
    data = tmp_path / "var"
    source = tmp_path / "ke-hoach.pdf"
    source.write_bytes(text_pdf(["Kế hoạch số 12/KH-UBND"]))
    os.chmod(source, 0o644)
    init = docsvc(data, "init")
    assert init.returncode == 0, init.stderr
    ingest = docsvc(data, "ingest", str(source), "--json")
    assert ingest.returncode == 0, ingest.stderr
    anchor = docsvc(data, "audit", "anchor")
    assert anchor.returncode == 0, anchor.stderr

    for folder in (data, data / "blobs", data / "index", data / "anchors"):
        assert mode(folder) == 0o700, folder
    blobs = [p for p in (data / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == 1 and mode(blobs[0]) == 0o400       # read-only, and for the owner only
    for name in ("docsvc.db", "audit_key", "secret_key", "anchors/anchors-*.log", "index/*/*"):
        assert list(data.glob(name)), name     # what is checked below exists
    open_to_others = sorted(str(p.relative_to(data)) for p in data.rglob("*") if mode(p) & 0o077)
    assert open_to_others == []


def test_init_tightens_a_data_directory_left_open(tmp_path):
    data = tmp_path / "var"
    (data / "blobs").mkdir(parents=True)
    os.chmod(data, 0o755)
    os.chmod(data / "blobs", 0o775)
    result = docsvc(data, "init")
    assert result.returncode == 0, result.stderr
    assert mode(data) == 0o700 and mode(data / "blobs") == 0o700
    assert "Đã giới hạn quyền thư mục" in result.stdout


def test_the_blob_store_sets_its_own_modes(tmp_path):
    old = os.umask(0o022)
    try:
        store = BlobStore(tmp_path / "store" / "blobs")
        sha = store.put(b"%PDF-1.4 private")
    finally:
        os.umask(old)
    path = store.path(sha)
    assert mode(path) == 0o400
    assert mode(tmp_path / "store") == 0o700 and mode(store.root) == 0o700
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
