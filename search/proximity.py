"""Proximity and order of the words of an unquoted query: a second ranking stage.

People type a place, a programme or a name as the words stand on the page ("nông thôn
mới", "xã Tân Hòa", "Nguyễn Văn Hùng") and expect the page that has them together, in
that order, before pages where the same words stand scattered. BM25 cannot see that
(it scores each word apart) and the index keeps no positions (postings are
``Existence``), only adjacent word pairs (:func:`search.fields.text_terms`), which say
nothing about words two or three apart.

So :class:`Proximity` is a score-only part of a query (it sits in the planner's
``Bonus``, which :func:`search.scoring.score_docs` evaluates only at the
:data:`~search.scoring.RERANK` best matches of the required part per segment): for
each of those pages it reads the stored text once, finds where the typed words stand
and grades the closest arrangement:

* the exact sequence: :data:`EXACT` (1.0);
* all the words in order within a few more words: :data:`NEAR_IN_ORDER` less a little
  per word between them;
* all the words within a small window, in another order: :data:`NEAR_ANY_ORDER` less a
  little per word between;
* scattered: 0.

The score is ``level × WEIGHT × ideal(the typed words' parts)`` and its ideal the same
at level 1 (:func:`search.scoring.proximity_weight`): a page's coverage grows with its
closeness. Whatever the words' own parts give a page (exact forms, which count more, or
folded ones; a short page or a long one) differs between two pages by at most their
ideal, so with ``WEIGHT`` = 10 every step between levels (at least 0.1) outweighs it:
closeness comes first, and at equal closeness the words' own scores decide (the page
with the typed diacritics first: the exact-over-folded rule). The finer steps within
"near" (a word more between) weigh half of it.
Cost: for multi-word queries only, at most ``RERANK`` pages per segment, each one
decompression and one pass of the highlighter's regular expression over its text (the
page is never folded: :func:`_positions`); the grades are kept on the query node, so the
coverage pass of the same query reads no page twice. :func:`closeness` grades a list of
folded words the same way (tests and benchmarks use it).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

from whoosh import query as wq

from search.analyzer import _WORD, fold, join_numbers, normalize
from search.highlight import _compiled, _matches

EXACT = 1.0
NEAR_IN_ORDER = 0.5      # all in order, one word between; less STEP per further word
NEAR_ANY_ORDER = 0.25    # all within the window in another order (no word between)
STEP = 0.05
WINDOW = 4               # at most so many other words among the typed ones to be "near"
WEIGHT = 10.0
LONG_GAP = 80            # characters: more than WINDOW words of any real text


def folded_words(text: str) -> list[str]:
    """The folded words of ``text`` in order, numbers joined as the index joins them."""
    return _WORD.findall(fold(normalize(join_numbers(text))))


def closeness(words: list[str], slots: list[frozenset[str]]) -> float:
    """The grade (see the module docstring) of the closest arrangement in ``words`` of
    one form of each slot (a slot: the folded forms that stand for one typed word)."""
    where = _where(slots)
    pos: list[list[int]] = [[] for _ in slots]
    for i, w in enumerate(words):
        for s in where.get(w, ()):
            pos[s].append(i)
    return _grade(pos, slots)


def _where(slots) -> dict[str, list[int]]:
    where: dict[str, list[int]] = {}
    for s, forms in enumerate(slots):
        for f in forms:
            where.setdefault(f, []).append(s)
    return where


def _grade(pos: list[list[int]], slots) -> float:
    n = len(slots)
    if n < 2 or not all(pos):
        return 0.0
    later = [set(p) for p in pos]
    for p in pos[0]:
        if all(p + i in later[i] for i in range(1, n)):
            return EXACT
    extra = _ordered_span(pos) - n
    if extra <= WINDOW:
        return NEAR_IN_ORDER - STEP * (extra - 1)
    extra = _any_order_span(pos, n) - len(set(slots))
    if extra <= WINDOW:
        return NEAR_ANY_ORDER - STEP * extra / 2
    return 0.0


def _positions(text: str, n: int, pattern, checked: bool, where) -> list[list[int]]:
    """Word positions of each slot in ``text``, found as the highlighter finds words
    (one regular expression of letter classes over the original text, no folding of
    the page): a position is the number of words before the match."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    pos: list[list[int]] = [[] for _ in range(n)]
    count, last = 0, 0
    for a, b in _matches(pattern, checked, text):
        # Words between two matches are counted where it can matter (a short gap);
        # a long one only needs to count as farther than any window.
        count += len(_WORD.findall(text, last, a)) if a - last < LONG_GAP \
            else WINDOW + 1 + text.count(" ", last, a)
        last = b
        word = fold(text[a:b].lower())
        if not word.isalpha():
            word = join_numbers(word).replace(".", "").replace(",", "")
        for s in where.get(word, ()):
            pos[s].append(count)
        count += 1
    return pos


