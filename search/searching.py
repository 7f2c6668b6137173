"""Answering a query across kinds: plan, scope, count, facet, rank, highlight, and
"did you mean"; and completions as you type.

Ranking across kinds merges each kind's best hits by score (both are BM25-style sums of
the planner's boosts); sorting by date merges by the record's main date (a document's
issue date, an entry's registration date).

When no record matches every part of a query of several parts, the query is relaxed:
records matching all parts but one are returned (``SearchResult.relaxed``), best
first. That keeps a query useful when one word is a valid but wrong word (an OCR
confusion such as Lan/Lanh) that spelling correction cannot catch.
"""

from __future__ import annotations

import heapq
import pickle
import re
import struct
import zlib
from collections import Counter

import numpy as np
from whoosh import query as wq

from search import querylang as ql
from search.analyzer import fold, normalize
from search.cache import answer_key, keep, kept
from search.engine import SegRun, facet_counts, newest, newest_sets, restrict
from search.kindsearcher import SUGGEST_FIELDS, KindSearcher
from search.scoring import Stats, _table, ideal, score_docs, top
from search.errors import IndexCorrupt
from search.highlight import snippets
from search.kindplans import PLANNERS
from search.kinds import KINDS
from search.planner import Marks
from search.records import AccessScope, SearchResult, Suggestion
from search.spelling import exact_form
from search.visibility import ScopedLexicon, Visibility, ids_array, personal_ids

_READ_ERRORS = (OSError, EOFError, ValueError, KeyError, IndexError, struct.error,
                pickle.UnpicklingError, zlib.error)
MAX_PER_PAGE = 100
RELAX_MAX_PARTS = 6
#: Matches scored for relevance at most (the newest ones; see ``_KindRun.best``).
SCORE_LIMIT = 5_000
#: Completions of the word being typed that are counted, most frequent first.
COMPLETE_EXPAND = 24
#: Completions of the last word considered when it is the start of a word, and the
#: most likely ones searched (see ``_complete_last_word``).
PREFIX_PROBE = 64
COMPLETE_WORDS = 4
COMPLETE_BUDGET = 5_000


def _filters_to_nodes(filters: dict | None) -> list:
    """``filters`` (from the facet links of the search page) as query nodes."""
    nodes = []
    for key, value in (filters or {}).items():
        if value in (None, ""):
            continue
        if key == "type":
            words = str(value).split()
            nodes.append(ql.Field("type", ql.Phrase(tuple(words)) if len(words) > 1
                                  else ql.Word(words[0])))
        elif key == "year":
            try:
                y = int(value)
            except (TypeError, ValueError):
                continue  # not a year (a hand-edited address): no such filter
            if 1 <= y <= 9999:
                nodes.append(ql.Field("year", ql.YearRange(y, y)))
        elif key == "unit":
            nodes.append(ql.Field("unit", ql.NumberSymbol(str(value))))
        elif key in ("date_from", "date_to"):
            rng = ql.parse_day_range(str(value))
            if rng:
                nodes.append(ql.Field("date", ql.DateRange(
                    rng.start if key == "date_from" else None,
                    rng.end if key == "date_to" else None)))
    return nodes


def _has_bm25(q, schema) -> bool:
    """Whether any term of ``q`` is in a BM25 (scorable) field."""
    if isinstance(q, wq.Term):
        return q.fieldname in schema and schema[q.fieldname].scorable
    children = getattr(q, "subqueries", None) or [getattr(q, n) for n in ("a", "b", "child", "query")
                                                   if hasattr(q, n)]
    return any(_has_bm25(c, schema) for c in children if isinstance(c, wq.Query))


def _typed_words(node) -> set[str]:
    """Folded plain words of a query (candidates for spelling correction)."""
    out = set()
    for n in ql.walk(node) if node is not None else ():
        texts = [n.text] if isinstance(n, ql.Word) else list(n.words) \
            if isinstance(n, ql.Phrase) else []
        for t in texts:
            out.update(re.findall(r"[^\W_]+", fold(normalize(t))))
    return out


def _relaxed(components):
    """Records matching all components but one."""
    alts = []
    for i in range(len(components)):
        rest = components[:i] + components[i + 1:]
        if all(isinstance(c, wq.Not) for c in rest):
            continue
        alts.append(rest[0] if len(rest) == 1 else wq.And(rest))
    return wq.Or(alts) if alts else wq.NullQuery


