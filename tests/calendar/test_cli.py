"""`docsvc calendar add|remove|list|due|unit` through click's runner on the real app, as the
local operator or the user in DOCSVC_USER.

Bad inputs tried: a day already there (exit 1, naming it), removing an absent day, a start
that is not a date-time, an unknown unit, a clerk adding a day (refused, nothing written)."""

from __future__ import annotations

import json

import pytest


def _run(runner, *args, user=None):
    return runner.invoke(args=[str(a) for a in args], env={"DOCSVC_USER": user} if user else None)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_due_answers_the_interface_json(runner, people):
    result = _run(runner, "calendar", "due", "2026-02-13T15:30", "--days", "3", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"due_on": "2026-02-26"}
    result = _run(runner, "calendar", "due", "2026-02-13T15:30", "--days", "3", "--unit", "XA-A", user="xem")
    assert result.exit_code == 0 and "26/02/2026" in result.output
    for args in (("13/02/2026 15h", "--days", "3"), ("2026-02-13T15:30", "--days", "3", "--unit", "KHONG-CO")):
        result = _run(runner, "calendar", "due", *args)
        assert result.exit_code == 1 and "Error" in result.output


def test_add_list_remove(runner, people):
    result = _run(runner, "calendar", "add", "2026-03-06", "Nghỉ thử")
    assert result.exit_code == 0, result.output
    result = _run(runner, "calendar", "add", "07/03/2026", "Làm bù thử", "--work", "--json")
    assert json.loads(result.output) == {"day": "2026-03-07", "kind": "work", "name": "Làm bù thử"}
    listed = json.loads(_run(runner, "calendar", "list", "--year", "2026", "--json").output)
    assert {"day": "2026-03-06", "kind": "off", "name": "Nghỉ thử"} in listed
    assert {"day": "2026-03-07", "kind": "work", "name": "Làm bù thử"} in listed
    assert len(listed) == 15
    assert json.loads(_run(runner, "calendar", "due", "2026-03-05T09:00", "--days", "1", "--json").output) == \
        {"due_on": "2026-03-07"}
    again = _run(runner, "calendar", "add", "2026-03-06", "Lần nữa")
    assert again.exit_code == 1 and "06/03/2026" in again.output and "Nghỉ thử" in again.output
    refused = _run(runner, "calendar", "add", "2026-03-10", "Nghỉ", user="vanthu")
    assert refused.exit_code == 1 and "calendar.manage" in refused.output
    assert _run(runner, "calendar", "remove", "2026-03-07").exit_code == 0
    assert _run(runner, "calendar", "remove", "2026-03-07").exit_code == 1
    text = _run(runner, "calendar", "list", "--year", "2026").output
    assert "06/03/2026" in text and "07/03/2026" not in text and "16/02/2026" in text
    unit = _run(runner, "calendar", "unit", "XA-A", "--saturday-mornings", "--cutoff", "16:00")
    assert unit.exit_code == 0, unit.output
    assert json.loads(_run(runner, "calendar", "due", "2026-03-13T10:00", "--days", "1", "--unit", "XA-A",
                           "--json").output) == {"due_on": "2026-03-14"}
