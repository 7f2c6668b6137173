"""A corrected register entry is found by a former name, ranked below an entry whose
current name it is (issue 11 §5), against a real index.

The corpus is the shared hand-made one plus entries built so that the names collide:
one person is called Phạm Minh Khánh now, another was (renamed Phạm Minh Khôi), a third
has a mother of that name; one entry's name was corrected only in its diacritics
(Hung → Hùng), one had its name changed twice; one current name was keyed without
diacritics while another entry's former name has them. Bad inputs tried: the former
name typed exactly, without diacritics, with the other tone-mark placement (Hoà/Hòa),
in capitals, as surname + given name only, as the adjacent pair of its last words, as
its given name alone, as ``ten:`` fields; former names that are blank, whitespace, repeated, or the
same as the current name (ignored); a former name that differs from the current one
only in its diacritics (the entry is found once, by its current name); a correction
re-indexed over the old record (the old name then finds it as a former name); a secret
entry's former name searched without clearance.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from search import AccessScope, SearchIndex
from search.analyzer import fold, normalize

from .conftest import fetcher, people, person

PERSONS = AccessScope.everything(kinds=("person",))

CURRENT = 901        # Phạm Minh Khánh now
RENAMED = 90         # was Phạm Minh Khánh, now Phạm Minh Khôi (indexed first: a tie
#                      would rank it above every current-name match)
CHILD = 903          # mother Phạm Minh Khánh
ACCENTS = 904        # Nguyễn Văn Hung corrected to Nguyễn Văn Hùng
TWICE = 905          # Lê Thị Hoà → Lê Thị Thu → Lê Thị Thu Hà
NOISE = 906          # former names that are no names at all
SECRET = 907         # a secret entry with a former name
PLAIN = 908          # Do Van Nam, keyed without diacritics
WAS_NAM = 91         # was Đỗ Văn Nam, now Đỗ Văn Bắc


def corrected_people():
    extra = [
        person(CURRENT, "Phạm Minh Khánh", dob=date(1993, 1, 1)),
        replace(person(RENAMED, "Phạm Minh Khôi", dob=date(1992, 5, 5)),
                former_names=("Phạm Minh Khánh",)),
        person(CHILD, "Lê Văn Tý", dob=date(2015, 3, 3), related={"mother": "Phạm Minh Khánh"}),
        replace(person(ACCENTS, "Nguyễn Văn Hùng", dob=date(1961, 6, 1)),
                former_names=("Nguyễn Văn Hung",)),
        replace(person(TWICE, "Lê Thị Thu Hà", dob=date(1979, 9, 2)),
                former_names=("Lê Thị Hoà", "Lê Thị Thu")),
        replace(person(NOISE, "Đinh Công Tráng", dob=date(1980, 1, 1)),
                former_names=("", "   ", "Đinh Công Tráng", "Đinh  Công Tráng ")),
        replace(person(SECRET, "Vũ Thị Kín", dob=date(1999, 9, 9), secrecy=2),
                former_names=("Vũ Thị Xuyến",)),
        person(PLAIN, "Do Van Nam", dob=date(1970, 4, 4)),
        replace(person(WAS_NAM, "Đỗ Văn Bắc", dob=date(1971, 4, 4)), former_names=("Đỗ Văn Nam",)),
    ]
    return people() + extra


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> SearchIndex:
    idx = SearchIndex(str(tmp_path_factory.mktemp("former")))
    idx.rebuild("person", fetcher(corrected_people(), lambda r: (r.entry_id,)), procs=1)
    return idx


def ranked(idx, query, scope=PERSONS):
    return [h.id for h in idx.search(query, scope, per_page=100).hits]


def hit(idx, query, entry_id):
    return next(h for h in idx.search(query, PERSONS, per_page=100).hits if h.id == entry_id)


@pytest.mark.parametrize("query", ["pham minh khanh", "PHAM MINH KHANH"])
def test_former_whole_name_ranks_below_current_above_a_parent(index, query):
    order = ranked(index, query)
    assert order[:3] == [CURRENT, RENAMED, CHILD]


def test_typed_exactly_a_former_name_still_ranks_below_the_current_one(index):
    """Exactness weighs as it does for current names (a parent's exact match ranks
    above a person's own folded-only one), except that it never lifts a former name
    above a current one: not even above a current name keyed without diacritics."""
    assert ranked(index, "Phạm Minh Khánh")[:3] == [CURRENT, CHILD, RENAMED]
    assert ranked(index, "Đỗ Văn Nam")[:2] == [PLAIN, WAS_NAM]
    for query in ("Đỗ Nam", "Văn Nam", "Nam"):
        order = ranked(index, query)
        assert order.index(PLAIN) < order.index(WAS_NAM), query
    assert ranked(index, "do van nam")[:2] == [PLAIN, WAS_NAM]


@pytest.mark.parametrize("query", ['ten:"Phạm Minh Khánh"', 'ten:"pham minh khanh"'])
def test_name_field_is_the_persons_own_names_current_first(index, query):
    assert ranked(index, query) == [CURRENT, RENAMED]


@pytest.mark.parametrize("query", ["Phạm Khánh", "pham khanh", "Minh Khánh", "minh khanh",
                                   "Khánh", "khanh", "ten:khanh"])
def test_former_name_parts_rank_below_current_name_parts(index, query):
    """Surname + given name, the last pair, the given name alone: found, and after
    every entry whose current name has those words."""
    hits = index.search(query, PERSONS, per_page=100).hits
    order = [h.id for h in hits]
    assert RENAMED in order and CURRENT in order
    wanted = set(fold(normalize(query.removeprefix("ten:"))).split())
    by_current = [h.id for h in hits if wanted <= set(fold(normalize(h.title)).split())]
    assert CURRENT in by_current and RENAMED not in by_current
    assert max(order.index(i) for i in by_current) < order.index(RENAMED)


@pytest.mark.parametrize("query", ["Phạm Minh", "pham minh", "Phạm", "minh"])
def test_words_of_both_names_count_once(index, query):
    """The renamed entry's current name has these words, its former name too: it ranks
    as an entry that was never renamed does, not above it."""
    assert hit(index, query, RENAMED).score == hit(index, query, CURRENT).score


def test_hit_keeps_current_name_and_shows_the_former_one(index):
    h = hit(index, "pham minh khanh", RENAMED)
    assert h.title == "Phạm Minh Khôi"
    assert h.extra["former_names"] == ["Phạm Minh Khánh"]
    assert "tên cũ <mark>Phạm</mark> <mark>Minh</mark> <mark>Khánh</mark>" in h.highlights[0]
    data = h.as_dict()
    assert data["id"] == RENAMED and data["kind"] == "person"
    assert data["former_names"] == ["Phạm Minh Khánh"]
    # An entry never renamed says so with an empty list.
    assert hit(index, "pham minh khanh", CURRENT).as_dict()["former_names"] == []


def test_current_name_still_finds_the_renamed_entry_first(index):
    assert ranked(index, "Phạm Minh Khôi")[:1] == [RENAMED]
    assert ranked(index, "khoi")[:1] == [RENAMED]


@pytest.mark.parametrize("query", ["Lê Thị Hoà", "Lê Thị Hòa", "le thi hoa", "Lê Thị Thu",
                                   "le thi thu", "Lê Thị Thu Hà"])
def test_every_former_name_and_tone_mark_placement(index, query):
    assert TWICE in ranked(index, query)


def test_former_name_with_a_date_of_birth(index):
    assert ranked(index, "pham minh khanh 1992") == [RENAMED]
    assert ranked(index, "pham minh khanh 1993") == [CURRENT]


def test_diacritics_only_correction_is_found_once_by_the_current_name(index):
    """Hung → Hùng: the former name adds nothing to find (its folded form is the
    current one's), and typed exactly as the current name the entry ranks as before."""
    found = ranked(index, "Nguyễn Văn Hùng")
    assert found.count(ACCENTS) == 1
    assert found.index(1) < found.index(3)  # the shared corpus: exact above folded-only
    h = hit(index, "Nguyễn Văn Hùng", ACCENTS)
    assert h.title == "Nguyễn Văn Hùng" and h.extra["former_names"] == ["Nguyễn Văn Hung"]
    assert h.score == hit(index, "Nguyễn Văn Hùng", 1).score


def test_blank_repeated_and_current_former_names_are_ignored(index):
    h = hit(index, "Đinh Công Tráng", NOISE)
    assert h.extra["former_names"] == []
    assert "tên cũ" not in h.highlights[0]
    assert ranked(index, "dinh cong trang") == [NOISE]


def test_former_name_of_a_hidden_entry_stays_hidden(index):
    uncleared = AccessScope(kinds=frozenset({"person"}), max_secrecy=0)
    result = index.search("Vũ Thị Xuyến", uncleared)
    assert result.total == 0 and result.hits == []
    assert ranked(index, "Vũ Thị Xuyến") == [SECRET]


def test_a_correction_reindexed_keeps_the_old_name_findable(tmp_path):
    """The application re-indexes a corrected entry with its new name and the old one
    as a former name: the old name finds it, below whoever is called that now."""
    records = {r.entry_id: r for r in corrected_people()}
    idx = SearchIndex(str(tmp_path / "idx"))
    idx.rebuild("person", fetcher(list(records.values()), lambda r: (r.entry_id,)), procs=1)
    assert ranked(idx, "Lê Văn Tý") == [CHILD]
    fixed = replace(records[CHILD], full_name="Lê Văn Tỵ", former_names=("Lê Văn Tý",),
                    version="2")
    idx.update([fixed])
    assert ranked(idx, "Lê Văn Tỵ")[:1] == [CHILD]
    assert ranked(idx, "le van ty") == [CHILD]
    assert hit(idx, "Lê Văn Tý", CHILD).title == "Lê Văn Tỵ"
    other = person(950, "Lê Văn Tý", dob=date(2001, 1, 1))
    idx.update([other])
    assert ranked(idx, "Lê Văn Tý") == [950, CHILD]
    assert sorted(ranked(idx, "le van ty")) == [CHILD, 950]  # current names, folded alike
    records[CHILD], records[950] = fixed, other
    assert idx.check("person", [(i, r.version) for i, r in records.items()]).ok
