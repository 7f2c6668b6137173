"""`/api/v1/calendar/...` through the app's test client with real tokens: due dates, the year's
list, adding (201), removing (204), and each refusal as its JSON error.

Bad inputs tried: a duplicate day (409 day_exists, naming it), a Sunday as a day off (409
weekend_day), a weekday as a swapped working day (409 weekday), an impossible date in the body
(400 invalid_field, field ``day``), an unknown field, a blank name, a start that is not a
moment (400), days out of range (400), an unknown unit (404), removing an absent day (404), a
viewer adding or removing (403, nothing changed)."""

from __future__ import annotations

import pytest

from tests.conftest import Api


@pytest.fixture
def apis(client, accounts, people):
    return Api(client, accounts.token("quantri")), Api(client, accounts.token("xem"))


def _delete(api: Api, url: str):
    return api.client.delete(url, headers=api.headers)


def test_due_and_list(apis):
    admin, viewer = apis
    answer = viewer.get("/api/v1/calendar/due?start=2026-02-13T15:30&days=3")
    assert answer.status_code == 200 and answer.get_json() == {"due_on": "2026-02-26"}
    answer = viewer.get("/api/v1/calendar/due?start=2026-02-13T08:30Z&days=3&unit=XA-A")   # 15:30 in Hà Nội
    assert answer.get_json() == {"due_on": "2026-02-26"}
    listed = viewer.get("/api/v1/calendar/holidays?year=2026").get_json()
    assert len(listed) == 13 and listed[0] == {"day": "2026-01-01", "kind": "off", "name": "Tết Dương lịch"}
    assert {"day": "2026-04-27", "kind": "off", "name": "Nghỉ bù Giỗ Tổ Hùng Vương (26/4 là Chủ nhật)"} in listed
    for query, status in (("start=13/02/2026&days=3", 400), ("start=2026-02-30T10:00&days=3", 400),
                          ("start=2026-02-13T10:00&days=401", 400), ("start=2026-02-13T10:00", 400),
                          ("start=2026-02-13T10:00&days=3&unit=KHONG-CO", 404)):
        assert viewer.get(f"/api/v1/calendar/due?{query}").status_code == status, query


def test_add_and_delete(apis):
    admin, viewer = apis
    added = admin.post("/api/v1/calendar/holidays", json={"day": "2026-03-06", "name": "Nghỉ thử"})
    assert added.status_code == 201 and added.get_json() == {"day": "2026-03-06", "kind": "off", "name": "Nghỉ thử"}
    work = admin.post("/api/v1/calendar/holidays", json={"day": "2026-03-07", "name": "Làm bù", "kind": "work"})
    assert work.status_code == 201
    assert admin.get("/api/v1/calendar/due?start=2026-03-05T09:00&days=1").get_json() == {"due_on": "2026-03-07"}
    again = admin.post("/api/v1/calendar/holidays", json={"day": "2026-03-06", "name": "Lần nữa"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "day_exists"
    assert "06/03/2026" in again.get_json()["error"]["message"]
    for body, code in (({"day": "2026-03-08", "name": "Chủ nhật"}, "weekend_day"),
                       ({"day": "2026-03-10", "name": "Thứ Ba", "kind": "work"}, "weekday")):
        answer = admin.post("/api/v1/calendar/holidays", json=body)
        assert answer.status_code == 409 and answer.get_json()["error"]["code"] == code
    for body, field in (({"day": "2026-02-31", "name": "Không có"}, "day"), ({"day": "2026-03-10", "name": "  "}, "name"),
                        ({"day": "2026-03-10", "name": "X", "colour": "red"}, "colour")):
        answer = admin.post("/api/v1/calendar/holidays", json=body)
        assert answer.status_code == 400, body
        assert answer.get_json()["error"] == {**answer.get_json()["error"], "code": "invalid_field", "field": field}
    assert viewer.post("/api/v1/calendar/holidays", json={"day": "2026-03-11", "name": "X"}).status_code == 403
    assert _delete(viewer, "/api/v1/calendar/holidays/2026-03-06").status_code == 403
    assert _delete(admin, "/api/v1/calendar/holidays/2026-03-06").status_code == 204
    assert _delete(admin, "/api/v1/calendar/holidays/2026-03-06").status_code == 404
    assert _delete(admin, "/api/v1/calendar/holidays/06-03-2026").status_code == 400
    days = {d["day"] for d in viewer.get("/api/v1/calendar/holidays?year=2026").get_json()}
    assert "2026-03-06" not in days and "2026-03-07" in days and "2026-03-11" not in days
