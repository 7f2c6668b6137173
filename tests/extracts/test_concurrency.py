"""Eight officers issuing extracts at the same moment, on SQLite and on PostgreSQL: every
one gets a number, the numbers are 1..8 with no gap and none twice, and each PDF carries its
own number. Then eight issues at once where half are refused (an entry not verified): the
refused ones take no number, the others still run without a gap."""

from __future__ import annotations

import io

from pypdf import PdfReader

from docsvc.extracts import services as extracts
from tests.backends import at_once, backend_fixture
from tests.conftest import Accounts
from tests.extracts.conftest import Office

N = 8
backend = backend_fixture("extracts")


def test_officers_issuing_at_once_get_gap_free_unique_numbers(backend):
    services = backend
    office = Office(services, Accounts(services))
    for i in range(N):
        office.accounts.user(f"desk{i}", "one_stop", unit="XA-A", full_name=f"Cán Bộ {i}")
    entries = [office.entry(f"Người Thứ {i}") for i in range(N)]
    results = at_once([lambda i=i: office.issue(entries[i]["id"], who=f"desk{i}") for i in range(N)])
    assert all(isinstance(r, dict) for r in results), results
    assert sorted(r["seq"] for r in results) == list(range(1, N + 1))
    assert len({r["number"] for r in results}) == N
    for r in results:
        pdf, _ = extracts.extract_pdf(services, office.p("motcua"), r["id"])
        assert r["number"] in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    drafts = [office.entry(f"Chưa Duyệt {i}", verified=False) for i in range(N // 2)]
    targets = [e["id"] for pair in zip(drafts, entries) for e in pair]
    mixed = at_once([lambda i=i: office.issue(targets[i], who=f"desk{i}") for i in range(N)])
    made = [r for r in mixed if isinstance(r, dict)]
    refused = [r for r in mixed if not isinstance(r, dict)]
    assert len(made) == N // 2 and all(isinstance(r, extracts.ExtractConflict) for r in refused), mixed
    assert sorted(r["seq"] for r in made) == list(range(N + 1, N + N // 2 + 1))
