"""Which index documents one access scope may see, as a mask per segment, for the
questions that are about words rather than records: may this word be offered as a
correction ("did you mean"), as a completion, and on how many visible records is it?

Searches themselves carry the scope as terms in the query (:func:`search.engine.restrict`),
so hits, totals and facets agree. A correction or completion is a term, and the term
dictionary and the spelling vocabulary hold every record's words: before one is shown,
its posting list is checked against the scope. Here that check is one vectorised look-up
(``mask[ids].any()``) instead of a query per candidate; the mask is built once per
segment and scope from the columns every search already loads (secrecy, unit) and the
posting list of the personal-data mark, and kept with the segment.

The mask must say exactly what :func:`search.engine.restrict` says (tests compare them).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from search.kinds import PERSONAL_TERM
from search.planner import Lexicon
from search.records import AccessScope
from search.segment import Segment

MAX_SECRECY = 3
#: Masks kept per segment (one per distinct scope: clearance, units, personal).
MASKS_PER_SEGMENT = 16


def ids_array(ids) -> np.ndarray:
    """A posting list's ids (an ``array``) as a numpy array, without copying."""
    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    return np.frombuffer(ids, dtype=f"u{ids.itemsize}")


def _column(seg: Segment, name: str) -> np.ndarray:
    col = seg.column(name)
    return np.frombuffer(col, dtype=f"i{col.itemsize}") if len(col) else np.zeros(0, np.int64)


def is_open(scope: AccessScope) -> bool:
    """Whether the scope sees every index document of a kind it may search."""
    return scope.max_secrecy >= MAX_SECRECY and scope.unit_ids is None and scope.personal \
        and not scope.personal_only


def visible_mask(seg: Segment, scope: AccessScope) -> np.ndarray:
    """``mask[local docnum]``: live and within the scope (cached on the segment)."""
    return _visible(seg, scope)[0]


def _visible(seg: Segment, scope: AccessScope) -> tuple[np.ndarray, int]:
    """The mask and how many documents it lets through."""
    masks = seg.cached("_visible")
    if masks is None:
        masks = seg.cache("_visible", OrderedDict())
    key = scope.key
    got = masks.get(key)
    if got is not None:
        masks.move_to_end(key)
        return got
    n = seg.doc_count_all
    mask = np.ones(n, dtype=bool)
    if seg.deleted:
        mask[np.fromiter(seg.deleted, dtype=np.int64, count=len(seg.deleted))] = False
    if scope.max_secrecy < MAX_SECRECY:
        mask &= _column(seg, "sec") <= scope.max_secrecy
    if scope.unit_ids is not None:
        # Unit 0 in the column is "no unit": never visible to a unit-limited scope.
        allowed = np.array(sorted(u for u in scope.unit_ids if u), dtype=np.int64)
        mask &= np.isin(_column(seg, "unit"), allowed)
    if PERSONAL_TERM[0] in seg.reader.schema:
        if not scope.personal:
            mask[personal_ids(seg)] = False
        elif scope.personal_only:
            only = np.zeros(n, dtype=bool)
            only[personal_ids(seg)] = True
            mask &= only
    got = masks[key] = (mask, int(mask.sum()))
    while len(masks) > MASKS_PER_SEGMENT:
        masks.popitem(last=False)
    return got


def personal_ids(seg: Segment) -> np.ndarray:
    """Local document numbers of the segment's personal-data index documents."""
    if PERSONAL_TERM[0] not in seg.reader.schema:
        return np.zeros(0, dtype=np.int64)
    return ids_array(seg.postings(*PERSONAL_TERM)[0])


class Visibility:
    """One scope on one kind's segments: which terms and how many documents it sees."""

    def __init__(self, segments, scope: AccessScope):
        self.segments = segments
        self.scope = scope
        self.open = is_open(scope)

    def mask(self, seg: Segment) -> np.ndarray:
        return visible_mask(seg, self.scope)

    def has(self, fieldname: str, text: str) -> bool:
        """Whether a record the scope may see has the term. Mostly without reading its
        posting list: a term on more documents than the scope hides in a segment is on
        a visible one; a segment the scope sees nothing of is skipped."""
        for seg in self.segments:
            df = seg.df(fieldname, text)
            if not df:
                continue
            if self.open and not seg.deleted:
                return True
            mask, shown = _visible(seg, self.scope)
            if not shown:
                continue
            if df > seg.doc_count_all - shown:
                return True
            ids = ids_array(seg.postings(fieldname, text)[0])
            if mask[ids[:256]].any() or mask[ids[256:]].any():
                return True
        return False

    def docs(self, seg: Segment, ids: np.ndarray) -> np.ndarray:
        """The visible ones of these local document numbers."""
        return ids[self.mask(seg)[ids]] if len(ids) else ids


class ScopedLexicon(Lexicon):
    """A :class:`~search.planner.Lexicon` whose corrections and their tests see only
    terms the scope may see (:meth:`seen`); query building still reads the whole index
    (the query is restricted anyway)."""

    def __init__(self, reader, df, visibility: Visibility):
        super().__init__(reader, df)
        self.visibility = visibility
        self._seen: dict[tuple[str, str], bool] = {}

    def seen(self, fieldname: str, text: str) -> bool:
        if not self.df(fieldname, text):
            return False
        if self.visibility.open:
            return True
        k = (fieldname, text)
        got = self._seen.get(k)
        if got is None:
            got = self._seen[k] = self.visibility.has(fieldname, text)
        return got

    def first_seen(self, fieldname: str, terms: list[str], limit: int) -> list[str]:
        out = []
        for t in terms:  # most frequent first: usually only the first few are read
            if self.seen(fieldname, t):
                out.append(t)
                if len(out) >= limit:
                    break
        return out
