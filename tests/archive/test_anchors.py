"""Anchors of the audit chain, on a real SQLite database and real files.

The attack they exist for: someone with the database (not the key) deletes the last records
and rolls ``audit_head`` back to the record before them. What is left is a valid chain, so
``verify_chain`` alone passes; held against an anchor written earlier it fails and names the
missing range. Also tried: records rewritten after the truncation (the app appended new ones
with the key), an edited anchor line, a forged line, garbage, a line made with another key,
no anchor at all, anchors written from several threads at once, and lines copied from a
syslog host (with its prefix)."""

from __future__ import annotations

import json
import stat
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from archive.anchors import AnchorLog, HeadMismatch, current_head, verify
from archive.audit import Actor, append, verify_chain
from archive.db import make_engine, make_session_factory
from archive.migrate import upgrade
from tests.backends import lift_append_only_guard

KEY = b"test-audit-key"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def _append(factory, first: int, last: int, action: str = "document.download") -> None:
    with factory() as s:
        for i in range(first, last + 1):
            append(s, KEY, Actor(1, "lan", "10.0.0.5"), action, object_type="document",
                   object_id=i, details={"n": i}, at=T0 + timedelta(minutes=i))
        s.commit()


@pytest.fixture
def chain(tmp_path, database_url):
    """120 records, and an anchor of their head."""
    engine = make_engine(database_url or f"sqlite:///{tmp_path / 'audit.db'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    _append(factory, 1, 120)
    log = AnchorLog(tmp_path / "anchors", KEY)
    with factory() as s:
        seq, head = current_head(s)
    assert seq == 120
    anchor = log.write(seq, head, at=datetime(2026, 3, 3, 9, 30, tzinfo=timezone.utc))
    yield engine, factory, log, anchor
    engine.dispose()


def truncate_and_roll_back(engine, keep: int) -> None:
    """The attacker: drop the guard, delete the end, point the head at the last record kept
    (no hash is recomputed: the head takes the kept record's own hash, so all is consistent)."""
    with engine.begin() as conn:
        lift_append_only_guard(conn)
        conn.execute(text("DELETE FROM audit_records WHERE seq > :keep"), {"keep": keep})
        conn.execute(text("UPDATE audit_head SET seq = :keep, "
                          "hash = (SELECT hash FROM audit_records WHERE seq = :keep) WHERE id = 1"), {"keep": keep})


def run(factory, log, **kw):
    with factory() as s:
        return verify(s, KEY, log, **kw)


def test_an_untouched_chain_passes_against_its_anchor(chain):
    _engine, factory, log, anchor = chain
    result = run(factory, log)
    assert result.intact and result.first_bad_seq is None and result.reason is None
    assert result.anchors.state == "ok" and result.anchors.anchor == anchor
    assert result.chain.checked == 120 and result.chain.last_hash == anchor.head
    # the file is private and holds one JSON line with the MAC
    [path] = log.files()
    assert path.name == "anchors-2026.log" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.directory.stat().st_mode) == 0o700
    line = json.loads(path.read_text())
    assert (line["seq"], line["head"], len(line["mac"])) == (120, anchor.head, 64)


def test_the_truncated_and_rolled_back_chain_fails_naming_the_missing_records(chain):
    engine, factory, log, _anchor = chain
    truncate_and_roll_back(engine, keep=100)
    with factory() as s:
        alone = verify_chain(s, KEY)
    assert alone.intact and alone.checked == 100   # why anchors exist: the chain alone looks fine
    result = run(factory, log)
    assert not result.intact
    assert result.anchors.state == "truncated"
    assert (result.anchors.missing_from, result.anchors.missing_to) == (101, 120)
    assert result.first_bad_seq == 101
    assert result.reason == "records 101–120 are missing after the anchor of 2026-03-03T09:30:00+00:00"
    assert result.as_dict()["anchors"]["missing"] == [101, 120]


def test_one_missing_record_is_named_alone(chain):
    engine, factory, log, _anchor = chain
    truncate_and_roll_back(engine, keep=119)
    assert run(factory, log).reason.startswith("records 120 are missing after the anchor")


def test_records_written_again_after_a_truncation_do_not_match_the_anchor(chain):
    """After the rollback the application goes on appending with the key: seq 120 exists again,
    with another hash."""
    engine, factory, log, _anchor = chain
    truncate_and_roll_back(engine, keep=100)
    _append(factory, 101, 125, action="document.view")
    result = run(factory, log)
    assert result.chain.intact and not result.intact
    assert result.anchors.state == "rewritten" and result.first_bad_seq == 120
    assert "record 120 is not the one anchored" in result.reason


