"""Running a planned query on one kind's index: the exact set of matching documents
(for totals, facets and sorting by date), scope, facets and date order.

Why not let Whoosh do it: Whoosh's matchers step through documents one Python call at
a time, and counting 30,000 matches (or faceting them, or scoring them) that way takes
far longer than the 20 ms a name search may. Here the matches are computed per segment
with set algebra on whole posting blocks (:mod:`search.segment`): the rarest part of
an AND is read, and each longer part is either read too or, when it is much longer than
the candidates left, looked up at those candidates only (one binary search of them in its
decoded list, which long lists keep between searches). Every intermediate result is
remembered for the life of the query, so scoring (:mod:`search.scoring`) reuses it.

Scope is part of the query (:func:`restrict`): records above the user's clearance or
outside the user's units are excluded by term, so every count agrees with the hits.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter

import numpy as np
from whoosh import query as wq

from search.kinds import PERSONAL_TERM
from search.planner import FormsOr
from search.records import AccessScope
from search.segment import Segment

PROBE_RATIO = 6        # probe a part instead of reading it when it is this many
PROBE_MIN = 2_000      # times longer than the candidates (and at least this long)
RANGE_TERMS = 4_096    # at most so many terms in a range


def is_null(q) -> bool:
    return q is wq.NullQuery or isinstance(q, type(wq.NullQuery))


class SegRun:
    """One query's work on one segment. Everything computed is kept (by query node):
    posting lists read, estimates, full match sets, and matches among candidates."""

    def __init__(self, seg: Segment):
        self.seg = seg
        self._leaves: dict = {}     # (field, text) -> (ids, weights)
        self._est: dict = {}        # id(node) -> estimate
        self._full: dict = {}       # id(node) -> set of documents (deleted included)
        self._partial: dict = {}    # id(node) -> (candidates, matching candidates)
        self._ranges: dict = {}     # id(node) -> terms of a range
        self._alive: list = []      # the nodes keyed by id() stay alive while we run

    # -- postings -------------------------------------------------------------------

    def leaf(self, fieldname: str, text):
        """``(ids, weights)`` of a whole posting list (read once)."""
        key = (fieldname, text)
        got = self._leaves.get(key)
        if got is None:
            got = self._leaves[key] = self.seg.postings(fieldname, text)
        return got

    def leaf_among(self, fieldname: str, text, cands: set[int]) -> dict[int, float]:
        """``{doc: weight}`` of a posting list at the candidate documents."""
        return _as_dict(*self.weights_among(fieldname, text, cands))

    def weights_among(self, fieldname: str, text, cands: set[int]):
        """``(docs, weights)`` arrays of a posting list at the candidate documents, in
        document order (``weights`` ``None`` when all are 1). The list is read whole:
        a long one is decoded once into the :data:`~search.segment.HOT` cache, so the
        candidates are a binary search away; a short one is a few blocks."""
        return lookup_arrays(self.leaf(fieldname, text), cands)

    def _day_range(self, q: wq.TermRange):
        """A range of the main date, from the segment's day index (YYYYMMDD terms and
        numbers order alike)."""
        lo = int(q.start) + q.startexcl if q.start else None
        hi = int(q.end) - q.endexcl if q.end else None
        return self.seg.day_range(lo, hi)

    def range_terms(self, q: wq.TermRange) -> list[bytes]:
        got = self._ranges.get(id(q))
        if got is None:
            self._alive.append(q)
            got = self._ranges[id(q)] = range_terms(q, self.seg.reader)
        return got

    # -- estimates ------------------------------------------------------------------

    def est(self, q) -> int:
        """An upper bound of the number of matches of ``q`` (cheap)."""
        got = self._est.get(id(q))
        if got is None:
            self._alive.append(q)
            got = self._est[id(q)] = self._estimate(q)
        return got

    def _estimate(self, q) -> int:
        seg = self.seg
        if isinstance(q, wq.Term):
            try:
                return seg.df(q.fieldname, q.text)
            except Exception:
                return 0
        if isinstance(q, FormsOr):
            return self.est(q.subqueries[-1])
        if isinstance(q, wq.And):
            pos = [self.est(s) for s in q.subqueries if not isinstance(s, wq.Not)]
            return min(pos) if pos else seg.doc_count_all
        if isinstance(q, wq.Or):
            return min(seg.doc_count_all, sum(self.est(s) for s in q.subqueries))
        if isinstance(q, (wq.AndNot, wq.AndMaybe)):
            return self.est(q.a)
        if isinstance(q, wq.TermRange):
            if q.fieldname == "day":
                return len(self._day_range(q))
            return min(seg.doc_count_all, sum(seg.df(q.fieldname, t)
                                              for t in self.range_terms(q)))
        if isinstance(q, wq.WrappingQuery):
            return self.est(q.child)
        if is_null(q):
            return 0
        return seg.doc_count_all

    # -- matching -------------------------------------------------------------------

    def docset(self, q) -> set[int]:
        """The live local document numbers matching ``q``."""
        return self.full(q) - self.seg.deleted

    def full(self, q) -> set[int]:
        """Every document matching ``q`` (deleted ones included), computed once."""
        got = self._full.get(id(q))
        if got is None:
            self._alive.append(q)
            got = self._full[id(q)] = self._evaluate(q)
        return got

    def _evaluate(self, q) -> set[int]:
        if isinstance(q, wq.Term):
            return set(self.leaf(q.fieldname, q.text)[0])
        if isinstance(q, FormsOr):  # the exact term's documents are among the folded's
            return self.full(q.subqueries[-1])
        if isinstance(q, wq.And):
            return self._and(q.subqueries, None)
        if isinstance(q, wq.Or):
            out: set[int] = set()
            for s in q.subqueries:
                out |= self.full(s)
            return out
        if isinstance(q, wq.AndNot):
            return self._and([q.a, wq.Not(q.b)], None)
        if isinstance(q, wq.AndMaybe):
            return self.full(q.a)
        if isinstance(q, wq.Not):
            return self.seg.live() - self.full(q.query)
        if isinstance(q, wq.TermRange):
            if q.fieldname == "day":
                return set(self._day_range(q))
            out = set()
            for t in self.range_terms(q):
                out.update(self.leaf(q.fieldname, t)[0])
            return out
        if isinstance(q, wq.WrappingQuery):
            return self.full(q.child)
        if isinstance(q, wq.Every):
            return self.seg.live()
        if is_null(q):
            return set()
        return set(q.docs(self.seg.searcher))  # a query type not known here

    def _and(self, subqueries, cands: set[int] | None) -> set[int]:
        pos = [s for s in subqueries if not isinstance(s, wq.Not)]
        neg = [s.query for s in subqueries if isinstance(s, wq.Not)]
        pos.sort(key=self.est)
        if cands is None:
            cur = self.full(pos[0]) if pos else self.seg.live()
            pos = pos[1:]
        else:
            cur = cands
        for s in pos:
            if not cur:
                return set()
            cur = self.among(s, cur)
        for s in neg:
            if not cur:
                break
            cur = cur - self.among(s, cur)
        return cur

    def among(self, q, cands: set[int]) -> set[int]:
        """The candidates that match ``q``: from its full match set when known or
        cheap, else by probing ``q``'s posting lists at the candidates."""
        full = self._full.get(id(q))
        if full is not None:
            return cands & full
        seen = self._partial.get(id(q))
        if seen is not None and cands <= seen[0]:
            return cands & seen[1]
        est = self.est(q)
        if est <= PROBE_MIN or est <= PROBE_RATIO * len(cands):
            return cands & self.full(q)
        hits = self._probe(q, cands)
        self._alive.append(q)
        self._partial[id(q)] = (cands, hits)
        return hits

    def _probe(self, q, cands: set[int]) -> set[int]:
        if isinstance(q, wq.Term):
            return set(self.leaf_among(q.fieldname, q.text, cands))
        if isinstance(q, FormsOr):
            return self.among(q.subqueries[-1], cands)
        if isinstance(q, wq.And):
            return self._and(q.subqueries, cands)
        if isinstance(q, wq.Or):
            out: set[int] = set()
            for s in q.subqueries:
                out |= self.among(s, cands - out)
            return out
        if isinstance(q, wq.AndNot):
            cur = self.among(q.a, cands)
            return cur - self.among(q.b, cur) if cur else cur
        if isinstance(q, wq.AndMaybe):
            return self.among(q.a, cands)
        if isinstance(q, wq.TermRange):
            if q.fieldname == "day":
                return cands & self.full(q)
            out = set()
            for t in self.range_terms(q):
                out.update(self.leaf_among(q.fieldname, t, cands))
            return out
        if isinstance(q, wq.WrappingQuery):
            return self.among(q.child, cands)
        return cands & self.full(q)


