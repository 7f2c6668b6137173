"""Handlers acting at the same moment, on SQLite and on PostgreSQL (real threads released
together): two completions of the same unit assignment make one (the other 409 not_open);
two extension requests make one (the other 409 already_asked); the last two main handlers
completing at once leave the document done; two reminders' sweeps make each reminder once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from archive.incoming import IncomingDocument
from archive.routing import AssignmentEvent, ExtensionRequest, Notification
from docsvc.routing import services as routing
from docsvc.routing.rules import RoutingConflict
from tests.backends import at_once, backend_fixture
from tests.conftest import Accounts
from tests.routing.conftest import Office, at

backend = backend_fixture("routing")


def test_handlers_at_once(backend):
    office = Office(backend, Accounts(backend))
    leader, now = office.p("lanhdao"), at("2026-04-23T10:00")
    doc = office.incoming()
    unit_work = routing.assign(backend, leader, doc, unit="XA-A", working_days=3, now=now)["id"]
    mine = routing.assign(backend, leader, doc, user="chuyenvien", working_days=3, now=now)["id"]
    people = [office.p("chuyenvien"), office.p("vanthu")]

    done = at_once([lambda p=p: routing.complete(backend, p, unit_work, note=f"xong {p.username}",
                                                  now=at("2026-04-24T09:00")) for p in people])
    assert sorted(type(r).__name__ for r in done) == ["RoutingConflict", "dict"]
    assert [r.code for r in done if isinstance(r, RoutingConflict)] == ["not_open"]

    asked = at_once([lambda n=n: routing.ask_extension(backend, people[0], mine, extra_working_days=n, reason="x",
                                                        now=at("2026-04-24T09:00")) for n in (1, 2)])
    assert sorted(type(r).__name__ for r in asked) == ["RoutingConflict", "dict"]
    with backend.session_factory() as db:
        assert db.scalar(select(func.count(ExtensionRequest.id))) == 1
        assert db.scalar(select(func.count(AssignmentEvent.id)).where(AssignmentEvent.kind == "complete")) == 1

    second = office.incoming()
    a = routing.assign(backend, leader, second, unit="XA-A", working_days=3, now=now)["id"]
    b = routing.assign(backend, leader, second, user="chuyenvien", working_days=3, now=now)["id"]
    finished = at_once([lambda: routing.complete(backend, people[1], a, note="phần 1", now=at("2026-04-24T09:00")),
                        lambda: routing.complete(backend, people[0], b, note="phần 2", now=at("2026-04-24T09:00"))])
    assert all(isinstance(r, dict) for r in finished), finished
    assert office.row(IncomingDocument, second).status == "done"

    sweeps = at_once([lambda: routing.send_reminders(backend, today=date(2026, 4, 28))] * 2)
    assert sorted(r["notified"] for r in sweeps)[0] == 0
    with backend.session_factory() as db:
        dedupes = db.scalars(select(Notification.dedupe).where(Notification.dedupe.is_not(None))).all()
    assert len(dedupes) == len(set(dedupes)) == sum(r["notified"] for r in sweeps) > 0
