"""Whoosh field types that analyse Vietnamese text themselves.

Each type has a ``terms(value)`` method built on the fast string functions of
:mod:`search.analyzer`; :class:`search.segments.FastWriter` calls it inside the writer's
worker processes, so analysis is spread over the cores and never goes through a Whoosh
token stream (microseconds per token, and a million register entries make tens of
millions of tokens).

Queries never run an analyser on these fields: :mod:`search.planner` builds ``Term``
queries with the same analyser functions, so index and query agree by construction.

The classes are pickled into each index's table of contents: renaming or moving one
makes existing indexes unreadable (reported as ``IndexCorrupt``), which a rebuild repairs.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from datetime import date

from whoosh import analysis, columns, formats
from whoosh.fields import FieldType

from search.analyzer import _WORD, fold, join_numbers, normalize


def _values(value) -> list[str]:
    """A field value may be one string or a list of strings (several names)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if v]


class Computed(FieldType):
    """Base of the field types whose ``terms`` method does the analysis.

    ``weighted``: postings carry the term frequency as their weight (a value given
    twice counts twice). ``bm25``: the field is scored with BM25 (frequency and field
    length matter: page text, titles). A field without ``bm25`` is scored by its
    posting weight times the query's boost (Whoosh's BM25F falls back to that for a
    non-scorable field), so ranking there is set explicitly by the planner's boosts.
    The postings format is always ``Existence`` (no per-posting values).
    """

    def __init__(self, *, weighted: bool = False, bm25: bool = False,
                 sortable: columns.Column | None = None, unique: bool = False):
        self.format = formats.Existence()
        # Never used to index; Whoosh's query parser and highlighter want an analyser.
        self.analyzer = analysis.KeywordAnalyzer()
        self.weighted = weighted or bm25
        self.scorable = bm25
        self.stored = False
        self.unique = unique
        self.vector = None
        self.column_type = sortable

    def terms(self, value) -> list[str]:
        """The terms to index for ``value`` (repeats count as term frequency)."""
        raise NotImplementedError

    def index(self, value, **kwargs):
        # The stock writer's entry point (used if a stock writer ever touches the index).
        counts = Counter(self.terms(value))
        return [(t.encode("utf-8"), n, float(n) if self.weighted else 1.0, b"")
                for t, n in counts.items()]

    def process_text(self, qstring, mode="", **kwargs):
        return iter(self.terms(qstring))


@lru_cache(maxsize=1 << 16)
def key_forms(value: str) -> tuple[str, str]:
    """``(exact, folded)`` key of a whole value: normalised, single spaces."""
    exact = " ".join(normalize(value).split())
    return exact, fold(exact)


class KeyField(Computed):
    """Whole values as single terms, exact and folded: a full name
    (``nguyễn văn hùng`` and ``nguyen van hung``), a number and symbol
    (``135/kh-ubnd``, ``135/qđ-ubnd`` and ``135/qd-ubnd``), a document type."""

    def terms(self, value):
        out = []
        for v in _values(value):
            exact, folded = key_forms(v)
            out.append(exact)
            if folded != exact:
                out.append(folded)
        return out


def _name_grams(words: list[str], syllables: bool) -> list[str]:
    grams = list(words) if syllables else []
    grams += [f"{a} {b}" for a, b in zip(words, words[1:])]
    if len(words) >= 3:
        grams.append(f"{words[0]} {words[-1]}")
    return grams


@lru_cache(maxsize=1 << 16)
def name_term_pairs(name: str, syllables: bool = True) -> tuple[tuple[str, str], ...]:
    """``(exact, folded)`` of each term of a name (see :func:`name_terms`), aligned."""
    norm = normalize(name)
    exact = _WORD.findall(norm)
    folded = _WORD.findall(fold(norm))
    if len(folded) != len(exact):
        folded = [fold(w) for w in exact]
    return tuple(zip(_name_grams(exact, syllables), _name_grams(folded, syllables)))


@lru_cache(maxsize=1 << 16)
def name_terms(name: str, syllables: bool = True) -> tuple[str, ...]:
    """Terms of one person's name, each exact and folded: syllables (optional),
    adjacent pairs ("văn hùng"), and surname with given name ("nguyễn hùng").

    The pairs make "Văn Hùng" one posting list instead of the intersection of every
    Văn with every Hùng; the surname-given pair answers "Nguyễn Hùng" the same way.
    Cached: a few thousand names make up most of a register.
    """
    pairs = name_term_pairs(name, syllables)
    return tuple(e for e, _ in pairs) + tuple(f for e, f in pairs if f != e)


