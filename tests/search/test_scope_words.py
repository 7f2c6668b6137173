"""Nothing leaks through search (issue 9): personal documents are found only with
``personal`` in the scope, and "did you mean" and suggestions only offer words and names
of records the user may see. And the word being typed is the start of a word (issue 10):
``khai si`` completes to ``khai sinh`` and is never "corrected" to ``khai so``.

Each hidden word below occurs in exactly one hidden record, so a correction or
completion that offers it can only have come from that record. Bad inputs tried: a word
of a hidden record typed exactly and one edit away, its prefix, its number/symbol; a
hidden whole name; a hidden word next to a visible one; a valid prefix at the end of a
query next to a misspelt earlier word.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from whoosh import query as wq

from search import AccessScope, SearchIndex
from search.engine import SegRun, restrict
from search.visibility import visible_mask

from .conftest import fetcher, ids, page, person

UNIT_A = AccessScope(kinds=frozenset({"document"}), max_secrecy=3, unit_ids=frozenset({1}),
                     personal=True)
UNIT_B = AccessScope(kinds=frozenset({"document"}), max_secrecy=3, unit_ids=frozenset({2}),
                     personal=True)
CLERK = AccessScope(kinds=frozenset({"document"}), max_secrecy=0)          # also viewer, admin
CLEARED = AccessScope(kinds=frozenset({"document"}), max_secrecy=2)
CIVIL_STATUS = AccessScope(kinds=frozenset({"document", "person"}), max_secrecy=0, personal=True)
#: A civil-status officer reads no documents but personal ones.
PERSONAL_ONLY = AccessScope(kinds=frozenset({"document", "person"}), max_secrecy=0,
                            personal=True, personal_only=True)
EVERYTHING = AccessScope.everything()


def corpus():
    return [
        # Unit A (1), open: the words everyone may see.
        page(1, 1, "Hướng dẫn đăng ký khai sinh cho trẻ em. Giấy khai sinh bản chính. "
                   "Phát triển kinh tế xã hội. Số liệu thống kê dân số.",
             title="Hướng dẫn đăng ký khai sinh", number=1, symbol="HD-UBND", unit_id=1,
             unit="VP"),
        page(5, 1, "Báo cáo số liệu kinh tế quý một; sổ theo dõi công văn.",
             title="Báo cáo kinh tế quý một", number=2, symbol="BC-UBND", unit_id=1, unit="VP"),
        # Unit B (2) only: kênh, mương, nạo vét.
        page(2, 1, "Kế hoạch nạo vét kênh mương nội đồng năm 2024.",
             title="Kế hoạch nạo vét kênh mương", number=3, symbol="KH-PKT", unit_id=2,
             unit="PKT"),
        # Secret (Tối mật, 2) in unit A: trạm, biến áp.
        page(3, 1, "Phương án bảo vệ trạm biến áp khu vực trung tâm.", title="Bảo vệ trạm biến áp",
             number=4, symbol="PA-UBND", unit_id=1, unit="VP", secrecy=2),
        # Personal in unit A: trích lục of Phùng Quang Thiều.
        marked_personal(page(4, 1, "Trích lục khai sinh của ông Phùng Quang Thiều, sinh "
                                         "năm 1960.", title="Trích lục Phùng Quang Thiều",
                                   number=5, symbol="TL-UBND", unit_id=1, unit="VP",
                                   issued_on=date(2024, 5, 2))),
        marked_personal(page(4, 2, "Trang hai của bản trích lục: Phùng Quang Thiều.",
                                   title="Trích lục Phùng Quang Thiều", number=5,
                                   symbol="TL-UBND", unit_id=1, unit="VP",
                                   issued_on=date(2024, 5, 2))),
    ]


def marked_personal(p):
    return replace(p, personal=True)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    idx = SearchIndex(str(tmp_path_factory.mktemp("scope")), lock_timeout=5)
    idx.rebuild("document", fetcher(corpus(), lambda r: (r.doc_id, r.page)))
    idx.rebuild("person", fetcher([person(1, "Phùng Văn Lượng", dob=date(1950, 1, 1))],
                                  lambda r: (r.entry_id,)))
    return idx


def texts(suggestions):
    return [s.text for s in suggestions]


def anywhere(suggestions, word):
    return [s.text for s in suggestions if word in s.text.lower()]


# ------------------------------------------------------------------ personal documents

def test_personal_document_hits_only_with_personal_scope(index):
    for scope in (CLERK, CLEARED, UNIT_B):  # clerk, viewer, admin: no person.view
        r = index.search("Phùng Quang Thiều", scope)
        assert 4 not in ids(r)
        assert "Trích lục" not in str(r.facets)
        r = index.search("khai sinh", scope, per_page=100)
        assert 4 not in ids(r) and r.total == len(r.hits)
    r = index.search("Phùng Quang Thiều", CIVIL_STATUS)
    assert ids(r)[0] == 4 and all(h.personal for h in r.hits if h.id == 4)
    assert not [h for h in index.search("khai sinh", CIVIL_STATUS, per_page=100).hits
                if h.kind == "document" and h.id != 4 and h.personal]
    # Totals, facets and paging agree with the hits.
    both = index.search("khai sinh", CIVIL_STATUS, per_page=100)
    clerk = index.search("khai sinh", CLERK, per_page=100)
    assert both.total == clerk.total + 2           # page 1 of document 4, and entry 1
    assert sum(both.facets["type"].values()) == both.total
    assert sum(clerk.facets["type"].values()) == clerk.total
    paged = [h.id for p in (1, 2, 3) for h in index.search("khai sinh", CLERK, per_page=1,
                                                            page=p).hits]
    assert 4 not in paged and len(paged) == min(3, clerk.total)


def test_a_scope_of_personal_data_only_finds_only_personal_documents(index):
    r = index.search("khai sinh", PERSONAL_ONLY, per_page=100)
    assert {(h.kind, h.id) for h in r.hits} == {("document", 4), ("person", 1)}
    assert r.total == 2 and r.facets["kind"] == {"document": 1, "person": 1}
    r = index.search("kinh tế", PERSONAL_ONLY)   # on documents 1 and 5 only
    assert [h.id for h in r.hits if h.kind == "document"] in ([], [4])
    assert "kinh" not in (r.suggestion or "")      # "kinh" is no word of theirs
    # Words of the other documents are neither completed nor offered as corrections.
    assert anywhere(index.suggest("kinh", PERSONAL_ONLY), "kinh") == []
    assert index.search("kinhh", PERSONAL_ONLY).suggestion != "kinh"
    assert "phung" in texts(index.suggest("phu", PERSONAL_ONLY))
    assert index.suggest("02/BC", PERSONAL_ONLY) == []


def test_person_hits_and_suggestions_say_they_are_personal(index):
    r = index.search("Phùng Văn Lượng", CIVIL_STATUS, kind="person")
    assert ids(r) == [1] and r.hits[0].personal and r.hits[0].as_dict()["personal"] is True
    [s] = [s for s in index.suggest("phung van", CIVIL_STATUS) if s.kind == "person"]
    assert (s.text, s.personal) == ("Phùng Văn Lượng", True)
    # Without the person kind (no person.view) the entry is neither found nor suggested.
    assert index.search("Phùng Văn Lượng", CLERK).total == 0
    assert index.suggest("phung van", CLERK) == []
    assert not index.search("khai sinh", CLERK).hits[0].personal


def test_personal_document_numbers_titles_and_words_are_not_suggested(index):
    assert index.suggest("05/TL", CLERK) == []
    [s] = index.suggest("05/TL", CIVIL_STATUS)
    assert (s.text, s.personal) == ("05/TL-UBND", True)
    assert anywhere(index.suggest("phu", CLERK), "phùng") == []
    assert anywhere(index.suggest("phu", CLERK), "phung") == []
    assert anywhere(index.suggest("trich", CLERK), "trích") == []
    got = index.suggest("phu", CIVIL_STATUS)
    assert "phung" in texts(got) and all(s.personal for s in got if "phung" in s.text)
    assert "Trích lục Phùng Quang Thiều" in texts(index.suggest("trich", CIVIL_STATUS))
    # A word found on an open page as well is not personal.
    [open_word] = [s for s in index.suggest("kinh", CIVIL_STATUS) if s.text == "kinh"]
    assert not open_word.personal


def test_personal_words_are_never_did_you_mean(index):
    assert "phung" not in (index.search("Phunf", CLERK).suggestion or "").lower()
    assert index.search("Phunf", CIVIL_STATUS).suggestion == "Phung"
    assert index.search("Thieuf", CLERK).suggestion is None
    assert index.search("Thieuf", CIVIL_STATUS).suggestion == "Thieu"


# --------------------------------------------------------------------- units, secrecy

def test_a_word_of_another_unit_is_not_suggested(index):
    assert anywhere(index.suggest("ke", UNIT_A), "kenh") == []
    assert anywhere(index.suggest("nao v", UNIT_A), "vet") == []
    assert "kenh" in texts(index.suggest("ke", UNIT_B))
    assert "nao vet" in texts(index.suggest("nao v", UNIT_B))
    assert index.suggest("03/KH", UNIT_A) == [] and texts(index.suggest("03/KH", UNIT_B)) \
        == ["03/KH-PKT"]


def test_a_word_of_another_unit_is_not_did_you_mean(index):
    # One edit from "kênh" (unit B only): never offered to unit A.
    assert index.search("kenhh", UNIT_B).suggestion == "kenh"
    assert "ken" not in (index.search("kenhh", UNIT_A).suggestion or "")
    # "kenh" itself is a word only unit B has: unit A is offered a word it sees
    # ("kinh"), as for any unknown word, and not left to guess that "kenh" exists.
    assert index.search("kenh", UNIT_B).suggestion is None
    assert ids(index.search("kenh", UNIT_B)) == [2]
    assert index.search("kenh", UNIT_A).suggestion == "kinh"
    assert 2 not in ids(index.search("kenh", UNIT_A))


def test_a_secret_word_needs_the_clearance(index):
    assert anywhere(index.suggest("tra", CLERK), "tram") == []
    assert anywhere(index.suggest("tra", CLERK), "trạm") == []
    assert "tram" in texts(index.suggest("tra", CLEARED))
    assert index.search("trsm bien ap", CLEARED).suggestion == "tram bien ap"
    assert "tram" not in (index.search("trsm bien ap", CLERK).suggestion or "")
    assert 3 not in ids(index.search("tram bien ap", CLERK))


# ------------------------------------------------------------ the last word is a prefix

def test_the_last_word_completes(index):
    assert texts(index.suggest("khai si", UNIT_A))[0] == "khai sinh"
    assert "khai so" not in texts(index.suggest("khai si", UNIT_A))
    assert texts(index.suggest("khai sinh", UNIT_A))[0] == "khai sinh"
    # With diacritics typed, completions keep them.
    assert "kinh te" in texts(index.suggest("kinh t", UNIT_A))
    assert "số liệu" in texts(index.suggest("số li", UNIT_A))
    # Only words that follow the typed ones: "kinh" never follows "khai".
    assert anywhere(index.suggest("khai ki", UNIT_A), "kinh") == []


def test_a_valid_prefix_is_not_corrected(index):
    r = index.search("khai si", UNIT_A)
    assert r.suggestion is None and sorted(ids(r)) == [1, 4]   # 4: personal, unit A
    assert index.search("khai s", UNIT_A).suggestion is None
    # Earlier words may still be corrected; the last one stays as typed.
    assert index.search("khao si", UNIT_A).suggestion == "khai si"
    assert index.search("khao sinh", UNIT_A).suggestion == "khai sinh"
    # A word that starts no visible word is still corrected, at the end too.
    assert index.search("khai sinx", UNIT_A).suggestion == "khai sinh"
    # A prefix of a hidden word only is not a prefix for this user.
    assert index.search("nao ve", UNIT_B).suggestion is None
    assert ids(index.search("nao ve", UNIT_B)) == [2]
    hidden = index.search("nao ve", UNIT_A)
    assert 2 not in ids(hidden) and "vet" not in (hidden.suggestion or "")


# --------------------------------------------------------- the mask agrees with restrict

@pytest.mark.parametrize("scope", [CLERK, CLEARED, UNIT_A, UNIT_B, CIVIL_STATUS, EVERYTHING,
                                   PERSONAL_ONLY,
                                   AccessScope(max_secrecy=1, unit_ids=frozenset({2, 9})),
                                   AccessScope(max_secrecy=3, unit_ids=frozenset({7}))])
def test_visibility_mask_is_the_query_scope(tmp_path, scope):
    idx = SearchIndex(str(tmp_path), lock_timeout=5)
    idx.rebuild("document", fetcher(corpus(), lambda r: (r.doc_id, r.page)))
    idx.update([page(6, 1, "Văn bản không đơn vị", unit_id=None, unit=None)])  # a 2nd segment
    idx.delete("document", [5])                                                # deletions
    ks = idx.searcher("document")
    assert len(ks.segments) >= 2
    q = restrict(wq.Every(), scope, ks.readers)
    for seg in ks.segments:
        expected = SegRun(seg).docset(q)
        got = {int(i) for i in visible_mask(seg, scope).nonzero()[0]}
        assert got == expected
