"""Cost of the audit trail: append N chained records (one transaction each, as the service
does) and verify the chain; baseline: the same rows inserted without the chain, in the same
process, on the same kind of database.

    python bench/audit.py [--records 100000] [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from archive.audit import Actor, AuditRecord, append, verify_chain  # noqa: E402
from archive.db import make_engine, make_session_factory  # noqa: E402,F401
from archive.migrate import upgrade  # noqa: E402

KEY = b"bench-key"


def _rows(n: int):
    for i in range(n):
        yield (Actor(id=i % 50 + 1, name=f"user{i % 50}", ip="10.1.2.3"),
               "document.view" if i % 3 else "document.create", "document", i % 5000,
               {"id": i % 5000, "status": "done", "pages": 3})


def bench_chain(url: str, n: int) -> dict:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    start = time.perf_counter()
    for actor, action, otype, oid, state in _rows(n):
        with engine.begin() as conn:  # one transaction per record, as a use case commits
            append(conn, KEY, actor, action, object_type=otype, object_id=oid, state=state)
    append_s = time.perf_counter() - start
    start = time.perf_counter()
    with factory() as session:
        report = verify_chain(session, KEY)
    verify_s = time.perf_counter() - start
    engine.dispose()
    assert report.intact and report.checked == n, report
    return {"append_per_s": n / append_s, "verify_per_s": n / verify_s}


def bench_plain(url: str, n: int) -> dict:
    """The same rows, one transaction each, no head row, no hash: what the chain adds to."""
    engine = make_engine(url)
    upgrade(engine)
    statement = insert(AuditRecord.__table__)
    start = time.perf_counter()
    for i, (actor, action, otype, oid, state) in enumerate(_rows(n), start=1):
        with engine.begin() as conn:
            conn.execute(statement, dict(
                seq=i, at=datetime.now(timezone.utc), actor_id=actor.id, actor=actor.name, action=action,
                object_type=otype, object_id=str(oid), ip=actor.ip, state_digest=None, details=None,
                prev_hash="", hash=""))
    elapsed = time.perf_counter() - start
    engine.dispose()
    return {"insert_per_s": n / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temp dir")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        chain_url = args.database_url or f"sqlite:///{tmp}/chain.db"
        plain_url = args.database_url or f"sqlite:///{tmp}/plain.db"
        if args.database_url:
            sys.exit("use a fresh database per run; only the SQLite default is automated")
        plain = bench_plain(plain_url, args.records)
        chain = bench_chain(chain_url, args.records)
    result = {
        "records": args.records,
        "append_records_per_s": round(chain["append_per_s"]),
        "verify_records_per_s": round(chain["verify_per_s"]),
        "baseline_plain_insert_per_s": round(plain["insert_per_s"]),
        "append_vs_plain_insert": round(chain["append_per_s"] / plain["insert_per_s"], 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
