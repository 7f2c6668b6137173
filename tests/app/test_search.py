"""Search in the app: the CLI and API answer the same JSON; results stay within what the
user may see (totals and facets too); the index follows the database after processing
and after an edit; `reindex --check` finds and repairs what is missing or stale; a deleted
or corrupted index is detected and rebuilt, and search answers 503 with a message while
that runs."""

from __future__ import annotations

import io
import json
import shutil
import threading
from pathlib import Path

import pytest

from docsvc.finding import indexing
from docsvc.documents.submit import submit_stream
from docsvc.worker import wait_for_jobs
from tests.app.inputs import text_pdf
from tests.conftest import Api

DOCS = [  # number, unit, secrecy, lines
    (135, "XA-A", 0, ["KẾ HOẠCH", "Về việc số hóa sổ hộ tịch từ năm 1956", "Chuyển đổi số trong công tác hộ tịch"]),
    (136, "XA-A", 1, ["QUYẾT ĐỊNH", "Về việc khen thưởng tập thể", "Chuyển đổi số được khen thưởng"]),
    (137, "XA-B", 0, ["THÔNG BÁO", "Về việc lịch tiếp công dân", "Chuyển đổi số ở xã B"]),
]
ABBR = {"KẾ HOẠCH": "KH", "QUYẾT ĐỊNH": "QĐ", "THÔNG BÁO": "TB"}


@pytest.fixture
def corpus(services, accounts):
    subs = []
    for number, unit, secrecy, lines in DOCS:
        body = ["ỦY BAN NHÂN DÂN XÃ", f"Số: {number}/{ABBR[lines[0]]}-UBND", "ngày 05 tháng 01 năm 2026", *lines]
        subs.append(submit_stream(services, io.BytesIO(text_pdf(body)), f"{number}.pdf", principal=accounts.system,
                                  unit_code=unit, secrecy=secrecy))
    wait_for_jobs(services, [s.job_id for s in subs], timeout=600)  # indexed as each one is done
    return {number: sub.document_id for (number, *_), sub in zip(DOCS, subs)}


