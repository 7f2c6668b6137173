"""Snippets of a hit's text with the matched words marked, safe to put in HTML.

The index holds analysed terms, not positions, so snippets are cut from the stored text.
The text is folded once (every character kept in place: folding maps one character to
one), the words the query asked for (:class:`search.planner.Marks`, folded) are found
in it with one regular expression, and the densest stretches around them are shown with
the original characters. Folded matching marks exact and folded matches alike, as both
match the query.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from html import escape

from search.analyzer import fold
from search.planner import Marks

WIDTH = 200        # characters per snippet, about 30 words
MAX_SNIPPETS = 2
_WORD_EDGE = r"[^\W_]"


def _pattern(marks: Marks) -> re.Pattern | None:
    words = {fold(w) for w in marks.exact} | set(marks.folded)
    parts = [re.escape(w) for w in sorted(words, key=len, reverse=True) if w]
    parts += [re.escape(p) + r"[^\W_]*" for p in sorted(marks.prefixes) if p]
    if not parts:
        return None
    return re.compile(f"(?<!{_WORD_EDGE})(?:{'|'.join(parts)})(?!{_WORD_EDGE})")


def snippets(texts: list[str], marks: Marks, width: int = WIDTH,
             limit: int = MAX_SNIPPETS) -> list[str]:
    """Up to ``limit`` snippets from the first of ``texts`` that matches, matches in
    ``<mark>``; the opening words of the first text if none matches."""
    pattern = _pattern(marks)
    out: list[str] = []
    fallback = None
    for text in texts:
        if not text:
            continue
        text = unicodedata.normalize("NFC", text)
        # Tone-mark placement (what ``normalize`` adds to lower case) only moves marks
        # that folding then strips, so it is not needed to find the words here.
        folded = fold(text.lower())
        if len(folded) != len(text):  # a rare character changed length: no marks
            folded = None
        hits = [m.span() for m in pattern.finditer(folded)] if pattern and folded else []
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