def test_the_highest_anchor_counts_even_when_a_lower_one_was_written_later(chain):
    engine, factory, log, _anchor = chain
    truncate_and_roll_back(engine, keep=100)
    with factory() as s:
        seq, head = current_head(s)        # the rolled-back head is consistent ...
    log.write(seq, head)                   # ... and gets anchored (a worker would do that)
    result = run(factory, log)
    assert result.anchors.state == "truncated" and result.anchors.anchor.seq == 120


@pytest.mark.parametrize("edit, reason", [
    (lambda line: line.replace('"seq":120', '"seq":90'), "bad_mac"),          # hide the end
    (lambda line: line.replace('"at":"2026-03-03', '"at":"2026-03-04'), "bad_mac"),
    (lambda line: line[:40], "unreadable"),                                  # cut short
    (lambda line: "not an anchor", "unreadable"),
    (lambda line: json.dumps({**json.loads(line), "seq": "120"}), "unreadable"),
], ids=["seq", "time", "cut", "garbage", "seq-as-text"])
def test_an_edited_anchor_file_is_detected(chain, edit, reason):
    _engine, factory, log, _anchor = chain
    [path] = log.files()
    path.write_text(edit(path.read_text().strip()) + "\n")
    result = run(factory, log)
    assert not result.intact and result.chain.intact
    assert result.anchors.bad_count == 1 and result.anchors.bad[0].reason == reason
    assert result.anchors.bad[0].line == 1 and "HMAC" in result.reason


def test_an_anchor_made_with_another_key_is_not_believed(chain, tmp_path):
    engine, factory, log, _anchor = chain
    truncate_and_roll_back(engine, keep=100)
    [path] = log.files()
    path.unlink()
    forged = AnchorLog(log.directory, b"the attacker's own key")
    with factory() as s:
        forged.write(*current_head(s))
    result = run(factory, log)
    assert not result.intact and result.anchors.bad_count == 1 and result.anchors.bad[0].reason == "bad_mac"
    assert result.anchors.anchor is None


def test_no_anchor_yet_is_not_a_failure(tmp_path, database_url):
    engine = make_engine(database_url or f"sqlite:///{tmp_path / 'audit.db'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    _append(factory, 1, 3)
    result = run(factory, AnchorLog(tmp_path / "nowhere", KEY))
    assert result.intact and result.anchors.state == "none" and result.anchors.anchor is None
    engine.dispose()


def test_copies_kept_elsewhere_are_read_with_a_syslog_prefix(chain, tmp_path):
    """The anchors on the machine are gone (deleted with the records); a copy from the syslog
    host still tells."""
    engine, factory, log, _anchor = chain
    [path] = log.files()
    copy = tmp_path / "from-syslog.txt"
    copy.write_text("".join(f"Mar  3 09:30:00 archive-host docsvc-audit-anchor: {line}"
                            for line in path.read_text().splitlines(keepends=True)))
    path.unlink()
    truncate_and_roll_back(engine, keep=110)
    assert run(factory, log).intact                      # nothing left on the machine to hold it to
    result = run(factory, log, paths=[copy])
    assert not result.intact and (result.anchors.missing_from, result.anchors.missing_to) == (111, 120)


def test_writers_in_threads_never_mix_lines(chain):
    _engine, factory, log, anchor = chain

    def write_many():
        for _ in range(25):
            log.write(anchor.seq, anchor.head)

    threads = [threading.Thread(target=write_many) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    scan = log.scan()
    assert scan.valid == 1 + 8 * 25 and scan.bad_count == 0


def test_mirrors_receive_every_line(tmp_path):
    got: list[str] = []
    log = AnchorLog(tmp_path / "a", KEY, mirrors=[got.append])
    log.write(7, "ab" * 32)
    assert got == [log.files()[0].read_text().strip()]


def test_a_head_that_does_not_match_its_record_is_not_anchored(chain):
    engine, factory, _log, _anchor = chain
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_head SET seq = 100 WHERE id = 1"))  # hash left at 120's
    with factory() as s, pytest.raises(HeadMismatch):
        current_head(s)


def _chattr(flag: str, path) -> bool:
    import shutil
    import subprocess

    if not shutil.which("chattr"):
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_an_append_only_file_takes_anchors_and_refuses_rewriting(chain):
    """What the README tells an office to do (``chattr +a``): our writer only appends, so it
    goes on working, while truncating or rewriting the file is refused by the kernel."""
    _engine, _factory, log, anchor = chain
    [path] = log.files()
    if not _chattr("+a", path):
        pytest.skip("chattr +a is not available here (needs CAP_LINUX_IMMUTABLE and ext4/xfs)")
    try:
        log.write(anchor.seq, anchor.head)
        with pytest.raises(PermissionError):
            open(path, "w").close()                       # truncate
        with pytest.raises(PermissionError):
            path.unlink()
        assert log.scan().valid == 2
    finally:
        _chattr("-a", path)
