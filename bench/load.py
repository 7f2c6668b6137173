"""Load on a running ``docsvc serve`` with Locust (issue 15 §6): search as you type while
uploads are read by a worker, documents are opened, entries keyed and extracts issued.

Set-up (a child process, through the use cases, on a fresh temporary data directory): an
office (XA-BENCH, as ``bench/extracts.py`` makes it: a one-stop officer, two civil-status
officers, a chairman who signs, a local CA and the office's certificate, a birth book with
``--entries`` verified entries), a clerk with an API token, ``--documents`` text-layer PDFs
of sample administrative documents read and indexed, and ``--uploads`` distinct page strips
(PNG, Vietnamese text) that the load uploads and a worker then reads with Tesseract.

Then ``docsvc worker`` (``--ocr-processes``) and ``docsvc serve`` (``--threads``) on
loopback, each its own process, and Locust's library API, headless, in this process
(``FastHttpUser``, one connection per simulated person), in two phases of ``--seconds``:

1. **baseline**: search as you type alone (the same typists, nothing else running);
2. **mix**: the same typists, plus readers opening documents, a clerk uploading scans (the
   worker reading them meanwhile), a civil-status officer keying entries and a one-stop
   officer issuing extracts.

Typing: each typist picks a query from the documents' own words and sends, at each pause
(every 3 characters), what the search page's script sends: ``/api/v1/search/suggest`` and
``/api/v1/search`` with the prefix typed so far. ``--search-rate`` is the search requests
per second offered (suggest and search together); Locust spreads them over
``--typists`` users (``constant_throughput``), so a slow server shows as a rate below the
one offered.

Prints, per phase and per request kind: requests, throughput, p50/p95/p99/max (Locust's
histogram: exact below 100 ms, rounded to 10 ms above), errors; the CPU seconds of the
server and of the worker (with its Tesseract processes); the uploads read by the end; and
the search figures against the target (≥ 200 search requests/s with p99 ≤ 200 ms while
uploads are processed, no errors) as ratios, and mix against baseline. ``--json`` prints
the JSON of the run, written to ``--out`` (default bench/results/load-latest.json).

    python bench/load.py [--seconds 30] [--search-rate 220] [--threads 8] [--ocr-processes 1]
"""

from __future__ import annotations

import sys

if "--prepare" not in sys.argv:  # Locust needs gevent's patches before anything else loads
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
from collections import Counter  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

SECRET = "bench-extracts-secret"  # bench/extracts.py keeps the office's key under it
TARGET_RPS, TARGET_P99_MS = 200, 200
SEARCH_KINDS = ("suggest", "search")
SENT: "Counter[str]" = Counter()
#: Search requests (prefix typed) sent so far: how many repeat an earlier one is the most any
#: answer cache could serve (each server process has its own, so it serves fewer).
TYPED: set[str] = set()


# -- set-up, in a child process (no gevent) ----------------------------------------------------

