"""The dossier use cases without HTTP, on real SQLite: the code, the promised date, the
outcomes at the desk, the supplement restarting the clock, routing, the one apology, the
return's standing, the scope and the personal data.

Bad inputs tried: a received moment in the future, an unknown procedure, a blank applicant,
an unknown outcome, a refusal without a reason, a second apology, an apology on the due day,
a new date before the old one or on a Sunday, routing to a person outside the unit, a return
before the receipt, every action in a state that refuses it, a role without the right,
another commune's officer (404)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from archive.audit import AuditRecord
from archive.routing import Assignment, AssignmentEvent
from docsvc.dossiers import services as dossiers
from docsvc.dossiers.rules import DossierConflict, DossierInvalid, DossierNotFound, format_code
from docsvc.services.audit import PermissionDenied


def _receive(services, people, at: str, procedure: str = "DD-CN", **kw):
    return dossiers.receive_dossier(services, people.p("motcua"), procedure, "Nguyễn Văn An", received_at=at, **kw)


def test_code_format():
    assert format_code("000.00.12.H29", date(2026, 11, 29), 7) == "000.00.12.H29-261129-0007"
    with pytest.raises(DossierConflict):
        format_code("X", date(2026, 1, 1), 10000)


def test_code_and_daily_sequence(services, people):
    """The unit's code stands in until an agency code is set; the sequence restarts each day."""
    first = _receive(services, people, "2026-03-02T09:00")
    second = _receive(services, people, "2026-03-02T10:00")
    assert first["code"] == "XA-A-260302-0001" and second["code"] == "XA-A-260302-0002"
    office = dossiers.configure_office(services, people.p("quantri"), "XA-A", "000.00.12.H29", place="Xã A")
    assert office["agency_code_set"] and office["agency_code"] == "000.00.12.H29"
    third = _receive(services, people, "2026-03-03T09:00")
    assert third["code"] == "000.00.12.H29-260303-0001"
    fourth = _receive(services, people, "2026-03-02T16:00")   # paper entered later, the day's next number
    assert fourth["code"] == "000.00.12.H29-260302-0003"


def test_promised_date(services, people):
    """5 working days (DD-CN). Mon 02/03/2026 09:00 → Mon 09/03; Fri 06/03 15:30 (after the
    cut-off) counts from Mon 09/03 → Mon 16/03; Wed 29/04 10:00 across 30/4 and 1/5 (Thu, Fri)
    → Thu 07/05 (Mon 4, Tue 5, Wed 6, Thu 7 and... day 0 Wed 29/04: 4/5, 5/5, 6/5, 7/5, 8/5);
    Sunday 01/03 counts from Mon 02/03."""
    assert _receive(services, people, "2026-03-02T09:00")["due_on"] == "2026-03-09"
    assert _receive(services, people, "2026-03-06T15:30")["due_on"] == "2026-03-16"
    assert _receive(services, people, "2026-03-06T14:59")["due_on"] == "2026-03-13"
    assert _receive(services, people, "2026-04-29T10:00")["due_on"] == "2026-05-08"
    assert _receive(services, people, "2026-03-01T10:00")["due_on"] == "2026-03-09"
    short = _receive(services, people, "2026-03-06T16:00", procedure="HT-KS")
    assert short["due_on"] == "2026-03-10" and short["clock_from"] == "2026-03-09"


def test_bad_receptions(services, people):
    one_stop = people.p("motcua")
    for kwargs, field in (({"received_at": "2999-01-01T09:00"}, "received_at"),
                          ({"procedure": "KHONG-CO"}, "procedure"),
                          ({"applicant": "   "}, "applicant"),
                          ({"outcome": "maybe"}, "outcome"),
                          ({"outcome": "refused"}, "note"),
                          ({"received_at": "hôm qua"}, "received_at")):
        args = {"procedure": "DD-CN", "applicant": "Lê Thị B", **kwargs}
        with pytest.raises(DossierInvalid) as caught:
            dossiers.receive_dossier(services, one_stop, **args)
        assert caught.value.field == field, kwargs
    for name in ("lanhdao", "diachinh", "quantri"):
        with pytest.raises(PermissionDenied):
            dossiers.receive_dossier(services, people.p(name), "DD-CN", "Lê Thị B")
    assert dossiers.list_dossiers(services, people.p("motcua"))["total"] == 0


