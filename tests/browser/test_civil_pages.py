"""In a real browser, by keyboard alone: a civil-status officer keys a handwritten entry
beside its page image (Tab through the form, F4 marks a field as having no information, F2
one as illegible, Enter saves and opens a fresh form), accepts a machine proposal as it is
(Ctrl+Enter), and a second officer's correction of a verified entry is shown as a paper
register shows it: the old value struck through, the new one beside it. No page breaks the
content security policy, and the progress charts load as images drawn by the server."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from archive.civil import RegisterBook, RegisterEntry, RegisterPage
from archive.models import Page, utcnow
from docsvc.civil import services as civil
from docsvc.civil.entries import read_fields
from docsvc.documents.submit import submit_stream
from docsvc.worker import wait_for_jobs
from tests.app.inputs import text_png

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("ocr")]


@pytest.fixture
def register(services, accounts):
    """A birth book of commune A with one scanned page (read by the real pipeline), two
    officers, and a machine proposal on that page (status proposed, as the parser stores it)."""
    accounts.user("hoa", "civil_status", unit="XA-A")
    accounts.user("lan", "civil_status", unit="XA-A")
    hoa = accounts.principal("hoa")
    book = civil.add_book(services, hoa, office_code="XA-A", kind="birth", year_from=1985,
                          label="Sổ khai sinh 1985 quyển 01")
    sub = submit_stream(services, io.BytesIO(text_png(["SỔ ĐĂNG KÝ KHAI SINH", "Số: 01  Ngày đăng ký: 02/01/1985",
                                                       "Họ, chữ đệm, tên: Lê Thị Thu"])),
                        "trang-1.png", principal=accounts.system, unit_code="XA-A", personal_data=True)
    wait_for_jobs(services, [sub.job_id], timeout=300)
    with services.session_factory() as db:
        db.add(RegisterPage(book_id=book["id"], seq=1, document_id=sub.document_id))
        page = db.scalar(select(Page).where(Page.document_id == sub.document_id, Page.number == 1))
        assert page.image_sha256 and page.width and page.height
        stored = db.get(RegisterBook, book["id"])
        proposal = RegisterEntry(
            book_id=book["id"], office_unit_id=stored.office_unit_id, kind="birth", year=1985, number=1,
            status="proposed", page_id=page.id, box=[40, 60, 900, 200], created_at=utcnow(),
            fields=read_fields("birth", {
                "number": {"value": 1, "state": "ok", "confidence": 95},
                "registered_on": {"value": "1985-01-02", "state": "ok", "confidence": 92},
                "full_name": {"value": "Lê Thị Thu", "state": "ok", "confidence": 94},
                "sex": {"value": 2, "state": "ok", "confidence": 97},
                "home_town": {"value": "Nam Định", "state": "uncertain", "confidence": 58}}, machine=True))
        db.add(proposal)
        db.commit()
        return {"book_id": book["id"], "page_id": page.id, "proposal_id": proposal.id}


def _sign_in(page, live_server, accounts, username, next_path):
    page.goto(f"{live_server}/login?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", accounts.passwords[username])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/purpose\?next="))
    page.keyboard.press("2")
    page.keyboard.press("Enter")


def _focused(page) -> str:
    return page.evaluate("document.activeElement.name")


def test_keying_a_handwritten_entry_and_accepting_a_proposal_by_keyboard(live_server, page, services, accounts,
                                                                         register):
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    book_id = register["book_id"]
    _sign_in(page, live_server, accounts, "hoa", f"/civil/books/{book_id}/new?page={register['page_id']}")
    page.wait_for_url(f"{live_server}/civil/books/{book_id}/new?page={register['page_id']}")
    image = page.locator("svg.page-svg image")
    page.wait_for_function("() => document.querySelector('svg.page-svg') !== null")
    assert image.count() == 1
    assert "F2" in page.locator(".keys").inner_text() and "F4" in page.locator(".keys").inner_text()

    # The number field has the focus; the proposal holds 01, so typing 03 warns of a gap.
    assert _focused(page) == "f.number"
    page.keyboard.type("03")
    assert "02" in page.locator("#number-warning").inner_text()
    page.keyboard.press("Control+a")
    page.keyboard.type("02")
    assert page.locator("#number-warning").is_hidden()
    page.keyboard.press("Tab")
    assert _focused(page) == "f.registered_on"
    page.keyboard.type("15/01/1985")
    page.keyboard.press("Tab")
    page.keyboard.type("Trần Văn Hùng")
    page.keyboard.press("Tab")
    assert _focused(page) == "f.sex"
    page.keyboard.press("1")   # the select picks «1 · Nam»
    page.keyboard.press("Tab")
    page.keyboard.type("10/01/1985")
    page.keyboard.press("Tab")
    assert _focused(page) == "f.place_of_birth"
    page.keyboard.press("F2")  # place of birth: illegible
    page.keyboard.press("Tab")
    assert _focused(page) == "f.home_town"
    page.keyboard.press("F4")  # home town: the register has nothing
    assert "state-missing" in page.locator(".cf[data-key=home_town]").get_attribute("class")
    page.keyboard.press("Enter")
    assert "Đã lưu mục số 2." in page.locator(".flash-ok").inner_text()  # waits for the fresh form

    with services.session_factory() as db:
        keyed = db.scalar(select(RegisterEntry).where(RegisterEntry.book_id == book_id, RegisterEntry.number == 2))
        assert keyed.status == "keyed" and keyed.page_id == register["page_id"]
        assert keyed.fields["full_name"]["value"] == "Trần Văn Hùng" and keyed.fields["sex"]["value"] == 1
        assert keyed.fields["date_of_birth"]["value"] == "1985-01-10"
        assert keyed.fields["place_of_birth"]["state"] == "illegible"
        assert keyed.fields["home_town"] == {"value": None, "state": "missing", "confidence": None}

    # The machine's proposal: its region is shown zoomed, its unsure field stands out, and
    # Ctrl+Enter accepts it as read.
    page.goto(f"{live_server}/civil/entries/{register['proposal_id']}/key")
    assert page.locator(".page-view .region svg.zoom rect.entry-box").count() == 1
    assert "state-uncertain" in page.locator(".cf[data-key=home_town]").get_attribute("class")
    assert _focused(page) == "f.home_town"
    page.keyboard.press("F8")   # the whole page, then back to the region
    assert page.locator(".page-view .whole").is_visible()
    page.keyboard.press("F8")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(f"{live_server}/civil/books/{book_id}")
    with services.session_factory() as db:
        accepted = db.get(RegisterEntry, register["proposal_id"])
        assert accepted.status == "keyed" and accepted.fields["home_town"]["state"] == "uncertain"
    row = page.locator(f"tr[data-entry-id='{register['proposal_id']}']")
    assert "Đã nhập" in row.inner_text()

    # The progress charts are images drawn by the server; nothing breaks the page's policy.
    page.goto(f"{live_server}/civil/reports")
    for chart in page.locator("img.chart").all():
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    assert violations == []


def test_a_correction_shows_as_struck_through_history(live_server, page, services, accounts, register):
    hoa, lan = accounts.principal("hoa"), accounts.principal("lan")
    entry_id = register["proposal_id"]
    civil.update_entry(services, hoa, entry_id, status="keyed")
    civil.verify_entry(services, lan, entry_id)
    _sign_in(page, live_server, accounts, "lan", f"/civil/entries/{entry_id}")
    page.wait_for_url(f"{live_server}/civil/entries/{entry_id}")
    assert "Đã kiểm tra" in page.locator("#entry-status").inner_text()
    page.locator("#correct summary").click()
    page.fill("#f-full_name", "Lê Thị Thủy")
    page.fill("#reason", "Cải chính chữ đệm theo giấy khai sinh gốc")
    page.fill("#legal_basis", "25/QĐ-UBND")
    page.fill("#legal_basis_date", "03/04/2024")
    page.locator("#save-correction").click()
    page.wait_for_url(re.compile(rf"/civil/entries/{entry_id}#history"))
    revision = page.locator(".revision").first
    assert revision.locator("del").first.inner_text().strip() == "Lê Thị Thu"
    assert revision.locator("ins").first.inner_text().strip() == "Lê Thị Thủy"
    line_through = revision.locator("del").first.evaluate("el => getComputedStyle(el).textDecorationLine")
    assert "line-through" in line_through
    assert "lan" in revision.locator(".rev-who").inner_text()
    assert "25/QĐ-UBND" in revision.inner_text() and "03/04/2024" in revision.inner_text()
    assert "Lê Thị Thủy" in page.locator("tr[data-key=full_name]").inner_text()


def test_the_region_of_a_new_entry_is_drawn_on_the_page(live_server, page, services, accounts, register):
    """Alt+PageDown / Alt+PageUp turn to the book's next / previous scan. Dragging across the
    page image fills in the region (in the image's pixels, whatever its size on screen) and
    it is saved with the entry; a drag of a few pixels is ignored."""
    book_id = register["book_id"]
    sub = submit_stream(services, io.BytesIO(text_png(["SỔ ĐĂNG KÝ KHAI SINH", "Số: 03"])), "trang-2.png",
                        principal=accounts.system, unit_code="XA-A", personal_data=True)
    wait_for_jobs(services, [sub.job_id], timeout=300)
    with services.session_factory() as db:
        db.add(RegisterPage(book_id=book_id, seq=2, document_id=sub.document_id))
        db.commit()
        second = db.scalar(select(Page.id).where(Page.document_id == sub.document_id))
    _sign_in(page, live_server, accounts, "hoa", f"/civil/books/{book_id}/new?page={register['page_id']}")
    page.wait_for_url(f"{live_server}/civil/books/{book_id}/new?page={register['page_id']}")
    page.keyboard.press("Alt+PageDown")
    page.wait_for_url(f"{live_server}/civil/books/{book_id}/new?page={second}")
    page.keyboard.press("Alt+PageUp")
    page.wait_for_url(f"{live_server}/civil/books/{book_id}/new?page={register['page_id']}")
    svg = page.locator("svg.page-svg")
    box = svg.bounding_box()
    scale = 1654 / box["width"]   # text_png pages are 1654 pixels wide
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 12, box["y"] + 12)
    page.mouse.up()
    assert page.input_value("#box") == ""
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    page.mouse.move(box["x"] + 220, box["y"] + 130, steps=5)
    page.mouse.up()
    drawn = [int(v) for v in page.input_value("#box").split(",")]
    expected = [20 * scale, 30 * scale, 200 * scale, 100 * scale]
    # within two screen pixels (the image's border, rounding)
    assert all(abs(a - b) <= 2 * scale + 1 for a, b in zip(drawn, expected)), (drawn, expected)
    page.fill("#f-registered_on", "20/01/1985")
    page.fill("#f-full_name", "Vũ Thị Mai")
    page.locator("#f-full_name").press("Enter")
    page.locator(".flash-ok").wait_for()  # saved: the fresh form says so
    with services.session_factory() as db:
        entry = db.scalar(select(RegisterEntry).where(RegisterEntry.book_id == book_id, RegisterEntry.number == 2))
        assert entry.box == drawn and entry.page_id == register["page_id"]