def prepare(data_dir: Path, documents: int, entries: int, uploads: int, seed: int, queries: int = 2000) -> dict:
    import extracts as bench_extracts  # bench/extracts.py: the office, its signer, a verified book

    from docsvc.access import system_principal
    from docsvc.accounts.services import create_token, create_user, get_user
    from docsvc.civil import services as civil
    from docsvc.documents.submit import submit_path
    from docsvc.sampledata.documents import generate_documents
    from docsvc.sampledata.files import write_text_pdf
    from docsvc.worker import wait_for_jobs

    assert bench_extracts.SECRET == SECRET
    app, svc = bench_extracts.make_app(data_dir)
    made = bench_extracts.set_up(svc, entries)
    system = system_principal("bench")
    with svc.session_factory() as db:
        create_user(svc, db, system, "vanthu", "pw-vanthu-12345", roles=["clerk"], unit_code="XA-BENCH",
                    full_name="Đỗ Thị Văn Thư")
        db.commit()
        tokens = {"clerk": create_token(svc, db, system, get_user(db, "vanthu")),
                  "keyer": create_token(svc, db, system, get_user(db, "hotich")),
                  "desk": made["token"]}
        db.commit()
    book_id = civil.get_entry(svc, system, made["entry_ids"][0], purpose=_purpose())["book_id"]

    folder = data_dir / "load-documents"
    folder.mkdir()
    words: list[str] = []
    job_ids, doc_ids = [], []
    for i, doc in enumerate(generate_documents(documents, seed=seed)):
        lines = [doc.issuer_name, f"Số: {doc.number:02d}/{doc.symbol}", doc.type_name.upper(), doc.abstract,
                 *doc.body, doc.signer_position, doc.signer_name]
        path = write_text_pdf([_wrap(lines)], folder / f"{i:04d}.pdf")
        sub = submit_path(svc, path, principal=system, unit_code="XA-BENCH")
        job_ids.append(sub.job_id)
        doc_ids.append(sub.document_id)
        words.append(doc.abstract)
    wait_for_jobs(svc, [j for j in job_ids if j], timeout=3600)

    scans = data_dir / "load-uploads"
    scans.mkdir()
    rng = random.Random(seed)
    for i in range(uploads):
        text = rng.choice(words)
        _strip([f"Biên bản số {i + 1}/BB-UBND ngày {1 + i % 28:02d}/05/2026", *_wrap([text], 48)[:4]],
               scans / f"{i:04d}.png")
    svc.close()
    return {"tokens": tokens, "book_id": book_id, "entry_ids": made["entry_ids"], "doc_ids": doc_ids,
            "queries": _queries(words, rng, queries), "uploads": sorted(str(p) for p in scans.iterdir())}


def _purpose():
    from docsvc.audit.personal import parse_purpose

    return parse_purpose("statistics")


def _wrap(lines: list[str], width: int = 90) -> list[str]:
    import textwrap

    return [part for line in lines for part in (textwrap.wrap(line, width) or [""])]


def _strip(lines: list[str], dest: Path) -> None:
    """A page strip as a scanner gives a short note: 200 dpi, a few lines of Vietnamese."""
    from PIL import Image, ImageDraw, ImageFont

    from docsvc.sampledata.render import font_path

    image = Image.new("L", (1654, 120 + 80 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(font_path("liberation-serif")), 40)
    for i, line in enumerate(lines):
        draw.text((80, 60 + i * 80), line, font=font, fill=0)
    image.save(dest, "PNG", dpi=(200, 200))


def _queries(abstracts: list[str], rng: random.Random, count: int = 200) -> list[str]:
    """What people type: two to four consecutive words of the documents' abstracts."""
    out = []
    for _ in range(count):
        words = rng.choice(abstracts).split()
        n = min(len(words), rng.randint(2, 4))
        start = rng.randint(0, max(0, len(words) - n))
        out.append(" ".join(words[start:start + n]).strip(",.;:").lower())
    return out


# -- the processes -------------------------------------------------------------------------------

def _env(data_dir: Path, extra: dict) -> dict:
    return {**os.environ, "DOCSVC_DATA_DIR": str(data_dir), "DOCSVC_SECRET_KEY": SECRET, "DOCSVC_INDEX_PROCS": "1",
            "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(ROOT), **extra}


def start(args: list[str], data_dir: Path, extra: dict, log: Path, *, nice: int = 0) -> subprocess.Popen:
    """``nice``: the worker's OCR may yield the cores to the web server (systemd's ``Nice=``)."""
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "docsvc", *args], env=_env(data_dir, extra), stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True, cwd=str(ROOT),
                                preexec_fn=(lambda: os.nice(nice)) if nice else None)