def test_outcomes_at_the_desk(services, people):
    asked = _receive(services, people, "2026-03-02T09:00", outcome="supplement", note="Thiếu bản đồ thửa đất")
    assert asked["status"] == "supplement" and asked["due_on"] is None and asked["supplements"] == 1
    refused = _receive(services, people, "2026-03-02T09:30", outcome="refused", note="Không thuộc thẩm quyền")
    assert refused["status"] == "refused" and refused["refused_reason"] == "Không thuộc thẩm quyền"
    assert refused["code"].endswith("-0002")   # a refused dossier keeps its number: no gap


def test_supplement_restarts_the_clock(services, people):
    """Worked example: received Mon 02/03/2026 09:00, 5 working days: promised Mon 09/03.
    Supplement asked Tue 03/03; the applicant completes it Thu 05/03 at 16:00 (after the
    cut-off): day 0 is Fri 06/03, the full 5 days again: promised Fri 13/03."""
    one_stop = people.p("motcua")
    got = _receive(services, people, "2026-03-02T09:00")
    assert got["due_on"] == "2026-03-09"
    asked = dossiers.request_supplement(services, one_stop, got["id"], "Thiếu giấy ủy quyền", at="2026-03-03T10:00")
    assert asked["status"] == "supplement" and asked["supplements"] == 1
    with pytest.raises(DossierConflict):
        dossiers.route(services, one_stop, got["id"], "XA-A-DC")
    done = dossiers.complete_supplement(services, one_stop, got["id"], at="2026-03-05T16:00")
    assert done["status"] == "received" and done["clock_from"] == "2026-03-06"
    assert done["due_on"] == "2026-03-13" and done["original_due_on"] == "2026-03-13"
    with pytest.raises(DossierConflict):
        dossiers.complete_supplement(services, one_stop, got["id"])


def test_supplement_of_a_routed_dossier_moves_its_assignment(services, people):
    one_stop = people.p("motcua")
    got = _receive(services, people, "2026-03-02T09:00")
    dossiers.route(services, one_stop, got["id"])
    dossiers.request_supplement(services, one_stop, got["id"], "Thiếu sơ đồ", at="2026-03-03T10:00")
    done = dossiers.complete_supplement(services, one_stop, got["id"], at="2026-03-05T09:00")
    assert done["status"] == "in_progress" and done["due_on"] == "2026-03-12"
    with services.session_factory() as db:
        job = db.scalar(select(Assignment).where(Assignment.dossier_id == got["id"]))
        assert job.due_on == date(2026, 3, 12) and job.received_on == date(2026, 3, 5)


def test_refusal_needs_a_reason(services, people):
    got = _receive(services, people, "2026-03-02T09:00")
    with pytest.raises(DossierInvalid) as caught:
        dossiers.refuse(services, people.p("motcua"), got["id"], "  ")
    assert caught.value.field == "reason"
    refused = dossiers.refuse(services, people.p("motcua"), got["id"], "Hồ sơ giả mạo")
    assert refused["status"] == "refused"
    with pytest.raises(DossierConflict):
        dossiers.refuse(services, people.p("motcua"), got["id"], "Lần nữa")


def test_route_writes_the_assignment(services, people):
    got = _receive(services, people, "2026-03-02T09:00")
    with pytest.raises(DossierConflict) as outside:   # a person outside the unit
        dossiers.route(services, people.p("motcua"), got["id"], "XA-A-DC", user="vanthu")
    assert outside.value.code == "user_not_in_unit"
    with pytest.raises(DossierInvalid):   # nobody of that name
        dossiers.route(services, people.p("motcua"), got["id"], "XA-A-DC", user="khongco")
    routed = dossiers.route(services, people.p("motcua"), got["id"], user="diachinh", note="Giải quyết gấp")
    assert routed["status"] == "in_progress"
    with services.session_factory() as db:
        job = db.get(Assignment, routed["assignment_id"])
        assert (job.role, job.status, job.due_on, job.received_on) == ("main", "open", date(2026, 3, 9), date(2026, 3, 2))
        events = db.scalars(select(AssignmentEvent).where(AssignmentEvent.assignment_id == job.id)).all()
        assert [e.kind for e in events] == ["assign"] and events[0].to_unit_id == job.unit_id
    # the specialist of the land office sees it now (its handling unit), the applicant as initials
    seen = dossiers.get_dossier(services, people.p("diachinh"), got["id"])
    assert seen["applicant"] == "N.V.A." and seen["handling_unit"] == "Địa chính xã A"
    with pytest.raises(DossierConflict):
        dossiers.route(services, people.p("motcua"), got["id"], "XA-A-DC")


