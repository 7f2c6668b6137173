"""A task the worker repeats on a thread: ``tick`` every ``minutes``, first at once, until
``stop`` (the audit chain's anchors, the routing reminders)."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class Periodic:
    """Subclasses give ``name`` and ``tick``; ``failed(exc)`` says what went wrong (a
    failure is logged and the next round tries again)."""

    name = "periodic"
    first_at_once = True   # False: the first round one interval after start

    def __init__(self, minutes: float):
        self.interval = max(1.0, minutes * 60)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)

    def tick(self):  # pragma: no cover - each subclass has its own
        raise NotImplementedError

    def failed(self, exc: Exception) -> None:
        log.exception("%s failed; the next round tries again", self.name, exc_info=exc)

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        if not self.first_at_once and self._stop.wait(self.interval):
            return
        while True:
            try:
                self.tick()
            except Exception as exc:
                self.failed(exc)
            if self._stop.wait(self.interval):
                return
