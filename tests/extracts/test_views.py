"""The extract pages over HTTP (Flask test client, real SQLite, blob store and signatures):
issuing from the form, the extract page and its PDF, revoking, today's list and the year's
register (PDF and XLSX read back), the one-stop desk's search, who may do what, and the
public verification page.

Bad inputs tried: an empty requester, "ba" and 0 copies, a signer not on the list (each shown
again with the message beside the field and nothing typed lost), a keyed and a disputed-like
unverified entry, a clerk, a viewer, a leader issuing, an officer of another office, a revoke
without a reason and a second revoke, a date that does not exist in the desk's box
(31/02/2024), unknown and malformed verification codes, a PDF changed by one byte, an empty
upload, a 21 MB upload, a POST without a CSRF token, a client past the rate limit (also
behind a forged X-Forwarded-For)."""

from __future__ import annotations

import hashlib
import io
import json
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from archive.audit import AuditRecord
from docsvc import create_app
from docsvc.dates import local_now
from docsvc.extracts import services as extracts
from docsvc.extracts.desk import split_query
from docsvc.extracts.rules import ExtractInvalid
from tests.conftest import csrf_token, login

# What the verification page must never show: the entry's personal fields (Office.entry).
PERSONAL = ("Nguyễn Văn An", "Nguyen Van An", "01/03/2024", "2024-03-01", "Lê Thị Bình", "Nguyễn Văn Cường",
            "Trạm y tế xã A", "Kinh", "001099012345", "Trần Văn Yêu Cầu", "Phạm Thu Một Cửa")


def _client(app, accounts, username, *, purpose: str | None = None):
    client = app.test_client()
    login(client, username, accounts.passwords[username])
    if purpose:
        client.post("/purpose", data={"purpose": purpose, "csrf_token": csrf_token(client)})
    return client


def _form(client, **values):
    data = {"requester": "Trần Văn Yêu Cầu", "id_paper": "CCCD 001099012345", "copies": "1",
            "purpose": "cha đẻ, làm hồ sơ nhập học", "csrf_token": csrf_token(client)}
    data.update(values)
    return data


