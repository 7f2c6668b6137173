"""Menus show only what the role may do: a viewer sees no upload, a clerk no administration;
the administrator sees both."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser]


def _menu(page, base, username, password) -> str:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("nav.mainnav a")
    return page.locator("nav.mainnav").inner_text()


def test_menus_follow_the_role(live_server, browser, accounts):
    accounts.user("xem1", "viewer")
    accounts.user("vanthu1", "clerk")
    accounts.user("quantri1", "admin")
    seen = {}
    for username in ("xem1", "vanthu1", "quantri1"):
        context = browser.new_context(locale="vi-VN")
        try:
            seen[username] = _menu(context.new_page(), live_server, username, accounts.passwords[username])
        finally:
            context.close()
    assert "Văn bản" in seen["xem1"] and "Tải lên" not in seen["xem1"] and "Quản trị" not in seen["xem1"]
    assert "Tải lên" in seen["vanthu1"] and "Quản trị" not in seen["vanthu1"]
    assert "Tải lên" in seen["quantri1"] and "Quản trị" in seen["quantri1"]
