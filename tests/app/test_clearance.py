"""A confidential document is invisible to a user not cleared for it, in every listing and
download: web list, home counts, API list, detail, page image and thumbnail, original,
job progress, the CLI. Units limit what is seen too, and a successor unit holds the records
of the unit it replaced."""

from __future__ import annotations

import io

import pytest

from docsvc.documents.submit import submit_stream
from docsvc.worker import wait_for_jobs
from tests.app.inputs import text_pdf
from tests.conftest import Api, csrf_token, login


@pytest.fixture
def docs(services, accounts):
    """Three processed documents: plain and secret (Mật) in commune A, plain in commune B."""
    made = {}
    for number, (key, unit, secrecy) in enumerate(
            (("plain_a", "XA-A", 0), ("secret_a", "XA-A", 1), ("plain_b", "XA-B", 0)), start=71):
        sub = submit_stream(services, io.BytesIO(text_pdf(["ỦY BAN NHÂN DÂN", f"Số: {number}/TB-UBND",
                                                           "THÔNG BÁO", f"Về việc {key}"])), f"{key}.pdf",
                            principal=accounts.system, unit_code=unit, secrecy=secrecy)
        made[key] = sub
    wait_for_jobs(services, [s.job_id for s in made.values()], timeout=600)
    return made


def _ids(listing) -> set[int]:
    return {item["id"] for item in listing["items"]}


def test_an_uncleared_user_sees_no_trace_of_a_secret_document(app, client, services, accounts, docs):
    accounts.user("lan", "clerk", unit="XA-A", clearance=0)
    secret = docs["secret_a"]
    api = Api(app.test_client(), accounts.token("lan"))

    listing = api.get("/api/v1/documents").get_json()
    assert _ids(listing) == {docs["plain_a"].document_id} and listing["total"] == 1
    for url in (f"/api/v1/documents/{secret.document_id}", f"/api/v1/documents/{secret.document_id}/original",
                f"/api/v1/documents/{secret.document_id}/pages/1/image",
                f"/api/v1/documents/{secret.document_id}/pages/1/thumbnail", f"/api/v1/jobs/{secret.job_id}"):
        response = api.get(url)
        assert response.status_code == 403, url
        assert response.get_json()["error"]["code"] == "forbidden"

    login(client, "lan", accounts.passwords["lan"])
    page = client.get("/documents").get_data(as_text=True)  # titles read from the pages
    assert "71/TB-UBND" in page and "72/TB-UBND" not in page and "73/TB-UBND" not in page
    home = client.get("/").get_data(as_text=True)
    assert "72/TB-UBND" not in home and 'class="stat-number">1<' in home.replace("\n", "")
    for url in (f"/documents/{secret.document_id}", f"/documents/{secret.document_id}/download",
                f"/documents/{secret.document_id}/pages/1/thumbnail", f"/documents/{secret.document_id}/pages/1/image",
                f"/jobs/{secret.job_id}/progress"):
        assert client.get(url).status_code == 403, url


def test_a_cleared_user_sees_it_and_the_view_is_audited(app, services, accounts, docs):
    accounts.user("mai", "clerk", unit="XA-A", clearance=1)
    api = Api(app.test_client(), accounts.token("mai"))
    secret = docs["secret_a"].document_id
    assert _ids(api.get("/api/v1/documents").get_json()) == {docs["plain_a"].document_id, secret}
    assert api.get(f"/api/v1/documents/{secret}").status_code == 200
    assert api.get(f"/api/v1/documents/{secret}/pages/1/thumbnail").status_code == 200
    assert api.get(f"/api/v1/documents/{secret}/original").status_code == 200
    assert api.get(f"/api/v1/documents/{docs['plain_a'].document_id}").status_code == 200
    from archive.audit import query

    with services.session_factory() as db:
        rows = [(r.action, r.actor, r.object_id, (r.details or {}).get("what"))
                for r in reversed(query(db, actor_id=accounts.principal("mai").user_id, object_type="document"))]
    assert rows == [("document.view", "mai", str(secret), None),
                    ("document.view", "mai", str(secret), "thumbnail"),
                    ("document.download", "mai", str(secret), None)]  # the plain view is not logged


def test_units_limit_what_is_seen_and_a_successor_holds_its_predecessors_records(app, services, accounts, docs):
    accounts.user("b_user", "clerk", unit="XA-B", clearance=3)
    accounts.user("a_user", "clerk", unit="XA-A", clearance=3)
    accounts.user("province", "leader", unit="UBND", clearance=3)
    get = lambda name: _ids(Api(app.test_client(), accounts.token(name)).get("/api/v1/documents").get_json())  # noqa: E731
    assert get("b_user") == {docs["plain_b"].document_id}
    assert get("a_user") == {docs["plain_a"].document_id, docs["secret_a"].document_id}
    assert get("province") == {s.document_id for s in docs.values()}
    # Commune B is merged into A: A now holds B's records.
    result = app.test_cli_runner().invoke(args=["unit", "end", "XA-B", "--on", "2025-06-30", "--successor", "XA-A"])
    assert result.exit_code == 0, result.output
    assert get("a_user") == {s.document_id for s in docs.values()}


def test_no_one_files_a_document_above_their_clearance_or_outside_their_units(app, client, accounts):
    accounts.user("lan", "clerk", unit="XA-A", clearance=0)
    api = Api(app.test_client(), accounts.token("lan"))
    pdf = text_pdf(["Tài liệu mật"])
    above = api.post("/api/v1/documents", data={"file": (io.BytesIO(pdf), "m.pdf"), "secrecy": "1"},
                     content_type="multipart/form-data")
    assert above.status_code == 403 and above.get_json()["error"]["code"] == "secrecy_above_clearance"
    elsewhere = api.post("/api/v1/documents", data={"file": (io.BytesIO(pdf), "m.pdf"), "unit": "XA-B"},
                         content_type="multipart/form-data")
    assert elsewhere.status_code == 403 and elsewhere.get_json()["error"]["code"] == "unit_not_held"
    login(client, "lan", accounts.passwords["lan"])
    web = client.post("/upload", data={"file": (io.BytesIO(pdf), "m.pdf"), "secrecy": "2"},
                      headers={"X-CSRFToken": csrf_token(client)}, content_type="multipart/form-data")
    assert web.status_code == 403


def test_the_cli_applies_the_same_rules(app, accounts, docs, monkeypatch):
    accounts.user("lan", "clerk", unit="XA-A", clearance=0)
    monkeypatch.setenv("DOCSVC_USER", "lan")
    runner = app.test_cli_runner()
    hidden = runner.invoke(args=["show", str(docs["secret_a"].document_id), "--json"])
    assert hidden.exit_code == 1 and "không được xem" in hidden.output
    shown = runner.invoke(args=["show", str(docs["plain_a"].document_id), "--json"])
    assert shown.exit_code == 0 and '"status": "done"' in shown.output
