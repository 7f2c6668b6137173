"""The state of the installation at a glance (``docsvc status``, ``/admin/status``): the job
queue, the workers' heartbeats, the search index, the last backup and fixity run, disk use.

One use case, ``system_status``, serves the command and the page. It only reads: the job
table and the workers table (the truth about jobs and workers), the queue backend's own
count (what Huey still holds), the index's own counts, the audit trail (backups and fixity
runs are recorded there by ``docsvc backup`` and the worker's fixity schedule), and the
file system. A part that cannot be read (the Redis queue down, the index being rebuilt) is
shown with its reason instead of failing the whole answer: the status is wanted most when
something is wrong.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from archive.audit import AuditRecord
from archive.models import DOC_DONE, JOB_FAILED, JOB_QUEUED, JOB_RUNNING, Blob, Document, Job, Page, Worker
from docsvc.access import Principal
from docsvc.i18n import N_
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services

# Recorded by `docsvc backup` and the fixity schedule (their labels are theirs); read here only.
BACKUP_RECORD = "system.backup"
FIXITY_RECORD = "system.fixity_run"


@dataclass(frozen=True)
class QueueState:
    queued: int
    running: int
    failed: int
    due: int                    # queued and due now (not a retry waiting for its time)
    backend: str                # "sqlite" or "redis"
    backend_pending: int | None  # messages the queue backend holds; None when it cannot be read
    backend_error: str | None = None


@dataclass(frozen=True)
class WorkerState:
    id: str
    hostname: str
    pid: int
    started_at: datetime
    last_seen: datetime
    seconds_since_seen: float
    busy_slots: int             # jobs it holds now (running, under its claim)
    slots: int                  # the worker's own job slots (its --threads; else from the settings)


@dataclass(frozen=True)
class IndexKind:
    kind: str
    state: str                  # ok, missing, corrupt, outdated, rebuilding (search.index.STATES)
    indexed: int                # index documents: pages for documents, entries for people
    expected: int               # what the database says should be there
    rebuilding: bool
    detail: str = ""

    @property
    def in_step(self) -> bool:
        return self.state == "ok" and self.indexed == self.expected


@dataclass(frozen=True)
class IndexState:
    kinds: list[IndexKind]
    documents_done: int
    needs_rebuild: list[str]    # kinds missing, corrupt or of an older layout
    waiting: int = 0            # documents read on hosts without the index, not yet indexed here


@dataclass(frozen=True)
class LastRun:
    """The latest audit record of a backup or a fixity run."""
    at: datetime
    actor: str
    seq: int
    details: dict[str, Any] | None


@dataclass(frozen=True)
class DiskUse:
    data_dir: str
    blobs_count: int
    blobs_bytes: int            # from the blobs table (also right for a blob store that is not local)
    index_bytes: int
    database_bytes: int | None
    other_bytes: int            # the rest of the data directory (queue, anchors, keys, demo files)
    free_bytes: int | None      # on the data directory's file system
    total_bytes: int | None
    blob_dir_free_bytes: int | None = None  # when the blobs live on another file system


@dataclass(frozen=True)
class SystemStatus:
    at: datetime
    queue: QueueState
    workers: list[WorkerState]
    index: IndexState
    last_backup: LastRun | None
    last_fixity: LastRun | None
    disk: DiskUse
    problems: list[str] = field(default_factory=list)  # codes of what needs a person's attention

    def as_dict(self) -> dict:
        def plain(value):
            if isinstance(value, datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        data = plain(asdict(self))
        for kind, row in zip(self.index.kinds, data["index"]["kinds"]):
            row["in_step"] = kind.in_step
        return data


def system_status(services: Services, principal: Principal, *, now: datetime | None = None) -> SystemStatus:
    """The whole picture; needs ``system.status``."""
    if not principal.can("system.status"):
        raise PermissionDenied("system.status")
    now = now or datetime.now(timezone.utc)
    with services.session_factory() as session:
        queue_counts = _job_counts(session, now)
        workers = _workers(services, session, now)
        documents_done, pages_done, entries_findable = _expected_in_index(session)
        last_backup = _last(session, BACKUP_RECORD)
        last_fixity = _last(session, FIXITY_RECORD)
        blobs_count, blobs_bytes = session.execute(
            select(func.count(), func.coalesce(func.sum(Blob.size_bytes), 0)).select_from(Blob)).one()
        database_bytes = _database_bytes(services, session)
    queue = QueueState(**queue_counts, **_backend(services))
    index = _index(services, documents_done, pages_done, entries_findable)
    disk = _disk(services, int(blobs_count), int(blobs_bytes), database_bytes)
    status = SystemStatus(at=now, queue=queue, workers=workers, index=index, last_backup=last_backup,
                          last_fixity=last_fixity, disk=disk)
    status.problems.extend(_problems(status))
    return status


def _job_counts(session: Session, now: datetime) -> dict:
    counts = dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    due = session.scalar(select(func.count()).select_from(Job).where(
        Job.status == JOB_QUEUED, or_(Job.run_after.is_(None), Job.run_after <= now)))
    return {"queued": counts.get(JOB_QUEUED, 0), "running": counts.get(JOB_RUNNING, 0),
            "failed": counts.get(JOB_FAILED, 0), "due": int(due or 0)}


def _backend(services: Services) -> dict:
    url = services.settings.resolved_queue_url
    backend = "redis" if url.startswith(("redis://", "rediss://", "unix://")) else "sqlite"
    try:
        return {"backend": backend, "backend_pending": int(services.queue.pending())}
    except Exception as exc:  # the queue's server down: say so, show the rest
        return {"backend": backend, "backend_pending": None, "backend_error": f"{type(exc).__name__}: {exc}"[:300]}


def _workers(services: Services, session: Session, now: datetime) -> list[WorkerState]:
    from docsvc.worker import job_slots

    stale = now - timedelta(seconds=3 * services.settings.worker_heartbeat_seconds)
    rows = list(session.scalars(select(Worker).where(Worker.last_seen >= stale).order_by(Worker.started_at)))
    busy = dict(session.execute(select(Job.worker_id, func.count()).where(Job.status == JOB_RUNNING)
                                .group_by(Job.worker_id)).all())
    slots = job_slots(services)
    out = []
    for w in rows:
        last_seen = _aware(w.last_seen)
        out.append(WorkerState(id=w.id, hostname=w.hostname, pid=w.pid, started_at=_aware(w.started_at),
                               last_seen=last_seen, seconds_since_seen=round((now - last_seen).total_seconds(), 1),
                               busy_slots=int(busy.get(w.id, 0)), slots=w.slots or slots))
    return out


def _expected_in_index(session: Session) -> tuple[int, int, int]:
    """Documents processed, their pages (one index document each), findable civil-status entries."""
    from archive.civil import RegisterEntry
    from docsvc.civil.indexing import FINDABLE

    documents = session.scalar(select(func.count()).select_from(Document).where(Document.status == DOC_DONE)) or 0
    pages = session.scalar(select(func.count()).select_from(Page).join(Document, Document.id == Page.document_id)
                           .where(Document.status == DOC_DONE)) or 0
    entries = session.scalar(select(func.count()).select_from(RegisterEntry)
                             .where(RegisterEntry.status.in_(FINDABLE))) or 0
    return int(documents), int(pages), int(entries)


def _index(services: Services, documents_done: int, pages_done: int, entries_findable: int) -> IndexState:
    from docsvc.finding.indexing import needs_rebuild

    index = services.search_index
    expected = {"document": pages_done, "person": entries_findable}
    kinds = []
    for kind, st in index.status().items():
        kinds.append(IndexKind(kind=kind, state=st.state, indexed=st.docs, expected=expected.get(kind, 0),
                               rebuilding=st.rebuilding, detail=st.detail))
    from archive.index_requests import IndexRequest

    with services.session_factory() as session:
        waiting = session.scalar(select(func.count()).select_from(IndexRequest)) or 0
    return IndexState(kinds=kinds, documents_done=documents_done, needs_rebuild=needs_rebuild(index),
                      waiting=int(waiting))


def _last(session: Session, action: str) -> LastRun | None:
    row = session.scalars(select(AuditRecord).where(AuditRecord.action == action)
                          .order_by(AuditRecord.seq.desc()).limit(1)).first()
    if row is None:
        return None
    return LastRun(at=_aware(row.at), actor=row.actor, seq=row.seq, details=row.details)


def _database_bytes(services: Services, session: Session) -> int | None:
    url = services.engine.url
    if url.get_backend_name() == "postgresql":
        return int(session.scalar(text("SELECT pg_database_size(current_database())")))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return sum(_file_size(Path(url.database + suffix)) for suffix in ("", "-wal", "-shm"))
    return None


def _disk(services: Services, blobs_count: int, blobs_bytes: int, database_bytes: int | None) -> DiskUse:
    s = services.settings
    data_dir = s.data_dir.resolve()
    blob_dir, index_dir = s.resolved_blob_dir, s.resolved_index_dir
    index_bytes = _tree_size(index_dir)
    # The blobs are counted from their table, not by walking millions of files; the index and
    # the database are counted on their own, wherever they live.
    skip = {blob_dir, index_dir}
    url = services.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        skip |= {Path(url.database + suffix).resolve() for suffix in ("", "-wal", "-shm")}
    other = _tree_size(data_dir, skip=skip)
    free, total = _free(data_dir)
    blob_free = None
    if blob_dir.exists() and _device(blob_dir) != _device(data_dir):
        blob_free = _free(blob_dir)[0]
    return DiskUse(data_dir=str(data_dir), blobs_count=blobs_count, blobs_bytes=blobs_bytes, index_bytes=index_bytes,
                   database_bytes=database_bytes, other_bytes=other, free_bytes=free, total_bytes=total,
                   blob_dir_free_bytes=blob_free)


#: What needs a person's attention, by code (the page translates them; the command prints them).
PROBLEMS = {
    "queue_unreachable": N_("Không đọc được hàng đợi"),
    "no_worker": N_("Có việc chờ nhưng không có worker nào đang chạy"),
    "failed_jobs": N_("Có việc xử lý bị lỗi"),
    "index_needs_rebuild": N_("Chỉ mục tìm kiếm cần dựng lại"),
    "index_out_of_step": N_("Chỉ mục tìm kiếm lệch với cơ sở dữ liệu (docsvc reindex --check)"),
    "no_backup": N_("Chưa sao lưu lần nào"),
    "no_fixity_run": N_("Chưa kiểm tra toàn vẹn lần nào"),
    "low_disk": N_("Sắp hết dung lượng đĩa"),
}

#: Below this share of free space on the data directory's file system, the status says so.
LOW_DISK_SHARE = 0.10


def _problems(status: SystemStatus) -> list[str]:
    found = []
    if status.queue.backend_pending is None:
        found.append("queue_unreachable")
    if (status.queue.queued or status.queue.running) and not status.workers:
        found.append("no_worker")
    if status.queue.failed:
        found.append("failed_jobs")
    if status.index.needs_rebuild:
        found.append("index_needs_rebuild")
    elif any(k.state == "ok" and k.indexed != k.expected for k in status.index.kinds):
        found.append("index_out_of_step")
    if status.last_backup is None:
        found.append("no_backup")
    if status.last_fixity is None:
        found.append("no_fixity_run")
    d = status.disk
    if d.free_bytes is not None and d.total_bytes and d.free_bytes < LOW_DISK_SHARE * d.total_bytes:
        found.append("low_disk")
    return found


def _aware(value: datetime) -> datetime:
    """SQLite gives naive datetimes back; they are UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _tree_size(root: Path, *, skip: set[Path] = frozenset()) -> int:
    total = 0
    if not root.exists():
        return 0
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if (here / d).resolve() not in skip]
        for name in files:
            path = here / name
            if path.resolve() not in skip:
                try:
                    total += path.lstat().st_size
                except OSError:  # removed meanwhile (a temp file, a lock)
                    pass
    return total


def _free(path: Path) -> tuple[int | None, int | None]:
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return None, None
    return usage.free, usage.total


def _device(path: Path) -> int | None:
    try:
        return path.stat().st_dev
    except OSError:
        return None


def human_size(n: int | None) -> str:
    """1536 → "1,5 KB" (binary units, a Vietnamese decimal comma)."""
    if n is None:
        return "?"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            text = f"{value:.0f}" if unit == "B" else f"{value:.1f}"
            return f"{text.replace('.', ',')} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover
