"""OCR throughput on the same generated pages, in one run, five ways:

  (a) the pipeline: ``Pipeline.pages`` on a multi-page TIFF of the pages, concurrency =
      cores (decoding, preparation, OCR, word boxes, display image and thumbnail included);
  (b) naive: ``pytesseract.image_to_string`` in a loop over the page files with default
      settings, in a subprocess whose environment has no OMP_THREAD_LIMIT;
  (c) the practical limit: the ``tesseract`` command with OMP_THREAD_LIMIT=1, one process
      per core, on the same page files, same language and page segmentation as (a);
  (d) folder, no worker: ``docsvc ingest FOLDER --wait --json`` on the page files (one
      single-page PNG each) in a fresh data directory with no worker alive, so the command
      runs the jobs itself; timed from the start of the command to its exit (start-up,
      checking and storing the files, the jobs, the index all included);
  (e) folder, with a worker: the same, with ``docsvc worker`` started (untimed) on that
      data directory beforehand and seen alive; the command only submits and waits.

With ``--before ROOT`` (a checkout of an earlier commit, e.g. ``git archive HEAD | tar -x``),
(d) and (e) also run on that code, in the same rounds, as ``folder_cli_before`` and
``folder_worker_before``: a change is judged against the code before it on the same
machine at the same time, not against figures from another day.

Prints pages per minute and the ratios of (a), (d) and (e) to the limit, and (a) to naive;
for (d) and (e) also the ratio their own CPU time allows (``*_cpu_bound``: that time spread
over every core with none idle), which says whether a shortfall is idle cores or work.
The limit, the pipeline and the two folder cases run ``--rounds`` times, alternately, and
the best round of each counts (other work on the machine only ever slows a round down);
the naive loop, many times slower, runs once. Each round's own ratios are kept in the JSON
(``rounds_detail``), with the load average before and after.

    python bench/ocr.py [--pages 12] [--rounds 3] [--lang vie] [--json] [--no-folder] [--before ROOT]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sqlite3
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
    (folder / "pages").mkdir(exist_ok=True)  # the folder given to `docsvc ingest`: the PNGs alone
    pngs = [files.write_png(page, folder / "pages" / f"page-{i + 1:02d}.png") for i, page in enumerate(pages)]
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
    seconds = time.perf_counter() - start
    pipeline.ocr.close()  # reaped: their CPU counts as this process's children's
    return seconds, texts


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


ROOT = Path(__file__).resolve().parents[1]


def _docsvc_env(data_dir: Path, cores: int, root: Path = ROOT) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSVC_")}
    root = str(root)
    env["_BENCH_ROOT"] = root
    env.update(DOCSVC_DATA_DIR=str(data_dir), DOCSVC_OCR_PROCESSES=str(cores), OMP_THREAD_LIMIT="1",
               DOCSVC_ADMIN_PASSWORD="bench-admin-12345", DOCSVC_SECRET_KEY="bench",
               PYTHONPATH=os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")])))
    return env


def _docsvc(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    # From the code's own folder: ``-m`` puts the working directory first on sys.path.
    return subprocess.run([sys.executable, "-m", "docsvc", *args], env=env, capture_output=True,
                          text=True, cwd=env["_BENCH_ROOT"], **kw)


def _fresh_data_dir(root: Path, cores: int, code: Path = ROOT) -> dict:
    if root.exists():
        shutil.rmtree(root)
    env = _docsvc_env(root, cores, code)
    _docsvc(["init"], env, check=True)
    return env


def _proc_cpu(pid: int) -> float:
    """CPU seconds of a running process, of its children it has waited for, and of its
    live descendants (its long-lived Tesseract processes), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # ended meanwhile (and counted by its parent's wait, if any)
        return 0.0
    total = sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            total += sum(_proc_cpu(int(child)) for child in children.read_text().split())
        except FileNotFoundError:
            pass
    return total


def _texts_by_page(env: dict, items: list[dict], pngs: list[Path]) -> list[str]:
    """The text read for each page file, from the data directory's database."""
    by_path = {Path(item["path"]).name: item["document_id"] for item in items}
    db = sqlite3.connect(Path(env["DOCSVC_DATA_DIR"]) / "docsvc.db")
    try:
        texts = []
        for png in pngs:
            row = db.execute("SELECT text FROM pages WHERE document_id = ? AND number = 1",
                             (by_path[png.name],)).fetchone()
            texts.append(row[0] if row else "")
        return texts
    finally:
        db.close()


