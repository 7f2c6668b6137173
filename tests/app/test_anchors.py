"""Anchors in the app: ``docsvc audit verify`` writes one after a good check and fails naming
the missing records after a truncation with the head rolled back; ``docsvc audit anchor``;
the admin page; the worker's timer; syslog (a real UDP socket); the anchor directory setting.

Bad inputs tried: records deleted at the end with the head rolled back consistently, the
head moved without its hash (refused to anchor), an anchor file edited, the anchors on the
machine deleted (a copy given with --anchors still tells)."""

from __future__ import annotations

import json
import shutil
import socket
import time

import pytest
from sqlalchemy import text

from archive.audit import Actor, append
from docsvc.audit.anchoring import Anchorer, HeadMismatch, anchor_now, verify_audit
from docsvc.services.audit import PermissionDenied
from tests.backends import database_env, lift_append_only_guard
from tests.conftest import login


def _records(services, count: int) -> None:
    with services.session_factory() as db:
        for i in range(count):
            append(db, services.audit_key, Actor(None, "system:test"), "document.download",
                   object_type="document", object_id=i)
        db.commit()


def _head_seq(services) -> int:
    with services.session_factory() as db:
        return db.execute(text("SELECT seq FROM audit_head WHERE id = 1")).scalar_one()


def _truncate(services, keep: int) -> None:
    """An attacker with the database: delete the end, roll the head back consistently."""
    with services.engine.begin() as conn:
        lift_append_only_guard(conn)
        conn.execute(text("DELETE FROM audit_records WHERE seq > :keep"), {"keep": keep})
        conn.execute(text("UPDATE audit_head SET seq = :keep, "
                          "hash = (SELECT hash FROM audit_records WHERE seq = :keep) WHERE id = 1"), {"keep": keep})


@pytest.fixture
def chain120(services, accounts):
    _records(services, 120 - _head_seq(services))
    assert _head_seq(services) == 120
    return services


def test_verify_anchors_then_catches_the_truncated_and_rolled_back_chain(app, chain120):
    services = chain120
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify", "--json"])
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.output)
    assert report["intact"] and report["anchors"]["state"] == "none"     # the first verify ...
    assert report["anchor_written"]["seq"] == 120                          # ... writes the first anchor
    assert report["anchor_dir"] == str(services.settings.data_dir.resolve() / "anchors")
    again = json.loads(runner.invoke(args=["audit", "verify", "--json"]).output)
    assert again["intact"] and again["anchors"]["state"] == "ok" and again["anchors"]["anchor"]["seq"] == 120

    _truncate(services, keep=100)
    broken = runner.invoke(args=["audit", "verify", "--json"])
    assert broken.exit_code == 1
    report = json.loads(broken.output)
    assert report["intact"] is False and report["chain"]["intact"] is True
    assert report["first_bad_seq"] == 101 and report["anchors"]["missing"] == [101, 120]
    assert report["reason"].startswith("records 101–120 are missing after the anchor of ")
    assert report["anchor_written"] is None        # a failed check anchors nothing
    human = runner.invoke(args=["audit", "verify"])
    assert human.exit_code == 1
    assert "mất các bản ghi 101–120 sau mốc neo lúc" in human.output
    assert "Nhật ký nguyên vẹn" not in human.output


def test_the_admin_page_shows_the_anchor_state(app, client, chain120, accounts):
    services = chain120
    accounts.user("boss", "admin")
    login(client, "boss", accounts.passwords["boss"])
    page = client.get("/admin/audit/verify").get_data(as_text=True)
    assert "Nhật ký nguyên vẹn" in page and "Chưa có mốc neo nào" in page and "Đã ghi mốc neo mới" in page
    page = client.get("/admin/audit/verify").get_data(as_text=True)
    assert "Khớp mốc neo lúc" in page
    seq = _head_seq(services)
    _truncate(services, keep=seq - 5)
    page = client.get("/admin/audit/verify").get_data(as_text=True)
    assert f"mất các bản ghi {seq - 4}–{seq} sau mốc neo lúc" in page
    assert "Nhật ký nguyên vẹn" not in page
    english = client.get("/admin/audit/verify?lang=en").get_data(as_text=True)
    assert f"records {seq - 4}–{seq} are missing after the anchor of" in english


