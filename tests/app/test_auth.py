"""Sign-in and sessions: CSRF, tokens and their revocation, sessions ended by a password
change or a disabled account, cookie flags. (Throttling: test_signin.py; server-side
sessions: test_sessions.py; headers and the edge: test_edge.py.)

Inputs tried: a form post without a CSRF token and with a forged one; a revoked token, a
token of a disabled user, a malformed Authorization header."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from archive.accounts import User
from docsvc.accounts.signin import LoginRefused, authenticate
from tests.conftest import Api, csrf_token, login


def test_sign_in_and_out(client, accounts):
    accounts.user("lan", "clerk")
    assert client.get("/documents").status_code == 302
    response = login(client, "lan", accounts.passwords["lan"])
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/documents").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_token(client)}).status_code == 302
    assert client.get("/documents").status_code == 302


def test_sign_in_redirects_only_within_the_site(client, accounts):
    accounts.user("lan", "clerk")
    token = csrf_token(client)
    response = client.post("/login", data={"username": "lan", "password": accounts.passwords["lan"],
                                           "csrf_token": token, "next": "https://evil.example/x"})
    assert response.headers["Location"] == "/"


def test_forms_without_a_valid_csrf_token_are_rejected(client, accounts):
    accounts.user("lan", "clerk")
    no_token = client.post("/login", data={"username": "lan", "password": accounts.passwords["lan"]})
    assert no_token.status_code == 400 and "CSRF" in no_token.get_data(as_text=True)
    forged = client.post("/login", data={"username": "lan", "password": accounts.passwords["lan"],
                                         "csrf_token": "forged"})
    assert forged.status_code == 400
    login(client, "lan", accounts.passwords["lan"])
    assert client.post("/logout").status_code == 400  # still signed in afterwards
    assert client.get("/documents").status_code == 200
    assert client.post("/upload", data={}).status_code == 400


def test_session_cookie_flags(client, accounts):
    accounts.user("lan", "clerk")
    cookie = login(client, "lan", accounts.passwords["lan"]).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = client.get("/login", base_url="https://localhost")
    token = csrf_token(client)
    secure = client.post("/login", base_url="https://localhost",
                         data={"username": "lan", "password": accounts.passwords["lan"], "csrf_token": token},
                         headers={"Referer": "https://localhost/login"})
    assert https.status_code == 200
    assert "Secure" in secure.headers["Set-Cookie"]


def test_a_password_change_ends_other_sessions(app, services, accounts):
    accounts.user("lan", "clerk")
    first, second = app.test_client(), app.test_client()
    login(first, "lan", accounts.passwords["lan"])
    login(second, "lan", accounts.passwords["lan"])
    response = first.post("/account/password", data={
        "current": accounts.passwords["lan"], "new": "a-new-password", "confirm": "a-new-password",
        "csrf_token": csrf_token(first)})
    assert response.status_code == 302
    assert first.get("/documents").status_code == 200   # the session that changed it goes on
    assert second.get("/documents").status_code == 302  # every other one ends


def test_disabling_a_user_ends_sessions_and_tokens(app, client, services, accounts):
    accounts.user("lan", "clerk")
    token = accounts.token("lan")
    login(client, "lan", accounts.passwords["lan"])
    api = Api(app.test_client(), token)
    assert api.get("/api/v1/documents").status_code == 200
    result = app.test_cli_runner().invoke(args=["user", "disable", "lan"])
    assert result.exit_code == 0, result.output
    assert client.get("/documents").status_code == 302
    assert api.get("/api/v1/documents").status_code == 401
    with services.session_factory() as db:
        with pytest.raises(LoginRefused) as refused:  # the right password, but the same answer as any failure
            authenticate(services, db, "lan", accounts.passwords["lan"], "10.0.0.2", now=datetime.now(timezone.utc))
        assert refused.value.code == "refused"


def test_api_tokens_shown_once_and_revocable(app, client, services, accounts):
    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    page = client.post("/account/tokens", data={"name": "scanner", "password": accounts.passwords["lan"],
                                                "csrf_token": csrf_token(client)})
    html = page.get_data(as_text=True)
    import re

    token = re.search(r'<code class="token">(dsv_[^<]+)</code>', html).group(1)
    assert token not in client.get("/account").get_data(as_text=True)  # never shown again
    with services.session_factory() as db:
        from archive.accounts import ApiToken

        row = db.scalar(select(ApiToken))
        assert row.token_hash != token and token not in row.token_hash  # kept hashed
    api = Api(app.test_client(), token)
    assert api.get("/api/v1/documents").status_code == 200
    revoke = client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client)})
    assert revoke.status_code == 302
    answer = api.get("/api/v1/documents")
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "unauthorized"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer dsv_forged"])
def test_the_api_answers_401_without_a_valid_token(client, header):
    response = client.get("/api/v1/documents", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_the_api_ignores_session_cookies(client, accounts):
    """A signed-in browser cannot be used to call the API (no CSRF route into it)."""
    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    assert client.get("/api/v1/documents").status_code == 401


def test_cli_user_commands(app, services):
    runner = app.test_cli_runner()
    from docsvc.accounts.bootstrap import ensure_root_unit

    ensure_root_unit(services)
    result = runner.invoke(args=["unit", "add", "XA-C", "Ủy ban nhân dân xã C", "--parent", "UBND"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["user", "add", "mai", "--role", "clerk", "--role", "viewer", "--unit", "XA-C",
                                 "--password-stdin"], input="mat-khau-moi-1\n")
    assert result.exit_code == 0, result.output
    with services.session_factory() as db:
        user = db.scalar(select(User).where(User.username == "mai"))
        assert user.roles == {"clerk", "viewer"} and user.unit.code == "XA-C"
        assert user.password_hash.startswith("$argon2")
    bad = runner.invoke(args=["user", "add", "mai2", "--role", "clerk", "--unit", "NOPE", "--password-stdin"],
                        input="mat-khau-moi-1\n")
    assert bad.exit_code != 0 and "NOPE" in bad.output
    short = runner.invoke(args=["user", "passwd", "mai", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "8" in short.output
    assert runner.invoke(args=["user", "passwd", "mai", "--password-stdin"], input="mat-khau-khac-2\n").exit_code == 0
    token = runner.invoke(args=["token", "create", "mai"]).output.strip()
    assert token.startswith("dsv_") and len(token) > 40
    assert Api(app.test_client(), token).get("/api/v1/documents").status_code == 200
    assert runner.invoke(args=["token", "revoke", "1"]).exit_code == 0
    assert Api(app.test_client(), token).get("/api/v1/documents").status_code == 401


def test_cli_acting_user_is_held_to_the_table(app, accounts, monkeypatch):
    accounts.user("xem", "viewer")
    monkeypatch.setenv("DOCSVC_USER", "xem")
    result = app.test_cli_runner().invoke(args=["user", "add", "x", "--role", "clerk", "--unit", "XA-A",
                                                "--password-stdin"], input="mat-khau-moi-1\n")
    assert result.exit_code != 0 and "user.manage" in result.output
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and "audit.verify" in result.output


def test_init_creates_the_first_administrator_once(app_config, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from docsvc.cli import main

    monkeypatch.setenv("DOCSVC_DATA_DIR", str(tmp_path / "fresh"))
    runner = CliRunner()
    first = runner.invoke(main, ["init"])
    assert first.exit_code == 0, first.output
    assert "admin" in first.output and "Mật khẩu" in first.output
    password = first.output.split("password: ")[1].split()[0]
    again = runner.invoke(main, ["init"])
    assert again.exit_code == 0 and "quản trị đầu tiên" not in again.output
    from docsvc import create_app

    app = create_app()
    client = app.test_client()
    assert login(client, "admin", password).status_code == 302
    assert client.get("/admin/users").status_code == 200
    app.extensions["docsvc"].close()