def wait_for_server(server: subprocess.Popen, base: str, log: Path) -> None:
    import requests

    deadline = time.monotonic() + 180
    while True:
        if server.poll() is not None:
            raise SystemExit("server ended:\n" + log.read_text(errors="replace"))
        try:
            if requests.get(f"{base}/api/v1/openapi.json", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("server did not start:\n" + log.read_text(errors="replace"))
        time.sleep(0.2)


def warm_up(base: str, data: dict) -> None:
    """One entry keyed and one extract issued before measuring: the first of each loads the
    office's signing identity and imports what only they use (a second or more)."""
    import requests

    fields = {"full_name": "Trần Văn Khởi", "sex": 1, "date_of_birth": "2024-03-01", "registered_on": "2024-04-01"}
    answer = requests.post(f"{base}/api/v1/civil/books/{data['book_id']}/entries", json={"fields": fields},
                           headers={"Authorization": f"Bearer {data['tokens']['keyer']}"}, timeout=120)
    assert answer.status_code == 201, answer.text
    body = {"requester": "Người Khởi Động", "id_paper": "CCCD 079000000001", "copies": 1, "purpose": "bench"}
    answer = requests.post(f"{base}/api/v1/civil/entries/{data['entry_ids'][0]}/extracts", json=body,
                           headers={"Authorization": f"Bearer {data['tokens']['desk']}"}, timeout=120)
    assert answer.status_code == 201, answer.text


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of every live process of a process group (the server, or the
    worker and its Tesseract processes)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields[0] is the state; pgrp is the 5th field of stat
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def jobs_done(data_dir: Path, extra: dict) -> dict:
    out = subprocess.run([sys.executable, "-m", "docsvc", "status", "--json"], env=_env(data_dir, extra),
                         capture_output=True, text=True, cwd=str(ROOT), timeout=120)
    if out.returncode:
        return {"error": out.stderr[-500:]}
    status = json.loads(out.stdout)
    return {"queued": status["queue"]["queued"], "running": status["queue"]["running"],
            "failed": status["queue"]["failed"], "documents_done": status["index"]["documents_done"]}


# -- the load ---------------------------------------------------------------------------------

def user_classes(bases: list[str], data: dict, search_rate: float, typists: int, *, mix: bool, rates: dict):
    """The simulated people; typists are shared out among the servers (``--servers``), the
    others use the first one."""
    from urllib.parse import quote

    from locust import FastHttpUser, constant_throughput, task

    queries, uploads = data["queries"], list(data["uploads"])
    sent = SENT  # requests sent per kind (Locust counts only those answered)
    per_typist = search_rate / typists / 2  # each pause sends two requests

    base = bases[0]

    class Typist(FastHttpUser):
        abstract = True
        wait_time = constant_throughput(per_typist)

        def on_start(self):
            self.auth = {"Authorization": f"Bearer {data['tokens']['clerk']}"}
            self.typed: list[str] = []

        @task
        def pause(self):
            if not self.typed:
                query = random.choice(queries)
                self.typed = [query[:i] for i in range(3, len(query), 3)] + [query]
            prefix = self.typed.pop(0)
            q = quote(prefix)
            sent["suggest"] += 1
            self.client.get(f"/api/v1/search/suggest?q={q}", name="suggest", headers=self.auth)
            sent["search"] += 1
            if prefix in TYPED:
                sent["search repeated"] += 1
            TYPED.add(prefix)
            self.client.get(f"/api/v1/search?q={q}&per_page=10", name="search", headers=self.auth)

    typing = [type(f"Typist{i}", (Typist,), {"host": host, "fixed_count": typists // len(bases)
                                                + (i < typists % len(bases))})
              for i, host in enumerate(bases)]
    if not mix:
        return typing

    class Reader(FastHttpUser):
        host = base
        fixed_count = 4
        wait_time = constant_throughput(rates["view"] / 4)

        @task
        def view(self):
            doc_id = random.choice(data["doc_ids"])
            sent["document"] += 1
            self.client.get(f"/api/v1/documents/{doc_id}", name="document",
                            headers={"Authorization": f"Bearer {data['tokens']['clerk']}"})

    class Uploader(FastHttpUser):
        host = base
        fixed_count = 1
        wait_time = constant_throughput(rates["upload"])

        @task
        def upload(self):
            if not uploads:
                return
            path = Path(uploads.pop(0))
            body, boundary = _multipart(path.name, path.read_bytes())
            sent["upload"] += 1
            self.client.post("/api/v1/documents", data=body, name="upload",
                             headers={"Authorization": f"Bearer {data['tokens']['clerk']}",
                                      "Content-Type": f"multipart/form-data; boundary={boundary}"})

    class Keyer(FastHttpUser):
        host = base
        fixed_count = 1
        wait_time = constant_throughput(rates["key"])

        @task
        def key(self):
            i = random.randrange(10**6)
            fields = {"full_name": f"Nguyễn Văn Khóa {i}", "sex": 1 + i % 2, "date_of_birth": "2024-03-02",
                      "registered_on": "2024-04-05", "place_of_birth": "Trạm y tế xã Thử Nghiệm",
                      "ethnicity": "Kinh", "nationality": "Việt Nam", "mother_name": "Lê Thị Hoa",
                      "father_name": "Nguyễn Văn Bình"}
            sent["keying"] += 1
            self.client.post(f"/api/v1/civil/books/{data['book_id']}/entries", json={"fields": fields}, name="keying",
                             headers={"Authorization": f"Bearer {data['tokens']['keyer']}", "X-Purpose": "statistics"})

    class Desk(FastHttpUser):
        host = base
        fixed_count = 1
        wait_time = constant_throughput(rates["extract"])

        @task
        def issue(self):
            i = random.randrange(10**8)
            body = {"requester": f"Người Yêu Cầu {i}", "id_paper": f"CCCD 0790{i:08d}", "copies": 1, "purpose": "bench"}
            sent["extract"] += 1
            self.client.post(f"/api/v1/civil/entries/{random.choice(data['entry_ids'])}/extracts", json=body,
                             name="extract", headers={"Authorization": f"Bearer {data['tokens']['desk']}"})

    return [*typing, Reader, Uploader, Keyer, Desk]


def _multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "docsvc-load-" + os.urandom(8).hex()
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), boundary


