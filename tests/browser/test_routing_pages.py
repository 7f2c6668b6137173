"""In a real browser: the leader opens the list of documents waiting for assignment (the
urgent one on top), opens one, chooses the main handler and a cooperating unit, types the
time limit in working days and sees the computed due date, and assigns; the handler signs in,
sees the count on the home page, follows it to the inbox and completes the work from there;
the document's page then says it is done and its timeline shows both steps. No page reports a
Content-Security-Policy violation.

Tried: the due date preview before any handler is chosen (the default calendar), and after
choosing a person (their unit's calendar)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the launch options the fixtures use)
from tests.routing.conftest import Office

pytestmark = [pytest.mark.browser]


def _sign_in(page, base, accounts, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", accounts.passwords[username])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _watch(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None)
    return found


def test_a_leader_assigns_and_the_handler_completes_from_the_inbox(live_server, page, browser, services, accounts):
    office = Office(services, accounts)
    normal = office.incoming(abstract="Về việc báo cáo dân số")
    urgent = office.incoming(urgency=3, abstract="Về phòng chống bão số 5")
    violations = _watch(page)

    _sign_in(page, live_server, accounts, "lanhdao")
    page.goto(f"{live_server}/routing/queue")
    rows = page.locator("tr.waiting")
    assert [r.get_attribute("data-incoming") for r in rows.all()] == [str(urgent), str(normal)]
    rows.first.locator("a.button").click()
    page.wait_for_url(re.compile(rf"/incoming/{urgent}/routing"))
    page.select_option("#main", "user:chuyenvien")
    page.check("input[name=cooperate][value=VP-A]")
    page.fill("#working_days", "3")
    preview = page.locator("#due-preview")
    preview.filter(has_text=re.compile(r"\d{2}/\d{2}/\d{4}")).wait_for()
    shown = preview.inner_text()
    page.fill("textarea[name=note]", "Triển khai ngay")
    page.click("#assign-submit")
    page.wait_for_url(re.compile(rf"/incoming/{urgent}/routing$"))
    assert page.locator("tr.assignment").count() == 2
    assert shown in page.locator("tr.assignment").first.inner_text()   # the due date the form showed

    handler_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    handler_context.set_default_timeout(180_000)
    handler = handler_context.new_page()
    violations += _watch(handler)
    _sign_in(handler, live_server, accounts, "chuyenvien")
    counts = handler.locator("#inbox-counts")
    total = sum(int(handler.locator(f"#{i}").inner_text()) for i in ("home-todo", "home-due-soon", "home-overdue"))
    assert total == 1
    counts.locator("a").first.click()
    handler.wait_for_url(re.compile(r"/inbox"))
    item = handler.locator("tr.inbox-item")
    assert item.count() == 1 and "phòng chống bão" in item.inner_text()
    item.locator("textarea[name=note]").first.fill("Đã triển khai, báo cáo kèm theo")
    item.locator("form.complete-form button[type=submit]").click()
    handler.locator("p.flash-ok").wait_for()
    assert handler.locator("tr.inbox-item").count() == 0
    handler.goto(f"{live_server}/incoming/{urgent}/routing")
    timeline = handler.locator("#timeline").inner_text()
    assert "Phân công" in timeline and "Hoàn thành" in timeline and "Đã triển khai" in timeline
    # the cooperating unit's assignment is still open, but the main handler's is done
    page.goto(f"{live_server}/incoming/{urgent}/routing")
    assert page.locator("#incoming-status").get_attribute("data-status") == "done"
    handler_context.close()
    assert violations == []