def test_one_apology_and_standing_against_the_original_date(services, people):
    """Promised Mon 09/03; apology on Fri 06/03 with Thu 12/03; returned Tue 10/03: before the
    new date but after the original one, so late (score 0), and so is the assignment."""
    handler = people.p("diachinh")
    got = _receive(services, people, "2026-03-02T09:00")
    dossiers.route(services, people.p("motcua"), got["id"])
    for new, field in (("2026-03-05", "new_due_on"), ("2026-03-15", "new_due_on"), ("31/02/2026", "new_due_on")):
        with pytest.raises(DossierInvalid) as caught:
            dossiers.apologize(services, handler, got["id"], new, "Chờ xác minh", at="2026-03-06T09:00")
        assert caught.value.field == field, new
    with pytest.raises(DossierConflict) as late:
        dossiers.apologize(services, handler, got["id"], "2026-03-12", "Chờ xác minh", at="2026-03-09T08:00")
    assert late.value.code == "too_late"
    sorry = dossiers.apologize(services, handler, got["id"], "2026-03-12", "Chờ xác minh", at="2026-03-06T09:00")
    assert sorry["apologized"] and sorry["due_on"] == "2026-03-12" and sorry["original_due_on"] == "2026-03-09"
    with pytest.raises(DossierConflict) as again:
        dossiers.apologize(services, handler, got["id"], "2026-03-13", "Lần nữa", at="2026-03-06T10:00")
    assert again.value.code == "already_apologized"
    back = dossiers.return_result(services, handler, got["id"], "Đã cấp giấy chứng nhận", at="2026-03-10T10:00")
    assert (back["status"], back["standing"], back["score"]) == ("returned", "late", 0)
    with services.session_factory() as db:
        job = db.scalar(select(Assignment).where(Assignment.dossier_id == got["id"]))
        assert (job.status, job.standing, job.score, job.completed_on) == ("done", "late", 0, date(2026, 3, 10))


@pytest.mark.parametrize("returned, standing, score", [("2026-03-06T10:00", "early", 2), ("2026-03-09T16:30", "on_time", 1),
                                                       ("2026-03-10T08:00", "late", 0)])
def test_return_standing(services, people, returned, standing, score):
    got = _receive(services, people, "2026-03-02T09:00")
    dossiers.route(services, people.p("motcua"), got["id"])
    back = dossiers.return_result(services, people.p("motcua"), got["id"], "Xong", at=returned)
    assert (back["standing"], back["score"], back["returned_on"]) == (standing, score, returned[:10])
    with pytest.raises(DossierConflict):
        dossiers.return_result(services, people.p("motcua"), got["id"], "Lần nữa")


def test_return_before_receipt_refused(services, people):
    got = _receive(services, people, "2026-03-02T09:00")
    with pytest.raises(DossierInvalid):
        dossiers.return_result(services, people.p("motcua"), got["id"], "x", at="2026-03-01T09:00")