def test_an_edited_anchor_file_fails_verification(app, chain120):
    services = chain120
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    [path] = services.anchors.files()
    path.write_text(path.read_text().replace('"seq":120', '"seq":99'))
    result = runner.invoke(args=["audit", "verify", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["anchors"]["bad_count"] == 1 and report["anchors"]["bad_lines"][0]["reason"] == "bad_mac"
    human = runner.invoke(args=["audit", "verify"])
    assert "1 dòng mốc neo không có mã HMAC hợp lệ" in human.output and path.name + ":1" in human.output


def test_a_copy_kept_elsewhere_catches_what_the_machine_no_longer_can(app, chain120, tmp_path):
    services = chain120
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    share = tmp_path / "share"
    shutil.copytree(services.anchors.directory, share)
    shutil.rmtree(services.anchors.directory)               # the attacker removes the local anchors
    _truncate(services, keep=110)
    local = runner.invoke(args=["audit", "verify", "--json"])
    assert local.exit_code == 0 and json.loads(local.output)["anchors"]["state"] == "none"
    remote = runner.invoke(args=["audit", "verify", "--json", "--anchors", str(share)])
    assert remote.exit_code == 1 and json.loads(remote.output)["anchors"]["missing"] == [111, 120]


def test_the_anchor_command_refuses_a_head_that_does_not_match(app, chain120):
    services = chain120
    with services.engine.begin() as conn:
        conn.execute(text("UPDATE audit_head SET seq = 100 WHERE id = 1"))
    result = app.test_cli_runner().invoke(args=["audit", "anchor"])
    assert result.exit_code == 1 and "không khớp" in result.output
    assert services.anchors.files() == []


def test_only_who_may_verify_writes_anchors(chain120, accounts):
    services = chain120
    accounts.user("lan", "clerk")
    with pytest.raises(PermissionDenied):
        anchor_now(services, accounts.principal("lan"))
    with pytest.raises(PermissionDenied):
        verify_audit(services, accounts.principal("lan"))
    assert services.anchors.files() == []


def test_the_workers_timer_anchors_when_the_head_moved(chain120):
    services = chain120
    anchorer = Anchorer(services, minutes=10)
    first = anchorer.tick()
    assert first is not None and first.seq == 120
    assert anchorer.tick() is None                            # nothing moved: no new line
    _records(services, 3)
    assert anchorer.tick().seq == 123
    assert services.anchors.scan().valid == 2
    # A new worker reads where the last one stopped, and does not repeat it.
    assert Anchorer(services, minutes=10).tick() is None
    with services.engine.begin() as conn:
        conn.execute(text("UPDATE audit_head SET seq = 110 WHERE id = 1"))
    with pytest.raises(HeadMismatch):
        anchorer.tick()


def test_the_timer_thread_writes_at_start_and_stops(chain120):
    services = chain120
    anchorer = Anchorer(services, minutes=10).start()
    try:
        deadline = time.monotonic() + 60
        while services.anchors.scan().valid == 0:            # wait on the state, not the clock
            assert time.monotonic() < deadline, "no anchor written by the timer"
            time.sleep(0.05)
    finally:
        anchorer.stop()
    assert not anchorer._thread.is_alive()
    assert services.anchors.scan().latest.seq == 120


@pytest.fixture
def udp():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(30)
    yield sock
    sock.close()


def test_anchors_go_to_syslog_and_to_the_configured_directory(tmp_path, udp, monkeypatch):
    from docsvc import create_app

    anchor_dir = tmp_path / "share" / "anchors"
    monkeypatch.setenv("DOCSVC_AUDIT_ANCHOR_DIR", str(anchor_dir))
    monkeypatch.setenv("DOCSVC_AUDIT_ANCHOR_SYSLOG", "1")
    monkeypatch.setenv("DOCSVC_AUDIT_ANCHOR_SYSLOG_ADDRESS", f"127.0.0.1:{udp.getsockname()[1]}")
    app = create_app({"DATA_DIR": tmp_path / "var", "SECRET_KEY": "x", "TESTING": True})
    services = app.extensions["docsvc"]
    try:
        from archive.migrate import upgrade

        upgrade(services.engine)
        _records(services, 2)
        result = app.test_cli_runner().invoke(args=["audit", "anchor", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["anchor_dir"] == str(anchor_dir.resolve())
        message = udp.recv(4096).decode()
        [line] = (anchor_dir / services.anchors.files()[0].name).read_text().splitlines()
        assert message.startswith("<") and "docsvc-audit-anchor: " in message and message.rstrip("\x00").endswith(line)
        assert json.loads(line)["seq"] == 2
    finally:
        services.close()


def test_a_running_worker_anchors_the_chain(chain120, tmp_path):
    """The real ``docsvc worker`` process starts the timer: the chain's end appears in the
    anchor file without anyone verifying."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    services = chain120
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSVC_")}
    env.update(database_env(services))
    env.update(PYTHONPATH=str(root), OMP_THREAD_LIMIT="1", DOCSVC_DATA_DIR=str(services.settings.data_dir),
               DOCSVC_SECRET_KEY="test-secret", DOCSVC_INDEX_CHECK_ON_START="0", DOCSVC_OCR_PROCESSES="1",
               DOCSVC_WORKER_THREADS="1")
    worker = subprocess.Popen([sys.executable, "-m", "docsvc", "worker"], env=env, cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while services.anchors.scan().latest is None:     # wait on the state
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker wrote no anchor"
            time.sleep(0.1)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert services.anchors.scan().latest.seq == _head_seq(services) == 120