def _ingest_folder(env: dict, pngs: list[Path]) -> tuple[float, list[str], dict]:
    cpu_before = _cpu_seconds()
    start = time.perf_counter()
    out = _docsvc(["ingest", str(pngs[0].parent), "--wait", "--json"], env)
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_before  # the command and the Tesseract processes it ran
    items = json.loads(out.stdout)
    statuses = sorted({item["status"] for item in items})
    if out.returncode != 0 or statuses != ["done"] or len(items) != len(pngs):
        raise RuntimeError(f"docsvc ingest failed ({out.returncode}, {statuses}): {out.stderr[-2000:]}")
    return seconds, _texts_by_page(env, items, pngs), {"cpu": cpu}


def _cpu_bound(limit_seconds: float, cpu_seconds: float, cores: int) -> float:
    """The highest ratio to the limit a case could reach with the CPU time it used: that
    time spread over every core from the first moment to the last, none idle. A case
    whose work (its start-up, checking and storing files, decoding, preparing, display
    images, records, the index, and Tesseract) needs more CPU than ``cores`` × the limit's
    seconds / 0.9 cannot reach 0.9 by keeping the cores busier, only by doing less."""
    return round(limit_seconds / (cpu_seconds / cores), 3)


def run_folder_cli(work: Path, pngs: list[Path], cores: int, code: Path = ROOT) -> tuple[float, list[str], dict]:
    env = _fresh_data_dir(work / "folder-cli", cores, code)
    return _ingest_folder(env, pngs)


