"""Fixity on a schedule: each run recorded, each blob's last check, repair from a replica.

``archive.fixity.check_fixity`` re-hashes everything and says what is wrong. This module
keeps the history that a schedule needs:

- ``fixity_runs``: one row per run (scheduled or manual), claimed before the work starts;
  a scheduled run has its local ``scheduled_day``, unique, so that of several workers only
  the first to insert the row runs that night's slice.
- ``blob_checks``: each blob's last check (``checked_at``, indexed) and its state then, so
  that a slice takes the blobs checked longest ago and a problem stays visible until a
  later run finds the blob good again.

A blob's *last known good* time is its last check, or its writing when it was never checked
(the store hashed the bytes as it wrote them). A slice is the blobs whose time is oldest:
``ceil(total / (days - 1))`` of them, and at least every one that would be older than the
period by the next night, so that every blob is checked at least every ``days`` days; a
night missed (the worker down) uses up that night of slack: the blobs due then are checked
the night after, still within the period give or take the two nights' starting minutes.

Repair copies the replica's file (a directory laid out like the blob store) back through
the store's own staging write, and only when the copy hashes to the blob's name.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive.blobstore import BlobNotFound, BlobStore
from archive.models import Base, Blob, utcnow

RUN_SCHEDULED, RUN_MANUAL = "scheduled", "manual"
OK, MISSING, CORRUPT = "ok", "missing", "corrupt"
MAX_PROBLEMS_KEPT = 1000    # a run's row keeps this many problems; its counts keep them all
BATCH = 200                 # blobs hashed between two short transactions
JITTER = timedelta(hours=2)  # how much later than last night tonight's run may look


class FixityRun(Base):
    """One fixity run: when, what kind, who ran it, what it found and repaired."""

    __tablename__ = "fixity_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))                     # scheduled | manual
    scheduled_day: Mapped[date | None] = mapped_column(Date, unique=True)  # local day; NULL when manual
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    worker: Mapped[str] = mapped_column(String(128))                  # worker id or system:cli:<user>
    checked: Mapped[int] = mapped_column(Integer, default=0)
    bytes_checked: Mapped[int] = mapped_column(BigInteger, default=0)
    ok: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    corrupt: Mapped[int] = mapped_column(Integer, default=0)
    repaired: Mapped[int] = mapped_column(Integer, default=0)
    # [{"sha256", "what": missing|corrupt, "repaired": bool, "note"}], at most MAX_PROBLEMS_KEPT
    problems: Mapped[list[Any]] = mapped_column(default=list)

    @property
    def unrepaired(self) -> int:
        return self.missing + self.corrupt - self.repaired

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind,
                "scheduled_day": self.scheduled_day.isoformat() if self.scheduled_day else None,
                "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None,
                "worker": self.worker, "checked": self.checked, "bytes": self.bytes_checked, "ok": self.ok,
                "missing": self.missing, "corrupt": self.corrupt, "repaired": self.repaired,
                "problems": list(self.problems or [])}


class BlobCheck(Base):
    """A blob's last fixity check and what it found (``ok``, ``missing``, ``corrupt``)."""

    __tablename__ = "blob_checks"

    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("blobs.sha256", ondelete="CASCADE"),
                                        primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    problem_since: Mapped[datetime | None]          # first run that found it bad, while it stays bad
    run_id: Mapped[int | None] = mapped_column(ForeignKey("fixity_runs.id", ondelete="SET NULL"))


@dataclass
class Problem:
    sha256: str
    what: str            # missing | corrupt
    repaired: bool
    note: str = ""

    def as_dict(self) -> dict:
        return {"sha256": self.sha256, "what": self.what, "repaired": self.repaired, "note": self.note}


# -- which blobs ------------------------------------------------------------------------

def _due_cutoff(now: datetime, days: int) -> datetime:
    """Blobs last good at or before this would be past the period by the next night's run
    (give or take ``JITTER``: a run starts within the timer's round and takes its time):
    tonight takes them, a night early, so that a night missed costs no more than the minutes
    between two nights' starts."""
    return now - timedelta(days=max(1, days) - 1) + JITTER


