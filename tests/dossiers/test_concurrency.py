"""Eight desks receiving at the same moment get the day's numbers 0001..0008, no gap, no
repeat, on SQLite and on PostgreSQL; a refusal after the checks (an unknown procedure) takes
no number."""

from __future__ import annotations

from docsvc.dossiers import services as dossiers
from docsvc.dossiers.rules import DossierInvalid
from tests.backends import at_once, backend_fixture
from tests.conftest import Accounts

backend = backend_fixture("dossiers")


def test_eight_desks_at_once(backend):
    accounts = Accounts(backend)
    for i in range(8):
        accounts.user(f"motcua{i}", "one_stop", unit="XA-A", full_name=f"Bàn {i}")
    accounts.user("quantri", "admin", unit="XA-A")
    dossiers.save_procedure(backend, accounts.principal("quantri"), "HT-KS", "Đăng ký khai sinh", "Hộ tịch", 1)
    desks = [accounts.principal(f"motcua{i}") for i in range(8)]
    calls = [lambda p=p, i=i: dossiers.receive_dossier(backend, p, "HT-KS", f"Người nộp {i}",
                                                         received_at="2026-03-02T09:00") for i, p in enumerate(desks)]
    calls.append(lambda: dossiers.receive_dossier(backend, desks[0], "KHONG-CO", "X", received_at="2026-03-02T09:00"))
    results = at_once(calls)
    assert isinstance(results[-1], DossierInvalid)
    received = results[:-1]
    assert not [r for r in received if isinstance(r, Exception)], received
    assert sorted(r["code"] for r in received) == [f"XA-A-260302-{n:04d}" for n in range(1, 9)]
    assert {r["due_on"] for r in received} == {"2026-03-03"}
    after = dossiers.receive_dossier(backend, desks[1], "HT-KS", "Người sau", received_at="2026-03-02T11:00")
    assert after["code"] == "XA-A-260302-0009"
