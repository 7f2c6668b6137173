"""The highlighter finds the query's words in the original text with letter classes
(every character that folds to a letter, in either case). It must mark exactly what
searching the folded, lower-cased text marks. Inputs tried: generated Vietnamese pages
(some upper-cased), one to four words of each page with and without diacritics, folded
prefixes, words inside other words, đ/Đ, and a character whose lower case is two
characters long."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from search.analyzer import fold, normalize
from search.highlight import _matches, _pattern, snippets
from search.planner import Marks

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from search_corpus import document_pages  # noqa: E402

_EDGE = r"[^\W_]"


def _reference(marks: Marks, text: str) -> list[tuple[int, int]]:
    """Spans found the slow way: fold the lower-cased text, search it."""
    words = {fold(w) for w in marks.exact} | set(marks.folded)
    parts = [re.escape(w) for w in sorted(words, key=len, reverse=True) if w]
    parts += [re.escape(p) + r"[^\W_]*" for p in sorted(marks.prefixes) if p]
    folded = fold(text.lower())
    assert len(folded) == len(text)
    pattern = re.compile(f"(?<!{_EDGE})(?:{'|'.join(parts)})(?!{_EDGE})")
    return [m.span() for m in pattern.finditer(folded)]


def _marks(words, prefixes=()) -> Marks:
    m = Marks()
    for w in words:
        e = normalize(w)
        m.add_word(e, fold(e), e != fold(e))
    m.prefixes.update(prefixes)
    return m


def test_same_spans_as_searching_the_folded_text():
    rng = random.Random(7)
    checked = spans = 0
    for i, p in enumerate(document_pages(150, 11)):
        text = p.text.upper() if i % 5 == 0 else p.text
        words = re.findall(r"[^\W_]+", text)
        for _ in range(4):
            chosen = rng.sample(words, min(len(words), rng.randint(1, 4)))
            prefixes = {fold(normalize(rng.choice(words)))[:3]} if rng.random() < 0.3 else set()
            marks = _marks(chosen, prefixes)
            pattern, check = _pattern(marks)
            got = _matches(pattern, check, text)
            assert got == _reference(marks, text), (chosen, prefixes)
            checked += 1
            spans += len(got)
    assert checked == 600 and spans > 1000


def test_word_inside_a_word_is_not_marked_and_d_matches_both_letters():
    [s] = snippets(["Đồng Đăng, đồng đội, Hoàng Đông, đồngđ, cộngđồng"], _marks(["dong"]))
    assert s == ("<mark>Đồng</mark> Đăng, <mark>đồng</mark> đội, Hoàng <mark>Đông</mark>, "
                 "đồngđ, cộngđồng")


def test_a_character_with_a_longer_lower_case_does_not_shift_the_marks():
    # "İ".lower() is two characters: the old folded search gave up on such a text.
    [s] = snippets(["İstanbul và Hà Nội"], _marks(["Hà", "Nội"]))
    assert s == "İstanbul và <mark>Hà</mark> <mark>Nội</mark>"


def test_a_mark_with_punctuation_still_needs_a_word_start():
    marks = Marks()
    marks.folded.add("tb-vp")
    [s] = snippets(["Số 01/TB-VP và 01/XTB-VP"], marks)
    assert s == "Số 01/<mark>TB-VP</mark> và 01/XTB-VP"


def test_letters_beyond_the_fold_table_match_themselves_in_both_cases():
    marks = Marks()
    marks.folded.add("ⱥb")  # U+2C65 (its capital is U+023A): outside the table's range
    text = "Ⱥb, ⱥb và ab"
    assert _matches(*_pattern(marks), text) == _reference(marks, text) == [(0, 2), (4, 6)]
