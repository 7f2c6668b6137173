"""Stopping a process the tests started in its own session (a server, a worker), with
whatever it started in turn: SIGTERM to the group, then SIGKILL if it has not gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def stop_group(process: subprocess.Popen, timeout: float = 30) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_docsvc(args: list[str], env: dict, log: Path, *, stderr_only: bool = False) -> subprocess.Popen:
    """``python -m docsvc ARGS`` in its own session, stderr (and stdout, unless
    ``stderr_only``) into ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "docsvc", *args], env=env,
                                stdout=subprocess.DEVNULL if stderr_only else out, stderr=out,
                                start_new_session=True, cwd=str(ROOT))


def wait_for(condition, what: str, timeout: float = 120):
    """Wait on a state (not on the clock): the condition's first true value; the timeout
    only stops a hang."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.1)
