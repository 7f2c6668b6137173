"""Several web server processes on one listening socket.

One Python process answers requests on one core at a time (the interpreter lock), however
many threads it has: measured with ``bench/load.py``, one ``docsvc serve`` on this 2-core
machine stops near 110 requests/s of search as you type with a core left idle. With
``--processes N`` (``DOCSVC_WEB_PROCESSES``) the parent binds the socket once and starts N
children (``docsvc serve`` again, the socket's descriptor passed in ``DOCSVC_LISTEN_FD``),
each a whole waitress server with its own threads, database pool and search caches; the
kernel hands each new connection to whichever child accepts first, so a busy child takes
fewer. Nothing is shared in memory, as between the machines of a larger installation.

The parent only supervises: a child that dies is started again (after a pause that grows
while children keep dying at once, so a broken installation does not spin), and SIGTERM or
Ctrl+C stops all of them. What must be shared between processes is already outside them:
the database, the queue, the blob store, the search index on disk (each child sees a commit
at its next search). The verification page's rate limit counts per process with the default
``memory://`` storage; set ``DOCSVC_RATE_LIMIT_STORAGE_URL=redis://...`` to count once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import click

LISTEN_FD = "DOCSVC_LISTEN_FD"


def inherited_socket() -> socket.socket | None:
    """The listening socket a supervising parent passed, if any."""
    fd = os.environ.get(LISTEN_FD)
    if not fd:
        return None
    sock = socket.socket(fileno=int(fd))
    sock.setblocking(False)
    return sock


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=1024)
    sock.set_inheritable(True)
    return sock


def supervise(host: str, port: int, processes: int, threads: int, *, echo=click.echo) -> None:
    """Bind ``host:port`` and keep ``processes`` children serving on it until stopped."""
    sock = listening_socket(host, port)
    env = {**os.environ, LISTEN_FD: str(sock.fileno())}
    command = [sys.executable, "-m", "docsvc", "serve", "--processes", "1", "--threads", str(threads)]

    def start() -> subprocess.Popen:
        return subprocess.Popen(command, env=env, pass_fds=(sock.fileno(),))

    children = [start() for _ in range(processes)]
    echo(f"Phục vụ tại http://{host}:{port} với {processes} tiến trình × {threads} luồng  (Ctrl+C để dừng)")
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pause, last_death = 1.0, 0.0
    try:
        while not stopping:
            time.sleep(0.5)
            for i, child in enumerate(children):
                if child.poll() is None or stopping:
                    continue
                now = time.monotonic()
                pause = min(pause * 2, 60.0) if now - last_death < 10 else 1.0
                last_death = now
                echo(f"Tiến trình web {child.pid} đã dừng (mã {child.returncode}); chạy lại sau {pause:.0f} s.",
                     err=True)
                time.sleep(pause)
                children[i] = start()
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        sock.close()
