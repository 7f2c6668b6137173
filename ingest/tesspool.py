"""Long-lived Tesseract processes (``ingest.tessproc``), one per page being read at once.

A page goes to an idle process, or to a new one when all are busy; so a pipeline whose
executor has N threads ends up with N processes, each with the language loaded once.
A process whose page outlasts the timeout is killed (``ocr_timeout``, as before); one
that dies on a page (a Tesseract crash) fails that page with a TransientIngestError,
so the job is retried; either way the next page starts a fresh process. A process found
dead while idle is replaced without failing anything.

Processes end when the pool is closed, when it is garbage-collected, at this process's
normal exit (reaped then, so their CPU time counts as this process's children's), and in
any case when this process dies: their stdin reaches its end and they exit.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import atexit
import fcntl
import threading
import time
import weakref
from pathlib import Path

from ingest.errors import IngestError, TransientIngestError
from ingest.tessproc import ANSWER, ERROR, REQUEST

# Loading a language takes about 0.1 CPU s; a busy shared machine can stretch that a lot.
START_TIMEOUT = 120.0
_ROOT = str(Path(__file__).resolve().parents[1])
# A page (8.7 MB at A4, 300 dpi) goes through the pipe in chunks of the pipe's size: 1 MB
# (Linux's default ceiling for an unprivileged process) instead of 64 KB saves a hundred
# or so wake-ups of each process per page.
_PIPE_SIZE = 1 << 20


class _Timeout(Exception):
    pass


class _Ended(Exception):
    pass


class TesseractStartError(Exception):
    """The process started but Tesseract refused its settings (a missing language)."""


class _Process:
    """One ``python -m ingest.tessproc`` child and its pipes."""

    def __init__(self, args: list[str]):
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_ROOT, env.get("PYTHONPATH")]))
        self.popen = subprocess.Popen([sys.executable, "-m", "ingest.tessproc", *args], env=env,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, close_fds=True)
        self._out = self.popen.stdout.fileno()
        try:
            fcntl.fcntl(self.popen.stdin.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_SIZE)
        except OSError:  # a lower ceiling (/proc/sys/fs/pipe-max-size): the default will do
            pass
        self._ready_lock = threading.Lock()
        self._ready: str | None = None  # None until the process said READY

    def wait_ready(self, deadline: float) -> None:
        """Read the process's first answer once: returns when its language is loaded;
        ``_Timeout``, ``_Ended`` or TesseractStartError otherwise."""
        with self._ready_lock:
            if self._ready is not None:
                return
            status, text = self.answer(deadline)
            if status == ERROR:
                raise TesseractStartError(text)
            self._ready = text

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def answer(self, deadline: float) -> tuple[int, str]:
        status, size = ANSWER.unpack(self._read(ANSWER.size, deadline))
        return status, self._read(size, deadline).decode("utf-8", "replace")

    def send(self, header: bytes, pixels: bytes) -> None:
        try:
            self.popen.stdin.write(header)
            self.popen.stdin.write(pixels)
            self.popen.stdin.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise _Ended() from exc

    def _read(self, size: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Timeout()
            ready, _, _ = select.select([self._out], [], [], remaining)
            if not ready:
                raise _Timeout()
            chunk = os.read(self._out, min(size - got, 1 << 20))
            if not chunk:
                raise _Ended()
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def kill(self) -> int:
        """Kill and reap; the exit status (negative: the signal)."""
        if self.popen.poll() is None:
            self.popen.kill()
        for stream in (self.popen.stdin, self.popen.stdout):
            try:
                stream.close()
            except OSError:
                pass
        return self.popen.wait()

    def end(self) -> None:
        """Let an idle process exit on its own (end of its stdin), killing it if it lingers."""
        try:
            self.popen.stdin.close()
        except OSError:
            pass
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


def _end_all(processes: list[_Process]) -> None:
    for process in processes:
        process.end()
    processes.clear()


_POOLS: "weakref.WeakSet[TesseractProcesses]" = weakref.WeakSet()


@atexit.register
def _close_pools() -> None:
    for pool in list(_POOLS):
        pool.close(kill_busy=True)


class TesseractProcesses:
    """A pool of Tesseract processes with one language and settings; thread-safe."""

    def __init__(self, lang: str, psm: int, variables: dict[str, str] | None = None):
        self._args = [lang, str(psm), *(f"{k}={v}" for k, v in (variables or {}).items())]
        self._lock = threading.Lock()
        self._idle: list[_Process] = []
        self._busy: dict[int, _Process] = {}
        self._closed = False
        self._finalizer = weakref.finalize(self, _end_all, self._idle)
        _POOLS.add(self)

    def busy_pids(self) -> list[int]:
        """Process ids reading a page now (for tests and diagnostics)."""
        with self._lock:
            return sorted(self._busy)

    def idle_pids(self) -> list[int]:
        with self._lock:
            return [process.pid for process in self._idle]

    def warm(self, count: int) -> None:
        """Start processes until there are ``count``, without waiting: they load their
        language while this process does other work (the first files of a folder are
        checked and stored meanwhile), and the first pages find them ready."""
        with self._lock:
            if self._closed:
                return
            missing = count - len(self._idle) - len(self._busy)
            for _ in range(max(0, missing)):
                try:
                    self._idle.append(_Process(self._args))
                except OSError:  # the first page will say why, as a TransientIngestError
                    return

    def tsv(self, pixels: bytes, width: int, height: int, dpi: int, *, page: int, timeout: float) -> str:
        """Tesseract's TSV for one 8-bit grey page. ``ocr_timeout`` (IngestError) when it
        takes over ``timeout`` seconds; TransientIngestError when Tesseract cannot start
        or its process dies on the page."""
        process = self._take(page)
        keep = False
        try:
            deadline = time.monotonic() + timeout
            try:
                process.send(REQUEST.pack(width, height, dpi), pixels)
                status, text = process.answer(deadline)
            except _Timeout:
                process.kill()
                raise IngestError("ocr_timeout", page=page, seconds=timeout) from None
            except _Ended:
                code = process.kill()
                raise TransientIngestError(
                    f"tesseract crashed on page {page} (exit status {code})") from None
            keep = True
            if status == ERROR:
                raise TransientIngestError(f"tesseract failed on page {page}: {text}")
            return text
        finally:
            self._give_back(process, keep)

    def _take(self, page: int) -> _Process:
        with self._lock:
            if self._closed:
                raise RuntimeError("Tesseract processes closed")
            process = None
            while self._idle:
                candidate = self._idle.pop()
                if candidate.alive():
                    process = candidate
                    break
                candidate.kill()
        if process is None:
            try:
                process = _Process(self._args)
            except OSError as exc:
                raise TransientIngestError(f"cannot run tesseract on page {page}: {exc}") from exc
        with self._lock:
            self._busy[process.pid] = process
        try:
            process.wait_ready(time.monotonic() + START_TIMEOUT)
        except (_Timeout, _Ended):
            self._give_back(process, False)
            raise TransientIngestError(
                f"tesseract did not start for page {page} (exit status {process.popen.returncode})") from None
        except TesseractStartError as exc:
            self._give_back(process, False)
            raise TransientIngestError(f"tesseract failed on page {page}: {exc}") from None
        return process

    def _give_back(self, process: _Process, keep: bool) -> None:
        with self._lock:
            self._busy.pop(process.pid, None)
            if keep and not self._closed and process.alive():
                self._idle.append(process)
                return
        if keep:
            process.end()
        else:
            process.kill()

    def close(self, *, kill_busy: bool = False) -> None:
        """End the idle processes; busy ones end when their page is done, or now with
        ``kill_busy`` (their pages then fail as after a crash)."""
        with self._lock:
            self._closed = True
            idle = list(self._idle)
            self._idle.clear()
            busy = list(self._busy.values()) if kill_busy else []
        _end_all(idle)
        for process in busy:
            process.kill()
