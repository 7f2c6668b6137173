"""Numbering at the same moment, on SQLite and on PostgreSQL (real threads released together):
eight signed documents numbered at once by three clerks get 01..08 with no gap and no repeat;
three secret ones at the same time keep their own 01..03; the same document numbered by two
clerks at once is numbered once (the other is told the step is out of order) and uses no
number."""

from __future__ import annotations

from archive.sequences import last_taken
from docsvc.outgoing.services import transition
from tests.backends import at_once, backend_fixture
from tests.conftest import Accounts
from tests.outgoing.conftest import Org, draft, walk

backend = backend_fixture("outgoing")


def _signed(services, org, n: int, **more) -> list[int]:
    ids = []
    for _ in range(n):
        doc_id = draft(services, org, **more)["id"]
        walk(services, org, doc_id, "sign")
        ids.append(doc_id)
    return ids


def test_eight_documents_numbered_at_once_get_01_to_08(backend):
    accounts = Accounts(backend)
    org = Org(backend, accounts)
    for i in range(3):
        accounts.user(f"vanthu{i}", "clerk", unit="XA-A", clearance=2)
    clerks = [accounts.principal(f"vanthu{i}") for i in range(3)]
    plain, secret = _signed(backend, org, 8), _signed(backend, org, 3, secrecy="mat")
    calls = [lambda d=d, i=i: transition(backend, clerks[i % 3], d, "number") for i, d in enumerate(plain + secret)]
    results = at_once(calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(r["number_symbol"] for r in results[:8])
    assert numbers == [f"{n:02d}/QĐ-UBND" for n in range(1, 9)]
    assert sorted(r["seq"] for r in results[8:]) == [1, 2, 3]
    with backend.session_factory() as db:
        issuer = results[0]["issuer"]["id"]
        year = results[0]["year"]
        assert (last_taken(db, "outgoing", issuer, year), last_taken(db, "outgoing_secret", issuer, year)) == (8, 3)


def test_one_document_numbered_twice_at_once_is_numbered_once(backend):
    accounts = Accounts(backend)
    org = Org(backend, accounts)
    accounts.user("vanthu2", "clerk", unit="XA-A", clearance=2)
    (doc_id,) = _signed(backend, org, 1)
    results = at_once([lambda: transition(backend, org["vanthu"], doc_id, "number"),
                       lambda: transition(backend, accounts.principal("vanthu2"), doc_id, "number")])
    done = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if not isinstance(r, dict)]
    assert len(done) == 1 and [getattr(r, "code", r) for r in refused] == ["out_of_order"]
    (next_id,) = _signed(backend, org, 1)
    assert transition(backend, org["vanthu"], next_id, "number")["number_symbol"] == "02/QĐ-UBND"
