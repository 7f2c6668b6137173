"""The index's life cycle: detecting a missing or corrupt index, rebuilding it from a
source (in chunks, resumable), checking it against the source, incremental writes
through one locked writer, and the status the application shows meanwhile."""

import os
import shutil
import threading
from dataclasses import replace

import pytest

from search import (IndexCorrupt, IndexMissing, IndexOutdated, IndexRebuilding,
                    RebuildRunning, SearchIndex, WriterBusy)
from search import kinds as K
from search.locks import file_lock

from .conftest import EVERYTHING, fetcher, ids, page, pages, people, person

BY_ENTRY = lambda r: (r.entry_id,)  # noqa: E731
BY_PAGE = lambda r: (r.doc_id, r.page)  # noqa: E731


def test_missing_index_is_reported_and_rebuilt(tmp_path):
    idx = SearchIndex(str(tmp_path))
    assert idx.status("person").state == "missing"
    with pytest.raises(IndexMissing) as exc:
        idx.search("hùng", EVERYTHING)
    assert exc.value.state == "missing" and exc.value.kind in ("person", "document")
    idx.rebuild("person", fetcher(people(), BY_ENTRY), procs=1)
    idx.rebuild("document", fetcher(pages(), BY_PAGE), procs=1)
    assert idx.status("person").state == "ok"
    assert idx.status("person").docs == len(people())
    assert ids(idx.search("Nguyễn Văn Hùng 12/03/1985", EVERYTHING)) == [1]


def test_deleted_index_directory_is_detected(fresh_index):
    idx = fresh_index
    idx.search("hùng", EVERYTHING)                      # opens and caches a searcher
    shutil.rmtree(idx.path("person"))
    assert idx.status("person").state == "missing"
    with pytest.raises(IndexMissing):
        idx.search("hùng", EVERYTHING, kind="person")
    idx.rebuild("person", fetcher(people(), BY_ENTRY), procs=1)
    assert sorted(ids(idx.search("hùng", EVERYTHING, kind="person"))) == [1, 2, 3, 4]


