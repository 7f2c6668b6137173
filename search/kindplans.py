"""Which fields of each kind answer which part of a query (see :mod:`search.planner`).

A new kind of record adds a :class:`~search.planner.KindPlanner` subclass here and an
entry in :data:`PLANNERS`.
"""

from __future__ import annotations

import re

from whoosh import query as wq

from search import querylang as ql
from search.analyzer import fold, has_marks, normalize
from search.planner import KindPlanner, value_text

_YEARISH = re.compile(r"^(1[89]\d\d|20\d\d)$")


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
    word_fields = (("tx", 1.0), ("title", 1.5), ("iss", 0.5))
    pair_fields = (("tx", 1.0), ("title", 1.5))
    date_fields = (("day", 1.0), ("arr", 1.0))

    def number_word(self, folded):
        if not folded.isdigit():
            return []
        out = [wq.Term("num", folded.lstrip("0") or "0", boost=2.0)]
        if _YEARISH.match(folded):
            out.append(wq.ConstantScoreQuery(wq.Term("year", folded), score=1.0))
        return out

    def number_symbol(self, text):
        t = text.strip()
        if "/" in t:
            return self.key("ns", t, boost=4.0)
        if t.isdigit():
            return wq.Term("num", t.lstrip("0") or "0", boost=2.0)
        sym = self.key("sym", t, boost=3.0)
        words = [w for w in re.split(r"[-\s]+", t) if w]
        alt = self.words_in("tx", ql.Phrase(tuple(words))) if len(words) > 1 else None
        return wq.Or([sym, alt]) if alt is not None else sym

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


class PersonPlanner(KindPlanner):
    word_fields = (("nw", 3.0), ("tw", 1.0))
    folded_only = frozenset({"tw"})
    pair_fields = (("nw", 3.0), ("rw", 1.5))
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
        toks = []
        for w in words:
            for e in re.findall(r"[^\W_]+", normalize(w)):
                f = fold(e)
                if self.should_correct(f):
                    fixed = self._correct_name_word(e, f, has_marks(e))
                    if fixed is not None:
                        e, f = fixed, fold(fixed)
                toks.append((e, f, has_marks(e)))
        return toks

    def _correct_name_word(self, exact, folded, marks):
        candidates = self.lex.within_one("nw", folded)
        if not candidates:
            return None
        best = candidates[0]
        if marks:
            exact_hits = [t for t in self.lex.within_one("nw", exact) if fold(t) in candidates]
            best = exact_hits[0] if exact_hits else best
        self.corrections[exact] = best
        return best

    def related_name(self, toks, boost=1.5):
        """A related person's name: the two rarest of its pairs (adjacent and
        surname+given), which are far cheaper to intersect than all of them."""
        pairs = [(toks[i], toks[i + 1]) for i in range(len(toks) - 1)]
        if len(toks) >= 3:
            pairs.append((toks[0], toks[-1]))
        scored = []
        for a, b in pairs:
            exact, folded = f"{a[0]} {b[0]}", f"{a[1]} {b[1]}"
            scored.append((self.lex.df("rw", folded), exact, folded, a[2] or b[2]))
        scored.sort()
        if not scored or scored[0][0] == 0:
            return None
        parts = [self.forms("rw", e, f, m, boost) for _, e, f, m in scored[:2]]
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def name_span(self, toks, own=True, related=True):
        """A full name: the person's own whole-name key, or a related person's name."""
        exact = " ".join(t[0] for t in toks)
        folded = " ".join(t[1] for t in toks)
        marks = any(t[2] for t in toks)
        for e, f, m in toks:
            self.marks.add_word(e, f, m)
        alts = []
        if own and self.lex.df("nk", folded):
            alts.append(self.forms("nk", exact, folded, marks, 4.0))
        if related:
            rel = self.related_name(toks)
            if rel is not None:
                alts.append(rel)
        if not alts:
            return None
        return alts[0] if len(alts) == 1 else wq.Or(alts)

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
        out, leftover, i = [], [], 0

        def flush():
            if len(leftover) >= 2:
                q = self.pairs_run(leftover)
                if q is not None:
                    out.append(q)
                    leftover.clear()
                    return
            out.extend(self.word(ql.Word(t[0])) for t in leftover)
            leftover.clear()

        while i < len(toks):
            for size in range(min(self.max_span, len(toks) - i), 1, -1):
                span = toks[i:i + size]
                if self.lex.df("nk", " ".join(t[1] for t in span)):
                    flush()
                    out.append(self.name_span(span))
                    i += size
                    break
            else:
                leftover.append(toks[i])
                i += 1
        flush()
        return [q for q in out if q is not None]

    def phrase(self, words):
        qs = self.word_run(words)
        return qs[0] if len(qs) == 1 else (wq.And(qs) if qs else wq.NullQuery)

    # -- fields ---------------------------------------------------------------------

    def field(self, name, value):
        text = value_text(value)
        if name in ("name", "mother", "father", "spouse"):
            toks = self._tokens(text.split())
            if len(toks) == 1:
                e, f, m = toks[0]
                self.marks.add_word(e, f, m)
                fieldname = "nw" if name == "name" else "tw"
                return self.forms(fieldname, e, f, m, 3.0)
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
            t = text.strip()
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
