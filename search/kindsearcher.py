"""One kind's searcher: a Whoosh searcher with per-segment caches (columns, deletions,
stored values) and the labels of facet values, reopened after each commit taking over
the segments that did not change."""

from __future__ import annotations

from bisect import bisect_right

from whoosh.searching import Searcher

from search.analyzer import fold
from search.engine import SegRun
from search.kindplans import PLANNERS
from search.kinds import type_code
from search.planner import Lexicon
from search.scoring import Stats, _norms
from search.segment import HOT_MIN, Segment

#: Fields whose words complete what is typed (suggestions), per kind.
SUGGEST_FIELDS = {"document": ("tx", "title")}


class KindSearcher:
    """A Whoosh searcher on one kind's index with per-segment caches (columns,
    deletions) and the labels of facet values. One per thread (Whoosh readers share
    file positions)."""

    def __init__(self, kind, ix, reader=None, previous=None):
        self.kind = kind
        self.ix = ix
        # ``reader``: the one SearchIndex.open checked, else a new one.
        self.searcher = Searcher(reader, fromindex=ix) if reader is not None else ix.searcher()
        leaves = self.searcher.subsearchers or [(self.searcher, 0)]
        self.segments = [Segment(s.reader(), off, s) for s, off in leaves]
        if previous is not None:  # segments taken over keep what was loaded for them
            loaded = {id(seg.reader): seg for seg in previous.segments}
            for seg in self.segments:
                if id(seg.reader) in loaded:
                    seg.take_over(loaded[id(seg.reader)])
        self.readers = [seg.reader for seg in self.segments]
        self.lexicon_reader = self.searcher.reader()
        self._labels: dict[str, dict] = {}
        self._offsets = None

    def warm(self) -> None:
        """Load what the first searches would otherwise load: per-segment numbers,
        BM25 length norms, the spelling vocabulary, the facet labels and the column
        of what hits show."""
        if not self.searcher.doc_count_all():
            return  # nothing indexed yet (Whoosh's empty reader has no columns to load)
        planner = PLANNERS[self.kind.name]
        stats = Stats(self.searcher)
        for seg in self.segments:
            seg.day_range(None, None)
            seg.facet_combos()
            run = SegRun(seg)
            for name, fieldobj in self.searcher.schema.items():
                if fieldobj.scorable:
                    _norms(run, name, stats.avgfl(name))
        Lexicon(self.lexicon_reader).within_one(planner.word_fields[0][0], "warm")
        for fieldname in SUGGEST_FIELDS.get(self.kind.name, ()):  # sorted vocabularies
            Lexicon(self.lexicon_reader).prefix_words(fieldname, "warm", 1)
        self.labels("type")
        self.labels("unit")
        self.stored(0)  # opens the column of what hits show (its offsets are read)

    def frequent_postings(self) -> list[tuple[int, Segment, str, str]]:
        """``(doc frequency, segment, field, word)`` of every single word long enough
        for the :data:`~search.segment.HOT` cache in the fields plain words are
        searched in, most frequent first."""
        if not self.searcher.doc_count_all():
            return []
        planner = PLANNERS[self.kind.name]
        fields = dict.fromkeys(f for f, _ in planner.word_fields + planner.extra_fields)
        out = []
        for seg in self.segments:
            for fieldname in fields:
                if fieldname not in seg.reader.schema:
                    continue
                for tb, ti in seg.reader.iter_field(fieldname):
                    df = ti.doc_frequency()
                    if df >= HOT_MIN and b" " not in tb:
                        out.append((df, seg, fieldname, tb.decode("utf-8")))
        out.sort(key=lambda c: -c[0])
        return out

    def df(self, fieldname: str, text) -> int:
        """Document frequency of a term in the whole index (cached per segment)."""
        return sum(seg.df(fieldname, text) for seg in self.segments)

    def leaves(self) -> dict:
        """The segment readers by ``(segment id, deletions)``, for the next reopen."""
        return {(seg.segment_id, seg.reader.segment().deleted_count()): seg.reader
                for seg in self.segments if seg.segment_id is not None}

    def close(self, keep=()) -> None:
        """Close the readers, except those of ``keep`` (taken over by a new searcher)."""
        kept = {id(r) for r in keep}
        try:
            if not kept:
                self.searcher.close()
                return
            for reader in self.readers:
                if id(reader) not in kept:
                    reader.close()
        except Exception:
            pass

    def stored(self, docnum: int) -> dict:
        """What a hit shows (the ``d`` column) of a document."""
        if self._offsets is None:
            self._offsets = [seg.offset for seg in self.segments]
        seg = self.segments[bisect_right(self._offsets, docnum) - 1]
        return seg.stored(docnum - seg.offset)

    def labels(self, facet: str) -> dict:
        """Display labels of facet values: type crc → "Kế hoạch"; unit id → code."""
        got = self._labels.get(facet)
        if got is None:
            got = {}
            if facet == "type":
                for tb in self.lexicon_reader.lexicon("type"):
                    label = tb.decode("utf-8")
                    code = type_code(label)
                    if code not in got or label != fold(label):
                        got[code] = label[:1].upper() + label[1:]
            elif facet == "unit":
                for tb in self.lexicon_reader.lexicon("ul"):
                    uid, _, code = tb.decode("utf-8").partition(":")
                    got[int(uid)] = code
            self._labels[facet] = got
        return got
