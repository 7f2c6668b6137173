"""Warming an index at start: the posting lists of the most frequent words are decoded
into the process's cache before the first search asks for them, within the budget."""

from __future__ import annotations

from datetime import date, timedelta

from search import SearchIndex
from search.segment import HOT, HOT_MIN

from tests.search.conftest import EVERYTHING, fetcher, page


def _hot_words(idx, kind):
    seg_ids = {seg.segment_id for seg in idx.searcher(kind).segments}
    return {(field, word) for seg_id, field, word in list(HOT._items) if seg_id in seg_ids}


def _corpus(tmp_path):
    idx = SearchIndex(str(tmp_path / "idx"))
    start = date(2024, 1, 1)
    # "kế hoạch" on every page; "tiêm" on HOT_MIN + 50 of them; "vắcxin" on too few to cache.
    pages = [page(i, 1, " ".join(["Kế hoạch"] + ["tiêm"] * (i < HOT_MIN + 50)
                                 + ["vắcxin"] * (i < 40) + [f"mục{i}"]),
                  title="Kế hoạch tiêm chủng", issued_on=start + timedelta(days=i % 300))
             for i in range(1, HOT_MIN + 200)]
    idx.rebuild("document", fetcher(pages, lambda r: (r.doc_id, r.page), size=500), procs=1)
    return idx


def test_warm_prefetches_the_most_frequent_words_first(tmp_path):
    idx = _corpus(tmp_path)
    HOT._items.clear(), setattr(HOT, "used", 0)
    used = idx.warm(freeze_gc=False)
    hot = _hot_words(idx, "document")
    # Both forms of the common words of the body, and of the title.
    assert {("tx", "kế"), ("tx", "ke"), ("tx", "hoạch"), ("tx", "hoach"), ("tx", "tiêm"),
            ("tx", "tiem"), ("title", "tiêm"), ("title", "tiem")} <= hot
    assert not any(word in ("vắcxin", "vacxin") for field, word in hot)
    assert 0 < used <= HOT.budget


def test_the_budget_limits_the_prefetch_and_results_do_not_change(tmp_path):
    idx = _corpus(tmp_path)
    HOT._items.clear(), setattr(HOT, "used", 0)
    cold = idx.search("ngay:2024-01-01..2024-03-31 tiêm", EVERYTHING, kind="document")
    HOT._items.clear(), setattr(HOT, "used", 0)
    assert idx.warm(freeze_gc=False, prefetch_mb=0) == 0
    assert not _hot_words(idx, "document") - {("sec", "0")}
    HOT._items.clear(), setattr(HOT, "used", 0)
    idx.warm(freeze_gc=False)
    warm = idx.search("ngay:2024-01-01..2024-03-31 tiêm", EVERYTHING, kind="document")
    assert cold.total == warm.total > 0
    assert [h.id for h in cold.hits] == [h.id for h in warm.hits]


def test_warming_empty_kinds_is_harmless(tmp_path):
    idx = SearchIndex(str(tmp_path / "new"))
    for kind in ("document", "person"):  # a new install: nothing indexed yet
        idx.rebuild(kind, lambda after: [], procs=1)
        assert idx.searcher(kind).searcher.doc_count_all() == 0
    assert idx.warm(freeze_gc=False) == 0
    assert idx.search("Nguyễn", EVERYTHING).total == 0


def test_warming_with_one_kind_empty_still_prefetches_the_other(tmp_path):
    idx = _corpus(tmp_path)
    idx.rebuild("person", lambda after: [], procs=1)
    HOT._items.clear(), setattr(HOT, "used", 0)
    assert idx.warm(freeze_gc=False) > 0
    assert ("tx", "tiem") in _hot_words(idx, "document")
