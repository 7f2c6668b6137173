"""The on-time report over a district's ten years (issue 13 "Done when").

Builds a fresh database (SQLite in a temporary data directory; ``--postgres`` a fresh
PostgreSQL database instead) migrated by the real migrations, with a district office, six
handling units with five people each and twelve procedures in six fields, then
``--dossiers`` dossiers (default 1,000,000) and ``--documents`` registered incoming
documents (default half as many: with their main, forwarded, cooperating and information
assignments about 0.8 assignments each... see the printed counts) over ``--years`` years up
to today, through docsvc.reports.sample's bulk path (``events=False``: no trace rows, which
the report does not read). Prints how long the load took and its rate.

Then times the report use case (``docsvc.reports.services.on_time``, as the district's
leader: scope filter included) for each grouping — unit, field, person, period — over the
last full quarter, the last year and the whole span: ``--runs`` runs each (default 20), p50
and p95 in milliseconds, against the target p95 ≤ 1000 ms. And the registration rate of
``bench/incoming_rate.py``'s ``registrations_per_second()`` when that module exists ("not
available" otherwise).

Writes the JSON result to ``--out`` (default bench/results/reports-<n>.json).

    python bench/reports.py [--dossiers 1000000] [--documents N] [--years 10] [--runs 20] [--postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from sqlalchemy import create_engine, text  # noqa: E402

GROUPS = ("unit", "field", "person", "period")
FIELDS = (("Hộ tịch", 1), ("Hộ tịch", 3), ("Chứng thực", 1), ("Chứng thực", 1), ("Đất đai", 10), ("Đất đai", 20),
          ("Kinh doanh", 3), ("Kinh doanh", 5), ("Xây dựng", 15), ("Xây dựng", 12), ("Lao động - Thương binh", 7),
          ("Lao động - Thương binh", 10))
POSTGRES = os.environ.get("DOCSVC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def _database(args, data_dir: Path) -> str:
    if not args.postgres:
        return f"sqlite:///{data_dir / 'bench.db'}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"docsvc_bench_reports_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    args.pg_name = name
    return admin.url.set(database=name).render_as_string(hide_password=False)


def _organisation(svc):
    """The district office, its units and people, its procedures (as sample.Procedure)."""
    from archive.dossiers import Procedure
    from docsvc.access import principal_for, system_principal
    from docsvc.accounts.bootstrap import ensure_root_unit
    from docsvc.accounts.services import create_unit, create_user
    from docsvc.reports import sample

    ensure_root_unit(svc)
    system = system_principal("bench")
    with svc.session_factory() as db:
        office = create_unit(svc, db, system, "HUYEN-BENCH", "UBND huyện (bench)", parent_code="UBND", kind="unit")
        units: dict[int, tuple[int, ...]] = {}
        for u in range(6):
            unit = create_unit(svc, db, system, f"HB-{u}", f"Phòng {u + 1}", parent_code="HUYEN-BENCH", kind="department")
            people = [create_user(svc, db, system, f"cv{u}-{p}", "bench-password-1", roles=["specialist"],
                                  unit_code=unit.code, full_name=f"Chuyên viên {u}.{p}") for p in range(5)]
            db.flush()
            units[unit.id] = tuple(p.id for p in people)
        clerk = create_user(svc, db, system, "vanthu-bench", "bench-password-1", roles=["clerk"], unit_code="HUYEN-BENCH")
        leader = create_user(svc, db, system, "lanhdao-bench", "bench-password-1", roles=["leader"],
                             unit_code="HUYEN-BENCH")
        db.flush()
        unit_ids = list(units)
        procedures = []
        for i, (field, days) in enumerate(FIELDS):
            unit_id = unit_ids[i % len(unit_ids)]
            row = Procedure(code=f"B-{i:02d}", name=f"Thủ tục {i}", field=field, working_days=days,
                            handling_unit_id=unit_id)
            db.add(row)
            db.flush()
            procedures.append(sample.Procedure(row.id, field, days, unit_id, units[unit_id]))
        db.commit()
        return office.id, clerk.id, principal_for(db, leader, via="bench"), leader.id, units, procedures


def reuse(svc) -> dict:
    """An earlier run's database (``--keep``, then ``--reuse``): its leader, span and counts."""
    from sqlalchemy import func, select

    from archive.accounts import User
    from archive.dossiers import Dossier
    from docsvc.access import principal_for
    from docsvc.dates import local_now
    from docsvc.reports.sample import _Writer

    with svc.session_factory() as db:
        leader = principal_for(db, db.scalar(select(User).where(User.username == "lanhdao-bench")), via="bench")
        start = db.scalar(select(func.min(Dossier.received_on)))
        written = {m.__tablename__: db.scalar(select(func.count()).select_from(m)) for m in _Writer.ORDER}
    return {"leader": leader, "today": local_now(svc.settings.time_zone).date(), "start": date(start.year, start.month, 1),
            "written": written, "load_seconds": None, "rows_per_second": None}


