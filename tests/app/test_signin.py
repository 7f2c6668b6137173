"""Sign-in answers one message whatever the cause, and slows guessing down with growing
delays per name and per address, without ever letting a stranger lock an owner out.

Inputs tried: wrong passwords for a known name and for an unknown one (same answers, same
delays); the right password from the guessing address while its delay runs; the right
password from a clean address while the name's delay runs; a wrong one from that address
afterwards; a client that retries during its delay (nothing recorded, nothing extended);
failures under many names from one address; failures that aged out of the window; a
disabled account with its right password; a wrong or empty password when making an API
token or changing the password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from archive.accounts import LoginAttempt
from archive.audit import AuditRecord
from docsvc.accounts.signin import LoginRefused, SigninPolicy, authenticate
from tests.app.clock import FakeClock
from tests.conftest import csrf_token, login

OWNER, STRANGER, OTHER = "10.0.0.1", "203.0.113.7", "198.51.100.2"


@pytest.fixture
def clock(app):
    clock = FakeClock()
    app.config["CLOCK"] = clock
    return clock


def attempt(services, clock, username, password, ip):
    """The wait a refused attempt names (0: refused with no wait), or "ok"."""
    with services.session_factory() as db:
        try:
            authenticate(services, db, username, password, ip, now=clock.now)
        except LoginRefused as refused:
            assert refused.code == "refused"
            return refused.retry_after
        return "ok"


def attempts_recorded(services) -> int:
    with services.session_factory() as db:
        return db.scalar(select(func.count()).select_from(LoginAttempt))


def test_the_delay_doubles_after_the_free_failures(services, accounts, clock):
    accounts.user("lan", "clerk")
    waits = []
    for _ in range(12):
        wait = attempt(services, clock, "lan", "wrong", STRANGER)
        waits.append(wait)
        clock.advance(seconds=wait)
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300]  # 3 free, then doubling to the cap


def test_an_unknown_name_gets_the_same_answers_as_a_known_one(services, accounts, clock):
    accounts.user("lan", "clerk")
    known, unknown = [], []
    for name, waits, ip in (("lan", known, STRANGER), ("khong-co-ai", unknown, OTHER)):
        for _ in range(6):
            waits.append(attempt(services, clock, name, "wrong", ip))
            clock.advance(seconds=1)
            waits.append(attempt(services, clock, name, "wrong", ip))  # too soon, or not
            clock.advance(seconds=waits[-1] or waits[-2])
    assert known == unknown and max(known) > 0


def test_while_a_delay_runs_nothing_is_checked_or_recorded(services, accounts, clock):
    accounts.user("lan", "clerk")
    for _ in range(5):
        clock.advance(seconds=attempt(services, clock, "lan", "wrong", STRANGER) or 0)
    wait = attempt(services, clock, "lan", "wrong", STRANGER)
    assert wait == 8
    recorded = attempts_recorded(services)
    clock.advance(seconds=7)
    assert attempt(services, clock, "lan", accounts.passwords["lan"], STRANGER) == 1  # not even the right one
    for _ in range(20):  # hammering does not extend the delay
        assert attempt(services, clock, "lan", "wrong", STRANGER) == 1
    assert attempts_recorded(services) == recorded
    clock.advance(seconds=1)
    assert attempt(services, clock, "lan", accounts.passwords["lan"], STRANGER) == "ok"


def test_a_stranger_cannot_lock_the_owner_out(services, accounts, clock):
    accounts.user("lan", "clerk")
    for _ in range(9):  # the stranger keeps guessing, respecting the delays
        clock.advance(seconds=attempt(services, clock, "lan", "wrong", STRANGER) or 0)
    assert attempt(services, clock, "lan", "wrong", STRANGER) > 0
    # The owner, from an address that took no part, signs in at once ...
    assert attempt(services, clock, "lan", accounts.passwords["lan"], OWNER) == "ok"
    # ... which resets the name's count: the stranger is held only by his address's own delay.
    assert attempt(services, clock, "lan", "wrong", STRANGER) == 1


def test_an_address_that_took_part_waits_the_names_delay(services, accounts, clock):
    accounts.user("lan", "clerk")
    for _ in range(6):
        clock.advance(seconds=attempt(services, clock, "lan", "wrong", STRANGER) or 0)
    # A first failure from another address: that address now waits the name's delay too.
    assert attempt(services, clock, "lan", "wrong", OWNER) == 16
    assert attempt(services, clock, "lan", accounts.passwords["lan"], OWNER) == 16
    assert attempt(services, clock, "lan", accounts.passwords["lan"], OTHER) == "ok"  # a clean one does not


def test_a_success_resets_the_name_but_not_the_address(services, accounts, clock):
    accounts.user("lan", "clerk")
    accounts.user("mai", "clerk")
    for name in ("x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"):  # nine failures, other names
        assert attempt(services, clock, name, "wrong", STRANGER) == 0
    assert attempt(services, clock, "mai", "wrong", STRANGER) == 1  # the tenth: the address's delay starts
    clock.advance(seconds=1)
    assert attempt(services, clock, "lan", accounts.passwords["lan"], STRANGER) == "ok"
    # Signing in with one's own account does not wash the address:
    assert attempt(services, clock, "mai", "wrong", STRANGER) == 2
    assert attempt(services, clock, "x1", "wrong", OTHER) == 0  # another address is not held


def test_failures_age_out_of_the_window(services, accounts, clock):
    accounts.user("lan", "clerk")
    for _ in range(6):
        clock.advance(seconds=attempt(services, clock, "lan", "wrong", STRANGER) or 0)
    assert attempt(services, clock, "lan", "wrong", STRANGER) == 16
    clock.advance(minutes=60, seconds=1)  # every failure is now older than the window
    assert attempt(services, clock, "lan", "wrong", STRANGER) == 0


def test_policy_delay():
    policy = SigninPolicy(free=2, base_seconds=3, cap_seconds=20)
    assert [policy.delay(n, 2) for n in range(7)] == [0, 0, 3, 6, 12, 20, 20]
    assert policy.delay(10_000, 2) == 20  # no overflow on a long attack


def test_one_message_for_every_failure(client, services, accounts, clock):
    accounts.user("lan", "clerk")
    accounts.user("tat", "clerk")
    from docsvc.accounts.services import update_user, get_user

    with services.session_factory() as db:
        update_user(services, db, accounts.system, get_user(db, "tat"), is_active=False)
        db.commit()
    answers = []
    for ip, name, password in ((OWNER, "khong-co-ai", "x"), (OTHER, "lan", "wrong"),
                               (STRANGER, "tat", accounts.passwords["tat"])):
        response = client.post("/login", data={"username": name, "password": password,
                                               "csrf_token": csrf_token(client)}, environ_base={"REMOTE_ADDR": ip})
        html = response.get_data(as_text=True)
        answers.append((response.status_code, html.split('role="alert">')[1].split("<")[0]))
    assert len(set(answers)) == 1 and answers[0][0] == 200
    assert "Không đăng nhập được" in answers[0][1]


def test_a_delay_answers_429_with_the_wait(client, services, accounts, clock):
    accounts.user("lan", "clerk")
    for _ in range(3):
        response = client.post("/login", data={"username": "lan", "password": "wrong",
                                               "csrf_token": csrf_token(client)})
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert "thử lại sau 1 giây" in response.get_data(as_text=True)
    refused = client.post("/login", data={"username": "lan", "password": accounts.passwords["lan"],
                                          "csrf_token": csrf_token(client)})
    assert refused.status_code == 429
    clock.advance(seconds=1)
    assert login(client, "lan", accounts.passwords["lan"]).status_code == 302
    with services.session_factory() as db:
        failures = db.scalars(select(AuditRecord).where(AuditRecord.action == "auth.login_failed")).all()
        assert len(failures) == 3 and {f.ip for f in failures} == {"127.0.0.1"}


def test_making_a_token_asks_for_the_password_and_counts_failures(client, services, accounts, clock):
    from archive.accounts import ApiToken

    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    recorded = attempts_recorded(services)
    for password in ("", "wrong", "wrong"):  # an empty answer is no guess and is not counted
        client.post("/account/tokens", data={"name": "x", "password": password, "csrf_token": csrf_token(client)})
    # A wrong current password when changing it counts as well (a stolen session is no oracle).
    client.post("/account/password", data={"current": "wrong", "new": "new-password-1", "confirm": "new-password-1",
                                           "csrf_token": csrf_token(client)})
    assert attempts_recorded(services) == recorded + 3
    page = client.post("/account/tokens", data={"name": "x", "password": accounts.passwords["lan"],
                                                "csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "thử lại sau 1 giây" in page.get_data(as_text=True)  # three wrong answers: the delay holds
    with services.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(ApiToken)) == 0
    clock.advance(seconds=1)
    page = client.post("/account/tokens", data={"name": "x", "password": accounts.passwords["lan"],
                                                "csrf_token": csrf_token(client)})
    assert '<code class="token">dsv_' in page.get_data(as_text=True)
