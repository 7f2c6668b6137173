"""The job queue: Huey carries job ids to workers.

Embedded default: ``SqliteHuey`` (a file in the data directory, no server). With a
``redis://`` URL the same tasks run on ``RedisHuey`` with many worker machines. The queue
is only the messenger: the ``jobs`` table says what is to be done (see ingest.jobs), so a
lost or duplicated message changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable
from urllib.parse import parse_qsl, urlencode, urlparse

from huey import Huey, RedisHuey, SqliteHuey

RUN_JOB = "docsvc.run_job"


def make_huey(url: str, *, name: str = "docsvc", immediate: bool = False) -> Huey:
    """A Huey instance for ``sqlite:///path`` or ``redis://host:port/db``.

    A Redis URL may name the queue: ``redis://host:port/db?queue=NAME`` (default
    ``docsvc``; the keys are ``huey.redis.NAME`` and ``huey.schedule.NAME``), so that two
    installations, or a test run, can share one Redis database without taking each
    other's job ids."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else Path(parsed.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # fsync: a queued message survives a power cut, not only a crash.
        return SqliteHuey(name, filename=str(path), immediate=immediate, fsync=True, results=False)
    if parsed.scheme in ("redis", "rediss", "unix"):
        query = parse_qsl(parsed.query, keep_blank_values=True)
        name = next((v for k, v in query if k == "queue" and v), name)
        # redis-py passes unknown query arguments to the connection, which refuses them.
        url = parsed._replace(query=urlencode([(k, v) for k, v in query if k != "queue"])).geturl()
        return RedisHuey(name, url=url, immediate=immediate, results=False)
    raise ValueError(f"unsupported queue URL {url!r}: use sqlite:///path or redis://host:port/db")


class JobQueue:
    """Registers the tasks on a Huey instance. Every process that enqueues builds one; the
    worker process passes the real handlers, others may pass None (they never execute)."""

    # Recovery of jobs whose worker died runs in each worker (docsvc.worker), on a timer
    # shorter than Huey's one-minute periodic tasks, so a lease of a few seconds is honoured.

    def __init__(self, huey: Huey, run_job: Callable[[int], object] | None = None):
        self.huey = huey
        self._run_job = run_job

        def run_job_task(job_id: int) -> None:
            if self._run_job is None:
                raise RuntimeError("this process cannot run jobs")
            self._run_job(job_id)

        self._task = huey.task(name=RUN_JOB)(run_job_task)

    def enqueue(self, job_id: int) -> None:
        self._task(job_id)

    def schedule(self, job_id: int, delay: float) -> None:
        self._task.schedule(args=(job_id,), delay=delay)

    def pending(self) -> int:
        return self.huey.pending_count()
