"""From a parsed query (:mod:`search.querylang`) to a Whoosh query for one kind.

The plan follows the index design (:mod:`search.kinds`):

* A word typed with diacritics asks for its exact form (boosted) *or* its folded form;
  typed without, the folded form only. The exact form of a word is indexed wherever
  its folded form is, so the folded term alone decides what matches
  (:class:`FormsOr` tells the executor so) and the exact term only ranks.
* Person names (:mod:`search.kindplans`): a run of words is matched against the
  whole-name keys of the index, the person's own and the related people's (longest
  span first: "Nguyễn Văn Hùng" is one posting list of a few thousand entries, never
  the intersection of every Nguyễn with every Văn); a misread word in the run is
  replaced by the readings that make a known name, each kept as an alternative;
  words left over become name pairs ("Văn Hùng"), a single word a name syllable or
  any other word of the entry.
* A phrase is the intersection of its folded word pairs (indexed as terms), not a
  position check.
* A word the index has never seen (a typo, an OCR error) is replaced by the indexed
  words one edit away; :attr:`Plan.corrections` records it for "did you mean".
* Dates, years and number/symbol values are exact terms and term ranges.

The planner never sees access rules: :mod:`search.engine` wraps the plan in them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from search import querylang as ql
from search.analyzer import fold, has_marks, join_numbers, normalize
from search.fields import day_term, key_forms
from search.spelling import near_words, prefix_words

EXACT_BOOST = 2.0      # an exact (diacritic) match over a folded-only one
PREFIX_LIMIT = 512     # at most so many expansions of ``abc*``
FUZZY_LIMIT = 64       # and of ``abc~`` / a corrected word
_WORDY = re.compile(r"^[^\W\d_]+$")
#: Letter groups OCR reads for one another (both ways where it happens both ways).
OCR_CONFUSIONS = (("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("ii", "u"),
                  ("li", "h"), ("vv", "w"), ("tr", "ư"), ("ư", "tr"), ("in", "m"))


class FormsOr(wq.Or):
    """``Or(exact^boost, folded)`` where the exact term's documents are a subset of the
    folded term's: the executor counts the last subquery only."""


class Extra(wq.Or):
    """A score-only preference (the word is also in the title, or the issuer's name):
    it ranks, but a match without it is no less complete (see ``scoring.ideal``)."""


class Bonus(wq.Or):
    """The optional parts of a query, each adding to the score where it matches."""


class Alternatives(wq.Or):
    """Readings of one part of a query (a name as the person's own or a parent's; a
    misread word's candidates): a document scores its best reading, not their sum."""


@dataclass
class Marks:
    """What the highlighter marks: exact forms, folded forms, folded prefixes."""
    exact: set[str] = field(default_factory=set)
    folded: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)

    def add_word(self, exact: str, folded: str, typed_marks: bool):
        (self.exact if typed_marks else self.folded).add(exact if typed_marks else folded)
        if not typed_marks:
            return
        # An exact query word still marks its folded matches (they match, lower).
        self.folded.add(folded)


@dataclass
class Plan:
    """``query`` = ``components`` and-ed, plus optional ``bonus`` queries that only add
    to the score (``AndMaybe``)."""
    query: wq.Query
    components: list[wq.Query]
    marks: Marks
    corrections: dict[str, str]
    bonus: list[wq.Query] = field(default_factory=list)

    def with_bonus(self, q: wq.Query) -> wq.Query:
        return wq.AndMaybe(q, Bonus(self.bonus)) if self.bonus else q


