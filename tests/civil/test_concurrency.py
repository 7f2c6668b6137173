"""Numbering and keying under concurrent writers, with real threads, on SQLite and on
PostgreSQL: no number is given twice, no keyed change is lost, and two people cannot both
take the second keying or both write over the same version.

Races tried: 8 people keying the same entry number at once; 8 taking the next number at
once across two books of the same year; 8 editing different fields of one entry at once;
8 saving over the same version; 8 second keyings of one entry at once."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import create_engine, select, text

from archive.civil import RegisterKeying, RegisterRevision
from docsvc.civil import services as civil
from tests.civil.conftest import birth
from tests.conftest import Accounts

POSTGRES_URL = os.environ.get("DOCSVC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
N = 8


def _make_app(tmp_path, database_url: str | None):
    from archive.migrate import upgrade
    from docsvc import create_app
    from docsvc.accounts.bootstrap import ensure_root_unit
    from docsvc.finding.indexing import ensure_index

    config = {"DATA_DIR": tmp_path / "var", "SECRET_KEY": "x", "TESTING": True, "INDEX_PROCS": 1}
    if database_url:
        config["DATABASE_URL"] = database_url
    app = create_app(config)
    upgrade(app.extensions["docsvc"].engine)
    ensure_root_unit(app.extensions["docsvc"])
    ensure_index(app.extensions["docsvc"], background=False)
    return app


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, tmp_path):
    if request.param == "sqlite":
        app = _make_app(tmp_path, None)
        yield app.extensions["docsvc"]
        app.extensions["docsvc"].close()
        return
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.connect():
            pass
    except Exception as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL not reachable at {POSTGRES_URL} ({exc.__class__.__name__})")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({exc.__class__.__name__})")
    name = f"docsvc_civil_{os.getpid()}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    app = _make_app(tmp_path, admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        yield app.extensions["docsvc"]
    finally:
        app.extensions["docsvc"].close()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _at_once(calls) -> list:
    """Run every call at the same moment (released together by a barrier); results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def go(i, call):
        barrier.wait(timeout=60)
        try:
            results[i] = call()
        except Exception as exc:  # surfaced by the assertions
            results[i] = exc

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    return results


def _setup(services):
    accounts = Accounts(services)
    for i in range(N + 1):
        accounts.user(f"officer{i}", "civil_status", unit="XA-A")
    people = [accounts.principal(f"officer{i}") for i in range(N + 1)]
    book = civil.add_book(services, people[0], office_code="XA-A", kind="birth", year_from=2024, label="Quyển 1")
    return people, book


def test_numbers_are_never_given_twice(backend):
    services = backend
    people, book = _setup(services)
    second = civil.add_book(services, people[0], office_code="XA-A", kind="birth", year_from=2024, label="Quyển 2")

    same = _at_once([lambda p=p: civil.create_entry(services, p, book["id"], birth(1)) for p in people[:N]])
    made = [r for r in same if isinstance(r, dict)]
    refused = [r for r in same if not isinstance(r, dict)]
    assert len(made) == 1, same
    assert all(isinstance(r, civil.Conflict) and r.code == "duplicate_number" and r.existing_id == made[0]["id"]
               for r in refused), refused

    nexts = _at_once([lambda p=p, b=b: civil.create_entry(services, p, b, birth(None))
                      for p, b in zip(people[:N], [book["id"], second["id"]] * (N // 2))])
    assert all(isinstance(r, dict) for r in nexts), nexts
    assert sorted(r["number"] for r in nexts) == list(range(2, N + 2))
    assert civil.get_book(services, people[0], book["id"])["next_number"] == {2024: N + 2}


def test_concurrent_keying_loses_nothing(backend):
    services = backend
    people, book = _setup(services)
    entry = civil.create_entry(services, people[0], book["id"], birth(1))
    keys = ["home_town", "place_of_birth", "ethnicity", "nationality", "mother_name", "father_name",
            "declarant", "officer"]
    edits = _at_once([lambda p=p, k=k: civil.update_entry(services, p, entry["id"], fields={k: f"Giá trị {k}"})
                      for p, k in zip(people[1:N + 1], keys)])
    assert all(isinstance(r, dict) for r in edits), edits
    final = civil.get_entry(services, people[0], entry["id"], purpose=_purpose())
    assert all(final["fields"][k]["value"] == f"Giá trị {k}" for k in keys)
    assert final["version"] == entry["version"] + N
    with services.session_factory() as db:
        assert sorted(db.scalars(select(RegisterRevision.seq).where(RegisterRevision.entry_id == entry["id"]))) == \
            list(range(1, N + 1))

    stale = _at_once([lambda p=p, i=i: civil.update_entry(services, p, entry["id"], version=final["version"],
                                                          fields={"notes": f"ghi chú {i}"})
                      for i, p in enumerate(people[1:N + 1])])
    assert len([r for r in stale if isinstance(r, dict)]) == 1, stale
    assert all(r.code == "stale" for r in stale if not isinstance(r, dict))


def test_one_second_keying_wins(backend):
    services = backend
    people, _ = _setup(services)
    double = civil.add_book(services, people[0], office_code="XA-A", kind="birth", year_from=2023,
                            label="Quyển nhập hai lần", verification_mode="double")
    entry = civil.create_entry(services, people[0], double["id"], birth(1, day="2023-02-02"))
    results = _at_once([lambda p=p: civil.key_again(services, p, entry["id"], birth(1, day="2023-02-02"))
                        for p in people[1:N + 1]])
    winners = [r for r in results if isinstance(r, dict)]
    assert len(winners) == 1 and winners[0]["status"] == "verified", results
    assert all(isinstance(r, civil.Conflict) and r.code == "already_keyed_twice"
               for r in results if not isinstance(r, dict))
    with services.session_factory() as db:
        assert sorted(db.scalars(select(RegisterKeying.round).where(RegisterKeying.entry_id == entry["id"]))) == [1, 2]


def _purpose():
    from docsvc.audit.personal import Purpose

    return Purpose("verification")