def _corrected(query: str, corrections: dict[str, str]) -> str | None:
    if not corrections:
        return None

    def fix(m):
        word = m.group()
        new = corrections.get(normalize(word))
        if new is None:
            return word
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    out = re.sub(r"[^\W\d_]+", fix, query)
    return out if out != query else None


class _KindRun:
    """One kind's part of a search: its query, matches and best hits."""

    def __init__(self, ks: KindSearcher, planner, node, scope: AccessScope):
        self.ks = ks
        self.planner = planner
        plan = planner.plan(node)
        self.marks = plan.marks if plan else Marks()
        self.corrections = plan.corrections if plan else {}
        self.relaxed = False
        if plan is None:
            self.query = wq.NullQuery
            self.sets = [set() for _ in ks.segments]
            return
        self.scope = scope
        self.plan = plan
        self.components = plan.components
        self.runs = [SegRun(seg) for seg in ks.segments]
        self.query = restrict(plan.query, scope, ks.readers)
        self.sets = [run.docset(self.query) for run in self.runs]

    def relax(self) -> None:
        """Match all components but one (called when no kind matched everything)."""
        parts = getattr(self, "components", [])
        if 2 <= len(parts) <= RELAX_MAX_PARTS:
            relaxed = restrict(self.plan.with_bonus(_relaxed(parts)), self.scope,
                               self.ks.readers)
            sets = [run.docset(relaxed) for run in self.runs]
            if any(sets):
                self.query, self.sets, self.relaxed = relaxed, sets, True

    @property
    def total(self) -> int:
        return sum(len(s) for s in self.sets)

    def best(self, k: int, sort: str) -> list[tuple[float, object, int]]:
        """``(sort key, score, docnum)`` of the ``k`` best matches."""
        if not self.total or k <= 0:
            return []
        if sort == "date":
            return [(day, 0.0, doc) for doc, day in newest(self.ks.segments, self.sets, k)]
        stats = Stats(self.ks.searcher, self.ks.df)
        sets = self.sets
        if self.total > SCORE_LIMIT and _has_bm25(self.query, self.ks.searcher.schema):
            # A text query matching this much (a common phrase) is ranked among its
            # newest matches only (BM25 costs a Python step per match and term);
            # totals and facets still count every match. Name queries score with
            # set operations and are always ranked whole.
            sets = newest_sets(self.ks.segments, sets, SCORE_LIMIT)
        scored = [(run.seg.offset, score_docs(self.query, run, s, stats))
                  for run, s in zip(self.runs, sets)]
        # Kinds score on different scales (BM25 for text, boosts for names): report
        # each score as a fraction of a perfect match's, and interleave kinds by that.
        full = ideal(self.query, stats) or 1.0
        best = top(scored, k)
        # Coverage (the clamped fraction) decides between kinds; the score within one.
        cover = {}
        for run in self.runs:
            mine = {doc - run.seg.offset for _, doc in best
                    if run.seg.offset <= doc < run.seg.offset + run.seg.doc_count_all}
            for d, c in _table(score_docs(self.query, run, mine, stats, clamp=True)).items():
                cover[d + run.seg.offset] = c / full
        priority = self.ks.kind.priority
        return [((round(cover.get(doc, 0.0), 3), priority, score / full), score / full, doc)
                for score, doc in best]


def search(index, query: str, scope: AccessScope, *, kind: str | None = None,
           page: int = 1, per_page: int = 20, sort: str = "relevance",
           filters: dict | None = None, facets: bool = True) -> SearchResult:
    """Search the kinds ``scope`` allows (only ``kind`` if given).

    ``sort``: ``"relevance"`` or ``"date"`` (newest first). ``filters``: ``type``,
    ``year``, ``unit`` (id or code), ``date_from``/``date_to`` — the same as the
    ``loai:``/``nam:``/``donvi:``/``ngay:`` fields of the query language. Raises
    :class:`~search.errors.IndexUnavailable` (503) when a kind's index is not ok.
    """
    page = max(1, int(page))
    per_page = max(1, min(MAX_PER_PAGE, int(per_page)))
    node = ql.parse(query)
    extra = _filters_to_nodes(filters)
    kinds = [k for k in ([kind] if kind else KINDS) if k in scope.kinds and k in KINDS]
    searchers = [index.searcher(k) for k in kinds]  # IndexUnavailable: the app's 503
    key = answer_key(searchers, scope, query, kind, page, per_page, sort,
                     tuple(sorted((filters or {}).items())), facets)
    cached = kept(index, key)
    if cached is not None:
        return cached
    try:
        lexicons = [_lexicon(ks, scope) for ks in searchers]
        if node is not None:
            node = _complete_last_word(node, searchers, lexicons)
        if extra:
            if node is None:
                node = ql.And(tuple(extra)) if len(extra) > 1 else extra[0]
            else:
                node = ql.And((node, *extra))
        result = _search(searchers, node, query, scope, page, per_page, sort, facets, lexicons)
    except _READ_ERRORS as exc:  # damaged files found while reading
        for k in kinds:
            index._forget(k)
        raise IndexCorrupt("/".join(kinds), f"{type(exc).__name__}: {exc}") from exc
    keep(index, key, result)
    return result


