"""Every route of the app, taken from its URL map (so a new route cannot be forgotten), for
every role and for an anonymous visitor, answers as the permission table says:

- a route must declare its action (``@requires``) or be ``@public``;
- anonymous: the API answers 401, pages send to the sign-in page;
- a role the table allows gets through (any answer but 401/403 or the sign-in page);
- a role it does not allow gets 403.
"""

from __future__ import annotations

import io

import pytest

from archive.accounts import ROLES
from docsvc.permissions import TABLE
from docsvc.documents.submit import submit_stream
from tests.app.inputs import text_pdf
from tests.conftest import csrf_token, login

BUILTIN_PUBLIC = {"static"}


@pytest.fixture
def world(app, services, accounts):
    """One user per role (cleared for everything in their unit), a document in their unit,
    its job, and another user to act on."""
    for role in ROLES:
        accounts.user(f"u_{role}", role, clearance=3)
    target = accounts.user("target", "viewer")
    sub = submit_stream(services, io.BytesIO(text_pdf(["Thông báo số 01/TB-UBND"])), "tb.pdf",
                        principal=accounts.system, unit_code="XA-A")
    tokens = {role: accounts.token(f"u_{role}") for role in ROLES}
    return {"doc_id": sub.document_id, "job_id": sub.job_id, "user_id": target.id, "tokens": tokens}


def _url(app, rule, world) -> str:
    values = {"doc_id": world["doc_id"], "job_id": world["job_id"], "user_id": world["user_id"], "number": 1,
              "token_id": 999999, "code": "NO-SUCH-UNIT", "kind": "thumbnail", "area": "registers",
              "filename": "app.css", "book_id": 999999, "entry_id": 999999, "chart": "books",
              "extract_id": 999999, "year": 2025, "fmt": "pdf", "day": "2030-01-07",
              "incoming_id": 999999, "assignment_id": 999999, "dossier_id": 999999,
              "outgoing_id": 999999, "which": "signed"}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _call(client, method, url, *, token=None, csrf=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, headers=headers)
    data = {"csrf_token": csrf} if csrf else {}
    return client.open(url, method=method, headers=headers, data=data)


def _to_login(response) -> bool:
    """Sent to sign in first (a refusal names where to come back to; signing out does not)."""
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303) and "/login?next=" in location


def test_every_route_declares_its_permission(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.endpoint not in BUILTIN_PUBLIC
                  and not hasattr(app.view_functions[rule.endpoint], "permission")]
    assert undeclared == []
    for rule in app.url_map.iter_rules():
        action = getattr(app.view_functions[rule.endpoint], "permission", None)
        assert action is None or action in TABLE


def test_every_route_for_every_role_follows_the_table(app, world, accounts):
    problems: list[str] = []
    checked = 0
    for who in (None, *ROLES):
        client = app.test_client()
        csrf = None
        if who is not None:
            login(client, f"u_{who}", accounts.passwords[f"u_{who}"])
        csrf = csrf_token(client)
        for rule, method in _routes(app):
            endpoint = rule.endpoint
            action = getattr(app.view_functions[endpoint], "permission", None)
            is_api = rule.rule.startswith("/api/")
            url = _url(app, rule, world)
            token = world["tokens"][who] if (is_api and who) else None
            response = _call(client, method, url, token=token, csrf=csrf)
            checked += 1
            where = f"{who or 'anonymous'} {method} {rule.rule} ({action}) -> {response.status_code}"
            if endpoint in BUILTIN_PUBLIC or action is None:
                if response.status_code == 403 or _to_login(response) or (is_api and response.status_code == 401):
                    problems.append("public route refused: " + where)
            elif who is None:
                expected = response.status_code == 401 if is_api else _to_login(response)
                if not expected:
                    problems.append("anonymous let in: " + where)
            elif who in TABLE[action][1]:
                if response.status_code in (401, 403) or _to_login(response):
                    problems.append("allowed role refused: " + where)
            elif response.status_code != 403:
                problems.append("forbidden role not refused with 403: " + where)
            if endpoint == "auth.logout" and who is not None:  # signed out: sign in again
                login(client, f"u_{who}", accounts.passwords[f"u_{who}"])
                csrf = csrf_token(client)
    assert not problems, "\n".join(problems)
    assert checked >= 9 * 30


def test_a_route_that_declares_nothing_is_refused_at_run_time(app_config, accounts):
    """A route added without @requires or @public answers 403 to everyone, the administrator
    included, and says why in the log; declaring it opens it."""
    import inspect

    from docsvc import create_app, permissions
    from tests.conftest import login

    assert "import" not in inspect.getsource(permissions.requires)  # no cycle to dodge any more
    app = create_app(app_config)

    @app.get("/forgotten")
    def forgotten():
        return "opened"

    @app.get("/declared")
    @permissions.requires("account.self")
    def declared():
        return "opened"

    accounts.user("root2", "admin", clearance=3)
    client = app.test_client()
    login(client, "root2", accounts.passwords["root2"])
    assert client.get("/forgotten").status_code == 403
    assert client.get("/declared").get_data(as_text=True) == "opened"
    assert app.test_client().get("/forgotten").status_code == 403
