"""In a real browser: sign in, upload files and watch each one's progress (a good PDF, a
scanned page, and a broken file that must show its error), open the document and see each
page image beside its text, switch the interface to English."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.app.inputs import text_pdf, text_png

pytestmark = [pytest.mark.browser, pytest.mark.ocr, pytest.mark.xdist_group("ocr")]


def sign_in(page, base, username, password):
    page.goto(f"{base}/documents")
    assert "/login" in page.url  # not signed in yet
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/documents")


def test_upload_progress_then_page_images_beside_text(live_server, page, accounts, tmp_path):
    accounts.user("vanthu", "clerk", unit="XA-A")
    pdf = tmp_path / "ke-hoach-so-hoa.pdf"
    pdf.write_bytes(text_pdf(["KẾ HOẠCH", "Số hóa sổ hộ tịch từ năm 1956 đến nay"]))
    scan = tmp_path / "trang-quet.png"
    scan.write_bytes(text_png(["Sổ đăng ký khai sinh", "Nguyễn Thị Hòa, sinh năm 1985"]))
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")  # cut short: no xref, no %%EOF

    sign_in(page, live_server, "vanthu", accounts.passwords["vanthu"])
    page.click("text=Tải lên")
    page.set_input_files("#file-input", [str(pdf), str(scan), str(broken)])
    rows = page.locator("#uploads tbody tr")
    # The broken file's row ends refused (class "failed"): wait for that state, whatever the
    # message, then read the message, so that a refusal for another reason (a reader timeout
    # on a loaded machine, a server error) fails here saying what the row shows.
    try:
        rows.nth(2).and_(page.locator("tr.failed")).wait_for(timeout=300_000)
    except PlaywrightTimeout:
        raise AssertionError(f"the broken file was never refused; the rows say: {rows.all_inner_texts()}")
    refused = rows.nth(2).inner_text()
    assert "PDF" in refused and ("không đầy đủ" in refused or "hỏng" in refused), refused
    for i in (0, 1):
        rows.nth(i).locator(".stage", has_text="Hoàn tất").wait_for(timeout=300_000)
        assert rows.nth(i).locator("progress").evaluate("p => p.value === p.max")
    page.screenshot(path=str(tmp_path / "upload.png"), full_page=True)

    rows.nth(1).locator("a", has_text="Xem văn bản").click()
    page.wait_for_selector("section.page")
    image = page.locator("section.page .page-image img").first
    image.wait_for()
    # Waits for the picture itself (on a busy machine it arrives after the element): its
    # width once loaded, 0 if it failed.
    loaded_width = image.evaluate("""img => img.complete ? img.naturalWidth : new Promise(done => {
        img.addEventListener('load', () => done(img.naturalWidth), {once: true});
        img.addEventListener('error', () => done(0), {once: true}); })""")
    assert loaded_width > 100
    text = page.locator("section.page .page-text pre").first.inner_text()
    assert "khai sinh" in text and "Hòa" in text
    box_image, box_text = image.bounding_box(), page.locator("section.page .page-text").first.bounding_box()
    assert box_image["x"] + box_image["width"] <= box_text["x"] + 1  # side by side
    assert abs(box_image["y"] - box_text["y"]) < 80
    page.screenshot(path=str(tmp_path / "document.png"), full_page=True)

    page.click("a[hreflang=en]")
    page.wait_for_load_state()
    assert page.locator("nav.mainnav").inner_text().startswith("Documents")
