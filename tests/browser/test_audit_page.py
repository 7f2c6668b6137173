"""The audit page in a real browser: Vietnamese sentences, filtered by person, action and a
date typed as dd/mm/yyyy."""

from __future__ import annotations

from datetime import date

import pytest

from docsvc.dates import format_day

pytestmark = [pytest.mark.browser]


def test_the_audit_page_reads_in_vietnamese_and_filters(live_server, page, accounts, services):
    accounts.user("quantri2", "admin")
    accounts.user("vanthu3", "clerk")
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "quantri2")
    page.fill("input[name=password]", accounts.passwords["quantri2"])
    page.click("button[type=submit]")
    page.wait_for_selector("nav.mainnav a")
    page.click("text=Quản trị")
    page.click("text=Nhật ký hệ thống")
    # The click only starts the navigation: wait for the audit page itself, not the admin page
    # it leaves (on a busy machine the read came first and found no rows).
    page.wait_for_url("**/admin/audit")
    page.locator("td.sentence").first.wait_for()
    sentences = page.locator("td.sentence").all_inner_texts()
    assert "quantri2 đã đăng nhập" in sentences
    assert any(s.startswith("Hệ thống (test) đã tạo người dùng") for s in sentences)

    page.select_option("select[name=action]", label="Tạo người dùng")
    page.fill("input[name=since]", format_day(date.today()))
    page.click("form.filters-form button[type=submit]")
    page.wait_for_url("**/admin/audit?**")
    filtered = page.locator("td.sentence").all_inner_texts()
    assert filtered and all("đã tạo người dùng" in s for s in filtered)
    assert "vanthu3" in " ".join(filtered)

    page.fill("input[name=person]", "không có ai tên này")
    page.click("form.filters-form button[type=submit]")
    page.wait_for_selector("td.empty")
    assert page.locator("td.empty").inner_text() == "Không có bản ghi nào."
