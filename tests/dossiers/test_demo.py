"""The demo's one-stop data: the starter procedures, the agency code, three months of
dossiers with every outcome; a second run adds nothing."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from archive.dossiers import Dossier
from docsvc.accounts.bootstrap import ensure_demo_accounts
from docsvc.dossiers.demo import add_demo_dossiers
from docsvc.dossiers.procedures import STARTER


def test_demo_dossiers(services):
    ensure_demo_accounts(services)
    lines = add_demo_dossiers(services, seed=3)
    assert any("thủ tục" in line for line in lines) and any("Hồ sơ một cửa mẫu" in line for line in lines)
    with services.session_factory() as session:
        rows = session.scalars(select(Dossier)).all()
    states = Counter(r.status for r in rows)
    standings = Counter(r.standing for r in rows if r.standing)
    assert len(rows) > 40 and {"returned", "refused"} <= set(states)
    assert {"early", "on_time", "late"} <= set(standings)
    assert any(r.supplements for r in rows) and all(r.code.startswith("000.00.12.H29-") for r in rows)
    assert len({r.code for r in rows}) == len(rows)
    assert add_demo_dossiers(services, seed=3) == []
    with services.session_factory() as session:
        assert len(session.scalars(select(Dossier)).all()) == len(rows)
    assert len(STARTER) == 8
