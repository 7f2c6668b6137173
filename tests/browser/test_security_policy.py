"""In a real browser, under the Content-Security-Policy (no inline script): the scripts that
used to be inline still work, no page reports a policy violation, and a session cookie
copied before signing out is refused by the server afterwards.

Tried: the document page of a file still being read (its progress script reloads the page
when the job ends), the "end a unit" form (its script sets where the form posts), the
upload, search and account pages; signing out, then replaying the old cookie."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from archive.models import Job
from docsvc.documents.submit import submit_stream
from tests.app.inputs import text_png

pytestmark = [pytest.mark.browser, pytest.mark.ocr, pytest.mark.xdist_group("ocr")]


@pytest.fixture
def violations(page):
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None)
    return found


def sign_in(page, base, username, password):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_pages_work_under_the_policy(live_server, page, violations, services, accounts):
    accounts.user("quantri", "admin", "clerk", unit="UBND", clearance=3)
    sign_in(page, live_server, "quantri", accounts.passwords["quantri"])

    # A scanned page being read: the page shows its progress and its script reloads it when
    # the job ends. The job is held (due in a year) until the page is open, so the worker
    # cannot end it first on a fast machine or open the page late on a busy one; a job the
    # worker claimed before it could be held is replaced by another file.
    job_table = Job.__table__
    for attempt in range(5):
        sub = submit_stream(services, io.BytesIO(text_png(["Sổ đăng ký khai sinh", f"Nguyễn Văn An {attempt}"])),
                            f"scan-{attempt}.png", principal=accounts.system, unit_code="XA-A")
        with services.engine.begin() as conn:
            held = conn.execute(job_table.update().where(job_table.c.id == sub.job_id, job_table.c.status == "queued")
                                .values(run_after=datetime.now(timezone.utc) + timedelta(days=365))
                                ).rowcount
        if held:
            break
    assert held, "the worker claimed each of five jobs before it could be held"
    page.goto(f"{live_server}/documents/{sub.document_id}")
    assert page.locator(".job-live").count() == 1, "a held job is shown as being read"
    with services.engine.begin() as conn:  # released: the worker takes it at its next look
        conn.execute(job_table.update().where(job_table.c.id == sub.job_id).values(run_after=None))
    page.locator("section.page").first.wait_for(timeout=180_000)  # shown after the script's reload
    assert page.locator(".job-live").count() == 0

    page.goto(f"{live_server}/admin/units")
    form = page.locator("#end-unit")
    form.locator("select[name=code]").select_option("XA-B")
    form.locator("input[name=valid_to]").fill("30/06/2025")
    form.locator("select[name=successor]").select_option("XA-A")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Đã kết thúc đơn vị" in page.locator(".flash").inner_text()

    for path in ("/upload", "/search?q=khai+sinh", "/account", "/documents"):
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200 and "no-store" in response.headers["cache-control"]
    assert violations == []


def test_a_cookie_copied_before_logout_is_refused(live_server, browser, page, accounts):
    accounts.user("vanthu", "clerk", unit="XA-A")
    sign_in(page, live_server, "vanthu", accounts.passwords["vanthu"])
    [cookie] = [c for c in page.context.cookies() if c["name"] == "session"]
    assert cookie["httpOnly"]
    thief = browser.new_context()
    try:
        thief.add_cookies([cookie])
        stolen = thief.new_page()
        stolen.goto(f"{live_server}/documents")
        assert stolen.url == f"{live_server}/documents"  # works while the session lives
        page.click("button:has-text('Đăng xuất')")
        page.wait_for_url(f"{live_server}/login")
        thief.clear_cookies()
        thief.add_cookies([cookie])  # the same cookie, replayed
        stolen.goto(f"{live_server}/documents")
        assert "/login?next=" in stolen.url
    finally:
        thief.close()
