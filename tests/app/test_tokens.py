"""API tokens may carry an expiry date (the last day they work, Vietnam time); an expired
token answers 401 like a revoked one.

Inputs tried: a date given on the command line and in the web form; the last second of the
last day and the first second after it; a date in the past; a date that is not a date."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from archive.accounts import ApiToken
from tests.app.clock import FakeClock
from tests.conftest import Api, csrf_token, login


@pytest.fixture
def clock(app):
    clock = FakeClock(datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc))
    app.config["CLOCK"] = clock
    return clock


def test_a_token_stops_at_the_end_of_its_last_day(app, accounts, clock):
    accounts.user("lan", "clerk")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["token", "create", "lan", "--expires", "2026-05-04"])
    assert result.exit_code == 0, result.output
    api = Api(app.test_client(), result.output.strip())
    assert api.get("/api/v1/documents").status_code == 200
    assert "hiệu lực đến hết ngày 04/05/2026" in runner.invoke(args=["token", "list", "lan"]).output
    clock.now = datetime(2026, 5, 4, 16, 59, 59, tzinfo=timezone.utc)  # 23:59:59 in Vietnam
    assert api.get("/api/v1/documents").status_code == 200
    clock.advance(seconds=1)
    answer = api.get("/api/v1/documents")
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "unauthorized"
    assert "hết hạn" in runner.invoke(args=["token", "list", "lan"]).output


def test_a_token_without_a_date_does_not_expire(app, accounts, clock):
    accounts.user("lan", "clerk")
    api = Api(app.test_client(), accounts.token("lan"))
    clock.advance(days=3650)
    assert api.get("/api/v1/documents").status_code == 200


@pytest.mark.parametrize("value", ["2026-05-03", "04/05/2026", "2026-02-30", "mai"])
def test_the_command_refuses_a_past_or_malformed_date(app, services, accounts, clock, value):
    accounts.user("lan", "clerk")
    result = app.test_cli_runner().invoke(args=["token", "create", "lan", "--expires", value])
    assert result.exit_code != 0 and "dsv_" not in result.output
    with services.session_factory() as db:
        assert db.scalars(select(ApiToken)).all() == []


def test_the_web_form_sets_an_expiry(app, client, services, accounts, clock):
    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    page = client.post("/account/tokens", data={"name": "máy quét", "expires": "30/06/2026",  # as people write it
                                                "password": accounts.passwords["lan"],
                                                "csrf_token": csrf_token(client)})
    assert page.status_code == 200 and '<code class="token">dsv_' in page.get_data(as_text=True)
    with services.session_factory() as db:
        row = db.scalar(select(ApiToken))
        assert row.expires_at == datetime(2026, 6, 30, 17, 0, tzinfo=timezone.utc)
    for bad, message in (("01/05/2026", "Ngày hết hạn phải từ hôm nay trở đi."),
                         ("31/06/2026", "Ngày hết hạn không hợp lệ"), ("sáu tháng", "Ngày hết hạn không hợp lệ")):
        page = client.post("/account/tokens", data={"name": "x", "expires": bad, "password": accounts.passwords["lan"],
                                                    "csrf_token": csrf_token(client)}, follow_redirects=True)
        assert message in page.get_data(as_text=True)
    with services.session_factory() as db:
        assert len(db.scalars(select(ApiToken)).all()) == 1
