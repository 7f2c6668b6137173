"""Time one tree's on-time report code on a database kept by ``bench/reports.py --keep``
(no migration run: an older tree reads it as it is), and write its reports, so that two trees
(before and after a change) can be compared on the same data and checked for identical results:

    PYTHONPATH=OLD python bench/reports_before_after.py OLD path/to/bench.db 10
    PYTHONPATH=NEW python bench/reports_before_after.py NEW path/to/bench.db 10

Each writes /tmp/rollup-bench/compare-{main|rollup}.json (quarter and year: one run, the
whole span: RUNS runs)."""
import json
import sys
import time
from datetime import timedelta
which, db, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, which)
from pathlib import Path
from docsvc import create_app
sys.path.insert(0, str(Path(which) / "bench"))
import reports as bench  # bench/reports.py of that tree
from docsvc.reports.services import on_time, presets
app = create_app({"DATA_DIR": Path(db).parent / "var", "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "b", "TESTING": True})
svc = app.extensions["docsvc"]
loaded = bench.reuse(svc)
today = loaded["today"]
periods = {"quarter": presets(today)["last_quarter"], "year": (today - timedelta(days=365), today), "all": (loaded["start"], today)}
out = {}
for span, (a, b) in periods.items():
    for group in ("unit", "field", "person", "period"):
        times = []
        for _ in range(runs if span == "all" else 1):
            t = time.perf_counter(); rep = on_time(svc, loaded["leader"], start=a, end=b, group=group, kind="all", today=today)
            times.append((time.perf_counter() - t) * 1000)
        out[f"{span}/{group}"] = {"report": rep, "p50_ms": round(bench.percentile(times, 50), 1), "p95_ms": round(bench.percentile(times, 95), 1)}
Path("/tmp/rollup-bench").mkdir(exist_ok=True)
json.dump(out, open(f"/tmp/rollup-bench/compare-{'main' if 'main' in which else 'rollup'}.json", "w"), ensure_ascii=False, default=str)
print({k: (v["p50_ms"], v["p95_ms"]) for k, v in out.items()})
