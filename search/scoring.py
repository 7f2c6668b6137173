"""Scores of the matching documents, computed from whole posting lists.

Whoosh's collector scores a match by walking a tree of Python matcher objects (tens of
microseconds per document for the queries the planner builds: unions of exact and
folded forms, alternatives of own and related names) and its block-skipping rarely
helps when several alternatives are active. Here the set of matches is already known
(:mod:`search.engine`), so scores are accumulated per term over those documents only:

* a term in a field without BM25 scores ``boost × weight`` (weight 1, or the number
  of times the value was given);
* a term in a BM25 field scores Whoosh's BM25F (``B=0.75``, ``K1=1.2``, the same idf
  and average length); the length part of the formula is precomputed per segment;
* ``Or`` sums the alternatives that match, ``And`` sums its parts, ``AndNot`` scores its
  positive side, a constant-score query gives its constant; ``AndMaybe`` adds its
  optional side to the :data:`RERANK` best matches of its required side (a second,
  re-ranking stage: the optional parts are word pairs, title words and the closeness
  of the typed words, :mod:`search.proximity`).

A term's matches are found in its decoded posting list with one vectorised binary search
and its BM25 is one numpy expression over them (:meth:`SegRun.weights_among`); a long
list not yet decoded is probed block by block at the matches only (as when counting).
"""

from __future__ import annotations

import heapq
from operator import itemgetter
import math
from array import array

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

from search.engine import SegRun, is_null
from search.planner import Alternatives, Bonus, Extra, FormsOr
from search.proximity import WEIGHT, Proximity

_SCORE = itemgetter(1)
#: Optional parts of a query (words found next to each other, in the title) re-rank
#: the matches that score best without them, this many per segment.
RERANK = 200
#: Of those, the closeness of the typed words (:mod:`search.proximity`, which reads the
#: page text) re-ranks this many per segment.
CLOSENESS_RERANK = 20
B = 0.75
K1 = 1.2


class Stats:
    """Index-wide statistics for BM25 (from the top-level searcher), cached per query."""

    def __init__(self, searcher, df=None):
        self.searcher = searcher
        self._doc_frequency = df or searcher.doc_frequency
        self.n = searcher.doc_count_all()
        self._idf: dict = {}
        self._avg: dict = {}

    def idf(self, fieldname, text) -> float:
        key = (fieldname, text)
        v = self._idf.get(key)
        if v is None:
            df = self._doc_frequency(fieldname, text)
            v = self._idf[key] = math.log(self.n / (df + 1)) + 1
        return v

    def avgfl(self, fieldname) -> float:
        v = self._avg.get(fieldname)
        if v is None:
            v = self._avg[fieldname] = (self.searcher.field_length(fieldname)
                                        / (self.n or 1)) or 1.0
        return v


def _norms(run: SegRun, fieldname: str, avgfl: float) -> array:
    """Per document ``K1 * ((1 - B) + B * length / avgfl)`` for a BM25 field (cached on
    the segment, keyed by the average length it was computed with)."""
    seg = run.seg
    key = f"_norm_{fieldname}_{avgfl:.6f}"
    got = seg.cached(key)
    if got is None:
        seg.forget(f"_norm_{fieldname}_")  # computed with an average length before a commit
        lens = seg.column(f"_{fieldname}_L", LENGTHS_COLUMN)
        table = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)]
        got = seg.cache(key, array("f", map(table.__getitem__, lens)))
    return got


class Groups(list):
    """Scores as ``[(documents, score)]`` with disjoint document sets: what a query of
    boost-only terms gives (names, keys, dates), combined with set operations in C
    instead of a Python step per document. BM25 terms give plain ``{doc: score}``
    dicts; mixing the two falls back to dicts."""


GROUP_LIMIT = 64


def _groups(docs: set[int], value: float) -> "Groups":
    return Groups([(docs, value)] if docs else [])


def _table(scores) -> dict[int, float]:
    if isinstance(scores, dict):
        return scores
    out: dict[int, float] = {}
    for docs, value in scores:
        out.update(dict.fromkeys(docs, value))
    return out


def _scale(scores, factor: float):
    if isinstance(scores, Groups):
        return Groups((docs, v * factor) for docs, v in scores)
    return {d: v * factor for d, v in scores.items()}


def _cap(scores, cap: float):
    if isinstance(scores, Groups):
        return Groups((docs, min(v, cap)) for docs, v in scores)
    return {d: min(v, cap) for d, v in scores.items()}


def _plus(a: "Groups", b: "Groups") -> "Groups":
    """Sum of two group scorings, over the documents of either."""
    out = Groups()
    for da, va in a:
        rest = da
        for db, vb in b:
            both = rest & db
            if both:
                out.append((both, va + vb))
                rest = rest - both
        if rest:
            out.append((rest, va))
    a_all = set().union(*(docs for docs, _ in a)) if a else set()
    for db, vb in b:
        only = db - a_all
        if only:
            out.append((only, vb))
    return out


