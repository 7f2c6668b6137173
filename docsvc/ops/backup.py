"""``docsvc backup``: a consistent snapshot of an installation while it runs.

Order matters, because others keep writing meanwhile:

1. The anchor files first. An anchor is written only after the head it names was
   committed, so every anchor copied before the database snapshot names a record the
   snapshot holds; one copied after it could name a record the snapshot lacks, and the
   restored chain would look truncated.
2. The database (SQLite online backup, or ``pg_dump`` on an exported snapshot).
3. The blob list from the snapshot's own ``blobs`` table, in the same snapshot: a blob
   is put in the store before its row commits, so every blob listed is in the store; blobs
   written after the snapshot are simply not listed (the next backup takes them).
4. Each listed blob copied, unless the earlier backup given with ``--previous`` holds the
   same bytes (re-hashed there): then it is referenced.

Everything is written into a hidden folder beside ``OUT`` and renamed to ``OUT`` at the
end, so a folder called ``OUT`` is always a whole backup. Secrets are never written: not
the secret key, the audit key, passwords, nor the offices' signing keys (``keys/``).
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Connection, func, select

from archive import dbdump
from archive.audit import AuditRecord
from archive.blobstore import BlobNotFound, fsync_dir, private_dir, write_private
from archive.models import Blob
from docsvc.access import Principal
from docsvc.config import Settings
from docsvc.ops.manifest import (
    ANCHORS,
    BLOB_LIST,
    FORMAT,
    SETTINGS,
    Backup,
    BackupRefused,
    BlobEntry,
    blob_relpath,
    copy_hashed,
    file_entries,
    hash_file,
    key_check,
    open_backup,
    resolve_previous,
    write_manifest,
    write_private_text,
)
from docsvc.services.audit import PermissionDenied, record_now
from docsvc.services.container import Services

ACTION = "system.backup"
SECRET_SETTINGS = frozenset({"secret_key", "audit_key", "admin_password", "smtp_password"})
_SECRET_WORDS = ("secret", "password", "passphrase", "token", "credential", "_key")


@dataclass
class BackupReport:
    path: Path
    id: str
    created_at: str
    database: str
    revision: str | None
    counts: dict[str, int]
    blobs: int = 0
    blob_bytes: int = 0
    copied: int = 0
    copied_bytes: int = 0
    referenced: int = 0
    previous_unusable: int = 0          # in --previous, but gone or changed there: copied again
    missing: list[str] = field(default_factory=list)   # listed in the database, not in the store
    corrupt: list[str] = field(default_factory=list)   # in the store with other bytes
    anchors: int = 0
    previous: list[dict] = field(default_factory=list)
    size_bytes: int = 0                 # written into this backup's folder
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        return not self.missing and not self.corrupt

    def as_dict(self) -> dict:
        return {"path": str(self.path), "id": self.id, "created_at": self.created_at, "database": self.database,
                "revision": self.revision, "counts": self.counts, "blobs": self.blobs, "blob_bytes": self.blob_bytes,
                "copied": self.copied, "copied_bytes": self.copied_bytes, "referenced": self.referenced,
                "previous_unusable": self.previous_unusable, "missing": self.missing, "corrupt": self.corrupt,
                "anchor_files": self.anchors, "previous": self.previous, "size_bytes": self.size_bytes,
                "seconds": round(self.seconds, 3), "complete": self.complete}


def make_backup(services: Services, principal: Principal, out: Path | str, *, previous: Path | str | None = None,
                progress: Callable[[str], None] | None = None) -> BackupReport:
    """Write a backup to the new or empty folder ``out`` (``previous``: an earlier backup whose
    blobs are referenced instead of copied). ``progress`` is told each stage as it ends:
    ``anchors``, ``database`` (the snapshot is written, and still open), ``blobs``.
    Raises BackupRefused, PermissionDenied, DumpError."""
    if not principal.can(ACTION):
        raise PermissionDenied(ACTION)
    started = time.monotonic()
    out = Path(out).absolute()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupRefused("out_not_empty", f"Thư mục đích {out} đã có dữ liệu: hãy chọn một thư mục mới hoặc "
                                             "trống (một bản sao lưu không bao giờ ghi đè bản khác).", out)
    missing_tools = dbdump.tools_missing(services.engine)
    if missing_tools:
        raise BackupRefused("tools_missing", "Cần cài chương trình " + ", ".join(missing_tools)
                            + " (gói postgresql-client) để sao lưu PostgreSQL.")
    prev = resolve_previous(open_backup(previous, what="Bản sao lưu trước"), strict=False) if previous else None
    private_dir(out.parent)
    work = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    private_dir(work)
    tell = progress or (lambda _stage: None)
    try:
        report = _write(services, work, out, prev, tell)
        if out.exists():
            out.rmdir()
        os.rename(work, out)
        fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    report.seconds = time.monotonic() - started
    record_now(services, principal, ACTION, details={
        "path": str(out), "id": report.id, "database": report.database, "revision": report.revision,
        "documents": report.counts.get("documents", 0), "blobs": report.blobs, "copied": report.copied,
        "referenced": report.referenced, "missing": len(report.missing), "corrupt": len(report.corrupt),
        "size_bytes": report.size_bytes, "seconds": round(report.seconds, 2),
        "previous": str(prev.path) if prev else None})
    return report


def _write(services: Services, work: Path, out: Path, prev: Backup | None,
           tell: Callable[[str], None]) -> BackupReport:
    created_at = datetime.now(timezone.utc).isoformat()
    anchor_names = _copy_anchors(services, work / ANCHORS)
    tell("anchors")
    kind = dbdump.kind_of(services.engine)
    db_name = dbdump.FILE_NAMES[kind]
    rows_file = work / ".blob-rows.jsonl"
    with dbdump.snapshot(services.engine, work / db_name) as conn:
        tell("database")   # written; what is read below is read from the same snapshot
        revision = dbdump.revision(conn)
        counts = dbdump.row_counts(conn)
        last_seq = conn.execute(select(func.max(AuditRecord.seq))).scalar() or 0
        _save_blob_rows(conn, rows_file)
    report = BackupReport(out, uuid.uuid4().hex, created_at, kind, revision, counts)
    used: dict[str, Backup] = {}
    with open(work / BLOB_LIST, "w", encoding="utf-8") as listing:
        for entry in _blob_entries(services, work, rows_file, prev, report, used):
            listing.write(entry.line() + "\n")
        listing.flush()
        os.fsync(listing.fileno())
    rows_file.unlink()
    tell("blobs")
    write_private_text(work / SETTINGS, json.dumps(public_settings(services.settings), ensure_ascii=False,
                                                   indent=2, sort_keys=True) + "\n")
    report.anchors = len(anchor_names)
    report.previous = [{"id": b.id, "name": b.path.name, "path": str(b.path),
                        "created_at": b.manifest["created_at"]} for b in used.values()]
    listed = file_entries(work, [db_name, BLOB_LIST, SETTINGS, *anchor_names])
    report.size_bytes = sum(f["size"] for f in listed.values()) + report.copied_bytes
    write_manifest(work, {
        "format": FORMAT, "id": report.id, "created_at": created_at, "docsvc": _version(),
        "database": {"kind": kind, "file": db_name, "revision": revision, "audit_last_seq": last_seq},
        "counts": counts,
        "blobs": {"count": report.blobs, "bytes": report.blob_bytes, "copied": report.copied,
                  "copied_bytes": report.copied_bytes, "referenced": report.referenced,
                  "missing": report.missing, "corrupt": report.corrupt},
        "previous": report.previous,
        "keys": {"audit": key_check(services.audit_key),
                 "secret": key_check(services.settings.resolved_secret_key().encode())},
        "files": listed,
    })
    return report


def _copy_anchors(services: Services, dest: Path) -> list[str]:
    """The anchor files, each up to its last whole line (a writer may be appending)."""
    names = []
    for path in services.anchors.files():
        data = path.read_bytes()
        data = data[:data.rfind(b"\n") + 1]
        write_private(dest / path.name, data)
        names.append(f"{ANCHORS}/{path.name}")
    return names


def _save_blob_rows(conn: Connection, rows_file: Path) -> None:
    """The snapshot's blob rows in SHA-256 order, kept on disk (bounded memory; and the
    PostgreSQL snapshot need not stay open while blobs are copied)."""
    column = Blob.sha256.collate("C") if conn.dialect.name == "postgresql" else Blob.sha256  # byte order
    query = select(Blob.sha256, Blob.size_bytes, Blob.media_type, Blob.role).order_by(column)
    with open(rows_file, "w", encoding="utf-8") as fh:
        for sha, size, media_type, role in conn.execution_options(yield_per=5000).execute(query):
            fh.write(BlobEntry(sha, int(size), media_type, role).line() + "\n")


class _Earlier:
    """The earlier backup's blob list, walked alongside ours (both in SHA-256 order)."""

    def __init__(self, prev: Backup | None):
        self.prev = prev
        self._entries: Iterator[BlobEntry] = prev.blobs() if prev else iter(())
        self._current: BlobEntry | None = next(self._entries, None)

    def find(self, sha: str) -> BlobEntry | None:
        while self._current is not None and self._current.sha256 < sha:
            self._current = next(self._entries, None)
        return self._current if self._current is not None and self._current.sha256 == sha else None