def lookup(postings, cands: set[int]) -> dict[int, float]:
    """``{doc: weight}`` of the candidates found in a decoded posting list."""
    return _as_dict(*lookup_arrays(postings, cands))


def _as_dict(docs, weights) -> dict[int, float]:
    if weights is None:
        return dict.fromkeys(docs.tolist(), 1.0)
    return dict(zip(docs.tolist(), weights.tolist()))


def lookup_arrays(postings, cands: set[int]):
    """``(docs, weights)`` (numpy arrays; ``weights`` ``None`` when all are 1) of the
    candidates found in a decoded posting list: one vectorised binary search of all of
    them (a Python step per candidate, as ``bisect`` needs, costs ten times more for
    the hundreds a date range leaves)."""
    ids, weights = postings
    n = len(ids)
    if not n or not cands:
        return _NO_DOCS, None
    c = np.fromiter(cands, dtype=np.uint32, count=len(cands))
    c.sort()  # found documents in document order (ties keep it when ranked)
    sorted_ids = np.frombuffer(ids, dtype=np.uint32)
    pos = np.searchsorted(sorted_ids, c)
    np.minimum(pos, n - 1, out=pos)
    found = sorted_ids[pos] == c
    docs = c[found]
    if weights is None:
        return docs, None
    if isinstance(weights, array):
        w = np.frombuffer(weights, dtype=np.dtype(weights.typecode))
    else:  # a short list read for this query: Python floats
        w = np.asarray(weights)
    return docs, w[pos[found]]


