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
from docsvc.civil import fields as contract
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
    """Bad inputs tried: a clerk and an administrator (no person.view) on every civil page
    and chart (404) and form (403 whether the entry exists or not); a civil-status officer of another commune on the book, the entry, the
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
        # Forms that change something declare their right: refused before the body is read,
        # the same for an entry that exists and one that does not.
        csrf = _csrf(client)
        for target in (entry["id"], 999999):
            assert client.post(f"/civil/entries/{target}/verify", data={"csrf_token": csrf}).status_code == 403
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


def test_workbench_saves_accepts_and_opens_the_next_proposal(app, services, people, accounts):
    """A proposal saved with a change is keyed with it (fields left alone keep the machine's
    confidence), the next proposal opens; the accept button takes one as read (what the form
    carried besides is ignored). Bad input tried: a stale version (409, nothing saved)."""
    book = _book(services, people.keyer1)
    one = propose(services, book["id"], {"number": 1, "registered_on": "2024-02-01",
                                          "full_name": {"value": "Lê Thi Hoa", "state": "uncertain", "confidence": 61},
                                          "sex": {"value": 2, "state": "ok", "confidence": 96}}, number=1)
    two = propose(services, book["id"], {"number": 2, "registered_on": "2024-02-03", "full_name": "Phạm Văn Nam"},
                  number=2)
    client = _signed_in(app, accounts, "keyer1")
    page = client.get(f"/civil/entries/{one}/key").get_data(as_text=True)
    assert 'class="cf state-uncertain" data-key="full_name"' in page
    assert "Máy chưa chắc chắn ở 1 trường" in page and "<kbd>F2</kbd>" in page and "<kbd>Ctrl+Enter</kbd>" in page
    assert re.search(r'<input id="f-full_name"[^>]*autofocus', page)

    csrf = _csrf(client)
    stale = client.post(f"/civil/entries/{one}/key", data={**_form(csrf, full_name="Lê Thị Hoa"), "version": "0"})
    assert stale.status_code == 409 and "Mục đã được người khác sửa" in stale.get_data(as_text=True)
    assert 'value="Lê Thi Hoa"' in stale.get_data(as_text=True)  # what is stored, to compare again
    assert _entry(services, one).status == "proposed"

    form = {**_form(csrf, number="1", registered_on="01/02/2024", full_name="Lê Thị Hoa", sex="2"),
            "s.full_name": "", "version": str(_entry(services, one).version)}
    response = client.post(f"/civil/entries/{one}/key", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/civil/entries/{two}/key")
    saved = _entry(services, one)
    assert saved.status == "keyed" and saved.fields["full_name"] == {"value": "Lê Thị Hoa", "state": "ok",
                                                                     "confidence": None}
    assert saved.fields["sex"]["confidence"] == 96  # left alone: the machine's reading kept

    response = client.post(f"/civil/entries/{two}/key", data={"csrf_token": csrf, "action": "accept",
                                                              "f.full_name": "ignored when accepting"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/civil/books/{book['id']}")
    accepted = _entry(services, two)
    assert accepted.status == "keyed" and accepted.fields["full_name"]["value"] == "Phạm Văn Nam"
    assert accepted.keyed_by is not None


def test_review_correction_and_the_history_as_a_paper_register(app, services, people, accounts):
    """The keyer cannot verify (message shown), a second officer can and is taken to the
    next entry to verify; a correction without a
    reason is refused beside the reason field (409) and an impossible decision date too
    (400); with both it is recorded, and the entry page strikes the old value through with
    the new beside it, the date and the officer. Every view is in the personal-data log."""
    book = _book(services, people.keyer1)
    entry = civil.create_entry(services, people.keyer1, book["id"], birth(1, name="Nguyễn Văn An"))
    keyer = _signed_in(app, accounts, "keyer1")
    assert 'id="verify"' not in keyer.get(f"/civil/entries/{entry['id']}").get_data(as_text=True)
    response = keyer.post(f"/civil/entries/{entry['id']}/verify", data={"csrf_token": _csrf(keyer)},
                          follow_redirects=True)
    assert "Người nhập không tự kiểm tra mục mình đã nhập." in response.get_data(as_text=True)
    reviewer = _signed_in(app, accounts, "keyer2")
    assert 'id="verify"' in reviewer.get(f"/civil/entries/{entry['id']}").get_data(as_text=True)
    csrf = _csrf(reviewer)
    other = civil.create_entry(services, people.keyer1, book["id"], birth(2, name="Trần Thị Bình"))
    response = reviewer.post(f"/civil/entries/{entry['id']}/verify", data={"csrf_token": csrf})
    assert _entry(services, entry["id"]).status == "verified"
    assert response.headers["Location"].endswith(f"/civil/entries/{other['id']}")  # the next to verify

    fields = {**_form(csrf, number="1", registered_on="05/03/2024", full_name="Nguyễn Văn Bình",
                      sex="1", date_of_birth="01/03/2024")}
    refused = reviewer.post(f"/civil/entries/{entry['id']}/correct", data=fields)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Mục đã kiểm tra chỉ được cải chính kèm lý do." in page
    assert 'value="Nguyễn Văn Bình"' in page
    bad_day = reviewer.post(f"/civil/entries/{entry['id']}/correct",
                            data={**fields, "reason": "Cải chính họ tên", "legal_basis_date": "30/02/2024"})
    assert bad_day.status_code == 400 and "Ngày không có thật." in bad_day.get_data(as_text=True)
    assert _entry(services, entry["id"]).fields["full_name"]["value"] == "Nguyễn Văn An"

    done = reviewer.post(f"/civil/entries/{entry['id']}/correct",
                         data={**fields, "reason": "Cải chính họ tên", "legal_basis": "12/QĐ-UBND",
                               "legal_basis_date": "10/05/2025"})
    assert done.status_code == 302
    page = reviewer.get(f"/civil/entries/{entry['id']}").get_data(as_text=True)
    history = page[page.index('id="history"'):]
    assert re.search(r"<del>\s*Nguyễn Văn An\s*</del>\s*<ins>\s*Nguyễn Văn Bình\s*</ins>", history)
    assert "keyer2" in history and "Cải chính họ tên" in history and "12/QĐ-UBND" in history
    assert "10/05/2025" in history
    with services.session_factory() as db:
        revs = list(db.scalars(select(RegisterRevision).where(RegisterRevision.entry_id == entry["id"])))
        assert [sorted(r.changes) for r in revs] == [["full_name"]]  # only what changed
        reads = list(db.scalars(select(AuditRecord).where(AuditRecord.action == "person.read",
                                                          AuditRecord.object_id == str(entry["id"]))))
    assert reads and all(r.details["purpose"] == "verification" for r in reads)
    assert {r.details["what"] for r in reads} >= {"entry", "revisions"}


def test_an_entry_page_asks_for_the_purpose_first(app, services, people, accounts):
    """Bad input tried: opening an entry and a book with no purpose chosen in the session:
    sent to choose one, and nothing is logged."""
    book = _book(services, people.keyer1)
    entry = civil.create_entry(services, people.keyer1, book["id"], birth(1))
    client = _signed_in(app, accounts, "desk", purpose=False)
    for url in (f"/civil/entries/{entry['id']}", f"/civil/books/{book['id']}"):
        response = client.get(url)
        assert response.status_code == 302 and "/purpose?next=" in response.headers["Location"]
    with services.session_factory() as db:
        assert not list(db.scalars(select(AuditRecord).where(AuditRecord.action == "person.read")))


def test_double_keying_through_arbitration_by_forms(app, services, people, accounts):
    """A second blind keying that differs makes the entry disputed; the second keying form
    shows nothing of the first; the keyer may not key again (message); a third officer picks
    per field. Bad input tried: arbitration leaving a disputed field unchosen (400)."""
    book = _book(services, people.keyer1, verification_mode="double")
    entry = civil.create_entry(services, people.keyer1, book["id"], birth(1, name="Nguyễn Văn An"))
    same = _signed_in(app, accounts, "keyer1")
    response = same.post(f"/civil/entries/{entry['id']}/second",
                         data=_form(_csrf(same), full_name="Nguyễn Văn An"), follow_redirects=True)
    assert "Lần nhập thứ hai phải do người khác thực hiện." in response.get_data(as_text=True)

    second = _signed_in(app, accounts, "keyer2")
    blind = second.get(f"/civil/entries/{entry['id']}/second").get_data(as_text=True)
    assert "Nguyễn Văn An" not in blind
    second.post(f"/civil/entries/{entry['id']}/second",
                data=_form(_csrf(second), number="1", registered_on="05/03/2024", full_name="Nguyễn Văn Ân",
                           sex="1", date_of_birth="01/03/2024"))
    assert _entry(services, entry["id"]).status == "disputed"

    arbiter = _signed_in(app, accounts, "arbiter")
    page = arbiter.get(f"/civil/entries/{entry['id']}/arbitrate").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Nguyễn Văn Ân" in page
    csrf = _csrf(arbiter)
    missing = arbiter.post(f"/civil/entries/{entry['id']}/arbitrate", data={"csrf_token": csrf})
    assert missing.status_code == 400 and "Cần chọn giá trị cho trường hai lần nhập khác nhau." in missing.get_data(as_text=True)
    arbiter.post(f"/civil/entries/{entry['id']}/arbitrate", data={"csrf_token": csrf, "pick.full_name": "round2"})
    settled = _entry(services, entry["id"])
    assert settled.status == "verified" and settled.fields["full_name"]["value"] == "Nguyễn Văn Ân"

    stats = arbiter.get("/civil/stats").get_data(as_text=True)
    assert re.search(r'data-user="keyer2"><td>keyer2</td><td>1</td>', stats)
    assert re.search(r'data-user="keyer1">.*?<td>0%</td>', stats, re.S)


def test_reports_draw_their_charts_on_the_server(app, services, people, accounts):
    """Progress per office and per book and per person; the charts are SVG made here, with
    no script and nothing fetched from elsewhere."""
    book = _book(services, people.keyer1)
    civil.create_entry(services, people.keyer1, book["id"], birth(1))
    propose(services, book["id"], {"number": 2, "registered_on": "2024-03-09", "full_name": "Đỗ Thị Lan"}, number=2)
    client = _signed_in(app, accounts, "keyer1")
    page = client.get("/civil/reports").get_data(as_text=True)
    for chart in ("offices", "books", "people"):
        assert f'src="/civil/reports/{chart}.svg"' in page
        svg = client.get(f"/civil/reports/{chart}.svg")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        body = svg.get_data(as_text=True)
        assert "<script" not in body and "https://" not in body and "//kozea" not in body
    assert "Sổ khai sinh 2024 quyển 1 (XA-A)" in client.get("/civil/reports/books.svg").get_data(as_text=True)
    assert "Ủy ban nhân dân xã A" in page
    offices = page[page.index('class="table progress-offices"'):]
    assert re.search(r"<td>1</td><td>0</td>\s*<td>1</td><td>1</td><td>0</td><td>0</td>", offices)


def test_scans_are_uploaded_from_the_book_page(app, services, people, accounts):
    """Where page ingestion (docsvc.civil.pages.add_pages) is present, the book page offers
    the upload and a scan sent there becomes the book's page 1, queued for reading; where it
    is not (a branch without it), the page offers no upload. Bad inputs tried: the form
    sent without a file (nothing added), and by a one-stop officer (no civil.book: 403)."""
    import io

    from docsvc.civil import views
    from tests.app.inputs import text_png

    book = _book(services, people.keyer1)
    client = _signed_in(app, accounts, "keyer1")
    page = client.get(f"/civil/books/{book['id']}").get_data(as_text=True)
    if views.add_pages is None:
        assert 'name="file"' not in page
        return
    assert 'name="file"' in page
    csrf = _csrf(client)
    empty = client.post(f"/civil/books/{book['id']}/pages", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Chưa chọn tệp." in empty.get_data(as_text=True)
    desk = _signed_in(app, accounts, "desk")
    refused = desk.post(f"/civil/books/{book['id']}/pages", data={"csrf_token": _csrf(desk),
                                                                   "file": (io.BytesIO(b"x"), "a.png")})
    assert refused.status_code == 403
    sent = client.post(f"/civil/books/{book['id']}/pages", content_type="multipart/form-data",
                       data={"csrf_token": csrf, "file": (io.BytesIO(text_png(["SỔ ĐĂNG KÝ KHAI SINH"])), "p1.png")})
    assert sent.status_code == 302
    pages = civil.get_book(services, people.keyer1, book["id"])["pages"]
    assert [(p["seq"], p["status"]) for p in pages] == [(1, "queued")]


def test_a_book_is_added_from_the_books_page(app, services, people, accounts):
    """The form offers the officer's own units only. Bad inputs tried: a year that is not a
    number, a range that runs backwards, an empty label, another commune's code (each 400
    with its message, nothing added); a one-stop officer (no civil.book) gets 403."""
    client = _signed_in(app, accounts, "keyer1")
    page = client.get("/civil").get_data(as_text=True)
    assert '<option value="XA-A"' in page and '<option value="XA-B"' not in page
    csrf = _csrf(client)
    good = {"csrf_token": csrf, "office": "XA-A", "kind": "death", "year_from": "1990", "year_to": "1992",
            "label": "Sổ khai tử 1990–1992", "verification_mode": "double"}
    for change, message in (({"year_from": "199O"}, "Năm phải là một số."),
                            ({"year_to": "1989"}, "Năm cuối phải từ năm đầu trở đi."),
                            ({"label": "  "}, "Cần tên sổ (tối đa 300 ký tự)."),
                            ({"office": "XA-B"}, "Không có đơn vị mã XA-B trong các đơn vị bạn quản lý.")):
        response = client.post("/civil/books", data={**good, **change})
        assert response.status_code == 400 and message in response.get_data(as_text=True), change
    assert civil.list_books(services, people.keyer1) == []
    desk = _signed_in(app, accounts, "desk")
    assert desk.post("/civil/books", data={**good, "csrf_token": _csrf(desk)}).status_code == 403
    response = client.post("/civil/books", data=good)
    assert response.status_code == 302
    [book] = civil.list_books(services, people.keyer1)
    assert (book["kind"], book["year_from"], book["year_to"], book["verification_mode"]) == ("death", 1990, 1992, "double")
    assert response.headers["Location"].endswith(f"/civil/books/{book['id']}")
    assert "Sổ khai tử 1990–1992" in client.get("/civil?kind=death&year=1991").get_data(as_text=True)
    assert "Sổ khai tử 1990–1992" not in client.get("/civil?kind=birth").get_data(as_text=True)


@pytest.mark.parametrize("kind, fields, shown", [
    ("death", {"f.full_name": "Hoàng Văn Tư", "f.date_of_death": "02/03/1991", "f.time_of_death": "14h30",
               "f.registered_on": "05/03/1991"}, ["Hoàng Văn Tư", "14:30", "02/03/1991"]),
    ("marriage", {"f.husband_name": "Ngô Văn Sáu", "f.wife_name": "Đinh Thị Bảy", "f.marriage_kind": "again",
                  "f.registered_on": "05/03/1991"}, ["Ngô Văn Sáu", "Đinh Thị Bảy", "Đăng ký lại"]),
])
def test_death_and_marriage_entries_are_keyed_with_their_own_form(app, services, people, accounts, kind, fields,
                                                                   shown):
    """Each kind's form has its own fields in the register's order; values come back as a
    person reads them (time HH:MM, dates dd/mm/yyyy, codes as words). Bad input tried: a
    field of another kind's form posted along (ignored: the form reads its own fields)."""
    book = _book(services, people.keyer1, kind=kind, year_from=1991, label=f"Sổ {kind} 1991")
    client = _signed_in(app, accounts, "keyer1")
    form = client.get(f"/civil/books/{book['id']}/new").get_data(as_text=True)
    keys = re.findall(r'name="f\.(\w+)"', form)
    assert keys == [f.key for f in contract.FIELDS[kind]]
    response = client.post(f"/civil/books/{book['id']}/entries",
                           data={"csrf_token": _csrf(client), "f.mother_name": "X", **fields})
    assert response.status_code == 302
    [entry] = civil.list_entries(services, people.keyer1, book["id"], purpose=PURPOSE)
    assert "mother_name" not in entry["fields"]
    page = client.get(f"/civil/entries/{entry['id']}").get_data(as_text=True)
    for text in shown:
        assert text in page
