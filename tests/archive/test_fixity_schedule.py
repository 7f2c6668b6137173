"""Fixity on a schedule (issue 15, point 5): nightly slices that cover every blob within the
period, one runner per night, repair from a replica, and loud reports when no good copy exists.

Inputs and failures tried: nights simulated with a given ``now`` over two periods while blobs
keep arriving (and a night skipped); a call before the configured hour and a second call the
same night; two runners released together by a barrier, on SQLite and PostgreSQL; a blob whose
bytes were changed on disk (chmod first: the store's files are read-only) and a deleted one,
each with a good replica copy; a blob missing from the replica and one whose replica copy is
corrupt too; ``--repair`` and ``--replicate`` without a replica configured; the page for an
administrator, an archivist, and a viewer (403)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import math
import os
import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from archive.audit import AuditRecord
from archive.fixity_runs import BlobCheck, FixityRun
from archive.models import Blob
from docsvc.ops.fixity import FixitySchedule, run_scheduled
from tests.backends import at_once, backend_fixture
from tests.conftest import login

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
backend = backend_fixture("fixity")


def _add(services, data: bytes, created_at: datetime | None = None) -> str:
    sha = services.blobs.put(data)
    with services.session_factory() as s:
        s.add(Blob(sha256=sha, size_bytes=len(data), media_type="application/octet-stream", role="original",
                   created_at=created_at or datetime.now(timezone.utc)))
        s.commit()
    return sha


def _night(day0: datetime, i: int, hour: int = 2, minute: int = 30) -> datetime:
    """The i-th night after day0, at hour:minute local time, in UTC."""
    local = (day0.astimezone(HCM) + timedelta(days=i)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return local.astimezone(timezone.utc)


def _actions(services, action: str) -> list[AuditRecord]:
    with services.session_factory() as s:
        return list(s.scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq)))


def _set(monkeypatch, services, **settings) -> None:
    monkeypatch.setattr(services, "settings", dataclasses.replace(services.settings, **settings))


def _corrupt(services, sha: str, data: bytes = b"changed on disk") -> None:
    path = services.blobs.path(sha)
    os.chmod(path, 0o600)          # the store leaves its files read-only
    path.write_bytes(data)


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "FIXITY_DAYS": 7, "FIXITY_HOUR": 2, "BLOB_REPLICA": str(tmp_path / "replica")}


@pytest.mark.parametrize("days", [7, 3])
def test_slices_cover_every_blob_within_the_period(app, services, days, monkeypatch):
    """Nights over about three periods, starting at a different minute each night, blobs
    arriving on some nights and one night skipped:
    every blob is checked within ``days`` of its writing and of its previous check, and a
    night's slice stays near total/days instead of re-checking everything."""
    _set(monkeypatch, services, fixity_days=days)
    day0 = datetime.now(timezone.utc) - timedelta(days=60)
    old = [_add(services, f"old blob {i}".encode(), created_at=day0 - timedelta(days=90)) for i in range(10)]
    born = {sha: day0 - timedelta(days=90) for sha in old}
    checks: dict[str, list[datetime]] = {sha: [] for sha in old}
    sizes = []
    for i in range(3 * days + 4):
        now = _night(day0, i, minute=(i * 37) % 50)   # each night a little earlier or later
        if i in (2, days + 1):   # blobs arrive during the day before this night
            for k in range(7):
                sha = _add(services, f"new blob {i}-{k}".encode(), created_at=now - timedelta(hours=10))
                born[sha], checks[sha] = now - timedelta(hours=10), []
        if i == days + 2:        # the worker was down that night
            skipped = now
            continue
        assert run_scheduled(services, now=_night(day0, i, hour=1)) is None   # before the hour: not due
        result = run_scheduled(services, now=now, worker="w1")
        assert result is not None and result.intact
        assert run_scheduled(services, now=now + timedelta(minutes=20), worker="w2") is None   # once a night
        sizes.append(result.run["checked"])
        with services.session_factory() as s:
            for row in s.scalars(select(BlobCheck).where(BlobCheck.run_id == result.run["id"])):
                checks[row.sha256].append(row.checked_at)
    end = _night(day0, 3 * days + 3)
    period = timedelta(days=days)
    for sha, times in checks.items():
        assert times, f"{sha} never checked"
        # a blob written before the first night may wait for that night; after, never more than the period
        first_due = max(born[sha], _night(day0, 0) - period)
        assert times[0] - first_due <= period + timedelta(days=1 if sha in old else 0), (sha, times)
        for a, b in zip(times, times[1:]):
            # across the night missed, the slack night is used up: within the period, give or
            # take the difference between the two nights' starting minutes
            slack = timedelta(hours=1) if a < skipped < b else timedelta(0)
            assert b - a <= period + slack, (sha, a, b)
        assert end - times[-1] <= period
    total = len(checks)
    assert sizes[0] == 10                     # every old blob was past the period on the first night
    later = sizes[days + 3:]                  # after the night that caught up with the one missed
    assert max(later) < total                 # slices, not the whole store
    assert sum(later) / len(later) <= math.ceil(total / (days - 1)) + 1   # the due ones spread over the nights
    with services.session_factory() as s:
        runs = s.scalars(select(FixityRun).order_by(FixityRun.id)).all()
    assert {r.kind for r in runs} == {"scheduled"} and len({r.scheduled_day for r in runs}) == len(runs)
    assert len(_actions(services, "system.fixity_run")) == len(runs)


