"""Cost of inspecting an upload in the sandbox: ``inspect_file`` (a child forked from the
fork server, under rlimits) against ``examine`` run in this process, per file, in wall
time and in this process's CPU time; and, for scale, the start of a fresh interpreter
that imports the parsers (what a "spawn" child would pay on every upload).

    python bench/inspect_sandbox.py [--runs 30]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from ingest import sandbox  # noqa: E402
from ingest.inspect import examine, inspect_file  # noqa: E402
from ingest.results import Limits  # noqa: E402


def measure(func, path: Path, runs: int) -> tuple[float, float]:
    func(path, Limits())
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(runs):
        func(path, Limits())
    return (time.perf_counter() - wall) / runs * 1000, (time.process_time() - cpu) / runs * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.png"
        Image.new("L", (1654, 2339), 255).save(path)
        started = time.perf_counter()
        sandbox.warm()
        print(f"fork server start: {(time.perf_counter() - started) * 1000:.0f} ms (once per process)")
        for func in (examine, inspect_file):
            wall, cpu = measure(func, path, args.runs)
            print(f"{func.__name__:>12}: {wall:6.1f} ms wall, {cpu:5.2f} ms CPU of this process per file")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import ingest.inspect"], check=True,
                       cwd=Path(__file__).resolve().parents[1])
        print(f"fresh interpreter importing the parsers: {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
