"""What every `docsvc` command pays at start-up: the command group loads every capability's
commands, so none of them may import the heavy libraries only some commands need — pyHanko
(signing), reportlab (printing), openpyxl (spreadsheets), numpy — at the top. Importing
them all cost 0.75 s on each command, `docsvc ingest` included (bench/ocr.py's folder case).

Checked in a fresh interpreter that loads the commands as `docsvc --help` does. Bad input
tried: none needed; the check fails when any command module moves such an import back to
the top (it did when the extract commands were added). And a bad setting at start-up is
a one-line message with exit status 1, not a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pyhanko", "reportlab", "openpyxl", "numpy", "pygal", "pypdf", "pypdfium2")

CODE = f"""
import json, sys
from docsvc.cli import main
try:
    main(["--help"], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""


def test_loading_the_commands_imports_no_printing_signing_or_spreadsheet_library(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               DOCSVC_DATA_DIR=str(tmp_path / "var"))
    out = subprocess.run([sys.executable, "-c", CODE], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "ingest" in out.stdout and "extract" in out.stdout  # the commands were loaded
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_a_bad_setting_is_a_message_not_a_traceback(tmp_path):
    """Inputs tried: a word where a number goes (DOCSVC_OCR_PROCESSES=abc) for a command
    that only reads (user list) and for one that would read pages (ingest --wait)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               DOCSVC_DATA_DIR=str(tmp_path / "var"), DOCSVC_OCR_PROCESSES="abc")
    for args in (["user", "list"], ["ingest", str(tmp_path), "--wait"]):
        out = subprocess.run([sys.executable, "-m", "docsvc", *args], env=env, cwd=ROOT,
                             capture_output=True, text=True)
        assert out.returncode == 1, out.stderr
        assert "DOCSVC_OCR_PROCESSES phải là một số nguyên" in out.stderr
        assert "Traceback" not in out.stderr
