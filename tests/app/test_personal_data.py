"""Personal data is personal everywhere (issue 9 §1).

A document marked ``personal_data`` is absent (404, never 403) for everyone without
``person.view`` — a clerk of its own unit or of another, a viewer, the administrator — on
every route: web list, home counts, detail, page image, thumbnail, original, job progress,
and their API equivalents. A civil-status officer of its unit reads it only with a purpose
(web: chosen once per session on the purpose page; API: ``purpose=`` or ``X-Purpose``, else
400), and every read is in the personal-data log, which ``docsvc audit personal`` and the
admin page list and filter.

Bad inputs tried: a purpose that is not in the list, ``other`` without text, a code with
text, a header that is not UTF-8 once decoded, an outside ``next`` address on the purpose
page, clearing the mark by PATCH, a mark value that is not a yes/no, a civil-status officer
of another unit, a purpose given by someone without ``person.view``.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import pytest

from archive.audit import AuditRecord
from archive.models import Document
from docsvc.documents.submit import submit_stream
from docsvc.worker import wait_for_jobs
from search import PersonRecord
from tests.app.inputs import text_pdf
from tests.conftest import Api, csrf_token, login

PERSONAL_LINES = ["SỔ ĐĂNG KÝ KHAI SINH", "Họ và tên: Nguyễn Văn Hùng", "Ngày sinh: 12/03/1985",
                  "Nơi đăng ký: xã A, quyển 01/1985"]
ORDINARY_LINES = ["ỦY BAN NHÂN DÂN", "Số: 41/TB-UBND", "THÔNG BÁO", "Về việc lịch tiếp công dân"]


@pytest.fixture
def docs(services, accounts):
    """A processed personal document (a register page) and an ordinary one, both in commune A."""
    personal = submit_stream(services, io.BytesIO(text_pdf(PERSONAL_LINES)), "so-khai-sinh.pdf",
                             principal=accounts.system, unit_code="XA-A", personal_data=True)
    ordinary = submit_stream(services, io.BytesIO(text_pdf(ORDINARY_LINES)), "thong-bao.pdf",
                             principal=accounts.system, unit_code="XA-A")
    wait_for_jobs(services, [personal.job_id, ordinary.job_id], timeout=120)
    return {"personal": personal, "ordinary": ordinary}


@pytest.fixture
def people(accounts):
    accounts.user("clerk_a", "clerk", unit="XA-A", clearance=3)
    accounts.user("clerk_b", "clerk", unit="XA-B", clearance=3)
    accounts.user("xem", "viewer", unit="XA-A", clearance=3)
    accounts.user("boss", "admin", unit="XA-A", clearance=3)
    accounts.user("hoa", "civil_status", unit="XA-A")
    accounts.user("hoa_b", "civil_status", unit="XA-B")
    accounts.user("luu", "archivist", unit="XA-A", clearance=3)


def _reads(services, username=None) -> list[dict]:
    """The personal-data reads logged, oldest first: (actor, what, object id, details)."""
    with services.session_factory() as db:
        query = db.query(AuditRecord).filter(AuditRecord.action == "person.read")
        if username:
            query = query.filter(AuditRecord.actor == username)
        return [{"actor": r.actor, "object_id": r.object_id, **(r.details or {})}
                for r in query.order_by(AuditRecord.seq)]


def _api_urls(sub) -> list[str]:
    d = sub.document_id
    return [f"/api/v1/documents/{d}", f"/api/v1/documents/{d}/original", f"/api/v1/documents/{d}/pages/1/image",
            f"/api/v1/documents/{d}/pages/1/thumbnail", f"/api/v1/documents/{d}/pages/2/image",
            f"/api/v1/jobs/{sub.job_id}"]


def _web_urls(sub) -> list[str]:
    d = sub.document_id
    return [f"/documents/{d}", f"/documents/{d}/download", f"/documents/{d}/pages/1/image",
            f"/documents/{d}/pages/1/thumbnail", f"/documents/{d}/pages/2/image", f"/jobs/{sub.job_id}/progress"]


@pytest.mark.parametrize("username", ["clerk_a", "clerk_b", "xem", "boss"])
def test_without_person_view_a_personal_document_does_not_exist(app, services, accounts, docs, people, username):
    personal, ordinary = docs["personal"], docs["ordinary"]
    api = Api(app.test_client(), accounts.token(username))
    listing = api.get("/api/v1/documents").get_json()
    assert personal.document_id not in {item["id"] for item in listing["items"]}
    for url in _api_urls(personal):
        for extra in ({}, {"query_string": {"purpose": "verification"}}):  # a purpose opens nothing
            response = api.get(url, **extra)
            assert response.status_code == 404, (url, response.status_code)
            assert response.get_json()["error"]["code"] == "not_found"
    patched = api.client.patch(f"/api/v1/documents/{personal.document_id}", json={"title": "x"},
                               headers=api.headers)
    assert patched.status_code in (403, 404)  # the viewer's role cannot edit at all; others: not found

    client = app.test_client()
    login(client, username, accounts.passwords[username])
    page = client.get("/documents").get_data(as_text=True)
    assert f'/documents/{personal.document_id}"' not in page
    for url in _web_urls(personal):
        assert client.get(url).status_code == 404, url
    home = client.get("/").get_data(as_text=True).replace("\n", "")
    visible_ordinary = username != "clerk_b"
    done = re.search(r'stat-number">(\d+)<', home)  # the first counter (roles that upload): documents done
    if done:
        assert int(done.group(1)) == (1 if visible_ordinary else 0)
    assert f'/documents/{personal.document_id}"' not in home
    if visible_ordinary:  # the control: the same routes open the ordinary document
        assert ordinary.document_id in {item["id"] for item in listing["items"]} and listing["total"] == 1
        assert api.get(f"/api/v1/documents/{ordinary.document_id}/pages/1/thumbnail").status_code == 200
        assert client.get(f"/documents/{ordinary.document_id}").status_code == 200
    assert _reads(services) == []


def test_a_civil_status_officer_reads_on_the_web_after_choosing_a_purpose(app, services, accounts, docs, people):
    personal, ordinary = docs["personal"], docs["ordinary"]
    client = app.test_client()
    login(client, "hoa", accounts.passwords["hoa"])
    detail = f"/documents/{personal.document_id}"
    listing = client.get("/documents").get_data(as_text=True)
    assert f'{detail}"' in listing and f'/documents/{ordinary.document_id}"' not in listing
    assert client.get(f"/documents/{ordinary.document_id}").status_code == 404  # not theirs to open

    for url in (detail, f"{detail}/pages/1/image", f"{detail}/download"):
        first = client.get(url)
        assert first.status_code == 302 and "/purpose?next=" in first.headers["Location"], url
    assert _reads(services) == []  # nothing was read yet

    form = client.get(first.headers["Location"])
    text = form.get_data(as_text=True)
    assert form.status_code == 200 and "Giải quyết yêu cầu cấp trích lục" in text and "Khác (ghi rõ)" in text
    token = csrf_token(client)
    for bad in ({"purpose": "tò mò"}, {"purpose": "other", "purpose_text": "  "}, {}):
        refused = client.post("/purpose", data={"csrf_token": token, "next": detail, **bad})
        assert refused.status_code == 400, bad
    outside = client.post("/purpose", data={"csrf_token": token, "purpose": "statistics",
                                            "next": "https://evil.example/x"})
    assert outside.status_code == 302 and outside.headers["Location"] in ("/", "http://localhost/")
    chosen = client.post("/purpose", data={"csrf_token": token, "purpose": "extract_request", "next": detail})
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith(detail)

    page = client.get(detail)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nguyễn Văn Hùng" in body
    assert "Mục đích" in body and "Giải quyết yêu cầu cấp trích lục" in body  # shown in the header
    image = client.get(f"{detail}/pages/1/image")
    assert image.status_code == 200 and image.headers["Cache-Control"] == "no-store"
    assert client.get(f"{detail}/download").status_code == 200
    assert [(r["actor"], r["object_id"], r["what"], r["purpose"], r.get("page"), r["via"])
            for r in _reads(services)] == [
        ("hoa", str(personal.document_id), "document", "extract_request", None, "session"),
        ("hoa", str(personal.document_id), "page_image", "extract_request", 1, "session"),
        ("hoa", str(personal.document_id), "original", "extract_request", None, "session"),
    ]
    # Changed once: later reads carry the new purpose and its text.
    client.post("/purpose", data={"csrf_token": token, "purpose": "other", "purpose_text": "Hỏi của tòa án",
                                  "next": detail})
    client.get(f"{detail}/pages/1/thumbnail")
    last = _reads(services)[-1]
    assert (last["what"], last["purpose"], last["purpose_text"]) == ("thumbnail", "other", "Hỏi của tòa án")


def test_the_api_needs_a_purpose_for_a_personal_read(app, services, accounts, docs, people):
    personal, ordinary = docs["personal"], docs["ordinary"]
    api = Api(app.test_client(), accounts.token("hoa"))
    reads = _api_urls(personal)[:4]
    for url in reads:
        response = api.get(url)
        assert response.status_code == 400, url
        assert response.get_json()["error"]["code"] == "purpose_required"
    assert _reads(services) == []
    assert api.get(f"/api/v1/jobs/{personal.job_id}").status_code == 200  # progress shows no personal data
    for bad in ("tò mò", "other", "other:", "verification:extra", "VERIFICATION"):
        response = api.get(reads[0], query_string={"purpose": bad})
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_purpose", bad
    not_utf8 = api.get(reads[0], headers={"X-Purpose": "other:%FF%FE"})
    assert not_utf8.status_code == 400 and not_utf8.get_json()["error"]["code"] == "invalid_purpose"

    shown = api.get(reads[0], query_string={"purpose": "verification"})
    assert shown.status_code == 200
    data = shown.get_json()
    assert data["personal_data"] is True and "Nguyễn Văn Hùng" in data["pages"][0]["text"]
    header = api.get(reads[2], headers={"X-Purpose": "other:%C4%91%E1%BB%91i%20chi%E1%BA%BFu%20h%E1%BB%93%20s%C6%A1"})
    assert header.status_code == 200 and header.mimetype == "image/jpeg"
    assert header.headers["Cache-Control"] == "no-store" and "ETag" not in header.headers  # each read reaches us
    assert api.get(reads[1], query_string={"purpose": "correction"}).status_code == 200
    assert [(r["what"], r["purpose"], r.get("purpose_text"), r["via"]) for r in _reads(services, "hoa")] == [
        ("document", "verification", None, "token"),
        ("page_image", "other", "đối chiếu hồ sơ", "token"),
        ("original", "correction", None, "token"),
    ]
    # Not theirs: an ordinary document, and a civil-status officer of another commune.
    assert api.get(f"/api/v1/documents/{ordinary.document_id}", query_string={"purpose": "verification"}
                   ).status_code == 404
    other_unit = Api(app.test_client(), accounts.token("hoa_b"))
    for url in reads:
        assert other_unit.get(url, query_string={"purpose": "verification"}).status_code == 404, url
    assert other_unit.get("/api/v1/documents").get_json()["total"] == 0


def test_the_mark_is_set_on_upload_and_by_editing_and_never_cleared(app, client, services, accounts, docs, people):
    clerk = Api(app.test_client(), accounts.token("clerk_a"))
    archivist = Api(app.test_client(), accounts.token("luu"))
    marked = clerk.post("/api/v1/documents", data={"file": (io.BytesIO(text_pdf(["Trang sổ hộ tịch 2"])), "p.pdf"),
                                                   "personal_data": "true"}, content_type="multipart/form-data")
    assert marked.status_code == 202
    new_id = marked.get_json()["document_id"]
    assert clerk.get(f"/api/v1/documents/{new_id}").status_code == 404  # the uploader lacks person.view
    shown = archivist.get(f"/api/v1/documents/{new_id}", query_string={"purpose": "statistics"}).get_json()
    assert shown["personal_data"] is True
    bad = clerk.post("/api/v1/documents", data={"file": (io.BytesIO(text_pdf(["x"])), "x.pdf"),
                                                "personal_data": "maybe"}, content_type="multipart/form-data")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_field"

    personal_id = docs["personal"].document_id
    for value in (False, None, ""):
        cleared = archivist.client.patch(f"/api/v1/documents/{personal_id}", json={"personal_data": value},
                                         headers=archivist.headers)
        expected = (409, "personal_data_kept") if value is False else (400, "invalid_field")  # not a boolean
        assert (cleared.status_code, cleared.get_json()["error"]["code"]) == expected, value
    with services.session_factory() as db:
        assert db.get(Document, personal_id).personal_data is True

    ordinary_id = docs["ordinary"].document_id
    set_by_api = clerk.client.patch(f"/api/v1/documents/{ordinary_id}", json={"personal_data": True},
                                    headers=clerk.headers)
    assert set_by_api.status_code == 200 and set_by_api.get_json()["changed"] == ["personal_data"]
    assert clerk.get(f"/api/v1/documents/{ordinary_id}").status_code == 404  # now personal: gone for the clerk

    # The web: the upload form's box and the edit form's box.
    login(client, "clerk_a", accounts.passwords["clerk_a"])
    token = csrf_token(client)
    web = client.post("/upload", data={"file": (io.BytesIO(text_pdf(["Trang sổ hộ tịch 3"])), "w.pdf"),
                                       "personal_data": "true"},
                      headers={"X-CSRFToken": token}, content_type="multipart/form-data")
    assert web.status_code == 202
    plain = client.post("/upload", data={"file": (io.BytesIO(text_pdf(["Công văn thường"])), "c.pdf")},
                        headers={"X-CSRFToken": token}, content_type="multipart/form-data")
    plain_id = plain.get_json()["document_id"]
    edited = client.post(f"/documents/{plain_id}/fields", data={"csrf_token": token, "personal_data": "on"})
    assert edited.status_code == 302 and edited.headers["Location"].endswith("/documents")
    with services.session_factory() as db:
        assert db.get(Document, web.get_json()["document_id"]).personal_data is True
        assert db.get(Document, plain_id).personal_data is True


def test_the_cli_marks_shows_with_a_purpose_and_lists_the_log(app, services, accounts, docs, people, tmp_path,
                                                              monkeypatch):
    runner = app.test_cli_runner()
    pdf = tmp_path / "so.pdf"
    pdf.write_bytes(text_pdf(["Sổ khai sinh quyển 02/1990"]))
    ingested = runner.invoke(args=["ingest", str(pdf), "--personal", "--unit", "XA-A", "--json"])
    assert ingested.exit_code == 0, ingested.output
    new_id = json.loads(ingested.output)[0]["document_id"]
    with services.session_factory() as db:
        assert db.get(Document, new_id).personal_data is True

    monkeypatch.setenv("DOCSVC_USER", "hoa")
    personal_id = str(docs["personal"].document_id)
    refused = runner.invoke(args=["show", personal_id, "--json"])
    assert refused.exit_code == 2 and "--purpose" in refused.output
    assert runner.invoke(args=["show", personal_id, "--purpose", "nonsense"]).exit_code == 1
    shown = runner.invoke(args=["show", personal_id, "--json", "--purpose", "other:Trả lời công an huyện"])
    assert shown.exit_code == 0 and json.loads(shown.output)["personal_data"] is True
    monkeypatch.setenv("DOCSVC_USER", "clerk_a")
    assert runner.invoke(args=["show", personal_id, "--purpose", "verification"]).exit_code == 1  # not found

    monkeypatch.setenv("DOCSVC_USER", "hoa")
    assert runner.invoke(args=["audit", "personal", "--json"]).exit_code == 1  # audit.view: administrators only
    monkeypatch.delenv("DOCSVC_USER")

    from docsvc.audit.personal import make_purpose, record_personal_read

    officer = accounts.principal("hoa")
    record_personal_read(services, officer, make_purpose("verification"), what="entry",
                         object_type="civil_status_entry", object_id=7, person="Trần Thị Mai")
    record_personal_read(services, officer, make_purpose("extract_request"), what="search", object_type="search",
                         person="nguyen van hung", query="nguyen van hung", persons=["Nguyễn Văn Hùng"])

    def log(*args):
        result = runner.invoke(args=["audit", "personal", "--json", *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    everything = log()
    assert [(e["user"], e["what"], e["purpose"]) for e in everything] == [
        ("hoa", "search", "extract_request"), ("hoa", "entry", "verification"), ("hoa", "document", "other")]
    assert everything[2]["purpose_text"] == "Trả lời công an huyện"
    assert everything[2]["object_id"] == personal_id and everything[2]["details"]["via"] == "cli"
    hung = log("--person", "Nguyễn Văn Hùng")  # with diacritics, finds the record typed without
    assert [e["what"] for e in hung] == ["search"]
    assert [e["person"] for e in log("--person", "tran thi")] == ["Trần Thị Mai"]
    assert log("--person", "Lê Văn") == []
    today = date.today()
    assert len(log("--since", today.isoformat())) == 3
    assert log("--since", (today + timedelta(days=1)).isoformat()) == []
    assert log("--until", (today - timedelta(days=1)).isoformat()) == []
    assert len(log("--user", "hoa", "--person", "mai")) == 1
    assert runner.invoke(args=["audit", "personal", "--since", "05/01/2026"]).exit_code != 0

    plain = runner.invoke(args=["audit", "personal", "--person", "Mai"])
    assert plain.exit_code == 0 and "Trần Thị Mai" in plain.output and "Xác minh, đối chiếu" in plain.output


def test_the_admin_page_lists_the_log_in_sentences(app, client, services, accounts, docs, people):
    api = Api(app.test_client(), accounts.token("hoa"))
    assert api.get(f"/api/v1/documents/{docs['personal'].document_id}/pages/1/thumbnail",
                   query_string={"purpose": "statistics"}).status_code == 200
    from docsvc.audit.personal import make_purpose, record_personal_read

    record_personal_read(services, accounts.principal("hoa"), make_purpose("verification"), what="suggest",
                         object_type="search", person="Trần Th", query="Trần Th", persons=["Trần Thị Mai"])
    login(client, "hoa", accounts.passwords["hoa"])
    assert client.get("/admin/personal-log").status_code == 403
    login(client, "boss", accounts.passwords["boss"])
    page = client.get("/admin/personal-log").get_data(as_text=True)
    assert f"Xem ảnh thu nhỏ trang 1 của văn bản #{docs['personal'].document_id}" in page
    assert "Thống kê, báo cáo" in page and "Gõ “Trần Th”, được gợi ý các tên: Trần Thị Mai" in page
    filtered = client.get("/admin/personal-log", query_string={"person": "tran thi"}).get_data(as_text=True)
    assert "Trần Thị Mai" in filtered and "Xem ảnh thu nhỏ" not in filtered
    nobody = client.get("/admin/personal-log", query_string={"user": "clerk_a"}).get_data(as_text=True)
    assert "Không có lần xem dữ liệu cá nhân nào." in nobody
    english = client.get("/admin/personal-log?lang=en").get_data(as_text=True)
    assert "Personal-data log" in english and "Statistics, reporting" in english


def _index_people(services, accounts):
    from sqlalchemy import select

    from archive.accounts import Unit

    with services.session_factory() as db:
        unit_a = db.scalar(select(Unit.id).where(Unit.code == "XA-A"))
    services.search_index.update([
        PersonRecord(entry_id=1, event="birth", full_name="Nguyễn Văn Hùng", date_of_birth=date(1985, 3, 12),
                     registered_on=date(1985, 3, 20), year=1985, book="01/1985", unit_id=unit_a, unit="XA-A",
                     version="1"),
        PersonRecord(entry_id=2, event="birth", full_name="Nguyễn Văn Hưng", date_of_birth=date(1986, 4, 1),
                     registered_on=date(1986, 4, 9), year=1986, book="01/1986", unit_id=unit_a, unit="XA-A",
                     version="1"),
    ])


def test_searches_and_suggestions_over_people_need_a_purpose_and_are_logged(app, services, accounts, docs, people):
    _index_people(services, accounts)
    api = Api(app.test_client(), accounts.token("hoa"))
    q = {"q": "Nguyễn Văn Hùng", "kind": "person"}
    refused = api.get("/api/v1/search", query_string=q)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "purpose_required"
    suggest = api.get("/api/v1/search/suggest", query_string={"q": "Nguyễn Văn H"})
    assert suggest.status_code == 400 and suggest.get_json()["error"]["code"] == "purpose_required"
    assert _reads(services) == []
    found = api.get("/api/v1/search", query_string={**q, "purpose": "extract_request"})
    assert found.status_code == 200 and 1 in [h["id"] for h in found.get_json()["hits"]]
    names = api.get("/api/v1/search/suggest", query_string={"q": "Nguyễn Văn H"},
                    headers={"X-Purpose": "verification"}).get_json()["suggestions"]
    assert any(s["kind"] == "person" for s in names)
    search_read, suggest_read = _reads(services, "hoa")
    assert (search_read["what"], search_read["purpose"], search_read["query"]) == (
        "search", "extract_request", "Nguyễn Văn Hùng")
    assert sorted(search_read["entries"]) == [1, 2] and "Nguyễn Văn Hùng" in search_read["persons"]
    assert (suggest_read["what"], suggest_read["purpose"]) == ("suggest", "verification")
    assert {s["text"] for s in names if s["kind"] == "person"} <= set(suggest_read["persons"])

    # The web page: sent to choose a purpose, back to the whole page (not the fragment).
    client = app.test_client()
    login(client, "hoa", accounts.passwords["hoa"])
    web = client.get("/search", query_string={**q, "fragment": "1"})
    assert web.status_code == 302 and "/purpose?next=" in web.headers["Location"]
    assert "fragment" not in web.headers["Location"]
    assert client.get("/search/suggest", query_string={"q": "Nguyễn Văn H"}).get_json() == []  # names withheld
    assert len(_reads(services, "hoa")) == 2
    client.post("/purpose", data={"csrf_token": csrf_token(client), "purpose": "correction", "next": "/"})
    assert client.get("/search", query_string=q).status_code == 200
    assert any(s["kind"] == "person" for s in client.get("/search/suggest", query_string={"q": "Nguyễn Văn H"}
                                                         ).get_json())
    assert [(r["what"], r["purpose"]) for r in _reads(services, "hoa")[2:]] == [
        ("search", "correction"), ("suggest", "correction")]


def test_a_search_hit_on_a_personal_document_is_a_personal_read(app, services, accounts, docs, people):
    """An archivist searches documents and people: a hit on a personal document needs a
    purpose; a search that finds only ordinary documents does not."""
    api = Api(app.test_client(), accounts.token("luu"))
    ordinary = api.get("/api/v1/search", query_string={"q": "lịch tiếp công dân"})
    assert ordinary.status_code == 200 and ordinary.get_json()["total"] >= 1
    assert _reads(services) == []
    q = {"q": "sổ đăng ký khai sinh", "kind": "document"}
    assert api.get("/api/v1/search", query_string=q).get_json()["error"]["code"] == "purpose_required"
    found = api.get("/api/v1/search", query_string={**q, "purpose": "statistics"})
    assert found.status_code == 200
    assert docs["personal"].document_id in [h["id"] for h in found.get_json()["hits"]]
    [read] = _reads(services, "luu")
    assert (read["what"], read["documents"], read["purpose"]) == (
        "search", [docs["personal"].document_id], "statistics")
    # A clerk of the same unit (no person.view) is never shown a hit on it, with or without a purpose.
    clerk = Api(app.test_client(), accounts.token("clerk_a"))
    for extra in ({}, {"purpose": "statistics"}):
        response = clerk.get("/api/v1/search", query_string={**q, **extra})
        assert response.status_code == 200
        assert docs["personal"].document_id not in [h["id"] for h in response.get_json()["hits"]]
    assert len(_reads(services)) == 1
