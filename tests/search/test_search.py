"""Every query feature against a real index: words, phrases, fields, dates, operators,
prefix, fuzzy, exact-over-folded ranking, facets, sorting, paging, highlights,
"did you mean" and completions."""

from search import AccessScope

from .conftest import EVERYTHING, ids

PERSONS = AccessScope.everything(kinds=("person",))
DOCS = AccessScope.everything(kinds=("document",))


def search(idx, q, scope=EVERYTHING, **kw):
    return idx.search(q, scope, **kw)


def test_exact_form_ranks_above_folded_only(shared_index):
    r = search(shared_index, "Hùng", PERSONS)
    got = ids(r)
    assert got[0] == 1                          # Hùng itself
    assert {2, 3, 4} <= set(got)                # Hưng, Hung, Hũng match, lower
    assert r.hits[0].score > r.hits[1].score


def test_unaccented_query_finds_every_variant_alike(shared_index):
    r = search(shared_index, "hung", PERSONS)
    assert {1, 2, 3, 4} <= set(ids(r))
    scores = {h.id: h.score for h in r.hits if h.id in (1, 2, 3, 4)}
    assert len(set(scores.values())) == 1


def test_full_name_with_and_without_diacritics(shared_index):
    assert ids(search(shared_index, "Nguyễn Văn Hùng", PERSONS))[0] == 1
    assert {1, 2, 3, 4} <= set(ids(search(shared_index, "nguyen van hung", PERSONS)))


def test_tone_mark_placement_and_d_in_queries(shared_index):
    for q in ("Đặng Thị Thủy", "Đặng Thị Thuỷ", "dang thi thuy", "DANG THI THUY"):
        assert ids(search(shared_index, q, PERSONS))[:1] == [5], q
    assert 5 in ids(search(shared_index, 'me:"Hoàng Thị Hoà"', PERSONS))
    assert 6 in ids(search(shared_index, "Lê Văn Khoẻ", PERSONS))


def test_surname_and_given_name(shared_index):
    assert ids(search(shared_index, "Nguyễn Hùng", PERSONS))[0] == 1


def test_name_with_date_of_birth_or_parent(shared_index):
    assert ids(search(shared_index, "Nguyễn Văn Hùng 12/03/1985")) == [1]
    assert ids(search(shared_index, "nguyen van hung tran thi lan")) == [1]
    assert ids(search(shared_index, 'Nguyễn Văn Hùng me:"Trần Thị Lan"')) == [1]
    assert ids(search(shared_index, "cha:Bình Hùng", PERSONS)) == [1]
    assert ids(search(shared_index, 'vo:"Phạm Thị Mai"', PERSONS)) == [7]
    r = search(shared_index, "sinh:1985-03", PERSONS)
    assert sorted(ids(r)) == [1, 103, 132]      # the generated people born in March 1985
    assert all(h.extra["date_of_birth"].strftime("%Y-%m") == "1985-03" for h in r.hits)


def test_free_text_date_matches_birth_or_registration(shared_index):
    assert ids(search(shared_index, "12/03/1985", PERSONS)) == [1]     # born
    assert ids(search(shared_index, "20/03/1985", PERSONS)) == [1]     # registered


def test_personal_id_book_and_number(shared_index):
    assert ids(search(shared_index, "001085000001")) == [1]
    assert ids(search(shared_index, "cccd:001085000001")) == [1]
    assert ids(search(shared_index, "quyen:01/1985 so:12", PERSONS)) == [1]


def test_phrase_requires_adjacent_words_in_order(shared_index):
    got = ids(search(shared_index, '"chuyển đổi số"', DOCS))
    assert 10 in got and 12 in got
    assert 11 not in ids(search(shared_index, '"số chuyển"', DOCS))
    assert ids(search(shared_index, '"chua chay"', DOCS))[:2] == [10, 14] or \
        set(ids(search(shared_index, '"chua chay"', DOCS))) == {10, 14}


def test_hits_point_at_their_page(shared_index):
    r = search(shared_index, '"phòng cháy"', DOCS)
    assert (10, 2) in [(h.id, h.page) for h in r.hits]
    assert all(h.page is None for h in search(shared_index, "Hùng", PERSONS).hits)


def test_number_and_symbol(shared_index):
    for q in ("135/KH-UBND", "so:135/KH-UBND", "135/kh-ubnd", "số:135/KH-UBND"):
        r = search(shared_index, q)
        assert ids(r)[0] == 10 and r.hits[0].page == 1, q
    assert ids(search(shared_index, "12/QĐ-UBND")) == [11]
    assert ids(search(shared_index, "12/qd-ubnd")) == [11]
    assert 11 in ids(search(shared_index, "so:12", DOCS))
    assert set(ids(search(shared_index, "so:KH-UBND", DOCS))) == {10}


def test_type_issuer_unit_year_fields(shared_index):
    assert set(ids(search(shared_index, 'loai:"kế hoạch"', DOCS))) == {10}
    assert set(ids(search(shared_index, 'loại:"ke hoach"', DOCS))) == {10}
    assert 13 in ids(search(shared_index, 'coquan:"văn hóa"', DOCS))
    assert 13 in ids(search(shared_index, "coquan:văn hóa", DOCS))
    assert set(ids(search(shared_index, "donvi:VHXH tiếp", DOCS))) == {13}
    assert set(ids(search(shared_index, "nam:2023", DOCS))) == {11} | {
        h.id for h in search(shared_index, "nam:2023", DOCS, per_page=100).hits}
    assert 11 in ids(search(shared_index, "năm:2023 hộ tịch", DOCS))
    assert ids(search(shared_index, 'loai:"khai tu"', PERSONS)) == [3]


