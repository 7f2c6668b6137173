"""``docsvc restore``: a backup brought back onto an empty installation, then proved.

Nothing is written before the whole backup is known to be good: the manifest and every
file it lists match their hashes, every blob (here or in an earlier backup it refers to)
matches its name, the audit key given is the one the backup was made with, this version
knows the backup's database revision, and the target holds no data (no table in its
database, no blob in its store). Then the database is loaded (and migrated forward when
this version is newer), the blobs copied into the store, the anchors put back, and the
result checked as an operator would: fixity, ``audit verify`` against the anchors, the
search index rebuilt and compared with the database, and the row counts against the
manifest. Each result is reported; the restore itself is the last record of the trail.

An anchor directory that survived on other storage is kept: the backup's anchors are
added to it, and ``audit verify`` then says plainly which records were lost since the backup.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from archive import dbdump
from archive.blobstore import fsync_dir, private_dir, write_private
from archive.fixity import check_fixity
from archive.migrate import alembic_config, head_revision, upgrade
from docsvc.access import Principal
from docsvc.ops.manifest import ANCHORS, Backup, BackupRefused, hash_file, key_check, open_backup, resolve_previous
from docsvc.services.audit import PermissionDenied, record_now
from docsvc.services.container import Services

ACTION = "system.restore"
PERMISSION = "system.backup"


@dataclass
class RestoreReport:
    source: Path
    backup_id: str
    created_at: str
    database: str
    revision: str | None
    migrated_to: str | None = None
    blobs: int = 0
    blob_bytes: int = 0
    from_previous: int = 0
    anchor_lines: int = 0
    count_differences: dict[str, list[int]] = field(default_factory=dict)   # table: [in backup, restored]
    fixity: dict = field(default_factory=dict)
    audit: dict = field(default_factory=dict)
    index: dict = field(default_factory=dict)
    secret_key_matches: bool = True
    seconds: float = 0.0

    @property
    def index_clean(self) -> bool:
        check = self.index.get("check", {})
        return all(not check.get(k) for k in ("missing", "stale", "extra")) and \
            all(not check.get("person", {}).get(k) for k in ("missing", "stale", "extra"))

    @property
    def ok(self) -> bool:
        return (not self.count_differences and not self.fixity.get("missing") and not self.fixity.get("corrupt")
                and bool(self.audit.get("intact")) and self.index_clean)

    def as_dict(self) -> dict:
        return {"source": str(self.source), "backup_id": self.backup_id, "created_at": self.created_at,
                "database": self.database, "revision": self.revision, "migrated_to": self.migrated_to,
                "blobs": self.blobs, "blob_bytes": self.blob_bytes, "from_previous": self.from_previous,
                "anchor_lines": self.anchor_lines, "counts_match": not self.count_differences,
                "count_differences": self.count_differences, "fixity": self.fixity, "audit": self.audit,
                "index": self.index, "index_clean": self.index_clean, "secret_key_matches": self.secret_key_matches,
                "seconds": round(self.seconds, 3), "ok": self.ok}


def restore_backup(services: Services, principal: Principal, source: Path | str, *, audit_key: bytes | None = None,
                   previous: Sequence[Path] = (), progress: Callable[[str], None] | None = None) -> RestoreReport:
    """Restore the backup at ``source`` into this (empty) installation. ``audit_key``: the
    key the backup's chain was made with, when it is not this installation's setting or
    kept file; ``previous``: folders where earlier backups it refers to now are.
    ``progress`` is told each stage as it ends (``checked``, ``database``, ``blobs``,
    ``anchors``, ``fixity``, ``audit``, ``index``). Raises BackupRefused before writing anything."""
    if not principal.can(PERMISSION):
        raise PermissionDenied(PERMISSION)
    started = time.monotonic()
    tell = progress or (lambda _stage: None)
    backup = resolve_previous(open_backup(source), [Path(p) for p in previous], strict=True)
    key = _audit_key(services, audit_key, backup)
    db = backup.manifest["database"]
    missing_tools = dbdump.tools_missing(services.engine)
    if missing_tools:
        raise BackupRefused("tools_missing", "Cần cài chương trình " + ", ".join(missing_tools)
                            + " (gói postgresql-client) để khôi phục PostgreSQL.")
    if db["kind"] != dbdump.kind_of(services.engine):
        raise BackupRefused("database_kind", f"Bản sao lưu chứa CSDL {db['kind']}, còn cài đặt này dùng "
                                             f"{dbdump.kind_of(services.engine)}.")
    _check_revision(services, db["revision"])
    _check_empty(services)
    report = RestoreReport(backup.path, backup.id, backup.manifest["created_at"], db["kind"], db["revision"])
    report.secret_key_matches = (backup.manifest["keys"]["secret"]
                                 == key_check(services.settings.resolved_secret_key().encode()))
    _check_blobs(backup)
    tell("checked")

    dbdump.load(services.engine, backup.path / db["file"], db["kind"])
    with services.engine.connect() as conn:
        restored_counts = dbdump.row_counts(conn)
    report.count_differences = {
        table: [expected, restored_counts.get(table, 0)]
        for table, expected in backup.manifest["counts"].items() if restored_counts.get(table, 0) != expected}
    head = head_revision(services.engine)
    if db["revision"] != head:
        upgrade(services.engine)
        report.migrated_to = head
    tell("database")

    for entry in backup.blobs():   # read again rather than held: millions of lines at a province
        file = backup.blob_file(entry)
        _put_blob(services, entry.sha256, file)
        report.blobs += 1
        report.blob_bytes += entry.size
        report.from_previous += entry.source not in (None, backup.id)
    tell("blobs")
    report.anchor_lines = _merge_anchors(backup, services.settings.resolved_audit_anchor_dir)
    _keep_audit_key(services, key)
    tell("anchors")

    restored = dataclasses.replace(services, settings=dataclasses.replace(services.settings,
                                                                          audit_key=key.decode()))
    _prove(restored, principal, report, tell)
    report.seconds = time.monotonic() - started
    record_now(restored, principal, ACTION, details={
        "source": str(backup.path), "backup_id": backup.id, "backup_created_at": report.created_at,
        "revision": report.revision, "migrated_to": report.migrated_to, "blobs": report.blobs,
        "ok": report.ok, "fixity_intact": not report.fixity.get("missing") and not report.fixity.get("corrupt"),
        "audit_intact": bool(report.audit.get("intact")), "index_clean": report.index_clean,
        "counts_match": not report.count_differences, "seconds": round(report.seconds, 2)})
    return report


def _prove(restored: Services, principal: Principal, report: RestoreReport, tell: Callable[[str], None]) -> None:
    """The checks an operator would run after a restore, each reported."""
    from docsvc.audit.anchoring import describe, verify_audit
    from docsvc.finding import indexing

    with restored.session_factory() as session:
        report.fixity = check_fixity(session, restored.blobs).as_dict()
    tell("fixity")
    check = verify_audit(restored, principal)
    report.audit = {**check.as_dict(), "sentences": [[level, text] for level, text in describe(check)]}
    tell("audit")
    rebuilt = indexing.rebuild(restored, fresh=True)
    report.index = {"rebuilt": {kind: r.total for kind, r in rebuilt.items()},
                    "check": indexing.check(restored, repair=False)}
    tell("index")


def _audit_key(services: Services, given: bytes | None, backup: Backup) -> bytes:
    """The key to verify the chain with: given, else the setting, else the data directory's
    kept file; it must be the backup's (compared by its check value)."""
    kept = services.settings.data_dir / "audit_key"
    key = given or (services.settings.audit_key.encode() if services.settings.audit_key else None)
    if key is None and kept.is_file():
        key = kept.read_text().strip().encode()
    if key is None:
        raise BackupRefused("audit_key_missing", "Cần khóa nhật ký (audit key) mà bản sao lưu được tạo cùng: bản sao "
                                                 "lưu không chứa khóa bí mật. Hãy đặt DOCSVC_AUDIT_KEY hoặc dùng "
                                                 "--audit-key-file.")
    if key_check(key) != backup.manifest["keys"]["audit"]:
        raise BackupRefused("audit_key_mismatch", "Khóa nhật ký đã cho không phải khóa của bản sao lưu này: không "
                                                  "kiểm tra được chuỗi nhật ký. Hãy dùng đúng khóa đã cất giữ.")
    if services.settings.audit_key and services.settings.audit_key.encode() != key:
        raise BackupRefused("audit_key_conflict", "DOCSVC_AUDIT_KEY của cài đặt này khác khóa nhật ký của bản sao "
                                                  "lưu: dịch vụ sẽ không kiểm tra được chuỗi nhật ký đã khôi phục.")
    if not services.settings.audit_key and kept.is_file() and kept.read_text().strip().encode() != key:
        raise BackupRefused("audit_key_conflict", f"Thư mục dữ liệu đã có tệp khóa nhật ký {kept} khác khóa của "
                                                  "bản sao lưu: hãy xóa tệp đó (thư mục đích phải trống).", kept)
    return key


