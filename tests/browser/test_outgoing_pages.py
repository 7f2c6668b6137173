"""In a real browser, an outgoing decision from draft to release (issue 14): a specialist of
the commune's office drafts a Quyết định with the sample PDF from docsvc.outgoing.drafts and
submits it; the office's head follows the count on the home page, opens it and returns it
with a comment; the specialist uploads version 2 and submits again; the head approves; the
clerk checks the form (the automatic checks are listed, all ✓); the chairman signs (no
certificate: a wet signature); the clerk numbers it (the page shows ``01/QĐ-UBND``) and
releases it to commune B inside the system and to an outside body. The timeline then shows
every step in order with its version, version 1 is marked obsolete, commune B's incoming
register has its arrival number, and no page reports a Content-Security-Policy violation.
Every wait is on the page's state (Playwright's expect), never on the clock.

Tried: a return without a comment (the browser refuses to send the form: the comment is
required), a submit after the return before the new version (refused, flashed)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from docsvc.outgoing import drafts
from docsvc.outgoing.rules import ACTION_LABELS
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the launch options the fixtures use)

pytestmark = [pytest.mark.browser]

ISSUER = "Ủy ban nhân dân xã A"


@pytest.fixture(autouse=True)
def _patient_expect():
    """Every expect waits as long as the page fixture's default (a busy 2-core machine), then
    the default comes back for other tests."""
    expect.set_options(timeout=180_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def people(services, accounts):
    from docsvc.accounts.services import create_unit

    with services.session_factory() as db:
        create_unit(services, db, accounts.system, "VP-A", "Văn phòng xã A", parent_code="XA-A", kind="department")
        db.commit()
    accounts.user("chuyenvien", "specialist", unit="VP-A", full_name="Lê Chuyên Viên")
    accounts.user("truongvp", "leader", unit="VP-A", full_name="Trần Trưởng Văn Phòng")
    accounts.user("chutich", "leader", unit="XA-A", clearance=3, full_name="Nguyễn Văn An")
    accounts.user("vanthu", "clerk", unit="XA-A", clearance=1, full_name="Phạm Thị Văn Thư")
    return accounts


def _pdf(**kw) -> bytes:
    return drafts.decision_pdf(issuer_name=ISSUER, place="A", signer_name="Nguyễn Văn An", **kw)


class Desk:
    """One browser page, signed in as one person after another."""

    def __init__(self, page, base: str, accounts):
        self.page, self.base, self.accounts = page, base, accounts
        self.violations: list[str] = []
        page.on("console", lambda msg: self.violations.append(msg.text)
                if "Content Security Policy" in msg.text else None)

    def sign_in(self, username: str) -> None:
        page = self.page
        if page.locator("form[action='/logout'] button").count():
            page.locator("form[action='/logout'] button").click()
            page.wait_for_url(re.compile(r"/login"))
        page.goto(f"{self.base}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", self.accounts.passwords[username])
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.base}/")

    def open(self, doc_id: int) -> None:
        self.page.goto(f"{self.base}/outgoing/{doc_id}")
        expect(self.page.locator("#outgoing-title")).to_be_visible()

    def act(self, action: str, comment: str = "", state: str | None = None) -> None:
        form = self.page.locator(f"#action-{action}")
        if comment:
            form.locator("input[name=comment]").fill(comment)
        form.locator("button[type=submit]").click()
        label = ACTION_LABELS[action]
        expect(self.page.locator("p.flash-ok", has_text=f"Đã ghi bước “{label}”")).to_be_visible()
        if state:
            expect(self.page.locator(".badges .outgoing-state")).to_have_attribute("data-state", state)

    def actions(self) -> list[str]:
        return [f.get_attribute("data-action") for f in self.page.locator("form.action-form").all()]


def test_a_decision_goes_from_draft_to_release_through_the_pages(live_server, page, services, people):
    desk = Desk(page, live_server, people)

    # The specialist drafts and submits.
    desk.sign_in("chuyenvien")
    page.locator("nav.mainnav a", has_text="Văn bản đi").click()
    page.wait_for_url(re.compile(r"/outgoing/"))
    page.click("#new-outgoing")
    page.wait_for_url(re.compile(r"/outgoing/new$"))
    expect(page.locator("#f-doc_type")).to_be_focused()
    page.select_option("#f-doc_type", "Quyết định")
    page.fill("#f-abstract", drafts.DECISION_ABSTRACT)
    page.fill("#f-recipients", "XA-B, Sở Tư pháp tỉnh")
    page.select_option("#f-signer", "chutich")
    page.set_input_files("#f-file", {"name": "quyet-dinh-v1.pdf", "mimeType": "application/pdf", "buffer": _pdf()})
    page.click("#create-button")
    page.wait_for_url(re.compile(r"/outgoing/\d+$"))
    doc_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("#number-symbol")).to_have_text("chưa có số")
    expect(page.locator("#current-pdf")).to_be_visible()
    assert desk.actions() == ["submit"]
    desk.act("submit", state="submitted")

    # The office's head finds it from the home page and returns it with a comment.
    desk.sign_in("truongvp")
    expect(page.locator("#home-outgoing-waiting")).to_have_text("1")
    page.locator("#outgoing-counts a").click()
    page.wait_for_url(re.compile(r"/outgoing/\?tab=waiting"))
    row = page.locator(f'tr.outgoing-row[data-id="{doc_id}"]')
    expect(row.locator(".next-step")).to_have_text("Duyệt")
    row.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/outgoing/{doc_id}$"))
    assert desk.actions() == ["approve", "return"]
    back = page.locator("#action-return")
    back.locator("button[type=submit]").click()       # no comment: the browser keeps the form
    assert back.locator("input[name=comment]").evaluate("el => !el.validity.valid")
    expect(page.locator(".badges .outgoing-state")).to_have_attribute("data-state", "submitted")
    desk.act("return", "Bổ sung căn cứ pháp lý vào phần mở đầu", state="returned")

    # The specialist sees the comment, cannot resubmit as is, uploads version 2 and submits.
    desk.sign_in("chuyenvien")
    desk.open(doc_id)
    expect(page.locator("#timeline")).to_contain_text("Bổ sung căn cứ pháp lý vào phần mở đầu")
    page.locator("#action-submit button[type=submit]").click()
    expect(page.locator("p.flash-error")).to_contain_text("hãy thêm phiên bản đã sửa")
    page.set_input_files("#version-file", {"name": "quyet-dinh-v2.pdf", "mimeType": "application/pdf",
                                           "buffer": _pdf(revision_note="Căn cứ Luật Tổ chức chính quyền địa phương")})
    page.fill("#version-note", "Đã bổ sung căn cứ")
    page.click("#version-button")
    expect(page.locator("p.flash-ok", has_text="Đã thêm phiên bản 2")).to_be_visible()
    expect(page.locator('tr.version[data-version="1"]')).to_contain_text("Hết hiệu lực (đã thay)")
    desk.act("submit", state="submitted")

    # The head approves; the clerk checks the form.
    desk.sign_in("truongvp")
    desk.open(doc_id)
    desk.act("approve", "Đồng ý trình ký", state="approved")
    desk.sign_in("vanthu")
    desk.open(doc_id)
    desk.act("check", state="checked")
    checks = page.locator("#form-checks li")
    expect(checks.first).to_be_visible()
    assert page.locator("#form-checks li.check-fail").count() == 0
    assert checks.count() >= 5 and "✓" in checks.first.inner_text()

    # The chairman signs: no certificate, a wet signature.
    desk.sign_in("chutich")
    desk.open(doc_id)
    assert desk.actions() == ["return", "sign"]
    desk.act("sign", state="signed")
    expect(page.locator("#signer")).to_contain_text("ký tay")

    # The clerk numbers and releases.
    desk.sign_in("vanthu")
    desk.open(doc_id)
    expect(page.locator("#signed-scan")).to_be_visible()   # a wet signature: the scan may be attached
    desk.act("number", state="numbered")
    expect(page.locator("#number-symbol")).to_have_text(re.compile(r"^\d{2}/QĐ-UBND$"))
    number_symbol = page.locator("#number-symbol").inner_text()
    assert number_symbol == "01/QĐ-UBND"   # the commune's first outgoing number this year
    desk.act("release", state="released")
    expect(page.locator(".badges .control")).to_have_text("Còn hiệu lực")
    deliveries = page.locator("#deliveries tr.delivery")
    expect(deliveries).to_have_count(2)
    expect(page.locator("#deliveries")).to_contain_text("Số đến 1/")

    # The timeline shows every step, with its version; version 1 is obsolete.
    records = page.locator("#timeline tr.record")
    steps = [(r.get_attribute("data-action"), r.get_attribute("data-version")) for r in records.all()]
    assert steps == [("create", "1"), ("submit", "1"), ("return", "1"), ("version", "2"), ("submit", "2"),
                     ("approve", "2"), ("check", "2"), ("sign", "2"), ("number", "2"), ("release", "2")]
    timeline = page.locator("#timeline").inner_text()
    for who in ("Lê Chuyên Viên", "Trần Trưởng Văn Phòng", "Phạm Thị Văn Thư", "Nguyễn Văn An"):
        assert who in timeline, who
    assert number_symbol in timeline and "Ký tay" in timeline
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", timeline)
    assert page.locator('tr.version[data-version="1"]').get_attribute("data-obsolete") == "yes"
    assert page.locator('tr.version[data-version="2"]').get_attribute("data-obsolete") == "no"
    assert desk.violations == []
