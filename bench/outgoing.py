"""How long the issuing process takes in the software (issue 14), on SQLite, against the
incoming register's registration in the same process as the baseline.

Builds a fresh app on a temporary data directory, the commune of the tests (office, leaders,
clerk, archivist), and measures, per document, through the use cases:

- the walk of a decision from a PDF draft to release (create, submit, approve, check with the
  automatic form checks, sign — a wet signature — number, release to one commune inside and one
  body outside: an arrival row and an exchange package);
- numbering alone, with four clerks at once (threads), documents already signed: numbers per
  second, and that they came out 1..n with no gap;
- the baseline: one typed registration in the incoming register (``register_incoming``).

Prints each figure and its ratio to the baseline.

    python bench/outgoing.py [--count 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="documents per measure")
    args = parser.parse_args()
    from docsvc.incoming.services import register_incoming
    from docsvc.outgoing import drafts
    from docsvc.outgoing.services import transition
    from tests.backends import at_once, make_app
    from tests.conftest import Accounts
    from tests.outgoing.conftest import Org, draft, walk

    with tempfile.TemporaryDirectory(prefix="docsvc-outgoing-bench-") as tmp:
        app = make_app(Path(tmp), None)
        services = app.extensions["docsvc"]
        accounts = Accounts(services)
        org = Org(services, accounts)
        for i in range(4):
            accounts.user(f"vt{i}", "clerk", unit="XA-A", clearance=2)
        clerks = [accounts.principal(f"vt{i}") for i in range(4)]
        pdf = drafts.decision_pdf(issuer_name="Ủy ban nhân dân xã A", place="A")

        base = []
        for i in range(args.count):
            start = time.perf_counter()
            register_incoming(services, org["vanthu"], {
                "number": str(i + 1), "symbol": "CV-STP", "issuer": "Sở Tư pháp", "abstract": f"Việc {i}",
                "doc_type": "Công văn", "issued_on": "2026-01-02", "arrived_at": "2026-01-05T09:00"})
            base.append(time.perf_counter() - start)

        walks = []
        for _ in range(args.count):
            start = time.perf_counter()
            doc_id = draft(services, org, file=pdf)["id"]
            walk(services, org, doc_id, "release")
            walks.append(time.perf_counter() - start)

        signed = []
        for _ in range(args.count):
            doc_id = draft(services, org, file=pdf)["id"]
            walk(services, org, doc_id, "sign")
            signed.append(doc_id)
        start = time.perf_counter()
        results = at_once([lambda d=d, i=i: transition(services, clerks[i % 4], d, "number")
                           for i, d in enumerate(signed)])
        numbering = time.perf_counter() - start
        errors = [r for r in results if isinstance(r, Exception)]
        seqs = sorted(r["seq"] for r in results if not isinstance(r, Exception))
        expected = list(range(args.count + 1, 2 * args.count + 1))   # after the walks' numbers
        services.close()

    b, w = statistics.median(base), statistics.median(walks)
    print(f"baseline, one incoming registration: median {b * 1000:.1f} ms")
    print(f"decision draft → release (7 steps, 2 recipients): median {w * 1000:.0f} ms, "
          f"p95 {sorted(walks)[int(0.95 * (len(walks) - 1))] * 1000:.0f} ms; ratio to baseline {w / b:.1f}")
    print(f"numbering, 4 clerks at once: {len(seqs) / numbering:.0f} numbers/s "
          f"({numbering / len(signed) * 1000:.1f} ms each, {(numbering / len(signed)) / b:.1f}× a registration); "
          f"errors {len(errors)}; gap-free {seqs == expected}")


if __name__ == "__main__":
    main()
