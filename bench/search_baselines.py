"""The two baselines of bench/search.py, built on the same corpus in the same process.

* Naive Whoosh: one index per kind, a ``TEXT`` field per column with the default
  analyser plus accent folding (``StandardAnalyzer() | CharsetFilter(accent_map)``),
  dates as ``YYYYMMDD`` text, a ``MultifieldParser`` over every field, top 20 hits.
  Built with the stock ``writer(procs=2, multisegment=True)``.
* SQLite FTS5: one table per kind, ``tokenize='unicode61 remove_diacritics 2'``,
  ``ORDER BY rank LIMIT 20``; dates in an unindexed column for the date range.

Each baseline answers the same questions as the timed classes (see
``search_queries.Timed``); it gets no totals, facets or highlights to compute, which
favours it.
"""

from __future__ import annotations

import os
import sqlite3
import time

from whoosh import fields as wf
from whoosh import index as windex
from whoosh.analysis import CharsetFilter, StandardAnalyzer
from whoosh.qparser import MultifieldParser
from whoosh.support.charset import accent_map

PERSON_COLUMNS = ("full_name", "event", "date_of_birth", "registered_on", "year", "book",
                  "number", "place_of_birth", "residence", "personal_id", "mother",
                  "father", "spouse")
PAGE_COLUMNS = ("title", "text", "number_symbol", "doc_type", "issuer", "issued_on",
                "arrived_on", "direction", "unit")


def _d(d):
    return d.strftime("%Y%m%d") if d else ""


def person_row(p) -> dict:
    return {"full_name": p.full_name, "event": p.event, "date_of_birth": _d(p.date_of_birth),
            "registered_on": _d(p.registered_on), "year": str(p.year or ""),
            "book": p.book or "", "number": str(p.number or ""),
            "place_of_birth": p.place_of_birth or "", "residence": p.residence or "",
            "personal_id": p.personal_id or "", "mother": p.related.get("mother", ""),
            "father": p.related.get("father", ""), "spouse": p.related.get("spouse", "")}


def page_row(p) -> dict:
    return {"title": p.title, "text": p.text, "number_symbol": p.number_symbol or "",
            "doc_type": p.doc_type or "", "issuer": p.issuer or "",
            "issued_on": _d(p.issued_on), "arrived_on": _d(p.arrived_on),
            "direction": p.direction or "", "unit": p.unit or ""}


# ------------------------------------------------------------------- naive Whoosh

def _naive_schema(columns):
    ana = StandardAnalyzer() | CharsetFilter(accent_map)
    return wf.Schema(rid=wf.ID(stored=True), page=wf.STORED(),
                     **{c: wf.TEXT(analyzer=ana) for c in columns})


class NaiveWhoosh:
    def __init__(self, root: str):
        self.root = root
        self.ix = {}

    def build(self, kind: str, records, procs: int = 2) -> float:
        columns = PERSON_COLUMNS if kind == "person" else PAGE_COLUMNS
        path = os.path.join(self.root, "naive-" + kind)
        os.makedirs(path, exist_ok=True)
        ix = windex.create_in(path, _naive_schema(columns))
        t = time.perf_counter()
        w = ix.writer(procs=procs, multisegment=True, limitmb=128)
        for r in records:
            if kind == "person":
                w.add_document(rid=str(r.entry_id), **person_row(r))
            else:
                w.add_document(rid=str(r.doc_id), page=r.page, **page_row(r))
        w.commit()
        self.ix[kind] = ix
        return time.perf_counter() - t

    def searcher(self, kind):
        ix = self.ix[kind]
        columns = PERSON_COLUMNS if kind == "person" else PAGE_COLUMNS
        return ix.searcher(), MultifieldParser(list(columns), ix.schema)

    @staticmethod
    def run(searcher_parser, text: str) -> int:
        searcher, parser = searcher_parser
        results = searcher.search(parser.parse(text), limit=20)
        for hit in results:
            hit.fields()
        return len(results.top_n)


# ------------------------------------------------------------------------ FTS5

class Fts5:
    def __init__(self, path: str):
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")

    def build(self, kind: str, records) -> float:
        t = time.perf_counter()
        if kind == "person":
            cols = ", ".join(PERSON_COLUMNS)
            self.db.execute(f"CREATE VIRTUAL TABLE person USING fts5(rid UNINDEXED, {cols}, "
                            "tokenize='unicode61 remove_diacritics 2')")
            sql = f"INSERT INTO person VALUES (?{', ?' * len(PERSON_COLUMNS)})"
            rows = ((r.entry_id, *person_row(r).values()) for r in records)
        else:
            cols = ", ".join(c if c not in ("issued_on", "arrived_on") else c + " UNINDEXED"
                             for c in PAGE_COLUMNS)
            self.db.execute(f"CREATE VIRTUAL TABLE document USING fts5(rid UNINDEXED, "
                            f"page UNINDEXED, {cols}, tokenize='unicode61 remove_diacritics 2')")
            sql = f"INSERT INTO document VALUES (?, ?{', ?' * len(PAGE_COLUMNS)})"
            rows = ((r.doc_id, r.page, *[v if k not in ("issued_on", "arrived_on") else
                                          (getattr(r, k).isoformat() if getattr(r, k) else "")
                                          for k, v in page_row(r).items()])
                    for r in records)
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 5000:
                self.db.executemany(sql, batch)
                batch = []
        if batch:
            self.db.executemany(sql, batch)
        self.db.commit()
        return time.perf_counter() - t

    def run(self, kind: str, match: str, between: tuple) -> int:
        if between:
            sql = (f"SELECT rid FROM {kind} WHERE {kind} MATCH ? AND issued_on BETWEEN ? "
                   "AND ? ORDER BY rank LIMIT 20")
            rows = self.db.execute(sql, (match, *between)).fetchall()
        else:
            sql = f"SELECT rid FROM {kind} WHERE {kind} MATCH ? ORDER BY rank LIMIT 20"
            rows = self.db.execute(sql, (match,)).fetchall()
        return len(rows)
