"""In a real browser, at the one-stop desk: the officer signs in, types a name without
diacritics and the birth date in the one box on the home page, opens the entry (choosing the
purpose with the keyboard when asked), clicks "Cấp trích lục", fills the form with the keyboard
alone and presses Enter; the extract page shows the number and its "In trích lục" link gives
the signed PDF. Anyone then opens the verification page without signing in. No page reports
a Content-Security-Policy violation.

Tried: the name typed without diacritics and in lower case, a namesake born on another day
(not offered), the form sent with Enter from the last field."""

from __future__ import annotations

import re

import pytest

from tests.extracts.conftest import Office

pytestmark = [pytest.mark.browser]


@pytest.fixture
def violations(page):
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None)
    return found


def test_the_one_stop_officer_finds_issues_and_prints(live_server, page, violations, browser, services, accounts):
    office = Office(services, accounts)
    wanted = office.entry("Nguyễn Văn An")
    namesake = office.entry("Nguyễn Văn An", date_of_birth="02/03/2024")

    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "motcua")
    page.fill("input[name=password]", accounts.passwords["motcua"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    box = page.locator("#desk-q")
    assert box.evaluate("el => el === document.activeElement")  # the desk's box has the focus
    page.keyboard.type("nguyen van an 01/03/2024")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/extracts/find\?q="))
    rows = page.locator("tr.desk-hit")
    rows.first.wait_for()
    assert [r.get_attribute("data-entry") for r in rows.all()] == [str(wanted["id"])]
    assert page.locator(f'tr[data-entry="{namesake["id"]}"]').count() == 0

    rows.first.locator("a.desk-entry").click()
    page.wait_for_url(re.compile(r"/purpose\?next="))  # the entry page asks for the purpose first
    page.keyboard.press("1")
    assert page.locator("input[value=extract_request]").is_checked()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/civil/entries/{wanted['id']}")
    page.locator("#issue-extract").click()
    page.wait_for_url(f"{live_server}/civil/entries/{wanted['id']}/extract")

    assert page.locator("#requester").evaluate("el => el === document.activeElement")
    page.keyboard.type("Trần Văn Yêu Cầu")
    page.keyboard.press("Tab")
    page.keyboard.type("CCCD 001099012345")
    page.keyboard.press("Tab")
    page.keyboard.type("cha đẻ")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/extracts/\d+$"))
    assert page.locator("#extract-number").inner_text() == "1/TLKS-BS"
    assert "Có hiệu lực" in page.locator("#extract-status").inner_text()

    link = page.locator("#print-extract")
    assert link.get_attribute("target") == "_blank"
    fetched = page.evaluate("""async (href) => {
        const r = await fetch(href);
        const bytes = new Uint8Array(await r.arrayBuffer());
        return {type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'),
                head: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length};
    }""", link.get_attribute("href"))
    assert fetched["type"] == "application/pdf" and fetched["head"] == "%PDF-"
    assert fetched["disposition"].startswith("inline") and fetched["size"] > 10_000

    code = page.locator("#verify-url").inner_text().rsplit("/", 1)[1]
    stranger = browser.new_context(locale="vi-VN")
    try:
        public = stranger.new_page()
        public.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
        response = public.goto(f"{live_server}/verify/{code}")
        assert response.status == 200
        assert public.locator("#verdict").inner_text() == "TRÍCH LỤC THẬT, CÒN HIỆU LỰC"
        assert public.locator("#number").inner_text() == "1/TLKS-BS"
        assert "Nguyễn Văn An" not in public.content()
    finally:
        stranger.close()
    assert violations == []
