"""A real server (waitress, in a thread) and a real worker process on a temp data directory,
and headless Chromium from Debian driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.processes import stop_group
from tests.backends import database_env

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(app, app_config):
    """Serves ``app`` on a free port; a worker process takes the jobs."""
    from waitress.server import create_server

    port = _free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    env = {**os.environ, **database_env(app_config), "DOCSVC_DATA_DIR": str(app_config["DATA_DIR"]),
           "DOCSVC_SECRET_KEY": "test-secret",
           "OMP_THREAD_LIMIT": "1", "DOCSVC_OCR_PROCESSES": "1"}
    worker = subprocess.Popen([sys.executable, "-m", "docsvc", "worker"], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield f"http://127.0.0.1:{port}"
    stop_group(worker, 20)
    server.close()


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs it (apt package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    # Wait on state, with room for a busy 2-core machine (OCR of a page can take many seconds
    # there while other tests run): every wait of a test is bounded by this, not by a guess.
    context.set_default_timeout(180_000)
    page = context.new_page()
    yield page
    context.close()


def wait_until(predicate, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