def test_only_one_of_two_concurrent_runners_runs_a_night(backend, monkeypatch):
    """Two workers' timers fire at the same moment for the same night (released together by a
    barrier, each with its own connections): one runs it, the other finds the night taken."""
    services = backend
    _set(monkeypatch, services, fixity_days=1)
    shas = [_add(services, f"blob {i}".encode()) for i in range(30)]
    now = _night(datetime.now(timezone.utc), 1)
    results = at_once([lambda: run_scheduled(services, now=now, worker="worker-a"),
                       lambda: run_scheduled(services, now=now, worker="worker-b")])
    assert not any(isinstance(r, Exception) for r in results), results
    ran = [r for r in results if r is not None]
    assert len(ran) == 1 and ran[0].run["checked"] == 30 and ran[0].intact
    with services.session_factory() as s:
        runs = s.scalars(select(FixityRun)).all()
        assert len(runs) == 1 and runs[0].scheduled_day == now.astimezone(HCM).date()
        assert runs[0].worker == ran[0].run["worker"] and runs[0].finished_at is not None
        assert {c.sha256 for c in s.scalars(select(BlobCheck))} == set(shas)
    assert len(_actions(services, "system.fixity_run")) == 1
    # the next night is a new run
    assert run_scheduled(services, now=now + timedelta(days=1), worker="worker-b").run["worker"] == "worker-b"


def test_corrupt_and_missing_blobs_are_repaired_from_the_replica(app, services, tmp_path, monkeypatch):
    """Blobs reach the replica as they are written (archive.blobreplica), so ``fixity
    --replicate`` finds them there; a blob changed on disk and a deleted one are
    copied back (same bytes, read-only again) by the night's run, recorded as repaired, and the
    next night finds them good."""
    _set(monkeypatch, services, fixity_days=1)
    data = {_add(services, f"register page {i}".encode() * 50): f"register page {i}".encode() * 50 for i in range(6)}
    shas = sorted(data)
    runner = app.test_cli_runner()
    out = runner.invoke(args=["fixity", "--replicate", "--json"])
    assert out.exit_code == 0, out.output
    assert (json.loads(out.output)["copied"], json.loads(out.output)["present"]) == (0, 6)
    replica = tmp_path / "replica"
    assert (replica / shas[0][:2] / shas[0][2:4] / shas[0]).read_bytes() == data[shas[0]]

    bad, gone = shas[1], shas[4]
    _corrupt(services, bad)
    services.blobs.path(gone).unlink()
    now = _night(datetime.now(timezone.utc), 1)
    result = run_scheduled(services, now=now, worker="w")
    assert result.intact and result.run["repaired"] == 2
    assert (result.run["corrupt"], result.run["missing"], result.run["ok"]) == (1, 1, 4)
    assert {(p.sha256, p.what, p.repaired) for p in result.problems} == {(bad, "corrupt", True), (gone, "missing", True)}
    for sha in (bad, gone):
        path = services.blobs.path(sha)
        assert path.read_bytes() == data[sha] and hashlib.sha256(path.read_bytes()).hexdigest() == sha
        assert path.stat().st_mode & 0o777 == 0o400
    record = _actions(services, "system.fixity_run")[-1]
    assert record.details["repaired"] == 2 and record.details["unrepaired"] == 0
    assert _actions(services, "system.fixity_problem") == []

    after = run_scheduled(services, now=now + timedelta(days=1), worker="w")
    assert after.problems == [] and after.run["ok"] == 6
    with services.session_factory() as s:
        assert {c.state for c in s.scalars(select(BlobCheck))} == {"ok"}


