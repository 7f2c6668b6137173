"""Numbering and keying under concurrent writers, with real threads, on SQLite and on
PostgreSQL: no number is given twice, no keyed change is lost, and two people cannot both
take the second keying or both write over the same version.

Races tried: 8 people keying the same entry number at once; 8 taking the next number at
once across two books of the same year; 8 editing different fields of one entry at once;
8 saving over the same version; 8 second keyings of one entry at once."""

from __future__ import annotations

from sqlalchemy import select

from archive.civil import RegisterKeying, RegisterRevision
from docsvc.civil import services as civil
from tests.civil.conftest import birth
from tests.backends import at_once, backend_fixture
from tests.conftest import Accounts

N = 8
backend = backend_fixture("civil", index=True)
_at_once = at_once


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