class Lexicon:
    """Term look-ups on one kind's reader, cached for the life of one query."""

    def __init__(self, reader, df=None):
        self.reader = reader
        self._doc_frequency = df or reader.doc_frequency
        self._df: dict[tuple[str, str], int] = {}

    def df(self, fieldname: str, text: str) -> int:
        k = (fieldname, text)
        n = self._df.get(k)
        if n is None:
            try:
                n = self._doc_frequency(fieldname, text)
            except Exception:  # field absent from this index
                n = 0
            self._df[k] = n
        return n

    def seen(self, fieldname: str, text: str) -> bool:
        """Whether the term is in a record the searching user may see. Here: in the
        index at all; :class:`search.visibility.ScopedLexicon` checks the scope. Used
        wherever a term may become a correction or change one ("did you mean")."""
        return self.df(fieldname, text) > 0

    def expand_prefix(self, fieldname: str, prefix: str, limit: int) -> list[str]:
        out = []
        try:
            for t in self.reader.expand_prefix(fieldname, prefix):
                out.append(t.decode("utf-8"))
                if len(out) >= limit:
                    break
        except Exception:
            return []
        return out

    def candidates(self, fieldname: str, word: str, limit: int = 8) -> list[str]:
        """Indexed words that ``word`` may be a misreading of: OCR confusions of
        letter groups first ("rn" read for "m", "cl" for "d"), then the words one edit
        away, most frequent first."""
        out = []
        for a, b in OCR_CONFUSIONS:
            start = word.find(a)
            while start >= 0:
                alt = word[:start] + b + word[start + len(a):]
                if alt not in out and self.seen(fieldname, alt):
                    out.append(alt)
                start = word.find(a, start + 1)
        for alt in self.within_one(fieldname, word):
            if alt not in out:
                out.append(alt)
        return out[:limit]

    def leaves(self) -> list:
        return [r for r, _ in self.reader.leaf_readers()] if not self.reader.is_atomic() \
            else [self.reader]

    def within_one(self, fieldname: str, word: str, limit: int = FUZZY_LIMIT) -> list[str]:
        """Single-word terms within one edit of ``word`` (most frequent first)."""
        found = near_words(self.leaves(), fieldname, word)
        return self.first_seen(fieldname, sorted(found, key=lambda t: (-found[t], t)), limit)

    def prefix_words(self, fieldname: str, prefix: str, limit: int) -> list[str]:
        """Single-word terms that start with ``prefix`` (most frequent first). Not from
        the term dictionary's order, where a word's pairs come before the next word."""
        found = prefix_words(self.leaves(), fieldname, prefix)
        return sorted(found, key=lambda t: (-found[t], t))[:limit]

    def first_seen(self, fieldname: str, terms: list[str], limit: int) -> list[str]:
        """The first ``limit`` of ``terms`` that :meth:`seen` allows."""
        return terms[:limit]


def joined_number(node):
    """A word that is a number written with thousands separators (``501.363``) as the
    number the index holds (``501363``); any other node unchanged."""
    if isinstance(node, ql.Word) and not node.prefix and not node.fuzzy:
        text = join_numbers(node.text)
        if text != node.text and text.isdigit():
            return ql.Word(text)
    return node


def _number_words(node) -> list:
    """A word of digit groups the index splits (``3,5``, ``0912.345.678``) as its
    groups, words typed one after another; any other node as it is."""
    if isinstance(node, ql.Word) and not node.prefix and not node.fuzzy \
            and not node.text.isdigit():
        parts = re.findall(r"[^\W_]+", node.text)
        if len(parts) > 1 and all(p.isdigit() for p in parts):
            return [ql.Word(p) for p in parts]
    return [node]


def _term(fieldname, text, boost=1.0):
    return wq.Term(fieldname, text, boost=boost)


