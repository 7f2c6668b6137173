"""What a command or worker pays at start-up for ingest: the modules a folder of scans
needs must not import pypdf, pdfium or pytesseract (0.1-0.15 s each); they are imported
where a PDF or the command-line Tesseract engine is actually used.

Checked in a fresh interpreter (this test process has imported everything already).
Bad inputs tried: none needed; the same check fails if any of the four modules moves
one of those imports back to the top.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pypdf", "pypdfium2", "pytesseract", "numpy")


def _imported_after(code: str) -> list[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport json, sys\n"
                          f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_modules_a_folder_of_scans_needs_import_no_pdf_or_pytesseract():
    assert _imported_after("import ingest.pipeline, ingest.inspect, ingest.ocr, ingest.jobs, ingest.slots") == []


def test_a_pdf_path_still_imports_what_it_needs():
    """The check above is not vacuous: the PDF module does import pypdf and pdfium."""
    assert set(_imported_after("import ingest.pdf")) >= {"pypdf", "pypdfium2"}
