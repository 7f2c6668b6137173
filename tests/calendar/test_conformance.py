"""The calendar operations keep their OpenAPI document: Schemathesis (the same bounded,
deterministic run as tests/api/test_openapi_conformance.py, restricted to ``/calendar``) sends
examples, boundary values and fuzzed requests as an administrator — nulls, strings where
integers belong, impossible dates, moments with offsets, unknown fields, over-long names — and
checks every answer: no 5xx, documented status codes and schemas, schema-valid requests not
refused with a 400, schema-violating ones refused."""

from __future__ import annotations

import pytest

from tests.api.test_openapi_conformance import live_api, run_schemathesis  # noqa: F401  (the fixture)


@pytest.mark.slow
def test_the_calendar_operations_conform(live_api, accounts, people):  # noqa: F811
    run = run_schemathesis(live_api, accounts.token("quantri"), include_path=["/calendar/due", "/calendar/holidays", "/calendar/holidays/{day}"])
    assert not run.failures and not run.errors, run.report()
    assert set(run.answered) == {"GET /calendar/due", "GET /calendar/holidays", "POST /calendar/holidays",
                                 "DELETE /calendar/holidays/{day}"}, run.answered