def _ordered_span(pos: list[list[int]]) -> int:
    """The fewest words spanned by one occurrence of each slot, in slot order."""
    best = 1 << 30
    for start in pos[0]:
        cur = start
        for p in pos[1:]:
            k = bisect_right(p, cur)
            if k == len(p):
                return best  # later starts cannot complete either
            cur = p[k]
        best = min(best, cur - start + 1)
    return best


def _any_order_span(pos: list[list[int]], n: int) -> int:
    """The fewest words of a window holding every slot, in any order."""
    events = sorted((p, s) for s, ps in enumerate(pos) for p in ps)
    need: dict[int, int] = {}
    best, have, lo = 1 << 30, 0, 0
    for p, s in events:
        need[s] = need.get(s, 0) + 1
        if need[s] == 1:
            have += 1
        while have == n:
            lp, ls = events[lo]
            best = min(best, p - lp + 1)
            need[ls] -= 1
            if not need[ls]:
                have -= 1
            lo += 1
    return best


class Proximity(wq.Query):
    """Score-only query part: the closeness of the typed words on a page (see the
    module docstring). ``slots``: per typed word, its folded forms (the word, or the
    readings of a misread word); ``texts``: from a page's stored ``d`` column, the
    texts to look in (each apart: a sequence never spans two). Matches nothing by
    itself; the executor never asks it for documents (it is only in ``Bonus``)."""

    def __init__(self, fieldname: str, slots: list[frozenset[str]], texts,
                 parts=(), column: str = "d"):
        self.fieldname = fieldname
        #: The query parts of the typed words: the weight is measured against them.
        self.parts = list(parts)
        self.slots = [frozenset(s) for s in slots]
        self.texts = texts
        self.column = column
        self.boost = 1.0
        self._grades: dict[tuple[int, int], float] = {}
        self._pattern = None
        self._pairs: dict[int, set[int]] = {}
        self._where: dict[str, list[int]] = {}

    def __repr__(self):
        return f"Proximity({self.fieldname!r}, {[sorted(s) for s in self.slots]!r})"

    def __eq__(self, other):
        return isinstance(other, Proximity) and other.fieldname == self.fieldname \
            and other.slots == self.slots

    def __hash__(self):
        return hash((self.fieldname, tuple(self.slots)))

    def is_leaf(self):
        return True

    def children(self):
        return []

    def pair_docs(self, seg) -> set[int]:
        """The documents of ``seg`` holding the pair term of a two-word run."""
        got = self._pairs.get(id(seg))
        if got is None:
            a, b = (next(iter(s)) for s in self.slots)
            text = f"{a} {b}"
            got = set(seg.postings(self.fieldname, text)[0]) \
                if seg.df(self.fieldname, text) else set()
            self._pairs[id(seg)] = got
        return got

    def grades(self, seg, docs) -> dict[int, float]:
        """``{doc: grade}`` for the local documents ``docs`` of segment ``seg`` (those
        with a grade above 0)."""
        if self._pattern is None:
            forms = frozenset(f for s in self.slots for f in s)
            self._pattern = _compiled(forms, frozenset())
            self._where = _where(self.slots)
        pattern, checked = self._pattern
        # Two words (one form each): the page has them in sequence exactly where it
        # has their pair term, which the index holds: no text to read for those.
        pair = self.pair_docs(seg) if len(self.slots) == 2 and all(
            len(s) == 1 for s in self.slots) else None
        out = {}
        for d in docs:
            key = (id(seg), d)
            g = self._grades.get(key)
            if g is None and pair is not None and d in pair:
                g = self._grades[key] = EXACT
            if g is None:
                g = 0.0
                for text in self.texts(seg.stored(d, self.column)):
                    if text:
                        pos = _positions(text, len(self.slots), pattern, checked,
                                         self._where)
                        g = max(g, _grade(pos, self.slots))
                        if g >= EXACT:
                            break
                self._grades[key] = g
            if g:
                out[d] = g
        return out


def slot_forms(word: str) -> frozenset[str]:
    """The folded forms of one typed word (several for a number with separators)."""
    return frozenset({fold(normalize(join_numbers(word)))})