def _lexicon(ks: KindSearcher, scope: AccessScope) -> ScopedLexicon:
    """Term look-ups for one query: corrections only from what ``scope`` may see."""
    return ScopedLexicon(ks.lexicon_reader, ks.df, Visibility(ks.segments, scope))


def _complete_last_word(node, searchers, lexicons):
    """The last word of a query, when no visible record has it but some have words it
    starts (``khai si``: ``sinh``), is the start of a word still being typed: it is
    searched as the few words it most likely is and never "corrected". Those are the
    visible words it starts that follow the word before it on a visible page ("khai
    sinh"), else the most frequent ones; at most :data:`COMPLETE_WORDS` of them, and no
    more than fit in :data:`COMPLETE_BUDGET` records (by their frequency; the first
    always): a prefix query of hundreds of words, or of four
    frequent ones, made a keystroke of search-as-you-type cost ten times more than the
    query with the whole word. Earlier words are whole words (and may be corrected)."""
    items = list(node.items) if isinstance(node, ql.And) else [node]
    last = items[-1] if items else None
    if not isinstance(last, ql.Word) or last.prefix or last.fuzzy:
        return node
    folded = fold(normalize(last.text).strip())
    if not re.fullmatch(r"[^\W\d_]+", folded):
        return node
    before = items[-2] if len(items) > 1 else None
    prev = fold(normalize(before.text).strip()) if isinstance(before, ql.Word) \
        and not before.prefix and not before.fuzzy else None
    fields, wholes = [], []
    for ks, lex in zip(searchers, lexicons):
        planner = PLANNERS[ks.kind.name]
        fieldname = planner.word_fields[0][0]
        pairs = planner.pair_fields[0][0] if planner.pair_fields else None
        fields.append((lex, fieldname, fieldname in planner.folded_only, pairs))
        wholes += [(lex, f) for f in planner.whole_word_fields or (fieldname,)]
    if any(lex.seen(f, folded) for lex, f in wholes):
        return node  # a whole word some visible record has
    ranked: dict[str, tuple[int, int]] = {}
    where: dict[str, list] = {}
    for lex, f, folded_only, pairs in fields:
        for t in lex.prefix_words(f, folded, PREFIX_PROBE):
            if t == folded or not (folded_only or t == fold(t)):
                continue
            pair = f"{prev} {t}" if prev and pairs else None
            follows = lex.df(pairs, pair) if pair and lex.seen(pairs, pair) else 0
            ranked[t] = max(ranked.get(t, (0, 0)), (follows, lex.df(f, t)))
            where.setdefault(t, []).append((lex, f))
    order = sorted(ranked, key=lambda t: (ranked[t], t), reverse=True)
    if order and ranked[order[0]][0]:  # some follow the word before: only those
        order = [t for t in order if ranked[t][0]]
    chosen, cost = [], 0
    for t in order:
        if any(lex.seen(f, t) for lex, f in where[t]):
            cost += ranked[t][1]
            if chosen and cost > COMPLETE_BUDGET:
                break
            chosen.append(t)
            if len(chosen) >= COMPLETE_WORDS:
                break
    if not chosen:
        return node
    items[-1] = ql.Word(chosen[0]) if len(chosen) == 1 else \
        ql.Or(tuple(ql.Word(t) for t in chosen))
    return ql.And(tuple(items)) if isinstance(node, ql.And) else items[-1]