def _year(services) -> int:
    return local_now(services.settings.time_zone).year


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_one_stop_officer_issues_from_the_form_and_prints_the_pdf(app, services, office):
    entry = office.entry()
    client = _client(app, office.accounts, "motcua")
    form = client.get(f"/civil/entries/{entry['id']}/extract")
    page = form.get_data(as_text=True)
    assert form.status_code == 200
    assert re.search(r'<input name="requester"[^>]*autofocus', page)
    assert '<option value="chutich"' in page and "CHỦ TỊCH — Nguyễn Văn Chủ" in page
    assert 'name="copies"' in page and 'value="1"' in page

    sent = client.post(f"/civil/entries/{entry['id']}/extract", data=_form(client, copies="2"))
    assert sent.status_code == 302
    extract_id = int(re.search(r"/extracts/(\d+)$", sent.headers["Location"]).group(1))
    shown = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Đã cấp trích lục số 1/TLKS-BS." in shown
    assert '<span id="extract-number">1/TLKS-BS</span>' in shown and "Có hiệu lực" in shown
    assert f'href="/extracts/{extract_id}/pdf"' in shown and "In trích lục" in shown
    found = extracts.get_extract(services, office.p("motcua"), extract_id)
    assert found["copies"] == 2 and found["requester"] == "Trần Văn Yêu Cầu"
    assert found["purpose"] == "cha đẻ, làm hồ sơ nhập học"
    assert found["verify_url"] in shown and 'id="revoke"' not in shown  # one-stop may not revoke

    pdf = client.get(f"/extracts/{extract_id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'inline; filename="trich-luc-1-TLKS-BS.pdf"'
    assert hashlib.sha256(pdf.data).hexdigest() == found["pdf_sha256"]
    assert pdf.data.startswith(b"%PDF") and "1/TLKS-BS" in _pdf_text(pdf.data)

    with services.session_factory() as db:
        seen = [(r.actor, r.details["what"], r.details["purpose"]) for r in db.scalars(
            select(AuditRecord).where(AuditRecord.action == "person.read", AuditRecord.object_type == "extract")
            .order_by(AuditRecord.seq))]
    assert ("motcua", "extract_issue", "extract_request") in seen
    assert ("motcua", "extract_pdf", "extract_request") in seen
    assert seen.count(("motcua", "extract", "extract_request")) >= 2  # the page, each time it is shown


def test_a_refused_form_is_shown_again_with_the_message_beside_the_field(app, services, office):
    entry = office.entry()
    client = _client(app, office.accounts, "motcua")
    url = f"/civil/entries/{entry['id']}/extract"
    for values, field, status, message in (
            ({"requester": "  "}, "requester", 400, "Trường này không được để trống."),
            ({"copies": "ba"}, "copies", 400, "Số bản sao phải là số nguyên."),
            ({"copies": "0"}, "copies", 400, "Số bản sao từ 1 đến 50."),
            ({"signer": "hotich"}, "signer", 409, "hotich không có trong danh sách người ký")):
        answer = client.post(url, data=_form(client, id_paper="CMND 012345678", purpose="mẹ đẻ", **values))
        page = answer.get_data(as_text=True)
        assert answer.status_code == status, values
        assert re.search(rf'id="error-{field}" role="alert">[^<]*{re.escape(message)}', page), values
        assert 'value="CMND 012345678"' in page and 'value="mẹ đẻ"' in page  # nothing typed is lost
    keyed = office.entry("Chưa Kiểm Tra", verified=False)
    form = client.get(f"/civil/entries/{keyed['id']}/extract")
    assert form.status_code == 409 and 'id="issue-blocked"' in form.get_data(as_text=True)
    assert 'name="requester"' not in form.get_data(as_text=True)
    refused = client.post(f"/civil/entries/{keyed['id']}/extract", data=_form(client))
    assert refused.status_code == 409
    assert "chỉ cấp trích lục từ mục đã kiểm tra" in refused.get_data(as_text=True)
    # None of these used a number.
    issued = client.post(url, data=_form(client))
    assert "1/TLKS-BS" in client.get(issued.headers["Location"]).get_data(as_text=True)


def test_the_entry_page_offers_the_extract_only_where_it_can_be_issued(app, services, office):
    verified, keyed = office.entry(), office.entry("Chưa Kiểm Tra", verified=False)
    officer = _client(app, office.accounts, "hotich", purpose="extract_request")
    page = officer.get(f"/civil/entries/{verified['id']}").get_data(as_text=True)
    assert f'id="issue-extract" href="/civil/entries/{verified["id"]}/extract"' in page
    page = officer.get(f"/civil/entries/{keyed['id']}").get_data(as_text=True)
    assert 'id="issue-extract"' not in page and "mục chưa được kiểm tra, xác nhận" in page
    leader = _client(app, office.accounts, "chutich", purpose="verification")
    page = leader.get(f"/civil/entries/{verified['id']}").get_data(as_text=True)
    assert 'id="issue-extract"' not in page and 'id="extract-blocked"' not in page
    # The entry page still asks for a purpose first.
    asked = _client(app, office.accounts, "motcua").get(f"/civil/entries/{verified['id']}")
    assert asked.status_code == 302 and "/purpose?next=" in asked.headers["Location"]


def test_who_may_do_what(app, services, office, accounts):
    entry = office.entry()
    issued = office.issue(entry["id"])
    accounts.user("xem", "viewer", unit="XA-A")
    clerk, viewer = _client(app, accounts, "vanthu"), _client(app, accounts, "xem")
    for client in (clerk, viewer):
        for url in ("/extracts", f"/extracts/{issued['id']}", f"/extracts/{issued['id']}/pdf",
                    f"/civil/entries/{entry['id']}/extract", "/extracts/find?q=an", "/extracts/register",
                    "/extracts/office"):
            assert client.get(url).status_code == 403, url
        assert client.post(f"/extracts/{issued['id']}/revoke",
                           data={"reason": "x", "csrf_token": csrf_token(client)}).status_code == 403
    leader = _client(app, accounts, "chutich")
    assert leader.get(f"/extracts/{issued['id']}").status_code == 200
    assert leader.get(f"/civil/entries/{entry['id']}/extract").status_code == 403
    assert leader.post(f"/civil/entries/{entry['id']}/extract", data=_form(leader)).status_code == 403
    admin = _client(app, accounts, "quantri")
    assert admin.get(f"/extracts/{issued['id']}").status_code == 403
    # Another office's officer: the extract and the entry do not exist for them.
    other = _client(app, accounts, "hotichb")
    for url in (f"/extracts/{issued['id']}", f"/extracts/{issued['id']}/pdf", f"/civil/entries/{entry['id']}/extract"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/extracts/{issued['id']}/revoke",
                      data={"reason": "sai", "csrf_token": csrf_token(other)}).status_code == 404
    assert other.post(f"/civil/entries/{entry['id']}/extract", data=_form(other)).status_code == 404
    assert "1/TLKS-BS" not in other.get("/extracts").get_data(as_text=True)
    assert extracts.get_extract(services, office.p("motcua"), issued["id"])["status"] == "genuine"


def test_revoking_from_the_page(app, services, office):
    issued = office.issue(office.entry()["id"])
    leader = _client(app, office.accounts, "chutich")
    url = f"/extracts/{issued['id']}"
    assert 'id="revoke"' in leader.get(url).get_data(as_text=True)
    empty = leader.post(f"{url}/revoke", data={"reason": " ", "csrf_token": csrf_token(leader)})
    assert empty.status_code == 400 and "Trường này không được để trống." in empty.get_data(as_text=True)
    done = leader.post(f"{url}/revoke", data={"reason": "Ghi sai tên mẹ", "csrf_token": csrf_token(leader)})
    assert done.status_code == 302
    page = leader.get(url).get_data(as_text=True)
    assert "Đã thu hồi" in page and "Ghi sai tên mẹ" in page and 'id="revoke"' not in page
    again = leader.post(f"{url}/revoke", data={"reason": "lần hai", "csrf_token": csrf_token(leader)})
    assert again.status_code == 409 and "đã bị thu hồi trước đó" in again.get_data(as_text=True)


def test_today_and_the_register_printed_as_pdf_and_xlsx(app, services, office):
    first = office.issue(office.entry()["id"], requester="Trần Văn Yêu Cầu")
    second = office.issue(office.entry("Lò Thị Mai")["id"], requester="Lò Văn Páo", copies=3)
    extracts.revoke_extract(services, office.p("chutich"), second["id"], reason="Cấp nhầm người")
    client = _client(app, office.accounts, "motcua")
    today = client.get("/extracts").get_data(as_text=True)
    assert "1/TLKS-BS" in today and "2/TLKS-BS" in today and "Lò Văn Páo" in today and "Đã thu hồi" in today
    assert f'href="/extracts/{first["id"]}"' in today and 'href="/extracts"' in today  # the menu entry
    year = _year(services)
    register = client.get(f"/extracts/register?year={year}").get_data(as_text=True)
    assert "Trần Văn Yêu Cầu" in register and "Cấp nhầm người" in register
    assert f'href="/extracts/register/{year}.pdf"' in register and f'href="/extracts/register/{year}.xlsx"' in register

    pdf = client.get(f"/extracts/register/{year}.pdf")
    assert pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    assert "1/TLKS-BS" in text and "2/TLKS-BS" in text and "Lò Văn Páo" in text
    assert text.count("ĐÃ THU HỒI") == 1 and "Cấp nhầm người" in text  # once, not twice
    xlsx = client.get(f"/extracts/register/{year}.xlsx")
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    cells = [str(c) for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert "1/TLKS-BS" in cells and "2/TLKS-BS" in cells and "Trần Văn Yêu Cầu" in cells
    empty = client.get(f"/extracts/register?year={year - 1}").get_data(as_text=True)
    assert "Năm này chưa cấp trích lục nào." in empty

    # A leader of the committee above the wards sees the wards' extracts of the day and
    # chooses a ward's register by its code (their own unit's is empty); an office outside
    # their units does not exist for the ward's officer.
    office.accounts.user("lanhdao", "leader", unit="UBND", full_name="Lãnh Đạo")
    above = _client(app, office.accounts, "lanhdao")
    assert "1/TLKS-BS" in above.get("/extracts").get_data(as_text=True)
    assert "1/TLKS-BS" not in above.get("/extracts?office=XA-B").get_data(as_text=True)
    assert "Lò Văn Páo" not in above.get(f"/extracts/register?year={year}").get_data(as_text=True)
    assert "Lò Văn Páo" in above.get(f"/extracts/register?year={year}&office=XA-A").get_data(as_text=True)
    assert "Lò Văn Páo" in _pdf_text(above.get(f"/extracts/register/{year}.pdf?office=XA-A").data)
    assert client.get(f"/extracts/register?year={year}&office=XA-B").status_code == 404
    assert client.get("/extracts?office=KHONG-CO").status_code == 400


def test_the_desk_box_splits_the_name_from_the_birth_date():
    for typed, name, start, end in (("nguyen van an 01/03/2024", "nguyen van an", "2024-03-01", "2024-03-01"),
                                    ("Nguyễn Văn An 1/3/2024", "Nguyễn Văn An", "2024-03-01", "2024-03-01"),
                                    ("1/3/2024 nguyen van an", "nguyen van an", "2024-03-01", "2024-03-01"),
                                    ("le thi thu 1990", "le thi thu", "1990-01-01", "1990-12-31"),
                                    ("le thi thu 02/1990,", "le thi thu", "1990-02-01", "1990-02-28")):
        query = split_query(typed)
        assert (query.name, query.born.start.isoformat(), query.born.end.isoformat()) == (name, start, end), typed
    assert split_query("nguyen van an").born is None
    with pytest.raises(ExtractInvalid):
        split_query("nguyen van an 31/02/2024")


def test_the_one_stop_officer_finds_the_entry_by_name_and_birth_date(app, services, office):
    wanted = office.entry("Nguyễn Văn An")
    other_day = office.entry("Nguyễn Văn An", date_of_birth="02/03/2024")
    keyed = office.entry("Nguyễn Văn An", verified=False)
    stranger = office.entry("Hoàng Thị Lan")
    client = _client(app, office.accounts, "motcua")
    home = client.get("/").get_data(as_text=True)
    assert 'action="/extracts/find"' in home and 'id="desk-q"' in home
    for typed in ("nguyen van an 01/03/2024", "Nguyễn Văn An 1/3/2024", "NGUYEN VAN AN 1/3/2024"):
        page = client.get("/extracts/find", query_string={"q": typed}).get_data(as_text=True)
        rows = dict(re.findall(r'data-entry="(\d+)">(.*?)</tr>', page, re.S))
        assert set(rows) == {str(wanted["id"]), str(keyed["id"])}, typed
        assert f'href="/civil/entries/{wanted["id"]}/extract"' in rows[str(wanted["id"])]
        assert "/extract\"" not in rows[str(keyed["id"])] and "Chưa cấp được" in rows[str(keyed["id"])]
    year = client.get("/extracts/find", query_string={"q": "nguyen van an 2024"}).get_data(as_text=True)
    assert {str(other_day["id"]), str(wanted["id"])} <= set(re.findall(r'data-entry="(\d+)"', year))
    assert str(stranger["id"]) not in re.findall(r'data-entry="(\d+)"', year)
    bad = client.get("/extracts/find", query_string={"q": "nguyen van an 31/02/2024"})
    assert bad.status_code == 400 and "không có thật" in bad.get_data(as_text=True)
    with services.session_factory() as db:
        searches = [r.details for r in db.scalars(select(AuditRecord).where(
            AuditRecord.action == "person.read", AuditRecord.actor == "motcua", AuditRecord.object_type == "search"))]
    assert searches and all(d["purpose"] == "extract_request" for d in searches)
    clerk = _client(app, office.accounts, "vanthu")
    assert 'id="desk-q"' not in clerk.get("/").get_data(as_text=True)


def test_the_administrator_configures_the_office(app, services, office):
    admin = _client(app, office.accounts, "quantri")
    page = admin.get("/extracts/office?office=XA-A").get_data(as_text=True)
    assert 'id="place" maxlength="200" value="Xã A"' in page  # made from "Ủy ban nhân dân xã A"
    assert "CHỦ TỊCH" in page and "Nguyễn Văn Chủ" in page and 'class="certificate"' in page
    assert "/extracts/office" in admin.get("/admin/").get_data(as_text=True)
    saved = admin.post("/extracts/office", data={"office": "XA-A", "place": "Xã A", "heading": "UBND HUYỆN X\nUBND XÃ A",
                                                 "number_with_year": "1", "csrf_token": csrf_token(admin)})
    assert saved.status_code == 302
    bad = admin.post("/extracts/office/signers", data={"office": "XA-A", "username": "khongco", "title": "CHỦ TỊCH",
                                                       "csrf_token": csrf_token(admin)})
    assert bad.status_code == 400 and "Không có người dùng" in bad.get_data(as_text=True)
    admin.post("/extracts/office/signers", data={"office": "XA-A", "username": "hotich2",
                                                 "title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "csrf_token": csrf_token(admin)})
    admin.post("/extracts/office/signers", data={"office": "XA-A", "username": "chutich", "title": "CHỦ TỊCH",
                                                 "active": "0", "csrf_token": csrf_token(admin)})
    wrong = admin.post("/extracts/office/certificate", data={"office": "XA-A", "passphrase": "sai",
                                                             "p12": (io.BytesIO(b"not a p12"), "x.p12"),
                                                             "csrf_token": csrf_token(admin)})
    assert wrong.status_code == 400
    issued = office.issue(office.entry()["id"])
    assert issued["number"] == f"1/{_year(services)}/TLKS-BS"
    assert issued["signer"] == {"name": "Lê Văn Kiểm", "title": ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]}


# -- the public page --------------------------------------------------------------------------

def _assert_nothing_personal(text: str) -> None:
    for value in PERSONAL:
        assert value not in text, value


def test_anyone_sees_whether_an_extract_is_genuine_and_nothing_personal(app, services, office):
    issued = office.issue(office.entry()["id"], requester="Trần Văn Yêu Cầu")
    anonymous = app.test_client()
    url = f"/verify/{issued['verify_code']}"
    html = anonymous.get(url, headers={"Accept": "text/html"})
    page = html.get_data(as_text=True)
    assert html.status_code == 200 and "TRÍCH LỤC THẬT, CÒN HIỆU LỰC" in page
    issued_on = local_now(services.settings.time_zone).date()
    for shown in ("Ủy ban nhân dân xã A", "1/TLKS-BS", issued_on.strftime("%d/%m/%Y"), "Trích lục khai sinh",
                  "N.V.A."):
        assert shown in page, shown
    assert "mainnav" not in page and "Đăng xuất" not in page
    _assert_nothing_personal(page)

    answer = anonymous.get(url, headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.get_json() == {"status": "genuine", "office": "Ủy ban nhân dân xã A", "number": "1/TLKS-BS",
                                 "issued_on": issued_on.isoformat(), "kind": "birth"}
    _assert_nothing_personal(json.dumps(answer.get_json(), ensure_ascii=False))

    extracts.revoke_extract(services, office.p("chutich"), issued["id"], reason="Ghi sai")
    assert anonymous.get(url, headers={"Accept": "application/json"}).get_json()["status"] == "revoked"
    revoked = anonymous.get(url).get_data(as_text=True)
    assert "ĐÃ THU HỒI" in revoked and "TRÍCH LỤC THẬT" not in revoked
    _assert_nothing_personal(revoked)

    for code in ("A" * 22, "ngắn", "x" * 60, issued["verify_code"][:-1] + "!"):
        missing = anonymous.get(f"/verify/{code}")
        assert missing.status_code == 404 and "Không tìm thấy trích lục với mã này." in missing.get_data(as_text=True)
        as_json = anonymous.get(f"/verify/{code}", headers={"Accept": "application/json"})
        assert as_json.status_code == 404 and as_json.get_json()["error"]["code"] == "not_found"


def test_an_uploaded_pdf_is_checked_byte_for_byte_and_by_its_signature(app, services, office):
    issued = office.issue(office.entry()["id"])
    pdf, _name = extracts.extract_pdf(services, office.p("motcua"), issued["id"])
    anonymous = app.test_client()  # no session, no CSRF token
    url = f"/verify/{issued['verify_code']}"

    def check(data: bytes, **headers):
        return anonymous.post(url, data={"file": (io.BytesIO(data), "trich-luc.pdf")},
                              content_type="multipart/form-data", headers=headers)

    same = check(pdf)
    assert same.status_code == 200 and same.get_json() == {"match": True, "signature_valid": True}
    changed = bytearray(pdf)
    where = pdf.index(b"1/TLKS-BS") if b"1/TLKS-BS" in pdf else len(pdf) // 2
    changed[where] ^= 0x01
    other = check(bytes(changed))
    assert other.get_json()["match"] is False
    browser = check(pdf, Accept="text/html,application/xhtml+xml,*/*;q=0.8")
    page = browser.get_data(as_text=True)
    assert browser.status_code == 200 and "Tệp đúng là bản đã cấp" in page and "Chữ ký số hợp lệ" in page
    larger = check(b"%PDF-1.7\n" + bytes(range(256)) * (8 * 1024))  # 2 MB: above the app's usual body limit
    assert larger.status_code == 200 and larger.get_json() == {"match": False, "signature_valid": False}
    empty = anonymous.post(url, data={}, content_type="multipart/form-data")
    assert empty.status_code == 400 and empty.get_json()["error"]["code"] == "file_required"
    huge = check(b"%PDF-1.7\n" + b"0" * (21 * 1024 * 1024))
    assert huge.status_code == 413 and "Tệp quá lớn" in huge.get_json()["error"]["message"]
    unknown = anonymous.post("/verify/" + "B" * 22, data={"file": (io.BytesIO(pdf), "a.pdf")},
                             content_type="multipart/form-data")
    assert unknown.status_code == 404


def test_the_public_page_is_rate_limited_per_address(app, app_config, services, office):
    """A second app on the same data directory, with a small limit; looking and checking
    share it. Without trusted proxies a forged X-Forwarded-For changes nothing."""
    issued = office.issue(office.entry()["id"])
    limited = create_app({**app_config, "VERIFY_RATE_LIMIT": "3 per minute"})
    client = limited.test_client()
    url = f"/verify/{issued['verify_code']}"
    assert client.get(url).status_code == 200
    assert client.get("/verify/" + "C" * 22).status_code == 404
    assert client.post(url, data={}, content_type="multipart/form-data").status_code == 400
    refused = client.get(url, headers={"X-Forwarded-For": "203.0.113.9"})
    assert refused.status_code == 429 and "quá nhiều lần" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    as_json = client.get(url, headers={"Accept": "application/json"})
    assert as_json.status_code == 429 and as_json.get_json()["error"]["code"] == "rate_limited"
    elsewhere = limited.test_client().get(url, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert elsewhere.status_code == 200  # another address has its own budget
    # Pages of signed-in staff are not counted.
    login(client, "motcua", office.accounts.passwords["motcua"])
    assert client.get("/extracts").status_code == 200
    limited.extensions["docsvc"].close()


def test_a_proxy_named_as_trusted_gives_the_client_address(app_config, app, services, office):
    issued = office.issue(office.entry()["id"])
    behind = create_app({**app_config, "VERIFY_RATE_LIMIT": "1 per minute", "TRUSTED_PROXIES": 1})
    client = behind.test_client()
    url = f"/verify/{issued['verify_code']}"
    assert client.get(url, headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert client.get(url, headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    assert client.get(url, headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 200
    behind.extensions["docsvc"].close()


def test_a_command_line_app_loads_no_limiter(app_config, app):
    lean = create_app(app_config, web=False)
    assert "limiter" not in lean.extensions and "verify" not in lean.blueprints
    lean.extensions["docsvc"].close()
