"""Several jobs at once in one process, so that the OCR processes stay busy across documents.

One job keeps the OCR pool busy only while it has pages waiting: a document of one page
submits one page, and between documents its thread reads the file, commits pages, marks
the job done and updates the index, all while no page of it is waiting for OCR. So a
process runs ``slots`` jobs at once, each on its own thread, all sharing the one OCR pool
(``DOCSVC_OCR_PROCESSES`` Tesseract processes) through the pipeline: while one slot does
its bookkeeping, the pages of the others keep every core busy.

Each slot runs ``JobRunner.run``, so nothing about a job changes: it is claimed with the
same conditional UPDATE, its lease is kept by its own heartbeat, every write is guarded
by its claim token, a lost claim stops it, failures are retried the same way, and its
pages come out of the pipeline in order. Running a job twice at once is harmless (the
second claim fails), and ``submit`` does not even try while the job is in flight here.

Memory stays bounded: each slot's document has at most ``concurrency + 1`` page images
waiting for OCR (see ingest.pipeline), so at most ``slots × (concurrency + 1)`` in all.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import FIRST_COMPLETED, Future, wait

from ingest.jobs import JobRunner, Outcome


class JobSlots:
    """Runs jobs on ``slots`` threads with one runner (``JobRunner`` is thread-safe).

    The threads are daemons: a process interrupted (Ctrl+C) or exiting on an error does
    not wait for its jobs; they are left running with a lapsing lease and taken up again,
    as after a crash.
    """

    def __init__(self, runner: JobRunner, slots: int, *, name: str = "job-slot"):
        self.runner = runner
        self.slots = max(1, slots)
        self._name = name
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._in_flight: dict[int, Future] = {}
        self._finished: list[Future] = []
        self._closed = False

    def submit(self, job_id: int) -> bool:
        """Queue the job for the next free slot unless it is already queued or running
        here; True when it was queued now."""
        with self._lock:
            if self._closed:
                raise RuntimeError("job slots closed")
            if job_id in self._in_flight:
                return False
            if not self._threads:
                self._threads = [threading.Thread(target=self._loop, name=f"{self._name}-{i}", daemon=True)
                                 for i in range(self.slots)]
                for thread in self._threads:
                    thread.start()
            future: Future = Future()
            self._in_flight[job_id] = future
        future.add_done_callback(lambda f, job_id=job_id: self._ended(job_id, f))
        self._queue.put((job_id, future))
        return True

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            job_id, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self.runner.run(job_id))
            except BaseException as exc:  # handed to whoever waits (see ``wait``)
                future.set_exception(exc)

    def _ended(self, job_id: int, future: Future) -> None:
        with self._lock:
            if self._in_flight.get(job_id) is future:
                del self._in_flight[job_id]
            if not future.cancelled():
                self._finished.append(future)

    def in_flight(self) -> list[int]:
        """Jobs queued or running here."""
        with self._lock:
            return sorted(self._in_flight)

    def wait(self, timeout: float | None = None) -> list[Outcome]:
        """Outcomes of the jobs that ended since the last call. When none has, waits up to
        ``timeout`` for one to end (returns at once if nothing is in flight). An exception
        a job raised (a database that cannot be reached, say) is raised here."""
        with self._lock:
            pending = list(self._in_flight.values())
            ready = bool(self._finished)
        if not ready and pending:
            wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
        with self._lock:
            finished, self._finished = self._finished, []
        return [future.result() for future in finished]

    def close(self, *, wait_for_jobs: bool = True) -> None:
        """Take no more jobs; jobs not started are dropped (their rows stay queued). With
        ``wait_for_jobs``, return when the jobs started have ended."""
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[1].cancel()
        for _ in threads:
            self._queue.put(None)
        if wait_for_jobs:
            for thread in threads:
                thread.join()

    def __enter__(self) -> "JobSlots":
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        self.close(wait_for_jobs=exc_type is None)