def _search(searchers, node, query, scope, page, per_page, sort, facets,
            lexicons=None) -> SearchResult:
    lexicons = lexicons or [_lexicon(ks, scope) for ks in searchers]
    planners = [PLANNERS[ks.kind.name](lex) for ks, lex in zip(searchers, lexicons)]
    known = {w for w in _typed_words(node) if any(p.knows(w) for p in planners)}
    runs: list[_KindRun] = []
    for ks, planner in zip(searchers, planners):
        planner.known = known
        runs.append(_KindRun(ks, planner, node, scope))
    if not any(r.total for r in runs):
        for r in runs:
            r.relax()
    total = sum(r.total for r in runs)
    need = page * per_page
    # Each kind's hits come in its own order; the kinds are merged head by head (by
    # coverage of the query, then score), so that a page is the same whatever the
    # page size asked: the first n of the merge depend on the first n of each list.
    lists = [[(key, -i, score, doc) for key, score, doc in r.best(need, sort)]
             for i, r in enumerate(runs)]
    candidates = [(key, score, doc, -neg) for key, neg, score, doc in
                  heapq.merge(*lists, key=lambda c: (c[0], c[1]), reverse=True)]
    hits = []
    for _, score, doc, i in candidates[(page - 1) * per_page:need]:
        r = runs[i]
        d = r.ks.stored(doc)
        spec = r.ks.kind
        hits.append(spec.hit(d, score, snippets(spec.snippet_texts(d), r.marks)))
    corrections = {}
    for r in runs:
        corrections.update(r.corrections)
    suggestion = _corrected(query, corrections) if total < 5 or any(
        r.relaxed for r in runs) or corrections else None
    return SearchResult(
        total=total, hits=hits,
        facets=_facets(runs) if facets else {},
        suggestion=suggestion, page=page, per_page=per_page,
        relaxed=any(r.relaxed for r in runs))


def _facets(runs) -> dict[str, dict]:
    out = {"kind": {}, "type": Counter(), "year": Counter(), "unit": Counter()}
    for r in runs:
        if not r.total:
            continue
        out["kind"][r.ks.kind.name] = r.total
        counts = facet_counts(r.ks.segments, r.sets)
        types = r.ks.labels("type")
        units = r.ks.labels("unit")
        for code, n in counts["type"].items():
            if code:
                out["type"][types.get(code, str(code))] += n
        for year, n in counts["year"].items():
            if year:
                out["year"][year] += n
        for uid, n in counts["unit"].items():
            if uid:
                out["unit"][units.get(uid, str(uid))] += n
    return {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], str(kv[0]))))
            if k != "year" else dict(sorted(v.items(), reverse=True))
            for k, v in out.items()}


# --------------------------------------------------------------------------- suggest

def _key_suggestions(ks, lex, vis, fieldname, display, folded, limit, expand):
    """Whole keys (a person's full name, a number/symbol) that start like what is
    typed, each with its count of visible records, most frequent first."""
    kind = ks.kind.name
    terms = [t for t in lex.expand_prefix(fieldname, folded, expand) if t == fold(t)]
    terms.sort(key=lambda t: -lex.df(fieldname, t))
    out = []
    for t in terms:
        first, count, personal = -1, 0, kind == "person"
        for seg in ks.segments:
            if not seg.df(fieldname, t):
                continue
            docs = vis.docs(seg, ids_array(seg.postings(fieldname, t)[0]))
            if len(docs):
                if first < 0:
                    first = int(docs.min()) + seg.offset
                count += len(docs)
                personal = personal or bool(np.isin(docs, personal_ids(seg)).any())
        if first >= 0:
            out.append(Suggestion(ks.stored(first)[display] or t, kind, count, personal))
            if len(out) >= limit:
                break
    return out


def suggest(index, prefix: str, scope: AccessScope, *, limit: int = 10,
            kind: str | None = None, expand: int = 200) -> list[Suggestion]:
    """Completions of what is being typed: full names of people (whole-name keys),
    numbers/symbols of documents, the typed words with the last one completed
    (``khai si`` → ``khai sinh``: the last word is the start of a word) and titles,
    each with its count within the scope, most frequent first. Only what the scope may
    see is ever suggested: every candidate is checked against its visibility mask."""
    text = " ".join(normalize(prefix).split())
    if len(text) < 2:
        return []
    folded = fold(text)
    kinds = [k for k in ([kind] if kind else KINDS) if k in scope.kinds and k in KINDS]
    searchers = [index.searcher(k) for k in kinds]
    key = answer_key(searchers, "suggest", scope, text, limit, kind, expand)
    cached = kept(index, key)
    if cached is not None:
        return list(cached)
    unique = _suggestions(kinds, searchers, scope, text, folded, limit, expand)
    keep(index, key, tuple(unique))
    return unique


