"""Answers kept between identical searches (search.cache): served again only while the
index is as it was, never across scopes, never after a commit — even two commits in one
tick of the file system's clock."""

from __future__ import annotations

from search import AccessScope

from .conftest import EVERYTHING, ids, page


def test_the_same_search_is_answered_from_the_cache(fresh_index):
    first = fresh_index.search("quy hoạch", EVERYTHING)
    hits_before = fresh_index.results.hits
    again = fresh_index.search("quy hoạch", EVERYTHING)
    assert again is first
    assert fresh_index.results.hits == hits_before + 1


def test_a_commit_makes_the_kept_answer_unreachable(fresh_index):
    word = "xuongcaubenbo"
    assert fresh_index.search(word, EVERYTHING).total == 0
    # Several commits at once, each followed by the same search: each must see its page.
    for n in range(1, 6):
        fresh_index.update([page(9000 + n, 1, f"Báo cáo {word} số {n}", title=f"Báo cáo {n}")])
        result = fresh_index.search(word, EVERYTHING)
        assert result.total == n
        assert sorted(ids(result)) == [9000 + i for i in range(1, n + 1)]
    fresh_index.delete("document", [9001])
    assert sorted(ids(fresh_index.search(word, EVERYTHING))) == [9002, 9003, 9004, 9005]


def test_scopes_never_share_an_answer(fresh_index):
    fresh_index.update([page(9100, 1, "Kế hoạch phòng chống bão lụt", unit_id=1, unit="VP"),
                        page(9101, 1, "Kế hoạch phòng chống bão lụt", unit_id=2, unit="TP")])
    office = AccessScope(kinds=frozenset({"document"}), unit_ids=frozenset({1}))
    other = AccessScope(kinds=frozenset({"document"}), unit_ids=frozenset({2}))
    assert 9100 in set(ids(fresh_index.search("phòng chống bão lụt", office)))
    seen_by_other = set(ids(fresh_index.search("phòng chống bão lụt", other)))
    assert 9101 in seen_by_other and 9100 not in seen_by_other
    assert fresh_index.results.hits == 0  # two scopes: two answers worked out


def test_suggestions_are_kept_until_the_next_commit(fresh_index):
    word = "Vinhtrungdai"
    assert fresh_index.suggest(word[:6], EVERYTHING) == []
    fresh_index.update([page(9200, 1, f"Thông báo về {word} năm nay", title="Thông báo")])
    first = fresh_index.suggest(word[:6], EVERYTHING)
    assert any(word.casefold() in s.text.casefold() for s in first)
    hits = fresh_index.results.hits
    assert fresh_index.suggest(word[:6], EVERYTHING) == first
    assert fresh_index.results.hits == hits + 1
    fresh_index.delete("document", [9200])
    assert fresh_index.suggest(word[:6], EVERYTHING) == []
