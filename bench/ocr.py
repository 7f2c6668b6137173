"""OCR throughput on the same generated pages, in one run, three ways:

  (a) the pipeline: ``Pipeline.pages`` on a multi-page TIFF of the pages, concurrency =
      cores (decoding, preparation, OCR, word boxes, display image and thumbnail included);
  (b) naive: ``pytesseract.image_to_string`` in a loop over the page files with default
      settings, in a subprocess whose environment has no OMP_THREAD_LIMIT;
  (c) the practical limit: the ``tesseract`` command with OMP_THREAD_LIMIT=1, one process
      per core, on the same page files, same language and page segmentation as (a).

Prints pages per minute and the ratios pipeline/limit and pipeline/naive. The limit and
the pipeline run ``--rounds`` times, alternately, and the best round of each counts (other
work on the machine only ever slows a round down); the naive loop, many times slower,
runs once.

    python bench/ocr.py [--pages 12] [--rounds 3] [--lang vie] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docsvc.sampledata import files  # noqa: E402
from docsvc.sampledata.cer import levenshtein, normalise  # noqa: E402
from docsvc.sampledata.documents import generate_documents  # noqa: E402
from docsvc.sampledata.registers import make_entry  # noqa: E402
from docsvc.sampledata.render import FONTS, Noise, render_document, render_register  # noqa: E402
from ingest.ocr import TesseractEngine  # noqa: E402
from ingest.pipeline import Pipeline  # noqa: E402
from ingest.results import TIFF, Limits  # noqa: E402

NAIVE = """
import json, sys, time
import pytesseract
from PIL import Image
paths, lang = sys.argv[1:-1], sys.argv[-1]
start = time.perf_counter()
texts = [pytesseract.image_to_string(Image.open(p), lang=lang) for p in paths]
print(json.dumps({"seconds": time.perf_counter() - start, "texts": texts}))
"""


def make_pages(n: int, folder: Path):
    """n pages alternating documents and register pages, every other pair noisy; written
    as PNG files and as one deflate-compressed multi-page TIFF of the same pixels."""
    fonts = list(FONTS)
    docs = generate_documents(n, seed=77)
    kinds = ["death", "marriage", "birth"]
    pages = []
    for i in range(n):
        noise = Noise.scan() if i % 4 >= 2 else None
        if i % 2 == 0:
            page = render_document(next(docs), font=fonts[i % 4], noise=noise, seed=i)[0]
        else:
            kind = kinds[i % 3]
            entries = [make_entry(kind, seed=i)] if kind == "birth" else \
                [make_entry(kind, seed=i), make_entry(kind, seed=i + 500, number=2)]
            page = render_register(entries, font=fonts[i % 4], noise=noise, seed=i)[0]
        pages.append(page)
    pngs = [files.write_png(page, folder / f"page-{i + 1:02d}.png") for i, page in enumerate(pages)]
    tiff = files.write_tiff(pages, folder / "pages.tif")
    return pages, pngs, tiff


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (Tesseract, the naive loop)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def cer(pages, texts) -> float:
    errors = sum(levenshtein(normalise(p.text), normalise(t)) for p, t in zip(pages, texts))
    return errors / sum(len(normalise(p.text)) for p in pages)


def run_pipeline(tiff: Path, lang: str, cores: int) -> tuple[float, list[str]]:
    pipeline = Pipeline(TesseractEngine(lang=lang), Limits(), concurrency=cores)
    start = time.perf_counter()
    texts = [page.text for page in pipeline.pages(tiff, TIFF)]
    return time.perf_counter() - start, texts


def run_naive(pngs: list[Path], lang: str) -> tuple[float, list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    out = subprocess.run([sys.executable, "-c", NAIVE, *map(str, pngs), lang], env=env,
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    return result["seconds"], result["texts"]


def run_limit(pngs: list[Path], lang: str, cores: int, config: list[str]) -> tuple[float, list[str]]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(path: Path) -> str:
        return subprocess.run(["tesseract", str(path), "-", "-l", lang, *config], env=env,
                              capture_output=True, text=True, check=True).stdout

    start = time.perf_counter()
    with ThreadPoolExecutor(cores) as pool:
        texts = list(pool.map(one, pngs))
    return time.perf_counter() - start, texts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=12, help="pages to generate (default 12)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of limit and pipeline (best counts)")
    parser.add_argument("--lang", default="vie", help="Tesseract language(s), for all three runs")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"  # this process; the naive run removes it
    cores = os.cpu_count() or 1
    config = TesseractEngine(lang=args.lang).config.split()

    with tempfile.TemporaryDirectory(prefix="docsvc-bench-ocr-") as tmp:
        pages, pngs, tiff = make_pages(args.pages, Path(tmp))
        run_limit(pngs[:1], args.lang, 1, config)  # warm the page cache with the models
        runs: dict[str, dict] = {}

        def record(name: str, run) -> None:
            before = _cpu_seconds()
            seconds, texts = run()
            cpu = _cpu_seconds() - before
            best = runs.get(name)
            if best is None or seconds < best["seconds"]:
                runs[name] = {"seconds": round(seconds, 2),
                              "pages_per_minute": round(60 * len(pages) / seconds, 1),
                              "cpu_seconds_per_page": round(cpu / len(pages), 3),
                              "cer": round(cer(pages, texts), 4)}

        for _ in range(max(1, args.rounds)):
            record("limit", lambda: run_limit(pngs, args.lang, cores, config))
            record("pipeline", lambda: run_pipeline(tiff, args.lang, cores))
        record("naive", lambda: run_naive(pngs, args.lang))
    result = {
        "pages": len(pages), "cores": cores, "lang": args.lang, "config": " ".join(config),
        "rounds": args.rounds, **runs,
        "pipeline_vs_limit": round(runs["pipeline"]["pages_per_minute"] / runs["limit"]["pages_per_minute"], 3),
        "pipeline_vs_naive": round(runs["pipeline"]["pages_per_minute"] / runs["naive"]["pages_per_minute"], 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"OCR throughput, {result['pages']} generated A4 pages at 300 dpi (half noisy), "
          f"lang={args.lang}, {cores} cores")
    labels = {"pipeline": "pipeline (Pipeline.pages, multi-page TIFF)",
              "naive": "naive (pytesseract.image_to_string loop)",
              "limit": f"limit (tesseract CLI, OMP_THREAD_LIMIT=1, {cores} at once, {' '.join(config)})"}
    for name in ("pipeline", "naive", "limit"):
        r = runs[name]
        print(f"  {labels[name]:70} {r['pages_per_minute']:7.1f} pages/min  ({r['seconds']:.1f} s, "
              f"{r['cpu_seconds_per_page']:.2f} CPU s/page, CER {r['cer']:.2%})")
    print(f"  pipeline / limit: {result['pipeline_vs_limit']:.2f}   "
          f"pipeline / naive: {result['pipeline_vs_naive']:.2f}   "
          f"(load average at the end: {', '.join(map(str, result['load_average']))})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
