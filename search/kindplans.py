"""Which fields of each kind answer which part of a query (see :mod:`search.planner`).

A new kind of record adds a :class:`~search.planner.KindPlanner` subclass here and an
entry in :data:`PLANNERS`.
"""

from __future__ import annotations

import re

from whoosh import query as wq

from search import querylang as ql
from search.analyzer import fold, has_marks, join_numbers, normalize
from search.fields import key_forms
from search.planner import Alternatives, KindPlanner, value_text
from search.proximity import Proximity

_YEARISH = re.compile(r"^(1[89]\d\d|20\d\d)$")
PAIR_BONUS = 1.5  # per pair of typed words found next to each other on the page
#: Whether unquoted runs of words are re-ranked by closeness (:mod:`search.proximity`);
#: off only to measure what the re-ranking costs (``bench/search.py``).
PROXIMITY = True
_NS = re.compile(r"^(\d+)(/\d{4})?/([^/\s]+)$")


def _page_texts(d: dict) -> list[str]:
    """The texts of a page's ``tx`` field, from its stored ``d`` column: a first page's
    text field holds its issuer and title too (see :mod:`search.kinds`)."""
    return [d["x"], d["t"], d["is"]] if d["p"] == 1 else [d["x"]]


def _unit_query(planner: KindPlanner, code: str):
    """``donvi:VP``: the unit ids whose code is ``VP`` (from the ``ul`` id:code terms)."""
    wanted = fold(normalize(code))
    ids = []
    for term in planner.lex.expand_prefix("ul", "", 100_000):
        uid, _, ucode = term.partition(":")
        if fold(normalize(ucode)) == wanted:
            ids.append(uid)
    if code.isdigit():
        ids.append(code)
    if not ids:
        return wq.NullQuery
    return wq.ConstantScoreQuery(wq.Or([wq.Term("unit", u) for u in ids]), score=0.0)


class DocumentPlanner(KindPlanner):
    # A first page's text field holds its issuer and title too (see kinds): words
    # and phrases match in the text; a word also in the title ranks higher.
    word_fields = (("tx", 1.0),)
    extra_fields = (("title", 1.5),)
    pair_fields = (("tx", 1.0),)
    date_fields = (("day", 1.0), ("arr", 1.0))
    run_digits = True

    def word_run(self, words):
        """Each word is required; words typed next to each other score more where
        the page has them next to each other too (their pair terms), and a page
        ranks by how close together and in order it has them (:class:`Proximity`:
        the exact sequence, then near, then scattered)."""
        normed = [normalize(w).strip() for w in words]
        folded = [fold(w) for w in normed]
        for i, f in enumerate(folded):
            if self.should_correct(f):
                fixed = self._correct_in_context(folded, i)
                if fixed is not None:
                    self.corrections[normed[i]] = fixed
                    normed[i], folded[i] = fixed, fold(fixed)
        out = [self.word(ql.Word(w)) for w in normed]
        pairs = {f"{a} {b}" for a, b in zip(folded, folded[1:])}
        self.bonus += [wq.Term("tx", p, boost=PAIR_BONUS) for p in sorted(pairs)
                       if self.lex.df("tx", p)]
        if len(folded) >= 2 and PROXIMITY:
            # A word still unknown stands for the readings it was replaced by.
            slots = [frozenset([f] + (self.lex.candidates("tx", f) if self.should_correct(f)
                                      else [])) for f in folded]
            self.bonus.append(Proximity("tx", slots, _page_texts, out))
        return out

    def _correct_in_context(self, folded, i):
        """The correction of an unknown word that best fits its neighbours (the
        word pairs of the index), else the most frequent one."""
        candidates = [c for c in self.lex.candidates("tx", folded[i]) if c == fold(c)]
        if not candidates:
            return None

        def fit(c):
            n = 0
            if i > 0:
                n += self.lex.df("tx", f"{folded[i - 1]} {c}")
            if i + 1 < len(folded):
                n += self.lex.df("tx", f"{c} {folded[i + 1]}")
            return n
        best = max(candidates, key=lambda c: (fit(c), self.lex.df("tx", c)))
        return best

    def number_word(self, folded):
        if not folded.isdigit():
            return []
        out = [wq.Term("num", folded.lstrip("0") or "0", boost=2.0)]
        if _YEARISH.match(folded):
            out.append(wq.ConstantScoreQuery(wq.Term("year", folded), score=1.0))
        return out

    def number_symbol(self, text):
        t = text.strip()
        if join_numbers(t).isdigit():  # so:501.363 is the number 501363
            t = join_numbers(t)
        if "/" in t:
            exact, folded = key_forms(t)
            if self.lex.seen("ns", folded) or not _NS.match(exact):
                return self.key("ns", t, boost=4.0)
            return self._fuzzy_number_symbol(exact)
        if t.isdigit():
            return wq.Term("num", t.lstrip("0") or "0", boost=2.0)
        sym = self.key("sym", t, boost=3.0)
        words = [w for w in re.split(r"[-\s]+", t) if w]
        alt = self.words_in("tx", ql.Phrase(tuple(words))) if len(words) > 1 else None
        return wq.Or([sym, alt]) if alt is not None else sym

    def _fuzzy_number_symbol(self, exact):
        """A number/symbol not in the index: the number with symbols one misread
        letter away (``22/QĐ-PKF`` → ``22/QĐ-PKT``)."""
        m = _NS.match(exact)
        number, symbol = m.group(1), m.group(3)
        sym_exact, sym_folded = key_forms(symbol)
        options = [sym_folded] if self.lex.seen("sym", sym_folded) else \
            self.lex.candidates("sym", sym_folded)
        if not options:
            return wq.NullQuery
        best = next((c for c in self.lex.candidates("sym", sym_exact) if fold(c) == options[0]),
                    options[0])
        self.corrections[exact] = exact[:len(exact) - len(symbol)] + best.upper()
        return wq.And([wq.Term("num", number.lstrip("0") or "0", boost=2.0),
                       wq.Or([wq.Term("sym", o, boost=2.0) for o in options])])

    def field(self, name, value):
        text = value_text(value)
        if name == "number":
            return self.number_symbol(text)
        if name == "type":
            return self.key("type", text, boost=1.0)
        if name == "issuer":
            return self.words_in("iss", value if not isinstance(value, ql.NumberSymbol)
                                 else ql.Word(text), boost=1.0)
        if name == "unit":
            return _unit_query(self, text)
        if name == "year" and isinstance(value, ql.YearRange):
            return self.year(value)
        if name == "date" and isinstance(value, ql.DateRange):
            return self.day_range("day", value, 0.0)
        if name == "title":
            return self.words_in("title", value, 1.0)
        if name == "text":
            return self.words_in("tx", value, 1.0)
        return wq.NullQuery


