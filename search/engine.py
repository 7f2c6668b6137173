"""Running a planned query on one kind's index: the exact set of matching documents
(for totals, facets and sorting by date), the best-scored page of hits, and scope.

Why not let Whoosh do all of it: Whoosh's matchers step through documents one Python
call at a time, which is right for finding the 20 best hits (its block-quality skipping
avoids most documents) but slow for counting 30,000 matches or faceting them. Here the
set of matches is computed per segment with set algebra on whole posting blocks
(``array``/``set`` operations run in C), probing a long posting list with ``skip_to``
only when the other side is much shorter; facets and date order come from numeric
columns loaded once per segment. Scores still come from Whoosh (BM25F and the
planner's boosts), on the same query.

Scope is part of the query (:func:`restrict`): records above the user's clearance or
outside the user's units are excluded by term, so every count agrees with the hits.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from array import array
from collections import Counter
from itertools import accumulate

from whoosh import query as wq
from whoosh.matching import ListMatcher

from search.kinds import VALUE_NAMES, VALUES
from search.planner import FormsOr
from search.records import AccessScope

PROBE_RATIO = 6        # probe a posting list instead of reading it when it is this
PROBE_MIN = 2_000      # many times longer than the candidates (and at least this long)
RANGE_TERMS = 4_096    # at most so many terms in a range


class Segment:
    """One leaf reader with its document offset and lazily loaded columns."""

    def __init__(self, reader, offset: int, searcher):
        self.reader = reader
        self.offset = offset
        self.searcher = searcher
        self.deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        self.doc_count_all = reader.doc_count_all()
        self._columns: dict[str, array] = {}

    def column(self, name: str, column=None):
        """A per-document number (``day``, ``unit``, ``tc``, ``year``, ``sec``, or an
        internal column such as field lengths) as a sequence indexed by local document
        number, loaded once."""
        col = self._columns.get(name)
        if col is None:
            if name in VALUE_NAMES:
                self._load_values()
                return self._columns[name]
            col = self._columns[name] = _load_column(self.reader, name, self.doc_count_all,
                                                     column)
        return col

    def _load_values(self):
        count = self.doc_count_all
        raw = b""
        if self.reader.has_column("vals"):
            creader = self.reader.column_reader("vals", self.reader.schema["vals"].column_type,
                                                translate=False)
            raw = creader._dbfile.get(creader._basepos, creader._count * creader._fixedlen)
        raw += bytes(VALUES.size * count - len(raw))
        rows = list(zip(*VALUES.iter_unpack(raw))) if count else [()] * len(VALUE_NAMES)
        for name, code, values in zip(VALUE_NAMES, "iiIhb", rows):
            self._columns[name] = array(code, values)

    def live(self) -> set[int]:
        return set(range(self.doc_count_all)) - self.deleted


def _load_column(reader, name, count, column=None):
    """Read a ``NumericColumn`` in one piece (the stock reader unpacks value by value)."""
    if column is None:  # a schema field's column
        if not reader.has_column(name):
            return array("i", bytes(4 * count))
        creader = reader.column_reader(name, reader.schema[name].column_type,
                                       translate=False)
    else:  # an internal column (field lengths): straight from the per-document reader
        perdoc = reader._perdoc
        if not perdoc.has_column(name):
            return array("B", bytes(count))
        creader = perdoc.column_reader(name, column)
    try:
        code = creader._typecode
        raw = creader._dbfile.get(creader._basepos, creader._count * creader._fixedlen)
        out = array(code)
        out.frombytes(raw)
        if out.itemsize > 1:
            out.byteswap()  # stored big-endian
        if len(out) < count:
            out.extend([creader._default] * (count - len(out)))
        return out
    except AttributeError:  # a column type without the private layout: slow path
        return list(creader)


class SegRun:
    """One query's work on one segment: the posting lists read so far (ids, and
    weights for weighted fields) are cached, so counting and scoring read each once."""

    def __init__(self, seg: Segment):
        self.seg = seg
        self.leaves: dict[tuple[str, str], tuple[array, object]] = {}

    def leaf(self, fieldname: str, text) -> tuple[array, object]:
        """``(ids, weights)`` of a term in this segment, deleted documents included;
        ``weights`` is ``None`` (all 1.0), one float, or a sequence parallel to ids."""
        key = (fieldname, text)
        got = self.leaves.get(key)
        if got is None:
            got = self.leaves[key] = read_postings(self.seg.reader, fieldname, text)
        return got

    def ids(self, fieldname: str, text) -> array:
        return self.leaf(fieldname, text)[0]

    def docset(self, q) -> set[int]:
        """The live local document numbers matching ``q``."""
        return _eval(q, self) - self.seg.deleted


def read_postings(reader, fieldname: str, text) -> tuple[array, object]:
    """Read one posting list whole, a block at a time (not posting by posting)."""
    tb = text.encode("utf-8") if isinstance(text, str) else text
    if (fieldname, tb) not in reader:
        return array("I"), None
    m = reader._terms.matcher(fieldname, tb, reader.schema[fieldname].format)
    if isinstance(m, ListMatcher):
        w = m._weights
        return array("I", m._ids), (None if w is None else list(w))
    ids = array("I")
    weights: list | None = None
    try:
        while True:
            if m._data is None:
                m._read_data()
            start = len(ids)
            ids.extend(accumulate(m._data[0]))
            bw = m._data[1]
            if bw is not None or weights is not None:
                if weights is None:
                    weights = [1.0] * start
                if bw is None:
                    bw = 1.0
                weights.extend([bw] * (len(ids) - start) if isinstance(bw, float) else bw)
            if m._lastblock:
                break
            m._goto(m._nextoffset)
    except AttributeError:  # not the W3 layout: the generic way
        ids, weights = array("I"), []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    return ids, weights


def estimate(q, seg: Segment) -> int:
    """An upper bound of the number of matches of ``q`` in ``seg`` (cheap)."""
    if isinstance(q, wq.Term):
        try:
            return seg.reader.doc_frequency(q.fieldname, q.text)
        except Exception:
            return 0
    if isinstance(q, FormsOr):
        return estimate(q.subqueries[-1], seg)
    if isinstance(q, wq.And):
        pos = [estimate(s, seg) for s in q.subqueries if not isinstance(s, wq.Not)]
        return min(pos) if pos else seg.doc_count_all
    if isinstance(q, wq.Or):
        return min(seg.doc_count_all, sum(estimate(s, seg) for s in q.subqueries))
    if isinstance(q, (wq.AndNot, wq.AndMaybe)):
        return estimate(q.a, seg)
    if isinstance(q, wq.WrappingQuery):
        return estimate(q.child, seg)
    if isinstance(q, wq.TermRange):
        reader = seg.reader
        return min(seg.doc_count_all, sum(reader.doc_frequency(q.fieldname, t)
                                          for t in range_terms(q, reader)))
    if is_null(q):
        return 0
    return seg.doc_count_all


def is_null(q) -> bool:
    return q is wq.NullQuery or isinstance(q, type(wq.NullQuery))


def docset(q, seg: Segment) -> set[int]:
    """The live local document numbers matching ``q`` in ``seg``."""
    return SegRun(seg).docset(q)


def _eval(q, run: SegRun) -> set[int]:
    seg = run.seg
    if isinstance(q, wq.Term):
        return set(run.ids(q.fieldname, q.text))
    if isinstance(q, FormsOr):
        return _eval(q.subqueries[-1], run)
    if isinstance(q, wq.And):
        return _eval_and(q.subqueries, run)
    if isinstance(q, wq.Or):
        out: set[int] = set()
        for s in q.subqueries:
            out |= _eval(s, run)
        return out
    if isinstance(q, wq.AndNot):
        return _eval_and([q.a, wq.Not(q.b)], run)
    if isinstance(q, wq.AndMaybe):
        return _eval(q.a, run)
    if isinstance(q, wq.Not):
        return seg.live() - _eval(q.query, run)
    if isinstance(q, wq.TermRange):
        out = set()
        for t in range_terms(q, seg.reader):
            out.update(run.ids(q.fieldname, t))
        return out
    if isinstance(q, wq.WrappingQuery):
        return _eval(q.child, run)
    if isinstance(q, wq.Every):
        return seg.live()
    if is_null(q):
        return set()
    # Anything else (a query type this module does not know): ask Whoosh.
    return set(q.docs(seg.searcher))


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


def _eval_and(subqueries, run: SegRun) -> set[int]:
    seg = run.seg
    pos = [s for s in subqueries if not isinstance(s, wq.Not)]
    neg = [s.query for s in subqueries if isinstance(s, wq.Not)]
    if not pos:
        cur = seg.live()
    else:
        pos.sort(key=lambda s: estimate(s, seg))
        cur = _eval(pos[0], run)
        for s in pos[1:]:
            if not cur:
                return cur
            est = estimate(s, seg)
            if est > PROBE_MIN and est > PROBE_RATIO * len(cur):
                cur = probe(s, seg, cur, keep=True)
            else:
                cur &= _eval(s, run)
    for s in neg:
        if not cur:
            break
        est = estimate(s, seg)
        if est > PROBE_MIN and est > PROBE_RATIO * len(cur):
            cur = probe(s, seg, cur, keep=False)
        else:
            cur -= _eval(s, run)
    return cur


def probe(q, seg: Segment, candidates: set[int], keep: bool) -> set[int]:
    """Candidates that do (``keep``) or do not match ``q``, looked up in q's posting
    lists block by block: only the blocks that may hold a candidate are decoded."""
    hits = _probe(q, seg, sorted(candidates))
    return hits if keep else candidates - hits


def _probe(q, seg: Segment, cands: list[int]) -> set[int]:
    if not cands:
        return set()
    if isinstance(q, wq.Term):
        return {d for d, _ in probe_leaf(seg.reader, q.fieldname, q.text, cands)}
    if isinstance(q, FormsOr):
        return _probe(q.subqueries[-1], seg, cands)
    if isinstance(q, wq.And):
        pos = [s for s in q.subqueries if not isinstance(s, wq.Not)]
        cur = set(cands)
        for s in sorted(pos, key=lambda s: estimate(s, seg)):
            cur = _probe(s, seg, sorted(cur))
        for s in q.subqueries:
            if isinstance(s, wq.Not) and cur:
                cur -= _probe(s.query, seg, sorted(cur))
        return cur
    if isinstance(q, wq.Or):
        out: set[int] = set()
        for s in q.subqueries:
            out |= _probe(s, seg, cands)
        return out
    if isinstance(q, wq.AndNot):
        cur = _probe(q.a, seg, cands)
        return cur - _probe(q.b, seg, sorted(cur)) if cur else cur
    if isinstance(q, wq.AndMaybe):
        return _probe(q.a, seg, cands)
    if isinstance(q, wq.TermRange):
        out = set()
        for t in range_terms(q, seg.reader):
            out.update(d for d, _ in probe_leaf(seg.reader, q.fieldname, t, cands))
        return out
    if isinstance(q, wq.WrappingQuery):
        return _probe(q.child, seg, cands)
    if is_null(q):
        return set()
    return set(cands) & _eval(q, SegRun(seg))


def probe_leaf(reader, fieldname: str, text, cands: list[int]) -> list[tuple[int, float]]:
    """``(doc, weight)`` for the sorted candidate documents present in one posting
    list (deleted documents included)."""
    tb = text.encode("utf-8") if isinstance(text, str) else text
    if (fieldname, tb) not in reader:
        return []
    m = reader._terms.matcher(fieldname, tb, reader.schema[fieldname].format)
    out = []
    if isinstance(m, ListMatcher) or not hasattr(m, "_maxid"):
        wanted = set(cands)
        while m.is_active():
            if m.id() in wanted:
                out.append((m.id(), m.weight()))
            m.next()
        return out
    i, n = 0, len(cands)
    while i < n:
        if cands[i] <= m._maxid:
            if m._data is None:
                m._read_data()
            ids = list(accumulate(m._data[0]))
            bw = m._data[1]
            last = m._maxid
            j = bisect_right(cands, last, i)
            pos = {d: k for k, d in enumerate(ids)}
            for d in cands[i:j]:
                k = pos.get(d)
                if k is not None:
                    out.append((d, 1.0 if bw is None else bw if isinstance(bw, float)
                                else bw[k]))
            i = j
        if m._lastblock or i >= n:
            break
        m._goto(m._nextoffset)
    return out


# --------------------------------------------------------------------------- scope

def restrict(q, scope: AccessScope, seg_readers, max_level: int = 3):
    """``q`` limited to what ``scope`` may see, by excluding (or requiring) terms.

    Secrecy: exclude ``sec`` terms above the clearance. Units: exclude the units not
    allowed, or require the allowed ones, whichever posting lists are shorter; records
    without a unit (term ``none``) are excluded for a unit-limited scope.
    """
    deny = [wq.Term("sec", str(level)) for level in range(scope.max_secrecy + 1, max_level + 1)]
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


# ------------------------------------------------------------------------- results

def facet_counts(segments, sets, names=("type", "year", "unit")) -> dict[str, Counter]:
    """Counts of column values over the matching documents of every segment."""
    cols = {"type": "tc", "year": "year", "unit": "unit"}
    out = {n: Counter() for n in names}
    for seg, s in zip(segments, sets):
        if not s:
            continue
        for n in names:
            col = seg.column(cols[n])
            out[n].update(map(col.__getitem__, s))
    return out


def top_by_date(segments, sets, k: int, newest_first: bool = True):
    """``(global docnum, day)`` of the ``k`` newest (or oldest) matches."""
    best = []
    for seg, s in zip(segments, sets):
        if not s:
            continue
        day = seg.column("day")
        pick = heapq.nlargest if newest_first else heapq.nsmallest
        best += [(day[d], d + seg.offset) for d in pick(k, s, key=day.__getitem__)]
    pick = heapq.nlargest if newest_first else heapq.nsmallest
    return [(doc, day) for day, doc in pick(k, best)]
