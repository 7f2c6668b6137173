#!/usr/bin/env python
"""The real-prose relevance set: written administrative prose among a few hundred other
real-prose documents, queried with one to five words with and without diacritics.

    .venv/bin/python bench/search_prose.py            # the figures (index in a temp dir)
    .venv/bin/python bench/search_prose.py --ocr      # render and OCR the scans again

The targets are the documents of :mod:`prose_texts`. Every third one is a scan: it was
rendered as a noisy A4 page by the project's generator (``docsvc.sampledata.render``,
``Noise.scan()``) and read by the project's OCR (``ingest.ocr.TesseractEngine`` after
``ingest.images.prepare_for_ocr``); its OCR text, with the misreadings it has, is kept in
``prose_ocr.json`` so that a run does not OCR again (``--ocr`` redoes it, a few minutes).

Around them, :data:`DISTRACTORS` other documents made of the same prose: each takes
sentences of several targets, so the words of a query recur in them, scattered. A
sentence that holds a query's words (all of them, in any order) never goes into one:
the page that has the words together stays the one answer, and the question is whether
it is found above the pages that have them apart. Each query's ``rivals`` (other
documents holding every word of the query) are reported with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from prose_texts import DOCUMENTS, QUERIES  # noqa: E402

from search import AccessScope, DocumentPage, SearchIndex, kindplans  # noqa: E402
from search.analyzer import _WORD, fold, normalize  # noqa: E402

try:  # the same numbers as the index (absent from code before issue 10: run it there too)
    from search.analyzer import join_numbers  # noqa: E402
except ImportError:  # pragma: no cover
    def join_numbers(text):
        return text

OCR_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "prose_ocr.json")
SCANNED = frozenset(doc[0] for doc in DOCUMENTS if doc[0] % 3 == 0)
DISTRACTORS = 360
TYPE_ABBR = {"Kế hoạch": "KH", "Báo cáo": "BC", "Thông báo": "TB", "Quyết định": "QĐ",
             "Công văn": ""}
_SENTENCE = re.compile(r"(?<=[.;])\s+")


def _issuer_abbr(issuer: str) -> str:
    return "UBND" if issuer.startswith("Ủy ban") else "".join(
        w[0] for w in issuer.split() if w[:1].isupper())[:6]


def _page(doc_id, doc_type, issuer, title, text, number) -> DocumentPage:
    abbr = TYPE_ABBR.get(doc_type, "")
    symbol = f"{abbr}-{_issuer_abbr(issuer)}" if abbr else f"{_issuer_abbr(issuer)}-VP"
    return DocumentPage(
        doc_id=doc_id, page=1, title=title, text=text, number=number, symbol=symbol,
        number_symbol=f"{number:02d}/{symbol}", doc_type=doc_type, issuer=issuer,
        issued_on=date(2025, 1 + doc_id % 12, 1 + doc_id % 27), arrived_on=None,
        direction="outgoing", unit_id=1, unit="VP", secrecy=0, version="1")


def folded_words(text: str) -> list[str]:
    return _WORD.findall(fold(normalize(join_numbers(text))))


def load_ocr() -> dict[int, str]:
    try:
        with open(OCR_FILE, encoding="utf-8") as f:
            return {int(k): v for k, v in json.load(f).items()}
    except FileNotFoundError:
        return {}


def targets(ocr: dict[int, str] | None = None) -> list[DocumentPage]:
    """The written documents; the scanned ones with their OCR text when it is known."""
    ocr = load_ocr() if ocr is None else ocr
    out = []
    for doc_id, doc_type, issuer, title, paragraphs in DOCUMENTS:
        text = ocr.get(doc_id) or "\n".join(paragraphs)
        out.append(_page(doc_id, doc_type, issuer, title, text, 100 + doc_id))
    return out


def _query_words() -> list[set[str]]:
    return [set(folded_words(q)) for q, _ in QUERIES]


def distractors(n: int = DISTRACTORS, seed: int = 5) -> list[DocumentPage]:
    """``n`` documents of 6 to 14 sentences of the written prose (never a sentence that
    holds every word of a query), under the issuer and type of a written one."""
    rng = random.Random(seed)
    qwords = _query_words()
    pool = []
    for _, _, _, _, paragraphs in DOCUMENTS:
        for p in paragraphs:
            for s in _SENTENCE.split(p):
                words = set(folded_words(s))
                if not any(q <= words for q in qwords):
                    pool.append(s)
    # Nor an issuer that does (it is searched as text of the page too).
    kinds = [(d[1], d[2]) for d in DOCUMENTS
             if not any(q <= set(folded_words(d[2])) for q in qwords)]
    out = []
    for i in range(n):
        doc_type, issuer = rng.choice(kinds)
        text = " ".join(rng.sample(pool, rng.randint(6, 14)))
        title = f"{doc_type} tổng hợp số {i + 1}"
        out.append(_page(1000 + i, doc_type, issuer, title, text, 200 + i))
    return out


def corpus() -> list[DocumentPage]:
    return targets() + distractors()


def build(path: str, pages: list[DocumentPage] | None = None) -> SearchIndex:
    pages = pages if pages is not None else corpus()
    idx = SearchIndex(path, lock_timeout=30)
    ordered = sorted(pages, key=lambda p: (p.doc_id, p.page))

    def fetch(after):
        rest = [p for p in ordered if after is None or (p.doc_id, p.page) > tuple(after)]
        return rest[:200]
    idx.rebuild("document", fetch, procs=1)
    return idx


def rivals(pages: list[DocumentPage]) -> list[int]:
    """Per query, the other documents that hold every word of it (somewhere)."""
    words = {p.doc_id: set(folded_words(" ".join([p.issuer or "", p.title or "", p.text])))
             for p in pages}
    out = []
    for (q, target), qw in zip(QUERIES, _query_words()):
        out.append(sum(1 for d, w in words.items() if d != target and qw <= w))
    return out


def relevance(idx: SearchIndex, pages: list[DocumentPage]) -> dict:
    """Top-1 and MRR@10 of the labelled queries (in the documents: this index holds
    no other kind)."""
    scope = AccessScope.everything(kinds=("document",))
    ranks, groups, misses = [], {}, []
    riv = rivals(pages)
    for (q, target), r in zip(QUERIES, riv):
        hits = idx.search(q, scope, per_page=10).hits
        rank = next((i for i, h in enumerate(hits, 1)
                     if h.kind == "document" and h.id == target), None)
        ranks.append(rank)
        marks = "diacritics" if q != fold(q) else "plain"
        n = len(folded_words(q))
        for g in (marks, f"{min(n, 5)} word(s)", "scanned" if target in SCANNED else "typed"):
            a = groups.setdefault(g, [0, 0])
            a[0] += 1
            a[1] += rank == 1
        if rank != 1:
            misses.append((q, target, rank, r))
    n = len(ranks)
    return {
        "queries": n, "documents": len(pages),
        "top1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "mrr10": round(sum(1 / r for r in ranks if r) / n, 4),
        "avg_rivals": round(sum(riv) / n, 1),
        "queries_with_rivals": sum(1 for r in riv if r),
        "by_group": {g: {"queries": a, "top1": round(b / a, 3)}
                     for g, (a, b) in sorted(groups.items())},
        "misses": misses,
    }


def run(work: str | None = None) -> dict:
    tmp = work or tempfile.mkdtemp(prefix="bench-prose-")
    try:
        pages = corpus()
        t = time.perf_counter()
        idx = build(os.path.join(tmp, "prose"), pages)
        built = time.perf_counter() - t
        out = relevance(idx, pages)
        out["build_s"] = round(built, 1)
        if hasattr(kindplans, "PROXIMITY"):  # absent before issue 10 (run it there too)
            kindplans.PROXIMITY = False  # the same queries without the re-ranking
            try:
                off = relevance(idx, pages)
            finally:
                kindplans.PROXIMITY = True
            out["without_proximity"] = {"top1": off["top1"], "mrr10": off["mrr10"],
                                        "misses": off["misses"]}
        out["scanned"] = sorted(SCANNED & set(load_ocr()))
        return out
    finally:
        if not work:
            shutil.rmtree(tmp, ignore_errors=True)


def render_and_ocr() -> dict[int, str]:
    """Render the scanned targets as noisy pages and OCR them (the project's own
    generator and engine); write :data:`OCR_FILE`."""
    from docsvc.sampledata.documents import AdminDocument
    from docsvc.sampledata.render import Noise, render_document
    from ingest.images import prepare_for_ocr, to_grayscale
    from ingest.ocr import TesseractEngine

    engine = TesseractEngine()
    out = {}
    for doc_id, doc_type, issuer, title, paragraphs in DOCUMENTS:
        if doc_id not in SCANNED:
            continue
        parent = "UBND HUYỆN PHÚ LƯƠNG" if "xã" in issuer or "thị trấn" in issuer \
            else "UBND TỈNH THÁI NGUYÊN"
        abbr = TYPE_ABBR.get(doc_type, "")
        doc = AdminDocument(
            number=100 + doc_id, type_name=doc_type, type_abbr=abbr, issuer_parent=parent,
            issuer_name=issuer.upper(), issuer_abbr=_issuer_abbr(issuer), drafting_unit="VP",
            place="Phú Lương", issued_on=date(2025, 1 + doc_id % 12, 1 + doc_id % 27),
            abstract=title[len(doc_type) + 1:] if title.startswith(doc_type) else title,
            body=list(paragraphs), signer_position="Chủ tịch", signer_name="Nguyễn Văn An",
            recipients=["Như trên", "Lưu: VT"])
        texts = []
        for i, rendered in enumerate(render_document(doc, noise=Noise.scan(), seed=doc_id)):
            result = engine.recognize(prepare_for_ocr(to_grayscale(rendered.image)), page=i + 1)
            texts.append(result.text)
        out[doc_id] = "\n".join(texts)
        print(f"OCR {doc_id}: {len(out[doc_id])} characters", file=sys.stderr)
    with open(OCR_FILE, "w", encoding="utf-8") as f:
        json.dump({str(k): v for k, v in sorted(out.items())}, f, ensure_ascii=False, indent=0)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ocr", action="store_true", help="render and OCR the scans again")
    args = ap.parse_args()
    if args.ocr:
        render_and_ocr()
    print(json.dumps(run(), ensure_ascii=False, indent=1))
