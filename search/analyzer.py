"""Vietnamese text analysis (DOMAIN.md §5), written for speed rather than as a Whoosh
filter chain: every step is a C-level ``str`` operation (``normalize``, ``lower``,
``translate``, ``re``) so that a worker process analyses a register entry in tens of
microseconds.

Three forms of a word exist:

* **exact** — NFC, lower case, tone marks in one canonical placement (the traditional
  one found in most registers: ``hòa``, ``khỏe``, ``thủy``; ``hoà``/``thuỷ`` are
  rewritten to it). Diacritics are kept, so ``hùng`` and ``hưng`` differ.
* **folded** — the exact form without any diacritic, ``đ`` mapped to ``d``
  (``Đặng Hùng`` → ``dang hung``). This is what people type without a Vietnamese
  keyboard, and what OCR noise on stacked marks still agrees on.
* **key** — a whole multi-word value (a full name) joined by single spaces, in exact or
  folded form.

The index stores both exact and folded forms; a query word typed with diacritics asks
for both and weights the exact one higher, so "Hùng" ranks Hùng above Hưng while
"hung" finds both.
"""

from __future__ import annotations

import re
import unicodedata

# Tone marks as combining characters; vowel-quality marks (circumflex, breve, horn) are
# not tones and stay in the exact form.
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _build_fold_table() -> dict[int, str]:
    """Map every precomposed Latin letter with marks to its bare base letter."""
    table: dict[int, str] = {}
    ranges = [(0x00C0, 0x0250), (0x1E00, 0x1F00)]
    for start, end in ranges:
        for cp in range(start, end):
            base = unicodedata.normalize("NFD", chr(cp))[0]
            if base != chr(cp) and base.isascii() and base.isalpha():
                table[cp] = base
    # đ/Đ are letters of their own and do not decompose under NFD.
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    # Combining marks left over in text that was not NFC.
    for cp in range(0x0300, 0x0370):
        table[cp] = None
    return table


_FOLD = _build_fold_table()


def _compose(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _placement_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Rewrites for the oa/oe/uy clusters, whose tone mark has two spellings.

    In an open syllable (cluster at the end of the word) the traditional spelling puts
    the mark on the first vowel (``hòa``); with a final consonant or a third vowel both
    spellings put it on the second (``hoàng``, ``hoài``), so a mark found on the first
    vowel there is moved back.
    """
    to_first: dict[str, str] = {}
    to_second: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in _TONES:
            on_first = _compose(first, tone) + second
            on_second = first + _compose(second, tone)
            to_first[on_second] = on_first
            to_second[on_first] = on_second
    return to_first, to_second


_TO_FIRST, _TO_SECOND = _placement_tables()
_LETTER = r"[^\W\d_]"
# "qu" is a consonant: in "quý" the vowel is y alone, so the u-y rule must not fire.
_OPEN_CLUSTER = re.compile(
    "(?<![q])(" + "|".join(map(re.escape, _TO_FIRST)) + f")(?!{_LETTER})")
_CLOSED_CLUSTER = re.compile(
    "(" + "|".join(map(re.escape, _TO_SECOND)) + f")(?={_LETTER})")
_Q_MISPLACED = re.compile("q([ùúủũụ])y")
_HAS_CLUSTER = re.compile("[oòóỏõọ][aàáảãạeèéẻẽẹ]|[uùúủũụ][yỳýỷỹỵ]")

_WORD = re.compile(r"[^\W_]+")
_HAS_MARK = re.compile(r"[^\x00-\x7f]")


def _fix_q(match: re.Match) -> str:
    tone = unicodedata.normalize("NFD", match.group(1))[1:]
    return "qu" + _compose("y", tone)


_STRAY_MARK = re.compile("[\u0300-\u036f]")


def normalize(text: str) -> str:
    """NFC, lower case, canonical tone-mark placement. Keeps every diacritic that
    composes with its letter; drops combining marks that do not (an OCR artefact such
    as ``n̛``), which would otherwise split a word in two."""
    text = unicodedata.normalize("NFC", text).lower()
    if _STRAY_MARK.search(text):
        text = _STRAY_MARK.sub("", text)
    if _HAS_CLUSTER.search(text):
        text = _OPEN_CLUSTER.sub(lambda m: _TO_FIRST[m.group(1)], text)
        text = _CLOSED_CLUSTER.sub(lambda m: _TO_SECOND[m.group(1)], text)
        if "q" in text:
            text = _Q_MISPLACED.sub(_fix_q, text)
    return text


def fold(text: str) -> str:
    """Strip every diacritic and map đ to d. Expects (and keeps) the case it is given."""
    if not _HAS_MARK.search(text):
        return text
    return text.translate(_FOLD)


def has_marks(text: str) -> bool:
    """True when ``text`` carries any non-ASCII character (a diacritic, usually)."""
    return _HAS_MARK.search(text) is not None


def words(text: str) -> list[str]:
    """Exact word forms of ``text`` in order (letters and digits; punctuation splits)."""
    return _WORD.findall(normalize(text))


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, exact form)`` of each word in the original ``text``.

    Used by the highlighter, which must mark the original characters. Normalisation keeps
    lengths (NFC of NFC text, lower case and tone moves are one character for one) for
    text that is already NFC, which is how the archive stores it.
    """
    nfc = unicodedata.normalize("NFC", text)
    norm = normalize(nfc)
    if len(norm) != len(nfc):  # a rare case mapping (e.g. "İ") changed the length
        return [(m.start(), m.end(), normalize(m.group())) for m in _WORD.finditer(nfc)]
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(norm)]


def word_forms_spans(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, exact, folded)`` of each word of ``text`` (see :func:`word_spans`)."""
    nfc = unicodedata.normalize("NFC", text)
    norm = normalize(nfc)
    folded = fold(norm)
    if len(norm) != len(nfc) or len(folded) != len(norm):
        return [(s, e, w, fold(w)) for s, e, w in word_spans(text)]
    return [(m.start(), m.end(), norm[m.start():m.end()], m.group())
            for m in _WORD.finditer(folded)]


#: A number written with thousands separators: ``501.363``, ``1,250,000``. Groups of
#: exactly three digits after a first group of one to three; not part of a longer run
#: of digits and separators, so dates (``01.02.2025``), decimals (``3,5``), versions
#: (``1.2.3``) and phone numbers (``0912.345.678``: four digits first) are left alone.
_GROUPED_NUMBER = re.compile(
    r"(?<!\d)(?<!\d[.,])\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*(?![\d]|[.,]\d{3})")
_SEPARATOR = re.compile(r"[.,]")


def join_numbers(text: str) -> str:
    """``text`` with every number written with thousands separators written without
    (``501.363`` and ``501,363`` → ``501363``), so that the three spellings people and
    documents use index and query as the same word. A decimal tail keeps its comma or
    point (``1.234,5`` → ``1234,5``, which then splits into ``1234`` and ``5``)."""
    if "." not in text and "," not in text:
        return text
    return _GROUPED_NUMBER.sub(lambda m: _SEPARATOR.sub("", m.group()), text)


def key(text: str) -> str:
    """A whole value as one exact key: words joined by single spaces."""
    return " ".join(words(text))


def forms(word: str) -> tuple[str, str]:
    """``(exact, folded)`` forms of one already-normalised word."""
    return word, fold(word)