def test_date_ranges(shared_index):
    got = ids(search(shared_index, "ngay:2024-01-01..2024-02-28 chuyển", DOCS))
    assert got == [10]
    assert 12 not in got                                  # issued in March
    assert 11 in ids(search(shared_index, "ngày:11/2023..12/2023", DOCS))
    assert 14 in ids(search(shared_index, "ngay:..2021 cháy", DOCS))
    assert 13 in ids(search(shared_index, "03/06/2022", DOCS))   # arrival date


def test_and_or_not(shared_index):
    assert set(ids(search(shared_index, "hùng OR khỏe", PERSONS))) >= {1, 6}
    got = ids(search(shared_index, "hung -hưng", PERSONS))
    assert set(got) == {1, 3, 4}                          # every name folding to "hung" but Hưng (2)
    assert 2 not in ids(search(shared_index, "hung KHÔNG hưng", PERSONS))
    assert ids(search(shared_index, "(hùng OR hưng) 1986", PERSONS)) == [2]


def test_prefix_and_fuzzy(shared_index):
    assert 10 in ids(search(shared_index, "chuyể*", DOCS))
    assert set(ids(search(shared_index, "nguy* hùng", PERSONS))) == {1, 2, 3, 4}
    # One OCR error: "hùnq" is no word, "Khỏc" neither.
    assert set(ids(search(shared_index, "hùnq~", PERSONS))) == {1, 2, 3, 4}
    assert 6 in ids(search(shared_index, "khoc~", PERSONS))


def test_unknown_word_is_corrected_and_suggested(shared_index):
    r = search(shared_index, "Nguyễn Văn Hùnq 12/03/1985")
    assert ids(r) == [1]
    assert r.suggestion == "Nguyễn Văn Hùng 12/03/1985"
    r = search(shared_index, "chuyển đổi sốq", DOCS)
    assert 10 in ids(r)


def test_relaxed_when_nothing_matches_everything(shared_index):
    r = search(shared_index, "Nguyễn Văn Hùng Trần Thị Lanh")   # mother is Lan
    assert r.relaxed and ids(r)[0] == 1


def test_did_you_mean_without_results(shared_index):
    r = search(shared_index, "phòng chàyq", DOCS)
    assert r.suggestion is not None


def test_facets_count_everything_matched(shared_index):
    r = search(shared_index, "số hóa", DOCS, per_page=1)
    assert r.total == sum(r.facets["kind"].values()) == r.facets["kind"]["document"]
    assert sum(r.facets["type"].values()) == r.total
    assert sum(r.facets["year"].values()) == r.total
    assert "Quyết định" in r.facets["type"] and "Kế hoạch" in r.facets["type"]
    assert r.facets["unit"].get("PKT") == 1
    assert len(r.hits) == 1


def test_filters_restrict_like_fields(shared_index):
    r = search(shared_index, "số hóa", DOCS, filters={"type": "Quyết định"})
    assert ids(r) == [11]
    r = search(shared_index, "", DOCS, filters={"year": 2023}, per_page=100)
    assert 11 in ids(r) and all(h.date.year == 2023 for h in r.hits)
    r = search(shared_index, "hộ tịch", DOCS, filters={"unit": "PKT"})
    assert ids(r) == [11]


def test_sort_by_date_and_paging(shared_index):
    r = search(shared_index, "thông báo", DOCS, sort="date", per_page=5)
    dates = [h.date for h in r.hits]
    assert dates == sorted(dates, reverse=True)
    second = search(shared_index, "thông báo", DOCS, sort="date", per_page=5, page=2)
    assert not {(h.id, h.page) for h in r.hits} & {(h.id, h.page) for h in second.hits}
    assert second.total == r.total


def test_highlights_are_marked_and_html_safe(shared_index):
    r = search(shared_index, "tiếp công dân", DOCS)
    text = " ".join(r.hits[0].highlights)
    assert "<mark>tiếp</mark>" in text and "<mark>công</mark>" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    r = search(shared_index, "hung", PERSONS)
    assert any("<mark>Hùng</mark>" in h for hit in r.hits for h in hit.highlights)


def test_mixed_kinds_and_json_shape(shared_index):
    r = search(shared_index, "hộ tịch")
    d = r.as_dict()
    assert set(d) >= {"total", "hits", "facets", "suggestion"}
    assert set(d["hits"][0]) >= {"kind", "id", "title", "page", "score", "highlights"}


def test_empty_query_gives_nothing(shared_index):
    assert search(shared_index, "").total == 0
    assert search(shared_index, "   ").total == 0


def test_suggest_names_and_numbers(shared_index):
    got = shared_index.suggest("nguyen van h", EVERYTHING)
    texts = [s.text for s in got]
    assert "Nguyễn Văn Hùng" in texts and all(s.kind == "person" for s in got)
    assert [s.text for s in shared_index.suggest("135/", EVERYTHING)] == ["135/KH-UBND"]
    titles = [s.text for s in shared_index.suggest("kế hoạch triển", EVERYTHING)]
    assert any("chuyển đổi số" in t for t in titles)
    assert shared_index.suggest("n", EVERYTHING) == []


def test_highlights_mark_every_tone_placement_and_case():
    from search.highlight import snippets
    from search.planner import Marks
    marks = Marks()
    marks.add_word("hòa", "hoa", True)
    [snippet] = snippets(["Xã Hoà Bình và xã Hòa An, HÒA Lạc, hoa, hoạ, Hòang"], marks)
    assert snippet == ("Xã <mark>Hoà</mark> Bình và xã <mark>Hòa</mark> An, <mark>HÒA</mark> Lạc, "
                       "<mark>hoa</mark>, <mark>hoạ</mark>, Hòang")
