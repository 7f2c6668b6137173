"""The inbox's buckets and order, the home counts, the leader's waiting list, notifications,
and the reminders' sweep: deduplicated per kind, assignment, person and day, and e-mailed to
a real SMTP server listening in this process.

Bad inputs tried: a sweep run twice the same day (nothing new), two sweeps at once (one row
each), an SMTP server that is down (nothing marked e-mailed; the next sweep sends), an e-mail
address without @ (400), a viewer setting an address (403)."""

from __future__ import annotations

import socket
from email import message_from_string
from email.policy import default
import threading
from datetime import date

import pytest
from sqlalchemy import select

from archive.routing import Notification
from docsvc.routing import services as routing
from docsvc.routing.notify import set_email
from docsvc.routing.rules import RoutingInvalid
from docsvc.services.audit import PermissionDenied
from tests.backends import at_once
from tests.routing.conftest import Office, at


class SmtpServer:
    """Enough SMTP for smtplib: greets, accepts EHLO, MAIL, RCPT, DATA, QUIT and keeps each
    message as (recipients, text)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.messages: list[tuple[list[str], str]] = []
        self.received = threading.Condition()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        reader = conn.makefile("rb")
        send = lambda line: conn.sendall(line.encode() + b"\r\n")  # noqa: E731
        send("220 localhost ESMTP test")
        rcpts: list[str] = []
        while True:
            line = reader.readline().decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if not line and reader.closed:
                break
            if verb in ("EHLO", "HELO"):
                send("250 localhost")
            elif verb == "MAIL":
                rcpts = []
                send("250 OK")
            elif verb == "RCPT":
                rcpts.append(line.split(":", 1)[1].strip(" <>"))
                send("250 OK")
            elif verb == "DATA":
                send("354 go on")
                body = []
                while True:
                    data = reader.readline()
                    if data in (b".\r\n", b""):
                        break
                    body.append(data)
                with self.received:
                    self.messages.append((rcpts, b"".join(body).decode("utf-8", "replace")))
                    self.received.notify_all()
                send("250 queued")
            elif verb == "QUIT":
                send("221 bye")
                break
            elif verb == "RSET" or verb == "NOOP":
                send("250 OK")
            elif not line:
                break
            else:
                send("502 not here")
        conn.close()

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)   # wakes the accepting thread: the port is closed
        except OSError:
            pass
        self.sock.close()


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.close()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_FROM": "vanthu@xa-a.gov.vn"}


def _setup(services, office):
    leader = office.p("lanhdao")
    urgent, normal, old = office.incoming(urgency=1, abstract="Khẩn"), office.incoming(), office.incoming()
    unit_only = office.incoming(abstract="Cho cả xã")
    made = {
        # assigned Mon 20/4 with 2 working days: due Wed 22/4, overdue by the 28th
        "overdue": routing.assign(services, leader, old, user="chuyenvien", working_days=2, now=at("2026-04-20T09:00")),
        # due Wed 29/4: on Tue 28/4 it is due within a working day
        "soon": routing.assign(services, leader, normal, user="chuyenvien", working_days=3, now=at("2026-04-23T10:00")),
        "urgent": routing.assign(services, leader, urgent, user="chuyenvien", working_days=3,
                                 now=at("2026-04-23T10:00")),
        "todo": routing.assign(services, leader, normal, user="chuyenvien", role="cooperate", due_on="2026-05-15",
                               now=at("2026-04-23T10:00")),
        "unit": routing.assign(services, leader, unit_only, unit="XA-A", working_days=10, now=at("2026-04-23T10:00")),
    }
    return {k: v["id"] for k, v in made.items()}


def test_inbox_buckets_urgent_first(services, office):
    ids = _setup(services, office)
    box = routing.inbox(services, office.p("chuyenvien"), today=date(2026, 4, 28))
    assert [i["id"] for i in box["overdue"]] == [ids["overdue"]]
    assert [i["id"] for i in box["due_soon"]] == [ids["urgent"], ids["soon"]]   # urgent first, same due date
    assert [i["id"] for i in box["todo"]] == [ids["todo"]]
    assert box["counts"] == {"todo": 1, "due_soon": 2, "overdue": 1}
    assert box["due_soon"][0]["urgency_label"] == "Khẩn" and box["due_soon"][0]["link"].endswith("/routing")
    # the leader sees the unit's work given to no one; the handler's is theirs alone
    leader_box = routing.inbox(services, office.p("lanhdao"), today=date(2026, 4, 28))
    assert [i["id"] for b in ("todo", "due_soon", "overdue") for i in leader_box[b]] == [ids["unit"]]
    counts = routing.inbox_counts(services, office.p("chuyenvien"), today=date(2026, 4, 28))
    assert counts == {"todo": 1, "due_soon": 2, "overdue": 1, "unread": 4}
    routing.complete(services, office.p("chuyenvien"), ids["overdue"], note="Xong", now=at("2026-04-28T09:00"))
    assert routing.inbox_counts(services, office.p("chuyenvien"), today=date(2026, 4, 28))["overdue"] == 0


def test_waiting_list_urgent_on_top_within_scope_and_clearance(services, office):
    normal = office.incoming(abstract="Thường")
    urgent = office.incoming(urgency=3, abstract="Hỏa tốc")
    secret = office.incoming(secrecy=2, abstract="Tối mật")
    office.incoming(unit="XA-B", abstract="Xã B")
    assigned = office.incoming(abstract="Đã giao")
    routing.assign(services, office.p("lanhdao"), assigned, unit="XA-A", working_days=1, now=at("2026-04-23T10:00"))
    listed = routing.waiting(services, office.p("lanhdao"))
    assert [w["id"] for w in listed] == [urgent, normal]     # not the Tối mật one (clearance 1), not B's
    assert secret not in [w["id"] for w in listed]
    with pytest.raises(PermissionDenied):
        routing.waiting(services, office.p("chuyenvien"))


def test_reminders_once_a_day_and_e_mailed(services, office, smtp, accounts):
    admin = accounts.system
    set_email(services, admin, "chuyenvien", "chuyenvien@xa-a.gov.vn")
    with pytest.raises(RoutingInvalid):
        set_email(services, admin, "chuyenvien", "khong-co-a-cong")
    with pytest.raises(PermissionDenied):
        set_email(services, office.p("xem"), "chuyenvien", "x@y.vn")
    ids = _setup(services, office)
    first = routing.send_reminders(services, today=date(2026, 4, 28))
    # overdue, soon and urgent are reminded to their handler; the cooperate one is far off
    assert first["notified"] == 3
    again = routing.send_reminders(services, today=date(2026, 4, 28))
    assert again["notified"] == 0
    both = at_once([lambda: routing.send_reminders(services, today=date(2026, 4, 29))] * 2)
    assert sorted(r["notified"] for r in both) == [0, 3]   # next day: once more, and once only
    with services.session_factory() as db:
        kinds = sorted(db.scalars(select(Notification.kind).where(Notification.dedupe.is_not(None))))
        unsent = db.scalar(select(Notification.id).where(Notification.emailed_at.is_(None),
                                                         Notification.user_id == office.p("chuyenvien").user_id))
    # each day: the overdue one, and the two due on Wed 29/4 (due soon on the 28th and on the day)
    assert kinds == ["due_soon"] * 4 + ["overdue"] * 2
    assert unsent is None   # every notification of the handler was e-mailed
    to_handler = [message_from_string(text, policy=default).get_content()
                  for rcpts, text in smtp.messages if rcpts == ["chuyenvien@xa-a.gov.vn"]]
    # 4 notices of assignment + 3 reminders + 3 the next day
    assert len(to_handler) == 10
    assert any(t.startswith("Quá hạn từ 22/04/2026") and "/inbox" in t for t in to_handler)
    assert any(t.startswith("KHẨN: Bạn được giao xử lý") for t in to_handler) and ids["urgent"]


def test_smtp_down_leaves_reminders_for_the_next_sweep(services, office, smtp, accounts):
    set_email(services, accounts.system, "chuyenvien", "chuyenvien@xa-a.gov.vn")
    smtp.close()   # nobody listens on the port any more
    routing.assign(services, office.p("lanhdao"), office.incoming(), user="chuyenvien", working_days=2,
                   now=at("2026-04-20T09:00"))
    result = routing.send_reminders(services, today=date(2026, 4, 28))
    assert (result["notified"], result["emailed"]) == (1, 0)
    with services.session_factory() as db:
        assert db.scalar(select(Notification.id).where(Notification.emailed_at.is_not(None))) is None


def test_notifications_read(services, office):
    _setup(services, office)
    handler = office.p("chuyenvien")
    listed = routing.notifications(services, handler)
    assert len(listed) == 4 and not any(n["read"] for n in listed)
    assert routing.mark_read(services, handler, [listed[0]["id"]]) == 1
    assert routing.mark_read(services, office.p("lanhdao"), [listed[1]["id"]]) == 0   # not theirs
    assert routing.mark_read(services, handler) == 3
    assert routing.notifications(services, handler, unread_only=True) == []


def test_the_worker_s_timer_sweeps_at_start_and_stops(services, office):
    from docsvc.routing.reminders import Reminder

    routing.assign(services, office.p("lanhdao"), office.incoming(), user="chuyenvien", working_days=2,
                   now=at("2026-04-20T09:00"))   # overdue by now
    timer = Reminder(services, minutes=10).start()
    try:
        for _ in range(600):   # waits on the state: the first round runs at once
            with services.session_factory() as db:
                if db.scalar(select(Notification.id).where(Notification.kind == "overdue")):
                    break
            timer._stop.wait(0.1)
        else:
            raise AssertionError("no reminder was made")
    finally:
        timer.stop()
    assert not timer._thread.is_alive()
