"""In a real browser: results appear as you type (no Enter), suggestions drop down for a
number and symbol, matches are highlighted with the page's thumbnail beside them, a facet
filters the results, and a misspelt word offers "did you mean"."""

from __future__ import annotations

import io

import pytest

from docsvc.documents.submit import submit_stream
from docsvc.worker import wait_for_jobs
from tests.app.inputs import text_pdf

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("ocr")]


@pytest.fixture
def documents(services, accounts):
    subs = []
    for number, abbr, kind, about in ((201, "KH", "KẾ HOẠCH", "số hóa sổ hộ tịch"),
                                      (202, "TB", "THÔNG BÁO", "lịch tiếp công dân về hộ tịch"),
                                      (203, "QĐ", "QUYẾT ĐỊNH", "khen thưởng công tác phòng cháy")):
        pdf = text_pdf(["ỦY BAN NHÂN DÂN XÃ A", f"Số: {number}/{abbr}-UBND", "ngày 10 tháng 3 năm 2025",
                        kind, f"Về việc {about}", f"Nội dung về {about} trên địa bàn xã."])
        subs.append(submit_stream(services, io.BytesIO(pdf), f"{number}.pdf", principal=accounts.system,
                                  unit_code="XA-A"))
    wait_for_jobs(services, [s.job_id for s in subs], timeout=600)
    return subs


def test_search_as_you_type(live_server, page, accounts, documents, tmp_path):
    accounts.user("chuyenvien", "specialist", unit="XA-A")
    page.goto(f"{live_server}/login?next=/search")
    page.fill("input[name=username]", "chuyenvien")
    page.fill("input[name=password]", accounts.passwords["chuyenvien"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/search")

    page.locator("#q").press_sequentially("ho tich", delay=60)  # no diacritics, no Enter
    page.locator("#results .hit").first.wait_for(timeout=10_000)
    assert page.locator("#results .hit").count() == 2
    assert page.locator("#results .hit mark").count() >= 2
    thumb = page.locator("#results .hit-thumb img").first
    thumb.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

    page.locator("#results .facets a", has_text="Thông báo").click()
    page.wait_for_selector(".facets li.active")
    assert page.locator("#results .hit").count() == 1
    assert "202/TB-UBND" in page.locator("#results .hit h3").inner_text()

    page.goto(f"{live_server}/search")
    page.locator("#q").press_sequentially("201/K", delay=60)
    page.locator("#suggestions li").first.wait_for(timeout=10_000)
    assert "201/KH-UBND" in page.locator("#suggestions").inner_text()

    page.goto(f"{live_server}/search?q=phong+chays")  # a typo, without diacritics: one edit away
    assert page.locator("#results .hit").count() == 1
    assert "203/QĐ-UBND" in page.locator("#results .hit h3").inner_text()
    assert "cháy" in page.locator("#results .hit mark").all_inner_texts()
