"""Issuing certified extracts over HTTP against a running ``docsvc serve`` (issue 12 §7).

Set-up, on a fresh temporary data directory and before the server starts, through the use
cases themselves: an office (XA-BENCH) with a one-stop officer, two civil-status officers, a
chairman on its list of signers, a local CA and the office's certificate; a birth book with
``--entries`` (default: ``--count``) verified entries; an API token for the one-stop officer.

Then ``python -m docsvc serve`` on loopback (its own process, a free port, waited for by
polling ``/api/v1/openapi.json``), and ``--count`` extracts (default 200) issued with
``POST /api/v1/civil/entries/{id}/extracts`` from ``--clients`` threads at once (default 4),
each with its own keep-alive connection. For every answer: the client's round trip and the
server's ``Server-Timing`` (its steps and ``total``, the route's own time).

Baseline, in this process on the same data directory once the server has stopped: the same
use case (``issue_extract``) called directly ``--baseline`` times one after another (no HTTP,
no JSON), and the PDF alone: rendering and signing an extract in memory.

Prints p50/p95/p99 of the server time and of the round trip, throughput (extracts/s over the
wall time of the whole run), the mean and p95 of each step, the baselines and the ratios, the
load average (the machine is shared); checks that the numbers issued are 1..count without a
gap. ``--json`` prints the JSON of the run; it is written to ``--out``
(default bench/results/extracts-run1.json).

    python bench/extracts.py [--count 200] [--clients 4] [--server-threads 4] [--baseline 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import requests  # noqa: E402

SECRET = "bench-extracts-secret"
STEPS = ("check", "number", "pdf", "sign", "store", "register", "log", "commit")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(rank) - 1]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "mean": round(statistics.fmean(values), 2), "p50": round(percentile(values, 50), 2),
            "p95": round(percentile(values, 95), 2), "p99": round(percentile(values, 99), 2),
            "max": round(max(values), 2)}


def parse_server_timing(header: str) -> dict[str, float]:
    out = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        if rest.startswith("dur="):
            out[name] = float(rest[4:])
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- set-up through the use cases ---------------------------------------------------------------

def make_app(data_dir: Path):
    from archive.migrate import upgrade
    from docsvc import create_app
    from docsvc.accounts.bootstrap import ensure_root_unit
    from docsvc.finding.indexing import ensure_index

    app = create_app({"DATA_DIR": data_dir, "SECRET_KEY": SECRET, "INDEX_PROCS": 1}, web=False)
    svc = app.extensions["docsvc"]
    upgrade(svc.engine)
    ensure_root_unit(svc)
    ensure_index(svc, background=False)
    return app, svc


def set_up(svc, entries: int) -> dict:
    from docsvc.access import principal_for, system_principal
    from docsvc.accounts.services import create_token, create_unit, create_user, get_user
    from docsvc.civil import services as civil
    from docsvc.extracts import services as extracts
    from docsvc.extracts.signing import make_local_authority, make_office_pkcs12

    system = system_principal("bench")
    with svc.session_factory() as db:
        create_unit(svc, db, system, "XA-BENCH", "Ủy ban nhân dân xã Thử Nghiệm", parent_code="UBND", kind="commune")
        for name, role, full in (("motcua", "one_stop", "Phạm Thu Một Cửa"), ("hotich", "civil_status", "Trần Thị Hộ"),
                                 ("hotich2", "civil_status", "Lê Văn Kiểm"), ("chutich", "leader", "Nguyễn Văn Chủ")):
            create_user(svc, db, system, name, f"pw-{name}-12345", roles=[role], unit_code="XA-BENCH", full_name=full)
        db.commit()
        token = create_token(svc, db, system, get_user(db, "motcua"))
        db.commit()

    def person(name):
        with svc.session_factory() as db:
            return principal_for(db, get_user(db, name), via="bench")

    passphrase = b"bench-pass"
    ca = make_local_authority("CA thử nghiệm (bench)")
    extracts.install_certificate(svc, system, "XA-BENCH", p12=make_office_pkcs12("UBND xã Thử Nghiệm", passphrase,
                                                                                   authority=ca),
                                 passphrase=passphrase)
    extracts.set_signer(svc, system, "XA-BENCH", username="chutich", title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    keyer, checker = person("hotich"), person("hotich2")
    book = civil.add_book(svc, keyer, office_code="XA-BENCH", kind="birth", year_from=2024, label="01/2024")
    given = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Ngọc", "Phúc", "Quỳnh", "Sơn", "Thảo")
    middle = ("Văn", "Thị", "Hữu", "Ngọc", "Đức", "Thu")
    family = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
    ids = []
    for i in range(entries):
        name = f"{family[i % len(family)]} {middle[(i // 3) % len(middle)]} {given[(i * 7) % len(given)]}"
        day = 1 + i % 28
        fields = {"full_name": name, "sex": 1 + i % 2, "date_of_birth": f"{day:02d}/03/2024",
                  "registered_on": f"2024-04-{day:02d}", "place_of_birth": "Trạm y tế xã Thử Nghiệm",
                  "ethnicity": "Kinh", "nationality": "Việt Nam", "mother_name": f"Lê Thị {given[i % len(given)]}",
                  "father_name": f"{family[i % len(family)]} Văn {given[(i + 3) % len(given)]}"}
        entry = civil.create_entry(svc, keyer, book["id"], fields)
        ids.append(civil.verify_entry(svc, checker, entry["id"])["id"])
    return {"token": token, "entry_ids": ids, "ca": ca[0]}


# -- the server ------------------------------------------------------------------------------------

def start_server(data_dir: Path, threads: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "DOCSVC_DATA_DIR": str(data_dir), "DOCSVC_SECRET_KEY": SECRET, "DOCSVC_INDEX_PROCS": "1",
           "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(ROOT)}
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "docsvc", "serve", "--port", str(port), "--threads",
                                   str(threads)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True, cwd=str(ROOT))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        if server.poll() is not None:
            raise SystemExit("server ended:\n" + log.read_text(errors="replace"))
        try:
            if requests.get(f"{base}/api/v1/openapi.json", timeout=5).status_code == 200:
                return server, base
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise SystemExit("server did not start:\n" + log.read_text(errors="replace"))
        time.sleep(0.2)


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def issue_over_http(base: str, token: str, entry_ids: list[int], count: int, clients: int,
                    rate: float | None = None) -> tuple[list[dict], float]:
    """``count`` issues from ``clients`` threads; each result: round trip, Server-Timing, number.
    ``rate`` (extracts/s): requests leave at that pace (the i-th at start + i/rate, as desks
    would send them) instead of each client sending its next one as soon as it has an answer;
    latency is then measured at a given load rather than at saturation."""
    results: list[dict] = []
    t0: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    next_index = iter(range(count))
    start = threading.Barrier(clients + 1)

    def client() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        start.wait()
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            if rate:
                delay = t0[0] + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            body = {"requester": f"Người Yêu Cầu {i}", "id_paper": f"CCCD 0790{i:08d}", "copies": 1 + i % 3,
                    "purpose": "bench"}
            began = time.perf_counter()
            answer = session.post(f"{base}/api/v1/civil/entries/{entry_ids[i % len(entry_ids)]}/extracts", json=body,
                                  timeout=120)
            round_trip = (time.perf_counter() - began) * 1000
            if answer.status_code != 201:
                with lock:
                    errors.append(f"{answer.status_code} {answer.text[:300]}")
                continue
            with lock:
                results.append({"round_trip": round_trip, "timing": parse_server_timing(answer.headers["Server-Timing"]),
                                "number": answer.json()["number"]})

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    t0.append(time.perf_counter())
    start.wait()
    began = t0[0]
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    if errors:
        raise SystemExit(f"{len(errors)} issues failed, first: {errors[0]}")
    return results, wall


# -- the baselines ---------------------------------------------------------------------------------

def baseline_use_case(svc, entry_ids: list[int], times: int) -> list[float]:
    from docsvc.access import principal_for
    from docsvc.accounts.services import get_user
    from docsvc.extracts import services as extracts

    with svc.session_factory() as db:
        officer = principal_for(db, get_user(db, "motcua"), via="bench")
    out = []
    for i in range(times):
        began = time.perf_counter()
        extracts.issue_extract(svc, officer, entry_ids[i % len(entry_ids)],
                               extracts.IssueRequest.parse(f"Cơ Sở {i}", f"CCCD {i:012d}", 1, None, "bench"))
        out.append((time.perf_counter() - began) * 1000)
    return out


def baseline_pdf(times: int) -> tuple[list[float], list[float]]:
    """Render and sign one extract in memory: (render ms, sign ms) per try."""
    import datetime

    from docsvc.extracts import document, signing

    identity = signing.load_identity(signing.make_office_pkcs12("UBND xã Thử Nghiệm", b"p"), b"p")
    fields = (("Họ, chữ đệm, tên", "NGUYỄN VĂN AN"), ("Ngày, tháng, năm sinh", "01/03/2024"), ("Giới tính", "Nam"),
              ("Dân tộc", "Kinh"), ("Quốc tịch", "Việt Nam"), ("Nơi sinh", "Trạm y tế xã Thử Nghiệm"),
              ("Họ, chữ đệm, tên người mẹ", "Lê Thị Bình"), ("Họ, chữ đệm, tên người cha", "Nguyễn Văn Cường"))
    content = document.ExtractContent(
        kind="birth", office_lines=("ỦY BAN NHÂN DÂN", "XÃ THỬ NGHIỆM"), number="1/TLKS-BS", fields=fields,
        registration="Đã đăng ký khai sinh tại Ủy ban nhân dân xã Thử Nghiệm, số 01, quyển số 01/2024, ngày 05/03/2024.",
        notes=(), place="Xã Thử Nghiệm", issued_on=datetime.date(2026, 3, 5), signer_title=("CHỦ TỊCH",),
        signer_name="Nguyễn Văn Chủ", verify_url="http://127.0.0.1:5000/verify/AAAAAAAAAAAAAAAAAAAAAA")
    render, sign = [], []
    for _ in range(times):
        began = time.perf_counter()
        pdf = document.render_extract(content)
        mid = time.perf_counter()
        signing.sign_pdf(pdf, identity, location="Xã Thử Nghiệm")
        render.append((mid - began) * 1000)
        sign.append((time.perf_counter() - mid) * 1000)
    return render, sign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="extracts issued over HTTP")
    parser.add_argument("--clients", type=int, default=4, help="client threads at once")
    parser.add_argument("--rate", type=float, default=None,
                        help="send at this many extracts/s (default: as fast as the clients get answers)")
    parser.add_argument("--entries", type=int, default=None, help="verified entries (default: --count)")
    parser.add_argument("--server-threads", type=int, default=4, help="waitress threads of the server")
    parser.add_argument("--baseline", type=int, default=30, help="in-process issues and PDF renderings")
    parser.add_argument("--warmup", type=int, default=4, help="issues over HTTP before measuring (not counted)")
    parser.add_argument("--json", action="store_true", help="print the JSON of the run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extracts-run1.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()
    entries = args.entries or args.count

    load_before = os.getloadavg()
    data_dir = Path(tempfile.mkdtemp(prefix="docsvc-bench-extracts-"))
    server = None
    try:
        began = time.perf_counter()
        app, svc = make_app(data_dir)
        made = set_up(svc, entries)
        svc.close()
        setup_s = time.perf_counter() - began
        server, base = start_server(data_dir, args.server_threads, data_dir / "server.log")
        if args.warmup:
            issue_over_http(base, made["token"], made["entry_ids"], args.warmup, 1)
        results, wall = issue_over_http(base, made["token"], made["entry_ids"], args.count, args.clients,
                                        args.rate)
        load_during = os.getloadavg()
        stop_server(server)
        server = None

        numbers = sorted(int(r["number"].split("/")[0]) for r in results)
        first = args.warmup + 1
        gap_free = numbers == list(range(first, first + args.count))

        app, svc = make_app(data_dir)
        use_case = baseline_use_case(svc, made["entry_ids"], args.baseline)
        render, sign = baseline_pdf(args.baseline)
        svc.close()

        server_total = [r["timing"]["total"] for r in results]
        round_trip = [r["round_trip"] for r in results]
        steps = {name: summary([r["timing"].get(name, 0.0) for r in results]) for name in STEPS}
        pdf_alone = [a + b for a, b in zip(render, sign)]
        run = {
            "bench": "extracts", "count": args.count, "clients": args.clients, "rate": args.rate, "server_threads": args.server_threads,
            "entries": entries, "cpus": os.cpu_count(), "setup_seconds": round(setup_s, 1),
            "server_ms": summary(server_total), "round_trip_ms": summary(round_trip),
            "throughput_per_s": round(args.count / wall, 2), "wall_seconds": round(wall, 2),
            "steps_ms": steps,
            "baseline": {
                "use_case_ms": summary(use_case),
                "render_ms": summary(render), "sign_ms": summary(sign), "pdf_render_and_sign_ms": summary(pdf_alone),
            },
            "ratios": {
                "server_p50_over_use_case_p50": round(percentile(server_total, 50) / percentile(use_case, 50), 2),
                "round_trip_p50_over_server_p50": round(percentile(round_trip, 50) / percentile(server_total, 50), 2),
                "pdf_share_of_server_p50": round(percentile(pdf_alone, 50) / percentile(server_total, 50), 2),
            },
            "numbers_gap_free": gap_free,
            "target": {"server_p95_ms": 250, "throughput_per_s": 10,
                       "met": percentile(server_total, 95) <= 250 and args.count / wall >= 10},
            "load_average": {"before": [round(x, 2) for x in load_before],
                             "during": [round(x, 2) for x in load_during]},
        }
    finally:
        if server is not None:
            stop_server(server)
        if args.keep:
            print(f"data directory kept: {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(run, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(run, ensure_ascii=False, indent=2))
        return
    s, r = run["server_ms"], run["round_trip_ms"]
    print(f"{args.count} extracts over HTTP, {args.clients} clients, server threads {args.server_threads}, "
          f"{os.cpu_count()} CPUs; load average before {run['load_average']['before']}, "
          f"during {run['load_average']['during']}")
    print(f"server time (Server-Timing total): p50 {s['p50']} ms  p95 {s['p95']} ms  p99 {s['p99']} ms  "
          f"max {s['max']} ms")
    print(f"round trip (client):               p50 {r['p50']} ms  p95 {r['p95']} ms  p99 {r['p99']} ms")
    print(f"throughput: {run['throughput_per_s']} extracts/s ({run['wall_seconds']} s)")
    print("steps (mean / p95 ms): " + ", ".join(f"{k} {v['mean']}/{v['p95']}" for k, v in steps.items()))
    b = run["baseline"]
    print(f"baseline in process: use case p50 {b['use_case_ms']['p50']} ms; render {b['render_ms']['p50']} ms "
          f"+ sign {b['sign_ms']['p50']} ms")
    print(f"ratios: {run['ratios']}")
    print(f"numbers gap-free: {gap_free}; target (p95 ≤ 250 ms, ≥ 10/s) met: {run['target']['met']}")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
