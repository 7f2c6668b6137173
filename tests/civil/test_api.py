"""The civil-status register API (/api/v1/civil): each endpoint's answer and each refusal,
over HTTP on the real app (SQLite, Whoosh, the request validator and the use cases).

The rules themselves are tested without HTTP in test_use_cases.py; here each outcome's
translation is checked: status, error code, the field named, the existing entry's id."""

from __future__ import annotations

import io
import unicodedata

import pytest
from sqlalchemy import select

from archive.audit import AuditRecord
from archive.civil import RegisterEntry
from archive.models import utcnow
from tests.app.inputs import text_pdf, text_png

PURPOSE = {"X-Purpose": "verification"}


class Client:
    """The test client acting with one user's API token."""

    def __init__(self, client, token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def call(self, method: str, url: str, *, purpose: bool = False, headers: dict | None = None, **kw):
        headers = {**self.headers, **(PURPOSE if purpose else {}), **(headers or {})}
        return self.client.open(url, method=method, headers=headers, **kw)

    def get(self, url, **kw):
        return self.call("GET", url, **kw)

    def post(self, url, **kw):
        return self.call("POST", url, **kw)

    def patch(self, url, **kw):
        return self.call("PATCH", url, **kw)


@pytest.fixture
def as_user(client, accounts, people):
    """``as_user("keyer1")``: a client acting as that user (see tests/civil/conftest.py)."""
    tokens: dict[str, str] = {}

    def make(name: str) -> Client:
        if name not in tokens:
            tokens[name] = accounts.token(name)
        return Client(client, tokens[name])

    return make


def _book(api: Client, **kw) -> dict:
    body = {"office": "XA-A", "kind": "birth", "year_from": 2024, "label": "Sổ đăng ký khai sinh 2024 quyển 01"}
    body.update(kw)
    answer = api.post("/api/v1/civil/books", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _birth(number=None, name="Nguyễn Văn An", **more) -> dict:
    fields = {"full_name": name, "sex": 1, "date_of_birth": "2024-03-01", "registered_on": "2024-03-05"}
    if number is not None:
        fields["number"] = number
    fields.update(more)
    return fields


def _entry(api: Client, book_id: int, fields: dict) -> dict:
    answer = api.post(f"/api/v1/civil/books/{book_id}/entries", json={"fields": fields})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _error(answer) -> dict:
    return answer.get_json()["error"]


def _reads(services) -> list[AuditRecord]:
    with services.session_factory() as db:
        return list(db.scalars(select(AuditRecord).where(AuditRecord.action == "person.read")
                               .order_by(AuditRecord.seq)))


def test_books_are_added_and_listed_in_the_callers_units(as_user):
    """Bad inputs tried: an office of another unit and an unknown one (403 office_not_held),
    a kind outside birth/death/marriage, a year before 1900, a blank label, an unknown
    property (400 from the document); the two years of a range given last year first (the
    same range); a role without civil.book (403); another unit's officer (does not see it)."""
    keyer = as_user("keyer1")
    book = _book(keyer, year_from=1999, year_to=1995, condition_notes="Rách bìa", verification_mode="double")
    assert (book["year_from"], book["year_to"], book["verification_mode"]) == (1995, 1999, "double")
    assert book["office"]["code"] == "XA-A" and book["custodian"]["code"] == "XA-A"
    listed = keyer.get("/api/v1/civil/books").get_json()
    assert [b["id"] for b in listed] == [book["id"]]
    assert listed[0]["entries"] == {"proposed": 0, "keyed": 0, "verified": 0, "disputed": 0}
    assert listed[0]["pages"] == 0 and listed[0]["label"] == "Sổ đăng ký khai sinh 2024 quyển 01"
    assert keyer.get("/api/v1/civil/books?kind=death").get_json() == []
    assert [b["id"] for b in keyer.get("/api/v1/civil/books?year=1997&office=XA-A").get_json()] == [book["id"]]

    for office in ("XA-B", "NO-SUCH"):
        answer = keyer.post("/api/v1/civil/books", json={"office": office, "kind": "birth", "year_from": 2024,
                                                         "label": "Sổ"})
        assert answer.status_code == 403 and _error(answer)["code"] == "office_not_held", office
    for bad in ({"kind": "adoption"}, {"year_from": 1899}, {"label": "   "}, {"colour": "red"}):
        body = {"office": "XA-A", "kind": "birth", "year_from": 2024, "label": "Sổ", **bad}
        answer = keyer.post("/api/v1/civil/books", json=body)
        assert answer.status_code == 400, bad
        assert _error(answer)["code"] == "invalid_field", bad
    answer = as_user("desk").post("/api/v1/civil/books", json={"office": "XA-A", "kind": "birth",
                                                                "year_from": 2024, "label": "Sổ"})
    assert answer.status_code == 403
    assert as_user("other").get("/api/v1/civil/books").get_json() == []


def test_entries_are_keyed_listed_and_read_with_a_purpose(as_user, services):
    """Bad inputs tried: no purpose (400 purpose_required, nothing logged), a malformed one
    (400 invalid_purpose), a status outside the four; reads are logged with the purpose."""
    keyer = as_user("keyer1")
    book = _book(keyer)
    first = _entry(keyer, book["id"], _birth())
    assert (first["number"], first["status"], first["kind"]) == (1, "keyed", "birth")
    assert first["fields"]["full_name"] == {"value": "Nguyễn Văn An", "state": "ok", "confidence": None}
    assert first["fields"]["number"]["value"] == 1
    second = _entry(keyer, book["id"], _birth(name="Trần Thị Bình", sex=2))
    assert second["number"] == 2

    url = f"/api/v1/civil/books/{book['id']}/entries"
    before = len(_reads(services))
    answer = keyer.get(url)
    assert answer.status_code == 400 and _error(answer)["code"] == "purpose_required"
    answer = keyer.get(url + "?purpose=curiosity")
    assert answer.status_code == 400 and _error(answer)["code"] == "invalid_purpose"
    assert keyer.get(url + "?status=lost", purpose=True).status_code == 400
    assert len(_reads(services)) == before

    listed = keyer.get(url, purpose=True).get_json()
    assert [(e["number"], e["fields"]["full_name"]["value"]) for e in listed] == [
        (1, "Nguyễn Văn An"), (2, "Trần Thị Bình")]
    assert keyer.get(url + "?status=verified", purpose=True).get_json() == []
    assert len(keyer.get(url + "?status=keyed&purpose=correction").get_json()) == 2

    entry = keyer.get(f"/api/v1/civil/entries/{first['id']}", purpose=True).get_json()
    assert entry["id"] == first["id"] and entry["book"]["id"] == book["id"]
    assert entry["revisions"] == 0 and entry["warnings"] == []
    reads = _reads(services)[before:]
    assert [(r.details["what"], r.details["purpose"]) for r in reads] == [
        ("entries", "verification"), ("entries", "verification"), ("entries", "correction"),
        ("entry", "verification")]
    assert reads[-1].details["person"] == "Nguyễn Văn An"
    assert keyer.get(f"/api/v1/civil/entries/{first['id']}").status_code == 400  # no purpose


@pytest.mark.parametrize("fields, field, where", [
    ({"full_nam": "Lê Văn C"}, "full_nam", "document"),          # no such key in any kind
    ({"husband_name": "Lê Văn C"}, "husband_name", "use case"),   # a marriage key in a birth book
    ({"date_of_birth": "2024-02-30"}, "date_of_birth", "document"),  # no such day
    ({"date_of_birth": "01/03/2024"}, "date_of_birth", "document"),  # the API takes ISO dates only
    ({"sex": 5}, "sex", "document"),                              # not a national code
    ({"sex": "Nam"}, "sex", "document"),                          # the word, not the code
    ({"registration_kind": 9}, "registration_kind", "document"),
    ({"mother_birth_year": 1700}, "mother_birth_year", "document"),
    ({"full_name": "   "}, "full_name", "document"),              # blank text is not a value
    ({"full_name": {"value": "Lê Văn C", "state": "missing"}}, "full_name", "document"),
    ({"full_name": {"state": "ok"}}, "full_name", "document"),    # ok without a value
    ({"registered_on": "2023-12-31"}, "registered_on", "use case"),  # outside the book's year
])
def test_bad_field_values_are_refused_naming_the_field(as_user, fields, field, where):
    """Bad inputs: as listed in the parameters (the document refuses what its schema can
    say; the use case what depends on the book)."""
    keyer = as_user("keyer1")
    book = _book(keyer)
    answer = keyer.post(f"/api/v1/civil/books/{book['id']}/entries", json={"fields": _birth(**fields)})
    assert answer.status_code == 400, answer.get_json()
    error = _error(answer)
    assert error["code"] == "invalid_field"
    assert field in error["message"] or error.get("field") == field
    if where == "use case":
        assert error["field"] == field
    assert keyer.get(f"/api/v1/civil/books/{book['id']}/entries", purpose=True).get_json() == []


def test_a_duplicate_number_answers_409_with_the_existing_entry(as_user):
    """Bad inputs tried: a number the office's year has, in the same book and from a second
    book of the same year; changing an entry's number to a taken one."""
    keyer = as_user("keyer1")
    book = _book(keyer)
    first = _entry(keyer, book["id"], _birth(number=7))
    answer = keyer.post(f"/api/v1/civil/books/{book['id']}/entries", json={"fields": _birth(number=7)})
    assert answer.status_code == 409
    assert _error(answer)["code"] == "duplicate_number" and _error(answer)["existing_id"] == first["id"]
    second_book = _book(keyer, label="Sổ đăng ký khai sinh 2024 quyển 02")
    answer = keyer.post(f"/api/v1/civil/books/{second_book['id']}/entries", json={"fields": _birth(number=7)})
    assert answer.status_code == 409 and _error(answer)["existing_id"] == first["id"]
    continued = _entry(keyer, second_book["id"], _birth())
    assert continued["number"] == 8  # the second book continues the year
    answer = keyer.patch(f"/api/v1/civil/entries/{continued['id']}", json={"fields": {"number": 7}})
    assert answer.status_code == 409 and _error(answer)["existing_id"] == first["id"]


def test_patch_takes_both_field_forms_and_keeps_revisions(as_user, services):
    """Bad inputs tried: a version older than the entry's (409 stale with the current
    version); a state outside the four; a status other than keyed."""
    keyer = as_user("keyer1")
    book = _book(keyer)
    entry = _entry(keyer, book["id"], _birth())
    url = f"/api/v1/civil/entries/{entry['id']}"
    answer = keyer.patch(url, json={"fields": {"place_of_birth": "Trạm y tế xã A",
                                               "home_town": {"value": None, "state": "missing"},
                                               "ethnicity": {"value": "Kinh", "state": "uncertain"},
                                               "mother_name": {"state": "illegible"}},
                                    "version": entry["version"]})
    assert answer.status_code == 200, answer.get_json()
    changed = answer.get_json()
    assert changed["fields"]["place_of_birth"] == {"value": "Trạm y tế xã A", "state": "ok", "confidence": None}
    assert changed["fields"]["home_town"]["state"] == "missing"
    assert changed["fields"]["ethnicity"] == {"value": "Kinh", "state": "uncertain", "confidence": None}
    assert changed["fields"]["mother_name"] == {"value": None, "state": "illegible", "confidence": None}
    assert changed["version"] == entry["version"] + 1

    answer = keyer.patch(url, json={"fields": {"full_name": "Nguyễn Văn Bình"}, "version": entry["version"]})
    assert answer.status_code == 409
    assert _error(answer)["code"] == "stale" and _error(answer)["version"] == changed["version"]
    assert keyer.patch(url, json={"fields": {"full_name": {"value": "X", "state": "faded"}}}).status_code == 400
    assert keyer.patch(url, json={"status": "verified"}).status_code == 400

    revisions = keyer.get(url + "/revisions", purpose=True).get_json()
    assert len(revisions) == 1
    rev = revisions[0]
    assert rev["who"] == "keyer1" and rev["stage"] == "keying" and rev["when"] and rev["reason"]
    assert rev["changes"]["place_of_birth"]["old"] is None
    assert rev["changes"]["place_of_birth"]["new"] == "Trạm y tế xã A"
    # home_town was absent, which is already "missing": setting it so changes nothing
    assert set(rev["changes"]) == {"place_of_birth", "ethnicity", "mother_name"}
    assert keyer.get(url + "/revisions").status_code == 400  # no purpose


def test_review_verification_and_correction_of_a_verified_entry(as_user):
    """Bad inputs tried: verification by the keyer (409 same_person), verifying twice (409
    already_verified), a correction without a reason (409 reason_required), a correction by
    a role without civil.correct (403), an impossible legal-basis date (400)."""
    keyer, reviewer = as_user("keyer1"), as_user("keyer2")
    book = _book(keyer)
    entry = _entry(keyer, book["id"], _birth())
    url = f"/api/v1/civil/entries/{entry['id']}"
    answer = keyer.post(url + "/verify")
    assert answer.status_code == 409 and _error(answer)["code"] == "same_person"
    answer = reviewer.post(url + "/verify", json={"version": entry["version"]})
    assert answer.status_code == 200 and answer.get_json()["status"] == "verified"
    assert answer.get_json()["verified_by"] != answer.get_json()["keyed_by"]
    answer = reviewer.post(url + "/verify")
    assert answer.status_code == 409 and _error(answer)["code"] == "already_verified"

    answer = keyer.patch(url, json={"fields": {"full_name": "Nguyễn Văn Ân"}})
    assert answer.status_code == 409 and _error(answer)["code"] == "reason_required"
    answer = keyer.patch(url, json={"fields": {"full_name": "Nguyễn Văn Ân"}, "reason": "   "})
    assert answer.status_code == 409 and _error(answer)["code"] == "reason_required"
    answer = as_user("archivist").patch(url, json={"fields": {"full_name": "Nguyễn Văn Ân"}, "reason": "Sai"})
    assert answer.status_code == 403
    answer = keyer.patch(url, json={"fields": {"full_name": "Nguyễn Văn Ân"}, "reason": "Cải chính",
                                    "legal_basis_date": "2025-13-01"})
    assert answer.status_code == 400

    answer = keyer.patch(url, json={"fields": {"full_name": "Nguyễn Văn Ân"}, "reason": "Cải chính họ tên",
                                    "legal_basis": "Quyết định 15/QĐ-UBND", "legal_basis_date": "2025-06-02"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] == "verified"
    assert answer.get_json()["fields"]["full_name"]["value"] == "Nguyễn Văn Ân"
    revisions = keyer.get(url + "/revisions", purpose=True).get_json()
    assert [(r["stage"], r["who"], r["reason"], r["legal_basis"], r["legal_basis_date"]) for r in revisions] == [
        ("correction", "keyer1", "Cải chính họ tên", "Quyết định 15/QĐ-UBND", "2025-06-02")]
    assert revisions[0]["changes"] == {"full_name": {"old": "Nguyễn Văn An", "new": "Nguyễn Văn Ân",
                                                     "old_state": "ok", "new_state": "ok"}}
    assert keyer.get(url, purpose=True).get_json()["revisions"] == 1


def test_a_proposed_entry_is_accepted_with_status_keyed(as_user, services):
    """A proposal the machine read (stored as the parser stores one) is accepted as it is;
    bad input tried: verifying it before a person accepted it (409 not_keyed)."""
    keyer, reviewer = as_user("keyer1"), as_user("keyer2")
    book = _book(keyer)
    with services.session_factory() as db:
        office = book["office"]["id"]
        proposal = RegisterEntry(book_id=book["id"], office_unit_id=office, kind="birth", year=2024, number=3,
                                 status="proposed", created_at=utcnow(), fields={
                                     "number": {"value": 3, "state": "ok", "confidence": 96.0},
                                     "registered_on": {"value": "2024-03-05", "state": "ok", "confidence": 91.0},
                                     "full_name": {"value": "Phạm Thị Hoa", "state": "uncertain", "confidence": 62.0}})
        db.add(proposal)
        db.commit()
        entry_id = proposal.id
    url = f"/api/v1/civil/entries/{entry_id}"
    assert reviewer.post(url + "/verify").status_code == 409
    listed = keyer.get(f"/api/v1/civil/books/{book['id']}/entries?status=proposed", purpose=True).get_json()
    assert [e["id"] for e in listed] == [entry_id]
    assert listed[0]["fields"]["full_name"]["confidence"] == 62.0
    answer = keyer.patch(url, json={"status": "keyed", "fields": {"full_name": "Phạm Thị Hoa"}})
    assert answer.status_code == 200, answer.get_json()
    accepted = answer.get_json()
    assert accepted["status"] == "keyed" and accepted["number"] == 3
    assert accepted["fields"]["full_name"] == {"value": "Phạm Thị Hoa", "state": "ok", "confidence": None}
    assert reviewer.post(url + "/verify").get_json()["status"] == "verified"


def test_double_keying_through_arbitration(as_user):
    """The second keyer reads the entry blind (?blind=1: no fields). Bad inputs tried: the
    first keyer keying again (409 same_person), a keyer arbitrating
    (409 arbiter_is_keyer), an arbitration leaving a disputed field out (400), review in a
    double-keying book (409 needs_second_keying), a second keying in a review book (409
    not_double)."""
    keyer1, keyer2, arbiter = as_user("keyer1"), as_user("keyer2"), as_user("arbiter")
    book = _book(keyer1, verification_mode="double")
    agreed = _entry(keyer1, book["id"], _birth())
    answer = keyer2.post(f"/api/v1/civil/entries/{agreed['id']}/keyings", json={"fields": _birth(number=1)})
    assert answer.status_code == 200 and answer.get_json()["status"] == "verified"
    assert answer.get_json()["differences"] == []

    entry = _entry(keyer1, book["id"], _birth(name="Lê Văn Cường"))
    url = f"/api/v1/civil/entries/{entry['id']}"
    assert _error(keyer2.post(url + "/verify"))["code"] == "needs_second_keying"
    blind = keyer2.get(url + "?blind=1", purpose=True).get_json()
    assert blind["awaiting_second_keying"] is True and blind["fields"] == {}
    own = keyer1.get(url + "?blind=1", purpose=True).get_json()
    assert own["awaiting_second_keying"] is False and own["fields"]["full_name"]["value"] == "Lê Văn Cường"
    assert _error(keyer1.post(url + "/keyings", json={"fields": _birth(number=2)}))["code"] == "same_person"
    answer = keyer2.post(url + "/keyings", json={"fields": _birth(number=2, name="Lê Văn Cương")})
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "disputed" and answer.get_json()["differences"] == ["full_name"]
    detail = arbiter.get(url, purpose=True).get_json()
    assert detail["disputes"]["full_name"]["round1"]["value"] == "Lê Văn Cường"
    assert detail["disputes"]["full_name"]["round2"]["value"] == "Lê Văn Cương"
    assert _error(keyer2.post(url + "/arbitrate", json={"fields": {"full_name": "Lê Văn Cường"}}))["code"] == \
        "arbiter_is_keyer"
    answer = arbiter.post(url + "/arbitrate", json={"fields": {"sex": 1}})
    assert answer.status_code == 400 and _error(answer)["field"] == "full_name"
    answer = arbiter.post(url + "/arbitrate", json={"fields": {"full_name": "Lê Văn Cương"},
                                                   "reason": "Đối chiếu bản gốc"})
    assert answer.status_code == 200 and answer.get_json()["status"] == "verified"
    revisions = arbiter.get(url + "/revisions", purpose=True).get_json()
    assert [(r["stage"], r["who"], r["reason"]) for r in revisions] == [("arbitration", "arbiter", "Đối chiếu bản gốc")]
    assert revisions[0]["changes"]["full_name"]["old"] == "Lê Văn Cường"

    review_book = _book(keyer1, label="Sổ rà soát", kind="death")
    death = _entry(keyer1, review_book["id"], {"full_name": "Đỗ Văn Dũng", "registered_on": "2024-05-01",
                                               "date_of_death": "2024-04-30", "time_of_death": "14:30"})
    assert death["fields"]["time_of_death"]["value"] == "14:30"
    answer = keyer2.post(f"/api/v1/civil/entries/{death['id']}/keyings", json={"fields": {}})
    assert answer.status_code == 409 and _error(answer)["code"] == "not_double"


def test_other_units_and_roles_without_person_view_get_404(as_user):
    """Bad inputs tried: another unit's civil-status officer, and roles without person.view
    (clerk, administrator) on every read — all answered 404 as if nothing existed; their
    writes are refused by role (403) before any book or entry is looked up; an id beyond
    the database's integers (400)."""
    keyer = as_user("keyer1")
    book = _book(keyer)
    entry = _entry(keyer, book["id"], _birth())
    reads = [f"/api/v1/civil/books/{book['id']}/entries", f"/api/v1/civil/entries/{entry['id']}",
             f"/api/v1/civil/entries/{entry['id']}/revisions"]
    for name in ("other", "clerk1", "admin1"):
        api = as_user(name)
        for url in reads:
            answer = api.get(url, purpose=True)
            assert answer.status_code == 404 and _error(answer)["code"] == "not_found", (name, url)
        assert api.get(reads[0]).status_code == 404, name  # not even the missing purpose is told
    for name in ("clerk1", "admin1"):
        assert as_user(name).get("/api/v1/civil/books").status_code == 404
        for method, url in (("POST", "/api/v1/civil/books"), ("POST", reads[0]), ("PATCH", reads[1]),
                            ("POST", reads[1] + "/verify")):
            assert as_user(name).call(method, url, json={}).status_code == 403, (name, url)
    other = as_user("other")
    assert other.patch(reads[1], json={"fields": {"full_name": "X"}}).status_code == 404
    assert other.post(reads[1] + "/verify").status_code == 404
    assert other.post(reads[0], json={"fields": _birth()}).status_code == 404
    assert keyer.get("/api/v1/civil/entries/99999999999", purpose=True).status_code == 400
    assert keyer.get("/api/v1/civil/entries/999999", purpose=True).status_code == 404
    # one_stop reads civil-status data but does not key it
    desk = as_user("desk")
    assert desk.get(reads[1], purpose=True).status_code == 200
    assert desk.patch(reads[1], json={"fields": {"full_name": "X"}}).status_code == 403


def test_json_carries_vietnamese_letters_as_utf8_in_nfc(as_user):
    """A name sent decomposed (NFD, as some keyboards type it) is stored and answered in NFC,
    and the answer is UTF-8 JSON with the letters themselves, not \\u escapes."""
    keyer = as_user("keyer1")
    book = _book(keyer)
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    entry = _entry(keyer, book["id"], _birth(name=decomposed, place_of_birth="Bệnh viện Đa khoa tỉnh"))
    answer = keyer.get(f"/api/v1/civil/entries/{entry['id']}", purpose=True)
    assert answer.mimetype == "application/json"
    raw = answer.get_data()
    assert "Nguyễn Thị Hoà".encode("utf-8") in raw and "Bệnh viện Đa khoa tỉnh".encode("utf-8") in raw
    assert b"\\u" not in raw
    assert answer.get_json()["fields"]["full_name"]["value"] == unicodedata.normalize("NFC", "Nguyễn Thị Hoà")
    answer = keyer.post(f"/api/v1/civil/books/{book['id']}/entries", json={"fields": _birth(sex=9)})
    assert "Trường 'sex' không hợp lệ".encode("utf-8") in answer.get_data()


def test_pages_are_added_in_order_as_personal_documents(as_user, services):
    """Two scans in one request become pages 1 and 2, documents marked personal data held by
    the office; bad inputs tried: no file part (400 missing_file), a file that is not a
    scan (415), a book of another unit (404), a role without civil.book (403)."""
    keyer = as_user("keyer1")
    book = _book(keyer)
    url = f"/api/v1/civil/books/{book['id']}/pages"
    files = [(io.BytesIO(text_pdf(["SỔ ĐĂNG KÝ KHAI SINH", "Trang 1"])), "trang-1.pdf"),
             (io.BytesIO(text_png(["SỔ ĐĂNG KÝ KHAI SINH", "Trang 2"])), "trang-2.png")]
    answer = keyer.post(url, data={"file": files}, content_type="multipart/form-data")
    assert answer.status_code == 202, answer.get_json()
    pages = answer.get_json()["pages"]
    assert [(p["seq"], p["status"], p["name"]) for p in pages] == [(1, "queued", "trang-1.pdf"),
                                                                  (2, "queued", "trang-2.png")]
    doc = keyer.get(f"/api/v1/documents/{pages[0]['document_id']}", purpose=True).get_json()
    assert doc["personal_data"] is True and doc["unit_id"] == book["office"]["id"]
    assert as_user("clerk1").get(f"/api/v1/documents/{pages[0]['document_id']}").status_code == 404
    assert keyer.get("/api/v1/civil/books").get_json()[0]["pages"] == 2

    answer = keyer.post(url, data={}, content_type="multipart/form-data")
    assert answer.status_code == 400
    answer = keyer.post(url, data={"file": (io.BytesIO(b"just some text, not a scan"), "x.txt")},
                        content_type="multipart/form-data")
    assert answer.status_code == 415
    assert as_user("other").post(url, data={"file": (io.BytesIO(text_pdf(["x"])), "x.pdf")},
                                 content_type="multipart/form-data").status_code == 404
    assert as_user("desk").post(url, data={"file": (io.BytesIO(text_pdf(["x"])), "x.pdf")},
                                content_type="multipart/form-data").status_code == 403


def _conforms(answer, path: str, method: str) -> None:
    """The answer matches what the OpenAPI document promises for its status (the
    conformance run cannot reach stored entries: it has no book to find)."""
    from docsvc.api.openapi import SPEC
    from docsvc.api.validation import check

    schema = SPEC["paths"][path][method]["responses"][str(answer.status_code)]["content"]["application/json"]["schema"]
    check(answer.get_json(), schema, SPEC)


def test_answers_match_the_openapi_document(as_user, services):
    """Every civil answer with data (books, entries of each kind, a disputed entry's detail,
    revisions, errors with their extra members) is checked against its documented schema;
    a field key of another kind in a stored entry would fail the per-kind schema."""
    keyer, reviewer, arbiter = as_user("keyer1"), as_user("keyer2"), as_user("arbiter")
    answer = keyer.post("/api/v1/civil/books", json={"office": "XA-A", "kind": "marriage", "year_from": 2024,
                                                     "label": "Sổ đăng ký kết hôn 2024", "verification_mode": "double"})
    _conforms(answer, "/civil/books", "post")
    book = answer.get_json()
    fields = {"husband_name": "Vũ Văn Hải", "wife_name": "Hoàng Thị Lan", "registered_on": "2024-06-01",
              "husband_date_of_birth": "1995-02-03", "wife_ethnicity": {"value": None, "state": "illegible"},
              "marriage_kind": "first", "registration_kind": 1}
    answer = keyer.post(f"/api/v1/civil/books/{book['id']}/entries", json={"fields": fields})
    _conforms(answer, "/civil/books/{book_id}/entries", "post")
    entry = answer.get_json()
    url = f"/api/v1/civil/entries/{entry['id']}"
    answer = reviewer.post(url + "/keyings", json={"fields": {**fields, "marriage_kind": "again", "number": 1}})
    _conforms(answer, "/civil/entries/{entry_id}/keyings", "post")
    assert answer.get_json()["status"] == "disputed"
    _conforms(arbiter.get(url, purpose=True), "/civil/entries/{entry_id}", "get")
    answer = arbiter.post(url + "/arbitrate", json={"fields": {"marriage_kind": "again"}})
    _conforms(answer, "/civil/entries/{entry_id}/arbitrate", "post")
    answer = arbiter.patch(url, json={"fields": {"wife_residence": "Thôn Đông, xã A"}, "reason": "Bổ sung"})
    _conforms(answer, "/civil/entries/{entry_id}", "patch")
    _conforms(keyer.get(url + "/revisions", purpose=True), "/civil/entries/{entry_id}/revisions", "get")
    _conforms(keyer.get(f"/api/v1/civil/books/{book['id']}/entries", purpose=True),
              "/civil/books/{book_id}/entries", "get")
    _conforms(keyer.get("/api/v1/civil/books"), "/civil/books", "get")

    review = _book(keyer, kind="death")
    death = keyer.post(f"/api/v1/civil/books/{review['id']}/entries", json={"fields": {
        "full_name": "Đỗ Văn Dũng", "registered_on": "2024-05-01", "time_of_death": "07:05", "sex": 1}})
    _conforms(death, "/civil/books/{book_id}/entries", "post")
    _conforms(reviewer.post(f"/api/v1/civil/entries/{death.get_json()['id']}/verify"),
              "/civil/entries/{entry_id}/verify", "post")
    for answer, path, method in (
            (keyer.post(f"/api/v1/civil/books/{review['id']}/entries", json={"fields": {"number": 1}}),
             "/civil/books/{book_id}/entries", "post"),                                  # 409 duplicate_number
            (keyer.patch(url, json={"fields": {"wife_name": "X"}}), "/civil/entries/{entry_id}", "patch"),  # 409
            (keyer.post(f"/api/v1/civil/books/{review['id']}/entries", json={"fields": {"husband_name": "X"}}),
             "/civil/books/{book_id}/entries", "post"),                                  # 400 with field
            (as_user("other").get(url, purpose=True), "/civil/entries/{entry_id}", "get")):  # 404
        assert answer.status_code in (400, 404, 409)
        _conforms(answer, path, method)


@pytest.mark.ocr
def test_a_book_is_exported_as_the_national_package(as_user, services):
    """GET /civil/books/{id}/export answers the zip (one PDF per entry, named by number, and
    the XLSX); inputs tried: a book with no entries (409 `empty`), a role without
    civil.export (403), another office's officer (404)."""
    import zipfile

    from archive.models import Page
    from docsvc.worker import wait_for_jobs

    keyer = as_user("keyer1")
    book = _book(keyer)
    assert keyer.get(f"/api/v1/civil/books/{book['id']}/export").status_code == 409
    scan = io.BytesIO(text_png(["SỔ ĐĂNG KÝ KHAI SINH", "Số: 01", "Họ, chữ đệm, tên: Nguyễn Văn An"]))
    [page] = keyer.post(f"/api/v1/civil/books/{book['id']}/pages", data={"file": (scan, "trang-1.png")},
                        content_type="multipart/form-data").get_json()["pages"]
    wait_for_jobs(services, [page["job_id"]], timeout=600)
    with services.session_factory() as db:
        page_id = db.query(Page.id).filter(Page.document_id == page["document_id"]).scalar()
    for number, name in ((1, "Nguyễn Văn An"), (2, "Trần Thị Bình")):
        answer = keyer.post(f"/api/v1/civil/books/{book['id']}/entries",
                            json={"fields": _birth(number, name), "page_id": page_id, "box": [0, 0, 400, 300]})
        assert answer.status_code == 201, answer.get_json()

    answer = keyer.get(f"/api/v1/civil/books/{book['id']}/export")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    names = sorted(zipfile.ZipFile(io.BytesIO(answer.data)).namelist())
    assert [n for n in names if n.endswith(".pdf")] == ["01.pdf", "02.pdf"]
    assert len([n for n in names if n.endswith(".xlsx")]) == 1
    assert as_user("clerk1").get(f"/api/v1/civil/books/{book['id']}/export").status_code == 403
    assert as_user("other").get(f"/api/v1/civil/books/{book['id']}/export").status_code == 404
