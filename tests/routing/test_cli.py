"""`docsvc routing assign|complete|inbox|remind|email` through click's runner on the real app,
as the local operator (who assigns in the name of the office's leader) or DOCSVC_USER.

Bad inputs tried: no deadline (exit 1, names the field), an unknown unit (exit 1), a
specialist assigning (refused: routing.assign), a handler reading another person's inbox
(refused), completing twice (exit 1, not_open), a --day that is not a date."""

from __future__ import annotations

import json

import pytest


def _run(runner, *args, user=None):
    return runner.invoke(args=[str(a) for a in args], env={"DOCSVC_USER": user} if user else None)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_assign_inbox_complete_remind(runner, office):
    doc = office.incoming(urgency=2, abstract="Về phòng chống bão")
    made = _run(runner, "routing", "assign", doc, "--user", "chuyenvien", "--working-days", "3", "--json")
    assert made.exit_code == 0, made.output
    body = json.loads(made.output)
    assert set(body) == {"id", "due_on"}
    by_leader = _run(runner, "routing", "assign", doc, "--unit", "VP-A", "--role", "cooperate", "--due-on",
                     "2099-12-31", user="lanhdao")
    assert by_leader.exit_code == 0 and "31/12/2099" in by_leader.output
    box = json.loads(_run(runner, "routing", "inbox", "--user", "chuyenvien", "--json").output)
    items = box["todo"] + box["due_soon"] + box["overdue"]
    assert [i["id"] for i in items] == [body["id"]] and items[0]["urgency_label"] == "Thượng khẩn"
    text = _run(runner, "routing", "inbox", "--user", "chuyenvien", user="chuyenvien").output
    assert "Về phòng chống bão" in text and "Quá hạn: 0" in text
    refused = _run(runner, "routing", "inbox", "--user", "lanhdao", user="chuyenvien")
    assert refused.exit_code == 1
    done = _run(runner, "routing", "complete", body["id"], "--note", "Đã báo cáo", "--json", user="chuyenvien")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["standing"] == "early"
    again = _run(runner, "routing", "complete", body["id"], "--note", "Lần nữa", user="chuyenvien")
    assert again.exit_code == 1 and "not_open" in again.output
    swept = _run(runner, "routing", "remind", "--day", "2099-12-30", "--json")
    assert json.loads(swept.output) == {"day": "2099-12-30", "notified": 1, "emailed": 0}   # VP-A's cooperation, to XA-A's leader
    assert _run(runner, "routing", "remind", "--day", "30/12/2099").exit_code == 1
    assert _run(runner, "routing", "email", "chuyenvien", "cv@xa-a.gov.vn").exit_code == 0


def test_refusals(runner, office):
    doc = office.incoming()
    for args, user, text in ((("--user", "chuyenvien"), None, "working_days"),
                             (("--unit", "KHONG-CO", "--working-days", "2"), None, "KHONG-CO"),
                             (("--unit", "XA-A", "--working-days", "2"), "chuyenvien", "routing.assign")):
        result = _run(runner, "routing", "assign", doc, *args, user=user)
        assert result.exit_code == 1 and text in result.output, result.output
