"""The direction of imports in DESIGN.md holds: docsvc → ingest, search → archive; search
takes plain values; the lower packages do not import Flask (import-linter contracts in
pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken" in result.stdout, result.stdout


def test_no_module_is_far_over_the_size_guideline():
    """DESIGN.md: no module over ~400 lines without a reason; 600 is the hard stop here."""
    too_long = []
    for package in ("archive", "ingest", "search", "docsvc"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > 600:
                too_long.append(f"{path.relative_to(ROOT)}: {lines}")
    assert not too_long, too_long
