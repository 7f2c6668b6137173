"""In a real browser, a civil-status officer opening a personal document is asked for the
purpose first, picks it with the keyboard alone (a digit, then Enter), lands back on the
document with its page image, and sees the purpose in the header. Searching for a person
as you type sends the whole page to the purpose page too (not into the results box)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from docsvc.documents.submit import submit_stream
from docsvc.worker import wait_for_jobs
from search import PersonRecord
from tests.app.inputs import text_pdf

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("ocr")]


@pytest.fixture
def register_page(services, accounts):
    sub = submit_stream(services, io.BytesIO(text_pdf(["SỔ ĐĂNG KÝ KHAI SINH", "Họ và tên: Lê Thị Thu"])),
                        "so.pdf", principal=accounts.system, unit_code="XA-A", personal_data=True)
    wait_for_jobs(services, [sub.job_id], timeout=120)
    return sub.document_id


def _sign_in(page, live_server, accounts, username, next_path):
    page.goto(f"{live_server}/login?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", accounts.passwords[username])
    page.click("button[type=submit]")


def test_the_purpose_is_chosen_with_the_keyboard_and_the_read_goes_on(live_server, page, services, accounts,
                                                                      register_page):
    accounts.user("hoa", "civil_status", unit="XA-A")
    _sign_in(page, live_server, accounts, "hoa", f"/documents/{register_page}")
    page.wait_for_url(re.compile(r"/purpose\?next="))
    assert page.locator("input[name=purpose]").first.evaluate("el => el === document.activeElement")
    page.keyboard.press("2")
    assert page.locator("input[value=verification]").is_checked()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/documents/{register_page}")
    assert "Lê Thị Thu" in page.locator(".page-text").first.inner_text()
    image = page.locator(".page-image img").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert "Xác minh, đối chiếu" in page.locator(".purpose-now").inner_text()

    # "Other" by keyboard: 5 moves to the text box; typing there does not pick another option.
    page.locator(".purpose-now a").click()
    page.wait_for_url(re.compile(r"/purpose\?next="))
    page.keyboard.press("5")
    page.keyboard.type("Hồ sơ 12")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/documents/{register_page}")
    assert "Hồ sơ 12" in page.locator(".purpose-now").inner_text()


def test_a_person_search_as_you_type_asks_for_the_purpose_first(live_server, page, services, accounts):
    from sqlalchemy import select

    from archive.accounts import Unit

    accounts.user("hoa", "civil_status", unit="XA-A")
    with services.session_factory() as db:
        unit_a = db.scalar(select(Unit.id).where(Unit.code == "XA-A"))
    services.search_index.update([PersonRecord(
        entry_id=9, event="birth", full_name="Lê Thị Thu", date_of_birth=date(1990, 1, 2),
        registered_on=date(1990, 1, 9), year=1990, book="01/1990", unit_id=unit_a, unit="XA-A", version="1")])
    _sign_in(page, live_server, accounts, "hoa", "/search")
    page.wait_for_url(f"{live_server}/search")
    page.locator("#q").press_sequentially("Lê Thị Thu", delay=60)
    page.wait_for_url(re.compile(r"/purpose\?next="), timeout=15_000)
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    page.locator(".hit").first.wait_for(timeout=10_000)
    assert "Lê Thị Thu" in page.locator(".hit").first.inner_text()