def _keep_audit_key(services: Services, key: bytes) -> None:
    """A key given on the command line is kept where the service will look for it."""
    kept = services.settings.data_dir / "audit_key"
    if not services.settings.audit_key and not kept.is_file():
        write_private(kept, key)


def _check_revision(services: Services, revision: str | None) -> None:
    if revision is None:
        return
    scripts = ScriptDirectory.from_config(alembic_config(services.engine))
    try:
        known = scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        known = False
    if not known:
        raise BackupRefused("backup_newer", f"Bản sao lưu có CSDL ở phiên bản {revision} mà phiên bản docsvc này "
                                            "không biết: hãy khôi phục bằng phiên bản docsvc đã tạo nó (hoặc mới hơn).")


def _check_empty(services: Services) -> None:
    with services.engine.connect() as conn:
        tables = dbdump.table_names(conn)
    if tables:
        where = make_url(services.settings.resolved_database_url).render_as_string(hide_password=True)
        raise BackupRefused("target_not_empty", f"CSDL đích {where} không trống ({len(tables)} bảng): chỉ khôi phục "
                                                "vào một CSDL mới, trống (không chạy 'docsvc init' trước).", where)
    if next(iter(services.blobs.iter_shas()), None) is not None:
        root = services.blobs.root
        raise BackupRefused("target_not_empty", f"Kho tệp đích {root} đã có tệp: chỉ khôi phục vào một thư mục dữ "
                                                "liệu trống.", root)