def _best(parts: list) -> "Groups | dict":
    """Per document, the best of the parts that match it."""
    parts = [p for p in parts if p]
    if not parts:
        return Groups()
    if len(parts) == 1:
        return parts[0]
    if all(isinstance(p, Groups) for p in parts):
        # Highest values first: a document keeps the first (best) group it is in.
        out, seen = Groups(), set()
        for docs, v in sorted((g for p in parts for g in p), key=lambda g: -g[1]):
            new = docs - seen
            if new:
                out.append((new, v))
                seen |= new
        return out
    out: dict[int, float] = {}
    for p in parts:
        for d, v in _table(p).items():
            if v > out.get(d, -1.0):
                out[d] = v
    return out


def _add(parts: list) -> "Groups | dict":
    """Sum over the documents of any part."""
    parts = [p for p in parts if p]
    if not parts:
        return Groups()
    if all(isinstance(p, Groups) for p in parts):
        out = parts[0]
        for p in parts[1:]:
            out = _plus(out, p)
            if len(out) > GROUP_LIMIT:
                return _sum([_table(x) for x in parts])
        return out
    return _sum([_table(p) for p in parts])


def _restrict(scores, docs: set[int]):
    if isinstance(scores, Groups):
        return Groups((d & docs, v) for d, v in scores if not d.isdisjoint(docs))
    return {d: v for d, v in scores.items() if d in docs}


def score_docs(q, run: SegRun, within: set[int], stats: Stats, clamp: bool = False):
    """Scores (:class:`Groups` or a dict) of the documents of ``within`` that match
    ``q`` (all of them, when ``within`` is the match set of ``q`` itself). ``clamp``:
    no term counts for more than in a typical perfect match (see :func:`ideal`), so
    that the score divided by the ideal is the fraction of the query matched."""
    if not within:
        return Groups()
    if isinstance(q, Proximity):  # the closeness of the typed words (a re-ranking part)
        w = proximity_weight(q, stats)
        return {d: g * w for d, g in q.grades(run.seg, within).items()}
    if isinstance(q, wq.Term):
        scores = _term_scores(q, run, within, stats)
        return _cap(scores, ideal(q, stats)) if clamp else scores
    if isinstance(q, Extra) and clamp:
        return Groups()  # a preference, not a part of the query to be matched
    if isinstance(q, Alternatives) and not clamp:
        return _best([score_docs(s, run, within, stats, clamp) for s in q.subqueries])
    if isinstance(q, (FormsOr, Bonus)) or isinstance(q, wq.Or) and not clamp:
        return _add([score_docs(s, run, within, stats, clamp) for s in q.subqueries])
    if isinstance(q, wq.Or):
        # Coverage of alternatives (own name or a parent's, this field or that): an
        # alternative matched in full covers the whole part, whatever its boost.
        cap = ideal(q, stats)
        parts = []
        for s in q.subqueries:
            own = ideal(s, stats)
            part = score_docs(s, run, within, stats, clamp)
            parts.append(_scale(part, cap / own) if own else part)
        combined = _best(parts) if isinstance(q, Alternatives) else _add(parts)
        return _cap(combined, cap)
    if isinstance(q, wq.And):
        pos = [s for s in q.subqueries if not isinstance(s, wq.Not)]
        within = run.among(q, within)
        if not pos:
            return _groups(within, 0.0)
        # Every part matches every document here: sum the parts over ``within``.
        return _restrict(_add([score_docs(s, run, within, stats, clamp) for s in pos]),
                         within)
    if isinstance(q, wq.AndNot):
        return score_docs(q.a, run, run.among(q, within), stats, clamp)
    if isinstance(q, wq.AndMaybe):
        base = score_docs(q.a, run, within, stats, clamp)
        docs = _best_docs(base, RERANK)
        b, close = q.b, []
        if isinstance(b, Bonus) and any(isinstance(s, Proximity) for s in b.subqueries):
            close = [s for s in b.subqueries if isinstance(s, Proximity)]
            b = Bonus([s for s in b.subqueries if not isinstance(s, Proximity)])
        extra = score_docs(b, run, docs, stats, clamp) if b.subqueries else Groups()
        if not close:
            return _add([base, extra])
        # Closeness reads page text: only at the best of the best, with their pairs
        # and title words counted (a page with the words in sequence has their pairs).
        first = _add([_restrict(base, docs), extra])
        near = _best_docs(first, CLOSENESS_RERANK)
        return _add([base, extra] + [score_docs(c, run, near, stats, clamp) for c in close])
    if isinstance(q, wq.ConstantScoreQuery):
        return _groups(run.among(q.child, within), q.score)
    if isinstance(q, wq.TermRange):
        return _groups(run.among(q, within), q.boost)
    if isinstance(q, wq.WrappingQuery):
        return score_docs(q.child, run, within, stats, clamp)
    if isinstance(q, wq.Every):
        return _groups(set(within), 0.0)
    if is_null(q) or isinstance(q, wq.Not):
        return Groups()
    return _groups(run.among(q, within), q.boost)


