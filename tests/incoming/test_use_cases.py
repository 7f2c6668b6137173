"""The incoming register's use cases (docsvc.incoming.services) on a real SQLite database:
numbering (a new year starts at 1, secret documents keep their own sequence, a refusal uses
no number), the duplicate warning and its confirmation with a reason, scope (another unit, a
lower clearance: absent), the leader's urgent-first list, confirming machine-read fields, and
the prefill from a real PDF whose meeting date must not become the document's date.

Bad inputs tried: an arrival in the future, a document date after the arrival, an unknown
urgency, a secrecy above the clerk's clearance, a typed registration without issuer, the same
number/symbol/issuer with other case, diacritics, spaces and leading zeros, a registration by
a role without the right, and moments with an offset across the year end."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from archive.audit import AuditRecord
from archive.sequences import last_taken
from docsvc.incoming import services as inc
from docsvc.services.audit import PermissionDenied
from tests.incoming.conftest import INVITATION, scanned, typed


def test_numbers_run_per_year_from_one_and_a_new_year_starts_at_one(services, people):
    clerk = people["vt_a"]
    numbers = [inc.register_incoming(services, clerk, typed(number=str(n), arrived_at=at, issued_on="2025-12-01"))
               for n, at in ((1, "2025-12-30T10:00"), (2, "2025-12-31T23:59"), (3, "2026-01-01T00:01"),
                             (4, "2026-01-02T08:00"))]
    assert [(r["arrival_number"], r["year"]) for r in numbers] == [(1, 2025), (2, 2025), (1, 2026), (2, 2026)]
    # an offset is converted to local time: 17:30 UTC on 31 December is 00:30 on 1 January in Hà Nội
    shifted = inc.register_incoming(services, clerk, typed(number="5", arrived_at="2025-12-31T17:30:00Z",
                                                                     issued_on=""))
    assert (shifted["arrival_number"], shifted["year"], shifted["arrived_on"]) == (3, 2026, "2026-01-01")


def test_secret_documents_keep_their_own_sequence(services, people):
    clerk, leader, specialist = people["vt_a"], people["ld_a"], people["cv_a"]
    first = inc.register_incoming(services, clerk, typed(number="1"))
    secret = inc.register_incoming(services, clerk, typed(number="2", secrecy="Mật"))
    second = inc.register_incoming(services, clerk, typed(number="3"))
    assert (first["arrival_number"], second["arrival_number"]) == (1, 2)
    assert (secret["arrival_number"], secret["scope"], secret["secret"]) == (1, "incoming_secret", True)
    # the secret row is absent for who is not cleared for it, there for the leader
    with pytest.raises(inc.IncomingNotFound):
        inc.get_incoming(services, specialist, secret["id"])
    assert secret["id"] not in [r["id"] for r in inc.list_incoming(services, specialist, year=2026)]
    assert inc.get_incoming(services, leader, secret["id"])["secrecy_label"] == "Mật"
    # a clerk may not register above their own clearance (Tối mật > 1)
    with pytest.raises(inc.IncomingInvalid) as refused:
        inc.register_incoming(services, clerk, typed(number="4", secrecy="toi_mat"))
    assert (refused.value.field, refused.value.code) == ("secrecy", "above_clearance")


def test_a_repeat_is_refused_naming_the_earlier_one_unless_confirmed_with_a_reason(services, people):
    clerk = people["vt_a"]
    earlier = inc.register_incoming(services, clerk, typed())
    for variant in (typed(), typed(number="0135", symbol="kh - ubnd", issuer="ubnd  HUYEN tan phu")):
        with pytest.raises(inc.DuplicateIncoming) as refused:
            inc.register_incoming(services, clerk, variant)
        assert refused.value.earlier["id"] == earlier["id"]
        assert (refused.value.earlier["arrival_number"], refused.value.earlier["year"]) == (1, 2026)
        assert refused.value.earlier["arrived_on"] == "2026-01-06"
        assert "số đến 1/2026" in refused.value.message
    # the refused attempts took no number
    with services.session_factory() as db:
        assert last_taken(db, "incoming", earlier["office"]["id"], 2026) == 1
    again = inc.register_incoming(services, clerk, typed(confirm_duplicate_reason="Bản gửi lần hai có bổ sung phụ lục"))
    assert again["arrival_number"] == 2
    assert (again["duplicate_of_id"], again["duplicate_reason"]) == (earlier["id"], "Bản gửi lần hai có bổ sung phụ lục")
    # another office may register the same document: each office has its own register
    other = inc.register_incoming(services, people["vt_b"], typed())
    assert (other["arrival_number"], other["duplicate_of_id"]) == (1, None)


def test_bad_values_are_refused_naming_the_field_and_use_no_number(services, people):
    clerk = people["vt_a"]
    cases = [(typed(arrived_at="2099-01-01T08:00"), "arrived_at"),
             (typed(issued_on="2026-02-01"), "issued_on"),
             (typed(urgency="rất khẩn"), "urgency"),
             (typed(issuer=""), "issuer"),
             (typed(arrived_at="hôm qua"), "arrived_at"),
             (typed(page_count="nhiều"), "page_count")]
    for data, field in cases:
        with pytest.raises(inc.IncomingInvalid) as refused:
            inc.register_incoming(services, clerk, data)
        assert refused.value.field == field, data
    with pytest.raises(PermissionDenied):
        inc.register_incoming(services, people["cv_a"], typed())
    assert inc.register_incoming(services, clerk, typed(urgency="Hỏa tốc"))["arrival_number"] == 1


def test_scope_another_unit_sees_nothing(services, people):
    row = inc.register_incoming(services, people["vt_a"], typed())
    with pytest.raises(inc.IncomingNotFound):
        inc.get_incoming(services, people["vt_b"], row["id"])
    assert inc.list_incoming(services, people["vt_b"], year=2026) == []
    with pytest.raises(inc.IncomingNotFound):
        inc.confirm_fields(services, people["vt_b"], row["id"], {"abstract": "x"})


def test_the_leader_queue_puts_urgent_documents_first(services, people):
    clerk = people["vt_a"]
    made = {}
    for n, (urgency, at) in enumerate((("normal", "2026-01-06T08:00"), ("khan", "2026-01-06T09:00"),
                                       ("hoa_toc", "2026-01-06T10:00"), ("thuong_khan", "2026-01-06T11:00"),
                                       ("Khẩn", "2026-01-06T07:00"))):
        made[n] = inc.register_incoming(services, clerk, typed(number=str(n), urgency=urgency, arrived_at=at))
    queue = inc.leader_queue(services, people["ld_a"])
    assert [r["urgency"] for r in queue] == ["hoa_toc", "thuong_khan", "khan", "khan", "normal"]
    assert [r["id"] for r in queue[2:4]] == [made[4]["id"], made[1]["id"]]  # by arrival within an urgency
    assert inc.leader_queue(services, people["vt_b"]) == []


def test_confirming_fields_marks_them_clerk_and_is_audited(services, people, accounts):
    doc_id = scanned(services, accounts, INVITATION)
    row = inc.register_incoming(services, people["vt_a"], {"document_id": doc_id, "arrived_at": "2026-01-06T09:00"})
    assert set(row["machine_fields"]) == {"number", "symbol", "doc_type", "issuer", "issued_on", "abstract"}
    fixed = inc.confirm_fields(services, people["vt_a"], row["id"],
                               {"abstract": "Họp triển khai số hóa hồ sơ năm 2026", "confirm": ["issued_on"]})
    assert fixed["field_sources"]["abstract"] == "clerk" and fixed["field_sources"]["issued_on"] == "clerk"
    assert set(fixed["machine_fields"]) == {"number", "symbol", "doc_type", "issuer"}
    done = inc.confirm_fields(services, people["vt_a"], row["id"], {"confirm": True})
    assert done["machine_fields"] == []
    with services.session_factory() as db:
        actions = db.scalars(select(AuditRecord.action).where(AuditRecord.object_type == "incoming",
                                                              AuditRecord.object_id == str(row["id"]))).all()
    assert actions == ["incoming.register", "incoming.update", "incoming.update"]
    with pytest.raises(inc.IncomingInvalid) as refused:
        inc.confirm_fields(services, people["vt_a"], row["id"], {"secrecy": 0})
    assert refused.value.field == "secrecy"


def test_prefill_from_a_scan_reads_the_date_line_not_the_meeting_date(services, people, accounts):
    """A real PDF with a text layer, read by the ingest: the meeting "vào lúc 8 giờ ngày 10
    tháng 01 năm 2026" comes before the date line and must not become the document's date."""
    from datetime import date

    doc_id = scanned(services, accounts, INVITATION)
    shown = inc.prefill(services, people["vt_a"], doc_id)
    assert shown["values"] == {"number": "12", "symbol": "GM-UBND", "doc_type": "Giấy mời",
                               "issuer": "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", "issued_on": "2026-01-05",
                               "abstract": "Họp triển khai số hóa hồ sơ"}
    assert set(shown["field_sources"].values()) == {"machine"}
    row = inc.register_incoming(services, people["vt_a"], {"document_id": doc_id, "urgency": "khan",
                                                           "arrived_at": "2026-01-06T09:00"})
    assert (row["issued_on"], row["number_symbol"], row["document_id"]) == ("2026-01-05", "12/GM-UBND", doc_id)
    # without a date line, no date is taken at all (not the meeting's)
    no_line = scanned(services, accounts, INVITATION[:-1], name="khong-ngay.pdf")
    shown = inc.prefill(services, people["vt_a"], no_line)
    assert "issued_on" not in shown["values"] and shown["values"]["number"] == "12"
    # a field the clerk types wins and is theirs
    mine = inc.register_incoming(services, people["vt_a"], {"document_id": no_line, "issued_on": "04/01/2026",
                                                            "confirm_duplicate_reason": "bản in lại",
                                                            "arrived_at": "2026-01-06T10:00"})
    assert mine["issued_on"] == date(2026, 1, 4).isoformat() and mine["field_sources"]["issued_on"] == "clerk"
    assert mine["duplicate_of_id"] == row["id"]  # same number, symbol and issuer as the first


