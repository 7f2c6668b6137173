"""The process's shared search caches are sized by the settings ``index_cache_mb`` and
``index_stored_values`` (``DOCSVC_INDEX_CACHE_MB``, ``DOCSVC_INDEX_STORED_VALUES``), applied
when the services open the index; shrinking evicts the least recently used first, and 0
turns a cache off. Inputs tried: sizes from the environment, a shrink below what is held,
zero."""

from __future__ import annotations

from array import array

from docsvc.config import load_settings
from docsvc.services.container import build_services
from search.segment import HOT, STORED, configure


def test_the_settings_size_the_caches_and_a_shrink_evicts_the_oldest(tmp_path):
    budget, size = HOT.budget, STORED.size
    try:
        settings = load_settings({"data_dir": tmp_path / "var"},
                                 environ={"DOCSVC_INDEX_CACHE_MB": "1", "DOCSVC_INDEX_STORED_VALUES": "3"})
        assert (settings.index_cache_mb, settings.index_stored_values) == (1, 3)
        build_services(settings).search_index  # opening the index applies them
        assert HOT.budget == 1 << 20 and STORED.size == 3

        for n in range(5):
            STORED.put(("test-seg", "d", n), {"n": n})
        assert [k[2] for k in STORED._items if k[0] == "test-seg"] == [2, 3, 4]  # the oldest went

        quarter = array("i", range(60_000))  # 240 KB: under a quarter of the budget, so kept
        for n in range(5):
            HOT.put(("test-seg", "body", f"w{n}"), quarter, None)
        kept = [k[2] for k in HOT._items if k[0] == "test-seg"]
        assert kept == ["w1", "w2", "w3", "w4"] and HOT.used <= HOT.budget

        configure(0, 0)  # both off: everything goes, nothing is kept
        STORED.put(("test-seg", "d", 9), {"n": 9})
        HOT.put(("test-seg", "body", "w9"), quarter, None)
        assert not any(k[0] == "test-seg" for k in STORED._items)
        assert not any(k[0] == "test-seg" for k in HOT._items) and HOT.used == 0
    finally:
        configure(budget >> 20, size)