def slice_size(session: Session, now: datetime, days: int) -> tuple[int, int]:
    """(total blobs, how many tonight's slice takes)."""
    total = session.scalar(select(func.count()).select_from(Blob)) or 0
    cutoff = _due_cutoff(now, days)
    unchecked_due = session.scalar(
        select(func.count()).select_from(Blob).outerjoin(BlobCheck, BlobCheck.sha256 == Blob.sha256)
        .where(BlobCheck.sha256.is_(None), Blob.created_at <= cutoff)) or 0
    checked_due = session.scalar(select(func.count()).select_from(BlobCheck)
                                 .where(BlobCheck.checked_at <= cutoff)) or 0
    # Blobs come due a night before the period ends: the cycle is days - 1 nights, and a
    # share of total / (days - 1) a night keeps the due ones spread instead of in bursts.
    return total, min(total, max(math.ceil(total / max(1, days - 1)), unchecked_due + checked_due))


def select_slice(session: Session, now: datetime, days: int) -> list[str]:
    """The blobs a scheduled run checks: the ``slice_size`` ones last good longest ago.

    Two bounded queries (never checked, by writing time; checked, by the indexed check
    time), merged: the sort of the whole table is never needed."""
    _total, size = slice_size(session, now, days)
    if not size:
        return []
    unchecked = session.execute(
        select(Blob.created_at, Blob.sha256).outerjoin(BlobCheck, BlobCheck.sha256 == Blob.sha256)
        .where(BlobCheck.sha256.is_(None)).order_by(Blob.created_at, Blob.sha256).limit(size)).all()
    checked = session.execute(select(BlobCheck.checked_at, BlobCheck.sha256)
                              .order_by(BlobCheck.checked_at, BlobCheck.sha256).limit(size)).all()
    return [sha for _at, sha in sorted(tuple(r) for r in [*unchecked, *checked])[:size]]


def all_shas(session_factory: Callable[[], Session], batch: int = 1000) -> Iterator[str]:
    """Every recorded blob, in batches (bounded memory, short reads)."""
    last = ""
    while True:
        with session_factory() as session:
            shas = session.scalars(select(Blob.sha256).where(Blob.sha256 > last)
                                   .order_by(Blob.sha256).limit(batch)).all()
        if not shas:
            return
        yield from shas
        last = shas[-1]


# -- checking and repairing -------------------------------------------------------------

def replica_path(root: Path | str, sha256: str) -> Path:
    """Where a replica laid out like the blob store keeps ``sha256``."""
    return Path(root) / sha256[:2] / sha256[2:4] / sha256


def check_blob(store: BlobStore, sha256: str) -> tuple[str, int]:
    """(state, bytes read) of one stored blob."""
    try:
        with store.open(sha256) as fh:
            digest, size = hashlib.sha256(), 0
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
    except BlobNotFound:
        return MISSING, 0
    return (OK if digest.hexdigest() == sha256 else CORRUPT), size


def repair_blob(store: BlobStore, replica: Path | str, sha256: str) -> tuple[bool, str]:
    """Copy the replica's file back into the store when it hashes right. → (repaired, note)."""
    source = replica_path(replica, sha256)
    try:
        fh = open(source, "rb")
    except FileNotFoundError:
        return False, "replica_missing"
    except OSError as exc:
        return False, f"replica_unreadable: {exc.strerror or exc}"
    try:
        with fh:
            staged = store.stage(fh)
        if staged.sha256 != sha256:
            staged.discard()
            return False, "replica_corrupt"
        store.restore(staged)
    except OSError as exc:   # the store's disk full or read-only: reported, the run goes on
        return False, f"repair_failed: {exc.strerror or exc}"
    state, _size = check_blob(store, sha256)
    return (state == OK), ("" if state == OK else f"still_{state}")


def replicate(session_factory: Callable[[], Session], store: BlobStore, replica: Path | str) -> dict:
    """Copy to the replica every recorded blob it lacks (the store's copy checked first).
    → ``{"copied", "present", "skipped": [sha of blobs bad in the store]}``."""
    target = BlobStore(replica)
    out: dict[str, Any] = {"copied": 0, "present": 0, "skipped": []}
    for sha in all_shas(session_factory):
        if target.exists(sha):
            out["present"] += 1
            continue
        try:
            with store.open(sha) as fh:
                staged = target.stage(fh)
        except BlobNotFound:
            out["skipped"].append(sha)
            continue
        if staged.sha256 != sha:
            staged.discard()
            out["skipped"].append(sha)
            continue
        target.commit(staged)
        out["copied"] += 1
    return out


# -- a run --------------------------------------------------------------------------------

