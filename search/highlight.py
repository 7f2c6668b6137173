"""Snippets of a hit's text with the matched words marked, safe to put in HTML.

The index holds analysed terms, not positions, so snippets are cut from the stored text:
every word is compared, in exact and folded form, with what the query asked for
(:class:`search.planner.Marks`), and the densest windows of matches are kept.
"""

from __future__ import annotations

from bisect import bisect_left
from html import escape

from search.analyzer import word_forms_spans
from search.planner import Marks

WINDOW = 28        # words per snippet
MAX_SNIPPETS = 2


def _matches(spans, marks: Marks) -> list[int]:
    exact, folded, prefixes = marks.exact, marks.folded, tuple(marks.prefixes)
    out = []
    for i, (_, _, e, f) in enumerate(spans):
        if f in folded or e in exact or (prefixes and f.startswith(prefixes)):
            out.append(i)
    return out


def snippets(texts: list[str], marks: Marks, window: int = WINDOW,
             limit: int = MAX_SNIPPETS) -> list[str]:
    """Up to ``limit`` snippets from ``texts`` (tried in order), matches in ``<mark>``.
    A text without any match gives its opening words if nothing else matched."""
    out: list[str] = []
    fallback = None
    for text in texts:
        if not text:
            continue
        spans = word_forms_spans(text)
        hits = _matches(spans, marks)
        if not hits:
            if fallback is None:
                fallback = _render(text, spans, 0, min(window, len(spans)), set())
            continue
        hitset = set(hits)
        used: list[tuple[int, int]] = []
        # Greedy: the window with the most matches, then the next one not overlapping.
        while len(out) < limit:
            best, best_start = 0, None
            for h in hits:
                start = max(0, h - window // 4)
                if any(a < start + window and start < b for a, b in used):
                    continue
                n = bisect_left(hits, start + window) - bisect_left(hits, start)
                if n > best:
                    best, best_start = n, start
            if best_start is None:
                break
            end = min(len(spans), best_start + window)
            used.append((best_start, end))
            out.append(_render(text, spans, best_start, end, hitset))
        if len(out) >= limit:
            break
    if not out and fallback:
        out.append(fallback)
    return out


def _render(text: str, spans, start: int, end: int, hits: set[int]) -> str:
    """HTML for words ``start..end`` of ``text`` (with the text between them)."""
    if not spans:
        return escape(text[:200])
    lo = spans[start][0]
    hi = spans[end - 1][1]
    parts = ["…" if start > 0 else ""]
    pos = lo
    for i in range(start, end):
        s, e = spans[i][:2]
        parts.append(escape(text[pos:s]))
        word = escape(text[s:e])
        parts.append(f"<mark>{word}</mark>" if i in hits else word)
        pos = e
    parts.append("…" if end < len(spans) else escape(text[hi:hi + 1]).strip())
    return " ".join("".join(parts).split())