def _best_docs(scores, n: int) -> set[int]:
    """The documents of ``scores`` (all, or the ``n`` best when there are more)."""
    if isinstance(scores, Groups):
        docs = set().union(*(d for d, _ in scores))
        if len(docs) <= n:
            return docs
        out: set[int] = set()
        for d, _ in sorted(scores, key=lambda g: -g[1]):
            out |= d if len(out) + len(d) <= n else set(heapq.nsmallest(n - len(out), d))
            if len(out) >= n:
                break
        return out
    if len(scores) <= n:
        return set(scores)
    return {d for d, _ in heapq.nlargest(n, scores.items(), key=_SCORE)}


def _sum(parts: list[dict]) -> dict:
    parts = [p for p in parts if p]
    if not parts:
        return {}
    parts.sort(key=len, reverse=True)
    out = dict(parts[0])
    for p in parts[1:]:
        get = out.get
        for d, s in p.items():
            out[d] = get(d, 0.0) + s
    return out


def _term_scores(q, run: SegRun, within: set[int], stats: Stats) -> dict[int, float]:
    schema = run.seg.reader.schema
    if q.fieldname not in schema:
        return {}
    field = schema[q.fieldname]
    boost = q.boost
    if not getattr(field, "weighted", False):
        # Every posting weighs 1: the score is the boost where the term is.
        return _groups(run.among(q, within), float(boost))
    docs, w = run.weights_among(q.fieldname, q.text, within)
    if not len(docs):
        return {}
    if w is None:
        w = np.ones(len(docs))
    if not field.scorable:
        return dict(zip(docs.tolist(), (boost * w).tolist()))
    # BM25 over the found documents at once, in float64 and in the order the formula
    # is written in: the same numbers as one Python step per document gave.
    c = boost * stats.idf(q.fieldname, q.text)
    norm = np.frombuffer(_norms(run, q.fieldname, stats.avgfl(q.fieldname)), dtype=np.float32)
    w = w.astype(np.float64)
    return dict(zip(docs.tolist(), (c * w * (K1 + 1) / (w + norm[docs])).tolist()))


def ideal(q, stats: Stats) -> float:
    """The score of a typical perfect match of ``q``: every part matched once, in a
    page of average length, the best alternative of each ``Or``. Hits are reported
    as a fraction of it, which puts the kinds (BM25 on text, boosts on names) on one
    scale."""
    if isinstance(q, wq.Term):
        field = stats.searcher.schema[q.fieldname] if q.fieldname in stats.searcher.schema \
            else None
        if field is not None and field.scorable:
            return q.boost * stats.idf(q.fieldname, q.text)
        return q.boost
    if isinstance(q, Extra):
        return 0.0
    if isinstance(q, Proximity):
        return proximity_weight(q, stats)
    if isinstance(q, (FormsOr, Bonus)):
        return sum(ideal(s, stats) for s in q.subqueries)
    if isinstance(q, wq.And):
        return sum(ideal(s, stats) for s in q.subqueries if not isinstance(s, wq.Not))
    if isinstance(q, wq.Or):
        return max((ideal(s, stats) for s in q.subqueries), default=0.0)
    if isinstance(q, wq.AndMaybe):
        return ideal(q.a, stats) + ideal(q.b, stats)
    if isinstance(q, wq.AndNot):
        return ideal(q.a, stats)
    if isinstance(q, wq.ConstantScoreQuery):
        return q.score
    if isinstance(q, wq.TermRange):
        return q.boost
    if isinstance(q, wq.WrappingQuery):
        return ideal(q.child, stats)
    return 0.0


def proximity_weight(q: Proximity, stats: Stats) -> float:
    """The score of the exact sequence of the typed words: ``WEIGHT`` times the ideal
    of the words' own parts (see :mod:`search.proximity`)."""
    return WEIGHT * sum(ideal(p, stats) for p in q.parts)


def top(scored: list[tuple[int, object]], k: int) -> list[tuple[float, int]]:
    """The ``k`` best ``(score, global docnum)``, ties broken by document order."""
    best = []
    for offset, scores in scored:
        if isinstance(scores, Groups):
            for docs, value in sorted(scores, key=lambda g: -g[1]):
                need = k - len(best)
                if need <= 0 and value < best[-1][0]:
                    break
                best += [(value, d + offset) for d in heapq.nsmallest(max(need, k), docs)]
                best.sort(key=lambda x: (-x[0], x[1]))
                del best[k:]
        else:
            best += [(s, d + offset) for d, s in heapq.nlargest(k, scores.items(), key=_SCORE)]
            best.sort(key=lambda x: (-x[0], x[1]))
            del best[k:]
    return best
