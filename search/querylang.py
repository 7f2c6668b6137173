"""The query language staff type into the search box.

Everything is case- and diacritic-tolerant: ``Hùng`` finds Hùng first, then Hưng and
Hũng; ``hung`` finds them all alike.

==========================  =================================================================
``nguyễn văn hùng``          all words must match (in any field); a full name is matched as
                             a whole name, so it is fast and exact
``"chuyển đổi số"``          a phrase: the words next to each other, in this order
``hùng OR hưng``             either (also ``HOẶC``); ``AND``/``VÀ`` is the default
``NOT mật``, ``-mật``        exclude (also ``KHÔNG``)
``( … )``                    grouping: ``(hùng OR hưng) 1985``
``nguy*``                    words starting with ``nguy`` (at least 2 letters)
``hùnq~``                    words within one typing/OCR error of ``hùnq``
``135/KH-UBND``              a number and symbol, typed alone or as ``so:135/KH-UBND``
``12/03/1985``               a date: date of birth, of registration, of issue or arrival
``so:`` ``số:`` ``number:``  number and symbol, or the number alone (``so:135``)
``loai:`` ``type:``          document type or register event: ``loai:"kế hoạch"``,
                             ``loai:"khai sinh"``
``coquan:`` ``issuer:``      issuing body: ``coquan:ubnd``
``donvi:`` ``unit:``         unit code: ``donvi:VP``
``nam:`` ``year:``           year: ``nam:2024``, ``nam:2020..2024``
``ngay:`` ``date:``          date or range: ``ngay:2024-01-01..2024-03-31``,
                             ``ngay:01/2024..03/2024``, ``ngay:2024``, ``ngay:..2019``
``sinh:`` ``dob:``           date of birth (same forms as ``ngay:``)
``ten:`` ``name:``           the person's own name
``me:`` ``cha:`` ``vo:``     mother's, father's, spouse's name (``chong:`` also spouse)
``cccd:`` ``id:``            personal identification number
``quyen:`` ``book:``         register book: ``quyen:01/1985``
``trichyeu:`` ``title:``     words in the abstract (trích yếu) / title
==========================  =================================================================

Field names are accepted with or without diacritics (``loại:``, ``cơquan:``, ``đơnvị:``,
``năm:``, ``ngày:``, ``mẹ:``, ``vợ:``, ``chồng:``, ``quyển:``). A value with spaces goes in
quotes. A query that cannot be parsed (an unclosed quote or bracket, a stray operator)
is searched as plain words; it never fails.

This module only parses: :func:`parse` returns a small tree of the nodes below, which
:mod:`search.planner` turns into index queries for each kind of record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from search.analyzer import fold

# ---------------------------------------------------------------------------- nodes


@dataclass(frozen=True)
class Word:
    """A word as typed (original case and marks); ``prefix`` for ``abc*``, ``fuzzy`` for
    ``abc~``."""
    text: str
    prefix: bool = False
    fuzzy: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class NumberSymbol:
    """``135/KH-UBND`` (number with symbol), ``KH-UBND`` (symbol) or a bare number in
    ``so:``."""
    text: str


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of days; a single date has ``start == end``. ``None`` = open."""
    start: date | None
    end: date | None


@dataclass(frozen=True)
class YearRange:
    start: int | None
    end: int | None


@dataclass(frozen=True)
class Field:
    """``name:value`` with a canonical ``name`` (see ``FIELD_NAMES``); ``value`` is a
    node (Word, Phrase, NumberSymbol, DateRange, YearRange)."""
    name: str
    value: object


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


# Canonical field names, keyed by the folded spelling staff may type.
FIELD_NAMES = {
    "so": "number", "number": "number", "sokyhieu": "number", "kyhieu": "number",
    "symbol": "number",
    "loai": "type", "type": "type", "loaivanban": "type",
    "coquan": "issuer", "issuer": "issuer", "noibanhanh": "issuer", "coquanbanhanh": "issuer",
    "donvi": "unit", "unit": "unit",
    "nam": "year", "year": "year",
    "ngay": "date", "date": "date",
    "sinh": "dob", "ngaysinh": "dob", "dob": "dob",
    "ten": "name", "name": "name", "hoten": "name",
    "me": "mother", "mother": "mother",
    "cha": "father", "bo": "father", "father": "father",
    "vo": "spouse", "chong": "spouse", "spouse": "spouse",
    "cccd": "personal_id", "cmnd": "personal_id", "id": "personal_id",
    "dinhdanh": "personal_id",
    "quyen": "book", "book": "book",
    "trichyeu": "title", "title": "title", "tieude": "title",
    "noidung": "text", "text": "text",
}

