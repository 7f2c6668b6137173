"""Every new blob copied to the replica as it is written (archive.blobreplica), through the
real upload path; a replica that cannot be written loses nothing.

Tried: an upload through the use case (the original in both places, byte for byte, hashing
to its name); the same bytes again (no second write); a replica path that is a file, not a
folder (the upload still succeeds, the failure is logged, ``fixity --replicate`` copies the
blob once the replica is back)."""

from __future__ import annotations

import hashlib
import io
import logging

import pytest

from archive.blobreplica import ReplicatingStore
from docsvc.documents.submit import submit_stream
from tests.app.inputs import text_pdf


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "BLOB_REPLICA": str(tmp_path / "replica")}


def _replica_file(tmp_path, sha):
    return tmp_path / "replica" / sha[:2] / sha[2:4] / sha


def test_an_upload_is_in_the_replica_at_once(services, accounts, tmp_path):
    assert isinstance(services.blobs, ReplicatingStore)
    pdf = text_pdf(["Quyết định số 12/QĐ-UBND về việc sáp nhập thôn"])
    sub = submit_stream(services, io.BytesIO(pdf), "qd.pdf", principal=accounts.system, unit_code="XA-A")
    sha = hashlib.sha256(pdf).hexdigest()
    assert sub.document_id and _replica_file(tmp_path, sha).read_bytes() == pdf
    assert services.blobs.path(sha).read_bytes() == pdf
    copied = services.blobs.copied
    services.blobs.put(pdf)  # the same bytes again: nothing more written
    assert services.blobs.copied == copied


def test_an_unwritable_replica_loses_nothing(services, accounts, tmp_path, caplog):
    from archive.fixity_runs import replicate

    (tmp_path / "replica").write_text("not a folder")
    pdf = text_pdf(["Biên bản kiểm tra sổ hộ tịch năm 1975"])
    sha = hashlib.sha256(pdf).hexdigest()
    with caplog.at_level(logging.WARNING, logger="archive.blobreplica"):
        sub = submit_stream(services, io.BytesIO(pdf), "bb.pdf", principal=accounts.system, unit_code="XA-A")
    assert sub.document_id and services.blobs.path(sha).read_bytes() == pdf  # the store has it
    assert services.blobs.failed >= 1 and "fixity --replicate" in caplog.text
    (tmp_path / "replica").unlink()  # the replica back, empty
    (tmp_path / "replica").mkdir()
    out = replicate(services.session_factory, services.blobs, tmp_path / "replica")
    assert out["skipped"] == [] and out["copied"] >= 1
    assert _replica_file(tmp_path, sha).read_bytes() == pdf
