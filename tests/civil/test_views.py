"""The civil-status pages through Flask's test client, on real SQLite and Whoosh: who sees
them (404 for a role without person.view and for another unit's user), CSRF, the Vietnamese
validation messages beside the fields, the workbench's save / accept / next, review,
corrections shown as struck-through history, double keying with arbitration, and the
reports with their server-drawn charts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from archive.audit import AuditRecord
from archive.civil import RegisterBook, RegisterEntry, RegisterRevision
from archive.models import utcnow
from docsvc.civil import services as civil
from docsvc.civil.entries import read_fields
from tests.civil.conftest import PURPOSE, birth
from tests.conftest import csrf_token, login


def _book(services, principal, **kw):
    args = dict(office_code="XA-A", kind="birth", year_from=2024, label="Sổ khai sinh 2024 quyển 1")
    args.update(kw)
    return civil.add_book(services, principal, **args)


def propose(services, book_id: int, fields: dict, *, number: int | None) -> int:
    """A machine proposal as the page parser stores it (status proposed, with confidences)."""
    with services.session_factory() as db:
        book = db.get(RegisterBook, book_id)
        entry = RegisterEntry(book_id=book.id, office_unit_id=book.office_unit_id, kind=book.kind,
                              year=book.year_from, number=number, status="proposed",
                              fields=read_fields(book.kind, fields, machine=True), created_at=utcnow())
        db.add(entry)
        db.commit()
        return entry.id


def _signed_in(app, accounts, username, *, purpose=True):
    client = app.test_client()
    login(client, username, accounts.passwords[username])
    if purpose:
        client.post("/purpose", data={"purpose": "verification", "csrf_token": csrf_token(client)})
    return client


def _csrf(client) -> str:
    return csrf_token(client)


def _entry(services, entry_id):
    with services.session_factory() as db:
        return db.get(RegisterEntry, entry_id)


def _form(csrf, **fields) -> dict:
    data = {"csrf_token": csrf}
    for key, value in fields.items():
        data[f"f.{key}"] = value
    return data


def test_pages_are_404_without_person_view_and_for_another_unit(app, services, people, accounts):
    """Bad inputs tried: a clerk and an administrator (no person.view) on every civil page,
    chart and form; a civil-status officer of another commune on the book, the entry, the
    workbench and the verify and correct forms; a page id that does not exist."""
    book = _book(services, people.keyer1)
    entry = civil.create_entry(services, people.keyer1, book["id"], birth(1))
    pages = ["/civil", f"/civil/books/{book['id']}", f"/civil/books/{book['id']}/new",
             f"/civil/entries/{entry['id']}", f"/civil/entries/{entry['id']}/key",
             f"/civil/entries/{entry['id']}/second", f"/civil/entries/{entry['id']}/arbitrate",
             "/civil/stats", "/civil/reports", "/civil/reports/books.svg"]
    for username in ("clerk1", "admin1"):
        client = _signed_in(app, accounts, username, purpose=False)
        for url in pages:
            assert client.get(url).status_code == 404, (username, url)
        assert "Sổ hộ tịch" not in client.get("/").get_data(as_text=True)
    other = _signed_in(app, accounts, "other")
    for url in pages[1:7]:
        assert other.get(url).status_code == 404, url
    csrf = _csrf(other)
    assert other.post(f"/civil/entries/{entry['id']}/verify", data={"csrf_token": csrf}).status_code == 404
    assert other.post(f"/civil/entries/{entry['id']}/key", data=_form(csrf, full_name="X")).status_code == 404
    assert other.post(f"/civil/books/{book['id']}/entries", data=_form(csrf, full_name="X")).status_code == 404
    assert "Nguyễn Văn An" not in other.get("/civil").get_data(as_text=True)
    assert _entry(services, entry["id"]).fields["full_name"]["value"] == "Nguyễn Văn An"

    mine = _signed_in(app, accounts, "keyer1")
    assert "Sổ hộ tịch" in mine.get("/").get_data(as_text=True)
    assert mine.get("/civil/books/999999").status_code == 404
    assert "Nguyễn Văn An" in mine.get(f"/civil/books/{book['id']}").get_data(as_text=True)


def test_forms_need_their_csrf_token(app, services, people, accounts):
    """Bad inputs tried: a new entry, a save of a proposal, a verification and a new book
    posted without the token, and with a made-up one; nothing changes."""
    book = _book(services, people.keyer1)
    proposed = propose(services, book["id"], {"full_name": "Lê Thị Hoa", "registered_on": "2024-02-01"}, number=1)
    client = _signed_in(app, accounts, "keyer1")
    for token in (None, "made-up"):
        extra = {"csrf_token": token} if token else {}
        assert client.post(f"/civil/books/{book['id']}/entries", data={"f.full_name": "Lê Văn B", **extra}).status_code == 400
        assert client.post(f"/civil/entries/{proposed}/key", data={"action": "accept", **extra}).status_code == 400
        assert client.post("/civil/books", data={"office": "XA-A", "kind": "birth", "year_from": "2024",
                                                 "label": "Sổ mới", **extra}).status_code == 400
    assert _entry(services, proposed).status == "proposed"
    assert [b["label"] for b in civil.list_books(services, people.keyer1)] == ["Sổ khai sinh 2024 quyển 1"]


def test_validation_messages_stand_beside_their_fields(app, services, people, accounts):
    """Bad inputs tried: a date that does not exist, a sex code that is not a national code,
    a year of birth that is not a number, a registration date outside the book's year, a
    number already used (409 with a link to the entry holding it), a region that is not four
    numbers; what was typed stays in the form and nothing is stored."""
    book = _book(services, people.keyer1)
    first = civil.create_entry(services, people.keyer1, book["id"], birth(1))
    client = _signed_in(app, accounts, "keyer1")
    csrf = _csrf(client)
    url = f"/civil/books/{book['id']}/entries"
    response = client.post(url, data=_form(csrf, number="2", registered_on="05/03/2024", full_name="Trần Văn Bình",
                                           date_of_birth="31/02/2024", sex="7", mother_birth_year="năm"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    errors = dict(re.findall(r'<div class="cf[^"]*has-error[^"]*" data-key="(\w+)">.*?<p class="field-error"[^>]*>([^<]+)</p>',
                             page, re.S))
    assert errors["date_of_birth"] == "Ngày không có thật."
    assert errors["sex"].startswith("Giá trị phải là một trong: 1 (Nam), 2 (Nữ)")
    assert errors["mother_birth_year"] == "Phải là một số."
    assert 'value="Trần Văn Bình"' in page and 'value="31/02/2024"' in page

    response = client.post(url, data=_form(csrf, registered_on="05/03/2023", full_name="Trần Văn Bình"))
    assert response.status_code == 400
    assert "Ngày đăng ký ngoài các năm của sổ (2024–2024)." in response.get_data(as_text=True)

    response = client.post(url, data=_form(csrf, number="1", full_name="Trần Văn Bình", registered_on="05/03/2024"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Số 01 năm 2024 đã có trong sổ của đơn vị." in page
    assert f'/civil/entries/{first["id"]}"' in page

    response = client.post(url, data={**_form(csrf, full_name="Trần Văn Bình", registered_on="05/03/2024"),
                                      "box": "10,20,abc"})
    assert response.status_code == 400 and "Vùng phải là x, y, rộng, cao" in response.get_data(as_text=True)
    assert [e["number"] for e in civil.list_entries(services, people.keyer1, book["id"],
                                                    purpose=PURPOSE)] == [1]

    # English, through the catalog (the use case's own messages stay Vietnamese).
    english = client.get(f"/civil/books/{book['id']}/new?lang=en").get_data(as_text=True)
    assert "Save and key the next entry" in english
