"""Ranking by proximity and order, and numbers written with thousands separators,
against a real index.

The pages of the proximity tests are built so that BM25 alone ranks them the wrong way:
the page with the words scattered is the shortest and has each word twice, the page with
the exact sequence is the longest with each word once (checked against the code before
the re-ranking stage: typed with diacritics it ranked the scattered page above the near
ones and the exact sequence without marks last). Bad inputs tried: the typed words
scattered over sentences, in order with words between, in another order; the exact
sequence without diacritics (OCR lost them) against the same words with them; numbers
as ``501.363``, ``501,363``, ``501363`` and with ``so:``; dates with points, decimals
with a comma, phone-like numbers and number/symbols near numbers.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, strategies as st

from search import AccessScope, SearchIndex
from search.analyzer import join_numbers
from search.fields import text_terms
from search.proximity import EXACT, NEAR_ANY_ORDER, NEAR_IN_ORDER, closeness, folded_words

from .conftest import fetcher, page

DOCS = AccessScope.everything(kinds=("document",))

FILLER = ("Ủy ban nhân dân xã đề nghị các tổ dân phố, các đoàn thể phối hợp tổ chức thực hiện "
          "nghiêm túc, báo cáo kết quả về Văn phòng trước ngày 30 hằng tháng để tổng hợp.")

EXACT_PAGE = (FILLER + " Năm nay xã tiếp tục đẩy mạnh xây dựng nông thôn mới nâng cao, "
              "huy động nguồn lực của nhân dân làm đường giao thông, kênh mương nội đồng. "
              + FILLER * 3 + " Các hộ gia đình ký cam kết giữ gìn vệ sinh môi trường.")
FOLDED_PAGE = (FILLER + " Ket qua xay dung nong thon moi giai doan 2021-2025 duoc "
               "tong hop trong phu luc kem theo. " + FILLER * 3)
NEAR_PAGE = (FILLER + " Phát triển kinh tế nông thôn theo hướng mới, gắn sản xuất với "
             "tiêu thụ sản phẩm. " + FILLER * 2)
ANY_ORDER_PAGE = (FILLER + " Mô hình mới ở nông thôn được nhân rộng. " + FILLER)
SCATTERED_PAGE = ("Thôn Đông có mới hai hộ. Nông dân thu hoạch lúa. Thôn Tây mới làm "
                  "đường. Nông sản tiêu thụ chậm. Thôn Nam mới có nông hộ.")

NUMBER_PAGES = {
    30: "Tổng kinh phí thực hiện là 501.363 triệu đồng, trong đó ngân sách tỉnh 300.000 "
        "triệu đồng.",
    31: "Dân số toàn huyện đến cuối năm là 1,250,000 người; tỷ lệ tăng 3,5%.",
    32: "Hội nghị họp ngày 01.02.2025 tại hội trường; liên hệ 0912.345.678.",
    33: "Thực hiện Nghị định số 12/2025/NĐ-CP của Chính phủ về thủ tục hành chính.",
}


def _pages():
    out = [
        page(1, 1, EXACT_PAGE, title="Báo cáo công tác năm", doc_type="Báo cáo"),
        page(2, 1, FOLDED_PAGE, title="Bao cao giai doan", doc_type="Báo cáo"),
        page(3, 1, NEAR_PAGE, title="Kế hoạch phát triển", doc_type="Kế hoạch"),
        page(4, 1, ANY_ORDER_PAGE, title="Thông báo nhân rộng", doc_type="Thông báo"),
        page(5, 1, SCATTERED_PAGE, title="Tình hình sản xuất", doc_type="Báo cáo"),
    ]
    out += [page(doc, 1, text, title="Văn bản", number=doc, symbol="TB-UBND")
            for doc, text in NUMBER_PAGES.items()]
    # Other prose, so that the words of the tests are not the most common ones.
    others = ["Chương trình chuyển đổi số cấp xã được triển khai đến từng thôn.",
              "Tổ chức tiếp công dân định kỳ vào thứ Năm hằng tuần tại trụ sở.",
              "Tăng cường phòng cháy, chữa cháy rừng trong mùa khô hanh.",
              "Rà soát hộ nghèo, hộ cận nghèo theo chuẩn nghèo đa chiều."]
    out += [page(100 + i, 1, t + " " + FILLER, title="Thông báo") for i, t in enumerate(others)]
    return out


@pytest.fixture(scope="module")
def idx(tmp_path_factory):
    index = SearchIndex(str(tmp_path_factory.mktemp("ranking")), lock_timeout=5)
    index.rebuild("document", fetcher(_pages(), lambda r: (r.doc_id, r.page)), procs=1)
    return index


def _ids(idx, q):
    return [h.id for h in idx.search(q, DOCS, per_page=20).hits]


# -- proximity and order ------------------------------------------------------------

def test_exact_sequence_then_near_then_scattered_with_diacritics(idx):
    got = _ids(idx, "nông thôn mới")
    assert got == [1, 2, 3, 4, 5]  # exact, folded exact sequence, in order, any order, apart


def test_exact_sequence_then_near_then_scattered_without_diacritics(idx):
    got = _ids(idx, "nong thon moi")
    # Typed without marks, both exact sequences are equally good matches of the words.
    assert set(got[:2]) == {1, 2}
    assert got[2:] == [3, 4, 5]


def test_exact_diacritics_beat_folded_at_equal_proximity(idx):
    r = idx.search("xây dựng nông thôn mới", DOCS, per_page=20)
    assert [h.id for h in r.hits][:2] == [1, 2]
    assert r.hits[0].score > r.hits[1].score


def test_quoted_phrase_still_requires_the_sequence(idx):
    assert sorted(_ids(idx, '"nông thôn mới"')) == [1, 2]


def test_closeness_grades():
    slots = [frozenset({w}) for w in ("nong", "thon", "moi")]
    assert closeness(folded_words("xây dựng nông thôn mới"), slots) == EXACT
    near = closeness(folded_words("nông thôn theo hướng mới"), slots)
    assert NEAR_ANY_ORDER < near < EXACT and near <= NEAR_IN_ORDER
    # Farther in order is less near, and any order within the window is below in order.
    assert closeness(folded_words("nông thôn theo một hướng rất mới"), slots) < near
    assert 0 < closeness(folded_words("mới ở nông thôn"), slots) <= NEAR_ANY_ORDER
    far = "nông " + " ".join(["x"] * 20) + " thôn " + " ".join(["y"] * 20) + " mới"
    assert closeness(folded_words(far), slots) == 0.0
    assert closeness(folded_words("nông thôn"), slots) == 0.0  # a word missing
    # A slot with several readings (a misread word) matches any of them.
    assert closeness(folded_words("nông thôn mởi"), [frozenset({"nong"}), frozenset({"thon"}),
                                                     frozenset({"moi", "mo"})]) == EXACT


# -- numbers with separators ------------------------------------------------------------

@pytest.mark.parametrize("q", ["501.363", "501,363", "501363", "kinh phí 501.363",
                               "501363 triệu đồng"])
def test_number_found_by_each_spelling(idx, q):
    assert _ids(idx, q)[:1] == [30]


@pytest.mark.parametrize("q", ['"501.363 triệu đồng"', '"501363 triệu"', "text:501,363",
                               "noidung:501.363"])
def test_number_in_phrases_and_fields(idx, q):
    assert _ids(idx, q)[:1] == [30]


@pytest.mark.parametrize("q", ["1.250.000", "1,250,000", "1250000"])
def test_millions_found_by_each_spelling(idx, q):
    assert _ids(idx, q)[:1] == [31]


def test_number_with_separator_is_highlighted(idx):
    r = idx.search("501363", DOCS)
    assert "<mark>501.363</mark>" in r.hits[0].highlights[0]


def test_dates_decimals_phones_and_symbols_are_unaffected():
    assert join_numbers("ngày 01.02.2025") == "ngày 01.02.2025"
    assert join_numbers("tăng 3,5%") == "tăng 3,5%"
    assert join_numbers("0912.345.678") == "0912.345.678"
    assert join_numbers("12/2025/NĐ-CP") == "12/2025/NĐ-CP"
    assert join_numbers("phiên bản 1.2.3") == "phiên bản 1.2.3"
    assert join_numbers("12.345,67 tỷ") == "12345,67 tỷ"
    assert {"12", "2025", "nd", "cp"} <= set(text_terms(NUMBER_PAGES[33]))
    terms = text_terms(NUMBER_PAGES[32])
    assert {"01", "02", "2025", "0912", "345", "678"} <= set(terms)
    assert "501363" in text_terms(NUMBER_PAGES[30]) and "300000" in text_terms(NUMBER_PAGES[30])


def test_date_query_and_symbol_still_work(idx):
    # A date typed with points is a date (the issue date of every page here), not words.
    assert len(_ids(idx, "01.02.2024")) == len(_pages())
    assert _ids(idx, "33/TB-UBND") == [33]
    assert _ids(idx, "Nghị định 12 2025")[:1] == [33]
    assert _ids(idx, "so:31")[:1] == [31]
    assert _ids(idx, "3,5")[:1] == [31]


def test_number_field_accepts_separators(tmp_path):
    index = SearchIndex(str(tmp_path / "ix"), lock_timeout=5)
    pages = [page(7, 1, "Văn bản có số lớn.", number=1250, symbol="QĐ-UBND",
                  issued_on=date(2024, 5, 1)),
             page(8, 1, "Văn bản khác.", number=125, symbol="QĐ-UBND")]
    index.rebuild("document", fetcher(pages, lambda r: (r.doc_id, r.page)), procs=1)
    assert [h.id for h in index.search("so:1.250", DOCS).hits] == [7]


def test_closeness_is_read_for_a_bounded_number_of_pages(tmp_path, monkeypatch):
    """The re-ranking reads the text of at most ``CLOSENESS_RERANK`` pages per segment
    (of the ``RERANK`` best), however many match (here 40 match, the bound is set to 5)."""
    from search import proximity, scoring

    index = SearchIndex(str(tmp_path / "ix"), lock_timeout=5)
    pages = [page(500 + i, 1, f"Thôn số {i} có mới hai hộ. " + FILLER + " Nông dân thu hoạch.",
                  title="Báo cáo") for i in range(40)]
    pages.append(page(999, 1, FILLER + " Xây dựng nông thôn mới. " + FILLER * 3,
                      title="Báo cáo"))
    index.rebuild("document", fetcher(pages, lambda r: (r.doc_id, r.page)), procs=1)
    asked = []
    original = proximity.Proximity.grades

    def grades(self, seg, docs):
        asked.append(len(docs))
        return original(self, seg, docs)

    monkeypatch.setattr(proximity.Proximity, "grades", grades)
    monkeypatch.setattr(scoring, "RERANK", 20)
    monkeypatch.setattr(scoring, "CLOSENESS_RERANK", 5)
    r = index.search("nông thôn mới", DOCS, per_page=10)
    assert r.total == 41
    assert asked and max(asked) <= 5


@given(st.integers(min_value=1000, max_value=10**12), st.sampled_from([".", ","]))
def test_any_grouped_number_joins_to_its_digits(n, sep):
    grouped = f"{n:,}".replace(",", sep)
    assert join_numbers(f"tổng {grouped} đồng") == f"tổng {n} đồng"
    assert join_numbers(f"tổng {grouped},5 đồng") == f"tổng {n},5 đồng"


@given(st.dates())
def test_dates_with_points_are_never_joined(d):
    text = f"ngày {d.day:02d}.{d.month:02d}.{d.year:04d} và {d.day}.{d.month}.{d.year}"
    assert join_numbers(text) == text