def former_name_terms(current: str, former) -> tuple[list[str], list[str]]:
    """Terms of a person's former names (corrected entries) that their current name
    does not have: ``(whole-name keys, name words)``, like :class:`KeyField` and
    :class:`NameField` would index them.

    A term whose folded form the current name has is left out (with its exact form:
    an exact term is only ever indexed beside its folded one, which the planner's
    ``FormsOr`` relies on), so an entry matches a query word either by its current name
    or by a former one, never both: the current name's weight decides whenever it
    matches, and a former name only finds what the current name would not.
    """
    names = [n for n in _values(former) if n and n.strip()]
    if not names:
        return [], []
    current_key = key_forms(current)[1] if current else ""
    current_words = {f for _, f in name_term_pairs(current)} if current else set()
    keys: list[str] = []
    words: list[str] = []
    for name in names:
        exact, folded = key_forms(name)
        if folded and folded != current_key:
            keys += [exact, folded] if exact != folded else [folded]
        for e, f in name_term_pairs(name):
            if f not in current_words:
                words += [e, f] if e != f else [f]
    return list(dict.fromkeys(keys)), list(dict.fromkeys(words))


class NameField(Computed):
    """Names of people (see :func:`name_terms`). Value: one name or a list."""

    def __init__(self, *, syllables: bool = True):
        super().__init__()
        self.syllables = syllables

    def terms(self, value):
        values = _values(value)
        if len(values) == 1:
            return name_terms(values[0], self.syllables)
        out: list[str] = []
        for v in values:
            out += name_terms(v, self.syllables)
        return out


def text_terms(text: str, *, exact: bool = True, bigrams: bool = False) -> list[str]:
    """Folded words of ``text``, plus the exact words that differ from their folded
    form (``exact``), plus folded word pairs (``bigrams``: "phong chay"), so that a
    phrase is an intersection of pair terms rather than a position check over the
    postings of every word in it."""
    if len(text) <= 80:  # places, addresses, short titles: they repeat, cache them
        return list(_short_text_terms(text, exact, bigrams))
    return _text_terms(text, exact, bigrams)


@lru_cache(maxsize=1 << 16)
def _short_text_terms(text: str, exact: bool, bigrams: bool) -> tuple[str, ...]:
    return tuple(_text_terms(text, exact, bigrams))


def _text_terms(text: str, exact: bool, bigrams: bool) -> list[str]:
    # 501.363, 501,363 and 501363 are one word (the query side does the same).
    norm = normalize(join_numbers(text))
    folded_text = fold(norm)
    folded = _WORD.findall(folded_text)
    out = list(folded)
    if exact and folded_text is not norm:
        words = _WORD.findall(norm)
        if len(words) == len(folded):
            out += [e for e, f in zip(words, folded) if e != f]
        else:  # a stray combining mark split or joined a word
            out += [e for e in words if fold(e) != e]
    if bigrams:
        out += [f"{a} {b}" for a, b in zip(folded, folded[1:])]
    return out


class WordsField(Computed):
    """Free text (page text, titles, places). Value: one string or a list of strings
    (each analysed apart, so no pair spans two values). See :func:`text_terms`."""

    def __init__(self, *, exact: bool = True, bigrams: bool = False, bm25: bool = True):
        super().__init__(bm25=bm25)
        self.exact = exact
        self.bigrams = bigrams

    def terms(self, value):
        out: list[str] = []
        for v in _values(value):
            out += text_terms(v, exact=self.exact, bigrams=self.bigrams)
        return out


class TokenField(Computed):
    """Terms given verbatim (normalised by the caller): ids, codes, years, dates as
    ``YYYYMMDD``. ``column`` (a ``struct`` type code) also stores the first value in a
    numeric column, read by the searcher for sorting, facets and scope checks."""

    def __init__(self, *, unique: bool = False, column: str | None = None):
        col = columns.NumericColumn(column, default=0) if column else None
        super().__init__(sortable=col, unique=unique)

    def terms(self, value):
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(v) for v in values if v is not None and v != ""]

    def to_column_value(self, value):
        if isinstance(value, (list, tuple)):
            value = value[0] if value else 0
        return int(value or 0)

    def to_bytes(self, value):
        if isinstance(value, (list, tuple)):
            value = value[0]
        if isinstance(value, bytes):
            return value
        return str(value).encode("utf-8")


def day_term(d: date | None) -> str | None:
    """The term of a date: ``YYYYMMDD``, which sorts like the dates themselves."""
    return None if d is None else f"{d.year:04d}{d.month:02d}{d.day:02d}"


def day_number(d: date | None) -> int:
    """A date as the integer YYYYMMDD (0 for none): compact in a numeric column."""
    return 0 if d is None else d.year * 10000 + d.month * 100 + d.day


def from_day_number(n: int) -> date | None:
    """Inverse of :func:`day_number`."""
    if not n:
        return None
    return date(n // 10000, n // 100 % 100, n % 100)
