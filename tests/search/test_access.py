"""Access scope is enforced inside the query: what a user may not see is absent from
hits, totals, facet counts, pages and suggestions alike."""

from search import AccessScope

from .conftest import EVERYTHING, ids

CLERK = AccessScope(kinds=frozenset({"document", "person"}), max_secrecy=0)
VP_ONLY = AccessScope(kinds=frozenset({"document"}), max_secrecy=3, unit_ids=frozenset({1}))


def test_secret_record_absent_everywhere(shared_index):
    open_ = shared_index.search("chuyển đổi số", EVERYTHING)
    closed = shared_index.search("chuyển đổi số", CLERK)
    assert 12 in ids(open_) and 12 not in ids(closed)
    assert closed.total == open_.total - 1
    assert sum(closed.facets["type"].values()) == closed.total
    assert "Báo cáo" in open_.facets["type"] and "Báo cáo" not in closed.facets["type"]
    # A secret person (Tối mật) needs clearance 2.
    assert 8 not in ids(shared_index.search("Vũ Thị Secret", CLERK))
    cleared = AccessScope(kinds=frozenset({"person"}), max_secrecy=2)
    assert ids(shared_index.search("Vũ Thị Secret", cleared)) == [8]


def test_other_units_and_unitless_records_absent(shared_index):
    r = shared_index.search("số hóa hộ tịch", VP_ONLY, per_page=100)
    assert 11 not in ids(r)                       # unit PKT
    assert all(h.extra["unit"] == "VP" for h in r.hits)
    assert set(r.facets["unit"]) <= {"VP"}
    everything = shared_index.search("cháy", EVERYTHING)
    limited = shared_index.search("cháy", VP_ONLY)
    assert 14 in ids(everything) and 14 not in ids(limited)   # no unit at all
    assert limited.total < everything.total


def test_unit_scope_on_persons(shared_index):
    tp = AccessScope(kinds=frozenset({"person"}), max_secrecy=0, unit_ids=frozenset({4}))
    r = shared_index.search("hung", tp, per_page=100)
    assert 3 not in ids(r)                         # registered by unit 5
    assert 9 not in ids(shared_index.search("Nguyễn Thị Hương", tp))   # no unit


def test_kinds_not_allowed_are_not_searched(shared_index):
    docs_only = AccessScope(kinds=frozenset({"document"}), max_secrecy=3)
    r = shared_index.search("Nguyễn Văn Hùng", docs_only)
    assert all(h.kind == "document" for h in r.hits)
    assert "person" not in r.facets["kind"]
    assert shared_index.search("Hùng", docs_only, kind="person").total == 0


def test_paging_is_consistent_with_the_scope(shared_index):
    seen = []
    for page in (1, 2, 3):
        r = shared_index.search("thông báo", CLERK, per_page=10, page=page)
        seen += [(h.id, h.page) for h in r.hits]
    total = shared_index.search("thông báo", CLERK).total
    assert len(seen) == len(set(seen)) == min(total, 30)


def test_suggestions_respect_the_scope(shared_index):
    assert "Vũ Thị Secret" in [s.text for s in shared_index.suggest("vu thi s", EVERYTHING)]
    assert shared_index.suggest("vu thi s", CLERK) == []
    assert [s.text for s in shared_index.suggest("03/BC", EVERYTHING)] == ["03/BC-UBND"]
    assert shared_index.suggest("03/BC", CLERK) == []
    pkt_hidden = [s.text for s in shared_index.suggest("12/", VP_ONLY)]
    assert "12/QĐ-UBND" not in pkt_hidden