def run_phase(classes, seconds: float, pgids: dict) -> dict:
    import gevent
    from locust.env import Environment

    env = Environment(user_classes=classes)
    runner = env.create_local_runner()
    users = sum(c.fixed_count for c in classes)
    cpu_before = {name: group_cpu_seconds(pgid) for name, pgid in pgids.items()}
    own_before = os.times()
    runner.start(users, spawn_rate=users)
    gevent.sleep(2)  # everyone started and warm: then measure
    env.stats.reset_all()
    sent_before = Counter(SENT)
    began = time.perf_counter()
    gevent.sleep(seconds)
    wall = time.perf_counter() - began
    sent = SENT - sent_before
    kinds = {}
    for (name, _method), entry in sorted(env.stats.entries.items()):
        kinds[name] = {
            "requests": entry.num_requests, "errors": entry.num_failures,
            "per_s": round(entry.num_requests / wall, 1),
            "p50_ms": entry.get_response_time_percentile(0.50), "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99), "max_ms": round(entry.max_response_time or 0, 1),
            "mean_ms": round(entry.avg_response_time, 1)}
    repeated = sent.pop("search repeated", 0)
    for name, count in sent.items():  # sent in the phase and not answered by its end (still waiting)
        kinds.setdefault(name, {"requests": 0, "errors": 0, "per_s": 0.0, "p50_ms": 0, "p95_ms": 0, "p99_ms": 0,
                                "max_ms": 0, "mean_ms": 0})["sent"] = count
    search = _combined(env.stats, wall)
    errors = [f"{e.method} {e.name}: {e.error} (×{e.occurrences})" for e in env.stats.errors.values()]
    runner.quit()
    own_after = os.times()
    cpu = {name: round(group_cpu_seconds(pgid) - cpu_before[name], 1) for name, pgid in pgids.items()}
    cpu["load generator"] = round((own_after.user + own_after.system) - (own_before.user + own_before.system), 1)
    answered = sum(k["requests"] for k in kinds.values())
    servers = sum(v for name, v in cpu.items() if name.startswith("server"))
    cpu["server_ms_per_request"] = round(1000 * servers / max(answered, 1), 2)  # what the load does not change
    search["repeated_share"] = round(repeated / max(sent.get("search", 0), 1), 3)
    return {"seconds": round(wall, 1), "kinds": kinds, "search": search, "errors": errors[:10],
            "cpu_seconds": cpu, "load_average": [round(x, 2) for x in os.getloadavg()]}


