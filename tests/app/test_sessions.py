"""Server-side web sessions: a cookie is worth something only while its row is live.

Inputs tried: a cookie copied to another client and replayed after logout; a forged cookie
(a random session token signed with the right key) and one signed with another key; a
session left idle just under and just over the limit; one kept busy up to and past its
absolute end; a shorter configured idle limit; other data kept in Flask's session."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from archive.accounts import WebSession
from docsvc import create_app
from tests.app.clock import FakeClock
from tests.conftest import csrf_token, login


@pytest.fixture
def clock(app):
    clock = FakeClock()
    app.config["CLOCK"] = clock
    return clock


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _token(app, cookie: str) -> str:
    return SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie)["sid"]


def _rows(services):
    with services.session_factory() as db:
        return db.scalars(select(WebSession).order_by(WebSession.created_at)).all()


def _signed_in(client) -> bool:
    response = client.get("/documents")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    return False


def test_a_cookie_replayed_after_logout_is_refused(app, client, services, accounts, clock):
    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    copy = app.test_client()
    copy.set_cookie("session", _cookie(client))
    assert _signed_in(copy)  # the copied cookie works while the session lives
    assert client.post("/logout", data={"csrf_token": csrf_token(client)}).status_code == 302
    assert not _signed_in(copy)
    assert copy.get("/documents", headers={"Accept": "application/json"}).status_code == 401
    [row] = _rows(services)
    assert row.ended_reason == "logout" and row.ended_at == clock.now


def test_only_a_hash_of_the_session_token_is_stored(app, client, services, accounts, clock):
    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    token = _token(app, _cookie(client))
    [row] = _rows(services)
    assert row.id == hashlib.sha256(token.encode()).hexdigest() and token not in row.id
    assert row.created_at == clock.now and row.expires_at == clock.now + timedelta(hours=10)
    assert row.user_agent and row.ip == "127.0.0.1"


def test_forged_cookies_are_refused(app, client, accounts, clock):
    accounts.user("lan", "clerk")
    forged = SecureCookieSessionInterface().get_signing_serializer(app).dumps({"sid": "x" * 43})
    client.set_cookie("session", forged)
    assert not _signed_in(client)
    other = create_app({"DATA_DIR": app.extensions["docsvc"].settings.data_dir, "SECRET_KEY": "another-key"})
    login(client, "lan", accounts.passwords["lan"])
    real = _token(app, _cookie(client))
    wrong_key = SecureCookieSessionInterface().get_signing_serializer(other).dumps({"sid": real})
    other.extensions["docsvc"].close()
    intruder = app.test_client()
    intruder.set_cookie("session", wrong_key)
    assert not _signed_in(intruder)
    assert _signed_in(client)


def test_an_idle_session_ends(app, client, services, accounts, clock):
    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    clock.advance(minutes=29, seconds=59)
    assert _signed_in(client)
    clock.advance(minutes=29, seconds=59)  # counted from the last request, not from sign-in
    assert _signed_in(client)
    clock.advance(minutes=30, seconds=1)
    assert not _signed_in(client)
    [row] = _rows(services)
    assert row.ended_reason == "idle"
    clock.advance(seconds=1)
    assert not _signed_in(client)  # and stays ended


def test_last_seen_is_written_at_most_once_a_minute(client, services, accounts, clock):
    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    start = clock.now
    for _ in range(3):
        clock.advance(seconds=15)
        assert _signed_in(client)
    assert _rows(services)[0].last_seen_at == start
    clock.advance(seconds=15)  # a minute since the last write
    assert _signed_in(client)
    assert _rows(services)[0].last_seen_at == clock.now


def test_a_busy_session_still_ends_after_a_working_day(client, services, accounts, clock):
    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    for _ in range(29):  # a request every 20 minutes: never idle
        clock.advance(minutes=20)
        assert _signed_in(client)
    clock.advance(minutes=19, seconds=59)  # 9 h 59 min 59 s after sign-in
    assert _signed_in(client)
    clock.advance(seconds=1)
    assert not _signed_in(client)
    assert _rows(services)[0].ended_reason == "expired"


def test_limits_are_configurable(app_config, accounts):
    from archive.migrate import upgrade

    app = create_app({**app_config, "SESSION_IDLE_MINUTES": 5, "SESSION_MAX_HOURS": 1})
    try:
        clock = FakeClock()
        app.config["CLOCK"] = clock
        upgrade(app.extensions["docsvc"].engine)
        client = app.test_client()
        accounts.user("lan", "clerk")
        login(client, "lan", accounts.passwords["lan"])
        clock.advance(minutes=4, seconds=59)
        assert _signed_in(client)
        clock.advance(minutes=5, seconds=1)
        assert not _signed_in(client)
        login(client, "lan", accounts.passwords["lan"])
        for _ in range(14):
            clock.advance(minutes=4)
            assert _signed_in(client)
        clock.advance(minutes=4)  # 64 minutes
        assert not _signed_in(client)
    finally:
        app.extensions["docsvc"].close()


def test_a_password_change_ends_every_session_and_renews_this_one(app, client, services, accounts, clock):
    accounts.user("lan", "clerk")
    other = app.test_client()
    login(client, "lan", accounts.passwords["lan"])
    login(other, "lan", accounts.passwords["lan"])
    before = _cookie(client)
    client.post("/account/password", data={"current": accounts.passwords["lan"], "new": "a-new-password",
                                           "confirm": "a-new-password", "csrf_token": csrf_token(client)})
    assert _signed_in(client) and not _signed_in(other)
    stale = app.test_client()
    stale.set_cookie("session", before)  # this browser's cookie from before the change
    assert not _signed_in(stale)
    reasons = sorted((r.ended_reason or "live") for r in _rows(services))
    assert reasons == ["live", "password", "password"]


def test_disabling_a_user_ends_their_sessions(app, client, services, accounts, clock):
    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    assert app.test_cli_runner().invoke(args=["user", "disable", "lan"]).exit_code == 0
    assert [r.ended_reason for r in _rows(services)] == ["disabled"]
    assert not _signed_in(client)


def test_flask_session_still_holds_other_data(client, accounts, clock):
    accounts.user("lan", "clerk")
    with client.session_transaction() as before:
        before["purpose"] = "set before sign-in"
    login(client, "lan", accounts.passwords["lan"])
    with client.session_transaction() as data:
        assert "purpose" not in data  # sign-in starts a fresh session
        data["purpose"] = "hồ sơ 12/2026"
    assert _signed_in(client)
    with client.session_transaction() as data:
        assert data["purpose"] == "hồ sơ 12/2026"
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    with client.session_transaction() as data:
        assert "purpose" not in data
