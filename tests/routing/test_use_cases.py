"""The routing use cases called directly (no HTTP), on real SQLite with the seeded calendar.

Bad inputs tried: both and neither of working_days/due_on, a due date in the past, an unknown
unit or user, an unknown role, a leader of another commune (404), a specialist assigning
(403), a secret document to a user without clearance (409 no_clearance), a unit outside the
leader's scope (409 outside_unit), the same assignment twice (409 already_assigned), forwarding
to another commune (409 outside_unit), forwarding a forwarded assignment (409 not_open), an
extension asked on the last working day before the deadline's eve and over a holiday bridge
(409 too_late), asked twice (409 already_asked), with a date not after the deadline (409 not_later), a due date in the past (409 due_passed), a person outside the unit named with them (409 outside_unit),
decided by the handler (403), by another commune's leader (404) or twice (409), completing without a note (400), twice
(409 not_open), by the office's clerk who is not the handler (403), by another commune's user (404)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from archive.audit import AuditRecord
from archive.incoming import IncomingDocument
from archive.routing import Assignment, AssignmentEvent, Notification
from docsvc.routing import services as routing
from docsvc.routing.rules import RoutingConflict, RoutingInvalid, RoutingNotFound
from docsvc.services.audit import PermissionDenied
from tests.routing.conftest import at


def _actions(services) -> list[str]:
    with services.session_factory() as db:
        return list(db.scalars(select(AuditRecord.action).order_by(AuditRecord.seq)))


def test_assign_counts_working_days_across_a_weekend_and_holidays(services, office):
    doc = office.incoming()
    leader = office.p("lanhdao")
    # Thursday 23/4/2026 at 10:00: Fri 24 (1), weekend, Mon 27 (compensatory day off for the
    # Hùng Kings on Sunday 26/4), Tue 28 (2), Wed 29 (3).
    made = routing.assign(services, leader, doc, user="chuyenvien", working_days=3, note="Tham mưu trả lời",
                          now=at("2026-04-23T10:00"))
    assert made["due_on"] == "2026-04-29"
    # After the 15:00 cut-off day 0 is Friday: Tue 28, Wed 29, then 30/4 and 1/5 are holidays
    # and 2-3/5 a weekend: Mon 4/5.
    late = routing.assign(services, leader, doc, unit="VP-A", role="cooperate", working_days=3,
                          now=at("2026-04-23T16:00"))
    assert late["due_on"] == "2026-05-04"
    info = routing.assign(services, leader, doc, unit="XA-A", role="info", now=at("2026-04-23T16:00"))
    assert info["due_on"] is None
    by_date = routing.assign(services, leader, office.incoming(), unit="VP-A", due_on="15/05/2026",
                             now=at("2026-04-23T10:00"))
    assert by_date["due_on"] == "2026-05-15"
    assert office.row(IncomingDocument, doc).status == "assigned"
    a = office.row(Assignment, made["id"])
    assert (a.unit_id, a.received_on.isoformat(), a.working_days, a.assigned_by) == \
        (office.unit_id("XA-A"), "2026-04-23", 3, leader.user_id)
    assert _actions(services).count("routing.assign") == 4
    with services.session_factory() as db:
        assert db.scalar(select(AssignmentEvent.kind).where(AssignmentEvent.assignment_id == made["id"])) == "assign"
        # not urgent: an ordinary notice, no e-mail at once
        assert db.scalar(select(Notification.kind).where(Notification.subject_id == made["id"])) == "assigned"


def test_assign_refusals(services, office):
    doc, secret = office.incoming(), office.incoming(secrecy=1)
    leader, now = office.p("lanhdao"), at("2026-04-23T10:00")
    before = _actions(services)
    for kwargs, field in (({"working_days": 3, "due_on": "2026-05-01"}, "working_days"), ({}, "working_days"),
                          ({"working_days": -1}, "working_days"), ({"working_days": "ba"}, "working_days"),
                          ({"due_on": "31/02/2026"}, "due_on"),
                          ({"role": "boss", "working_days": 1}, "role")):
        with pytest.raises(RoutingInvalid) as caught:
            routing.assign(services, leader, doc, user="chuyenvien", now=now, **kwargs)
        assert caught.value.field == field, kwargs
    with pytest.raises(RoutingInvalid):
        routing.assign(services, leader, doc, working_days=1, now=now)        # neither unit nor user
    with pytest.raises(RoutingConflict) as caught:
        routing.assign(services, leader, doc, user="chuyenvien", due_on="2026-04-22", now=now)
    assert caught.value.code == "due_passed"
    with pytest.raises(RoutingConflict) as caught:   # the person is not in the unit named with them
        routing.assign(services, leader, doc, unit="VP-A", user="chuyenvien", working_days=1, now=now)
    assert caught.value.code == "outside_unit"
    with pytest.raises(RoutingNotFound):
        routing.assign(services, leader, doc, unit="KHONG-CO", working_days=1, now=now)
    with pytest.raises(RoutingNotFound):
        routing.assign(services, leader, doc, user="khongco", working_days=1, now=now)
    with pytest.raises(RoutingNotFound):   # another commune's leader does not see the document
        routing.assign(services, office.p("lanhdaob"), doc, unit="XA-B", working_days=1, now=now)
    with pytest.raises(PermissionDenied):
        routing.assign(services, office.p("chuyenvien"), doc, unit="XA-A", working_days=1, now=now)
    with pytest.raises(RoutingConflict) as caught:
        routing.assign(services, leader, secret, user="vanphong", working_days=1, now=now)
    assert caught.value.code == "no_clearance"
    with pytest.raises(RoutingConflict) as caught:
        routing.assign(services, leader, doc, unit="XA-B", working_days=1, now=now)
    assert caught.value.code == "outside_unit"
    assert _actions(services) == before
    routing.assign(services, leader, secret, user="chuyenvien", working_days=1, now=now)   # cleared: fine
    with pytest.raises(RoutingConflict) as caught:
        routing.assign(services, leader, secret, user="chuyenvien", working_days=2, now=now)
    assert caught.value.code == "already_assigned"


def test_an_urgent_document_notifies_at_once(services, office):
    doc = office.incoming(urgency=3)
    made = routing.assign(services, office.p("lanhdao"), doc, unit="VP-A", working_days=1, now=at("2026-04-23T10:00"))
    with services.session_factory() as db:
        notes = db.execute(select(Notification.user_id, Notification.kind, Notification.message)
                           .where(Notification.subject_id == made["id"])).all()
    # nobody named and no leader in VP-A: the leader of the commune above it, whose inbox shows it
    assert [(n[0], n[1]) for n in notes] == [(office.p("lanhdao").user_id, "urgent")]
    assert notes[0][2].startswith("HỎA TỐC")


def test_forward_within_the_unit_only(services, office):
    doc = office.incoming()
    first = routing.assign(services, office.p("lanhdao"), doc, user="chuyenvien", working_days=3,
                           now=at("2026-04-23T10:00"))
    handler = office.p("chuyenvien")
    with pytest.raises(RoutingConflict) as caught:
        routing.forward(services, handler, first["id"], user="nguoib")
    assert caught.value.code == "outside_unit"
    with pytest.raises(PermissionDenied):   # the office's clerk sees it but does not handle it
        routing.forward(services, office.p("vanthu"), first["id"], user="vanphong")
    with pytest.raises(RoutingNotFound):    # the office below does not even see it
        routing.forward(services, office.p("vanphong"), first["id"], user="vanphong")
    child = routing.forward(services, handler, first["id"], user="vanphong", note="Văn phòng soạn",
                            now=at("2026-04-24T09:00"))
    assert child["due_on"] == "2026-04-29"
    assert office.row(Assignment, first["id"]).status == "forwarded"
    kid = office.row(Assignment, child["id"])
    assert (kid.parent_id, kid.user_id, kid.unit_id) == (first["id"], office.p("vanphong").user_id,
                                                          office.unit_id("VP-A"))
    with pytest.raises(RoutingConflict) as caught:
        routing.forward(services, handler, first["id"], user="vanphong")
    assert caught.value.code == "not_open"
    seen = routing.timeline(services, office.p("vanphong"), doc)
    assert [(e["kind"], e["from"], e["to"]) for e in seen["events"]] == [
        ("assign", "Lanhdao", "Chuyenvien"), ("forward", "Chuyenvien", "Vanphong")]
    assert seen["events"][1]["note"] == "Văn phòng soạn"
    assert [a["can_handle"] for a in seen["assignments"]] == [False, True]


def test_extension_once_in_time_and_decided_by_the_assigner(services, office):
    leader, handler = office.p("lanhdao"), office.p("chuyenvien")
    made = routing.assign(services, leader, office.incoming(), user="chuyenvien", working_days=3,
                          now=at("2026-04-23T10:00"))   # due Wed 29/4
    with pytest.raises(RoutingConflict) as caught:   # on the due date's eve's day: too late
        routing.ask_extension(services, handler, made["id"], extra_working_days=2, reason="Chờ số liệu",
                              now=at("2026-04-29T08:00"))
    assert caught.value.code == "too_late"
    with pytest.raises(RoutingConflict) as caught:
        routing.ask_extension(services, handler, made["id"], new_due_on="2026-04-29", reason="x",
                              now=at("2026-04-28T08:00"))
    assert caught.value.code == "not_later"
    with pytest.raises(RoutingInvalid):
        routing.ask_extension(services, handler, made["id"], extra_working_days=2, reason=" ",
                              now=at("2026-04-28T08:00"))
    asked = routing.ask_extension(services, handler, made["id"], extra_working_days=2, reason="Chờ số liệu",
                                  now=at("2026-04-28T16:30"))   # Tue 28/4: the working day before
    assert asked["new_due_on"] == "2026-05-05" and asked["approved"] is None
    with pytest.raises(RoutingConflict) as caught:
        routing.ask_extension(services, handler, made["id"], new_due_on="2026-05-08", reason="Lần nữa",
                              now=at("2026-04-28T16:40"))
    assert caught.value.code == "already_asked"
    with pytest.raises(RoutingNotFound):           # another commune's leader
        routing.decide_extension(services, office.p("lanhdaob"), made["id"], approve=True)
    with pytest.raises(PermissionDenied):          # the handler
        routing.decide_extension(services, handler, made["id"], approve=True)
    decided = routing.decide_extension(services, leader, made["id"], approve=True, note="Đồng ý")
    assert (decided["due_on"], decided["original_due_on"]) == ("2026-05-05", "2026-04-29")
    with pytest.raises(RoutingConflict) as caught:
        routing.decide_extension(services, leader, made["id"], approve=False)
    assert caught.value.code == "already_decided"
    a = office.row(Assignment, made["id"])
    assert (a.due_on.isoformat(), a.original_due_on.isoformat()) == ("2026-05-05", "2026-04-29")
    kinds = [e["kind"] for e in routing.timeline(services, leader, a.incoming_id)["events"]]
    assert kinds == ["assign", "extension_asked", "extension_approved"]


def test_extension_over_a_holiday_bridge_is_too_late_on_the_holiday(services, office):
    made = routing.assign(services, office.p("lanhdao"), office.incoming(), user="chuyenvien",
                          due_on="2026-05-04", now=at("2026-04-23T10:00"))
    # The working day before Mon 4/5 is Wed 29/4 (30/4 and 1/5 holidays, then a weekend).
    with pytest.raises(RoutingConflict) as caught:
        routing.ask_extension(services, office.p("chuyenvien"), made["id"], extra_working_days=1, reason="x",
                              now=at("2026-04-30T09:00"))
    assert caught.value.code == "too_late" and "29/04/2026" in caught.value.message
    refused = routing.ask_extension(services, office.p("chuyenvien"), made["id"], extra_working_days=1,
                                    reason="x", now=at("2026-04-29T09:00"))
    assert refused["new_due_on"] == "2026-05-05"
    decided = routing.decide_extension(services, office.p("lanhdao"), made["id"], approve=False, note="Không")
    assert decided["due_on"] == "2026-05-04" and decided["approved"] is False


@pytest.mark.parametrize("done_at, standing, score", [("2026-04-28T09:00", "early", 2),
                                                      ("2026-04-29T17:00", "on_time", 1),
                                                      ("2026-05-04T08:00", "late", 0)])
def test_complete_gives_the_standing_and_score(services, office, done_at, standing, score):
    doc = office.incoming()
    leader, handler = office.p("lanhdao"), office.p("chuyenvien")
    main = routing.assign(services, leader, doc, user="chuyenvien", working_days=3, now=at("2026-04-23T10:00"))
    routing.assign(services, leader, doc, unit="VP-A", role="cooperate", working_days=3, now=at("2026-04-23T10:00"))
    with pytest.raises(RoutingInvalid):
        routing.complete(services, handler, main["id"], note="  ")
    with pytest.raises(PermissionDenied):
        routing.complete(services, office.p("vanthu"), main["id"], note="x")
    with pytest.raises(RoutingNotFound):
        routing.complete(services, office.p("nguoib"), main["id"], note="x")
    done = routing.complete(services, handler, main["id"], note="Đã trả lời bằng văn bản", now=at(done_at))
    assert (done["standing"], done["score"], done["subject_done"]) == (standing, score, True)
    a = office.row(Assignment, main["id"])
    assert (a.status, a.standing, a.score, a.completed_on.isoformat()) == ("done", standing, score, done_at[:10])
    assert office.row(IncomingDocument, doc).status == "done"   # the cooperating unit does not hold it open
    with pytest.raises(RoutingConflict) as caught:
        routing.complete(services, handler, main["id"], note="lần nữa")
    assert caught.value.code == "not_open"
    assert "routing.complete" in _actions(services)


def test_a_document_is_done_when_every_main_assignment_is(services, office):
    doc = office.incoming()
    leader = office.p("lanhdao")
    one = routing.assign(services, leader, doc, unit="VP-A", working_days=3, now=at("2026-04-23T10:00"))
    two = routing.assign(services, leader, doc, user="chuyenvien", working_days=3, now=at("2026-04-23T10:00"))
    # nobody named in VP-A: its people handle it
    assert routing.complete(services, office.p("vanphong"), one["id"], note="Xong phần 1")["subject_done"] is False
    assert office.row(IncomingDocument, doc).status == "assigned"
    child = routing.forward(services, office.p("chuyenvien"), two["id"], user="vanphong")
    routing.complete(services, office.p("vanphong"), child["id"], note="Xong phần 2")
    assert office.row(IncomingDocument, doc).status == "done"


def test_timeline_scope(services, office):
    doc = office.incoming(secrecy=1)
    routing.assign(services, office.p("lanhdao"), doc, user="chuyenvien", working_days=3, now=at("2026-04-23T10:00"))
    assert routing.timeline(services, office.p("vanthu"), doc)["document"]["arrival_number"] == 1  # the office, cleared
    assert routing.timeline(services, office.p("chuyenvien"), doc)["assignments"][0]["can_handle"]
    for outsider in ("xem", "nguoib", "lanhdaob"):   # not cleared, or another commune
        with pytest.raises(RoutingNotFound):
            routing.timeline(services, office.p(outsider), doc)


def test_the_leader_s_form_assigns_all_or_nothing(services, office):
    doc = office.incoming()
    leader, now = office.p("lanhdao"), at("2026-04-23T10:00")
    with pytest.raises(RoutingConflict):   # XA-B is outside: nothing is written
        routing.assign_many(services, leader, doc, main="user:chuyenvien", cooperate=["VP-A", "XA-B"],
                            working_days=3, now=now)
    assert routing.timeline(services, leader, doc)["assignments"] == []
    made = routing.assign_many(services, leader, doc, main="user:chuyenvien", cooperate=["VP-A"], info=["XA-A"],
                               working_days=3, note="Khẩn trương", now=now)
    assert [(m["role"], m["due_on"]) for m in made] == [("main", "2026-04-29"), ("cooperate", "2026-04-29"),
                                                         ("info", None)]
    with pytest.raises(RoutingInvalid):
        routing.assign_many(services, leader, doc, main="", working_days=3, now=now)


def test_a_dossier_is_routed_with_the_same_use_cases(services, office):
    """A one-stop dossier (inserted directly: its desk is another capability's): assigned,
    forwarded, completed; the desk that received it is told the result is ready, and the
    dossier's own state is left to the dossiers' use cases."""
    from datetime import date as day

    from archive.dossiers import Dossier, Procedure

    with services.session_factory() as db:
        procedure = Procedure(code="HT-01", name="Đăng ký khai sinh", field="Hộ tịch", working_days=3)
        db.add(procedure)
        db.flush()
        dossier = Dossier(code="000.00.00.H01-260423-0001", office_unit_id=office.unit_id("XA-A"),
                          procedure_id=procedure.id, field="Hộ tịch", applicant="Nguyễn Văn An",
                          received_at=at("2026-04-23T09:00"), received_on=day(2026, 4, 23),
                          received_by=office.p("vanthu").user_id, clock_from=day(2026, 4, 23),
                          due_on=day(2026, 4, 28), status="in_progress")
        db.add(dossier)
        db.commit()
        dossier_id = dossier.id
    made = routing.assign_dossier(services, office.p("lanhdao"), dossier_id, unit="XA-A", working_days=3,
                                  now=at("2026-04-23T09:30"))
    assert made["due_on"] == "2026-04-29"
    child = routing.forward(services, office.p("lanhdao"), made["id"], user="chuyenvien", now=at("2026-04-23T10:00"))
    box = routing.inbox(services, office.p("chuyenvien"), today=day(2026, 4, 24))
    assert [i["title"] for i in box["todo"]] == ["Hồ sơ 000.00.00.H01-260423-0001 · Nguyễn Văn An"]
    done = routing.complete(services, office.p("chuyenvien"), child["id"], note="Đã ký giấy khai sinh",
                            now=at("2026-04-29T10:00"))
    assert (done["standing"], done["subject_done"]) == ("on_time", True)
    assert office.row(Dossier, dossier_id).status == "in_progress"
    with services.session_factory() as db:
        ready = db.scalar(select(Notification.message).where(Notification.kind == "result_ready"))
    assert ready == "Hồ sơ 000.00.00.H01-260423-0001 đã có kết quả: trả cho Nguyễn Văn An."
    seen = routing.dossier_timeline(services, office.p("vanthu"), dossier_id)
    assert [e["kind"] for e in seen["events"]] == ["assign", "forward", "complete"]


def test_the_form_offers_people_who_handle_work_and_are_cleared(services, office):
    secret = office.incoming(secrecy=1)
    offered = routing.assign_choices(services, office.p("lanhdao"), secret)
    assert [u["username"] for u in offered["users"]] == ["chuyenvien", "lanhdao", "vanthu"]   # not xem, not vanphong
    assert [u["code"] for u in offered["units"]] == ["VP-A", "XA-A"]
