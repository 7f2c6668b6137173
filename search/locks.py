"""Cross-process, cross-thread locks on a kind's index.

Whoosh takes a file lock (``flock``) for each writer and fails at once if it is held.
Several processes write to the index here — web server threads, a job worker, the CLI
— so each write first takes this lock *waiting* up to a timeout: a thread lock (threads
of one process) and then an ``flock`` on a lock file beside the index directory (other
processes). The lock file lives outside the index directory because a rebuild replaces
that directory while writers wait.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager

from search.errors import WriterBusy

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def _thread_lock(path: str) -> threading.Lock:
    with _GUARD:
        lock = _THREAD_LOCKS.get(path)
        if lock is None:
            lock = _THREAD_LOCKS[path] = threading.Lock()
        return lock


@contextmanager
def file_lock(path: str, timeout: float, delay: float = 0.05):
    """Hold the lock at ``path`` (created if absent) within ``timeout`` seconds, or
    raise :class:`WriterBusy`."""
    path = os.path.abspath(path)
    tlock = _thread_lock(path)
    deadline = time.monotonic() + timeout
    if not tlock.acquire(timeout=max(0.0, timeout)):
        raise WriterBusy(f"index lock {path} busy for {timeout:.0f}s")
    try:
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WriterBusy(f"index lock {path} busy for {timeout:.0f}s")
                    time.sleep(delay)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        tlock.release()


def is_locked(path: str) -> bool:
    """True if another process (or thread) holds the lock at ``path`` right now."""
    path = os.path.abspath(path)
    if not os.path.exists(path):
        return False
    tlock = _thread_lock(path)
    if not tlock.acquire(blocking=False):
        return True
    try:
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # closing releases our flock if we got it
        return False
    finally:
        tlock.release()
