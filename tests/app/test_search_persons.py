"""`docsvc search "QUERY" --kind person --json` finds register entries (issue 11,
interface): each hit carries the entry id, the current name as its title, the former
names of a corrected entry, and the read is in the personal-data log with its purpose.

The entries are put in the app's own index as the civil-status use cases will (plain
``PersonRecord`` values after commit). Bad inputs tried: the former name without
diacritics; no purpose (refused, nothing logged); a user without ``person.view``
(refused); a user of another commune (finds nothing, not even a total).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from sqlalchemy import select

from archive.accounts import Unit
from archive.audit import AuditRecord
from search import PersonRecord


def _unit_id(services, code):
    with services.session_factory() as db:
        return db.scalar(select(Unit.id).where(Unit.code == code))


def _entries(services):
    unit = _unit_id(services, "XA-A")
    base = dict(event="birth", sex=1, registered_on=date(1993, 2, 1), year=1993, book="01/1993",
                unit_id=unit, unit="XA-A", version="1")
    return [
        PersonRecord(entry_id=41, full_name="Phạm Minh Khôi", date_of_birth=date(1992, 5, 5), number=3,
                     former_names=("Phạm Minh Khánh",), **base),
        PersonRecord(entry_id=42, full_name="Phạm Minh Khánh", date_of_birth=date(1993, 1, 1), number=4,
                     related={"mother": "Lê Thị Hoa"}, **base),
    ]


def _search(app, query, user, *extra):
    return app.test_cli_runner().invoke(args=["search", query, "--kind", "person", "--json", *extra],
                                        env={"DOCSVC_USER": user})


def _person_reads(services):
    with services.session_factory() as db:
        return db.scalars(select(AuditRecord).where(AuditRecord.action == "person.read")).all()


def test_cli_finds_entries_by_current_and_former_name(app, services, accounts):
    accounts.user("hotich", "civil_status")
    services.search_index.update(_entries(services))
    result = _search(app, "pham minh khanh", "hotich", "--purpose", "verification")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 2 and data["facets"]["kind"] == {"person": 2}
    current, former = data["hits"]
    assert (current["id"], current["title"], current["former_names"]) == (42, "Phạm Minh Khánh", [])
    assert (former["id"], former["title"], former["former_names"]) == (41, "Phạm Minh Khôi", ["Phạm Minh Khánh"])
    assert current["score"] > former["score"]
    assert former["kind"] == "person" and former["page"] is None and former["personal"] is True
    assert former["number"] == 3 and former["book"] == "01/1993" and former["event"] == "birth"
    assert former["date"] == "1993-02-01" and former["date_of_birth"] == "1992-05-05"
    assert "tên cũ <mark>Phạm</mark> <mark>Minh</mark> <mark>Khánh</mark>" in former["highlights"][0]
    reads = _person_reads(services)
    assert len(reads) == 1 and "verification" in json.dumps(reads[0].details, ensure_ascii=False)


def test_cli_person_search_needs_a_purpose_and_person_view(app, services, accounts):
    accounts.user("hotich", "civil_status")
    accounts.user("vanthu", "clerk")
    accounts.user("hotich_b", "civil_status", unit="XA-B")
    services.search_index.update(_entries(services))
    no_purpose = _search(app, "pham minh khanh", "hotich")
    assert no_purpose.exit_code != 0 and "--purpose" in no_purpose.output
    clerk = _search(app, "pham minh khanh", "vanthu", "--purpose", "verification")
    assert clerk.exit_code != 0 and "person.view" in clerk.output
    other = _search(app, "pham minh khanh", "hotich_b", "--purpose", "verification")
    assert other.exit_code == 0, other.output
    assert json.loads(other.output)["total"] == 0
    assert _person_reads(services) == []
    # The corrected entry re-indexed under its new name (as a correction does).
    services.search_index.update([replace(_entries(services)[0], full_name="Phạm Minh Khoa",
                                          former_names=("Phạm Minh Khánh", "Phạm Minh Khôi"), version="2")])
    data = json.loads(_search(app, "Phạm Minh Khôi", "hotich", "--purpose", "verification").output)
    assert [(h["id"], h["title"]) for h in data["hits"]] == [(41, "Phạm Minh Khoa")]