def _search(api, q, **params):
    response = api.get("/api/v1/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_cli_and_api_give_the_same_answer(app, accounts, corpus):
    accounts.user("lan", "clerk", unit="UBND", clearance=3)
    runner = app.test_cli_runner()
    cli = runner.invoke(args=["search", "135/KH-UBND", "--json"])
    assert cli.exit_code == 0, cli.output
    data = json.loads(cli.output)
    assert data["total"] == 1
    [hit] = data["hits"]
    assert (hit["kind"], hit["id"], hit["page"]) == ("document", corpus[135], 1)
    assert hit["title"].startswith("Kế hoạch 135/KH-UBND") and isinstance(hit["score"], float)
    api = _search(Api(app.test_client(), accounts.token("lan")), "135/KH-UBND")
    assert [(h["id"], h["page"], h["title"]) for h in api["hits"]] == [(hit["id"], hit["page"], hit["title"])]
    diacritics_free = json.loads(runner.invoke(args=["search", "so hoa ho tich", "--json"]).output)
    assert [h["id"] for h in diacritics_free["hits"]] == [corpus[135]]
    assert any("<mark>" in s for s in diacritics_free["hits"][0]["highlights"])


def test_results_totals_and_facets_stay_within_access(app, accounts, corpus):
    accounts.user("a_plain", "clerk", unit="XA-A", clearance=0)
    accounts.user("a_cleared", "clerk", unit="XA-A", clearance=1)
    accounts.user("province", "leader", unit="UBND", clearance=3)
    found = {}
    for name in ("a_plain", "a_cleared", "province"):
        result = _search(Api(app.test_client(), accounts.token(name)), '"chuyển đổi số"')
        found[name] = result
    assert {h["id"] for h in found["a_plain"]["hits"]} == {corpus[135]} and found["a_plain"]["total"] == 1
    assert sum(found["a_plain"]["facets"]["type"].values()) == 1
    assert {h["id"] for h in found["a_cleared"]["hits"]} == {corpus[135], corpus[136]}
    assert found["province"]["total"] == 3 and set(found["province"]["facets"]["unit"]) == {"XA-A", "XA-B"}
    # the secret one cannot be reached by its number either
    assert _search(Api(app.test_client(), accounts.token("a_plain")), "136/QĐ-UBND")["total"] == 0
    hidden = app.test_cli_runner().invoke(args=["search", "136", "--json"], env={"DOCSVC_USER": "a_plain"})
    assert json.loads(hidden.output)["total"] == 0


def test_search_needs_a_token_and_a_role_that_may_search(app, client, accounts, corpus):
    assert client.get("/api/v1/search?q=hộ tịch").status_code == 401
    accounts.user("motcua", "one_stop")  # may search people and personal documents, no others
    api = Api(app.test_client(), accounts.token("motcua"))
    assert _search(api, "hộ tịch", kind="document")["total"] == 0
    assert _search(api, "hộ tịch")["total"] == 0  # no document leaks into a people search
    assert _search(api, "135/KH-UBND")["total"] == 0


def test_an_edit_is_searchable_at_once(app, accounts, corpus):
    accounts.user("lan", "clerk", unit="XA-A", clearance=1)
    api = Api(app.test_client(), accounts.token("lan"))
    assert _search(api, "phòng cháy")["total"] == 0
    response = api.client.patch(f"/api/v1/documents/{corpus[135]}", headers=api.headers,
                                json={"abstract": "Tăng cường phòng cháy, chữa cháy", "number": "140"})
    assert response.status_code == 200 and set(response.get_json()["changed"]) == {"abstract", "number"}
    assert [h["id"] for h in _search(api, "phòng cháy")["hits"]] == [corpus[135]]
    assert [h["id"] for h in _search(api, "140/KH-UBND")["hits"]] == [corpus[135]]
    bad = api.client.patch(f"/api/v1/documents/{corpus[135]}", headers=api.headers, json={"issued_on": "31/02/2026"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_field"
    typo = api.client.patch(f"/api/v1/documents/{corpus[135]}", headers=api.headers, json={"nubmer": 1})
    assert typo.status_code == 400


def test_reindex_check_reports_and_repairs(app, services, corpus):
    services.search_index.delete("document", [corpus[135]])
    from sqlalchemy import update

    from archive.models import Document, utcnow

    with services.session_factory() as db:  # changed behind the index's back
        db.execute(update(Document).where(Document.id == corpus[137]).values(updated_at=utcnow()))
        db.commit()
    runner = app.test_cli_runner()
    report = json.loads(runner.invoke(args=["reindex", "--check", "--json"]).output)
    assert report["missing"] == [corpus[135]] and report["stale"] == [corpus[137]] and report["repaired"] == 2
    again = json.loads(runner.invoke(args=["reindex", "--check", "--json"]).output)
    assert again["missing"] == [] and again["stale"] == [] and again["checked"] == 3


def _index_dir(services) -> Path:
    return Path(services.search_index.path("document"))


def test_a_deleted_index_is_detected_and_rebuilt_and_search_says_so_meanwhile(app, services, accounts, corpus,
                                                                             monkeypatch):
    accounts.user("lan", "leader", unit="UBND", clearance=3)
    api = Api(app.test_client(), accounts.token("lan"))
    shutil.rmtree(_index_dir(services))
    missing = api.get("/api/v1/search", query_string={"q": "hộ tịch"})
    assert missing.status_code == 503 and missing.get_json()["error"]["code"] == "index_unavailable"
    assert "thử lại" in missing.get_json()["error"]["message"] and missing.headers["Retry-After"]

    release, started = threading.Event(), threading.Event()
    real_fetch = indexing.fetch_chunk

    def slow_fetch(svc, after):
        started.set()
        release.wait(30)
        return real_fetch(svc, after)

    monkeypatch.setattr(indexing, "fetch_chunk", slow_fetch)
    thread = indexing.ensure_index(services)  # what serve and worker do at start
    assert thread is not None and started.wait(10)
    during = api.get("/api/v1/search", query_string={"q": "hộ tịch"})
    assert during.status_code == 503 and during.get_json()["error"]["state"] == "rebuilding"
    page_client = app.test_client()
    from tests.conftest import login

    login(page_client, "lan", accounts.passwords["lan"])
    page = page_client.get("/search?q=hộ+tịch")
    assert page.status_code == 503 and "dựng lại" in page.get_data(as_text=True)
    release.set()
    thread.join(60)
    assert [h["id"] for h in _search(api, "sổ hộ tịch")["hits"]] == [corpus[135]]


def test_a_corrupted_index_is_detected_and_rebuilt(app, services, accounts, corpus):
    for f in _index_dir(services).iterdir():
        if f.suffix in (".toc", ".seg", ".trm", ".pst") or f.name.startswith("_"):
            f.write_bytes(b"\0garbage" * 10)
    assert indexing.needs_rebuild(services.search_index) == ["document"]
    accounts.user("lan", "leader", unit="UBND", clearance=3)
    api = Api(app.test_client(), accounts.token("lan"))
    assert api.get("/api/v1/search", query_string={"q": "hộ tịch"}).status_code == 503
    indexing.ensure_index(services, background=False)
    assert indexing.needs_rebuild(services.search_index) == []
    assert _search(api, "135/KH-UBND")["total"] == 1


def test_an_interrupted_reindex_resumes(app, services, corpus, monkeypatch):
    real_fetch, calls = indexing.fetch_chunk, []
    monkeypatch.setattr(indexing, "CHUNK", 1)  # one page per chunk, a checkpoint after each

    def failing_fetch(svc, after):
        calls.append(after)
        if len(calls) == 3:
            raise ConnectionError("database went away")
        return real_fetch(svc, after)

    monkeypatch.setattr(indexing, "fetch_chunk", failing_fetch)
    with pytest.raises(ConnectionError):
        indexing.rebuild(services, kinds=["document"], commit_every=1)
    monkeypatch.setattr(indexing, "fetch_chunk", real_fetch)
    report = indexing.rebuild(services, kinds=["document"], commit_every=1)["document"]
    assert report.resumed and report.records == 1 and report.total == 3  # two kept from the first run
    assert json.loads(app.test_cli_runner().invoke(args=["reindex", "--check", "--json"]).output)["missing"] == []


def test_warming_at_start_runs_in_the_background_and_changes_no_answer(app, services, accounts, corpus, caplog):
    accounts.user("lan", "clerk", unit="UBND", clearance=3)
    api = Api(app.test_client(), accounts.token("lan"))
    before = _search(api, "chuyen doi so")
    with caplog.at_level("INFO", logger="docsvc.finding.indexing"):
        thread = indexing.warm_index(services)
        thread.join(timeout=60)
    assert not thread.is_alive()
    assert "search index warmed" in caplog.text and "failed" not in caplog.text
    after = _search(api, "chuyen doi so")
    assert after["total"] == before["total"] == 3
    assert [h["id"] for h in after["hits"]] == [h["id"] for h in before["hits"]]


def _mark_personal(services, doc_id):
    from archive.models import Document

    with services.session_factory() as db:
        db.get(Document, doc_id).personal_data = True
        db.commit()


def _ids(result):
    return {h["id"] for h in result["hits"] if h["kind"] == "document"}


def test_personal_documents_are_found_only_with_person_view(app, services, accounts, corpus):
    """Roles without person.view (clerk, viewer, admin) never find a personal document;
    a civil-status officer finds it (and no other document), a leader finds both.
    Changing the mark reaches the index (through a re-index of the document, as an edit
    does, and through `reindex --check`: the mark changes the document's version)."""
    for name, role, unit in (("clerk_a", "clerk", "XA-A"), ("viewer_a", "viewer", "XA-A"),
                             ("adm", "admin", "UBND"), ("hotich_a", "civil_status", "XA-A"),
                             ("lead", "leader", "UBND")):
        accounts.user(name, role, unit=unit, clearance=3)
    api = {name: Api(app.test_client(), accounts.token(name))
           for name in ("clerk_a", "viewer_a", "adm", "hotich_a", "lead")}
    for name in ("hotich_a", "lead"):  # a read of personal data states its purpose
        api[name].headers["X-Purpose"] = "verification"
    assert corpus[135] in _ids(_search(api["clerk_a"], "hộ tịch"))
    assert _ids(_search(api["hotich_a"], "hộ tịch")) == set()

    _mark_personal(services, corpus[135])
    indexing.index_documents(services, [corpus[135]])
    for name in ("clerk_a", "viewer_a", "adm"):
        for q in ("hộ tịch", "135/KH-UBND", "chuyển đổi số"):
            result = _search(api[name], q)
            assert corpus[135] not in _ids(result), (name, q)
            assert result["total"] == len(result["hits"]) == sum(result["facets"].get("type", {}).values())
        suggested = api[name].get("/api/v1/search/suggest", query_string={"q": "135/KH"}).get_json()
        assert suggested["suggestions"] == [], name
    officer = _search(api["hotich_a"], "hộ tịch")
    assert _ids(officer) == {corpus[135]} and all(h["personal"] for h in officer["hits"])
    assert _ids(_search(api["hotich_a"], '"chuyển đổi số"')) == {corpus[135]}   # not 136, 137
    lead = _search(api["lead"], '"chuyển đổi số"')
    assert _ids(lead) == set(corpus.values())
    assert [h["personal"] for h in lead["hits"] if h["id"] == corpus[135]] == [True]
    assert not any(h["personal"] for h in lead["hits"] if h["id"] != corpus[135])

    # Behind the index's back (no re-index): `reindex --check` finds the document stale.
    services.search_index.delete("document", [corpus[137]])
    indexing.index_documents(services, [corpus[137]])
    assert corpus[137] in _ids(_search(api["adm"], "lịch tiếp"))
    _mark_personal(services, corpus[137])
    report = json.loads(app.test_cli_runner().invoke(args=["reindex", "--check", "--json"]).output)
    assert report["stale"] == [corpus[137]] and report["repaired"] == 1
    assert corpus[137] not in _ids(_search(api["adm"], "lịch tiếp"))


def test_suggestions_and_did_you_mean_offer_only_words_the_user_may_see(app, accounts, corpus):
    """"lịch tiếp" is only on commune B's document: a clerk of A is never offered it,
    neither completed nor as a correction; a clerk of B is. The last word typed is
    the start of a word: "khen th" completes to "khen thuong" and is not corrected."""
    accounts.user("clerk_a", "clerk", unit="XA-A", clearance=3)
    accounts.user("clerk_b", "clerk", unit="XA-B", clearance=3)
    a, b = (Api(app.test_client(), accounts.token(n)) for n in ("clerk_a", "clerk_b"))

    def suggest(api, q):
        response = api.get("/api/v1/search/suggest", query_string={"q": q})
        assert response.status_code == 200
        return [s["text"].lower() for s in response.get_json()["suggestions"]]

    assert not [t for t in suggest(a, "lich t") if "tiep" in t or "tiếp" in t]
    assert "lich tiep" in suggest(b, "lich t")
    assert not [t for t in suggest(a, "li") if t.startswith("lich")]
    assert "lich" in suggest(b, "li")
    assert "tiep" not in (_search(a, "tiepp")["suggestion"] or "").lower()
    assert _search(b, "tiepp")["suggestion"].lower() == "tiep"
    assert "khen thuong" in suggest(a, "khen th")
    typed = _search(a, "khen th")
    assert typed["suggestion"] is None and _ids(typed) == {corpus[136]}


def test_documents_finishing_together_share_one_index_commit(services, corpus, monkeypatch):
    """The job slots' after-commit hook (GroupIndexer): three documents finish while the
    first one's commit is under way; the other two go into one second commit, and each
    caller returns only once its own document is in the index (what `ingest --wait`
    promises). The first commit is held until the two are queued (waiting on that state,
    not on time)."""
    ids = sorted(corpus.values())
    assert len(ids) == 3
    services.search_index.delete("document", ids)
    assert sorted(indexing.check(services, repair=False)["missing"]) == ids
    indexer = indexing.GroupIndexer(services)
    started, release = threading.Event(), threading.Event()
    real_update = services.search_index.update

    def first_commit_held(records):
        if not started.is_set():
            started.set()
            assert release.wait(120)
        return real_update(records)

    monkeypatch.setattr(services.search_index, "update", first_commit_held)
    returned = {}

    def finish(doc_id):
        indexer(doc_id)
        returned[doc_id] = [d for d in indexing.check(services, repair=False)["missing"] if d == doc_id]

    threads = [threading.Thread(target=finish, args=(ids[0],))]
    threads[0].start()
    assert started.wait(120)
    threads += [threading.Thread(target=finish, args=(d,)) for d in ids[1:]]
    for t in threads[1:]:
        t.start()
    deadline = threading.Event()
    for _ in range(1200):  # until the other two are queued behind the held commit
        with indexer._cond:
            if len(indexer._pending) == 2:
                break
        deadline.wait(0.1)
    release.set()
    for t in threads:
        t.join(120)
    assert returned == {d: [] for d in ids}  # each indexed when its call returned
    assert indexer.commits == 2
    assert indexing.check(services, repair=False)["missing"] == []
