"""The demo's extracts (docsvc.extracts.demo, run by ``docsvc demo``): the demo commune gets a
local certificate, a named signer and sample extracts of every state (genuine, revoked), and
a second run adds nothing. The demo's books are stood in for by one verified entry keyed here
(the books' own demo is tested with the civil registers).
Bad inputs tried: a second run; a commune with no verified entry yet (told, nothing issued)."""

from __future__ import annotations

from docsvc.access import principal_for, system_principal
from docsvc.accounts.bootstrap import ensure_demo_accounts
from docsvc.civil import services as civil
from docsvc.extracts import demo, services as extracts
from docsvc.extracts.signing import check_signature


def _principal(services, username):
    from docsvc.accounts.services import get_user

    with services.session_factory() as session:
        return principal_for(session, get_user(session, username))


def test_demo_extracts_of_every_state_and_a_second_run_adds_nothing(services):
    ensure_demo_accounts(services)
    system = system_principal("test")
    first = demo.add_demo_extracts(services)
    assert any("chưa có mục đã kiểm tra" in line for line in first)
    assert extracts.list_extracts(services, system, office=demo.OFFICE) == []

    book = civil.add_book(services, system, office_code=demo.OFFICE, kind="birth", year_from=2020, label="01/2020")
    entry = civil.create_entry(services, _principal(services, "hotich"), book["id"],
                               {"full_name": "Võ Thị Mẫu", "registered_on": "2020-02-02", "date_of_birth": "01/02/2020"})
    civil.verify_entry(services, system, entry["id"])
    lines = demo.add_demo_extracts(services)
    assert any("đã cấp" in line for line in lines), lines
    made = extracts.list_extracts(services, system, office=demo.OFFICE)
    assert sorted(x["status"] for x in made) == ["genuine", "genuine", "revoked"]
    assert {x["signer"]["name"] for x in made} == {demo.SIGNER_NAME}
    office = extracts.get_office(services, system, demo.OFFICE)
    assert office["place"] == "Xã Tân Phú" and office["heading"] == ["ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ"]
    ca = demo.ca_path(services, demo.OFFICE).read_bytes()
    pdf, _name = extracts.extract_pdf(services, system, made[0]["id"])
    assert check_signature(pdf, [ca]).valid

    assert demo.add_demo_extracts(services) == []
    assert len(extracts.list_extracts(services, system, office=demo.OFFICE)) == 3
    assert len([c for c in extracts.get_office(services, system, demo.OFFICE)["certificates"]]) == 1
