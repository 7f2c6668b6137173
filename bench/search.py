#!/usr/bin/env python
"""Benchmark of search: build speed, memory, latency per query class, relevance.

    .venv/bin/python bench/search.py --records 1000000 --documents 100000 --json

Generates N civil-status entries and M document pages (``bench/search_corpus.py``)
into spool files (the stand-in for the database; generation is timed apart as
``build.generate_s``), builds them into a temporary ``search.SearchIndex`` with
``rebuild`` (two indexing processes) reading chunks from the spools, times six
query classes through ``SearchIndex.search`` (totals, facets, highlights and access
filter included), measures a labelled relevance set, then builds the two baselines
(``bench/search_baselines.py``) on the same corpus in this process and times the same
questions there. Prints one JSON object (``--json``) or a short report.

Beside the generated set, ``relevance_prose`` is the real-prose relevance set
(``bench/search_prose.py``: written administrative prose, some of it scanned and OCR'd,
among a few hundred other real-prose documents; queries of one to five words with and
without diacritics): top-1 and MRR@10. ``proximity`` is the cost of the re-ranking by
closeness (``search/proximity.py``), timed in this process on the same index with it on
and off, alternating: the unquoted multi-word queries it applies to (the labelled word
queries on documents, and the full names searched in every kind). ``--relevance-only``
measures only the two relevance sets (no timing, no baselines): a quick check.

``peak_rss_mb`` is the peak, while our index builds, of the sum over this process and
its children of the proportional set size (PSS: pages shared after ``fork`` are divided
among the processes sharing them, where plain RSS would count them once per process);
``peak_rss_sum_mb`` is the plain RSS sum, an upper bound. ``search_peak_rss_mb`` is the
peak while searching, which includes the pages of the memory-mapped index files read
(shared with the operating system's file cache) and the caches ``warm()`` loads.

Latencies are measured after ``SearchIndex.warm()`` and after an untimed pass over a
different sample of queries of the same classes, as a running server has answered
such queries before (its cache of decoded posting lists holds the common words).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import psutil  # noqa: E402

import search_prose  # noqa: E402
from search import AccessScope, SearchIndex  # noqa: E402
from search import kindplans  # noqa: E402
from search_baselines import Fts5, NaiveWhoosh  # noqa: E402
from search_corpus import Spool, document_pages, persons  # noqa: E402
from search_queries import (CLASSES, CLASS_KIND, Sampler, labelled_queries,  # noqa: E402
                            rank_of, timed_queries)


class Memory:
    """Samples the memory of this process tree every 0.2 s; peaks per phase."""

    def __init__(self):
        self.phase = None
        self.peaks: dict[str, list[int]] = {}
        self._stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        me = psutil.Process()
        while not self._stop:
            phase = self.phase
            if phase:
                pss = rss = 0
                for p in [me] + me.children(recursive=True):
                    try:
                        info = p.memory_full_info()
                        pss += info.pss
                        rss += info.rss
                    except (psutil.Error, AttributeError):
                        pass
                peak = self.peaks.setdefault(phase, [0, 0])
                peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.2)

    def mb(self, phase: str, which: int = 0) -> int:
        return round(self.peaks.get(phase, [0, 0])[which] / 2**20)

    def stop(self):
        self._stop = True


def percentiles(ms: list[float]) -> dict:
    s = sorted(ms)
    if not s:
        return {}

    def p(q):
        return round(s[min(len(s) - 1, int(q * len(s)))], 2)
    return {"p50_ms": p(0.50), "p95_ms": p(0.95), "p99_ms": p(0.99)}


def time_ours(idx, queries, scope, warmup=(), kind_override=None):
    """Latencies per class. ``warmup``: other queries of the same classes run first,
    untimed, as a server has answered before (its caches hold the common words)."""
    by_class: dict[str, list[float]] = {c: [] for c in CLASSES}
    totals: dict[str, list[int]] = {c: [] for c in CLASSES}
    for q in warmup:
        idx.search(q.text, scope, kind=q.kind)
    for q in queries:
        t = time.perf_counter()
        r = idx.search(q.text, scope, kind=kind_override or q.kind)
        by_class[q.cls].append((time.perf_counter() - t) * 1000)
        totals[q.cls].append(r.total)
    return by_class, totals


def relevance(idx, labelled, scope):
    ranks, groups = [], {}
    for lq in labelled:
        r = idx.search(lq.text, scope, per_page=10)
        rank = rank_of(r.hits, lq.target)
        ranks.append(rank)
        g = groups.setdefault(lq.group, [0, 0])
        g[0] += 1
        g[1] += rank is not None and rank <= 5
    n = len(ranks)
    return {
        "queries": n,
        "top5": round(sum(1 for r in ranks if r and r <= 5) / n, 4),
        "mrr10": round(sum(1 / r for r in ranks if r and r <= 10) / n, 4),
        "by_group": {g: {"queries": a, "top5": round(b / a, 3)} for g, (a, b) in sorted(groups.items())},
        "misses": [(lq.text, lq.target) for lq, r in zip(labelled, ranks) if not r or r > 5][:25],
    }


def proximity_cost(idx, texts, scope, rounds: int = 3) -> dict:
    """Latency of ``texts`` with the closeness re-ranking on and off, in this process on
    the same index, rounds alternating (the machine's noise falls on both alike)."""
    ms = {True: [], False: []}
    for q in texts:  # untimed: both see warm caches
        idx.search(q, scope)
    try:
        for _ in range(rounds):
            for on in (False, True):
                kindplans.PROXIMITY = on
                for q in texts:
                    t = time.perf_counter()
                    idx.search(q, scope)
                    ms[on].append((time.perf_counter() - t) * 1000)
    finally:
        kindplans.PROXIMITY = True
    on, off = percentiles(ms[True]), percentiles(ms[False])
    return {"queries": len(texts), "rounds": rounds, "on": on, "off": off,
            "mean_on_ms": round(sum(ms[True]) / max(1, len(ms[True])), 2),
            "mean_off_ms": round(sum(ms[False]) / max(1, len(ms[False])), 2)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=50_000)
    ap.add_argument("--documents", type=int, default=5_000, help="document pages")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--skip-naive", action="store_true", help="skip both baselines")
    ap.add_argument("--per-class", type=int, default=200, help="timed queries per class")
    ap.add_argument("--naive-per-class", type=int, default=30)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", help="work directory (default: a temporary one, removed)")
    ap.add_argument("--relevance-only", action="store_true",
                    help="only the two relevance sets (no timing, no baselines)")
    args = ap.parse_args(argv)
    if args.relevance_only:
        args.skip_naive = True

    started = time.time()
    load_start = os.getloadavg()
    work = args.dir or tempfile.mkdtemp(prefix="bench-search-")
    os.makedirs(work, exist_ok=True)
    mem = Memory()
    rng = random.Random(args.seed)
    out: dict = {"records": args.records, "pages": args.documents}
    try:
        idx = SearchIndex(os.path.join(work, "ours"))
        psample = Sampler(max(1, args.records // 4000), 4000)
        dsample = Sampler(max(1, args.documents // 2000), 2000)
        pspool = Spool(os.path.join(work, "persons.spool"),
                       psample.wrap(persons(args.records, args.seed)))
        dspool = Spool(os.path.join(work, "pages.spool"),
                       dsample.wrap(document_pages(args.documents, args.seed)))
        mem.phase = "build"
        feed_p = pspool.feed()
        t0 = time.perf_counter()
        rp = idx.rebuild("person", feed_p, procs=args.procs)
        t1 = time.perf_counter()
        feed_d = dspool.feed()
        rd = idx.rebuild("document", feed_d, procs=args.procs)
        t2 = time.perf_counter()
        out["build_records_per_s"] = round((rp.records + rd.records) / (t2 - t0))
        out["build"] = {
            "persons": rp.records, "persons_s": round(t1 - t0, 1),
            "persons_per_s": round(rp.records / (t1 - t0)),
            "pages": rd.records, "pages_s": round(t2 - t1, 1),
            "pages_per_s": round(rd.records / (t2 - t1)),
            "generate_s": round(pspool.generate_seconds + dspool.generate_seconds, 1),
            "read_records_s": round(feed_p.seconds + feed_d.seconds, 1),
            "procs": args.procs,
            "segments": {k: len(idx.searcher(k).segments) for k in ("person", "document")},
            "index_mb": {k: round(sum(os.path.getsize(os.path.join(idx.path(k), f))
                                      for f in os.listdir(idx.path(k))) / 2**20)
                         for k in ("person", "document")},
        }
        mem.phase = None
        scope = AccessScope(kinds=frozenset({"person", "document"}), max_secrecy=0)
        timed = timed_queries(psample.items, dsample.items, args.per_class, rng)
        warmup = timed_queries(psample.items, dsample.items, args.per_class,
                               random.Random(args.seed + 1000))
        labelled = labelled_queries(psample.items, dsample.items, 180, 60, rng,
                                    corpus_pages=dspool.records(),
                                    corpus_persons=pspool.records())
        mem.phase = "search"
        idx.warm()  # as `docsvc serve` does at start-up (columns, norms, spelling vocabulary,
        #             the postings of the most frequent words)
        if args.relevance_only:
            out["relevance"] = relevance(idx, labelled, AccessScope.everything())
            out["relevance_prose"] = search_prose.run()
            return out
        by_class, totals = time_ours(idx, timed, scope, warmup)
        all_kinds, _ = time_ours(idx, timed, scope, kind_override=None)
        queries = {}
        for c in CLASSES:
            queries[c] = {**percentiles(by_class[c]), "kind": CLASS_KIND[c],
                          "p95_all_kinds_ms": percentiles(all_kinds[c]).get("p95_ms"),
                          "n": len(by_class[c]),
                          "avg_total": round(sum(totals[c]) / max(1, len(totals[c]))),
                          "max_total": max(totals[c] or [0])}
        out["queries"] = queries
        out["relevance"] = relevance(idx, labelled, AccessScope.everything())
        words = [lq.text for lq in labelled if lq.group.startswith("document/words")]
        names = [q.text for q in timed if q.cls == "full_name_diacritics"][:60]
        out["proximity"] = {
            "document_words": proximity_cost(idx, words, AccessScope.everything()),
            "full_name_all_kinds": proximity_cost(idx, names, scope)}
        out["relevance_prose"] = search_prose.run()
        mem.phase = None
        out["peak_rss_mb"] = mem.mb("build")
        out["peak_rss_sum_mb"] = mem.mb("build", 1)
        out["search_peak_rss_mb"] = mem.mb("search")
        if not args.skip_naive:
            _baselines(work, pspool, dspool, timed, queries, out, args.naive_per_class)
    finally:
        mem.stop()
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    out["machine"] = {"cpus": os.cpu_count(), "load_avg_start": [round(x, 2) for x in load_start],
                      "load_avg_end": [round(x, 2) for x in os.getloadavg()]}
    out["seconds"] = round(time.time() - started)
    return out


def _baselines(work, pspool, dspool, timed, queries, out, naive_per_class):
    naive = NaiveWhoosh(work)
    fts = Fts5(os.path.join(work, "fts5.db"))
    build = {}
    build["naive_person_s"] = round(naive.build("person", pspool.records()), 1)
    build["naive_document_s"] = round(naive.build("document", dspool.records()), 1)
    build["fts5_person_s"] = round(fts.build("person", pspool.records()), 1)
    build["fts5_document_s"] = round(fts.build("document", dspool.records()), 1)
    out["baseline_build"] = build
    sp = {"person": naive.searcher("person"), "document": naive.searcher("document")}
    for c in CLASSES:
        qs = [q for q in timed if q.cls == c]
        naive_ms, fts_ms = [], []
        for q in qs[:naive_per_class]:
            t = time.perf_counter()
            naive.run(sp[q.kind], q.naive)
            naive_ms.append((time.perf_counter() - t) * 1000)
        for q in qs:
            t = time.perf_counter()
            fts.run(q.kind, *q.fts)
            fts_ms.append((time.perf_counter() - t) * 1000)
        row = queries[c]
        row["naive_p95_ms"] = percentiles(naive_ms)["p95_ms"]
        row["naive_n"] = len(naive_ms)
        row["fts5_p95_ms"] = percentiles(fts_ms)["p95_ms"]
        row["speedup_vs_naive_p95"] = round(row["naive_p95_ms"] / max(row["p95_ms"], 0.01), 1)


if __name__ == "__main__":
    result = main()
    if "--json" in sys.argv:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for k, v in result.items():
            print(f"{k}: {v}")
