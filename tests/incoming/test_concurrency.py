"""Clerks registering at the same moment, on SQLite and on PostgreSQL (real threads released
together): eight get arrival numbers 1..8 with no gap and no repeat; secret documents taken at
the same time keep their own 1..N; four clerks registering the very same document at once
register it once, the others are told it is a repeat (and used no number)."""

from __future__ import annotations

from archive.sequences import last_taken
from docsvc.incoming import services as inc
from tests.backends import at_once, backend_fixture
from tests.conftest import Accounts
from tests.incoming.conftest import typed

backend = backend_fixture("incoming")


def _clerks(services, n: int):
    accounts = Accounts(services)
    for i in range(n):
        accounts.user(f"vanthu{i}", "clerk", unit="XA-A", clearance=1)
    return [accounts.principal(f"vanthu{i}") for i in range(n)]


def test_eight_clerks_at_once_get_one_to_eight(backend):
    clerks = _clerks(backend, 8)
    calls = [lambda c=c, i=i: inc.register_incoming(backend, c, typed(number=str(100 + i))) for i, c in enumerate(clerks)]
    calls += [lambda c=c, i=i: inc.register_incoming(backend, c, typed(number=str(200 + i), secrecy=1))
              for i, c in enumerate(clerks[:4])]
    results = at_once(calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    normal = sorted(r["arrival_number"] for r in results if not r["secret"])
    secret = sorted(r["arrival_number"] for r in results if r["secret"])
    assert normal == list(range(1, 9)) and secret == [1, 2, 3, 4]
    with backend.session_factory() as db:
        office = results[0]["office"]["id"]
        assert (last_taken(db, "incoming", office, 2026), last_taken(db, "incoming_secret", office, 2026)) == (8, 4)


def test_the_same_document_registered_at_once_is_registered_once(backend):
    clerks = _clerks(backend, 4)
    results = at_once([lambda c=c: inc.register_incoming(backend, c, typed()) for c in clerks])
    done = [r for r in results if isinstance(r, dict)]
    repeats = [r for r in results if isinstance(r, inc.DuplicateIncoming)]
    assert len(done) == 1 and len(repeats) == 3, results
    assert {r.earlier["id"] for r in repeats} == {done[0]["id"]} and done[0]["arrival_number"] == 1
    after = inc.register_incoming(backend, clerks[0], typed(number="999"))
    assert after["arrival_number"] == 2  # the repeats used no number
