"""Reading untrusted bytes in a child process that may die without taking the caller along.

A parser fed a hostile file can loop, allocate without end or crash inside C code (pdfium,
libtiff, libjpeg, zlib). In the web process any of these would stall or kill the server
for everyone. So the quick look at an upload runs in a child process under
``setrlimit`` bounds on address space and CPU time, and the parent keeps a wall-clock
timeout; whatever the child does, the caller gets the result or an ``IngestError``
(``reader_crashed``, ``reader_timeout``, ``reader_out_of_memory``) and goes on serving.

Children come from multiprocessing's "forkserver": a small server started once, with the
parsers already imported, that forks a fresh child per call. A child then costs a fork
and a few pickles (milliseconds) instead of an interpreter start and the imports of
Pillow, pypdf and pypdfium2 (measured by ``bench/inspect_sandbox.py``: 20-50 ms and about
1 ms of the caller's CPU per file, against 0.6-1.2 s for a fresh interpreter),
and it is never forked from the multi-threaded web process itself. A fresh child per
call, not a pool: a child that hit a limit or crashed is gone, and the next call gets
clean limits and a clean heap.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import signal
import threading
from dataclasses import dataclass
from typing import Any, Callable

from ingest.errors import IngestError

log = logging.getLogger(__name__)

# Imported once by the fork server, so that each child starts with them loaded. "__main__"
# first, as the multiprocessing documentation advises: a program started as a script
# would otherwise be imported again by every child. ingest.pdf (pypdf, pdfium) is listed
# because ingest.inspect imports it only when a file is a PDF.
PRELOAD = ["__main__", "ingest.inspect", "ingest.pdf"]
_EXIT_GRACE = 5.0  # seconds a child that has answered may take to exit before it is killed

_context: multiprocessing.context.BaseContext | None = None
_context_lock = threading.Lock()


@dataclass(frozen=True)
class Bounds:
    """What one child may use: address space (MB), CPU time and wall-clock time (s)."""

    memory_mb: int = 1024
    cpu_seconds: int = 20
    timeout_seconds: float = 60.0


def _get_context() -> multiprocessing.context.BaseContext:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


def warm() -> None:
    """Start the fork server now (it starts on first use otherwise, and the first upload
    then waits for its imports)."""
    from multiprocessing import forkserver

    _get_context()
    forkserver.ensure_running()


def run(func: Callable[..., Any], args: tuple, bounds: Bounds = Bounds()) -> Any:
    """``func(*args)`` in a fresh child process within ``bounds``; its return value, or
    the ``IngestError`` it raised, or an ``IngestError`` saying how the child failed.

    ``func`` and ``args`` are pickled: ``func`` must be a module-level function.
    """
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(sender, func, args, bounds),
                            name="docsvc-sandbox", daemon=True)
    child.start()
    sender.close()  # the child holds the only writer now: its death reads as EOF
    outcome = None
    timed_out = False
    try:
        if receiver.poll(bounds.timeout_seconds):
            try:
                outcome = receiver.recv()
            except (EOFError, OSError):  # died without answering
                outcome = None
        else:
            timed_out = True
    finally:
        receiver.close()
        child.join(0 if timed_out else _EXIT_GRACE)
        if child.exitcode is None:
            child.kill()
            child.join()
        exitcode = child.exitcode
        child.close()
    return _result(outcome, exitcode, timed_out, bounds)


def _result(outcome, exitcode: int | None, timed_out: bool, bounds: Bounds) -> Any:
    if outcome is not None:
        kind, value = outcome
        if kind == "ok":
            return value
        if kind == "error":
            raise value
        if kind == "memory":
            raise IngestError("reader_out_of_memory", limit_mb=bounds.memory_mb)
        log.warning("file reader failed in the sandbox: %s", value)
        raise IngestError("reader_crashed", detail=value.split(":", 1)[0])
    if timed_out:
        raise IngestError("reader_timeout", seconds=_seconds(bounds.timeout_seconds))
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        if number == signal.SIGXCPU:
            raise IngestError("reader_timeout", seconds=bounds.cpu_seconds)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        log.warning("file reader killed by %s in the sandbox", name)
        raise IngestError("reader_crashed", detail=name)
    log.warning("file reader exited with code %s without answering", exitcode)
    raise IngestError("reader_crashed", detail=f"exit {exitcode}")


def _seconds(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


# -- in the child -------------------------------------------------------------------------

def _limit(bounds: Bounds) -> None:
    memory = bounds.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # SIGXCPU at the soft limit (its default action ends the process), SIGKILL one second on.
    resource.setrlimit(resource.RLIMIT_CPU, (bounds.cpu_seconds, bounds.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashing parser leaves no core file
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)


def _child_main(sender, func: Callable[..., Any], args: tuple, bounds: Bounds) -> None:
    _limit(bounds)
    try:
        outcome: tuple[str, Any] = ("ok", func(*args))
    except IngestError as exc:
        outcome = ("error", exc)
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:  # a parser bug on this input: the parent says "cannot be read"
        outcome = ("crash", f"{type(exc).__name__}: {exc}"[:300])
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("memory", None))
    finally:
        sender.close()