class KindPlanner:
    """Compiles query nodes for one kind. Subclasses say which fields answer what."""

    #: (field, boost) searched for a plain word; the first is also the vocabulary used
    #: for corrections and suggestions.
    word_fields: tuple[tuple[str, float], ...] = ()
    #: Fields whose terms are folded words only (no exact forms indexed).
    folded_only: frozenset[str] = frozenset()
    #: Fields where a plain word only adds to the score (it must be in a word field).
    extra_fields: tuple[tuple[str, float], ...] = ()
    #: Fields where a visible record having the last typed word makes it a whole word,
    #: not the start of one being typed (``searching._complete_last_word``); empty: the
    #: first of :attr:`word_fields`.
    whole_word_fields: tuple[str, ...] = ()
    #: Fields searched for a phrase's word pairs, with boosts.
    pair_fields: tuple[tuple[str, float], ...] = ()
    #: Fields searched for a free-text date (term fields of YYYYMMDD), with boosts.
    date_fields: tuple[tuple[str, float], ...] = (("day", 1.0),)
    #: Whether numbers join runs of plain words (see :meth:`word_run`).
    run_digits = False

    def __init__(self, lexicon: Lexicon, known: set[str] | None = None):
        self.lex = lexicon
        self.marks = Marks()
        self.corrections: dict[str, str] = {}
        #: Folded words some kind being searched knows: never "corrected" here, even if
        #: this kind lacks them (a parent's name is no typo for the documents index).
        self.known: set[str] = known if known is not None else set()
        #: Optional scoring parts (e.g. typed words found next to each other).
        self.bonus: list[wq.Query] = []

    def knows(self, folded: str) -> bool:
        """Whether this kind has indexed the (folded) word, in a record the user may see
        (a word only in hidden records is corrected like an unknown one: its not being
        corrected would tell that it exists)."""
        return any(self.lex.seen(f, folded) for f, _ in self.word_fields)

    def should_correct(self, folded: str) -> bool:
        return not folded.isdigit() and folded not in self.known and not self.knows(folded)

    # -- entry point --------------------------------------------------------------

    def plan(self, node) -> Plan | None:
        if node is None:
            return None
        if isinstance(node, ql.And):
            components = self.conjunction(_flatten(node))
        elif len(_number_words(node)) > 1:
            components = self.conjunction([node])
        else:
            components = [self.compile(node)]
        components = [c for c in components if c is not None]
        if not components:
            return None
        q = components[0] if len(components) == 1 else wq.And(components)
        plan = Plan(q, components, self.marks, self.corrections, self.bonus)
        plan.query = plan.with_bonus(q)
        return plan

    # -- nodes ----------------------------------------------------------------------

    def conjunction(self, items) -> list[wq.Query]:
        """Compile the children of an AND; runs of plain words may be treated together
        (names, for persons)."""
        out, run = [], []
        items = [x for i in items for x in _number_words(joined_number(i))]
        for item in items + [None]:
            if isinstance(item, ql.Word) and not item.prefix and not item.fuzzy \
                    and (_WORDY.match(normalize(item.text))
                         or self.run_digits and item.text.isdigit()):
                run.append(item.text)
                continue
            if run:
                out += self.word_run(run)
                run = []
            if item is None:
                break
            if isinstance(item, ql.Not):
                out.append(self.negation(item.item))
            else:
                out.append(self.compile(item))
        return out

    def compile(self, node):
        if isinstance(node, ql.Word):
            return self.word(node)
        if isinstance(node, ql.Phrase):
            return self.phrase(list(node.words))
        if isinstance(node, ql.And):
            parts = [p for p in self.conjunction(_flatten(node)) if p is not None]
            return wq.And(parts) if parts else wq.NullQuery
        if isinstance(node, ql.Or):
            parts = [p for p in (self.compile(i) for i in node.items) if p is not None]
            return wq.Or(parts) if parts else wq.NullQuery
        if isinstance(node, ql.Not):
            return self.negation(node.item)
        if isinstance(node, ql.DateRange):
            return self.any_date(node)
        if isinstance(node, ql.NumberSymbol):
            return self.number_symbol(node.text)
        if isinstance(node, ql.Field):
            return self.field(node.name, node.value)
        return None

    def negation(self, node):
        """``NOT x``. A word typed with diacritics excludes that exact word only
        (``hung -hưng`` keeps Hùng); anything else excludes what it matches."""
        if isinstance(node, ql.Word) and not node.prefix and not node.fuzzy:
            exact = normalize(node.text).strip()
            folded = fold(exact)
            if exact != folded:
                parts = [_term(f, exact) for f, _ in self.word_fields
                         if f not in self.folded_only and self.lex.df(f, exact)]
                return wq.Not(wq.Or(parts)) if parts else None
            parts = [_term(f, folded) for f, _ in self.word_fields if self.lex.df(f, folded)]
            return wq.Not(wq.Or(parts)) if parts else None
        marks = self.marks
        self.marks = Marks()  # what is excluded is never highlighted
        try:
            inner = self.compile(node)
        finally:
            self.marks = marks
        return wq.Not(inner) if inner is not None else None

    def word_run(self, words: list[str]) -> list[wq.Query]:
        """Plain words typed one after another (default: each on its own)."""
        return [self.word(ql.Word(w)) for w in words]

    # -- words ----------------------------------------------------------------------

    def exact_boost(self, fieldname: str) -> float:
        """How much more an exact (diacritic) match in the field adds than its folded
        match: :data:`EXACT_BOOST` times the field's boost."""
        return EXACT_BOOST

    def forms(self, fieldname: str, exact: str, folded: str, typed_marks: bool,
              boost: float = 1.0) -> wq.Query:
        """Exact-or-folded for one field (see :class:`FormsOr`)."""
        if not typed_marks or exact == folded or fieldname in self.folded_only:
            return _term(fieldname, folded, boost)
        return FormsOr([_term(fieldname, exact, boost * self.exact_boost(fieldname)),
                        _term(fieldname, folded, boost)])

    def word(self, w: ql.Word) -> wq.Query:
        w = joined_number(w)
        exact = normalize(w.text).strip()
        folded = fold(exact)
        marks = has_marks(exact)
        if w.prefix:
            return self.prefix(folded)
        if w.fuzzy:
            return self.fuzzy(folded)
        if self.should_correct(folded):
            fixed = self.correct(exact, folded, marks)
            if fixed is not None:
                return fixed
        self.marks.add_word(exact, folded, marks)
        parts = [self.forms(f, exact, folded, marks, b) for f, b in self.word_fields
                 if self.lex.df(f, folded)]
        extras = [self.forms(f, exact, folded, marks, b) for f, b in self.extra_fields
                  if self.lex.df(f, folded)]
        if extras:
            self.bonus.append(Extra(extras))
        parts += self.number_word(folded)
        if not parts:
            return _term(self.word_fields[0][0], folded)
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def number_word(self, folded: str) -> list[wq.Query]:
        """Extra readings of a word made of digits (numbers, years)."""
        return []

    def correct(self, exact: str, folded: str, marks: bool) -> wq.Query | None:
        """An unknown word: the known words one edit away (the most frequent first is
        the suggested correction). ``None`` when there is none."""
        vocab = self.word_fields[0][0]
        candidates = self.lex.candidates(vocab, folded)
        if not candidates:
            return None
        best = candidates[0]
        if marks:
            # Keep the user's diacritics where the correction allows: prefer an exact
            # indexed form one edit from what was typed.
            exact_hits = [t for t in self.lex.candidates(vocab, exact) if fold(t) in candidates]
            if exact_hits:
                best = exact_hits[0]
        self.corrections[exact] = best
        bf = fold(best)
        self.marks.add_word(best, bf, best != bf)
        parts = []
        for f, b in self.word_fields:
            alts = [_term(f, c, b * 0.8) for c in candidates if self.lex.df(f, c)]
            if best != bf and f not in self.folded_only and self.lex.df(f, best):
                alts.append(_term(f, best, b * 0.8 * self.exact_boost(f)))
            parts += alts
        return wq.Or(parts) if parts else None

    def prefix(self, folded: str) -> wq.Query:
        self.marks.prefixes.add(folded)
        parts = []
        for f, b in self.word_fields:
            if folded[:1].isdigit():  # not in the word vocabulary (see spelling)
                terms = [t for t in self.lex.expand_prefix(f, folded, PREFIX_LIMIT)
                         if " " not in t and (f in self.folded_only or t == fold(t))]
            else:
                terms = [t for t in self.lex.prefix_words(f, folded, PREFIX_LIMIT * 4)
                         if f in self.folded_only or t == fold(t)][:PREFIX_LIMIT]
            parts += [_term(f, t, b) for t in terms]
        return wq.Or(parts) if parts else wq.NullQuery

    def fuzzy(self, folded: str) -> wq.Query:
        vocab = self.word_fields[0][0]
        terms = [folded] + self.lex.within_one(vocab, folded)
        self.marks.folded.update(terms)
        parts = [_term(f, t, b) for f, b in self.word_fields for t in terms
                 if self.lex.df(f, t)]
        return wq.Or(parts) if parts else wq.NullQuery

    # -- phrases --------------------------------------------------------------------

    def phrase(self, words: list[str]) -> wq.Query:
        normed = [normalize(join_numbers(w)) for w in words]
        exact = [x for w in normed for x in re.findall(r"[^\W_]+", w)]
        if len(exact) < 2:
            return self.word(ql.Word(exact[0])) if exact else None
        folded = [fold(w) for w in exact]
        for e, f in zip(exact, folded):
            self.marks.add_word(e, f, e != f)
        pairs = [f"{a} {b}" for a, b in zip(folded, folded[1:])]
        alternatives = []
        for f, boost in self.pair_fields:
            alternatives.append(wq.And([_term(f, p, boost) for p in pairs]))
        return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)

    # -- values ---------------------------------------------------------------------

    def day_range(self, fieldname: str, rng: ql.DateRange, boost: float = 1.0):
        start, end = day_term(rng.start), day_term(rng.end)
        if start is not None and start == end:
            return _term(fieldname, start, boost)
        return wq.ConstantScoreQuery(
            wq.TermRange(fieldname, start, end, constantscore=True), score=boost)

    def any_date(self, rng: ql.DateRange):
        parts = [self.day_range(f, rng, b) for f, b in self.date_fields]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def number_symbol(self, text: str):
        return wq.NullQuery

    def field(self, name: str, value):
        return wq.NullQuery

    def year(self, rng: ql.YearRange):
        if rng.start is not None and rng.start == rng.end:
            return wq.ConstantScoreQuery(_term("year", str(rng.start)), score=0.5)
        lo = str(rng.start) if rng.start is not None else None
        hi = str(rng.end) if rng.end is not None else None
        return wq.ConstantScoreQuery(wq.TermRange("year", lo, hi), score=0.5)

    def key(self, fieldname: str, text: str, boost: float = 1.0):
        exact, folded = key_forms(text)
        return self.forms(fieldname, exact, folded, exact != folded, boost)

    def words_in(self, fieldname: str, value, boost: float = 1.0):
        """Every word of ``value`` (a Word or Phrase node) in one field."""
        words = [value.text] if isinstance(value, ql.Word) else list(value.words)
        parts = []
        for w in words:
            for e in re.findall(r"[^\W_]+", normalize(join_numbers(w))):
                f = fold(e)
                self.marks.add_word(e, f, e != f)
                parts.append(self.forms(fieldname, e, f, e != f, boost))
        if not parts:
            return wq.NullQuery
        return parts[0] if len(parts) == 1 else wq.And(parts)


def _flatten(node: ql.And) -> list:
    out = []
    for item in node.items:
        if isinstance(item, ql.And):
            out += _flatten(item)
        else:
            out.append(item)
    return out


def value_text(value) -> str:
    """The text of a field value node."""
    if isinstance(value, ql.Word):
        return value.text
    if isinstance(value, ql.Phrase):
        return " ".join(value.words)
    if isinstance(value, ql.NumberSymbol):
        return value.text
    return str(value)
