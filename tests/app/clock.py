"""A clock the tests move by hand (``app.config["CLOCK"]``): idle and absolute session
limits and sign-in delays are tested without sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now