def _check_blobs(backup: Backup) -> None:
    """Every blob file the backup needs, found and matching its name (before anything is written)."""
    for entry in backup.blobs():
        file = backup.blob_file(entry)
        if file is None or not file.is_file():
            raise BackupRefused("backup_damaged", f"Bản sao lưu bị thiếu tệp {file or entry.sha256}.", file)
        if hash_file(file) != (entry.sha256, entry.size):
            raise BackupRefused("backup_damaged", f"Bản sao lưu bị hỏng: tệp {file} không khớp mã băm của nó.", file)


def _put_blob(services: Services, sha256: str, file: Path) -> None:
    with open(file, "rb") as fh:
        staged = services.blobs.stage(fh)
    if staged.sha256 != sha256:   # changed since it was checked a moment ago
        staged.discard()
        raise BackupRefused("backup_damaged", f"Tệp {file} đã thay đổi trong lúc khôi phục.", file)
    services.blobs.commit(staged)


def _merge_anchors(backup: Backup, directory: Path) -> int:
    """Put the backup's anchor lines into the anchor directory (lines already there stay)."""
    added = 0
    for name in sorted(n for n in backup.manifest["files"] if n.startswith(f"{ANCHORS}/")):
        lines = [line for line in (backup.path / name).read_bytes().splitlines() if line.strip()]
        dest = directory / Path(name).name
        if not dest.exists():
            write_private(dest, b"".join(line + b"\n" for line in lines))
            added += len(lines)
            continue
        have = set(dest.read_bytes().splitlines())
        new = [line for line in lines if line not in have]
        if new:
            fd = os.open(dest, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, b"".join(line + b"\n" for line in new))
                os.fsync(fd)
            finally:
                os.close(fd)
            added += len(new)
    if directory.is_dir():
        fsync_dir(directory)
    else:
        private_dir(directory)
    return added
