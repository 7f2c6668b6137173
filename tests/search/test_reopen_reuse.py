"""A searcher reopened after a commit takes over the segments that did not change.

After each commit every server thread reopens its searcher; opening every segment's terms
table again was 6-7 % of a web process's time in ``bench/load.py``'s mix. A segment's files
never change and its deletions only grow, so an unchanged segment (same id, same number of
deletions) keeps its open reader and what was loaded for it; a new segment, or one with new
deletions, is opened anew. What must hold: the answers are those of a searcher opened from
nothing, after additions, replacements (deletions in an old segment), deletions and merges;
readers no longer used are closed, taken-over ones are not.

Inputs tried: a commit adding a segment; a replacement deleting a page of an old segment;
a deletion; an optimize merging every segment into one (nothing to take over); a reopen
failing on a damaged table of contents (the old searcher's readers are all closed).
"""

from __future__ import annotations

import os

import pytest

from search import SearchIndex
from search.errors import IndexUnavailable
from search.segment import STORED
from tests.search.conftest import EVERYTHING, fetcher, ids, page


def _index(tmp_path) -> SearchIndex:
    idx = SearchIndex(str(tmp_path / "idx"))
    pages = [page(i, 1, f"kế hoạch tiêm chủng đợt {i} xã Hòa Bình", title=f"Kế hoạch {i}") for i in range(1, 41)]
    idx.rebuild("document", fetcher(pages, lambda r: (r.doc_id, r.page)), procs=1)
    return idx


def _answers(idx, query):
    got = idx.search(query, EVERYTHING, kind="document", per_page=50)
    return got.total, sorted(ids(got)), [h.highlights for h in sorted(got.hits, key=lambda h: h.id)]


def _fresh_answers(idx, query):
    """The same query on a new SearchIndex over the same folder: nothing taken over."""
    return _answers(SearchIndex(idx.root), query)


def _leaves(ks):
    return {seg.segment_id: seg.reader for seg in ks.segments}


def test_an_added_segment_is_opened_and_the_others_taken_over(tmp_path):
    idx = _index(tmp_path)
    before = idx.searcher("document")
    assert idx.search("tiêm chủng", EVERYTHING, kind="document").total == 40
    old = _leaves(before)
    idx.update([page(100, 1, "kế hoạch tiêm chủng bổ sung", title="Kế hoạch bổ sung")])
    after = idx.searcher("document")
    assert after is not before
    new = _leaves(after)
    kept = set(old) & set(new)
    assert kept, "the unchanged segment is still there"
    for seg_id in kept:
        assert new[seg_id] is old[seg_id] and not new[seg_id].is_closed
    assert len(new) == len(old) + 1
    assert _answers(idx, "tiêm chủng") == _fresh_answers(idx, "tiêm chủng")
    assert 100 in ids(idx.search("bổ sung", EVERYTHING, kind="document"))


def test_a_segment_with_new_deletions_is_opened_again(tmp_path):
    idx = _index(tmp_path)
    before = _leaves(idx.searcher("document"))
    assert 7 in ids(idx.search("đợt 7", EVERYTHING, kind="document"))
    # Replacing page 7 deletes it in the old segment: that segment must not be taken over.
    idx.update([page(7, 1, "văn bản đã thay thế", title="Thay thế")])
    after = _leaves(idx.searcher("document"))
    for seg_id, reader in before.items():
        if seg_id in after:
            assert after[seg_id] is not reader, "deletions changed: a new reader"
        assert reader.is_closed
    assert 7 not in ids(idx.search("đợt 7", EVERYTHING, kind="document"))
    assert ids(idx.search("thay thế", EVERYTHING, kind="document")) == [7]
    idx.delete("document", [3])
    assert 3 not in ids(idx.search("tiêm chủng", EVERYTHING, kind="document", per_page=50))
    assert _answers(idx, "kế hoạch") == _fresh_answers(idx, "kế hoạch")


def test_merged_segments_are_closed_and_answers_unchanged(tmp_path):
    idx = _index(tmp_path)
    for i in range(3):
        idx.update([page(200 + i, 1, f"thông báo tiêm chủng lần {i}", title="Thông báo")])
    expected = _answers(idx, "tiêm chủng")
    before = _leaves(idx.searcher("document"))
    assert len(before) >= 2
    idx.optimize("document")
    after = _leaves(idx.searcher("document"))
    assert len(after) == 1 and not set(after) & set(before)
    assert all(r.is_closed for r in before.values())
    assert _answers(idx, "tiêm chủng") == expected


def test_stored_values_are_those_of_the_segment_they_were_read_from(tmp_path):
    idx = _index(tmp_path)
    assert idx.search("đợt 5", EVERYTHING, kind="document").hits[0].title == "Kế hoạch 5"
    idx.update([page(5, 1, "kế hoạch tiêm chủng đợt 5 đã sửa", title="Kế hoạch 5 (sửa)")])
    assert idx.search("đợt 5", EVERYTHING, kind="document").hits[0].title == "Kế hoạch 5 (sửa)"
    assert any(key[0] is not None for key in list(STORED._items))


def test_a_failed_reopen_closes_the_old_readers(tmp_path):
    idx = _index(tmp_path)
    before = _leaves(idx.searcher("document"))
    folder = idx.path("document")
    for name in os.listdir(folder):
        if name.endswith(".toc"):
            with open(os.path.join(folder, name), "wb") as fh:
                fh.write(b"not a table of contents")
    os.utime(folder, ns=(1, 1))  # a new commit token: the thread reopens
    with pytest.raises(IndexUnavailable):
        idx.searcher("document")
    assert all(r.is_closed for r in before.values())