_NO_DOCS = np.zeros(0, dtype=np.uint32)


def range_terms(q: wq.TermRange, reader) -> list[bytes]:
    """The terms of a term range in one reader (at most RANGE_TERMS)."""
    out = []
    start = (q.start or "").encode("utf-8")
    end = q.end.encode("utf-8") if q.end is not None else None
    for fieldname, tb in reader.terms_from(q.fieldname, start):
        if fieldname != q.fieldname or (end is not None and tb > end):
            break
        if q.startexcl and tb == start or q.endexcl and tb == end:
            continue
        out.append(tb)
        if len(out) >= RANGE_TERMS:
            break
    return out


def docset(q, seg: Segment) -> set[int]:
    """The live local document numbers matching ``q`` in ``seg`` (a one-off run)."""
    return SegRun(seg).docset(q)


# --------------------------------------------------------------------------- scope

def restrict(q, scope: AccessScope, seg_readers, max_level: int = 3):
    """``q`` limited to what ``scope`` may see, by excluding (or requiring) terms.

    Secrecy: exclude ``sec`` terms above the clearance. Units: exclude the units not
    allowed, or require the allowed ones, whichever posting lists are shorter; records
    without a unit (term ``none``) are excluded for a unit-limited scope. Personal data:
    exclude the personal mark's term unless the scope may see personal data, require it
    for a scope that sees only personal data (kinds without the mark are all personal).
    """
    deny = [wq.Term("sec", str(level)) for level in range(scope.max_secrecy + 1, max_level + 1)]
    marks_personal = any(PERSONAL_TERM[0] in r.schema for r in seg_readers)
    if marks_personal and not scope.personal:
        deny.append(wq.Term(*PERSONAL_TERM))
    elif marks_personal and scope.personal_only:
        q = wq.And([q, wq.ConstantScoreQuery(wq.Term(*PERSONAL_TERM), score=0.0)])
    allow = None
    if scope.unit_ids is not None:
        present = set()
        for reader in seg_readers:
            present.update(t.decode() for t in reader.lexicon("unit"))
        allowed = {str(u) for u in scope.unit_ids} & present
        denied = present - allowed

        def df(terms):
            return sum(r.doc_frequency("unit", t) for r in seg_readers for t in terms)

        if not allowed:
            return wq.NullQuery
        if df(denied) <= df(allowed):
            deny += [wq.Term("unit", t) for t in sorted(denied)]
        else:
            allow = wq.ConstantScoreQuery(
                wq.Or([wq.Term("unit", t) for t in sorted(allowed)]), score=0.0)
    if allow is not None:
        q = wq.And([q, allow])
    if deny:
        q = wq.AndNot(q, wq.Or(deny))
    return q


# -------------------------------------------------------------------- facets, dates

def facet_counts(segments, sets) -> dict[str, Counter]:
    """Counts of type, year and unit over the matching documents of every segment
    (one counting pass per segment, over the segment's distinct combinations)."""
    out = {"type": Counter(), "year": Counter(), "unit": Counter()}
    for seg, s in zip(segments, sets):
        if not s:
            continue
        combo_ids, combos = seg.facet_combos()
        for cid, n in Counter(map(combo_ids.__getitem__, s)).items():
            tc, year, unit = combos[cid]
            out["type"][tc] += n
            out["year"][year] += n
            out["unit"][unit] += n
    return out


def newest(segments, sets, k: int):
    """``(global docnum, day)`` of the ``k`` newest matches, ties in document order."""
    best = []
    for seg, s in zip(segments, sets):
        if s:
            day = seg.column("day")
            best += [(day[d], -(d + seg.offset)) for d in heapq.nlargest(k, s, key=day.__getitem__)]
    return [(-doc, day) for day, doc in heapq.nlargest(k, best)]


def newest_sets(segments, sets, k: int) -> list[set[int]]:
    """Per segment, the matches among the ``k`` newest of all (about ``k``: a day on
    the cut-off is kept whole). The cut-off day comes from the count of each day,
    which is far cheaper than a heap of thousands of entries."""
    days = Counter()
    for seg, s in zip(segments, sets):
        days.update(map(seg.column("day").__getitem__, s))
    cut, kept = 0, 0
    for d in sorted(days, reverse=True):
        kept += days[d]
        cut = d
        if kept >= k:
            break
    out = []
    for seg, s in zip(segments, sets):
        day = seg.column("day")
        out.append({d for d in s if day[d] >= cut})
    return out
