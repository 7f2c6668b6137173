"""The audit chain: appends, verification, and detection of every kind of tampering done
directly in the database (edit, delete in the middle, delete at the end, insert, reorder).
Also: the database itself refuses UPDATE and DELETE of audit records."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from archive.audit import Actor, AuditRecord, append, query, verify_chain
from archive.db import make_engine, make_session_factory
from archive.migrate import upgrade
from tests.backends import lift_append_only_guard

KEY = b"test-audit-key"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def db(tmp_path, database_url):
    engine = make_engine(database_url or f"sqlite:///{tmp_path / 'audit.db'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as s:
        for i in range(1, 11):
            actor = Actor(id=i % 3 or None, name=f"user{i % 3}" if i % 3 else "system:worker", ip="10.0.0.5")
            append(s, KEY, actor, "document.create" if i % 2 else "document.download",
                   object_type="document", object_id=i, state={"id": i, "title": f"Văn bản {i}"},
                   details={"n": i}, at=T0 + timedelta(minutes=i))
        s.commit()
    yield engine, factory
    engine.dispose()


def tamper(engine, *statements):
    """An attacker with database access: drop the guards, then change rows."""
    with engine.begin() as conn:
        lift_append_only_guard(conn)
        for statement in statements:
            conn.execute(text(statement))


def report(factory):
    with factory() as s:
        return verify_chain(s, KEY)


def test_an_untouched_chain_verifies(db):
    _, factory = db
    r = report(factory)
    assert r.intact and r.checked == 10 and r.first_bad_seq is None


def test_the_database_refuses_updates_and_deletes(db):
    engine, _ = db
    with pytest.raises(DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_records SET actor = 'x' WHERE seq = 3"))
    with pytest.raises(DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_records WHERE seq = 3"))


@pytest.mark.parametrize("statements, bad_seq, reason", [
    (["UPDATE audit_records SET action = 'document.view' WHERE seq = 4"], 4, "altered"),
    (["UPDATE audit_records SET details = '{\"n\": 99}' WHERE seq = 7"], 7, "altered"),
    (["DELETE FROM audit_records WHERE seq = 5"], 6, "5 are missing"),
    (["DELETE FROM audit_records WHERE seq >= 9"], 9, "at the end are missing"),
    # Insert a forged record at the end (the attacker cannot compute the keyed hash).
    (["INSERT INTO audit_records (seq, at, actor, action, prev_hash, hash) "
      "SELECT 11, at, 'mallory', 'user.create', hash, hash FROM audit_records WHERE seq = 10"], 11, "altered"),
    # Shift records up and slip one in at 3: the chain no longer follows.
    (["UPDATE audit_records SET seq = seq + 100 WHERE seq >= 3",
      "UPDATE audit_records SET seq = seq - 99 WHERE seq >= 103",
      "INSERT INTO audit_records (seq, at, actor, action, prev_hash, hash) "
      "SELECT 3, at, 'mallory', 'user.create', prev_hash, hash FROM audit_records WHERE seq = 4"], 3, "altered"),
    # Swap two records' contents (reorder).
    (["UPDATE audit_records SET seq = -1 WHERE seq = 6",
      "UPDATE audit_records SET seq = 6 WHERE seq = 7",
      "UPDATE audit_records SET seq = 7 WHERE seq = -1"], 6, "does not follow"),
], ids=["edit-action", "edit-details", "delete-middle", "delete-tail", "insert-at-end", "insert-middle", "reorder"])
def test_tampering_is_detected_and_the_first_bad_record_named(db, statements, bad_seq, reason):
    engine, factory = db
    tamper(engine, *statements)
    r = report(factory)
    assert not r.intact
    assert r.first_bad_seq == bad_seq
    assert reason in r.reason


def test_a_different_key_does_not_verify(db):
    _, factory = db
    with factory() as s:
        assert not verify_chain(s, b"another key").intact


def test_query_filters_newest_first(db):
    _, factory = db
    with factory() as s:
        rows = query(s, actor_id=1, action="document.*")
        assert [r.seq for r in rows] == [10, 7, 4, 1]
        assert all(isinstance(r, AuditRecord) for r in rows)
        assert [r.seq for r in query(s, object_type="document", object_id=3)] == [3]
        assert [r.seq for r in query(s, since=T0 + timedelta(minutes=8))] == [10, 9, 8]
        assert [r.seq for r in query(s, limit=2, before_seq=5)] == [4, 3]
