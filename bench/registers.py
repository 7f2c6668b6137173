"""Typed register pages read by the machine: OCR with the production engine, then
``docsvc.civil.parsing.parse_page``, against the generator's ground truth.

Pages: ``--pages`` generated register pages (default 48), all three kinds in turn, one to
four entries a page (the font size is lowered for the pages that must hold three or four),
four fonts that cover Vietnamese, every other page a noisy scan (``Noise.scan()``); plus
``--letters`` administrative letters (render_document) that must propose nothing.
OCR as ingest does it: ``prepare_for_ocr`` then ``TesseractEngine`` (libtesseract kept
loaded, ``--psm 6``, ``vie``, OMP_THREAD_LIMIT=1), one page per core at once.

Prints, for the proposals against ``truth_fields`` (every contract key of every entry):

- field accuracy, clean and noisy pages (a field is right when its value equals the truth,
  whatever its state; an entry not found counts all its fields wrong);
- silent errors: a wrong value in state ``ok``, as a share of all fields (also: a value
  present in the register but proposed as ``missing``);
- uncertain fields: the share a person is asked to look at;
- pages per minute, OCR alone (wall time, one page per core) and OCR + parse (that wall
  time plus every page's parsing one after another: a bound, since in the pipeline a page
  is parsed while the next is read), and parse time as a share of OCR time (the sum of
  the pages' parse times over the sum of their OCR times);
- ``--sweep``: silent errors and uncertain share for other LOW_CONFIDENCE thresholds (the
  same OCR, parsed again), to choose the threshold.

Writes nothing unless ``--out FILE`` is given (the JSON of the run).

    python bench/registers.py [--pages 48] [--letters 4] [--sweep] [--json] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["OMP_THREAD_LIMIT"] = "1"

from docsvc.civil import parsing, values  # noqa: E402
from docsvc.sampledata.documents import generate_documents  # noqa: E402
from docsvc.sampledata.registers import make_entry, truth_fields  # noqa: E402
from docsvc.sampledata.render import FONTS, Noise, render_document, render_register  # noqa: E402
from ingest.images import prepare_for_ocr  # noqa: E402
from ingest.ocr import TesseractEngine  # noqa: E402

KINDS = ("birth", "death", "marriage")
# Font size per wanted entries a page. A birth entry is some 25 lines: two fit at 12 pt,
# three at 8 pt, never four; four death entries need 7.5 pt, four marriage entries 8 pt.
SIZES = {1: 13.0, 2: 12.0, 3: 10.0, 4: 9.0}
SIZES_FOR_FOUR = {"birth": 8.0, "death": 7.5, "marriage": 8.0}


def make_pages(count: int, letters: int, seed: int = 11):
    """(image, kind or None, [RegisterEntry], noisy, font) for ``count`` register pages and
    ``letters`` letters."""
    fonts = list(FONTS)
    pages = []
    i = 0
    while len(pages) < count:
        kind = KINDS[i % 3]
        want = 1 + (i // 3) % 4
        noisy = (i // 2) % 2 == 1
        font = fonts[i % len(fonts)]
        year = 1960 + (i * 7) % 65
        first = 1 + (i * 13) % 90
        entries = [make_entry(kind, seed=seed * 1000 + i * 10 + k, year=year, number=first + k)
                   for k in range(want)]
        size = SIZES_FOR_FOUR[kind] if want == 4 else SIZES[want]
        rendered = render_register(entries, font=font, size_pt=size, per_page=want,
                                   noise=Noise.scan() if noisy else None, seed=i)
        at = 0
        for page in rendered:  # which entries each page holds: its heading lines
            n = sum(1 for line in page.lines if line.startswith("Số:") and "Quyển số:" in line)
            pages.append({"image": page.image, "kind": kind, "entries": entries[at:at + n],
                          "noisy": noisy, "font": font, "size": size})
            at += n
        i += 1
    pages = pages[:count]
    assert {len(p["entries"]) for p in pages} == {1, 2, 3, 4}, "one to four entries a page"
    docs = generate_documents(letters, seed=seed)
    for j in range(letters):
        page = render_document(next(docs), font=fonts[j % len(fonts)],
                               noise=Noise.scan() if j % 2 else None, seed=j)[0]
        pages.append({"image": page.image, "kind": None, "entries": [], "noisy": bool(j % 2),
                      "font": fonts[j % len(fonts)], "size": 13.0})
    return pages


def ocr_pages(pages, cores: int):
    engine = TesseractEngine()
    engine.warm(cores)

    def one(item):
        index, page = item
        start = time.perf_counter()
        result = engine.recognize(prepare_for_ocr(page["image"]), page=index + 1)
        return [w.as_list() for w in result.words], time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(cores) as pool:
        out = list(pool.map(one, enumerate(pages)))
    wall = time.perf_counter() - start
    engine.close()
    return [words for words, _ in out], [seconds for _, seconds in out], wall


def _align(truth_entries, proposed):
    """Pairs (truth, proposed or None): by position when the counts agree, else by number."""
    if len(truth_entries) == len(proposed):
        return list(zip(truth_entries, proposed))
    by_number = {p.number: p for p in proposed}
    return [(t, by_number.get(t.number)) for t in truth_entries]


def score(pages, readings):
    """Field counts per condition (clean, noisy) and the silent errors, with examples."""
    stats = {c: {"fields": 0, "right": 0, "silent": 0, "uncertain": 0, "wrongly_missing": 0,
                 "entries": 0, "entries_found": 0, "pages": 0, "spurious_entries": 0}
             for c in ("clean", "noisy")}
    letters = {"pages": 0, "proposed": 0, "said_not_register": 0}
    silent_examples, wrong_by_key = [], {}
    for page, reading in zip(pages, readings):
        if page["kind"] is None:
            letters["pages"] += 1
            letters["proposed"] += len(reading.entries)
            letters["said_not_register"] += int(not reading.is_register)
            continue
        s = stats["noisy" if page["noisy"] else "clean"]
        s["pages"] += 1
        s["spurious_entries"] += max(0, len(reading.entries) - len(page["entries"]))
        for truth_entry, proposed in _align(page["entries"], reading.entries):
            truth = truth_fields(truth_entry)
            s["entries"] += 1
            s["entries_found"] += int(proposed is not None)
            for key, value in truth.items():
                s["fields"] += 1
                got = proposed.fields[key] if proposed is not None else {"value": None, "state": "uncertain"}
                right = got["value"] == value
                s["right"] += right
                s["uncertain"] += got["state"] == "uncertain"
                if not right:
                    wrong_by_key[key] = wrong_by_key.get(key, 0) + 1
                    if got["state"] == "ok":
                        s["silent"] += 1
                        silent_examples.append({"key": key, "truth": value, "read": got["value"],
                                                "confidence": got.get("confidence"),
                                                "noisy": page["noisy"], "font": page["font"]})
                    elif got["state"] == "missing":
                        s["wrongly_missing"] += 1
    return stats, letters, silent_examples, wrong_by_key


def summary(stats):
    total = {k: sum(s[k] for s in stats.values()) for k in stats["clean"]}
    out = {}
    for name, s in (*stats.items(), ("all", total)):
        n = max(1, s["fields"])
        out[name] = {**s, "accuracy": round(s["right"] / n, 4), "silent_rate": round(s["silent"] / n, 4),
                     "uncertain_rate": round(s["uncertain"] / n, 4),
                     "wrongly_missing_rate": round(s["wrongly_missing"] / n, 4)}
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=48, help="register pages (default 48)")
    parser.add_argument("--letters", type=int, default=4, help="administrative letters (default 4)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--sweep", action="store_true", help="also parse with other confidence thresholds")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", type=Path, help="write the JSON of the run to this file")
    parser.add_argument("--words-cache", type=Path,
                        help="keep the OCR words in this file and reuse them (parser work; the "
                             "OCR times are those of the run that wrote it)")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1

    pages = make_pages(args.pages, args.letters, args.seed)
    if args.words_cache and args.words_cache.exists():
        words, ocr_seconds, ocr_wall = json.loads(args.words_cache.read_text())
    else:
        words, ocr_seconds, ocr_wall = ocr_pages(pages, cores)
        if args.words_cache:
            args.words_cache.write_text(json.dumps([words, ocr_seconds, ocr_wall]))
    readings, parse_seconds = [], []
    for page, page_words in zip(pages, words):
        start = time.perf_counter()
        readings.append(parsing.parse_page(page_words, *page["image"].size))
        parse_seconds.append(time.perf_counter() - start)
    stats, letters, silent_examples, wrong_by_key = score(pages, readings)
    parse_total = sum(parse_seconds)
    n = len(pages)
    per_page = {}
    for page, reading in zip(pages, readings):
        key = len(page["entries"])
        per_page[key] = per_page.get(key, 0) + 1
    result = {
        "pages": n, "register_pages": n - letters["pages"], "cores": cores,
        "fonts": sorted({p["font"] for p in pages}), "entries_per_page": dict(sorted(per_page.items())),
        "low_confidence": values.LOW_CONFIDENCE,
        "fields": summary(stats),
        "letters": letters,
        "ocr": {"wall_seconds": round(ocr_wall, 2), "pages_per_minute": round(60 * n / ocr_wall, 1),
                "seconds_per_page": round(sum(ocr_seconds) / n, 3)},
        "ocr_and_parse": {"pages_per_minute": round(60 * n / (ocr_wall + parse_total), 1)},
        "parse": {"seconds_per_page": round(parse_total / n, 4),
                  "share_of_ocr_time": round(parse_total / sum(ocr_seconds), 4)},
        "wrong_by_key": dict(sorted(wrong_by_key.items(), key=lambda kv: -kv[1])),
        "silent_examples": silent_examples[:40],
    }
    if args.sweep:
        sweep = []
        saved = values.LOW_CONFIDENCE
        for threshold in (0, 60, 70, 75, 80, 85, 88, 90, 92, 94):
            values.LOW_CONFIDENCE = threshold
            again = [parsing.parse_page(w, *p["image"].size) for p, w in zip(pages, words)]
            s = summary(score(pages, again)[0])["all"]
            sweep.append({"threshold": threshold, "silent_rate": s["silent_rate"],
                          "uncertain_rate": s["uncertain_rate"], "accuracy": s["accuracy"]})
        values.LOW_CONFIDENCE = saved
        result["sweep"] = sweep
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        return 0
    f = result["fields"]
    print(f"Typed register pages read by the machine: {result['register_pages']} register pages "
          f"({f['clean']['pages']} clean, {f['noisy']['pages']} noisy; entries a page "
          f"{result['entries_per_page']}), {letters['pages']} letters, fonts {', '.join(result['fonts'])}, "
          f"{cores} cores, LOW_CONFIDENCE {values.LOW_CONFIDENCE}")
    for name in ("clean", "noisy", "all"):
        s = f[name]
        print(f"  {name:6} fields {s['fields']:5}  accuracy {s['accuracy']:.2%}  silent errors "
              f"{s['silent_rate']:.2%} ({s['silent']})  uncertain {s['uncertain_rate']:.2%}  "
              f"wrongly missing {s['wrongly_missing']}  entries found {s['entries_found']}/{s['entries']}"
              f"  spurious {s['spurious_entries']}")
    print(f"  letters: {letters['pages']} pages, {letters['proposed']} entries proposed, "
          f"{letters['said_not_register']} said not a register page")
    print(f"  OCR alone {result['ocr']['pages_per_minute']} pages/min ({result['ocr']['seconds_per_page']} s "
          f"a page on one core); OCR + parse {result['ocr_and_parse']['pages_per_minute']} pages/min; "
          f"parse {result['parse']['seconds_per_page'] * 1000:.1f} ms a page = "
          f"{result['parse']['share_of_ocr_time']:.2%} of OCR time")
    if wrong_by_key:
        print("  wrong values by field: " + ", ".join(f"{k} {v}" for k, v in result["wrong_by_key"].items()))
    for example in silent_examples[:10]:
        print(f"  silent: {example}")
    for row in result.get("sweep", []):
        print(f"  threshold {row['threshold']:3}: silent {row['silent_rate']:.2%}  uncertain "
              f"{row['uncertain_rate']:.2%}  accuracy {row['accuracy']:.2%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
