"""Kinds of records and how each is indexed: the registry that makes a new kind of
record a schema addition rather than a rewrite.

Each kind lives in its own Whoosh index (a subdirectory of the search directory), so:

* a kind the user may not see is simply not searched (no per-query kind filter over a
  million-entry posting list);
* adding a kind adds an index and never requires re-indexing the others; each kind is
  rebuilt, checked and versioned on its own;
* every schema is lean, holding only the fields its questions need.

A kind is an object with the attributes and methods of :class:`Kind`; register it with
:func:`register`. The fields every kind must have (the engine reads them for keys,
scope, facets and sorting) are made by :func:`common_fields`: ``key`` (unique term),
``rid`` (the record id, when several index documents share one: the pages of a
document), ``unit``/``ul`` (unit id and "id:code" label), ``sec`` (secrecy above 0),
``year``, ``type`` (type label), ``day`` (the main date), ``vals`` (the numbers of
:data:`VALUES` in one column) and ``d`` (what a hit shows, in a column).

How a kind answers queries is in :mod:`search.planner` (``FIELD_MAP`` and the
``plan_*`` hooks); both are keyed by the kind's name.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Callable

from whoosh import fields as wf
from whoosh.columns import (CompressedBytesColumn, FixedBytesColumn, PickleColumn,
                            VarBytesColumn)

from search.fields import (KeyField, NameField, TokenField, WordsField, day_number,
                           day_term, former_name_terms, from_day_number, key_forms)
from search.records import DocumentPage, Hit, PersonRecord

EVENT_LABELS = {"birth": "Khai sinh", "death": "Khai tử", "marriage": "Kết hôn"}
ROLE_LABELS = {"mother": "mẹ", "father": "cha", "spouse": "vợ/chồng", "wife": "vợ",
               "husband": "chồng"}


def type_code(label: str | None) -> int:
    """Column code of a type label (crc32 of its exact key); 0 for none."""
    if not label:
        return 0
    return zlib.crc32(key_forms(label)[0].encode("utf-8")) or 1


#: Per-document numbers the searcher reads for facets, sorting and scope, packed in
#: one column (one write per document instead of five): main date as YYYYMMDD, unit
#: id, type code, year, secrecy.
VALUES = struct.Struct("<iiIhb")
VALUE_NAMES = ("day", "unit", "tc", "year", "sec")
#: The term (field, text) on the index documents of personal data, where a kind may hold
#: both (documents); a scope without ``personal`` excludes it.
PERSONAL_TERM = ("pd", "1")


def common_fields(compress_stored: bool = False, rid: bool = True) -> dict:
    """Fields every kind has (see the module docstring). ``d``, what a hit shows, is a
    pickled column, zlib-compressed per record when ``compress_stored`` (page text)."""
    stored = CompressedBytesColumn(level=1) if compress_stored else VarBytesColumn()
    out = dict(
        key=TokenField(unique=True),
        rid=TokenField(),
        unit=TokenField(),
        ul=TokenField(),
        sec=TokenField(),
        year=TokenField(),
        type=KeyField(weighted=True),
        day=TokenField(),
        vals=wf.COLUMN(FixedBytesColumn(VALUES.size)),
        d=wf.COLUMN(PickleColumn(stored)),
    )
    if not rid:  # one index document per record: ``key`` identifies the record
        del out["rid"]
    return out


def _common_values(record, rid: int, year: int | None, type_label: str | None,
                   day, *, first: bool = True) -> dict:
    unit_id = record.unit_id
    return dict(
        rid=str(rid) if rid is not None else None,
        unit=str(unit_id) if unit_id is not None else "none",
        ul=f"{unit_id}:{record.unit}" if unit_id is not None and record.unit else None,
        sec=str(record.secrecy) if record.secrecy else None,
        year=str(year) if year else None,
        # Given twice on a first page, so the type (and number) weigh more there.
        type=([type_label] * (2 if first else 1)) if type_label else None,
        day=day_term(day),
        vals=VALUES.pack(day_number(day), unit_id or 0, type_code(type_label),
                         year or 0, record.secrecy or 0),
    )


@dataclass(frozen=True)
class Kind:
    """How one kind of record is indexed. ``version`` is bumped when the schema or the
    analysis changes, which makes existing indexes of the kind report
    ``IndexOutdated`` until rebuilt."""

    name: str
    record_type: type
    version: int
    schema: Callable[[], wf.Schema]
    key: Callable[[object], str]          # unique term of an index document
    record_id: Callable[[object], int]    # the record (document/entry) it belongs to
    id_term: Callable[[int], tuple[str, str]]  # (field, term) of all of a record's docs
    cursor: Callable[[object], tuple]     # rebuild order; passed back to fetch_chunk
    cursor_key: Callable[[tuple], str]    # the ``key`` term of a cursor (resume)
    fields: Callable[[object], dict]      # the Whoosh document
    hit: Callable[[dict, float, list[str]], Hit]
    snippet_texts: Callable[[dict], list[str]]   # texts highlights are cut from
    #: Between kinds, equally good matches of this kind come first when higher: a
    #: register entry matched on whole names is more specific than a page that
    #: merely holds the same words.
    priority: int = 0


# ------------------------------------------------------------------------ documents

def _document_schema() -> wf.Schema:
    return wf.Schema(
        **common_fields(compress_stored=True),
        ns=KeyField(weighted=True),      # number and symbol, "135/kh-ubnd"
        sym=KeyField(weighted=True),     # symbol alone, "kh-ubnd"
        num=TokenField(),                # number alone, "135"
        title=WordsField(bigrams=True),  # first page only (ranks: also in tx)
        tx=WordsField(bigrams=True),     # page text (first page: with issuer, title)
        iss=WordsField(bm25=False),      # issuer's name
        arr=TokenField(),                # arrival date
        dir=TokenField(),                # incoming/outgoing
        pd=TokenField(),                 # "1" on the pages of a personal document
    )


def _page_key(doc_id: int, page: int) -> str:
    return f"{doc_id:012d}:{page:05d}"


def _document_fields(p: DocumentPage) -> dict:
    first = p.page == 1
    ns = p.number_symbol
    values = _common_values(p, p.doc_id, p.issued_on.year if p.issued_on else None,
                            p.doc_type, p.issued_on, first=first)
    values.update(
        key=_page_key(p.doc_id, p.page),
        ns=([ns] * (2 if first else 1)) if ns else None,
        sym=p.symbol or None,
        num=str(p.number) if p.number is not None else None,
        title=p.title if first and p.title else None,
        # The issuer and title are searched as text of the first page (they may not be
        # in the scanned text, or not legibly); their own fields only rank.
        tx=[x for x in (p.issuer, p.title, p.text) if x] if first else (p.text or None),
        iss=p.issuer or None,
        arr=day_term(p.arrived_on),
        dir=p.direction or None,
        pd="1" if p.personal else None,
        d={"id": p.doc_id, "p": p.page, "t": p.title, "ns": ns, "ty": p.doc_type,
           "is": p.issuer, "di": day_number(p.issued_on), "da": day_number(p.arrived_on),
           "dir": p.direction, "u": p.unit, "uid": p.unit_id, "s": p.secrecy,
           "v": p.version, "x": p.text, "pd": bool(p.personal)},
    )
    return values


def _document_hit(d: dict, score: float, highlights: list[str]) -> Hit:
    return Hit(kind="document", id=d["id"], title=d["t"] or d["ns"] or "", page=d["p"],
               score=score, highlights=highlights, date=from_day_number(d["di"]),
               extra={"number_symbol": d["ns"], "doc_type": d["ty"], "issuer": d["is"],
                      "arrived_on": from_day_number(d["da"]), "direction": d["dir"],
                      "unit": d["u"], "secrecy": d["s"]},
               personal=bool(d.get("pd")))


def _document_snippets(d: dict) -> list[str]:
    return [d["x"] or "", d["t"] or ""] if d["p"] == 1 else [d["x"] or ""]


#: Version 2: pages carry the personal-data mark (``pd``); an index without it would
#: show personal documents to everyone, so it must be rebuilt.
DOCUMENT = Kind(
    name="document", record_type=DocumentPage, version=3, schema=_document_schema,
    key=lambda p: _page_key(p.doc_id, p.page), record_id=lambda p: p.doc_id,
    id_term=lambda i: ("rid", str(i)),
    cursor=lambda p: (p.doc_id, p.page), cursor_key=lambda c: _page_key(*c),
    fields=_document_fields, hit=_document_hit, snippet_texts=_document_snippets,
)


# -------------------------------------------------------------------------- persons

def _person_schema() -> wf.Schema:
    return wf.Schema(
        **common_fields(rid=False),
        nk=KeyField(),                   # whole name, exact and folded
        nw=NameField(),                  # syllables, pairs, surname+given
        rk=KeyField(),                   # related people's whole names
        # Former names (a corrected entry): only the terms the current name lacks,
        # analysed by ``former_name_terms`` (so given verbatim). Apart from nk/nw so
        # that a match by a former name weighs less than one by the current name.
        fk=TokenField(),                 # former whole names, exact and folded
        fw=TokenField(),                 # former names' syllables, pairs, surname+given
        tw=WordsField(exact=False, bm25=False),  # related names' words, places, event
        dob=TokenField(),                # date of birth, YYYYMMDD
        num=TokenField(),                # entry number in its book
        book=KeyField(),                 # register book, "01/1985"
        pid=TokenField(),                # personal identification number
    )


def _entry_key(entry_id: int) -> str:
    return f"{entry_id:012d}"


def _person_fields(r: PersonRecord) -> dict:
    event = EVENT_LABELS.get(r.event, r.event)
    related = [n for n in r.related.values() if n]
    current = key_forms(r.full_name)[0] if r.full_name else ""
    former = [n for n in dict.fromkeys(r.former_names)
              if n and n.strip() and key_forms(n)[0] != current]
    former_keys, former_words = former_name_terms(r.full_name, former)
    values = _common_values(r, None, r.year or (r.registered_on.year if r.registered_on
                                                       else None),
                            event, r.registered_on)
    values.update(
        key=_entry_key(r.entry_id),
        nk=r.full_name,
        nw=r.full_name,
        rk=related or None,
        fk=former_keys or None,
        fw=former_words or None,
        tw=related + [x for x in (r.place_of_birth, r.residence, event) if x],
        dob=day_term(r.date_of_birth),
        num=str(r.number) if r.number is not None else None,
        book=r.book or None,
        pid=r.personal_id or None,
        d={"id": r.entry_id, "n": r.full_name, "e": r.event, "sx": r.sex,
           "b": day_number(r.date_of_birth), "r": day_number(r.registered_on),
           "y": r.year, "bk": r.book, "no": r.number, "rel": dict(r.related),
           "pob": r.place_of_birth, "res": r.residence, "pid": r.personal_id,
           "u": r.unit, "uid": r.unit_id, "s": r.secrecy, "v": r.version, "fn": former},
    )
    return values


def _person_line(d: dict) -> str:
    """One line describing the entry; highlights are cut from it."""
    parts = [d["n"]]
    # Right after the name: a hit found by a former name shows it in its snippet.
    parts += [f"tên cũ {n}" for n in d.get("fn") or ()]
    if d["b"]:
        parts.append("sinh " + from_day_number(d["b"]).strftime("%d/%m/%Y"))
    for role, name in d["rel"].items():
        parts.append(f"{ROLE_LABELS.get(role, role)} {name}")
    if d["pob"]:
        parts.append("nơi sinh " + d["pob"])
    if d["res"]:
        parts.append("cư trú " + d["res"])
    reg = EVENT_LABELS.get(d["e"], d["e"])
    if d["r"]:
        reg += " ngày " + from_day_number(d["r"]).strftime("%d/%m/%Y")
    if d["bk"] or d["no"]:
        reg += f", sổ {d['bk'] or '?'} số {d['no'] or '?'}"
    parts.append(reg)
    return "; ".join(parts)


def _person_hit(d: dict, score: float, highlights: list[str]) -> Hit:
    return Hit(kind="person", id=d["id"], title=d["n"], page=None, score=score,
               highlights=highlights, date=from_day_number(d["r"]),
               extra={"event": d["e"], "date_of_birth": from_day_number(d["b"]),
                      "book": d["bk"], "number": d["no"], "related": d["rel"],
                      "unit": d["u"], "sex": d["sx"],
                      "former_names": list(d.get("fn") or ())},
               personal=True)


#: Version 3: former names (``fk``, ``fw``, ``fn``); an index without them would not
#: find a corrected entry by the name it had, so it must be rebuilt.
PERSON = Kind(
    name="person", record_type=PersonRecord, version=3, schema=_person_schema,
    key=lambda r: _entry_key(r.entry_id), record_id=lambda r: r.entry_id,
    id_term=lambda i: ("key", _entry_key(i)),
    cursor=lambda r: (r.entry_id,), cursor_key=lambda c: _entry_key(*c),
    fields=_person_fields, hit=_person_hit, snippet_texts=lambda d: [_person_line(d)],
    priority=1,
)


# ------------------------------------------------------------------------- registry

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add (or replace) a kind of record; its index is created on first use."""
    KINDS[kind.name] = kind
    return kind


def kind_of(record) -> Kind:
    """The kind a record belongs to (by its type)."""
    for kind in KINDS.values():
        if isinstance(record, kind.record_type):
            return kind
    raise TypeError(f"no search kind indexes {type(record).__name__}")


register(DOCUMENT)
register(PERSON)
