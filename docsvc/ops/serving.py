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
#: Requests answered on one connection before the server asks the client to open a new one
#: (nginx's ``keepalive_requests``), when several processes share the socket.
KEEPALIVE_REQUESTS = 100


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


class RotatingConnections:
    """WSGI middleware for the children of :func:`supervise`: after
    :data:`KEEPALIVE_REQUESTS` requests on one connection, the response says
    ``Connection: close`` and the client opens a new connection, which the least busy
    process accepts first. Without it a browser's (or a proxy's) keep-alive connection
    stays with the process that happened to accept it: measured with ``bench/load.py``,
    the 20-odd connections of a test split unevenly between two processes, one core
    saturated while the other idled, and the same run gave 128 to 203 search requests/s.

    Waitress lets an application end a connection only through the request's own
    ``Connection`` header (a WSGI application may not send hop-by-hop headers), so this
    marks the request being answered, reached through ``waitress.client_disconnected``
    (a method of the connection's channel). With another server nothing is changed."""

    def __init__(self, app, limit: int = KEEPALIVE_REQUESTS):
        import threading

        self.app = app
        self.limit = limit
        self._counts: dict[tuple, int] = {}
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        key = (environ.get("REMOTE_ADDR"), environ.get("REMOTE_PORT"))
        with self._lock:
            if len(self._counts) > 4096:  # connections that ended early; forget them all
                self._counts.clear()
            count = self._counts.get(key, 0) + 1
            if count >= self.limit:
                self._counts.pop(key, None)
            else:
                self._counts[key] = count
        if count >= self.limit:
            channel = getattr(environ.get("waitress.client_disconnected"), "__self__", None)
            pending = getattr(channel, "requests", None)
            if pending:
                pending[0].headers["CONNECTION"] = "close"
        return self.app(environ, start_response)