@pytest.mark.parametrize("damage", ["toc", "segment", "meta"])
def test_corrupt_index_is_detected_and_rebuilt(fresh_index, damage):
    idx = fresh_index
    path = idx.path("document")
    files = sorted(os.listdir(path))
    if damage == "toc":
        victim = next(f for f in files if f.endswith(".toc"))
    elif damage == "segment":
        victim = next(f for f in files if f.endswith((".seg", ".trm")))
    else:
        victim = "kind.json"
    with open(os.path.join(path, victim), "r+b") as f:
        f.truncate(max(0, os.path.getsize(os.path.join(path, victim)) // 3))
        f.seek(0)
        f.write(b"\xff\x00garbage")
    status = idx.status("document")
    assert status.state == "corrupt" and status.detail
    with pytest.raises(IndexCorrupt):
        idx.search("số hóa", EVERYTHING, kind="document")
    idx.rebuild("document", fetcher(pages(), BY_PAGE), procs=1)
    assert idx.status("document").state == "ok"
    assert 11 in ids(idx.search("số hóa", EVERYTHING, kind="document"))


def test_outdated_schema_version(fresh_index, monkeypatch):
    monkeypatch.setitem(K.KINDS, "person", replace(K.PERSON, version=K.PERSON.version + 1))
    assert fresh_index.status("person").state == "outdated"
    with pytest.raises(IndexOutdated):
        fresh_index.search("hùng", EVERYTHING, kind="person")


def test_interrupted_rebuild_resumes_without_duplicates(tmp_path):
    idx = SearchIndex(str(tmp_path))
    records = people()
    fetch = fetcher(records, BY_ENTRY, size=40)
    calls = {"n": 0}

    def flaky(after):
        calls["n"] += 1
        if calls["n"] == 4:          # after three chunks (two commits of 50 + pending)
            raise ConnectionError("database went away")
        return fetch(after)

    with pytest.raises(ConnectionError):
        idx.rebuild("person", flaky, procs=1, commit_every=50)
    status = idx.status("person")
    assert status.state == "missing" and status.progress["count"] == 80
    report = idx.rebuild("person", fetch, procs=1, commit_every=50)
    assert report.resumed and report.total == len(records)
    assert report.records == len(records) - 80
    assert idx.status("person").docs == len(records)
    assert idx.check("person", [(r.entry_id, r.version) for r in records]).ok


def test_commit_after_checkpoint_is_not_duplicated(tmp_path, monkeypatch):
    # A crash between a commit and the checkpoint write: resume drops the extra docs.
    import search.rebuild as R
    idx = SearchIndex(str(tmp_path))
    records = people()
    real = R._write_checkpoint
    writes = {"n": 0}

    def crash_on_second(build_dir, data):
        writes["n"] += 1
        if writes["n"] == 3:          # creation, first commit, then crash at the second
            raise KeyboardInterrupt
        real(build_dir, data)

    monkeypatch.setattr(R, "_write_checkpoint", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        idx.rebuild("person", fetcher(records, BY_ENTRY, size=50), procs=1, commit_every=50)
    monkeypatch.setattr(R, "_write_checkpoint", real)
    report = idx.rebuild("person", fetcher(records, BY_ENTRY, size=50), procs=1,
                         commit_every=50)
    assert report.resumed
    assert idx.status("person").docs == len(records)


def test_rebuild_in_parallel_matches_serial(tmp_path):
    a = SearchIndex(str(tmp_path / "a"))
    b = SearchIndex(str(tmp_path / "b"))
    a.rebuild("person", fetcher(people(), BY_ENTRY), procs=1)
    b.rebuild("person", fetcher(people(), BY_ENTRY), procs=2, commit_every=120)
    for q in ("hung", "Nguyễn Văn Hùng", "Trần Thị", "12/03/1985"):
        ra, rb = a.search(q, EVERYTHING, kind="person"), b.search(q, EVERYTHING, kind="person")
        assert ra.total == rb.total and sorted(ids(ra)) == sorted(ids(rb)), q


def test_live_index_stays_searchable_during_a_rebuild(fresh_index):
    idx = fresh_index
    seen = {}

    def fetch(after):
        if after is None:  # mid-rebuild: the old index still answers
            st = idx.status("person")
            seen["state"], seen["rebuilding"] = st.state, st.rebuilding
            seen["hits"] = ids(SearchIndex(idx.root).search("hùng", EVERYTHING, kind="person"))
        return fetcher(people(), BY_ENTRY)(after)

    idx.rebuild("person", fetch, procs=1)
    assert seen == {"state": "ok", "rebuilding": True, "hits": seen["hits"]} and seen["hits"]


def test_status_says_rebuilding_when_there_is_no_index_yet(tmp_path):
    idx = SearchIndex(str(tmp_path))
    with file_lock(idx.build_lock_path("person"), timeout=1):
        other = SearchIndex(str(tmp_path))
        assert other.status("person").state == "rebuilding"
        with pytest.raises(IndexRebuilding) as exc:
            other.search("hùng", EVERYTHING, kind="person")
        assert "thử lại" in exc.value.message
        with pytest.raises(RebuildRunning):
            other.rebuild("person", fetcher(people(), BY_ENTRY), procs=1)


def test_check_reports_missing_stale_and_extra_then_repairs(fresh_index):
    idx = fresh_index
    records = {r.entry_id: r for r in people()}
    idx.delete("person", [2])                                     # missing
    idx.update([replace(records[5], version="old")])              # stale
    idx.update([person(999, "Ma Văn Thừa")])                      # extra
    expected = [(i, r.version) for i, r in records.items()]
    report = idx.check("person", expected)
    assert (report.missing, report.stale, report.extra) == ([2], [5], [999])
    assert report.checked == len(records)
    fixed = idx.repair(report, lambda wanted: [records[i] for i in wanted if i in records])
    assert fixed == 3
    assert idx.check("person", expected).ok


def test_check_documents_by_document(fresh_index):
    idx = fresh_index
    expected = {}
    for p in pages():
        expected[p.doc_id] = p.version
    expected[10] = "2"                                        # the database moved on
    expected[500] = "1"                                       # not indexed yet
    del expected[13]                                          # deleted in the database
    report = idx.check("document", expected.items())
    assert (report.missing, report.stale, report.extra) == ([500], [10], [13])


def test_update_replaces_every_page_of_a_document(fresh_index):
    idx = fresh_index
    assert {h.page for h in idx.search("135/KH-UBND", EVERYTHING).hits} == {1, 2}
    new = page(10, 1, "Bản sửa đổi: chuyển đổi số, một trang.", title="Kế hoạch sửa đổi",
               number=135, symbol="KH-UBND", doc_type="Kế hoạch", version="2")
    idx.update([new])
    hits = idx.search("135/KH-UBND", EVERYTHING).hits
    assert [(h.id, h.page) for h in hits] == [(10, 1)]
    assert "sửa đổi" in hits[0].title
    assert idx.search('"phòng cháy chữa cháy"', EVERYTHING).total == 0  # page 2 gone
    idx.delete("document", [10])
    assert idx.search("135/KH-UBND", EVERYTHING).total == 0


def test_many_small_updates_merge_and_stay_correct(fresh_index):
    idx = fresh_index
    for i in range(12):
        idx.update([person(1000 + i, f"Hồ Văn Mười {i}")])
    assert idx.search("Hồ Văn Mười", EVERYTHING).total == 12
    segments = len(idx.searcher("person").segments)
    assert segments < 12                        # small segments were merged
    assert idx.check("person", [(r.entry_id, r.version) for r in people()]
                     + [(1000 + i, "1") for i in range(12)]).ok


def test_concurrent_writers_wait_for_each_other(fresh_index):
    idx = fresh_index
    errors = []

    def write(base):
        try:
            for i in range(5):
                SearchIndex(idx.root).update([person(base + i, f"Lý Văn Song {base + i}")])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(b,)) for b in (2000, 3000, 4000)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert idx.search("Lý Văn Song", EVERYTHING).total == 15


def test_writer_gives_up_after_the_timeout(fresh_index):
    idx = SearchIndex(fresh_index.root, lock_timeout=0.3)
    with file_lock(idx.lock_path("person"), timeout=1):
        done = []
        t = threading.Thread(target=lambda: done.append(
            pytest.raises(WriterBusy, idx.update, [person(5000, "Chờ Văn Khóa")])))
        t.start()
        t.join()
    assert done
    idx.update([person(5000, "Chờ Văn Khóa")])
    assert idx.search("Chờ Văn Khóa", EVERYTHING).total == 1


def test_writes_during_a_rebuild_are_refetched(fresh_index):
    idx = fresh_index
    records = {r.entry_id: r for r in people()}
    changed = replace(records[6], full_name="Lê Văn Khang", version="2")

    def fetch(after):
        chunk = fetcher(list(records.values()), BY_ENTRY)(after)
        if after is None:
            # The database changes entry 6 after the rebuild read it; the app tells
            # the index, which also journals the id for the rebuild.
            records[6] = changed
            idx.update([changed])
        return chunk

    report = idx.rebuild("person", fetch, procs=1,
                         refetch=lambda wanted: [records[i] for i in wanted])
    assert report.touched == [6]
    assert ids(idx.search("Lê Văn Khang", EVERYTHING)) == [6]
    assert idx.check("person", [(i, r.version) for i, r in records.items()]).ok
