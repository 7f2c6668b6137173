"""Character error rate: Levenshtein distance over the truth's length, after NFC and
whitespace normalisation of both texts."""

from __future__ import annotations

import random
import unicodedata

import pytest

from docsvc.sampledata import cer
from docsvc.sampledata.cer import character_error_rate, normalise


def test_identical_text_has_no_errors():
    assert character_error_rate("Ủy ban nhân dân", "Ủy ban nhân dân") == 0.0


def test_whitespace_and_line_breaks_do_not_count():
    truth = "CỘNG HÒA XÃ HỘI\nĐộc lập - Tự do"
    assert character_error_rate(truth, "  CỘNG  HÒA XÃ HỘI Độc lập -\n\nTự do \n") == 0.0
    assert normalise(" a \t b\n\nc ") == "a b c"


def test_decomposed_and_composed_forms_are_equal():
    truth = "Nguyễn Thị Thủy"
    assert character_error_rate(truth, unicodedata.normalize("NFD", truth)) == 0.0


@pytest.mark.parametrize("hypothesis, expected", [
    ("Nguyen", 1 / 6),        # one substitution (ễ -> e)
    ("Nguyễ", 1 / 6),         # one deletion
    ("Nguyễnn", 1 / 6),       # one insertion
    ("", 1.0),
])
def test_rate_is_edits_over_truth_length(hypothesis, expected):
    assert character_error_rate("Nguyễn", hypothesis) == pytest.approx(expected)


def test_empty_truth():
    assert character_error_rate("", " \n") == 0.0
    assert character_error_rate("", "x") == 1.0


def test_pure_python_distance_matches_rapidfuzz(monkeypatch):
    pytest.importorskip("rapidfuzz")
    rng = random.Random(1)
    alphabet = "aăâeêoôơuưđ ỦỪỮỰ"
    pairs = [("".join(rng.choices(alphabet, k=rng.randint(0, 30))),
              "".join(rng.choices(alphabet, k=rng.randint(0, 30)))) for _ in range(200)]
    fast = [cer.levenshtein(a, b) for a, b in pairs]
    monkeypatch.setattr(cer, "_rf_levenshtein", None)
    assert [cer.levenshtein(a, b) for a, b in pairs] == fast