def _suggestions(kinds, searchers, scope, text, folded, limit, expand) -> list[Suggestion]:
    out: list[Suggestion] = []
    for k, ks in zip(kinds, searchers):
        vis = Visibility(ks.segments, scope)
        lex = ScopedLexicon(ks.lexicon_reader, ks.df, vis)
        if k == "person":
            out += _key_suggestions(ks, lex, vis, "nk", "n", folded, limit, expand)
        elif re.search(r"[\d/-]", text):
            out += _key_suggestions(ks, lex, vis, "ns", "ns", folded, limit, expand)
        else:
            out += _word_completions(ks, lex, vis, text, limit)
            out += _title_suggestions(ks, lex, folded, scope, limit)
    seen, unique = set(), []
    for s in sorted(out, key=lambda s: -s.count):
        if s.text.casefold() not in seen:
            seen.add(s.text.casefold())
            unique.append(s)
    return unique[:limit]


def _word_completions(ks, lex, vis, text, limit):
    """The typed words with the last one completed by the words of visible pages that
    start with it and follow the words before it (``khai si`` → ``khai sinh``: the
    pair "khai sinh" is on a visible page). Counted in pages, as a search for the
    completed words typed next to each other would find them."""
    fieldname = SUGGEST_FIELDS["document"][0]
    words = re.findall(r"[^\W_]+", text)
    if not words or not re.fullmatch(r"[^\W\d_]+", words[-1]):
        return []
    last, earlier = words[-1], [fold(w) for w in words[:-1]]
    typed_marks = last != fold(last)
    # Typed with diacritics, the completions keep them (exact forms are indexed too).
    cands = [t for t in lex.prefix_words(fieldname, last, COMPLETE_EXPAND * 4)
             if typed_marks or t == fold(t)][:COMPLETE_EXPAND]
    if not cands:
        return []
    pairs = [f"{a} {b}" for a, b in zip(earlier, earlier[1:])]
    head = " ".join(words[:-1])
    # Marks typed anywhere: the completed word is shown with its usual marks too.
    marked = not typed_marks and text != fold(text)
    out = []
    for cand in cands:
        cf = fold(cand)
        term = f"{earlier[-1]} {cf}" if earlier else cand if typed_marks else cf
        count, personal = 0, False
        for seg in ks.segments:
            if not seg.df(fieldname, term):
                continue
            docs = ids_array(seg.postings(fieldname, term)[0])
            for p in pairs:  # the words typed before, next to each other too
                if not len(docs):
                    break
                docs = np.intersect1d(docs, ids_array(seg.postings(fieldname, p)[0]),
                                      assume_unique=True)
            docs = vis.docs(seg, docs)
            count += len(docs)
            if len(docs) and vis.scope.personal:
                personal = personal or bool(np.isin(docs, personal_ids(seg)).any())
        if count:
            shown = cand
            if marked:
                exact = exact_form(lex.leaves(), fieldname, cand)
                shown = exact if exact and lex.seen(fieldname, exact) else cand
            out.append(Suggestion(f"{head} {shown}" if head else shown, "document", count,
                                  personal))
    out.sort(key=lambda s: -s.count)
    return out[:limit]


def _title_suggestions(ks, lex, folded, scope, limit):
    """Titles of the newest documents whose title words start like what is typed.

    Matched by the executor, like a search (not by Whoosh's searcher: its union
    matcher skips over some documents of the scope's exclusions, so a personal
    document's title came through)."""
    words = folded.split()
    parts = [wq.Term("title", w) for w in words[:-1]]
    last = [wq.Term("title", t) for t in lex.prefix_words("title", words[-1], 64)
            if t == fold(t)]
    if not last:
        return []
    q = wq.And(parts + [wq.Or(last)]) if parts else wq.Or(last)
    rq = restrict(q, scope, ks.readers)
    sets = [SegRun(seg).docset(rq) for seg in ks.segments]
    seen, out = set(), []
    for doc, _ in newest(ks.segments, sets, limit * 3):
        stored = ks.stored(doc)
        title = stored["t"]
        if title and title not in seen:
            seen.add(title)
            out.append(Suggestion(title, "document", 1, bool(stored.get("pd"))))
        if len(out) >= limit:
            break
    return out
