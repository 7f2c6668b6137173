"""What the extract use cases share: the refusals, the number format, the checks of what a
person typed, the scope, SQLite's write lock, and the personal-data log record written in the
same transaction as what it logs (docsvc.extracts.services, .office, .verification)."""

from __future__ import annotations

import threading
import unicodedata
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy.orm import Session

from docsvc.access import Principal
from docsvc.audit.personal import ACTION as PERSONAL_READ, Purpose, make_purpose, read_details
from docsvc.documents.queries import NotFound
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services

KIND_CODES = {"birth": "TLKS", "death": "TLKT", "marriage": "TLKH"}
KIND_LABELS = {"birth": "Trích lục khai sinh", "death": "Trích lục khai tử", "marriage": "Trích lục kết hôn"}
REGISTERED = {"birth": "khai sinh", "death": "khai tử", "marriage": "kết hôn"}
MAX_COPIES = 50
REQUEST = make_purpose("extract_request")


class ExtractNotFound(NotFound):
    """No such extract (or entry) for this principal."""


class ExtractInvalid(ValueError):
    """A bad value: ``field`` names it, ``message`` says why (Vietnamese)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class ExtractConflict(Exception):
    """The state refuses it. ``code``: entry_not_verified, entry_disputed, no_signer,
    unknown_signer, no_certificate, certificate_expired, already_revoked."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


# -- small rules --------------------------------------------------------------------------

def format_number(seq: int, year: int, kind: str, with_year: bool) -> str:
    """``167/TLKS-BS``, or with the year ``470/2025/TLKT-BS``."""
    code = f"{KIND_CODES[kind]}-BS"
    return f"{seq}/{year}/{code}" if with_year else f"{seq}/{code}"


def initials(name: str | None) -> str:
    """``Nguyễn Văn An`` → ``N.V.A.``: all a public page may show of the holder."""
    letters = [w[0].upper() for w in (name or "").split() if w and w[0].isalpha()]
    return "".join(f"{c}." for c in letters)[:16]


def _need(principal: Principal, action: str) -> None:
    """Extracts are personal data: without ``person.view`` nothing exists (404)."""
    if not principal.can("person.view"):
        raise ExtractNotFound("extract")
    if not principal.can(action):
        raise PermissionDenied(action)


def _held(principal: Principal, unit_id: int) -> bool:
    return principal.unit_ids is None or unit_id in principal.unit_ids


def _text(name: str, raw: Any, *, limit: int, required: bool = True) -> str | None:
    text = unicodedata.normalize("NFC", " ".join(str(raw or "").split()))
    if not text:
        if required:
            raise ExtractInvalid(name, "Trường này không được để trống.")
        return None
    if len(text) > limit:
        raise ExtractInvalid(name, f"Tối đa {limit} ký tự.")
    return text


def _copies(raw: Any) -> int:
    if raw in (None, ""):
        return 1
    try:
        number = int(str(raw).strip())
    except ValueError:
        raise ExtractInvalid("copies", "Số bản sao phải là số nguyên.") from None
    if not 1 <= number <= MAX_COPIES:
        raise ExtractInvalid("copies", f"Số bản sao từ 1 đến {MAX_COPIES}.")
    return number


class _FifoLock:
    """A lock handed over in the order it was asked for (a ticket lock)."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._next = self._serving = 0

    def __enter__(self) -> None:
        with self._turn:
            ticket, self._next = self._next, self._next + 1
            while ticket != self._serving:
                self._turn.wait()

    def __exit__(self, *_exc: Any) -> None:
        with self._turn:
            self._serving += 1
            self._turn.notify_all()


_WRITERS: dict[str, _FifoLock] = {}
_WRITERS_LOCK = threading.Lock()


@contextmanager
def _one_writer(services: Services) -> Iterator[None]:
    """SQLite lets one writer in at a time, and its busy handler makes the others poll with
    growing sleeps: under load one issue could wait seconds while later ones got in. The
    writers of this process queue here instead, first come first served, and take SQLite's
    lock (``_begin_write``) when it is free; other processes (a command) still meet SQLite's
    own lock. PostgreSQL locks rows: nothing to do."""
    if services.engine.dialect.name != "sqlite":
        yield
        return
    key = str(services.engine.url)
    with _WRITERS_LOCK:
        lock = _WRITERS.setdefault(key, _FifoLock())
    with lock:
        yield


def _begin_write(session: Session) -> None:
    """SQLite: take the write lock before the first read (writers queue on the busy timeout
    instead of failing to upgrade a stale snapshot). PostgreSQL locks rows as it goes."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def _personal(services: Services, session: Session, principal: Principal, what: str, extract_id: int | None,
              person: str | None, purpose: Purpose = REQUEST, **details: Any) -> None:
    """The personal-data log record, in the same transaction as what it logs."""
    body = read_details(principal, purpose, what, person, **details)
    record(services, session, principal, PERSONAL_READ, object_type="extract", object_id=extract_id, details=body)