def run_folder_worker(work: Path, pngs: list[Path], cores: int, code: Path = ROOT) -> tuple[float, list[str], dict]:
    env = _fresh_data_dir(work / "folder-worker", cores, code)
    worker = subprocess.Popen([sys.executable, "-m", "docsvc", "worker"], env=env, start_new_session=True,
                              cwd=env["_BENCH_ROOT"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        db_path = Path(env["DOCSVC_DATA_DIR"]) / "docsvc.db"
        deadline = time.monotonic() + 120
        while True:  # seen alive by the command: its row is in the workers table
            db = sqlite3.connect(db_path)
            try:
                alive = db.execute("SELECT count(*) FROM workers WHERE pid = ?", (worker.pid,)).fetchone()[0]
            finally:
                db.close()
            if alive:
                break
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the worker did not start")
            time.sleep(0.1)
        time.sleep(1.0)  # let it finish starting (index check) and go idle, as a waiting worker is
        cpu_before = _proc_cpu(worker.pid)
        seconds, texts, extra = _ingest_folder(env, pngs)
        return seconds, texts, {"cpu": extra["cpu"] + _proc_cpu(worker.pid) - cpu_before}
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=12, help="pages to generate (default 12)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of limit and pipeline (best counts)")
    parser.add_argument("--lang", default="vie", help="Tesseract language(s), for all three runs")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-folder", action="store_true", help="skip the two `docsvc ingest` folder cases")
    parser.add_argument("--before", type=Path, help="also run the folder cases on the code in this folder")
    args = parser.parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"  # this process; the naive run removes it
    cores = os.cpu_count() or 1
    config = TesseractEngine(lang=args.lang).config.split()

    folder_cases = [] if args.no_folder else ["folder_cli", "folder_worker"]
    if folder_cases and args.before:
        folder_cases += ["folder_cli_before", "folder_worker_before"]
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="docsvc-bench-ocr-") as tmp:
        pages, pngs, tiff = make_pages(args.pages, Path(tmp))
        run_limit(pngs[:1], args.lang, 1, config)  # warm the page cache with the models
        runs: dict[str, dict] = {}
        detail: list[dict] = []

        cpu_of: dict[str, float] = {}  # each case's CPU seconds in the current round

        def record(name: str, run) -> float:
            before = _cpu_seconds()
            seconds, texts, extra = run()
            cpu = cpu_of[name] = extra.get("cpu", _cpu_seconds() - before)
            best = runs.get(name)
            if best is None or seconds < best["seconds"]:
                runs[name] = {"seconds": round(seconds, 2),
                              "pages_per_minute": round(60 * len(pages) / seconds, 1),
                              "cpu_seconds_per_page": round(cpu / len(pages), 3),
                              "cer": round(cer(pages, texts), 4)}
            return seconds

        with_extra = lambda run: lambda: (*run(), {})  # noqa: E731
        for number in range(max(1, args.rounds)):
            this = {"round": number + 1, "load_average": [round(x, 2) for x in os.getloadavg()]}
            this["limit"] = record("limit", with_extra(lambda: run_limit(pngs, args.lang, cores, config)))
            this["pipeline"] = record("pipeline", with_extra(lambda: run_pipeline(tiff, args.lang, cores)))
            if folder_cases:
                this["folder_cli"] = record("folder_cli", lambda: run_folder_cli(Path(tmp), pngs, cores))
                this["folder_worker"] = record("folder_worker", lambda: run_folder_worker(Path(tmp), pngs, cores))
            if args.before and folder_cases:
                before = args.before.resolve()
                this["folder_cli_before"] = record(
                    "folder_cli_before", lambda: run_folder_cli(Path(tmp), pngs, cores, before))
                this["folder_worker_before"] = record(
                    "folder_worker_before", lambda: run_folder_worker(Path(tmp), pngs, cores, before))
            for name in ("pipeline", *folder_cases):  # the limit's time over the case's
                this[f"{name}_vs_limit"] = round(this["limit"] / this[name], 3)
            for name in folder_cases:  # the most its own CPU time would allow (see _cpu_bound)
                this[f"{name}_cpu_bound"] = _cpu_bound(this["limit"], cpu_of[name], cores)
            detail.append({k: round(v, 2) if isinstance(v, float) else v for k, v in this.items()})
        record("naive", with_extra(lambda: run_naive(pngs, args.lang)))
    result = {
        "pages": len(pages), "cores": cores, "lang": args.lang, "config": " ".join(config),
        "rounds": args.rounds, **runs,
        "pipeline_vs_limit": round(runs["pipeline"]["pages_per_minute"] / runs["limit"]["pages_per_minute"], 3),
        "pipeline_vs_naive": round(runs["pipeline"]["pages_per_minute"] / runs["naive"]["pages_per_minute"], 3),
        **{f"{name}_vs_limit": round(runs[name]["pages_per_minute"] / runs["limit"]["pages_per_minute"], 3)
           for name in folder_cases},
        **{f"{name}_cpu_bound": _cpu_bound(runs["limit"]["seconds"],
                                           runs[name]["cpu_seconds_per_page"] * len(pages), cores)
           for name in folder_cases},
        "rounds_detail": detail,
        "load_average_before": load_before,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"OCR throughput, {result['pages']} generated A4 pages at 300 dpi (half noisy), "
          f"lang={args.lang}, {cores} cores")
    labels = {"pipeline": "pipeline (Pipeline.pages, multi-page TIFF)",
              "folder_cli": f"folder: docsvc ingest --wait, no worker ({result['pages']} PNG files)",
              "folder_worker": "folder: docsvc ingest --wait, worker running",
              "folder_cli_before": "folder, no worker, code before (--before)",
              "folder_worker_before": "folder, worker running, code before (--before)",
              "naive": "naive (pytesseract.image_to_string loop)",
              "limit": f"limit (tesseract CLI, OMP_THREAD_LIMIT=1, {cores} at once, {' '.join(config)})"}
    for name in ("pipeline", *folder_cases, "naive", "limit"):
        r = runs[name]
        print(f"  {labels[name]:70} {r['pages_per_minute']:7.1f} pages/min  ({r['seconds']:.1f} s, "
              f"{r['cpu_seconds_per_page']:.2f} CPU s/page, CER {r['cer']:.2%})")
    print(f"  pipeline / limit: {result['pipeline_vs_limit']:.2f}   "
          f"pipeline / naive: {result['pipeline_vs_naive']:.2f}", end="")
    for name in folder_cases:
        print(f"   {name} / limit: {result[name + '_vs_limit']:.2f} "
              f"(its CPU allows {result[name + '_cpu_bound']:.2f})", end="")
    print(f"\n  load average before: {', '.join(map(str, load_before))}; "
          f"at the end: {', '.join(map(str, result['load_average']))}")
    for this in detail:
        print(f"  round {this['round']} (load {this['load_average'][0]}): " + "  ".join(
            f"{name} {this[name + '_vs_limit']:.2f}" for name in ("pipeline", *folder_cases)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