def _blob_entries(services: Services, work: Path, rows_file: Path, prev: Backup | None, report: BackupReport,
                  used: dict[str, Backup]) -> Iterator[BlobEntry]:
    earlier = _Earlier(prev)
    last = ""
    with open(rows_file, encoding="utf-8") as rows:
        for raw in rows:
            row = BlobEntry.parse(raw)
            if row.sha256 <= last:
                raise RuntimeError("blob rows out of order")   # the database ignored the byte-order collation
            last = row.sha256
            report.blobs += 1
            report.blob_bytes += row.size
            old = earlier.find(row.sha256)
            if old is not None:
                holder = prev.holder(old)
                file = prev.blob_file(old)
                if holder is not None and file.is_file() and hash_file(file) == (row.sha256, old.size):
                    used[holder.id] = holder
                    report.referenced += 1
                    yield BlobEntry(row.sha256, old.size, row.media_type, row.role, holder.id)
                    continue
                report.previous_unusable += 1
            size = _copy_blob(services, work, row, report)
            if size is not None:   # the size of the bytes themselves (the row's is only a record of it)
                yield BlobEntry(row.sha256, size, row.media_type, row.role)


def _copy_blob(services: Services, work: Path, row: BlobEntry, report: BackupReport) -> int | None:
    dest = work / blob_relpath(row.sha256)
    try:
        with services.blobs.open(row.sha256) as src:
            sha, size = copy_hashed(src, dest)
    except BlobNotFound:
        report.missing.append(row.sha256)
        return None
    if sha != row.sha256:
        dest.unlink()
        report.corrupt.append(row.sha256)
        return None
    report.copied += 1
    report.copied_bytes += size
    return size


def public_settings(settings: Settings) -> dict:
    """Every setting but the secrets (left out by name), with passwords taken out of URLs."""
    out: dict = {"left_out": []}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if f.name in SECRET_SETTINGS or any(word in f.name for word in _SECRET_WORDS):
            out["left_out"].append(f.name)
            continue
        if isinstance(value, Path):
            value = str(value)
        elif isinstance(value, str) and "://" in value:
            value = without_password(value)
        out[f.name] = value
    return out


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("docsvc")
    except PackageNotFoundError:
        return "unknown"
