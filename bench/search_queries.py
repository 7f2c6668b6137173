"""Query sets for bench/search.py: timed query classes and the labelled relevance set.

Both are drawn from records sampled while the corpus is generated, so every query
names something that exists. Labelled queries are what staff type to find one record:
a person by name and date of birth, or name and a parent's (spouse's) name; a document
by number/symbol and year, or by words remembered from one of its pages. Each comes as
typed with diacritics, without them, or with one OCR-like error in a word.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from docsvc.sampledata import names
from search.analyzer import fold

CLASSES = ("full_name_diacritics", "full_name_plain", "surname_given", "phrase_body",
           "number_symbol", "date_range_word")
CLASS_KIND = {"full_name_diacritics": "person", "full_name_plain": "person",
              "surname_given": "person", "phrase_body": "document",
              "number_symbol": "document", "date_range_word": "document"}


@dataclass(frozen=True)
class Timed:
    cls: str
    text: str                 # what staff type (our query language)
    kind: str
    naive: str                # the same question for the naive Whoosh baseline
    fts: tuple[str, tuple]    # (FTS5 MATCH expression, extra WHERE params) see baselines


@dataclass(frozen=True)
class Labelled:
    text: str
    target: tuple             # ("person", entry_id) or ("document", doc_id, page|None)
    group: str                # e.g. "person/name+dob/plain"


class Sampler:
    """Keeps every ``step``-th record of a stream (deterministic, small)."""

    def __init__(self, step: int, limit: int):
        self.step, self.limit, self.items, self.n = max(1, step), limit, [], 0

    def wrap(self, stream):
        for rec in stream:
            self.n += 1
            if self.n % self.step == 0 and len(self.items) < self.limit:
                self.items.append(rec)
            yield rec


_WORD = re.compile(r"[^\W_]+")
_SURNAMES = set(names.SURNAMES.values)
# OCR-like confusions (DOMAIN.md §5): marks stacked on a circumflex, look-alike letters.
_MARK_SWAPS = {"ế": "ể", "ề": "ế", "ể": "ễ", "ố": "ổ", "ồ": "ố", "ổ": "ỗ", "ấ": "ẩ",
               "ầ": "ấ", "ứ": "ừ", "ớ": "ở", "ắ": "ẳ", "ậ": "ẫ"}
_LETTER_SWAPS = {"n": "u", "u": "n", "h": "b", "c": "e", "e": "c", "g": "q", "i": "l",
                 "l": "i", "m": "rn", "a": "o", "o": "a", "t": "f", "y": "v", "d": "cl"}


def ocr_typo(text: str, rng: random.Random) -> str:
    """``text`` with one OCR-like error in one word of three letters or more."""
    words = [m for m in _WORD.finditer(text) if len(m.group()) >= 3 and not m.group().isdigit()]
    if not words:
        return text
    m = rng.choice(words)
    w = m.group()
    kind = rng.random()
    chars = list(w)
    marked = [i for i, ch in enumerate(chars) if ch.lower() in _MARK_SWAPS]
    if kind < 0.3 and marked:
        i = rng.choice(marked)
        new = _MARK_SWAPS[chars[i].lower()]
        chars[i] = new.upper() if chars[i].isupper() else new
    elif kind < 0.8:
        idx = [i for i, ch in enumerate(chars) if fold(ch.lower()) in _LETTER_SWAPS]
        if not idx:
            return text
        i = rng.choice(idx)
        base = unicodedata.normalize("NFD", chars[i])
        swapped = _LETTER_SWAPS[fold(base[0].lower())]
        swapped = swapped.upper() if chars[i].isupper() else swapped
        chars[i] = unicodedata.normalize("NFC", swapped + base[1:]) if len(swapped) == 1 \
            else swapped
    else:
        i = rng.randrange(1, len(chars))
        del chars[i]
    return text[:m.start()] + "".join(chars) + text[m.end():]


def _span(text: str, rng: random.Random, lo: int, hi: int) -> list[str]:
    """Consecutive words of one sentence of ``text`` (no numbers at the ends)."""
    sentences = [s for s in re.split(r"[.;:\n]", text) if len(_WORD.findall(s)) >= hi]
    if not sentences:
        return _WORD.findall(text)[:hi]
    words = _WORD.findall(rng.choice(sentences))
    n = rng.randint(lo, hi)
    i = rng.randrange(0, len(words) - n + 1)
    return words[i:i + n]


def _distinctive_span(text: str, rng: random.Random, lo: int, hi: int) -> list[str]:
    """Words staff could remember from one page: a run holding a number or a name
    (a capitalised word inside a sentence), as a memorable detail usually does."""
    sentences = [_WORD.findall(s) for s in re.split(r"[.;:\n]", text)]
    sentences = [w for w in sentences if len(w) >= hi]
    for _ in range(30):
        if not sentences:
            break
        words = rng.choice(sentences)
        n = rng.randint(lo, hi)
        i = rng.randrange(0, len(words) - n + 1)
        span = words[i:i + n]
        if any(w.isdigit() and len(w) >= 3 for w in span) or any(
                a in _SURNAMES and b[:1].isupper() for a, b in zip(span, span[1:])):
            return span
    return _span(text, rng, lo, hi)


def timed_queries(persons, pages, per_class: int, rng: random.Random) -> list[Timed]:
    out: list[Timed] = []
    people = rng.sample(persons, min(per_class, len(persons)))
    docs = rng.sample(pages, min(per_class, len(pages)))
    for p in people:
        name = p.full_name
        parts = name.split()
        plain = fold(name)
        sg = f"{parts[0]} {parts[-1]}"
        out.append(Timed("full_name_diacritics", name, "person", name, (f'"{name}"', ())))
        out.append(Timed("full_name_plain", plain, "person", plain, (f'"{plain}"', ())))
        out.append(Timed("surname_given", sg, "person", sg,
                         (f'full_name : (NEAR("{parts[0]}" "{parts[-1]}", 3))', ())))
    for d in docs:
        words = _span(d.text, rng, 2, 4)
        phrase = " ".join(words)
        out.append(Timed("phrase_body", f'"{phrase}"', "document", f'"{phrase}"',
                         (f'"{phrase}"', ())))
        ns = d.number_symbol
        fts_ns = " ".join(_WORD.findall(ns))
        out.append(Timed("number_symbol", ns, "document", ns, (f'number_symbol : "{fts_ns}"', ())))
        start = d.issued_on.replace(day=1)
        end = d.issued_on.replace(day=28)
        word = rng.choice([w for w in _WORD.findall(d.title) if len(w) > 3] or ["hồ"])
        text = f"ngay:{start.isoformat()}..{end.isoformat()} {word}"
        naive = f"issued_on:[{start:%Y%m%d} TO {end:%Y%m%d}] {word}"
        out.append(Timed("date_range_word", text, "document", naive,
                         (f'"{word}"', (start.isoformat(), end.isoformat()))))
    return out


def labelled_queries(persons, pages, n_person: int, n_doc: int, rng: random.Random,
                     corpus_pages=None, corpus_persons=None) -> list[Labelled]:
    """``n_person`` + ``n_doc`` labelled queries. The whole corpus (``corpus_pages``,
    ``corpus_persons``: iterables over every record) is scanned to keep only queries
    that fit their target alone: a query that several records answer equally (two
    Nguyễn Thị Hương whose fathers are both Nguyễn Văn Thắng) cannot single one out,
    whatever the ranking."""
    out: list[Labelled] = []
    forms = ("diacritics", "plain", "typo")
    candidates = []
    for i, p in enumerate(rng.sample(persons, min(3 * n_person, len(persons)))):
        if p.date_of_birth and i % 2 == 0 or not p.related:
            what, extra = "name+dob", p.date_of_birth.strftime("%d/%m/%Y")
            key = ("date", fold(p.full_name.lower()), p.date_of_birth)
        else:
            role = rng.choice(sorted(p.related))
            what, extra = f"name+{role}", p.related[role]
            key = ("name", fold(p.full_name.lower()), fold(extra.lower()))
        candidates.append((f"{p.full_name} {extra}", p.entry_id, what, key))
    if corpus_persons is not None:
        candidates = unique_person_queries(candidates, corpus_persons)
    for i, (text, entry_id, what, _) in enumerate(candidates[:n_person]):
        form = forms[i % 3]
        out.append(Labelled(_form(text, form, rng), ("person", entry_id),
                            f"person/{what}/{form}"))
    n_numbers = n_doc // 2
    for i, d in enumerate(rng.sample(pages, min(n_numbers, len(pages)))):
        form = forms[i % 3]
        out.append(Labelled(_form(f"{d.number_symbol} {d.issued_on.year}", form, rng),
                            ("document", d.doc_id, None), f"document/number+year/{form}"))
    later = [p for p in pages if p.page > 1] or pages
    candidates = []
    for d in rng.sample(later, min(len(later), 6 * (n_doc - n_numbers))):
        words = _distinctive_span(d.text, rng, 5, 7)
        candidates.append((" ".join(words), ("document", d.doc_id, d.page)))
    if corpus_pages is not None:
        candidates = unique_phrases(candidates, corpus_pages)
    for i, (text, target) in enumerate(candidates[:n_doc - n_numbers]):
        form = forms[i % 3]
        out.append(Labelled(_form(text, form, rng), target, f"document/words/{form}"))
    return out


def _form(text: str, form: str, rng: random.Random) -> str:
    if form == "plain":
        return fold(text)
    if form == "typo":
        return ocr_typo(text, rng)
    return text


def _folded_words(text: str) -> str:
    return " " + " ".join(_WORD.findall(fold(text.lower()))) + " "


def unique_person_queries(candidates, corpus_persons):
    """The candidates that fit one entry only: the name (as the person's own or a
    related person's) with the other name, or with the date (of birth or
    registration), as the search reads such a query."""
    wanted: dict = {}
    for c in candidates:
        wanted.setdefault(c[3][1], []).append(c)
    counts = {c[3]: 0 for c in candidates}
    for r in corpus_persons:
        names = {fold(r.full_name.lower())} | {fold(n.lower()) for n in r.related.values()}
        for name in names:
            for c in wanted.get(name, ()):
                kind, _, other = c[3]
                if kind == "date" and other in (r.date_of_birth, r.registered_on) or \
                        kind == "name" and other in names:
                    counts[c[3]] += 1
    return [c for c in candidates if counts[c[3]] == 1]


def unique_phrases(candidates, corpus_pages) -> list[tuple[str, tuple]]:
    """The candidates whose words, in order, appear on their target page only."""
    wanted = [(" " + _folded_words(t).strip() + " ", t, target) for t, target in candidates]
    hits: dict[int, list] = {i: [] for i in range(len(wanted))}
    for p in corpus_pages:
        text = _folded_words(p.text)
        for i, (needle, _, _) in enumerate(wanted):
            if needle in text:
                hits[i].append((p.doc_id, p.page))
    return [(t, target) for i, (_, t, target) in enumerate(wanted)
            if hits[i] == [(target[1], target[2])]]


def rank_of(hits, target) -> int | None:
    """1-based rank of the target among hits (a document target without a page
    matches any page of the document)."""
    for i, h in enumerate(hits, start=1):
        if h.kind != target[0] or h.id != target[1]:
            continue
        if target[0] == "document" and target[2] is not None and h.page != target[2]:
            continue
        return i
    return None