def test_a_document_the_clerk_cannot_see_is_absent(services, people, accounts):
    other = scanned(services, accounts, INVITATION, unit="XA-B")
    with pytest.raises(inc.IncomingNotFound):
        inc.register_incoming(services, people["vt_a"], {"document_id": other})


def test_list_filters(services, people):
    clerk = people["vt_a"]
    inc.register_incoming(services, clerk, typed(number="1", arrived_at="2026-01-05T08:00", abstract="Báo cáo thu ngân sách"))
    inc.register_incoming(services, clerk, typed(number="2", arrived_at="2026-02-05T08:00", urgency="khan"))
    inc.register_incoming(services, clerk, typed(number="3", arrived_at="2025-12-05T08:00", issued_on=""))
    leader = people["ld_a"]
    assert [r["number"] for r in inc.list_incoming(services, leader, year=2026)] == ["2", "1"]
    assert [r["number"] for r in inc.list_incoming(services, leader, date_from="2026-01-01", date_to="2026-01-31")] == ["1"]
    assert [r["number"] for r in inc.list_incoming(services, leader, urgency="urgent")] == ["2"]
    assert [r["number"] for r in inc.list_incoming(services, leader, q="ngân sách")] == ["1"]
    assert len(inc.list_incoming(services, leader, status="registered")) == 3
