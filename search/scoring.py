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
  positive side, ``AndMaybe`` adds the optional side where it matches, a constant-score
  query gives its constant.

A posting list much longer than the matches is not read: the matches are looked up in
it by skipping (as when counting).
"""

from __future__ import annotations

import heapq
import math
from array import array

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

from search.engine import PROBE_MIN, PROBE_RATIO, SegRun, is_null
from search.planner import FormsOr

B = 0.75
K1 = 1.2


class Stats:
    """Index-wide statistics for BM25 (from the top-level searcher), cached per query."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.n = searcher.doc_count_all()
        self._idf: dict = {}
        self._avg: dict = {}

    def idf(self, fieldname, text) -> float:
        key = (fieldname, text)
        v = self._idf.get(key)
        if v is None:
            df = self.searcher.doc_frequency(fieldname, text)
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
        lens = seg.column(f"_{fieldname}_L", LENGTHS_COLUMN)
        table = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)]
        got = seg.cache(key, array("f", map(table.__getitem__, lens)))
    return got


def score_docs(q, run: SegRun, within: set[int], stats: Stats,
               clamp: bool = False) -> dict[int, float]:
    """Scores of the documents of ``within`` that match ``q`` (all of them, when
    ``within`` is the match set of ``q`` itself). ``clamp``: no term counts for more
    than in a typical perfect match (see :func:`ideal`), so that the score divided by
    the ideal is the fraction of the query a document matches."""
    if not within:
        return {}
    if isinstance(q, wq.Term):
        scores = _term_scores(q, run, within, stats)
        if clamp:
            cap = ideal(q, stats)
            scores = {d: min(s, cap) for d, s in scores.items()}
        return scores
    if isinstance(q, (FormsOr, wq.Or)):
        scores = _sum([score_docs(s, run, within, stats, clamp) for s in q.subqueries])
        if clamp and not isinstance(q, FormsOr):
            cap = ideal(q, stats)
            scores = {d: min(s, cap) for d, s in scores.items()}
        return scores
    if isinstance(q, wq.And):
        pos = [s for s in q.subqueries if not isinstance(s, wq.Not)]
        within = run.among(q, within)
        parts = [score_docs(s, run, within, stats, clamp) for s in pos]
        if not parts:
            return dict.fromkeys(within, 0.0)
        return {d: sum(p.get(d, 0.0) for p in parts) for d in within}
    if isinstance(q, wq.AndNot):
        return score_docs(q.a, run, run.among(q, within), stats, clamp)
    if isinstance(q, wq.AndMaybe):
        base = score_docs(q.a, run, within, stats, clamp)
        extra = score_docs(q.b, run, set(base), stats, clamp)
        return {d: s + extra.get(d, 0.0) for d, s in base.items()}
    if isinstance(q, wq.ConstantScoreQuery):
        return dict.fromkeys(run.among(q.child, within), q.score)
    if isinstance(q, wq.TermRange):
        return dict.fromkeys(run.among(q, within), q.boost)
    if isinstance(q, wq.WrappingQuery):
        return score_docs(q.child, run, within, stats, clamp)
    if isinstance(q, wq.Every):
        return dict.fromkeys(within, 0.0)
    if is_null(q) or isinstance(q, wq.Not):
        return {}
    return dict.fromkeys(run.among(q, within), q.boost)


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
        return dict.fromkeys(run.among(q, within), float(boost))
    found = run.leaf_among(q.fieldname, q.text, within) if run.est(q) > max(
        PROBE_MIN, PROBE_RATIO * len(within)) else _from_leaf(run, q, within)
    if not field.scorable:
        return {d: boost * w for d, w in found.items()}
    c = boost * stats.idf(q.fieldname, q.text)
    norm = _norms(run, q.fieldname, stats.avgfl(q.fieldname))
    k1 = K1 + 1
    return {d: c * w * k1 / (w + norm[d]) for d, w in found.items()}


def _from_leaf(run: SegRun, q, within: set[int]) -> dict[int, float]:
    ids, weights = run.leaf(q.fieldname, q.text)
    if weights is None:
        return dict.fromkeys(within.intersection(ids), 1.0)
    return {d: w for d, w in zip(ids, weights) if d in within}


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
    if isinstance(q, FormsOr):
        return sum(ideal(s, stats) for s in q.subqueries)
    if isinstance(q, wq.And):
        return sum(ideal(s, stats) for s in q.subqueries if not isinstance(s, wq.Not))
    if isinstance(q, wq.Or):
        return max((ideal(s, stats) for s in q.subqueries), default=0.0)
    if isinstance(q, wq.AndMaybe):
        extra = q.b.subqueries if isinstance(q.b, wq.Or) else [q.b]
        return ideal(q.a, stats) + sum(ideal(s, stats) for s in extra)
    if isinstance(q, wq.AndNot):
        return ideal(q.a, stats)
    if isinstance(q, wq.ConstantScoreQuery):
        return q.score
    if isinstance(q, wq.TermRange):
        return q.boost
    if isinstance(q, wq.WrappingQuery):
        return ideal(q.child, stats)
    return 0.0


def _rank(item):
    return item[1], -item[0]


def top(scored: list[tuple[int, dict]], k: int) -> list[tuple[float, int]]:
    """The ``k`` best ``(score, global docnum)``, ties broken by document order."""
    best = []
    for offset, scores in scored:
        best += [(s, d + offset) for d, s in heapq.nlargest(k, scores.items(), key=_rank)]
    best.sort(key=lambda x: (-x[0], x[1]))
    return best[:k]
