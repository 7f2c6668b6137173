"""The Vietnamese analyzer (DOMAIN.md §5): NFC, one tone-mark placement, lower case,
folding with đ → d, and the exact and folded forms indexed for a name."""

import unicodedata

import pytest

from search.analyzer import fold, normalize, word_forms_spans, words
from search.fields import key_forms, name_terms, text_terms


@pytest.mark.parametrize("typed, canonical", [
    ("hoà", "hòa"), ("hòa", "hòa"), ("HOÀ", "hòa"),
    ("thuỷ", "thủy"), ("Thủy", "thủy"), ("khoẻ", "khỏe"), ("tuỳ", "tùy"),
    ("uỷ ban", "ủy ban"),
    # With a final consonant or a third vowel both spellings agree; a misplaced mark
    # is moved back.
    ("hoàng", "hoàng"), ("hòang", "hoàng"), ("hoài", "hoài"), ("khuỷu", "khuỷu"),
    # "qu" is a consonant: the mark of quý sits on the y.
    ("quý", "quý"), ("qúy", "quý"),
])
def test_one_tone_mark_placement(typed, canonical):
    assert normalize(typed) == canonical


def test_nfc_and_decomposed_input_agree():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Thuỷ")
    assert normalize(decomposed) == normalize("Nguyễn Thị Thủy") == "nguyễn thị thủy"


def test_folding_strips_marks_and_maps_d():
    assert fold(normalize("Đặng Văn Hùng")) == "dang van hung"
    assert fold("đđ ĐĐ") == "dd DD"
    assert fold("plain ascii") == "plain ascii"


def test_stray_combining_marks_do_not_split_words():
    # OCR leaves a horn on a letter that has no precomposed form.
    assert words("Phn\u031bơng Hà") == ["phnơng", "hà"]


def test_words_and_spans_keep_original_offsets():
    text = "Ông HOÀ đến"
    spans = word_forms_spans(text)
    assert [(text[s:e], exact, folded) for s, e, exact, folded in spans] == [
        ("Ông", "ông", "ong"), ("HOÀ", "hòa", "hoa"), ("đến", "đến", "den")]


def test_key_forms_exact_and_folded():
    assert key_forms("  Nguyễn   Văn Hùng ") == ("nguyễn văn hùng", "nguyen van hung")
    assert key_forms("135/QĐ-UBND") == ("135/qđ-ubnd", "135/qd-ubnd")


def test_name_terms_have_syllables_pairs_and_surname_given():
    terms = set(name_terms("Nguyễn Văn Hùng"))
    assert {"nguyễn", "văn", "hùng", "nguyen", "van", "hung"} <= terms
    assert {"nguyễn văn", "văn hùng", "nguyen van", "van hung"} <= terms
    assert {"nguyễn hùng", "nguyen hung"} <= terms
    # An unaccented name has only one form of each term.
    assert len(name_terms("La Van An")) == len(set(name_terms("La Van An")))


def test_text_terms_exact_only_where_different_and_folded_pairs():
    terms = text_terms("Phòng cháy chữa cháy", bigrams=True)
    assert terms.count("chay") == 2            # folded words, frequencies kept
    assert "cháy" in terms and "phòng" in terms
    assert "phong chay" in terms and "chay chua" in terms
    assert "phòng cháy" not in terms           # pairs are folded only
    assert text_terms("an toan", bigrams=False) == ["an", "toan"]