_OPERATORS = {"and": "AND", "va": "AND", "or": "OR", "hoac": "OR", "not": "NOT",
              "khong": "NOT"}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<lpar>\()
  | (?P<rpar>\))
  | (?P<quote>"[^"]*"?)
  | (?P<field>[^\W\d_]+:(?=\S))
  | (?P<word>[^\s()"]+)
""", re.VERBOSE)

# 135/KH-UBND, 12/UBND-VX, 01/2024/QĐ-UBND, 470/2025/TLKT-BS; KH-UBND.
_NUMBER_SYMBOL = re.compile(
    r"^(\d{1,6}(/\d{4})?/[^\W\d_][\w]*(-[\w]+)+|[^\W\d_][\w]*(-[\w]+)+)$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MY = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


class _Fail(Exception):
    pass


# ---------------------------------------------------------------------------- dates


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def parse_day_range(text: str) -> DateRange | None:
    """A date, month or year typed in any usual form, as the range of days it covers:
    ``12/03/1985``, ``1985-03-12``, ``03/1985``, ``1985-03``, ``1985``. ``None`` if
    ``text`` is not one."""
    text = text.strip()
    try:
        if m := _DMY.match(text):
            d = date(int(m[3]), int(m[2]), int(m[1]))
            return DateRange(d, d)
        if m := _ISO.match(text):
            y, mo = int(m[1]), int(m[2])
            if m[3]:
                d = date(y, mo, int(m[3]))
                return DateRange(d, d)
            return DateRange(date(y, mo, 1), _month_end(y, mo))
        if m := _MY.match(text):
            y, mo = int(m[2]), int(m[1])
            return DateRange(date(y, mo, 1), _month_end(y, mo))
        if m := _YEAR.match(text):
            y = int(m[1])
            return DateRange(date(y, 1, 1), date(y, 12, 31))
    except ValueError:  # 31/02/2020 and the like
        return None
    return None


def _date_value(text: str) -> DateRange | None:
    if ".." in text:
        lo, _, hi = text.partition("..")
        a = parse_day_range(lo) if lo else None
        b = parse_day_range(hi) if hi else None
        if (lo and a is None) or (hi and b is None) or (a is None and b is None):
            return None
        return DateRange(a.start if a else None, b.end if b else None)
    return parse_day_range(text)


def _year_value(text: str) -> YearRange | None:
    lo, sep, hi = text.partition("..")
    try:
        a = int(lo) if lo else None
        b = int(hi) if sep and hi else (a if not sep else None)
    except ValueError:
        return None
    if a is None and b is None:
        return None
    return YearRange(a, b)


# ---------------------------------------------------------------------------- parsing


def _tokens(query: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group()))
    return out


def _leaf(text: str):
    """A bare word token: number/symbol, date, or word (with ``*``/``~``)."""
    if _NUMBER_SYMBOL.match(text):
        return NumberSymbol(text)
    rng = parse_day_range(text) if not _YEAR.match(text) else None
    if rng is not None:
        return rng
    fuzzy = text.endswith("~")
    prefix = text.endswith("*")
    core = text.rstrip("*~")
    core = core.strip(".,;:!?'")
    if not core:
        return None
    if prefix and len(core) < 2:
        prefix = False
    return Word(core, prefix=prefix, fuzzy=fuzzy and not prefix)


def _split_words(text: str) -> list:
    """Words of a quoted or field value, each through :func:`_leaf`."""
    return [n for n in (_leaf(w) for w in text.split()) if n is not None]


def _field_node(name: str, raw: str):
    canonical = FIELD_NAMES.get(fold(name.lower()))
    if canonical is None:
        return None
    value = raw[1:-1] if raw.startswith('"') and raw.endswith('"') and len(raw) > 1 else raw
    value = value.strip()
    if not value:
        return None
    if canonical in ("date", "dob"):
        rng = _date_value(value)
        return Field(canonical, rng) if rng else None
    if canonical == "year":
        rng = _year_value(value)
        return Field(canonical, rng) if rng else None
    if canonical in ("number", "personal_id", "book", "unit"):
        return Field(canonical, NumberSymbol(value))
    parts = value.split()
    if len(parts) == 1:
        leaf = _leaf(parts[0])
        if isinstance(leaf, Word):
            return Field(canonical, leaf)
        return Field(canonical, Word(parts[0].rstrip("*~")))
    return Field(canonical, Phrase(tuple(parts)))


class _Parser:
    def __init__(self, tokens):
        self.toks = tokens
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def op(self, tok) -> str | None:
        kind, text = tok
        if kind == "word" and text.isupper() or kind == "word" and text in ("&&", "||"):
            return _OPERATORS.get(fold(text.lower())) or {"&&": "AND", "||": "OR"}.get(text)
        return None

    def parse(self):
        node = self.expr()
        if self.i != len(self.toks):
            raise _Fail
        return node

    def expr(self):
        items = [self.conj()]
        while self.op(self.peek()) == "OR":
            self.take()
            items.append(self.conj())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conj(self):
        items = []
        while True:
            tok = self.peek()
            if tok[0] is None or tok[0] == "rpar" or self.op(tok) == "OR":
                break
            if self.op(tok) == "AND":
                self.take()
                continue
            node = self.unary()
            if node is not None:
                items.append(node)
        if not items:
            raise _Fail
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self):
        tok = self.peek()
        if self.op(tok) == "NOT":
            self.take()
            return Not(self.atom_or_fail())
        if tok[0] == "word" and tok[1].startswith("-") and len(tok[1]) > 1 \
                and not tok[1][1:2].isdigit():
            self.take()
            inner = _leaf(tok[1][1:])
            return Not(inner) if inner is not None else None
        return self.atom()

    def atom_or_fail(self):
        node = self.atom()
        if node is None:
            raise _Fail
        return node

    def atom(self):
        kind, text = self.take()
        if kind == "lpar":
            node = self.expr()
            if self.take()[0] != "rpar":
                raise _Fail
            return node
        if kind == "quote":
            if len(text) < 2 or not text.endswith('"'):
                raise _Fail
            words = [w for w in text[1:-1].split() if w]
            if not words:
                return None
            if len(words) == 1:
                return _leaf(words[0])
            return Phrase(tuple(words))
        if kind == "field":
            nkind, value = self.take()
            if nkind not in ("word", "quote"):
                raise _Fail
            node = _field_node(text[:-1], value)
            if node is None:  # unknown field name: search its words
                leaves = _split_words(text[:-1] + " " + value.strip('"'))
                return And(tuple(leaves)) if len(leaves) > 1 else (leaves[0] if leaves else None)
            return node
        if kind == "word":
            return _leaf(text)
        raise _Fail


def plain_words(query: str):
    """The fallback reading of a query: its words, all required."""
    leaves = _split_words(re.sub(r'[()"]', " ", query))
    leaves = [n for n in leaves if not (isinstance(n, Word) and fold(n.text.lower()) in _OPERATORS
                                        and n.text.isupper())]
    if not leaves:
        return None
    return leaves[0] if len(leaves) == 1 else And(tuple(leaves))


def parse(query: str):
    """Parse a query string; returns a node tree, or ``None`` for an empty query.
    Never raises: a query that does not parse is read as plain words."""
    query = (query or "").strip()
    if not query:
        return None
    try:
        return _Parser(_tokens(query)).parse()
    except (_Fail, IndexError, ValueError):
        return plain_words(query)


def walk(node):
    """Every node of a tree, depth first."""
    yield node
    if isinstance(node, (And, Or)):
        for item in node.items:
            yield from walk(item)
    elif isinstance(node, Not):
        yield from walk(node.item)
    elif isinstance(node, Field):
        yield from walk(node.value)