def load(svc, args) -> dict:
    from docsvc.calendar.services import calendar_for
    from docsvc.dates import local_now
    from docsvc.reports import sample

    office, clerk, leader, leader_id, units, procedures = _organisation(svc)
    today = local_now(svc.settings.time_zone).date()
    start = date(today.year - args.years, today.month, 1)
    calendar = calendar_for(svc, office)
    began = time.perf_counter()
    written: dict[str, int] = {}
    slices = max(1, args.years)            # one transaction per slice of the span, to keep memory flat
    span = (today - start).days
    for i in range(slices):
        a = start + timedelta(days=span * i // slices)
        b = start + timedelta(days=span * (i + 1) // slices - 1) if i < slices - 1 else today
        plan = sample.Plan(office_id=office, agency_code="H99.99", clerk_id=clerk, leader_id=leader_id, units=units,
                           procedures=procedures, calendar=calendar, start=a, end=b, today=today, seed=args.seed + i,
                           dossiers=args.dossiers // slices, documents=args.documents // slices, events=False,
                           time_zone=svc.settings.time_zone)
        with svc.session_factory() as db:
            for table, n in sample.write_workflows(db, plan).items():
                written[table] = written.get(table, 0) + n
            db.commit()
        print(f"  {b}: {sum(written.values()):,} rows, {time.perf_counter() - began:.0f} s", flush=True)
    seconds = time.perf_counter() - began
    with svc.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return {"leader": leader, "today": today, "start": start, "written": written, "load_seconds": round(seconds, 1),
            "rows_per_second": round(sum(written.values()) / seconds)}


def time_reports(svc, loaded: dict, runs: int) -> dict:
    from docsvc.reports.services import on_time, presets

    today = loaded["today"]
    periods = {"quarter": presets(today)["last_quarter"], "year": (today - timedelta(days=365), today),
               "all": (loaded["start"], today)}
    result: dict = {}
    for span, (a, b) in periods.items():
        for group in GROUPS:
            times, report = [], None
            for _ in range(runs):
                began = time.perf_counter()
                report = on_time(svc, loaded["leader"], start=a, end=b, group=group, kind="all", today=today)
                times.append((time.perf_counter() - began) * 1000)
            entry = {"from": a.isoformat(), "to": b.isoformat(), "runs": runs, "rows": len(report["rows"]),
                     "p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1),
                     "mean_ms": round(statistics.fmean(times), 1), "received": report["total"]["received"],
                     "resolved": report["total"]["resolved"]}
            result[f"{span}/{group}"] = entry
            ok = "ok" if entry["p95_ms"] <= 1000 else "OVER 1 s"
            print(f"  {span:8} {group:7} {a}..{b}  rows {entry['rows']:3}  received {entry['received']:>9,}  "
                  f"p50 {entry['p50_ms']:7.1f} ms  p95 {entry['p95_ms']:7.1f} ms  {ok}", flush=True)
        if span == "all":
            result["summary_all"] = report["summary"]
    return result


def registration_rate() -> dict | None:
    try:
        sys.path.insert(0, str(ROOT / "bench"))
        from incoming_rate import registrations_per_second  # type: ignore[import-not-found]
    except ImportError:
        return None
    value = registrations_per_second()
    return value if isinstance(value, dict) else {"registrations_per_second": value}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=None, help="default: half the dossiers")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--postgres", action="store_true", help="a fresh PostgreSQL database instead of SQLite")
    parser.add_argument("--no-rate", action="store_true", help="skip the registration rate")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite database (its path is printed)")
    parser.add_argument("--reuse", type=Path, default=None, help="time the report on a kept SQLite database")
    args = parser.parse_args(argv)
    args.documents = args.dossiers // 2 if args.documents is None else args.documents
    from archive.migrate import upgrade
    from docsvc import create_app

    data_dir = args.reuse.parent if args.reuse else Path(tempfile.mkdtemp(prefix="bench-reports-"))
    url = f"sqlite:///{args.reuse}" if args.reuse else _database(args, data_dir)
    args.keep = args.keep or args.reuse is not None
    app = create_app({"DATA_DIR": data_dir / "var", "DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
    svc = app.extensions["docsvc"]
    try:
        upgrade(svc.engine)
        if args.reuse:
            loaded = reuse(svc)
            args.dossiers, args.documents = loaded["written"]["dossiers"], loaded["written"]["incoming_documents"]
        else:
            print(f"Loading {args.dossiers:,} dossiers and {args.documents:,} documents over {args.years} years "
                  f"({svc.engine.dialect.name}) ...", flush=True)
            loaded = load(svc, args)
        written = loaded["written"]
        if loaded["load_seconds"] is not None:
            print(f"Loaded {sum(written.values()):,} rows in {loaded['load_seconds']} s "
                  f"({loaded['rows_per_second']:,} rows/s): {written}", flush=True)
        else:
            print(f"Reusing {args.reuse}: {written}", flush=True)
        print(f"Report, {args.runs} runs per grouping and period (as the district's leader):", flush=True)
        timings = time_reports(svc, loaded, args.runs)
        worst = max(v["p95_ms"] for k, v in timings.items() if k != "summary_all")
        print(f"Worst p95: {worst:.1f} ms (target ≤ 1000 ms): {'ok' if worst <= 1000 else 'OVER'}")
        print(f"Ten years: {timings['summary_all']}")
        rate = None if args.no_rate else registration_rate()
        print("Registration rate: " + (json.dumps(rate, ensure_ascii=False) if rate else "not available "
                                       "(bench/incoming_rate.py is not there)"))
        size = (data_dir / (args.reuse.name if args.reuse else "bench.db")).stat().st_size if not args.postgres else None
        if args.reuse:
            print("(a kept database: the load figures are those of the run that made it)")
        result = {"database": svc.engine.dialect.name, "dossiers": args.dossiers, "documents": args.documents,
                  "years": args.years, "written": written, "load_seconds": loaded["load_seconds"],
                  "load_rows_per_second": loaded["rows_per_second"], "database_bytes": size, "report": timings,
                  "worst_p95_ms": worst, "registration_rate": rate, "load_average": os.getloadavg()}
        out = args.out or ROOT / "bench" / "results" / (
            f"reports-{args.dossiers // 1000}k{'-pg' if args.postgres else ''}.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"Written {out}")
        return 0 if worst <= 1000 else 1
    finally:
        svc.close()
        if args.keep:
            print(f"Kept {url}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
        if args.postgres:
            with create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{args.pg_name}"'))


if __name__ == "__main__":
    sys.exit(main())
