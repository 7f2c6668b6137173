"""The civil-status register use cases, called directly (no HTTP) on real SQLite:
numbering, keying, review, double keying, corrections as revisions, scope and the
personal-data log."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from archive.audit import AuditRecord
from archive.civil import RegisterKeying, RegisterRevision
from docsvc.audit.personal import PurposeRequired
from docsvc.civil import services as civil
from docsvc.civil.services import Conflict, EntryFieldError
from docsvc.documents.queries import NotFound
from docsvc.services.audit import PermissionDenied
from tests.civil.conftest import PURPOSE, birth


def _book(services, principal, **kw):
    args = dict(office_code="XA-A", kind="birth", year_from=2024, label="Sổ khai sinh 2024 quyển 1")
    args.update(kw)
    return civil.add_book(services, principal, **args)


def _audit(services, action):
    with services.session_factory() as db:
        return list(db.scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq)))


def test_numbering_gap_duplicate_and_a_second_book_continuing_the_year(services, people):
    """Bad inputs tried: a number already used in the office's year (in the same book and
    from a second book), a registration date outside the book's years, a date that does
    not exist, a field not on the form, a value given for a 'missing' field."""
    k1 = people.keyer1
    book1 = _book(services, k1)
    one = civil.create_entry(services, k1, book1["id"], birth(1))
    three = civil.create_entry(services, k1, book1["id"], birth(3, name="Trần Thị Bình"))
    assert (one["number"], one["status"], one["year"]) == (1, "keyed", 2024)
    assert civil.get_book(services, k1, book1["id"])["warnings"] == [{"kind": "gap", "year": 2024, "missing": [[2, 2]]}]

    with pytest.raises(Conflict) as dup:
        civil.create_entry(services, k1, book1["id"], birth(1, name="Lê Văn Cường"))
    assert dup.value.code == "duplicate_number" and dup.value.existing_id == one["id"]

    # A second book of the same year continues the sequence: the next number is 4, and 1 is
    # still taken when keyed there.
    book2 = _book(services, k1, label="Sổ khai sinh 2024 quyển 2")
    assert civil.get_book(services, k1, book2["id"])["next_number"] == {2024: 4}
    four = civil.create_entry(services, k1, book2["id"], birth(None, name="Phạm Văn Dũng"))
    assert four["number"] == 4 and four["fields"]["number"]["value"] == 4
    with pytest.raises(Conflict) as dup2:
        civil.create_entry(services, k1, book2["id"], birth(3))
    assert dup2.value.existing_id == three["id"]
    assert civil.get_book(services, k1, book2["id"])["warnings"] == []   # it starts where book 1 ended
    civil.create_entry(services, k1, book2["id"], birth(7))
    assert civil.get_book(services, k1, book2["id"])["warnings"] == [{"kind": "gap", "year": 2024, "missing": [[5, 6]]}]
    # Filling the gap in book 1 clears its warning.
    civil.create_entry(services, k1, book1["id"], birth(2))
    assert civil.get_book(services, k1, book1["id"])["warnings"] == []
    # Another year starts again from 01; another office has its own sequence.
    b2025 = _book(services, k1, year_from=2025, label="Sổ khai sinh 2025")
    assert civil.create_entry(services, k1, b2025["id"], birth(None, day="2025-01-02"))["number"] == 1

    for bad, key in ((birth(9, day="2023-12-31"), "registered_on"), (birth(9, day="31/02/2024"), "registered_on"),
                     ({**birth(9), "favourite_colour": "xanh"}, "favourite_colour"),
                     (birth(9, home_town={"value": "Hà Nội", "state": "missing"}), "home_town"),
                     (birth(9, sex=7), "sex")):
        with pytest.raises(EntryFieldError) as exc:
            civil.create_entry(services, k1, book1["id"], bad)
        assert exc.value.name == key
    assert [e["number"] for e in civil.list_entries(services, k1, book1["id"], purpose=PURPOSE)] == [1, 2, 3]
    [office] = civil.office_progress(services, k1)
    assert (office["office"]["code"], office["books"], office["pages"]) == ("XA-A", 3, 0)
    assert office["entries"] == {"proposed": 0, "keyed": 6, "verified": 0, "disputed": 0}
    assert civil.office_progress(services, people.other) == []


def test_missing_and_illegible_fields_are_kept_as_such(services, people):
    book = _book(services, people.keyer1)
    entry = civil.create_entry(services, people.keyer1, book["id"], birth(
        1, home_town={"value": None, "state": "missing"}, place_of_birth={"value": None, "state": "illegible"},
        father_name=None))
    fields = entry["fields"]
    assert fields["home_town"] == {"value": None, "state": "missing", "confidence": None}
    assert fields["place_of_birth"]["state"] == "illegible"
    assert fields["father_name"]["state"] == "missing"
    assert fields["date_of_birth"] == {"value": "2024-03-01", "state": "ok", "confidence": None}


def test_verification_by_the_keyer_is_refused_and_a_correction_is_a_revision(services, people):
    """Bad inputs tried: verifying one's own keying, correcting a verified entry without a
    reason, an old version, a legal-basis date that does not exist, a role without the
    right to correct (archivist)."""
    k1, k2 = people.keyer1, people.keyer2
    book = _book(services, k1)
    entry = civil.create_entry(services, k1, book["id"], birth(1))
    with pytest.raises(Conflict) as same:
        civil.verify_entry(services, k1, entry["id"])
    assert same.value.code == "same_person"
    # A reviewer's change before verifying is recorded as such.
    reviewed = civil.update_entry(services, k2, entry["id"], fields={"home_town": "Nam Định"})
    assert reviewed["version"] == entry["version"] + 1
    verified = civil.verify_entry(services, k2, entry["id"], version=reviewed["version"])
    assert (verified["status"], verified["verified_by"]) == ("verified", k2.user_id)

    with pytest.raises(Conflict) as no_reason:
        civil.update_entry(services, k1, entry["id"], fields={"full_name": "Nguyễn Văn Ân"})
    assert no_reason.value.code == "reason_required"
    with pytest.raises(Conflict) as stale:
        civil.update_entry(services, k1, entry["id"], fields={"full_name": "Nguyễn Văn Ân"}, reason="x",
                           version=reviewed["version"])
    assert stale.value.code == "stale"
    with pytest.raises(EntryFieldError):
        civil.update_entry(services, k1, entry["id"], fields={"full_name": "Nguyễn Văn Ân"}, reason="x",
                           legal_basis_date="30/02/2025")
    with pytest.raises(PermissionDenied):
        civil.update_entry(services, people.archivist, entry["id"], fields={"full_name": "X"}, reason="x")

    corrected = civil.update_entry(services, k1, entry["id"], fields={"full_name": "Nguyễn Văn Ân"},
                                   reason="Cải chính họ tên", legal_basis="12/QĐ-UBND",
                                   legal_basis_date="15/01/2025")
    assert corrected["status"] == "verified" and corrected["fields"]["full_name"]["value"] == "Nguyễn Văn Ân"

    with pytest.raises(EntryFieldError) as too_long:
        civil.update_entry(services, k1, entry["id"], fields={"home_town": "Hà Nội"}, reason="x",
                           legal_basis="QĐ" * 101)
    assert too_long.value.name == "legal_basis"
    # The region alone may be redrawn on a verified entry: no field changes, no correction.
    redrawn = civil.update_entry(services, people.archivist, entry["id"], box=[10, 20, 300, 120])
    assert redrawn["box"] == [10, 20, 300, 120] and redrawn["status"] == "verified"
    history = civil.revisions(services, k2, entry["id"], purpose=PURPOSE)
    assert [(r["stage"], r["who"]) for r in history] == [("review", "keyer2"), ("correction", "keyer1")]
    assert history[0]["changes"]["home_town"]["old"] is None and history[0]["changes"]["home_town"]["new"] == "Nam Định"
    fix = history[1]
    assert fix["reason"] == "Cải chính họ tên" and fix["legal_basis"] == "12/QĐ-UBND"
    assert fix["legal_basis_date"] == "2025-01-15" and fix["when"]
    assert fix["changes"] == {"full_name": {"old": "Nguyễn Văn An", "new": "Nguyễn Văn Ân",
                                            "old_state": "ok", "new_state": "ok"}}
    [audit] = _audit(services, "civil.entry_correct")
    assert audit.details["reason"] == "Cải chính họ tên" and audit.object_id == str(entry["id"])
    # Nothing was written by the refusals: two revisions only.
    with services.session_factory() as db:
        assert len(db.scalars(select(RegisterRevision)).all()) == 2
    stats = {s["username"]: s for s in civil.keying_stats(services, k1)}
    assert stats["keyer2"]["review_changes"] == 1 and stats["keyer1"]["changed_in_review"] == 1
    assert stats["keyer2"]["verified"] == 1 and stats["keyer1"]["keyed"] == 1


def test_double_keying_through_arbitration(services, people):
    """Bad inputs tried: the first keyer keying again, review-verifying in a double-keying
    book, arbitration by one of the keyers, arbitration leaving a disputed field out,
    arbitrating an entry that is not disputed."""
    k1, k2, arb = people.keyer1, people.keyer2, people.arbiter
    book = _book(services, k1, verification_mode="double")
    entry = civil.create_entry(services, k1, book["id"], birth(1, home_town="Hà Nam"))
    with pytest.raises(Conflict) as own:
        civil.key_again(services, k1, entry["id"], birth(1, home_town="Hà Nam"))
    assert own.value.code == "same_person"
    with pytest.raises(Conflict) as review:
        civil.verify_entry(services, k2, entry["id"])
    assert review.value.code == "needs_second_keying"

    blind = civil.get_entry(services, k2, entry["id"], purpose=PURPOSE, blind=True)
    assert blind["awaiting_second_keying"] and blind["fields"] == {}
    assert not civil.get_entry(services, k1, entry["id"], purpose=PURPOSE, blind=True)["awaiting_second_keying"]
    second = civil.key_again(services, k2, entry["id"], birth(1, name="Nguyễn Văn Ấn", home_town="Hà Nam"))
    assert second["status"] == "disputed" and second["differences"] == ["full_name"]
    shown = civil.get_entry(services, arb, entry["id"], purpose=PURPOSE)
    assert shown["disputes"] == {"full_name": {"round1": {"value": "Nguyễn Văn An", "state": "ok", "confidence": None},
                                               "round2": {"value": "Nguyễn Văn Ấn", "state": "ok", "confidence": None}}}
    with pytest.raises(Conflict) as disputed_edit:
        civil.update_entry(services, k1, entry["id"], fields={"full_name": "X"})
    assert disputed_edit.value.code == "disputed"
    with pytest.raises(Conflict) as keyer:
        civil.arbitrate(services, k2, entry["id"], {"full_name": "Nguyễn Văn Ấn"})
    assert keyer.value.code == "arbiter_is_keyer"
    with pytest.raises(EntryFieldError) as left_out:
        civil.arbitrate(services, arb, entry["id"], {"home_town": "Hà Nam"})
    assert left_out.value.name == "full_name"

    settled = civil.arbitrate(services, arb, entry["id"], {"full_name": "Nguyễn Văn Ấn"})
    assert (settled["status"], settled["verified_by"]) == ("verified", arb.user_id)
    assert settled["fields"]["full_name"]["value"] == "Nguyễn Văn Ấn"
    with services.session_factory() as db:
        rounds = [(k.round, k.user_id) for k in db.scalars(select(RegisterKeying).where(
            RegisterKeying.entry_id == entry["id"]).order_by(RegisterKeying.round))]
    assert rounds == [(1, k1.user_id), (2, k2.user_id), (3, arb.user_id)]
    [rev] = civil.revisions(services, arb, entry["id"], purpose=PURPOSE)
    assert rev["stage"] == "arbitration" and rev["who"] == "arbiter"
    assert rev["changes"]["full_name"]["old"] == "Nguyễn Văn An"
    with pytest.raises(Conflict) as again:
        civil.arbitrate(services, arb, entry["id"], {"full_name": "Y"})
    assert again.value.code == "not_disputed"

    # Two keyings that agree verify the entry at once.
    other = civil.create_entry(services, k2, book["id"], birth(2, name="Đỗ Thị Hoa"))
    agreed = civil.key_again(services, k1, other["id"], birth(2, name="Đỗ Thị Hoa"))
    assert (agreed["status"], agreed["differences"], agreed["verified_by"]) == ("verified", [], k1.user_id)
    stats = {s["username"]: s for s in civil.keying_stats(services, arb, book_id=book["id"])}
    assert stats["keyer1"]["double_keyed"] == 2 and stats["keyer1"]["agreed"] == 1
    assert stats["keyer1"]["agreement_rate"] == 0.5 and stats["keyer1"]["keyed"] == 2
    assert stats["arbiter"]["verified"] == 1 and stats["keyer1"]["entries_per_hour"] > 0
    assert [a.details["status"] for a in _audit(services, "civil.entry_key_again")] == ["disputed", "verified"]


def test_no_person_view_or_another_unit_means_not_found(services, people):
    """Tried: an administrator and a clerk (no person.view) reading, listing, keying;
    another commune's civil-status officer; a missing id; a one-stop officer (person.view
    but no keying right) keying, which is 403 rather than 404."""
    book = _book(services, people.keyer1)
    entry = civil.create_entry(services, people.keyer1, book["id"], birth(1))
    for outsider in (people.admin1, people.clerk1, people.other):
        with pytest.raises(NotFound):
            civil.get_entry(services, outsider, entry["id"], purpose=PURPOSE)
        with pytest.raises(NotFound):
            civil.get_book(services, outsider, book["id"])
        with pytest.raises(NotFound):
            civil.list_entries(services, outsider, book["id"], purpose=PURPOSE)
        with pytest.raises(NotFound):
            civil.revisions(services, outsider, entry["id"], purpose=PURPOSE)
    for outsider in (people.admin1, people.clerk1):
        with pytest.raises(NotFound):
            civil.list_books(services, outsider)
        with pytest.raises(NotFound):
            civil.create_entry(services, outsider, book["id"], birth(2))
    assert civil.list_books(services, people.other) == []
    with pytest.raises(NotFound):
        civil.create_entry(services, people.other, book["id"], birth(2))
    with pytest.raises(NotFound):
        civil.verify_entry(services, people.other, entry["id"])
    with pytest.raises(EntryFieldError):  # another unit's office is not theirs to add books to
        _book(services, people.other)
    with pytest.raises(NotFound):
        civil.get_entry(services, people.keyer2, 999999, purpose=PURPOSE)
    with pytest.raises(PermissionDenied):
        civil.create_entry(services, people.desk, book["id"], birth(2))
    assert civil.get_entry(services, people.desk, entry["id"], purpose=PURPOSE)["number"] == 1
    assert _audit(services, "civil.entry_create") and len(_audit(services, "person.read")) == 1


def test_every_view_is_written_to_the_personal_data_log_with_its_purpose(services, people):
    """Tried: a view without a purpose (refused before anything is read, nothing logged)."""
    book = _book(services, people.keyer1)
    entry = civil.create_entry(services, people.keyer1, book["id"], birth(1, name="Hoàng Thị Lan"))
    with pytest.raises(PurposeRequired):
        civil.get_entry(services, people.keyer2, entry["id"])
    with pytest.raises(PurposeRequired):
        civil.list_entries(services, people.keyer2, book["id"])
    assert _audit(services, "person.read") == []
    civil.get_entry(services, people.keyer2, entry["id"], purpose=PURPOSE)
    civil.list_entries(services, people.keyer2, book["id"], purpose=PURPOSE)
    one, listing = _audit(services, "person.read")
    assert (one.actor, one.object_type, one.object_id) == ("keyer2", "entry", str(entry["id"]))
    assert one.details["purpose"] == "verification" and one.details["person"] == "Hoàng Thị Lan"
    assert one.details["what"] == "entry"
    assert (listing.object_type, listing.details["what"], listing.details["persons"]) == (
        "register_book", "entries", ["Hoàng Thị Lan"])


def test_custody_passes_to_the_successor_of_an_abolished_office(services, accounts, people):
    from docsvc.accounts.services import end_unit

    book = _book(services, people.keyer1)
    entry = civil.create_entry(services, people.keyer1, book["id"], birth(1))
    with services.session_factory() as db:
        end_unit(services, db, accounts.system, "XA-A", valid_to=date(2025, 6, 30), successor_code="XA-B")
        db.commit()
    successor = accounts.principal("other")          # a civil-status officer of XA-B
    [seen] = civil.list_books(services, successor)
    assert seen["office"]["code"] == "XA-A" and seen["custodian"]["code"] == "XA-B"
    assert civil.get_entry(services, successor, entry["id"], purpose=PURPOSE)["number"] == 1
    # The abolished office's books can still be added, to its name, by the successor.
    more = civil.add_book(services, successor, office_code="XA-A", kind="death", year_from=2020,
                          year_to=2022, label="Sổ khai tử 2020–2022")
    assert more["office"]["code"] == "XA-A" and more["custodian"]["code"] == "XA-B"
    with pytest.raises(EntryFieldError) as which_year:
        civil.create_entry(services, successor, more["id"], {"full_name": "Vũ Văn Tư"})
    assert which_year.value.name == "registered_on"


def test_renumbering_an_entry_onto_a_taken_number_is_a_conflict_not_a_crash(services, people):
    """Bad input tried: editing a keyed entry, and accepting it, with a number the office's
    year already has: a Conflict naming the holder (the workbench shows it), nothing saved."""
    k1 = people.keyer1
    book = _book(services, k1)
    one = civil.create_entry(services, k1, book["id"], birth(1))
    two = civil.create_entry(services, k1, book["id"], birth(2, name="Trần Thị Bình"))
    for status in (None, "keyed"):
        with pytest.raises(Conflict) as taken:
            civil.update_entry(services, k1, two["id"], fields={"number": 1}, status=status, version=two["version"])
        assert taken.value.code == "duplicate_number" and taken.value.existing_id == one["id"]
    again = civil.get_entry(services, k1, two["id"], purpose=PURPOSE)
    assert again["number"] == 2 and again["version"] == two["version"]
