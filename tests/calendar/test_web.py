"""The administrator's calendar page (/admin/calendar) through the test client, signed in:
the year's days listed as dd/mm/yyyy with their Vietnamese names, adding and removing a day
(POST with the CSRF token), a unit's Saturday mornings, the due-date form, English labels.

Bad inputs tried: a day already there (409, the page names it), a Sunday as a day off (400),
an impossible date, a POST without the CSRF token (refused, nothing added), a clerk opening
the page or posting (403), a due-date form with a word for the number of days."""

from __future__ import annotations

import re

from tests.conftest import csrf_token, login


def _admin(client, accounts, people):
    login(client, "quantri", accounts.passwords["quantri"])
    return client


def _listed(html: str) -> list[str]:
    return re.findall(r'data-day="([0-9-]+)"', html)


def test_the_page_lists_adds_and_removes(client, accounts, people):
    _admin(client, accounts, people)
    assert "/admin/calendar/" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/calendar/?year=2026")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and len(_listed(html)) == 13
    assert "16/02/2026" in html and "Tết Nguyên đán" in html and "Nghỉ bù Giỗ Tổ Hùng Vương" in html
    token = csrf_token(client)
    added = client.post("/admin/calendar/days", data={"csrf_token": token, "day": "06/03/2026",
                                                     "name": "Nghỉ thử", "kind": "off"})
    assert added.status_code == 302
    html = client.get("/admin/calendar/?year=2026").get_data(as_text=True)
    assert "2026-03-06" in _listed(html) and "06/03/2026" in html and "Nghỉ thử" in html
    again = client.post("/admin/calendar/days", data={"csrf_token": token, "day": "06/03/2026", "name": "Lần nữa"})
    assert again.status_code == 409 and "đã có trong lịch" in again.get_data(as_text=True)
    for day in ("08/03/2026", "31/02/2026"):
        refused = client.post("/admin/calendar/days", data={"csrf_token": token, "day": day, "name": "X"})
        assert refused.status_code == 400 and 'id="calendar-error"' in refused.get_data(as_text=True)
    no_csrf = client.post("/admin/calendar/days", data={"day": "10/03/2026", "name": "Không CSRF"})
    assert no_csrf.status_code in (400, 403)
    removed = client.post("/admin/calendar/days/2026-03-06/remove", data={"csrf_token": token})
    assert removed.status_code == 302
    days = _listed(client.get("/admin/calendar/?year=2026").get_data(as_text=True))
    assert "2026-03-06" not in days and "2026-03-10" not in days and len(days) == 13


def test_unit_setting_and_the_due_date_form(client, accounts, people):
    _admin(client, accounts, people)
    html = client.get("/admin/calendar/?start=2026-02-13T15:30&days=3").get_data(as_text=True)
    assert re.search(r'id="due-on">[^<]*26/02/2026', html)
    saved = client.post("/admin/calendar/units", data={"csrf_token": csrf_token(client), "unit": "XA-A",
                                                       "saturday_mornings": "1", "cutoff": "16:00"})
    assert saved.status_code == 302
    html = client.get("/admin/calendar/?start=2026-03-13T10:00&days=1&unit=XA-A").get_data(as_text=True)
    assert re.search(r'id="due-on">[^<]*14/03/2026', html)
    html = client.get("/admin/calendar/?start=2026-03-13T10:00&days=mot").get_data(as_text=True)
    assert 'id="due-error"' in html and 'id="due-on"' not in html
    english = client.get("/admin/calendar/?year=2026&lang=en").get_data(as_text=True)
    assert "Working-day calendar 2026" in english and "Monday" in english


def test_a_clerk_is_refused(client, accounts, people):
    login(client, "vanthu", accounts.passwords["vanthu"])
    assert client.get("/admin/calendar/").status_code == 403
    token = csrf_token(client)
    assert client.post("/admin/calendar/days", data={"csrf_token": token, "day": "10/03/2026",
                                                     "name": "X"}).status_code == 403
    assert client.post("/admin/calendar/days/2026-02-16/remove", data={"csrf_token": token}).status_code == 403
    assert "/admin/calendar/" not in client.get("/admin/").get_data(as_text=True)
