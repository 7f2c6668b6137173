"""Whoosh's segment files are read in place (search.storage): a reader no longer holds a
private copy of every file it opens, and the file interface behaves as io.BytesIO.
Inputs tried: random reads, seeks from start/current/end, reads past the end, lines,
readinto, pickles, a bad whence and a negative position; a real index of 3,000 pages."""

from __future__ import annotations

import io
import os
import pickle
import random
import threading
from datetime import date, timedelta

import pytest
from whoosh.filedb import structfile

from search import SearchIndex
from search.storage import ViewFile

from tests.search.conftest import EVERYTHING, fetcher, page


def test_view_file_reads_like_bytesio():
    rng = random.Random(1)
    data = bytes(rng.getrandbits(8) for _ in range(5000)) + b"line one\nline two\n"
    a, b = io.BytesIO(data), ViewFile(memoryview(data))
    for _ in range(2000):
        op = rng.randrange(5)
        if op == 0:
            n = rng.choice([-1, 0, 1, 7, 300, 10_000])
            assert a.read(n) == b.read(n)
        elif op == 1:
            whence = rng.choice([os.SEEK_SET, os.SEEK_CUR, os.SEEK_END])
            off = rng.randrange(0, 6000) if whence == os.SEEK_SET else rng.randrange(-200, 50)
            if whence != os.SEEK_SET and a.tell() + off < 0 or whence == os.SEEK_END \
                    and len(data) + off < 0:
                continue
            assert a.seek(off, whence) == b.seek(off, whence)
        elif op == 2:
            assert a.readline() == b.readline()
        elif op == 3:
            n = rng.randrange(1, 64)
            buf_a, buf_b = bytearray(n), bytearray(n)
            assert a.readinto(buf_a) == b.readinto(buf_b) and buf_a == buf_b
        assert a.tell() == b.tell()
    f = ViewFile(memoryview(pickle.dumps({"x": [1, 2, 3]}, protocol=5)))
    assert pickle.load(f) == {"x": [1, 2, 3]}
    with pytest.raises(ValueError):
        f.seek(0, 7)
    with pytest.raises(ValueError):
        f.seek(-1)


def _index(tmp_path):
    idx = SearchIndex(str(tmp_path / "idx"))
    start = date(2024, 1, 1)
    words = ["kế hoạch", "triển khai", "ủy ban", "nhân dân", "phường", "báo cáo", "tiêm chủng"]
    rng = random.Random(2)
    pages = [page(i, 1, " ".join(rng.choice(words) for _ in range(150)) + f" mục{i}",
                  title="Kế hoạch", issued_on=start + timedelta(days=i % 300))
             for i in range(1, 3001)]
    idx.rebuild("document", fetcher(pages, lambda r: (r.doc_id, r.page), size=1000), procs=1)
    return idx


def _anonymous_kib() -> int:
    """Anonymous (private, not file-backed) memory of this process, from Linux."""
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            if line.startswith("Anonymous:"):
                return int(line.split()[1])
    raise AssertionError("no Anonymous: line in /proc/self/smaps_rollup")


def test_a_searcher_does_not_copy_the_segment_files(tmp_path):
    """Each server thread opens its own searcher: with Whoosh's BytesIO every one of
    them held a private copy of the index (anonymous memory the size of the files)."""
    idx = _index(tmp_path)
    on_disk = sum(os.path.getsize(os.path.join(idx.path("document"), f))
                  for f in os.listdir(idx.path("document")))
    assert on_disk > 4 << 20
    got = {}

    def open_searcher():
        idx.searcher("document")  # this thread's first: its allocator is set up
        other = SearchIndex(idx.root)
        before = _anonymous_kib()
        ks = other.searcher("document")  # a second one, the first still open
        got["grown"] = (_anonymous_kib() - before) * 1024
        got["files"] = [r._terms._postfile for r, _ in ks.searcher.reader().leaf_readers()]
        got["result"] = other.search("tiêm chủng", EVERYTHING, kind="document")

    t = threading.Thread(target=open_searcher)
    t.start()
    t.join()
    assert got["files"] and all(isinstance(f, structfile.BufferFile) and
                                isinstance(f.file, ViewFile) for f in got["files"])
    assert got["grown"] < on_disk / 4, (got["grown"], on_disk)
    r = got["result"]
    assert r.total > 2000 and r.hits[0].highlights