def test_a_blob_without_a_good_copy_is_reported_loudly(app, services, client, accounts, tmp_path, caplog, monkeypatch):
    """No good copy: the replica lacks one blob and holds a corrupt copy of another. The run
    repairs nothing, leaves the store's file as it was, logs at ERROR, writes a
    ``system.fixity_problem`` record per blob, and the administration pages show a red banner
    until a later run finds the blobs good."""
    _set(monkeypatch, services, fixity_days=1)
    data = {_add(services, f"birth register {i}".encode()): f"birth register {i}".encode() for i in range(4)}
    shas = sorted(data)
    app.test_cli_runner().invoke(args=["fixity", "--replicate"])
    replica = tmp_path / "replica"
    lost, spoiled = shas[0], shas[2]
    services.blobs.path(lost).unlink()
    os.chmod(replica / lost[:2] / lost[2:4] / lost, 0o600)
    (replica / lost[:2] / lost[2:4] / lost).unlink()
    _corrupt(services, spoiled, b"bit rot here")
    os.chmod(replica / spoiled[:2] / spoiled[2:4] / spoiled, 0o600)
    (replica / spoiled[:2] / spoiled[2:4] / spoiled).write_bytes(b"bit rot there too")

    now = _night(datetime.now(timezone.utc), 1)
    with caplog.at_level(logging.ERROR, logger="docsvc.ops.fixity"):
        result = run_scheduled(services, now=now, worker="w")
    assert not result.intact and result.run["repaired"] == 0
    assert {(p.sha256, p.what, p.note) for p in result.unrepaired} == {(lost, "missing", "replica_missing"),
                                                                         (spoiled, "corrupt", "replica_corrupt")}
    assert services.blobs.path(spoiled).read_bytes() == b"bit rot here"   # a bad copy is never put in place
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(lost in m and "NOT repaired" in m for m in errors) and any(spoiled in m for m in errors)
    problems = _actions(services, "system.fixity_problem")
    assert {(r.object_type, r.object_id, r.details["what"]) for r in problems} == {("blob", lost, "missing"),
                                                                                   ("blob", spoiled, "corrupt")}

    accounts.user("boss", "admin")
    login(client, "boss", accounts.passwords["boss"])
    page = client.get("/admin/fixity").get_data(as_text=True)
    assert "fixity-banner" in page and "2 tệp lưu trữ bị mất hoặc hỏng" in page
    assert lost in page and spoiled in page and "bản sao cũng không có" in page and "bản sao cũng hỏng" in page
    assert "fixity-banner" in client.get("/admin/").get_data(as_text=True)
    audit_page = client.get("/admin/audit?action=system.fixity_problem").get_data(as_text=True)
    assert "bị mất hoặc hỏng và chưa khôi phục được" in audit_page

    # one blob put back by hand: still a banner for the other
    services.blobs.restore(services.blobs.stage(io.BytesIO(data[lost])))
    run_scheduled(services, now=now + timedelta(days=1), worker="w")
    assert "1 tệp lưu trữ bị mất hoặc hỏng" in client.get("/admin/").get_data(as_text=True)
    services.blobs.restore(services.blobs.stage(io.BytesIO(data[spoiled])))
    later = run_scheduled(services, now=now + timedelta(days=2), worker="w")
    assert later.intact and later.problems == []
    assert "fixity-banner" not in client.get("/admin/").get_data(as_text=True)
    assert "fixity-banner" not in client.get("/admin/fixity").get_data(as_text=True)