def test_scope_and_personal_data(services, people):
    got = _receive(services, people, "2026-03-02T09:00", applicant_contact="0912 345 678")
    other = people.p("motcuab")
    for call in (lambda: dossiers.get_dossier(services, other, got["id"]),
                 lambda: dossiers.refuse(services, other, got["id"], "x"),
                 lambda: dossiers.receipt_pdf(services, other, got["id"]),
                 lambda: dossiers.get_dossier(services, people.p("motcua"), 999999)):
        with pytest.raises(DossierNotFound):
            call()
    assert dossiers.list_dossiers(services, other)["total"] == 0
    with pytest.raises(PermissionDenied):
        dossiers.get_dossier(services, people.p("xem"), got["id"])
    desk = dossiers.get_dossier(services, people.p("motcua"), got["id"])
    assert desk["applicant"] == "Nguyễn Văn An" and desk["applicant_contact"] == "0912 345 678"
    clerk = dossiers.get_dossier(services, people.p("vanthu"), got["id"])
    assert clerk["applicant"] == "N.V.A." and clerk["applicant_contact"] is None
    # a search by name finds nothing for those who may not read names; the code still does
    assert dossiers.list_dossiers(services, people.p("vanthu"), q="nguyễn")["total"] == 0
    assert dossiers.list_dossiers(services, people.p("vanthu"), q=got["code"][-6:])["total"] == 1
    assert dossiers.list_dossiers(services, people.p("lanhdao"), q="nguyễn văn")["total"] == 1
    with pytest.raises(PermissionDenied):
        dossiers.receipt_pdf(services, people.p("vanthu"), got["id"])
    with services.session_factory() as db:
        reads = db.scalars(select(AuditRecord).where(AuditRecord.action == "person.read",
                                                     AuditRecord.object_type.in_(("dossier", None)))).all()
        whats = sorted(r.details["what"] for r in reads)
        assert whats == ["dossier", "dossier_search"]   # the desk's page and the leader's search


def test_list_filters_and_markers(services, people):
    """A dossier promised for 09/03/2026 is overdue (a received moment is never in the future,
    so today is after it)."""
    one_stop = people.p("motcua")
    old = _receive(services, people, "2026-03-02T09:00")
    _receive(services, people, "2026-03-02T09:30", procedure="HT-KS", outcome="supplement", note="Thiếu")
    listed = dossiers.list_dossiers(services, one_stop)
    assert listed["total"] == 2
    assert next(i for i in listed["items"] if i["id"] == old["id"])["marker"] == "overdue"
    assert dossiers.list_dossiers(services, one_stop, status="supplement")["total"] == 1
    assert dossiers.list_dossiers(services, one_stop, field="Đất đai")["total"] == 1
    assert dossiers.list_dossiers(services, one_stop, date_from="03/03/2026")["total"] == 0
    assert dossiers.list_dossiers(services, one_stop, date_from="2026-03-02", date_to="2026-03-02")["total"] == 2
    assert [i["id"] for i in dossiers.list_dossiers(services, one_stop, marker="overdue")["items"]] == [old["id"]]
    assert dossiers.list_dossiers(services, one_stop, marker="due_soon")["total"] == 0
    dossiers.save_procedure(services, people.p("quantri"), "CT-0", "Chứng thực tại chỗ", "Chứng thực", 0)
    now = dossiers.receive_dossier(services, one_stop, "CT-0", "Người nhận ngay")   # due today or next working day
    soon = dossiers.list_dossiers(services, one_stop, marker="due_soon")["items"]
    assert [i["id"] for i in soon] == [now["id"]] and soon[0]["marker"] == "due_soon"
    for bad in ({"status": "lost"}, {"marker": "soon"}, {"date_from": "32/01/2026"}):
        with pytest.raises(DossierInvalid):
            dossiers.list_dossiers(services, one_stop, **bad)


def test_procedures(services, people):
    admin = people.p("quantri")
    listed = dossiers.list_procedures(services, people.p("xem"))
    assert sorted(p["code"] for p in listed) == ["DD-CN", "HT-KS", "KD-HKD"]
    assert next(p for p in listed if p["code"] == "DD-CN")["handling_unit"] == "XA-A-DC"
    changed = dossiers.save_procedure(services, admin, "HT-KS", "Đăng ký khai sinh", "Hộ tịch", 2, active=False)
    assert not changed["created"] and changed["working_days"] == 2
    with pytest.raises(DossierConflict) as inactive:
        _receive(services, people, "2026-03-02T09:00", procedure="HT-KS")   # no longer in use
    assert inactive.value.code == "procedure_inactive"
    for args, field in ((("X Y", "n", "f", 1), "code"), (("X", "", "f", 1), "name"), (("X", "n", "f", -1), "working_days"),
                        (("X", "n", "f", "abc"), "working_days"), (("X", "n", "f", 1, "KHONG"), "handling_unit")):
        with pytest.raises(DossierInvalid) as caught:
            dossiers.save_procedure(services, admin, *args)
        assert caught.value.field == field
    with pytest.raises(PermissionDenied):
        dossiers.save_procedure(services, people.p("motcua"), "X", "n", "f", 1)
