"""Unit of work: owns a session, rolls back unless the use case commits.

What the use case read stays readable after the ``with`` block (the rows come back
detached, attributes as loaded): the session is closed without expiring them when nothing
was left uncommitted, so a view can render what a use case returned. Anything written but
not committed (an error, a refusal) is rolled back, which expires it.

Side effects that must only happen once the data is durable (telling the search index,
enqueueing a job) are registered with ``after_commit`` and run after a successful commit,
with ids rather than ORM objects.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]):
        self._session_factory = session_factory
        self._after_commit: list[Callable[[], None]] = []
        self.session: Session

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self._after_commit = []
        self._flushed = False
        event.listen(self.session, "after_flush", self._on_flush)
        return self

    def _on_flush(self, *_args) -> None:
        self._flushed = True

    def __exit__(self, exc_type, *_exc) -> None:
        try:
            session = self.session
            if exc_type is not None or self._flushed or session.new or session.dirty or session.deleted:
                session.rollback()
        finally:
            self.session.close()  # ends any transaction; detaches the rows without expiring them

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def commit(self) -> None:
        self.session.commit()
        self._flushed = False
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def rollback(self) -> None:
        self.session.rollback()
        self._flushed = False
        self._after_commit = []
