"""Reading one Whoosh segment fast: its per-document numbers, whole posting lists, and
posting lists probed at a few documents.

Whoosh's matchers return postings one Python call at a time. Here a posting list is
read a block at a time (a block's document numbers are a pickled tuple of gaps: one
``loads`` and one ``accumulate``, both in C), and a list probed for some candidate
documents only decodes the blocks whose range can hold one. This relies on the Whoosh
3 postings layout (``W3LeafMatcher``); any other matcher is read the generic way.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from bisect import bisect_left, bisect_right
from itertools import accumulate

from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound

from search.kinds import VALUE_NAMES, VALUES


#: Posting lists at least this long are decoded into :class:`HotPostings` when an
#: index is warmed at start (shorter ones when a search first reads them).
HOT_MIN = 512
#: Document frequencies remembered (then forgotten all at once).
DF_CACHE = 200_000
_DF: dict = {}


class _Lru:
    """Least recently used first out; thread-safe."""

    def __init__(self):
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            got = self._items.get(key)
            if got is not None:
                self._items.move_to_end(key)
            return got


class HotPostings(_Lru):
    """Decoded long posting lists, shared by all searches of the process, least
    recently used first out, within a byte budget. Common words ("việc", "năm") and
    common names come back in query after query; reading or probing their posting
    lists block by block is most of the cost of a query that combines one with a date
    range, while looking candidates up in a decoded array is not."""

    def __init__(self, budget_mb: int = 256):
        super().__init__()
        self.budget = budget_mb << 20
        self.used = 0

    def resize(self, budget_mb: int) -> None:
        """A new byte budget; the least recently used lists go until the rest fits."""
        with self._lock:
            self.budget = max(0, budget_mb) << 20
            self._evict()

    def _evict(self) -> None:
        while self.used > self.budget and self._items:
            _, gone = self._items.popitem(last=False)
            self.used -= self._size(gone)

    @staticmethod
    def _size(entry) -> int:
        ids, weights = entry
        return len(ids) * 4 + (len(weights) * 4 if weights is not None else 0) + 200

    def put(self, key, ids: array, weights: array | None):
        entry = (ids, weights)
        size = self._size(entry)
        if size > self.budget // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.used -= self._size(old)
            self._items[key] = entry
            self.used += size
            self._evict()


HOT = HotPostings()


class StoredValues(_Lru):
    """Decoded stored values (the ``d`` column: what a hit shows, and the page text that
    closeness is measured in), shared by every thread and kept across reopens. A
    segment never changes once written, so ``(segment id, document)`` names one value
    for good; decompressing and unpickling it again (5-10 % of a server's search time
    under load, more after each commit, when every thread reopens) is not needed."""

    def __init__(self, size: int = 20_000):
        super().__init__()
        self.size = size

    def resize(self, size: int) -> None:
        """A new number of values kept; the least recently used go until the rest fits."""
        with self._lock:
            self.size = max(0, size)
            self._evict()

    def _evict(self) -> None:
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._evict()


STORED = StoredValues()


def configure(cache_mb: int, stored_values: int) -> None:
    """Size the process's shared caches (settings ``index_cache_mb`` and
    ``index_stored_values``): decoded posting lists within ``cache_mb`` megabytes, and
    ``stored_values`` decoded hits. 0 turns either off."""
    HOT.resize(cache_mb)
    STORED.resize(stored_values)


class Segment:
    """One leaf reader with its document offset and lazily loaded columns."""

    def __init__(self, reader, offset: int, searcher):
        self.reader = reader
        self.offset = offset
        self.searcher = searcher
        self.deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        self.doc_count_all = reader.doc_count_all()
        self._columns: dict[str, array] = {}
        try:
            self.segment_id = reader.segment().segment_id()
        except Exception:  # no segment (an empty index): nothing to share across reopens
            self.segment_id = None

    def df(self, fieldname: str, text) -> int:
        """Document frequency of a term (0 for a field this segment lacks), cached for
        the process (a segment's frequencies never change): Whoosh finds it through a
        hash table hashed in Python, a few microseconds a look-up, and queries ask for
        the same terms again and again, in every thread and after every reopen."""
        key = (self.segment_id, fieldname, text)
        n = _DF.get(key) if self.segment_id is not None else None
        if n is None:
            try:
                n = self.reader.doc_frequency(fieldname, text)
            except TermNotFound:
                n = 0
            if self.segment_id is not None:  # an empty index has no segment: nothing to keep
                if len(_DF) >= DF_CACHE:
                    _DF.clear()
                _DF[key] = n
        return n

    def postings(self, fieldname: str, text, df: int | None = None):
        """``(ids, weights)`` of a whole posting list, from (and to) the process's
        :data:`HOT` cache: short lists too, as finding a term's list through Whoosh
        (hashing, a matcher, a block read) costs about as much as decoding a short one,
        a fifth of a search that is not answered from the answer cache."""
        if df is None:
            df = self.df(fieldname, text)
        if not df or self.segment_id is None:
            return read_postings(self.reader, fieldname, text)
        key = (self.segment_id, fieldname, text)
        got = HOT.get(key)
        if got is None:
            ids, weights = read_postings(self.reader, fieldname, text)
            if weights is not None:
                weights = array("f", weights)
            HOT.put(key, ids, weights)
            return ids, weights
        return got

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

    def stored(self, docnum: int, column: str = "d"):
        """The decoded stored value of a local document (see :class:`StoredValues`)."""
        key = (self.segment_id, column, docnum)
        got = STORED.get(key) if self.segment_id is not None else None
        if got is None:
            reader = self._columns.get(f"_stored_{column}")
            if reader is None:
                reader = self._columns[f"_stored_{column}"] = self.reader.column_reader(column)
            got = reader[docnum]
            if self.segment_id is not None:
                STORED.put(key, got)
        return got

    def take_over(self, old: "Segment") -> None:
        """Keep what ``old``, on the same reader, had loaded (columns, norms, masks)."""
        self._columns = old._columns

    def forget(self, prefix: str) -> None:
        """Drop what was cached under keys starting with ``prefix``."""
        for key in [k for k in self._columns if k.startswith(prefix)]:
            del self._columns[key]

    def cached(self, key):
        return self._columns.get(key)

    def cache(self, key, value):
        self._columns[key] = value
        return value

    def _load_values(self):
        count = self.doc_count_all
        raw = b""
        if self.reader.has_column("vals"):
            creader = self.reader.column_reader(
                "vals", self.reader.schema["vals"].column_type, translate=False)
            raw = creader._dbfile.get(creader._basepos, creader._count * creader._fixedlen)
        raw += bytes(VALUES.size * count - len(raw))
        rows = list(zip(*VALUES.iter_unpack(raw))) if count else [()] * len(VALUE_NAMES)
        for name, code, values in zip(VALUE_NAMES, "iiIhb", rows):
            self._columns[name] = array(code, values)

    def facet_combos(self):
        """``(ids, combos)``: per document the index of its ``(type code, year, unit)``
        in ``combos``, so that facets are one count per segment (loaded once)."""
        got = self._columns.get("_facets")
        if got is None:
            table: dict[tuple, int] = {}
            ids = array("I", map(lambda key: table.setdefault(key, len(table)),
                                 zip(self.column("tc"), self.column("year"),
                                     self.column("unit"))))
            combos = [None] * len(table)
            for key, i in table.items():
                combos[i] = key
            got = self._columns["_facets"] = (ids, combos)
        return got

    def day_range(self, lo: int | None, hi: int | None) -> array:
        """Documents whose main date (``day``, YYYYMMDD) is within ``lo..hi``
        (inclusive, ``None`` open), from a day-sorted index built once: a date range
        is two bisections instead of a union of one posting list per day."""
        got = self._columns.get("_day_index")
        if got is None:
            day = self.column("day")
            order = array("I", sorted(range(len(day)), key=day.__getitem__))
            got = self._columns["_day_index"] = (array("i", map(day.__getitem__, order)),
                                                 order)
        days, order = got
        a = bisect_left(days, max(1, lo or 1))
        b = bisect_right(days, hi) if hi is not None else len(days)
        return order[a:b]

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


def _matcher(reader, fieldname: str, text):
    tb = text.encode("utf-8") if isinstance(text, str) else text
    if (fieldname, tb) not in reader:
        return None
    return reader._terms.matcher(fieldname, tb, reader.schema[fieldname].format)


def _weights_of(bw, n):
    if bw is None:
        return None
    if isinstance(bw, float):
        return [bw] * n
    return list(bw)


def read_postings(reader, fieldname: str, text) -> tuple[array, list | None]:
    """``(ids, weights)`` of a whole posting list (deleted documents included);
    ``weights`` is ``None`` when every weight is 1."""
    m = _matcher(reader, fieldname, text)
    if m is None:
        return array("I"), None
    if isinstance(m, ListMatcher):
        w = m._weights
        weights = None if w is None or all(x == 1.0 for x in w) else list(w)
        return array("I", m._ids), weights
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
                weights.extend(_weights_of(bw, len(ids) - start) or [1.0] * (len(ids) - start))
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


def probe_postings(reader, fieldname: str, text, cands: list[int]) -> dict[int, float]:
    """``{doc: weight}`` for the sorted candidate documents present in one posting
    list, decoding only the blocks that may hold a candidate."""
    m = _matcher(reader, fieldname, text)
    if m is None:
        return {}
    out: dict[int, float] = {}
    if isinstance(m, ListMatcher) or not hasattr(m, "_maxid"):
        wanted = set(cands)
        while m.is_active():
            if m.id() in wanted:
                out[m.id()] = m.weight()
            m.next()
        return out
    i, n = 0, len(cands)
    while i < n:
        if cands[i] <= m._maxid:
            if m._data is None:
                m._read_data()
            j = bisect_right(cands, m._maxid, i)
            ids = list(accumulate(m._data[0]))
            found = set(ids).intersection(cands[i:j])
            if found:
                bw = m._data[1]
                if bw is None or isinstance(bw, float):
                    out.update(dict.fromkeys(found, 1.0 if bw is None else bw))
                else:
                    out.update((d, w) for d, w in zip(ids, bw) if d in found)
            i = j
        if m._lastblock or i >= n:
            break
        m._goto(m._nextoffset)
    return out
