"""The incoming register's registration rate on SQLite (issue 13 "Done when": at least 200
registrations per second), for ``bench/reports.py`` (another helper's) and on its own.

``registrations_per_second(n=2000)`` builds a fresh app on a temporary data directory (SQLite,
migrated as ``docsvc init`` does), a commune with a clerk, and registers ``n`` typed documents
one after another through the use case ``docsvc.incoming.services.register_incoming`` (each
its own transaction: checks, the repeat lookup, the next arrival number, the row, the audit
record, the commit); returns registrations per second over the wall time of the loop, and
checks that the numbers came out 1..n.

    python bench/incoming_rate.py [--count 2000] [--profile]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _setup(data_dir: Path):
    from archive.migrate import upgrade
    from docsvc import create_app
    from docsvc.access import principal_for, system_principal
    from docsvc.accounts.bootstrap import ensure_root_unit
    from docsvc.accounts.services import create_unit, create_user, get_user

    app = create_app({"DATA_DIR": data_dir, "SECRET_KEY": "bench-incoming", "TESTING": True, "INDEX_PROCS": 1})
    services = app.extensions["docsvc"]
    upgrade(services.engine)
    ensure_root_unit(services)
    system = system_principal("bench")
    with services.session_factory() as db:
        create_unit(services, db, system, "XA-BENCH", "Ủy ban nhân dân xã Bench", parent_code="UBND", kind="commune")
        create_user(services, db, system, "vanthu", "bench-password-1", roles=("clerk",), unit_code="XA-BENCH",
                    clearance=1, full_name="Văn thư")
        db.commit()
        principal = principal_for(db, get_user(db, "vanthu"))
    return services, principal


def _data(i: int) -> dict:
    return {"number": str(i + 1), "symbol": "CV-UBND" if i % 3 else "KH-UBND", "doc_type": "Công văn",
            "issuer": f"Ủy ban nhân dân huyện {i % 17}", "issued_on": "2026-01-02",
            "abstract": f"Về việc triển khai nhiệm vụ số {i + 1}", "arrived_at": "2026-01-05T09:00",
            "urgency": ("normal", "khan", "thuong_khan", "hoa_toc")[i % 4]}


def registrations_per_second(n: int = 2000) -> float:
    """Registrations per second of ``n`` typed documents on a fresh SQLite app."""
    from docsvc.incoming.services import list_incoming, register_incoming

    with tempfile.TemporaryDirectory(prefix="docsvc-incoming-bench-") as tmp:
        services, principal = _setup(Path(tmp) / "var")
        try:
            data = [_data(i) for i in range(n)]
            start = time.perf_counter()
            numbers = [register_incoming(services, principal, d)["arrival_number"] for d in data]
            elapsed = time.perf_counter() - start
            assert numbers == list(range(1, n + 1)), "arrival numbers with a gap or a repeat"
            assert len(list_incoming(services, principal, year=2026, limit=5000)) == n
        finally:
            services.close()
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="print the use case's profile (cProfile)")
    args = parser.parse_args()
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        rate = profile.runcall(registrations_per_second, args.count)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
    else:
        rate = registrations_per_second(args.count)
    print(f"{args.count} registrations on SQLite: {rate:.0f} registrations/s (target ≥ 200)")


if __name__ == "__main__":
    main()
