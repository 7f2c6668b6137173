"""``docsvc serve --processes N`` (docsvc.ops.serving): N server processes on one socket,
a child that dies started again, all of them stopped with the parent.

Inputs tried: twenty requests at once on two processes; a child killed with SIGKILL in the
middle (the service keeps answering and a new child takes its place); SIGTERM to the parent
(no child left behind); ``--processes 0`` (refused by the command line); 105 requests on one
keep-alive connection (the 100th answer asks the client for a new connection)."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from docsvc.ops.serving import KEEPALIVE_REQUESTS
from tests.ops.test_logs import _env, _free_port, _read_until
from tests.processes import start_docsvc, stop_group, wait_for

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry))
    return found


def test_two_processes_answer_survive_a_killed_child_and_stop_together(tmp_path):
    env = _env(tmp_path)
    subprocess.run([sys.executable, "-m", "docsvc", "init"], env=env, cwd=str(ROOT), check=True, capture_output=True)
    port = _free_port()
    err = tmp_path / "serve.err"
    server = start_docsvc(["serve", "--port", str(port), "--processes", "2"], env, err)
    base = f"http://127.0.0.1:{port}"
    first: set[int] = set()
    now: set[int] = set()
    try:
        _read_until(err, lambda t: t.count("Serving on") == 2, server, "both children's start lines")
        first = wait_for(lambda: len(_children(server.pid)) == 2 and _children(server.pid), "two children")
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: requests.get(f"{base}/api/v1/openapi.json", timeout=60).status_code,
                                    range(20)))
        assert answers == [200] * 20

        # One keep-alive connection: the 100th answer asks the client to open a new one, so
        # that connections are shared out again between the processes.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        closing = []
        for i in range(KEEPALIVE_REQUESTS + 5):
            conn.request("GET", "/api/v1/openapi.json")
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 200
            if answer.getheader("Connection", "").lower() == "close":
                closing.append(i + 1)
        conn.close()
        assert closing == [KEEPALIVE_REQUESTS]

        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        # While it is gone the other child answers; then a new one takes its place.
        assert requests.get(f"{base}/login", timeout=60).status_code == 200
        now = wait_for(lambda: (c := _children(server.pid)) and len(c) == 2 and victim not in c and c,
                        "a new child in place of the killed one")
        assert len(now & first) == 1
        _read_until(err, lambda t: t.count("Serving on") == 3, server, "the new child's start line")
        assert requests.get(f"{base}/login", timeout=60).status_code == 200
        assert "đã dừng" in err.read_text()
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(60)
        finally:
            if server.poll() is None:
                stop_group(server)
    assert server.returncode == 0
    assert not _children(server.pid)
    for pid in first | now:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1][:3]


def test_zero_processes_is_refused(tmp_path):
    result = subprocess.run([sys.executable, "-m", "docsvc", "serve", "--processes", "0"], env=_env(tmp_path),
                            cwd=str(ROOT), capture_output=True, text=True)
    assert result.returncode == 2 and "--processes" in result.stderr
