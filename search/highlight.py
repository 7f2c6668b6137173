"""Snippets of a hit's text with the matched words marked, safe to put in HTML.

The index holds analysed terms, not positions, so snippets are cut from the stored text.
The words the query asked for (:class:`search.planner.Marks`, folded) are found in the
original text with one regular expression in which every letter is the class of all
the characters that fold to it, in either case (``a`` is ``[aAàÀáÁ…ặẶ]``, ``d`` is
``[dDđĐ]``): the same matches as searching the folded, lower-cased text, without
folding the text of every hit (a ``str.translate`` through a dictionary costs about
60 µs for a page; the regular expression scans it in a few). Folded matching marks
exact and folded matches alike, as both match the query. The densest stretches around
the matches are shown.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left
from html import escape

from search.analyzer import fold
from search.planner import Marks

WIDTH = 200        # characters per snippet, about 30 words
MAX_SNIPPETS = 2
_WORD_EDGE = r"[^\W_]"


@functools.cache
def _variants() -> dict[str, str]:
    """For each folded lower-case character, the characters that lower-case and fold to
    it (``"d"`` → ``"DdĐđ"``)."""
    out: dict[str, list[str]] = {}
    for cp in range(0x20, 0x2200):
        c = chr(cp)
        low = c.lower()
        if len(low) == 1:
            f = fold(low)
            if len(f) == 1:
                out.setdefault(f, []).append(c)
    return {k: "".join(v) for k, v in out.items()}


def _letters(word: str) -> str:
    """A regular expression of ``word`` (folded, lower case) matching its every form;
    a number also as written with thousands separators (``501363``: ``501.363``)."""
    if word.isdigit() and word.isascii() and len(word) > 3:
        head = len(word) % 3 or 3
        groups = [word[:head]] + [word[i:i + 3] for i in range(head, len(word), 3)]
        return r"[.,]?".join(groups)
    table = _variants()
    out = []
    for ch in word:
        chars = table.get(ch, "")
        if ch not in chars:  # a character beyond the table (it only holds what folds)
            chars = ch + chars
        upper = ch.upper()
        if len(upper) == 1 and upper not in chars:
            chars += upper
        out.append(re.escape(chars) if len(chars) == 1 else
                   "[" + "".join(re.escape(c) for c in chars) + "]")
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _compiled(words: frozenset[str], prefixes: frozenset[str]):
    """``(pattern, checked)``: with ``checked`` the pattern has no look-behind and a
    match must be checked to start a word (see :func:`_matches`)."""
    parts = [_letters(w) for w in sorted(words, key=lambda w: (-len(w), w)) if w]
    parts += [_letters(p) + r"[^\W_]*" for p in sorted(prefixes) if p]
    if not parts:
        return None, False
    # A leading look-behind makes the engine try every position of the text; without
    # it the engine skips ahead to a possible first letter. It can be checked after
    # the match when every word is made of word characters: a match that does not
    # start a word then lies inside one, so it hides no match that does.
    checked = all(w.isalnum() for w in words | prefixes if w)
    body = f"(?:{'|'.join(parts)})(?!{_WORD_EDGE})"
    return re.compile(body if checked else f"(?<!{_WORD_EDGE}){body}"), checked


def _pattern(marks: Marks):
    words = frozenset({fold(w) for w in marks.exact} | set(marks.folded))
    return _compiled(words, frozenset(marks.prefixes))


def _matches(pattern, checked: bool, text: str) -> list[tuple[int, int]]:
    if not checked:
        return [m.span() for m in pattern.finditer(text)]
    return [(a, b) for a, b in (m.span() for m in pattern.finditer(text))
            if a == 0 or not text[a - 1].isalnum()]


def snippets(texts: list[str], marks: Marks, width: int = WIDTH,
             limit: int = MAX_SNIPPETS) -> list[str]:
    """Up to ``limit`` snippets from the first of ``texts`` that matches, matches in
    ``<mark>``; the opening words of the first text if none matches."""
    pattern, checked = _pattern(marks)
    out: list[str] = []
    fallback = None
    for text in texts:
        if not text:
            continue
        text = unicodedata.normalize("NFC", text)
        # Tone-mark placement (what ``normalize`` adds to lower case) only moves marks
        # that folding strips, so it is not needed to find the words here.
        hits = _matches(pattern, checked, text) if pattern else []
        if not hits:
            if fallback is None:
                fallback = _render(text, 0, width, [])
            continue
        starts = [a for a, _ in hits]
        used: list[tuple[int, int]] = []
        while len(out) < limit:
            best, best_start = 0, None
            for a in starts:
                start = max(0, a - width // 4)
                if any(u < start + width and start < v for u, v in used):
                    continue
                n = bisect_left(starts, start + width) - bisect_left(starts, start)
                if n > best:
                    best, best_start = n, start
            if best_start is None:
                break
            used.append((best_start, best_start + width))
            inside = [h for h in hits if best_start <= h[0] and h[1] <= best_start + width]
            out.append(_render(text, best_start, best_start + width, inside))
        if out:  # the best text matched: later ones (a title) add little
            break
    if not out and fallback:
        out.append(fallback)
    return out


def _render(text: str, start: int, end: int, hits: list[tuple[int, int]]) -> str:
    """HTML of ``text[start:end]`` widened to whole words, ``hits`` marked."""
    if start > 0:
        cut = text.rfind(" ", 0, start)
        start = cut + 1 if cut >= 0 else 0
    if end < len(text):
        cut = text.find(" ", end)
        end = cut if cut >= 0 else len(text)
    end = max(end, max((b for _, b in hits), default=end))
    parts = ["…" if start > 0 else ""]
    pos = start
    for a, b in hits:
        parts.append(escape(text[pos:a]))
        parts.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    parts.append(escape(text[pos:end]))
    if end < len(text):
        parts.append("…")
    return " ".join("".join(parts).split())
