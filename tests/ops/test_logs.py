"""Request ids and structured log lines (docsvc.ops.logs), on the app and on real
``docsvc serve`` and ``docsvc worker`` processes.

Bad inputs tried: a request id with a space, one with markup, one of 200 characters, an
empty one (each replaced by a generated id, never echoed); a request refused before any
view (401 from the API guard: it still gets its id and its line); an unknown log format
(refused with the allowed ones named). Every line a JSON server writes on stderr must parse.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from docsvc.ops.logs import configure_logging
from tests.processes import start_docsvc, stop_group

ROOT = Path(__file__).resolve().parents[2]
GENERATED = re.compile(r"[0-9a-f]{16}")


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = configure_logging("json", stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_every_response_carries_its_request_id(client):
    given = client.get("/login", headers={"X-Request-Id": "proxy-7f3a.42:1"})
    assert given.headers["X-Request-Id"] == "proxy-7f3a.42:1"
    for bad in ("a b", "<script>", "x" * 200, ""):
        answer = client.get("/login", headers={"X-Request-Id": bad})
        assert GENERATED.fullmatch(answer.headers["X-Request-Id"]), bad
    first, second = client.get("/login"), client.get("/login")
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    refused = client.get("/api/v1/documents")  # stopped by the sign-in guard, before any view
    assert refused.status_code == 401 and GENERATED.fullmatch(refused.headers["X-Request-Id"])


def test_a_request_s_lines_carry_its_id_user_and_timing(app, client, accounts, captured):
    from tests.conftest import Api

    accounts.user("vt", "clerk")
    api = Api(client, accounts.token("vt"))
    answer = api.get("/api/v1/documents", headers={"X-Request-Id": "req-abc-1"})
    assert answer.status_code == 200
    (line,) = [x for x in _lines(captured) if x.get("request_id") == "req-abc-1"]
    assert line["logger"] == "docsvc.request" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"], line["user"]) == ("GET", "/api/v1/documents", 200, "vt")
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["message"].startswith("GET /api/v1/documents 200 ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    # Any line written while a request is answered, by any logger, carries the same id.
    with app.test_request_context("/documents/5", headers={"X-Request-Id": "req-abc-2"}):
        try:
            raise OSError("đĩa đầy")
        except OSError:
            logging.getLogger("docsvc.documents").exception("không lưu được tệp")
    (line,) = [x for x in _lines(captured) if x.get("request_id") == "req-abc-2"]
    assert line["message"] == "không lưu được tệp" and line["path"] == "/documents/5" and "OSError" in line["exc"]
    assert "status" not in line  # only the request's own line has an answer to give


def test_lines_outside_a_request_have_no_request_fields(captured):
    logging.getLogger("docsvc.worker").info("worker %s started", "w1")
    (line,) = _lines(captured)
    assert line["message"] == "worker w1 started" and line["logger"] == "docsvc.worker"
    assert not {"request_id", "user", "method", "path", "status", "duration_ms"} & set(line)


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="text, json"):
        configure_logging("xml")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path, **extra) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_THREAD_LIMIT": "1", "DOCSVC_DATA_DIR": str(tmp_path / "var"),
            "DOCSVC_SECRET_KEY": "test-secret", "DOCSVC_INDEX_PROCS": "1", "DOCSVC_OCR_PROCESSES": "1", **extra}


def _read_until(path: Path, found, process: subprocess.Popen, what: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while True:
        text = path.read_text(errors="replace") if path.exists() else ""
        if found(text):
            return text
        assert process.poll() is None, f"ended before {what}:\n{text}"
        assert time.monotonic() < deadline, f"no {what} in:\n{text}"
        time.sleep(0.1)


def test_a_json_server_writes_one_object_per_line(tmp_path):
    env = _env(tmp_path, DOCSVC_LOG_FORMAT="json")
    subprocess.run([sys.executable, "-m", "docsvc", "init"], env=env, cwd=str(ROOT), check=True, capture_output=True)
    port = _free_port()
    err = tmp_path / "serve.err"
    server = start_docsvc(["serve", "--port", str(port)], env, err, stderr_only=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _read_until(err, lambda t: "Serving on" in t, server, "waitress's start line")
        answer = requests.get(f"{base}/api/v1/openapi.json", headers={"X-Request-Id": "from-the-proxy-1"}, timeout=30)
        assert answer.status_code == 200 and answer.headers["X-Request-Id"] == "from-the-proxy-1"
        refused = requests.get(f"{base}/api/v1/documents", timeout=30)
        text = _read_until(err, lambda t: refused.headers["X-Request-Id"] in t, server, "the refused request's line")
    finally:
        stop_group(server)
    lines = [json.loads(line) for line in text.splitlines()]  # every line is one JSON object
    (mine,) = [x for x in lines if x.get("request_id") == "from-the-proxy-1"]
    assert (mine["method"], mine["path"], mine["status"]) == ("GET", "/api/v1/openapi.json", 200)
    assert "user" not in mine and mine["duration_ms"] > 0
    (theirs,) = [x for x in lines if x.get("request_id") == refused.headers["X-Request-Id"]]
    assert theirs["status"] == 401
    assert any(x["logger"] == "waitress" and "Serving on" in x["message"] for x in lines)


def test_text_is_the_default_and_names_the_request(tmp_path):
    env = _env(tmp_path)
    subprocess.run([sys.executable, "-m", "docsvc", "init"], env=env, cwd=str(ROOT), check=True, capture_output=True)
    port = _free_port()
    err = tmp_path / "serve.err"
    server = start_docsvc(["serve", "--port", str(port)], env, err, stderr_only=True)
    try:
        _read_until(err, lambda t: "Serving on" in t, server, "waitress's start line")
        requests.get(f"http://127.0.0.1:{port}/login", headers={"X-Request-Id": "req-text-1"}, timeout=30)
        text = _read_until(err, lambda t: "req-text-1" in t, server, "the request's line")
    finally:
        stop_group(server)
    (line,) = [x for x in text.splitlines() if "req-text-1" in x]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO docsvc\.request: GET /login 200 [\d.]+ ms "
                        r"\[req-text-1\]", line), line
    assert not line.startswith("{")


def test_a_json_worker_line(tmp_path):
    env = _env(tmp_path, DOCSVC_LOG_FORMAT="json")
    subprocess.run([sys.executable, "-m", "docsvc", "init"], env=env, cwd=str(ROOT), check=True, capture_output=True)
    err = tmp_path / "worker.err"
    with err.open("wb") as errors:
        worker = subprocess.Popen([sys.executable, "-m", "docsvc", "worker"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=errors, start_new_session=True, cwd=str(ROOT))
    try:
        text = _read_until(err, lambda t: " started (" in t, worker, "the worker's start line")
    finally:
        stop_group(worker)
    lines = [json.loads(line) for line in text.splitlines()]
    (started,) = [x for x in lines if x["logger"] == "docsvc.worker" and " started (" in x["message"]]
    assert started["level"] == "INFO" and re.match(r"worker worker@.+:\d+:[0-9a-f]{6} started \(\d+ job slots",
                                                   started["message"])
    assert "request_id" not in started