def test_the_fixity_page_for_an_admin_an_archivist_and_not_a_viewer(app, services, client, accounts):
    _add(services, b"a scanned decision")
    app.test_cli_runner().invoke(args=["fixity"])
    for user, role in (("boss", "admin"), ("keeper", "archivist"), ("reader", "viewer")):
        accounts.user(user, role)
    login(client, "boss", accounts.passwords["boss"])
    page = client.get("/admin/fixity")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Kiểm tra toàn vẹn" in text and "chạy tay" in text and "Không có tệp nào đang bị mất" in text
    assert "fixity-banner" not in text
    assert 'href="/admin/fixity"' in client.get("/admin/").get_data(as_text=True)   # the tile
    english = client.get("/admin/fixity?lang=en").get_data(as_text=True)
    assert "Recent runs" in english and "manual" in english
    client.post("/logout", data={})
    client.delete_cookie("session")
    login(client, "keeper", accounts.passwords["keeper"])
    assert client.get("/admin/fixity").status_code == 200
    client.delete_cookie("session")
    login(client, "reader", accounts.passwords["reader"])
    assert client.get("/admin/fixity").status_code == 403
    index = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/fixity"' not in index and "fixity-banner" not in index


def test_the_command_checks_a_slice_and_refuses_repair_without_a_replica(app, services, monkeypatch):
    """``--slice`` checks tonight's share only and records a manual run; ``--repair`` and
    ``--replicate`` without DOCSVC_BLOB_REPLICA say so and change nothing."""
    for i in range(14):
        _add(services, f"page {i}".encode())
    runner = app.test_cli_runner()
    out = runner.invoke(args=["fixity", "--slice", "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["checked"] == 3 and report["ok"] == 3 and report["repaired"] == []   # ceil(14 / (7 - 1))
    human = runner.invoke(args=["fixity", "--slice"])
    assert human.exit_code == 0 and "Đã kiểm tra 3 tệp" in human.output
    with services.session_factory() as s:
        assert [r.kind for r in s.scalars(select(FixityRun))] == ["manual", "manual"]
        assert s.query(BlobCheck).count() == 6   # the second slice took the next oldest
    _set(monkeypatch, services, blob_replica="")
    for args in (["fixity", "--repair"], ["fixity", "--replicate"]):
        out = runner.invoke(args=args)
        assert out.exit_code != 0 and "DOCSVC_BLOB_REPLICA" in out.output


def test_the_worker_s_timer_runs_the_night_once(app, services, monkeypatch):
    """The timer's round runs the night's slice when due (hour 0: any time of day is after it)
    and not again; started, it waits a round before its first look and stops at once."""
    _set(monkeypatch, services, fixity_hour=0)
    _add(services, b"an original")
    timer = FixitySchedule(services, "worker@test")
    first = timer.tick()
    assert first is not None and first.run["kind"] == "scheduled" and first.run["worker"] == "worker@test"
    assert timer.tick() is None
    started = FixitySchedule(services, "worker@test2").start()
    stopped = threading.Event()
    threading.Thread(target=lambda: (started.stop(), stopped.set())).start()
    assert stopped.wait(15)
    assert len(_actions(services, "system.fixity_run")) == 1


def test_a_blob_withdrawn_during_a_run_is_neither_counted_nor_reported(services):
    """A blob row deleted between the slice's choice and the recording (a failed import
    withdrawn, its file gone with it) is skipped, not a foreign-key error nor a 'missing'."""
    from archive.fixity_runs import execute_run, start_run

    kept = _add(services, b"kept")
    withdrawn = hashlib.sha256(b"withdrawn meanwhile").hexdigest()   # no row, no file
    now = datetime.now(timezone.utc)
    run_id = start_run(services.session_factory, kind="manual", worker="test", now=now)
    problems = execute_run(services.session_factory, services.blobs, run_id, [kept, withdrawn], now=now)
    assert problems == []
    with services.session_factory() as s:
        run = s.get(FixityRun, run_id)
        assert (run.checked, run.ok, run.missing) == (1, 1, 0)
        assert [c.sha256 for c in s.scalars(select(BlobCheck))] == [kept]