def start_run(session_factory: Callable[[], Session], *, kind: str, worker: str, now: datetime,
              day: date | None = None) -> int | None:
    """Claim a run (committed at once). A scheduled run's day is unique: → None when another
    runner has claimed that day already."""
    with session_factory() as session:
        if day is not None and session.scalar(select(FixityRun.id).where(FixityRun.scheduled_day == day)):
            return None
        run = FixityRun(kind=kind, scheduled_day=day, worker=worker[:128], started_at=now, problems=[])
        session.add(run)
        try:
            session.commit()
        except IntegrityError:   # the other runner inserted the same day first
            session.rollback()
            return None
        return run.id


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def execute_run(session_factory: Callable[[], Session], store: BlobStore, run_id: int, shas: Iterable[str], *,
                now: datetime, replica: Path | str | None = None, repair: bool = False,
                progress: Callable[[int], None] | None = None,
                stop: Callable[[], bool] | None = None) -> list[Problem]:
    """Check ``shas``, repair what can be repaired, and record each blob's check and the run's
    counts batch by batch (no transaction is held while files are read). → the problems."""
    problems: list[Problem] = []
    for batch in _batches(shas, BATCH):
        checked: list[tuple[str, str, int, Problem | None]] = []   # sha, state after repair, bytes, problem
        for sha in batch:
            state, size = check_blob(store, sha)
            problem = None
            if state != OK:
                if not repair:
                    fixed, note = False, ""
                elif not replica:
                    fixed, note = False, "no_replica"
                else:
                    fixed, note = repair_blob(store, replica, sha)
                problem = Problem(sha, state, fixed, note)
            checked.append((sha, state, size, problem))
        problems += _record_batch(session_factory, run_id, now, checked)
        if progress:
            progress(len(batch))
        if stop and stop():
            break
    return problems


def _record_batch(session_factory, run_id: int, now: datetime,
                  checked: list[tuple[str, str, int, Problem | None]]) -> list[Problem]:
    """Record a batch's checks and add it to the run's counts. A blob whose row went away
    meanwhile (an import withdrawn: docsvc.civil.imported) is not counted. → its problems."""
    for attempt in (1, 2):  # a concurrent run may insert the same blob's first check
        with session_factory() as session:
            shas = [c[0] for c in checked]
            alive = set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(shas))))
            known = {c.sha256: c for c in session.scalars(select(BlobCheck).where(BlobCheck.sha256.in_(shas)))}
            run = session.get(FixityRun, run_id)
            fresh: list[Problem] = []
            for sha, found, size, problem in checked:
                if sha not in alive:
                    continue
                state = OK if problem is None or problem.repaired else found
                row = known.get(sha) or BlobCheck(sha256=sha)
                if state == OK:
                    row.problem_since = None
                elif row.state in (None, OK) or row.problem_since is None:
                    row.problem_since = now
                row.checked_at, row.state, row.run_id = now, state, run_id
                if sha not in known:
                    session.add(row)
                run.checked += 1
                run.bytes_checked += size
                run.ok += found == OK
                run.missing += found == MISSING
                run.corrupt += found == CORRUPT
                if problem is not None:
                    run.repaired += problem.repaired
                    fresh.append(problem)
            kept = list(run.problems or [])
            run.problems = kept + [p.as_dict() for p in fresh][:max(0, MAX_PROBLEMS_KEPT - len(kept))]
            try:
                session.commit()
                return fresh
            except IntegrityError:
                session.rollback()
                if attempt == 2:
                    raise
    return []


def finish_run(session: Session, run_id: int, at: datetime) -> FixityRun:
    """Mark the run finished in the caller's transaction (its audit record goes with it)."""
    run = session.get(FixityRun, run_id)
    run.finished_at = at
    return run


# -- what the page shows ------------------------------------------------------------------

def recent_runs(session: Session, limit: int = 30) -> list[FixityRun]:
    return list(session.scalars(select(FixityRun).order_by(FixityRun.started_at.desc(), FixityRun.id.desc())
                                .limit(limit)))


def open_problems(session: Session, limit: int = 100) -> tuple[int, list[BlobCheck]]:
    """Blobs whose last check found them missing or corrupt (and not repaired): how many,
    and the first ``limit`` of them, oldest problem first."""
    bad = BlobCheck.state != OK
    count = session.scalar(select(func.count()).select_from(BlobCheck).where(bad)) or 0
    rows = session.scalars(select(BlobCheck).where(bad).order_by(BlobCheck.problem_since, BlobCheck.sha256)
                           .limit(limit)).all() if count else []
    return count, list(rows)


def scheduled_run_of(session: Session, day: date) -> FixityRun | None:
    return session.scalar(select(FixityRun).where(FixityRun.scheduled_day == day))
