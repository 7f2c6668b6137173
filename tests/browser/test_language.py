"""A browser set up in English still gets the installation's Vietnamese interface; the user's
own choice of English is what switches it."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser]


def test_an_english_browser_gets_vietnamese_until_the_user_chooses(live_server, browser):
    context = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/login")
        assert page.locator("html").get_attribute("lang") == "vi"
        assert "Đăng nhập" in page.locator("body").inner_text()
        page.click("a[hreflang=en]")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Sign in" in page.locator("body").inner_text()
    finally:
        context.close()
