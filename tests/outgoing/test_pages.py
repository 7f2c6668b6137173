"""The outgoing documents' pages (Flask test client, signed in, real SQLite and blob store,
real PDFs read back with pypdf): each page for the right role, 403 for a role without it, 404
for another commune's document; only the allowed actions as buttons; a bad form value shown
next to its field with what was typed kept; the drafting, returning, new version and steps
through the pages; the file served inline; the settings and retention schedule; the home
count and the incoming page's replies.

Bad inputs tried: no type, a type not in Decree 30's list, an empty abstract, no recipient,
a number of copies that is not a number, a text file as the draft, a drafting unit of another
commune, a return without a comment, a submit after a return without a new version, an
unknown file name (``v9.pdf``, ``x``), a bad e-mail address and a bad retention period in
the settings, an unknown issuing body."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from docsvc.outgoing import drafts, services as outgoing
from docsvc.outgoing.reading import get_outgoing
from tests.conftest import csrf_token, login

ISSUER = "Ủy ban nhân dân xã A"


@pytest.fixture
def people(services, accounts):
    """Commune A with its office VP-A (a department that drafts), the office's head, the
    commune's chairman (signs), clerk, archivist, a viewer and an administrator; a
    specialist of commune B."""
    from docsvc.accounts.services import create_unit

    with services.session_factory() as db:
        create_unit(services, db, accounts.system, "VP-A", "Văn phòng xã A", parent_code="XA-A", kind="department")
        db.commit()
    accounts.user("cv", "specialist", unit="VP-A", full_name="Lê Chuyên Viên")
    accounts.user("cvxa", "specialist", unit="XA-A", full_name="Đỗ Chuyên Viên Xã")
    accounts.user("tp", "leader", unit="VP-A", full_name="Trần Trưởng Phòng")
    accounts.user("ct", "leader", unit="XA-A", clearance=3, full_name="Nguyễn Văn An")
    accounts.user("vt", "clerk", unit="XA-A", clearance=1, full_name="Phạm Văn Thư")
    accounts.user("lt", "archivist", unit="XA-A", full_name="Hồ Lưu Trữ")
    accounts.user("xem", "viewer", unit="XA-A")
    accounts.user("qt", "admin", unit="XA-A", clearance=3)
    accounts.user("cvb", "specialist", unit="XA-B", full_name="Người Xã B")
    return accounts


def _pdf(**kw) -> bytes:
    return drafts.decision_pdf(issuer_name=ISSUER, place="A", signer_name="Nguyễn Văn An", **kw)


def _draft(services, accounts, who: str = "cv", **data) -> int:
    values = {"doc_type": "Quyết định", "abstract": drafts.DECISION_ABSTRACT, "recipients": "XA-B, Sở Tư pháp tỉnh",
              "signer": "ct", **data}
    return outgoing.create_draft(services, accounts.principal(who), values, _pdf(), "qd.pdf")["id"]


def _signed_in(client, accounts, name: str) -> str:
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, name, accounts.passwords[name])
    return csrf_token(client)


def _actions(page: str) -> list[str]:
    return re.findall(r'class="form inline action-form" id="action-(\w+)"', page)


def test_each_page_for_the_right_role_the_wrong_role_and_another_commune(client, services, people):
    doc_id = _draft(services, people)
    _signed_in(client, people, "cv")
    assert client.get("/outgoing/").status_code == 200
    assert client.get("/outgoing/?tab=all").status_code == 200
    assert client.get("/outgoing/?state=draft").status_code == 200
    assert client.get("/outgoing/?state=no-such-state").status_code == 400
    assert client.get("/outgoing/new").status_code == 200
    page = client.get(f"/outgoing/{doc_id}")
    assert page.status_code == 200 and "chưa có số" in page.get_data(as_text=True)
    pdf = client.get(f"/outgoing/{doc_id}/files/v1.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("inline")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "QUYẾT ĐỊNH" in text
    original = client.get(f"/outgoing/{doc_id}/files/v1")
    assert original.status_code == 200 and original.data == pdf.data
    for missing in ("v9.pdf", "x", "signed", "history"):
        assert client.get(f"/outgoing/{doc_id}/files/{missing}").status_code == 404, missing
    assert client.get("/admin/outgoing").status_code == 403   # a specialist configures nothing

    _signed_in(client, people, "vt")   # a clerk reads but does not draft
    assert client.get(f"/outgoing/{doc_id}").status_code == 200
    assert client.get("/outgoing/new").status_code == 403

    _signed_in(client, people, "xem")  # a viewer has no outgoing documents at all
    for url in ("/outgoing/", f"/outgoing/{doc_id}", f"/outgoing/{doc_id}/files/v1.pdf"):
        assert client.get(url).status_code == 403, url

    _signed_in(client, people, "cvb")  # another commune: the document looks absent
    assert client.get(f"/outgoing/{doc_id}").status_code == 404
    assert client.get(f"/outgoing/{doc_id}/files/v1.pdf").status_code == 404
    assert str(doc_id) not in re.findall(r'data-id="(\d+)"', client.get("/outgoing/?tab=all").get_data(as_text=True))

    _signed_in(client, people, "qt")
    assert client.get("/admin/outgoing").status_code == 200


def test_the_buttons_are_the_allowed_actions_only(client, services, people):
    doc_id = _draft(services, people)
    _signed_in(client, people, "cv")
    page = client.get(f"/outgoing/{doc_id}").get_data(as_text=True)
    assert _actions(page) == ["submit"] and 'id="version-form"' in page
    for name, actions in {"tp": [], "ct": [], "vt": ["withdraw"], "lt": []}.items():
        _signed_in(client, people, name)
        page = client.get(f"/outgoing/{doc_id}").get_data(as_text=True)
        assert _actions(page) == actions, name
        assert 'id="version-form"' not in page
    outgoing.transition(services, people.principal("cv"), doc_id, "submit")
    expected = {"cv": [], "tp": ["approve", "return"], "ct": ["approve", "return"], "vt": ["withdraw"], "lt": []}
    for name, actions in expected.items():
        _signed_in(client, people, name)
        page = client.get(f"/outgoing/{doc_id}").get_data(as_text=True)
        assert _actions(page) == actions, name
        if "return" in actions:   # a return needs its comment
            form = page.split('id="action-return"')[1].split("</form>")[0]
            assert re.search(r'<input name="comment"[^>]*required', form)


def test_a_bad_value_is_shown_next_to_its_field_and_what_was_typed_is_kept(client, services, people):
    token = _signed_in(client, people, "cv")
    typed = {"csrf_token": token, "doc_type": "Quyết định", "abstract": "Về việc thành lập tổ công tác",
             "recipients": "XA-B, Sở Nội vụ", "signer": "ct", "secrecy": "0", "urgency": "khan", "copies": "5"}
    pdf = _pdf()
    cases = [
        ({"doc_type": ""}, "doc_type", "Chọn loại văn bản"),
        ({"doc_type": "Thư tay"}, "doc_type", "không có trong danh mục"),
        ({"abstract": "  "}, "abstract", "Hãy ghi trích yếu"),
        ({"recipients": " , "}, "recipients", "Ghi ít nhất một nơi nhận"),
        ({"copies": "năm"}, "copies", "Số bản phát hành là số nguyên"),
        ({"drafting_unit": "XA-B"}, "drafting_unit", "Bạn chỉ soạn văn bản cho đơn vị của mình"),
    ]
    for change, field, message in cases:
        data = {**typed, **change, "file": (io.BytesIO(pdf), "qd.pdf")}
        answer = client.post("/outgoing/new", data=data, content_type="multipart/form-data")
        page = answer.get_data(as_text=True)
        assert answer.status_code in (400, 403), (field, answer.status_code)
        error = re.search(rf'<span class="field-error" id="error-{field}" role="alert">([^<]+)</span>', page)
        assert error and message in error.group(1), (field, page[:300])
        assert re.search(rf'id="f-{field}"[^>]*autofocus', page), field
        kept = {k: v for k, v in typed.items() if k not in change and k != "csrf_token"}
        assert f'value="{kept["recipients"]}"' in page if "recipients" in kept else True
        if "abstract" in kept:
            assert f'>{kept["abstract"]}</textarea>' in page
        assert '<option value="ct" selected>' in page and '<option value="khan" selected>' in page
    answer = client.post("/outgoing/new", data={**typed, "file": (io.BytesIO(b"just text"), "notes.txt")},
                         content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'id="error-file"' in page and f'>{typed["abstract"]}</textarea>' in page
    answer = client.post("/outgoing/new", data=typed)   # no file at all
    assert answer.status_code == 400 and 'id="error-file"' in answer.get_data(as_text=True)
    assert client.get("/outgoing/?tab=all").get_data(as_text=True).count('class="outgoing-row"') == 0


def test_draft_return_new_version_and_steps_through_the_pages(client, services, people):
    token = _signed_in(client, people, "cv")
    form = client.get("/outgoing/new").get_data(as_text=True)
    assert '<option value="ct">' in form and '<option value="tp">' not in form   # only the body's leaders sign
    assert '<option value="XA-B">' in form and 'autofocus' in form.split('id="f-doc_type"')[1].split(">")[0]
    assert '<option value="VP-A" selected>' in form
    made = client.post("/outgoing/new", data={
        "csrf_token": token, "doc_type": "Quyết định", "abstract": drafts.DECISION_ABSTRACT,
        "recipients": "XA-B, Sở Tư pháp tỉnh", "signer": "ct", "secrecy": "0", "urgency": "normal",
        "drafting_unit": "VP-A", "file": (io.BytesIO(_pdf()), "qd-v1.pdf")}, content_type="multipart/form-data")
    assert made.status_code == 302
    doc_id = int(re.search(r"/outgoing/(\d+)$", made.headers["Location"]).group(1))
    page = client.get(f"/outgoing/{doc_id}").get_data(as_text=True)
    assert "Đã tạo dự thảo (phiên bản 1)" in page and 'data-state="draft"' in page
    sent = client.post(f"/outgoing/{doc_id}/transition", data={"csrf_token": token, "action": "submit"})
    assert sent.status_code == 302

    token = _signed_in(client, people, "tp")
    refused = client.post(f"/outgoing/{doc_id}/transition", data={"csrf_token": token, "action": "return",
                                                                   "comment": ""}, follow_redirects=True)
    assert "Hãy ghi ý kiến" in refused.get_data(as_text=True)
    assert get_outgoing(services, people.principal("tp"), doc_id)["state"] == "submitted"
    client.post(f"/outgoing/{doc_id}/transition", data={"csrf_token": token, "action": "return",
                                                         "comment": "Sửa căn cứ pháp lý"})

    token = _signed_in(client, people, "cv")
    page = client.get(f"/outgoing/{doc_id}").get_data(as_text=True)
    assert 'data-state="returned"' in page and "Sửa căn cứ pháp lý" in page
    again = client.post(f"/outgoing/{doc_id}/transition", data={"csrf_token": token, "action": "submit"},
                        follow_redirects=True).get_data(as_text=True)
    assert "hãy thêm phiên bản đã sửa" in again
    added = client.post(f"/outgoing/{doc_id}/versions", data={
        "csrf_token": token, "note": "Bổ sung căn cứ",
        "file": (io.BytesIO(_pdf(revision_note="Căn cứ Luật Tổ chức chính quyền địa phương")), "qd-v2.pdf")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Đã thêm phiên bản 2" in added
    versions = dict(re.findall(r'data-version="(\d)" data-obsolete="(yes|no)"', added))
    assert versions == {"1": "yes", "2": "no"}
    assert added.count("Hết hiệu lực (đã thay)") == 1
    client.post(f"/outgoing/{doc_id}/transition", data={"csrf_token": token, "action": "submit"})

    token = _signed_in(client, people, "tp")
    client.post(f"/outgoing/{doc_id}/transition", data={"csrf_token": token, "action": "approve", "comment": "Đồng ý"})
    token = _signed_in(client, people, "vt")
    page = client.post(f"/outgoing/{doc_id}/transition", data={"csrf_token": token, "action": "check"},
                       follow_redirects=True).get_data(as_text=True)
    checks = re.findall(r'<li class="check-(ok|fail)" data-code="(\w+)">', page)
    assert checks and all(ok == "ok" for ok, _code in checks), checks
    assert "✓" in page and 'data-state="checked"' in page
    timeline = page.split('id="timeline"')[1].split("</section>")[0]
    steps = re.findall(r'<tr class="record" data-action="(\w+)" data-version="(\d*)">', timeline)
    assert steps == [("create", "1"), ("submit", "1"), ("return", "1"), ("version", "2"), ("submit", "2"),
                     ("approve", "2"), ("check", "2")]
    assert "Trần Trưởng Phòng" in timeline and "Lãnh đạo" in timeline and "Văn thư" in timeline
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", timeline)


def test_a_docx_without_libreoffice_shows_the_conversion_note(client, services, people, monkeypatch):
    monkeypatch.setenv("DOCSVC_SOFFICE", "no-such-office-program")
    token = _signed_in(client, people, "cv")
    made = client.post("/outgoing/new", data={
        "csrf_token": token, "doc_type": "Quyết định", "abstract": drafts.DECISION_ABSTRACT, "recipients": "XA-B",
        "file": (io.BytesIO(drafts.decision_docx(issuer_name=ISSUER)), "qd.docx")}, content_type="multipart/form-data")
    assert made.status_code == 302
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert 'id="conversion-note"' in page and 'id="current-pdf"' not in page
    doc_id = int(made.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/outgoing/{doc_id}/files/v1.pdf").status_code == 404
    docx = client.get(f"/outgoing/{doc_id}/files/v1")
    assert docx.status_code == 200 and docx.data[:2] == b"PK" and docx.headers["Content-Disposition"].startswith(
        "attachment")


def test_settings_and_retention_schedule(client, services, people):
    token = _signed_in(client, people, "qt")
    page = client.get("/admin/outgoing?unit=XA-A").get_data(as_text=True)
    assert 'id="not-configured"' in page and 'value="UBND"' in page
    assert client.get("/admin/outgoing?unit=NO-SUCH").status_code == 400
    bad = client.post("/admin/outgoing", data={"csrf_token": token, "unit": "XA-A", "abbr": "UBND",
                                               "place": "Tân Phú", "exchange_email": "not-an-address"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="error-exchange_email"' in page and 'value="not-an-address"' in page
    assert 'value="Tân Phú"' in page
    good = client.post("/admin/outgoing", data={"csrf_token": token, "unit": "XA-A", "abbr": "UBND",
                                                "place": "Tân Phú", "legal_unit": "VP-A",
                                                "exchange_email": "lienthong@example.vn"}, follow_redirects=True)
    page = good.get_data(as_text=True)
    assert "Đã lưu cấu hình văn bản đi" in page and 'id="not-configured"' not in page
    assert '<option value="VP-A" selected>' in page and 'value="lienthong@example.vn"' in page
    bad = client.post("/admin/outgoing/retention", data={"csrf_token": token, "doc_type": "Quyết định",
                                                         "retention": "mãi mãi"})
    assert bad.status_code == 400 and 'id="error-retention"' in bad.get_data(as_text=True)
    good = client.post("/admin/outgoing/retention", data={"csrf_token": token, "doc_type": "Công văn",
                                                          "retention": "10", "basis": "Thông tư 10/2022/TT-BNV"},
                       follow_redirects=True).get_data(as_text=True)
    row = good.split('data-type="Công văn"')[1].split("</tr>")[0]
    assert "10 năm" in row and "Thông tư 10/2022/TT-BNV" in row


def test_home_count_nav_and_the_incoming_page_replies(client, services, people):
    from docsvc.incoming.services import register_incoming
    from tests.incoming.conftest import typed

    incoming_id = register_incoming(services, people.principal("vt"),
                                    typed(abstract="Đề nghị báo cáo số hóa"))["id"]
    _signed_in(client, people, "cvxa")
    home = client.get("/").get_data(as_text=True)
    assert 'id="home-outgoing-waiting">0<' in home and 'href="/outgoing/"' in home
    page = client.get(f"/incoming/{incoming_id}").get_data(as_text=True)
    assert f'href="/outgoing/new?in_reply_to={incoming_id}"' in page and "Chưa có văn bản trả lời" in page
    form = client.get(f"/outgoing/new?in_reply_to={incoming_id}").get_data(as_text=True)
    assert 'id="reply-to"' in form and "Đề nghị báo cáo số hóa" in form and f'value="{incoming_id}"' in form
    doc_id = _draft(services, people, who="cvxa", in_reply_to=str(incoming_id), drafting_unit="XA-A")
    home = client.get("/").get_data(as_text=True)
    assert 'id="home-outgoing-waiting">1<' in home
    page = client.get(f"/incoming/{incoming_id}").get_data(as_text=True)
    assert f'href="/outgoing/{doc_id}"' in page
    assert f'href="/incoming/{incoming_id}"' in client.get(f"/outgoing/{doc_id}").get_data(as_text=True)
    _signed_in(client, people, "vt")   # a clerk reads the replies but drafts none
    page = client.get(f"/incoming/{incoming_id}").get_data(as_text=True)
    assert f'href="/outgoing/{doc_id}"' in page and "in_reply_to=" not in page
    _signed_in(client, people, "xem")
    assert 'href="/outgoing/"' not in client.get("/").get_data(as_text=True)


STEPS = (("submit", "cv"), ("approve", "tp"), ("check", "vt"), ("sign", "ct"), ("number", "vt"), ("release", "vt"))


def _through(services, people, doc_id: int, until: str) -> dict:
    """Take the steps of the process with the right people, up to ``until`` included."""
    for action, who in STEPS:
        doc = outgoing.transition(services, people.principal(who), doc_id, action)
        if action == until:
            return doc
    raise AssertionError(until)


def test_signed_scan_filing_and_the_history_file(client, services, people):
    doc_id = _draft(services, people)
    _through(services, people, doc_id, "sign")
    token = _signed_in(client, people, "vt")
    page = client.get(f"/outgoing/{doc_id}").get_data(as_text=True)
    assert 'id="scan-form"' in page and _actions(page) == ["number", "withdraw"]
    refused = client.post(f"/outgoing/{doc_id}/signed-scan", data={
        "csrf_token": token, "file": (io.BytesIO(drafts.decision_docx()), "scan.docx")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "phải là tệp PDF" in refused
    scan = _pdf(number="01")
    done = client.post(f"/outgoing/{doc_id}/signed-scan", data={
        "csrf_token": token, "file": (io.BytesIO(scan), "ban-quet.pdf")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Đã đính kèm bản quét" in done and 'id="download-signed"' in done
    assert client.get(f"/outgoing/{doc_id}/files/signed").data == scan
    client.post(f"/outgoing/{doc_id}/transition", data={"csrf_token": token, "action": "number"})
    client.post(f"/outgoing/{doc_id}/transition", data={"csrf_token": token, "action": "release"})
    assert client.get(f"/outgoing/{doc_id}/files/released").data == scan
    page = client.get(f"/outgoing/{doc_id}").get_data(as_text=True)
    assert 'id="scan-form"' not in page and _actions(page) == []

    token = _signed_in(client, people, "lt")
    page = client.get(f"/outgoing/{doc_id}").get_data(as_text=True)
    assert _actions(page) == ["file"]
    filed = client.post(f"/outgoing/{doc_id}/transition", data={"csrf_token": token, "action": "file"},
                        follow_redirects=True).get_data(as_text=True)
    assert 'data-state="filed"' in filed and 'id="download-history"' in filed and "Thời hạn bảo quản" in filed
    history = client.get(f"/outgoing/{doc_id}/files/history")
    assert history.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(history.data)).pages)
    assert "01/QĐ-UBND" in text


def test_a_later_decision_replaces_an_issued_one_and_both_pages_say_so(client, services, people):
    earlier = _draft(services, people)
    _through(services, people, earlier, "release")
    later = _draft(services, people, abstract="Về việc kiện toàn Tổ công tác số hóa")
    token = _signed_in(client, people, "cv")
    page = client.get(f"/outgoing/{later}").get_data(as_text=True)
    form = page.split('id="link-form"')[1].split("</form>")[0]
    assert f'<option value="{earlier}">01/QĐ-UBND' in form
    assert client.post(f"/outgoing/{later}/links", data={"csrf_token": token, "earlier": str(earlier),
                                                           "kind": "sideways"}, follow_redirects=True
                       ).get_data(as_text=True).count("Quan hệ là sửa đổi") == 1
    client.post(f"/outgoing/{later}/links", data={"csrf_token": token, "earlier": str(earlier), "kind": "replaces"})
    page = client.get(f"/outgoing/{later}").get_data(as_text=True)
    assert f'<li class="link-forward" data-id="{earlier}">Thay thế' in page
    again = client.post(f"/outgoing/{later}/links", data={"csrf_token": token, "earlier": str(earlier),
                                                           "kind": "replaces"}, follow_redirects=True)
    assert "đã được liên kết" in again.get_data(as_text=True)
    before = client.get(f"/outgoing/{earlier}").get_data(as_text=True)
    assert 'data-control="in_force"' in before and "Còn hiệu lực" in before
    _through(services, people, later, "release")
    after = client.get(f"/outgoing/{earlier}").get_data(as_text=True)
    assert 'data-control="replaced"' in after and "Đã bị thay thế" in after
    assert f'<li class="link-back" data-id="{later}">Bị thay thế bởi' in after
    listed = client.get("/outgoing/?tab=all").get_data(as_text=True)
    row = listed.split(f'data-id="{earlier}"')[1].split("</tr>")[0]
    assert "Đã bị thay thế" in row
    searched = client.get("/outgoing/?q=02/QĐ").get_data(as_text=True)
    assert re.findall(r'class="outgoing-row" data-id="(\d+)"', searched) == [str(later)]


def test_the_outgoing_register_page_and_its_printed_files(client, services, people):
    """Tried: a year that is not a year (400, named), the secret book for a reader (empty)."""
    from openpyxl import load_workbook

    first = _draft(services, people)
    _through(services, people, first, "release")
    second = _draft(services, people, abstract="Về việc kiện toàn Tổ công tác số hóa")
    _through(services, people, second, "number")
    _signed_in(client, people, "vt")
    page = client.get("/outgoing/register").get_data(as_text=True)
    rows = re.findall(r'<tr class="register-row" data-id="(\d+)">', page)
    assert rows == [str(first), str(second)]
    first_row = page.split(f'data-id="{first}"')[1].split("</tr>")[0]
    assert "01/QĐ-UBND" in first_row and "Quyết định" in first_row and "Ủy ban nhân dân xã B" in first_row
    assert re.search(r"\d{2}/\d{2}/\d{4}", first_row)
    assert 'id="register-pdf"' in page and 'id="register-xlsx"' in page
    assert client.get("/outgoing/register?year=hai-nghin").status_code == 400
    secret = client.get("/outgoing/register?secret=1").get_data(as_text=True)
    assert 'id="register-empty"' in secret
    pdf = client.get("/outgoing/register.pdf")
    assert pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "01/QĐ-UBND" in text and "02/QĐ-UBND" in text
    xlsx = client.get("/outgoing/register.xlsx")
    assert xlsx.headers["Content-Disposition"].startswith("attachment")
    cells = {c.value for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows() for c in row}
    assert {"01/QĐ-UBND", "02/QĐ-UBND"} <= cells
    _signed_in(client, people, "xem")
    assert client.get("/outgoing/register").status_code == 403
    _signed_in(client, people, "cvb")   # commune B's own (empty) book, not commune A's
    assert re.findall(r'class="register-row"', client.get("/outgoing/register").get_data(as_text=True)) == []
    assert client.get("/outgoing/register?office=XA-A").status_code == 404
