"""The blob store keeps bytes by SHA-256, writes atomically, and never rewrites a blob.

Inputs tried: the same bytes twice; a stream over the size limit; an invalid address;
a staging file left by a crash."""

from __future__ import annotations

import hashlib
import io
import os
import stat

import pytest

from archive.blobstore import BlobNotFound, BlobStore, BlobTooLarge


@pytest.fixture
def store(tmp_path):
    return BlobStore(tmp_path / "blobs")


def test_put_addresses_by_sha256_and_is_idempotent(store):
    data = "Quyết định số 135/QĐ-UBND".encode()
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    path = store.path(sha)
    assert path == store.root / sha[:2] / sha[2:4] / sha
    assert store.read(sha) == data
    mtime = path.stat().st_mtime_ns
    assert store.put(data) == sha
    assert path.stat().st_mtime_ns == mtime  # not rewritten
    assert not stat.S_IMODE(path.stat().st_mode) & 0o222  # read-only
    assert list(store.iter_shas()) == [sha]


def test_stage_then_commit_moves_the_file_into_place(store):
    staged = store.stage(io.BytesIO(b"x" * 3_000_000))
    assert staged.size == 3_000_000 and staged.path.exists()
    final = store.commit(staged)
    assert final.exists() and not staged.path.exists()
    assert store.hash_of(staged.sha256) == staged.sha256
    # committing the same bytes again drops the new copy
    again = store.stage(io.BytesIO(b"x" * 3_000_000))
    assert store.commit(again) == final and not again.path.exists()
    assert list((store.root / "tmp").iterdir()) == []


def test_a_stream_over_the_limit_leaves_nothing_behind(store):
    with pytest.raises(BlobTooLarge):
        store.stage(io.BytesIO(b"y" * 5000), max_bytes=4096)
    assert list((store.root / "tmp").iterdir()) == []


def test_bad_addresses_and_missing_blobs(store):
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")
    with pytest.raises(BlobNotFound):
        store.read("0" * 64)


def test_old_staging_files_are_cleaned(store):
    leftover = store.root / "tmp" / "stage-crashed"
    leftover.write_bytes(b"partial")
    os.utime(leftover, (1, 1))
    assert store.clean_tmp(older_than_seconds=60) == 1
    assert not leftover.exists()
