"""Words one edit away, for spelling correction of typed words and OCR errors.

Whoosh's ``terms_within`` walks the term dictionary with a Levenshtein automaton: 150 ms
to over half a second per word on these indexes (the dictionaries hold word pairs and
names too). Here each segment's single-word vocabulary is loaded once (segments never
change) with a deletion index (SymSpell): two words within one edit share a
one-deletion variant, so a lookup is a few dictionary probes.

The same vocabulary, sorted, completes a word being typed (:func:`prefix_words`): the
term dictionary itself cannot, because a word's pairs sort right after it ("si", "si
a", … "si xa", "sinh"), so the first hundreds of terms under a prefix may all be pairs.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict

from search.analyzer import fold

_CACHE: "OrderedDict[tuple, _SegmentVocabulary]" = OrderedDict()
_CACHE_SIZE = 128  # (segment, field): word fields for corrections, text and titles to complete
_LOCK = threading.Lock()


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of at most one (one insertion, deletion,
    substitution or swap of neighbours)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
            and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


class _SegmentVocabulary:
    def __init__(self, words: dict[str, int]):
        self.df = words
        self._index: dict[str, tuple[str, ...]] | None = None
        self.sorted = tuple(sorted(words))
        self._exact: dict[str, tuple[str, int]] | None = None

    def exact_forms(self) -> dict[str, tuple[str, int]]:
        """Folded word → ``(its most frequent form with diacritics, frequency)``,
        built on first use (completions shown with the marks the user types)."""
        if self._exact is None:
            best: dict[str, tuple[str, int]] = {}
            for w, n in self.df.items():
                f = fold(w)
                if f != w and n > best.get(f, ("", 0))[1]:
                    best[f] = (w, n)
            self._exact = best
        return self._exact

    def starting(self, prefix: str):
        """The words that start with ``prefix`` (itself included), in term order."""
        words = self.sorted
        i = bisect_left(words, prefix)
        while i < len(words) and words[i].startswith(prefix):
            yield words[i]
            i += 1

    @property
    def index(self) -> dict[str, tuple[str, ...]]:
        """The deletion index, built on first use (a field only completed, such as
        titles, never needs it, and it is the larger part)."""
        if self._index is None:
            index: dict[str, list[str]] = {}
            for w in self.df:
                for d in _deletes(w):
                    index.setdefault(d, []).append(w)
            # Tuples of strings are untracked by the garbage collector; lists are not.
            self._index = {d: tuple(ws) for d, ws in index.items()}
        return self._index

    def near(self, word: str) -> set[str]:
        out = set(self.index.get(word, ()))
        for d in _deletes(word):
            if d in self.df:
                out.add(d)
            out.update(self.index.get(d, ()))
        return {w for w in out if within_one_edit(word, w)}


def _segment_vocabulary(reader, fieldname: str) -> _SegmentVocabulary:
    # Segment ids are random names: unique across indexes for all practical purposes,
    # and a segment's terms never change (deletions only hide documents).
    try:
        key = (reader.segment().segment_id(), fieldname)
    except Exception:
        key = (id(reader), fieldname)
    with _LOCK:
        got = _CACHE.get(key)
        if got is not None:
            _CACHE.move_to_end(key)
            return got
    words: dict[str, int] = {}
    for tb, ti in reader.iter_field(fieldname):
        if b" " in tb or tb[:1].isdigit():
            continue
        words[tb.decode("utf-8")] = ti.doc_frequency()
    vocab = _SegmentVocabulary(words)
    with _LOCK:
        _CACHE[key] = vocab
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return vocab


def near_words(leaf_readers, fieldname: str, word: str) -> dict[str, int]:
    """Indexed single words within one edit of ``word`` (itself excluded), with their
    document frequency over all segments."""
    return _gather(leaf_readers, fieldname, lambda vocab: (w for w in vocab.near(word) if w != word))


def prefix_words(leaf_readers, fieldname: str, prefix: str) -> dict[str, int]:
    """Indexed single words that start with ``prefix`` (itself included), with their
    document frequency over all segments."""
    return _gather(leaf_readers, fieldname, lambda vocab: vocab.starting(prefix))


def _gather(leaf_readers, fieldname: str, pick) -> dict[str, int]:
    out: dict[str, int] = {}
    for reader in leaf_readers:
        if fieldname not in reader.schema:
            continue
        vocab = _segment_vocabulary(reader, fieldname)
        for w in pick(vocab):
            out[w] = out.get(w, 0) + vocab.df[w]
    return out


def exact_form(leaf_readers, fieldname: str, folded: str) -> str | None:
    """The most frequent form with diacritics of a folded word (``None``: none)."""
    best = None
    for reader in leaf_readers:
        if fieldname not in reader.schema:
            continue
        got = _segment_vocabulary(reader, fieldname).exact_forms().get(folded)
        if got is not None and (best is None or got[1] > best[1]):
            best = got
    return best[0] if best else None
