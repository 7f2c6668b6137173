"""The incoming register's pages (Flask test client, signed in): the list with urgent rows
marked and print buttons, the form from a document with machine-read fields marked until
confirmed, a repeat showing the earlier row and a reason box, the row's page with its links,
the document page's register button for clerks only, and English. Tried: a repeat without a
reason (409 page), a bad urgency (400 page naming it), another unit's row (404), a NUL character
in a field and in a query string (400 naming the field, nothing kept)."""

from __future__ import annotations

import re

from tests.conftest import csrf_token, login
from tests.incoming.conftest import INVITATION, scanned, typed

MACHINE = "máy đọc — cần xác nhận"


def _signed_in(client, accounts, name):
    login(client, name, accounts.passwords[name])
    return csrf_token(client)


def test_register_from_a_document_and_confirm(client, services, accounts, people):
    doc_id = scanned(services, accounts, INVITATION)
    token = _signed_in(client, accounts, "vt_a")
    doc_page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert f"/incoming/new?document_id={doc_id}" in doc_page and "Vào sổ văn bản đến" in doc_page
    form = client.get(f"/incoming/new?document_id={doc_id}").get_data(as_text=True)
    assert MACHINE in form and 'value="GM-UBND"' in form and 'value="2026-01-05"' in form
    assert "2026-01-10" not in form  # the meeting date is nowhere
    sent = {"csrf_token": token, "document_id": str(doc_id), "arrived_at": "2026-01-06T09:00", "urgency": "khan",
            "secrecy": "0"}
    for name, value in (("number", "12"), ("symbol", "GM-UBND"), ("doc_type", "Giấy mời"),
                        ("issuer", "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ"), ("issued_on", "2026-01-05"),
                        ("abstract", "Họp triển khai số hóa hồ sơ")):
        sent[name] = sent[f"machine_{name}"] = value
    sent["confirm_number"] = "1"          # ticked as checked
    sent["abstract"] = "Họp số hóa hồ sơ"  # corrected
    done = client.post("/incoming/new", data=sent)
    assert done.status_code == 302, done.get_data(as_text=True)
    row_url = done.headers["Location"]
    page = client.get(row_url).get_data(as_text=True)
    assert "Văn bản đến số 1/2026" in page and "/routing" in page and "Phân công, theo dõi xử lý" in page
    assert f"/documents/{doc_id}" in page and page.count(f'<span class="badge badge-queued">{MACHINE}') == 4
    incoming_id = int(re.search(r"/incoming/(\d+)", row_url).group(1))
    again = client.get(f"/incoming/new?document_id={doc_id}").get_data(as_text=True)
    assert 'id="already-registered"' in again and f"/incoming/{incoming_id}" in again
    confirm = {"csrf_token": token, **{f"confirm_{n}": "1" for n in ("symbol", "doc_type", "issuer", "issued_on")}}
    assert client.post(f"/incoming/{incoming_id}", data=confirm).status_code == 302
    assert MACHINE not in client.get(row_url).get_data(as_text=True).split("<details")[0]


def test_a_repeat_shows_the_earlier_and_a_reason_box(client, services, accounts, people):
    token = _signed_in(client, accounts, "vt_a")
    data = {"csrf_token": token, **typed(), "urgency": "normal", "secrecy": "0"}
    assert client.post("/incoming/new", data=data).status_code == 302
    repeat = client.post("/incoming/new", data=data)
    page = repeat.get_data(as_text=True)
    assert repeat.status_code == 409 and 'id="duplicate"' in page and "số đến 1/2026" in page
    assert 'name="confirm_duplicate_reason"' in page
    kept = client.post("/incoming/new", data={**data, "confirm_duplicate_reason": "Bản gửi lại có dấu đỏ"})
    assert kept.status_code == 302
    bad = client.post("/incoming/new", data={**data, "number": "99", "urgency": "gấp lắm"})
    assert bad.status_code == 400 and "has-error" in bad.get_data(as_text=True)


def test_the_list_marks_urgent_rows_and_prints(client, services, accounts, people):
    from docsvc.incoming import services as inc

    urgent = inc.register_incoming(services, people["vt_a"], typed(urgency="hoa_toc"))
    inc.register_incoming(services, people["vt_a"], typed(number="2"))
    _signed_in(client, accounts, "ld_a")
    page = client.get("/incoming/?year=2026").get_data(as_text=True)
    assert page.count('class="incoming-row urgent"') == 1 and "Hỏa tốc" in page
    assert 'id="register-pdf"' in page and 'id="new-incoming"' not in page  # a leader does not register
    assert client.get("/incoming/register.pdf?year=2026").data.startswith(b"%PDF")
    assert client.get("/incoming/register.xlsx?year=2026").status_code == 200
    english = client.get("/incoming/?year=2026&lang=en").get_data(as_text=True)
    assert "Incoming register" in english and "Flash" in english
    assert client.get(f"/incoming/{urgent['id']}").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    _signed_in(client, accounts, "vt_b")
    assert client.get(f"/incoming/{urgent['id']}").status_code == 404
    assert 'href="/incoming/"' in client.get("/").get_data(as_text=True)  # the menu entry


def test_the_document_button_is_for_clerks(client, services, accounts, people):
    doc_id = scanned(services, accounts, INVITATION)
    _signed_in(client, accounts, "cv_a")
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "/incoming/new" not in page
    assert client.get(f"/incoming/new?document_id={doc_id}").status_code == 403


def test_a_nul_character_in_a_form_is_refused_naming_the_field_and_nothing_is_kept(client, services, accounts,
                                                                                    people):
    """PostgreSQL cannot store NUL and answered 500; both databases now answer 400 (docsvc.edge):
    in a form field and in a query parameter; the form sent again without it is kept."""
    from sqlalchemy import func, select

    from archive.incoming import IncomingDocument

    token = _signed_in(client, accounts, "vt_a")
    data = {"csrf_token": token, **typed(), "urgency": "normal", "secrecy": "0"}
    data["abstract"] = "Họp số hóa\x00 hồ sơ"
    refused = client.post("/incoming/new", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "“abstract”" in page and "NUL" in page
    with services.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(IncomingDocument)) == 0
    assert client.get("/search?q=h%E1%BB%8Dp%00x").status_code == 400
    data["abstract"] = "Họp số hóa hồ sơ"
    assert client.post("/incoming/new", data=data).status_code == 302