def _combined(stats, wall: float) -> dict:
    """Suggest and search together: the search-as-you-type traffic the target speaks of."""
    from locust.stats import StatsEntry

    total = StatsEntry(stats, "search-as-you-type", "GET")
    for (name, _method), entry in stats.entries.items():
        if name in SEARCH_KINDS:
            total.extend(entry)
    return {"requests": total.num_requests, "errors": total.num_failures, "per_s": round(total.num_requests / wall, 1),
            "p50_ms": total.get_response_time_percentile(0.50), "p95_ms": total.get_response_time_percentile(0.95),
            "p99_ms": total.get_response_time_percentile(0.99), "max_ms": round(total.max_response_time or 0, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase")
    parser.add_argument("--search-rate", type=float, default=220, help="search requests/s offered (suggest+search)")
    parser.add_argument("--typists", type=int, default=20, help="simulated people typing in the search box")
    parser.add_argument("--view-rate", type=float, default=8, help="document views/s")
    parser.add_argument("--upload-rate", type=float, default=0.5, help="uploads/s")
    parser.add_argument("--key-rate", type=float, default=1, help="entries keyed/s")
    parser.add_argument("--extract-rate", type=float, default=0.5, help="extracts issued/s")
    parser.add_argument("--documents", type=int, default=300, help="documents in the data set")
    parser.add_argument("--entries", type=int, default=200, help="verified entries in the book")
    parser.add_argument("--uploads", type=int, default=60, help="distinct scans to upload")
    parser.add_argument("--queries", type=int, default=2000, help="distinct queries the typists choose from")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads of docsvc serve")
    parser.add_argument("--processes", type=int, default=1, help="processes of one docsvc serve (--processes)")
    parser.add_argument("--servers", type=int, default=1, help="separate docsvc serve commands (typists shared out)")
    parser.add_argument("--ocr-processes", type=int, default=1, help="Tesseract processes of the worker")
    parser.add_argument("--worker-threads", type=int, default=0, help="job slots of the worker (0: its default)")
    parser.add_argument("--worker-nice", type=int, default=0, help="run the worker (and its Tesseract) at this nice")
    parser.add_argument("--database-url", default="", help="e.g. postgresql+psycopg://postgres@127.0.0.1/db "
                                                           "(default: SQLite in the data directory)")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="more settings for the server and the worker (repeatable)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the JSON of the run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load-latest.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.prepare:  # the child: build the data set, print what the load needs
        if args.database_url:
            os.environ["DOCSVC_DATABASE_URL"] = args.database_url
        data = prepare(args.prepare, args.documents, args.entries, args.uploads, args.seed, args.queries)
        (args.prepare / "load.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return

    extra = {"DOCSVC_OCR_PROCESSES": str(args.ocr_processes)}
    if args.worker_threads:
        extra["DOCSVC_WORKER_THREADS"] = str(args.worker_threads)
    if args.database_url:
        extra["DOCSVC_DATABASE_URL"] = args.database_url
    extra.update(dict(item.split("=", 1) for item in args.server_env))
    load_before = [round(x, 2) for x in os.getloadavg()]
    data_dir = Path(tempfile.mkdtemp(prefix="docsvc-bench-load-"))
    processes: list[subprocess.Popen] = []
    try:
        began = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--prepare", str(data_dir), "--documents", str(args.documents),
                        "--entries", str(args.entries), "--uploads", str(args.uploads), "--seed", str(args.seed),
                        "--queries", str(args.queries),
                        *(["--database-url", args.database_url] if args.database_url else [])],
                       env=_env(data_dir, {k: v for k, v in extra.items() if k == "DOCSVC_DATABASE_URL"}),
                       check=True, cwd=str(ROOT))
        data = json.loads((data_dir / "load.json").read_text(encoding="utf-8"))
        setup_s = time.perf_counter() - began

        worker = start(["worker"], data_dir, extra, data_dir / "worker.log", nice=args.worker_nice)
        processes.append(worker)
        pgids = {"worker": worker.pid}
        bases = []
        for i in range(args.servers):  # several processes: each has its own interpreter lock
            port = _free_port()
            bases.append(f"http://127.0.0.1:{port}")
            server = start(["serve", "--port", str(port), "--threads", str(args.threads),
                            "--processes", str(args.processes)], data_dir, extra,
                           data_dir / f"server{i}.log")
            processes.append(server)
            pgids[f"server{i}" if i else "server"] = server.pid
        for i, (server, base) in enumerate(zip(processes[1:], bases)):
            wait_for_server(server, base, data_dir / f"server{i}.log")
        time.sleep(3)  # the index's warm-up (DOCSVC_INDEX_WARM_ON_START) runs in the background at start
        warm_up(bases[0], data)
        rates = {"view": args.view_rate, "upload": args.upload_rate, "key": args.key_rate,
                 "extract": args.extract_rate}
        baseline = run_phase(user_classes(bases, data, args.search_rate, args.typists, mix=False, rates=rates),
                             args.seconds, pgids)
        before_mix = jobs_done(data_dir, extra)
        mix = run_phase(user_classes(bases, data, args.search_rate, args.typists, mix=True, rates=rates),
                        args.seconds, pgids)
        after_mix = jobs_done(data_dir, extra)
    finally:
        for process in reversed(processes):
            _stop(process)
        if args.keep:
            print(f"data directory kept: {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)

    s, b = mix["search"], baseline["search"]
    errors = sum(k["errors"] for k in mix["kinds"].values())
    uploaded = mix["kinds"].get("upload", {}).get("requests", 0)
    run = {
        "bench": "load", "cpus": os.cpu_count(), "setup_seconds": round(setup_s, 1),
        "settings": {"servers": args.servers, "processes": args.processes, "threads": args.threads, "ocr_processes": args.ocr_processes,
                     "worker_threads": args.worker_threads or None,
                     "worker_nice": args.worker_nice, "database": args.database_url or "sqlite",
                     "server_env": args.server_env, "search_rate_offered": args.search_rate, "typists": args.typists,
                     "rates": rates, "documents": args.documents, "entries": args.entries},
        "baseline": baseline, "mix": mix,
        "uploads": {"sent": uploaded, "documents_done_before": before_mix.get("documents_done"),
                    "documents_done_after": after_mix.get("documents_done"), "queue_after": after_mix},
        "ratios": {
            "search_rps_over_target": round(s["per_s"] / TARGET_RPS, 2),
            "target_p99_over_search_p99": round(TARGET_P99_MS / max(s["p99_ms"], 1), 2),
            "mix_rps_over_baseline_rps": round(s["per_s"] / max(b["per_s"], 0.1), 2),
            "mix_p99_over_baseline_p99": round(s["p99_ms"] / max(b["p99_ms"], 1), 2),
        },
        "target": {"search_per_s": TARGET_RPS, "p99_ms": TARGET_P99_MS,
                   "met": s["per_s"] >= TARGET_RPS and s["p99_ms"] <= TARGET_P99_MS and errors == 0},
        "load_average": {"before": load_before},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(run, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(run, ensure_ascii=False, indent=2))
        return
    print(f"{args.servers} × docsvc serve --processes {args.processes} --threads {args.threads}; worker with {args.ocr_processes} OCR process(es), "
          f"nice {args.worker_nice}; "
          f"{run['settings']['database']}; {os.cpu_count()} CPUs; {args.documents} documents; "
          f"{args.search_rate:g} search requests/s offered by {args.typists} typists; {args.seconds:g} s per phase")
    for label, phase in (("baseline (search alone)", baseline), ("mix (with uploads, views, keying, extracts)", mix)):
        print(f"\n{label}: load average {phase['load_average']}, CPU s {phase['cpu_seconds']}")
        print(f"  {'kind':<20}{'sent*':>6}{'answered':>9}{'per s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}"
              f"{'errors':>8}")
        rows = [*phase["kinds"].items(), ("search-as-you-type", phase["search"])]
        for name, k in rows:
            print(f"  {name:<20}{k.get('sent', ''):>6}{k['requests']:>9}{k['per_s']:>8}{k['p50_ms']:>7.0f}{k['p95_ms']:>7.0f}"
                  f"{k['p99_ms']:>7.0f}{k['max_ms']:>8.0f}{k['errors']:>8}")
        print(f"  search requests repeating an earlier one (the most an answer cache could serve): "
              f"{phase['search']['repeated_share']:.0%}")
        for line in phase["errors"]:
            print(f"  error: {line}")
    print("  * sent during the phase; answered: answered during it (some sent before it began)")
    u = run["uploads"]
    print(f"\nuploads sent {u['sent']}; documents read before the mix {u['documents_done_before']}, "
          f"after {u['documents_done_after']}; queue after {u['queue_after']}")
    print(f"ratios: {run['ratios']}")
    print(f"target (≥ {TARGET_RPS} search requests/s, p99 ≤ {TARGET_P99_MS} ms, no errors) met: {run['target']['met']}")
    print(f"written: {args.out}")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    main()
