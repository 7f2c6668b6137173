"""Backup and restore (issue 15, point 4), on real SQLite (and PostgreSQL when its tools are
here), real blob stores, real Whoosh indexes, through the use cases and the commands.

Tried: a backup taken while a thread keeps registering incoming documents (each with a new
file), held at the moment after the database snapshot until two more were written and the
new head anchored, so blobs and an anchor exist that the snapshot does not know; an incremental backup after new documents; a restore
of it from the earlier backup's files, and with that earlier backup moved away (refused,
then found with --previous); one byte changed in the database file, in a blob, in the
manifest; a target database or blob store that already holds data; no audit key and the
wrong one; an output folder that is not empty; a --previous that does not exist; settings
with passwords in URLs; a backup of an older database revision (migrated forward) and of an
unknown newer one (refused); anchors on surviving storage that know a later head than the
backup (reported as lost records). Every refusal is checked to leave the target as it was.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive import dbdump
from archive.audit import AuditRecord
from archive.models import Blob
from docsvc import create_app
from docsvc.access import system_principal
from docsvc.audit.anchoring import anchor_now
from docsvc.audit.personal import Purpose
from docsvc.documents.submit import submit_stream
from docsvc.finding.services import run_search
from docsvc.incoming import services as incoming
from docsvc.ops.backup import make_backup, public_settings
from docsvc.ops.manifest import BLOB_LIST, MANIFEST, BackupRefused, blob_relpath
from docsvc.ops.restore import restore_backup
from docsvc.services.audit import PermissionDenied
from docsvc.worker import wait_for_jobs
from tests.app.inputs import text_pdf
from tests.extracts.conftest import Office

SYSTEM = system_principal("test")
DOCS = [  # number, lines
    (135, ["KẾ HOẠCH", "Về việc số hóa sổ hộ tịch từ năm 1956", "Chuyển đổi số trong công tác hộ tịch"]),
    (136, ["QUYẾT ĐỊNH", "Về việc khen thưởng tập thể", "Hoàn thành kế hoạch chuyển đổi số"]),
    (137, ["THÔNG BÁO", "Về việc lịch tiếp công dân", "Tiếp công dân vào thứ năm hằng tuần"]),
]
QUERIES = ["số hóa hộ tịch", "khen thưởng", "135/KH-UBND", "tiếp công dân", "chuyển đổi số", "Nguyễn Văn An",
           "Trần Thị Bình"]


def ingest(services, number: int, lines: list[str], unit: str = "XA-A") -> int:
    body = ["ỦY BAN NHÂN DÂN XÃ A", f"Số: {number}/KH-UBND", "ngày 05 tháng 01 năm 2026", *lines]
    sub = submit_stream(services, io.BytesIO(text_pdf(body)), f"{number}.pdf", principal=SYSTEM, unit_code=unit)
    assert wait_for_jobs(services, [sub.job_id], timeout=600)[sub.job_id].status == "done"
    return sub.document_id


def answers(services) -> dict:
    """The same searches, as (kind, id, page) lists, by an operator who sees everything."""
    out = {}
    for q in QUERIES:
        result = run_search(services, SYSTEM, q, per_page=50, purpose=Purpose("verification"))
        out[q] = [(h.kind, h.id, h.page) for h in result.hits]
    return out


def counts(services) -> dict[str, int]:
    with services.engine.connect() as conn:
        return dbdump.row_counts(conn)


def blob_shas(services) -> set[str]:
    with services.session_factory() as session:
        return set(session.scalars(select(Blob.sha256)))


def fresh_app(root: Path, database_url: str | None = None, **more):
    """An installation with nothing in it yet (no `docsvc init`): the target of a restore."""
    return create_app({"DATA_DIR": root / "var", "SECRET_KEY": "test-secret", "INDEX_PROCS": 1, "TESTING": True,
                       **({"DATABASE_URL": database_url} if database_url else {}), **more}, web=False)


class Writer(threading.Thread):
    """Registers incoming documents, each with a file of its own, until stopped."""

    def __init__(self, services):
        super().__init__(daemon=True)
        self.services, self.written, self.error = services, 0, None
        self.stop = threading.Event()
        self.changed = threading.Condition()

    def run(self) -> None:
        try:
            i = 0
            while not self.stop.is_set():
                i += 1
                pdf = text_pdf(["GIẤY MỜI", f"Số: {i}/GM-UBND", f"Mời họp lần thứ {i}"])
                sub = submit_stream(self.services, io.BytesIO(pdf), f"den-{i}.pdf", principal=SYSTEM,
                                    unit_code="XA-A")
                incoming.register_incoming(self.services, SYSTEM, {
                    "document_id": sub.document_id, "number": str(i), "symbol": "GM-UBND",
                    "issuer": "UBND huyện Tân Phú", "abstract": f"Mời họp lần thứ {i}", "office": "XA-A"})
                with self.changed:
                    self.written += 1
                    self.changed.notify_all()
        except Exception as exc:  # surfaced by the test
            self.error = exc
            with self.changed:
                self.changed.notify_all()

    def wait_for(self, count: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.written >= count or self.error, timeout=300), self.written
        assert self.error is None, self.error


@pytest.fixture
def archive_data(services, accounts):
    """Documents read from their text layer, a book with verified entries, two extracts,
    two incoming registrations, and an anchor of the audit chain."""
    office = Office(services, accounts)
    docs = {number: ingest(services, number, lines) for number, lines in DOCS}
    entries = [office.entry("Nguyễn Văn An"), office.entry("Trần Thị Bình", date_of_birth="02/04/2024"),
               office.entry("Lê Văn Cường", verified=False)]
    extracts = [office.issue(entries[0]["id"]), office.issue(entries[1]["id"], requester="Trần Văn Bố")]
    for n in (1, 2):
        incoming.register_incoming(services, SYSTEM, {"document_id": docs[135 + n], "office": "XA-A"})
    anchor_now(services, SYSTEM)
    return {"docs": docs, "entries": entries, "extracts": extracts}


def test_round_trip_while_a_writer_writes(app, services, archive_data, tmp_path, spare_database_url):
    before = answers(services)
    assert [h[1] for h in before["khen thưởng"]] == [archive_data["docs"][136]]
    assert {h[0] for h in before["Nguyễn Văn An"]} == {"person"}
    report = backup_while_writing(services, tmp_path / "backup")
    assert report.complete and report.copied == report.blobs and report.referenced == 0
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    listed = listed_blobs(tmp_path / "backup")
    assert len(listed) == report.blobs == manifest["counts"]["blobs"]
    live = blob_shas(services)
    assert listed < live                          # files written after the snapshot are not in it
    assert manifest["counts"]["incoming_documents"] < counts(services)["incoming_documents"]
    assert not list(tmp_path.glob(".backup.partial-*"))
    _no_secret_in(tmp_path / "backup", services)
    with services.session_factory() as session:
        recorded = session.scalars(select(AuditRecord).where(AuditRecord.action == "system.backup")).one()
    assert recorded.details["path"] == str(tmp_path / "backup") and recorded.details["blobs"] == report.blobs

    target = fresh_app(tmp_path / "restored", spare_database_url)
    result = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup"), "--json", "--audit-key-file",
                                                   str(services.settings.data_dir / "audit_key")])
    assert result.exit_code == 0, result.output
    restored_report = json.loads(result.output)
    assert restored_report["ok"] and restored_report["counts_match"] and restored_report["index_clean"]
    assert restored_report["audit"]["anchors"]["state"] == "ok"
    restored = target.extensions["docsvc"]
    runner = target.test_cli_runner()
    fixity = runner.invoke(args=["fixity", "--json"])
    assert fixity.exit_code == 0 and json.loads(fixity.output)["checked"] == report.blobs, fixity.output
    verify = runner.invoke(args=["audit", "verify", "--json"])
    assert verify.exit_code == 0 and json.loads(verify.output)["intact"], verify.output
    check = json.loads(runner.invoke(args=["reindex", "--check", "--json"]).output)
    assert not (check["missing"] or check["stale"] or check["extra"] or check["repaired"])
    assert not (check["person"]["missing"] or check["person"]["stale"] or check["person"]["extra"])
    assert check["checked"] == len(DOCS) and check["person"]["checked"] == 3   # keyed and verified
    got = counts(restored)
    with restored.session_factory() as session:   # the manual fixity run above records itself too
        runs = session.scalar(select(func.count()).select_from(AuditRecord)
                              .where(AuditRecord.action == "system.fixity_run"))
    assert runs == 1
    assert got["audit_records"] == manifest["counts"]["audit_records"] + 1 + runs   # the restore's own record
    after = ("audit_records", "blob_checks", "fixity_runs")   # what the checks after the restore wrote
    assert {k: v for k, v in got.items() if k not in after} == \
        {k: v for k, v in manifest["counts"].items() if k not in after}
    with restored.session_factory() as session:
        last = session.scalars(select(AuditRecord).where(AuditRecord.action != "system.fixity_run")
                               .order_by(AuditRecord.seq.desc()).limit(1)).one()
    assert last.action == "system.restore" and last.details["ok"] is True
    assert blob_shas(restored) == listed
    assert answers(restored) == before
    pdf = archive_data["extracts"][0]["pdf_sha256"]
    assert restored.blobs.read(pdf) == services.blobs.read(pdf)
    restored.close()


def backup_while_writing(services, out: Path):
    """A backup while a Writer writes; held once the database snapshot is written (and still
    open) until two more documents and a new anchor exist that it must not hold."""
    writer = Writer(services)
    writer.start()
    writer.wait_for(2)
    at_snapshot = {}

    def progress(stage):
        if stage == "database":
            at_snapshot["written"] = writer.written
            writer.wait_for(writer.written + 2)
            anchor_now(services, SYSTEM)   # names records the snapshot lacks: must not be in the backup

    try:
        report = make_backup(services, SYSTEM, out, progress=progress)
    finally:
        writer.stop.set()
        writer.join(timeout=300)
    assert writer.error is None and writer.written >= at_snapshot["written"] + 2
    return report


def listed_blobs(backup: Path) -> set[str]:
    return {json.loads(line)["sha256"] for line in (backup / BLOB_LIST).read_text().splitlines()}


def _no_secret_in(folder: Path, services) -> None:
    secrets = [services.audit_key, services.settings.resolved_secret_key().encode()]
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(s in data for s in secrets), path
    settings = json.loads((folder / "settings.json").read_text())
    assert {"secret_key", "audit_key", "admin_password", "smtp_password"} <= set(settings["left_out"])
    assert "secret_key" not in settings and "audit_key" not in settings


def test_settings_leave_out_secrets_and_url_passwords():
    from docsvc.config import load_settings

    settings = load_settings({"DATABASE_URL": "postgresql+psycopg://docsvc:pg-mat-khau@db.local:5432/docsvc",
                              "QUEUE_URL": "redis://:redis-mat-khau@queue.local:6379/0", "SMTP_PASSWORD": "thu-mk",
                              "SMTP_USER": "thu", "AUDIT_KEY": "khoa-nhat-ky", "SECRET_KEY": "khoa-bi-mat",
                              "ADMIN_PASSWORD": "quan-tri-mk"}, environ={})
    text = json.dumps(public_settings(settings))
    for secret in ("pg-mat-khau", "redis-mat-khau", "thu-mk", "khoa-nhat-ky", "khoa-bi-mat", "quan-tri-mk"):
        assert secret not in text
    out = public_settings(settings)
    assert out["database_url"] == "postgresql+psycopg://docsvc:***@db.local:5432/docsvc"
    assert out["queue_url"] == "redis://:***@queue.local:6379/0" and out["smtp_user"] == "thu"


def test_incremental_backup_copies_only_new_blobs_and_restores_from_both(services, accounts, tmp_path, spare_database_url):
    accounts  # the units
    first_doc = ingest(services, 135, DOCS[0][1])
    anchor_now(services, SYSTEM)
    full = make_backup(services, SYSTEM, tmp_path / "b1")
    old = blob_shas(services)
    ingest(services, 136, DOCS[1][1])
    new = blob_shas(services) - old
    assert new
    incremental = make_backup(services, SYSTEM, tmp_path / "b2", previous=tmp_path / "b1")
    assert (incremental.copied, incremental.referenced) == (len(new), len(old)) == (len(new), full.blobs)
    copied_files = {p.name for p in (tmp_path / "b2" / "blobs").rglob("*") if p.is_file()}
    assert copied_files == new
    # A third backup on the second refers to the first one's files through the second's list.
    third = make_backup(services, SYSTEM, tmp_path / "b3", previous=tmp_path / "b2")
    assert (third.copied, third.referenced) == (0, len(old) + len(new))
    assert {p["name"] for p in third.previous} == {"b1", "b2"}

    # The earlier backups moved away: the restore refuses, writes nothing, and finds them when told.
    shutil.move(tmp_path / "b1", tmp_path / "elsewhere-b1")
    target = fresh_app(tmp_path / "t", spare_database_url)
    svc = target.extensions["docsvc"]
    key = services.audit_key
    with pytest.raises(BackupRefused) as refused:
        restore_backup(svc, SYSTEM, tmp_path / "b3", audit_key=key)
    assert refused.value.code == "previous_missing" and "b1" in refused.value.message
    assert counts(svc) == {} and not any(svc.blobs.iter_shas())
    report = restore_backup(svc, SYSTEM, tmp_path / "b3", audit_key=key, previous=[tmp_path / "elsewhere-b1"])
    assert report.ok and report.from_previous == len(old) + len(new) and report.blobs == len(old) + len(new)
    assert svc.blobs.read(next(iter(old))) == services.blobs.read(next(iter(old)))
    with svc.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Blob)) == len(old) + len(new)
    assert first_doc in [h.id for h in run_search(svc, SYSTEM, "số hóa hộ tịch").hits]
    svc.close()


def test_refusals_leave_everything_as_it_was(app, services, accounts, tmp_path, spare_database_url):
    accounts  # the units
    ingest(services, 135, DOCS[0][1])
    backup = tmp_path / "backup"
    make_backup(services, SYSTEM, backup)
    key = services.audit_key

    # Backups: a folder that is not empty, a previous backup that is not there.
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    for out, previous, code in ((tmp_path / "full", None, "out_not_empty"),
                                (tmp_path / "b-new", tmp_path / "no-such-backup", "backup_missing")):
        with pytest.raises(BackupRefused) as refused:
            make_backup(services, SYSTEM, out, previous=previous)
        assert refused.value.code == code
    assert not (tmp_path / "b-new").exists() and not list(tmp_path.glob(".b-new.partial-*"))

    target = fresh_app(tmp_path / "t", spare_database_url)
    svc = target.extensions["docsvc"]

    def refused_restore(code: str, *, names: str | None = None, **kw):
        with pytest.raises(BackupRefused) as refused:
            restore_backup(svc, SYSTEM, kw.pop("source", backup), **kw)
        assert refused.value.code == code, refused.value.message
        if names:
            assert names in refused.value.message and refused.value.path.endswith(names)
        assert counts(svc) == {} and not any(svc.blobs.iter_shas())   # nothing written
        return refused.value

    # One byte changed, in the database file, in a blob, in the manifest: named, then put back.
    blob = json.loads((backup / BLOB_LIST).read_text().splitlines()[0])["sha256"]
    database_file = "database.pgdump" if services.engine.dialect.name == "postgresql" else "database.sqlite3"
    for name in (database_file, blob_relpath(blob), MANIFEST):
        path = backup / name
        path.chmod(0o600)
        data = path.read_bytes()
        flipped = bytearray(data)
        flipped[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(flipped))
        refused_restore("backup_damaged", names=name, audit_key=key)
        path.write_bytes(data)

    refused_restore("audit_key_mismatch", audit_key=b"not-the-key")
    message = refused_restore("audit_key_missing").message
    assert "--audit-key-file" in message and not (svc.settings.data_dir / "audit_key").exists()
    refused_restore("backup_missing", source=tmp_path / "nothing-here", audit_key=key)

    # A target that holds data: the original installation itself, then a store with a file.
    before = counts(services)
    with pytest.raises(BackupRefused) as refused:
        restore_backup(services, SYSTEM, backup)
    assert refused.value.code == "target_not_empty" and counts(services) == before
    svc.blobs.put(b"a file left from an earlier life")
    with pytest.raises(BackupRefused) as refused:
        restore_backup(svc, SYSTEM, backup, audit_key=key)
    assert refused.value.code == "target_not_empty" and counts(svc) == {}

    # The command line says it in words (and in JSON with a code), exit 1.
    runner = target.test_cli_runner()
    (tmp_path / "audit-key").write_bytes(key)
    result = runner.invoke(args=["restore", str(backup), "--json", "--audit-key-file", str(tmp_path / "audit-key")])
    assert result.exit_code == 1 and json.loads(result.output)["error"] == "target_not_empty"
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "full")])
    assert result.exit_code == 1 and "đã có dữ liệu" in result.output
    svc.close()


needs_pg_tools = pytest.mark.skipif(not (shutil.which("pg_dump") and shutil.which("pg_restore")),
                                    reason="pg_dump/pg_restore not installed")


@pytest.mark.postgres
@needs_pg_tools
def test_postgresql_round_trip(tmp_path):
    from sqlalchemy import create_engine, text

    from tests.backends import POSTGRES_URL, make_app
    from tests.conftest import Accounts

    admin = create_engine(POSTGRES_URL)
    try:
        with admin.connect():
            pass
    except Exception as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL not reachable at {POSTGRES_URL} ({exc.__class__.__name__})")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({exc.__class__.__name__})")
    names = [f"docsvc_backup_{role}_{os.getpid()}" for role in ("source", "target")]
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    urls = [admin.url.set(database=n).render_as_string(hide_password=False) for n in names]
    source = target = None
    try:
        source = make_app(tmp_path / "source", urls[0], index=True).extensions["docsvc"]
        Accounts(source).user("quantri", "admin")   # incoming rows name a user
        docs = {number: ingest(source, number, lines) for number, lines in DOCS}
        anchor_now(source, SYSTEM)
        before = answers(source)
        assert [h[1] for h in before["khen thưởng"]] == [docs[136]]
        report = backup_while_writing(source, tmp_path / "backup")
        assert report.database == "postgresql" and (tmp_path / "backup" / "database.pgdump").is_file()
        assert report.complete and listed_blobs(tmp_path / "backup") < blob_shas(source)
        target = fresh_app(tmp_path / "target", DATABASE_URL=urls[1]).extensions["docsvc"]
        restored = restore_backup(target, SYSTEM, tmp_path / "backup", audit_key=source.audit_key)
        assert restored.ok, restored.as_dict()
        assert restored.fixity["checked"] == report.blobs and restored.audit["anchors"]["state"] == "ok"
        assert answers(target) == before
        assert blob_shas(target) == listed_blobs(tmp_path / "backup")
        got, expected = counts(target), json.loads((tmp_path / "backup" / MANIFEST).read_text())["counts"]
        assert got["audit_records"] == expected["audit_records"] + 1
        assert {k: v for k, v in got.items() if k != "audit_records"} == \
            {k: v for k, v in expected.items() if k != "audit_records"}
        # Sequences came back too: a new document gets a new id, not one already taken.
        assert ingest(target, 138, ["CÔNG VĂN", "Về việc sau khi khôi phục"]) > max(docs.values())
    finally:
        for svc in (source, target):
            if svc is not None:
                svc.close()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_backup_of_an_older_version_is_migrated_forward_and_one_of_a_newer_is_refused(tmp_path):
    """A database left at revision 0014 (as an older docsvc made it), backed up, comes back
    migrated to this version's head; a manifest naming a revision this version does not
    know (re-sealed, as a newer docsvc would write it) is refused before anything is written."""
    from archive.migrate import head_revision, upgrade
    from docsvc.ops.manifest import write_manifest

    old = fresh_app(tmp_path / "old").extensions["docsvc"]
    upgrade(old.engine, "0014")
    old.blobs.put(b"an original of the older version")
    make_backup(old, SYSTEM, tmp_path / "backup")
    target = fresh_app(tmp_path / "t").extensions["docsvc"]
    report = restore_backup(target, SYSTEM, tmp_path / "backup", audit_key=old.audit_key)
    assert report.revision == "0014" and report.migrated_to == head_revision(target.engine) != "0014"
    assert report.ok and report.blobs == 0        # a blob without a row is not the archive's: not listed

    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    manifest["database"]["revision"] = "0099_from_the_future"
    (tmp_path / "backup" / MANIFEST).chmod(0o600)
    (tmp_path / "backup" / "manifest.json.sha256").chmod(0o600)
    write_manifest(tmp_path / "backup", manifest)
    other = fresh_app(tmp_path / "t2").extensions["docsvc"]
    with pytest.raises(BackupRefused) as refused:
        restore_backup(other, SYSTEM, tmp_path / "backup", audit_key=old.audit_key)
    assert refused.value.code == "backup_newer" and counts(other) == {}
    for svc in (old, target, other):
        svc.close()


def test_anchors_that_survived_elsewhere_tell_what_the_backup_lacks(services, accounts, tmp_path, spare_database_url):
    """The anchor directory on other storage outlived the server and knows a later head than
    the backup: the restore keeps those anchors, adds the backup's, and reports the records
    written after the backup as missing (a failed check, exit 1), instead of hiding them."""
    make_backup(services, SYSTEM, tmp_path / "backup")
    accounts.user("later", "clerk")            # records written after the backup ...
    anchor_now(services, SYSTEM)               # ... and anchored on the storage that survives
    survived = tmp_path / "other-storage"
    shutil.copytree(services.settings.resolved_audit_anchor_dir, survived)
    target = fresh_app(tmp_path / "t", spare_database_url, AUDIT_ANCHOR_DIR=survived)
    (tmp_path / "audit-key").write_bytes(services.audit_key)
    result = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup"), "--audit-key-file",
                                                   str(tmp_path / "audit-key")])
    assert result.exit_code == 1, result.output
    assert "LỖI Nhật ký" in result.output and "Nhật ký đã bị can thiệp: mất các bản ghi" in result.output
    assert "ĐẠT Kiểm tra tệp" in result.output and "ĐẠT Số bản ghi" in result.output
    target.extensions["docsvc"].close()


def test_a_store_that_lost_files_gives_a_backup_that_says_so(app, services, accounts, tmp_path, spare_database_url):
    """One blob deleted from the store and one with a byte changed: the backup is written
    (the rest is worth keeping) but names both and exits 1; the restore of it reports them
    missing through fixity. A clerk may not back up; a restore under DOCSVC_USER is refused."""
    from archive.records import record_blob

    contents = [f"bản gốc số {i}".encode() for i in range(3)]
    shas = [services.blobs.put(data) for data in contents]
    with services.session_factory() as session:
        for sha, data in zip(shas, contents):
            record_blob(session, sha, len(data), "text/plain", "original")
        session.commit()
    lost, damaged, kept = sorted(shas)
    services.blobs.path(lost).unlink()
    path = services.blobs.path(damaged)
    path.chmod(0o600)
    path.write_bytes(b"other bytes")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup"), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert (report["missing"], report["corrupt"], report["copied"]) == ([lost], [damaged], 1)
    assert listed_blobs(tmp_path / "backup") == {kept}
    target = fresh_app(tmp_path / "t", spare_database_url)
    restored = restore_backup(target.extensions["docsvc"], SYSTEM, tmp_path / "backup", audit_key=services.audit_key)
    assert not restored.ok and sorted(restored.fixity["missing"]) == sorted([lost, damaged])
    assert restored.audit["intact"] and restored.index_clean and not restored.count_differences

    accounts.user("clerk1", "clerk")
    with pytest.raises(PermissionDenied):
        make_backup(services, accounts.principal("clerk1"), tmp_path / "b-clerk")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b-clerk")], env={"DOCSVC_USER": "clerk1"})
    assert result.exit_code == 1 and "system.backup" in result.output and not (tmp_path / "b-clerk").exists()
    result = fresh_app(tmp_path / "t2").test_cli_runner().invoke(
        args=["restore", str(tmp_path / "backup")], env={"DOCSVC_USER": "quantri"})
    assert result.exit_code == 1 and "DOCSVC_USER" in result.output
    target.extensions["docsvc"].close()