#: Boosts of a person's own whole name, a former one (a corrected entry), a related
#: person's. A former name ranks below the current name, above a parent's of the
#: same name (it is still this person's).
OWN_NAME, FORMER_NAME, RELATED_NAME = 4.0, 3.0, 2.0
#: Former-name fields: an exact match adds only this fraction of the field's boost (not
#: ``EXACT_BOOST`` times it), so a former name typed exactly still ranks below a
#: current name matched without its diacritics (3.0 + 0.75 < 4.0; words 1.5 + 0.375
#: < 3.0), while ranking above the same former name matched folded only.
FORMER_EXACT = 0.25


class PersonPlanner(KindPlanner):
    # ``fw`` holds only former-name words the current name lacks (search.fields.
    # former_name_terms): an entry matches a word by one of nw/fw, never both, so the
    # lower boost of fw ranks it below a current-name match (and a former-name word
    # plus a related name's word, 1.5 + 1.0, still below one current-name word).
    word_fields = (("nw", 3.0), ("tw", 1.0), ("fw", 1.5))
    folded_only = frozenset({"tw"})
    pair_fields = (("nw", 3.0), ("fw", 1.5))
    whole_word_fields = ("nw", "fw")  # a former name's last word is typed in full too

    def exact_boost(self, fieldname):
        return FORMER_EXACT if fieldname in ("fk", "fw") else super().exact_boost(fieldname)
    date_fields = (("dob", 2.0), ("day", 1.0))
    max_span = 5

    def number_word(self, folded):
        if not folded.isdigit():
            return []
        out = [wq.Term("num", folded.lstrip("0") or "0", boost=1.0),
               wq.Term("pid", folded, boost=4.0)]
        if _YEARISH.match(folded):
            out.append(wq.ConstantScoreQuery(
                wq.TermRange("dob", folded + "0101", folded + "1231"), score=1.5))
            out.append(wq.ConstantScoreQuery(wq.Term("year", folded), score=0.5))
        return out

    # -- names ----------------------------------------------------------------------

    def _tokens(self, words):
        """``(exact, folded, typed marks, alternatives, as typed)`` per word. A word the index
        does not know is replaced by its most likely correction; ``alternatives`` then
        lists the other candidates, tried when looking for a whole name."""
        toks = self._raw_tokens(words)
        # A word whose pair with a neighbour is in no name may be a misread of
        # another name word (Toà for Toàn): give it alternatives too.
        for i, t in enumerate(toks):
            if len(t[3]) > 1 or t[1].isdigit() or len(t[1]) < 2:
                continue
            lone = all(not self._pair_known(toks[j][1], toks[j + 1][1])
                       for j in (i - 1, i) if 0 <= j < len(toks) - 1)
            if lone and len(toks) > 1:
                toks[i] = t[:3] + (t[3] + self._name_candidates(t[0], t[1], t[2]),) + t[4:]
        return toks

    def _pair_known(self, a: str, b: str) -> bool:
        return bool(self.lex.df("nw", f"{a} {b}") or self.lex.df("fw", f"{a} {b}"))

    def _raw_tokens(self, words):
        toks = []
        for w in words:
            for e in re.findall(r"[^\W_]+", normalize(w)):
                typed, f = e, fold(e)
                alts = [(e, f)]
                if self.should_correct(f):
                    alts = self._name_candidates(e, f, has_marks(e)) or alts
                    if alts[0][0] != typed:
                        self.corrections[typed] = alts[0][0]
                elif not self.knows(f) and not f.isdigit():
                    # Known elsewhere (a document word) but in no name here: keep it,
                    # and let whole-name recognition try the names it may be.
                    alts = alts + self._name_candidates(e, f, has_marks(e))
                elif has_marks(e) and not self.lex.df("nw", e):
                    # Its letters make a name word but its marks do not (Hầng: Hằng or
                    # Hồng misread): the marked words one edit away are readings too.
                    alts = alts + [(t, fold(t)) for t in self.lex.candidates("nw", e)
                                   if has_marks(t)][:4]
                e, f = alts[0]
                toks.append((e, f, has_marks(e), alts, typed))
        return toks

    def _name_candidates(self, exact, folded, marks):
        """Name words ``exact`` may be a misreading of, as ``(exact, folded)``: those one
        edit (or one OCR confusion) from the folded word, most frequent first; typed
        with diacritics, the diacritic forms closest to what was typed come first."""
        folded_c = [c for c in self.lex.candidates("nw", folded) if c == fold(c)]
        if not folded_c:
            return []
        out: list[tuple[str, str]] = []
        if marks:
            for t in self.lex.candidates("nw", exact):
                f = fold(t)
                if t != f and f in folded_c and all(f != o for _, o in out):
                    out.append((t, f))
        out += [(c, c) for c in folded_c if all(c != o for _, o in out)]
        return out[:5]

    def _span_keys(self, span) -> list[list]:
        """Readings of the span (alternatives of misread words tried) that are known
        whole names, most likely first (at most 5)."""
        choices = [[(t[0], t[1], t[2])] if len(t[3]) == 1 else
                   [(e, f, has_marks(e)) for e, f in t[3]] for t in span]
        combos = [[]]
        for options in choices:
            combos = [c + [o] for c in combos for o in options][:24]
        found, seen = [], set()
        for combo in combos:
            key = " ".join(t[1] for t in combo)
            if key not in seen and (self.lex.seen("nk", key) or self.lex.seen("rk", key)
                                    or self.lex.seen("fk", key)):
                seen.add(key)
                found.append(combo)
                if len(found) >= 5:
                    break
        return found

    def name_span(self, toks, own=True, related=True, boost=1.0):
        """A full name: the person's own whole-name key (current, else a former one),
        or a related person's name."""
        exact = " ".join(t[0] for t in toks)
        folded = " ".join(t[1] for t in toks)
        marks = any(t[2] for t in toks)
        for e, f, m in toks:
            self.marks.add_word(e, f, m)
        alts = []
        if own and self.lex.df("nk", folded):
            alts.append(self.forms("nk", exact, folded, marks, OWN_NAME * boost))
        if own and self.lex.df("fk", folded):
            alts.append(self.forms("fk", exact, folded, marks, FORMER_NAME * boost))
        if related and self.lex.df("rk", folded):
            alts.append(self.forms("rk", exact, folded, marks, RELATED_NAME * boost))
        if not alts:
            return None
        return alts[0] if len(alts) == 1 else Alternatives(alts)

    def pairs_run(self, toks):
        """Words that are no known whole name: each adjacent pair in a name."""
        parts = []
        for a, b in zip(toks, toks[1:]):
            exact, folded, m = f"{a[0]} {b[0]}", f"{a[1]} {b[1]}", a[2] or b[2]
            alts = [self.forms(f, exact, folded, m, boost) for f, boost in self.pair_fields
                    if self.lex.df(f, folded)]
            if not alts:
                return None
            parts.append(alts[0] if len(alts) == 1 else wq.Or(alts))
        for e, f, m in toks:
            self.marks.add_word(e, f, m)
        return wq.And(parts) if len(parts) > 1 else parts[0]

    def word_run(self, words):
        toks = self._tokens(words)
        out, leftover = [], []

        def flush():
            if len(leftover) >= 2:
                q = self.pairs_run(leftover)
                if q is not None:
                    out.append(q)
                    leftover.clear()
                    return
            out.extend(self.word(ql.Word(t[0])) for t in leftover)
            leftover.clear()

        for i, span in self._segment(toks):
            if span is None:
                leftover.append(toks[i][:3])
                continue
            size, readings = span
            flush()
            for t, chosen in zip(toks[i:i + size], readings[0]):
                if chosen[0] != t[4]:
                    self.corrections[t[4]] = chosen[0]
            # Every reading that is a real name stays possible: the rest of the query
            # (a date, a parent) tells which one was meant.
            alts = [self.name_span(r, boost=1.0 if n == 0 else 0.9)
                    for n, r in enumerate(readings)]
            alts = [a for a in alts if a is not None]
            out.append(alts[0] if len(alts) == 1 else Alternatives(alts))
        flush()
        return [q for q in out if q is not None]

    def _segment(self, toks):
        """Cut a run of words into known whole names so that the names cover as many
        words as possible, in as few names as possible ("Nguyễn Văn Tuấn Trương Thị
        Đào" is two names even if "Nguyễn Văn Tuấn Trương" is one too). Yields
        ``(position, (size, readings))`` for a name, ``(position, None)`` for a word
        left over."""
        n = len(toks)
        best = [(0, 0)] * (n + 1)      # (words covered, -names) from position i on
        choice: list = [None] * (n + 1)
        for i in range(n - 1, -1, -1):
            best[i], choice[i] = best[i + 1], None
            for size in range(2, min(self.max_span, n - i) + 1):
                readings = self._span_keys(toks[i:i + size])
                if readings:
                    cand = (best[i + size][0] + size, best[i + size][1] - 1)
                    if cand > best[i]:
                        best[i], choice[i] = cand, (size, readings)
        i = 0
        while i < n:
            yield i, choice[i]
            i += choice[i][0] if choice[i] else 1

    def phrase(self, words):
        qs = self.word_run(words)
        return qs[0] if len(qs) == 1 else (wq.And(qs) if qs else wq.NullQuery)

    # -- fields ---------------------------------------------------------------------

    def field(self, name, value):
        text = value_text(value)
        if name in ("name", "mother", "father", "spouse"):
            toks = [t[:3] for t in self._tokens(text.split())]
            if len(toks) == 1:
                e, f, m = toks[0]
                self.marks.add_word(e, f, m)
                if name != "name":
                    return self.forms("tw", e, f, m, 3.0)
                parts = [self.forms(fn, e, f, m, b) for fn, b in (("nw", 3.0), ("fw", 1.5))
                         if self.lex.df(fn, f)]
                if not parts:
                    return self.forms("nw", e, f, m, 3.0)
                return parts[0] if len(parts) == 1 else wq.Or(parts)
            if not toks:
                return wq.NullQuery
            q = self.name_span(toks, own=name == "name", related=name != "name")
            if q is None and name == "name":
                q = self.pairs_run(toks)
            return q if q is not None else wq.NullQuery
        if name == "personal_id":
            return wq.Term("pid", text.strip(), boost=4.0)
        if name == "book":
            return self.key("book", text, 1.0)
        if name == "number":
            t = join_numbers(text.strip())
            return wq.Term("num", t.lstrip("0") or "0") if t.isdigit() else wq.NullQuery
        if name == "type":
            return self.key("type", text, 1.0)
        if name == "unit":
            return _unit_query(self, text)
        if name == "year" and isinstance(value, ql.YearRange):
            return self.year(value)
        if name == "date" and isinstance(value, ql.DateRange):
            return self.day_range("day", value, 0.5)
        if name == "dob" and isinstance(value, ql.DateRange):
            return self.day_range("dob", value, 2.0)
        return wq.NullQuery


PLANNERS: dict[str, type[KindPlanner]] = {
    "document": DocumentPlanner,
    "person": PersonPlanner,
}
