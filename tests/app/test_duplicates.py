"""Duplicate uploads never reveal a document the uploader cannot see.

The same bytes uploaded where a document with them exists but is out of the uploader's sight
(another unit, a secrecy above their clearance) make a document of the uploader's own that
shares the stored blob; the answer is exactly what any new upload gets. Within sight, the
same bytes are still one document, also when eight uploads arrive at once (real threads, on
SQLite and on PostgreSQL).

Bad inputs tried: unit B uploading unit A's bytes (API and service), a clearance-0 clerk
uploading the bytes of a confidential document of their own unit, eight identical uploads
at once from one unit, eight at once split over two units."""

from __future__ import annotations

import hashlib
import io

from sqlalchemy import func, select

from archive.models import Document, Job
from docsvc.documents.queries import document_dict
from docsvc.documents.submit import submit_stream
from docsvc.worker import wait_for_jobs
from tests.app.inputs import text_pdf
from tests.backends import at_once, backend_fixture
from tests.conftest import Api, Accounts

PDF = text_pdf(["ỦY BAN NHÂN DÂN XÃ A", "Số: 21/QĐ-UBND", "Quyết định về việc khen thưởng"])


def upload(api, data: bytes, name: str = "qd.pdf", **form):
    return api.post("/api/v1/documents", data={"file": (io.BytesIO(data), name), **form},
                    content_type="multipart/form-data")


def _docs(services, sha: str) -> list[Document]:
    with services.session_factory() as db:
        return list(db.scalars(select(Document).where(Document.sha256 == sha).order_by(Document.id)))


def _state(services, doc_id: int) -> dict:
    with services.session_factory() as db:
        doc = db.get(Document, doc_id)
        jobs = db.scalar(select(func.count()).select_from(Job).where(Job.document_id == doc_id))
        return {**document_dict(doc, pages=False), "jobs": jobs}


def test_unit_b_uploading_unit_as_bytes_gets_a_document_of_its_own(app, services, accounts):
    accounts.user("a_clerk", "clerk", unit="XA-A")
    accounts.user("b_clerk", "clerk", unit="XA-B")
    a_api = Api(app.test_client(), accounts.token("a_clerk"))
    b_api = Api(app.test_client(), accounts.token("b_clerk"))
    a = upload(a_api, PDF)
    assert a.status_code == 202
    a_id = a.get_json()["document_id"]
    a_before = _state(services, a_id)

    b = upload(b_api, PDF, name="copy.pdf")
    fresh = upload(b_api, text_pdf(["Bytes nobody else has"]), name="other.pdf")
    # B's answer is the answer to any new upload: same code, same keys, same status ...
    assert b.status_code == fresh.status_code == 202
    assert set(b.get_json()) == set(fresh.get_json())
    body = b.get_json()
    assert body["status"] == "queued" and body["media_type"] == "application/pdf"
    # ... and carries only B's own ids.
    b_id = body["document_id"]
    assert b_id != a_id and body["job_id"] != a.get_json()["job_id"]

    sha = hashlib.sha256(PDF).hexdigest()
    docs = _docs(services, sha)
    assert [d.id for d in docs] == [a_id, b_id]
    b_doc = docs[1]
    assert (b_doc.unit_id, b_doc.secrecy, b_doc.original_name) == (
        accounts.principal("b_clerk").unit_id, 0, "copy.pdf")
    assert _state(services, a_id) == a_before                 # A's document untouched
    assert _state(services, b_id)["jobs"] == 1                # B's own ingest job
    assert list(services.blobs.iter_shas()).count(sha) == 1   # one stored copy of the bytes
    # B sees only its own; asking for A's stays hidden.
    assert [d["id"] for d in b_api.get("/api/v1/documents").get_json()["items"]] == [
        fresh.get_json()["document_id"], b_id]
    assert b_api.get(f"/api/v1/documents/{a_id}").status_code in (403, 404)
    # B uploading the same bytes again is now a duplicate of B's document, not A's.
    again = upload(b_api, PDF)
    assert again.status_code == 200 and again.get_json()["document_id"] == b_id


def test_bs_own_document_is_read_by_its_own_job(app, services, accounts):
    accounts.user("a_clerk", "clerk", unit="XA-A")
    accounts.user("b_clerk", "clerk", unit="XA-B")
    a = submit_stream(services, io.BytesIO(PDF), "qd.pdf", principal=accounts.principal("a_clerk"))
    b = submit_stream(services, io.BytesIO(PDF), "qd.pdf", principal=accounts.principal("b_clerk"))
    assert b.status == "queued" and b.document_id != a.document_id
    jobs = wait_for_jobs(services, [a.job_id, b.job_id], timeout=300)
    assert {j.status for j in jobs.values()} == {"done"}
    for doc_id in (a.document_id, b.document_id):
        state = _state(services, doc_id)
        assert state["status"] == "done" and state["symbol"] == "QĐ-UBND"


def test_a_clerk_without_clearance_uploading_a_confidential_documents_bytes(services, accounts):
    accounts.user("chief", "clerk", unit="XA-A", clearance=1)
    accounts.user("junior", "clerk", unit="XA-A", clearance=0)
    secret = submit_stream(services, io.BytesIO(PDF), "mat.pdf", principal=accounts.principal("chief"), secrecy=1)
    mine = submit_stream(services, io.BytesIO(PDF), "qd.pdf", principal=accounts.principal("junior"))
    assert mine.status == "queued" and mine.document_id != secret.document_id and mine.job_id != secret.job_id
    docs = _docs(services, hashlib.sha256(PDF).hexdigest())
    assert [(d.id, d.secrecy) for d in docs] == [(secret.document_id, 1), (mine.document_id, 0)]
    # The cleared clerk sees both; their upload is a duplicate of the one at the place asked for.
    again = submit_stream(services, io.BytesIO(PDF), "x.pdf", principal=accounts.principal("chief"), secrecy=1)
    assert (again.status, again.document_id) == ("duplicate", secret.document_id)


backend = backend_fixture("dup")


def _at_once(services, principals) -> list:
    """Every principal uploads PDF at the same moment (released together by a barrier)."""
    return at_once([lambda i=i, p=p: submit_stream(services, io.BytesIO(PDF), f"qd-{i}.pdf", principal=p)
                    for i, p in enumerate(principals)])


def test_eight_identical_uploads_at_once_make_one_document(backend):
    services = backend
    accounts = Accounts(services)
    accounts.user("a_clerk", "clerk", unit="XA-A")
    results = _at_once(services, [accounts.principal("a_clerk")] * 8)
    assert not [r for r in results if isinstance(r, Exception)], results
    [created] = [r for r in results if r.status == "queued"]
    assert {r.document_id for r in results} == {created.document_id}
    assert [r.status for r in results].count("duplicate") == 7
    docs = _docs(services, hashlib.sha256(PDF).hexdigest())
    assert [d.id for d in docs] == [created.document_id]
    with services.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(Job)) == 1


def test_eight_at_once_from_two_units_make_one_document_each(backend):
    services = backend
    accounts = Accounts(services)
    accounts.user("a_clerk", "clerk", unit="XA-A")
    accounts.user("b_clerk", "clerk", unit="XA-B")
    a, b = accounts.principal("a_clerk"), accounts.principal("b_clerk")
    results = _at_once(services, [a, b] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    a_ids = {r.document_id for r in results[0::2]}
    b_ids = {r.document_id for r in results[1::2]}
    assert len(a_ids) == len(b_ids) == 1 and a_ids != b_ids
    docs = _docs(services, hashlib.sha256(PDF).hexdigest())
    assert sorted((d.unit_id, d.id) for d in docs) == sorted([(a.unit_id, *a_ids), (b.unit_id, *b_ids)])


def test_bytes_of_a_personal_document_the_uploader_cannot_see_make_their_own_document(services, accounts,
                                                                                      monkeypatch):
    """A document at the very same holder and secrecy hidden from the uploader by the personal-
    data mark: the upload makes the uploader's own (unmarked) document sharing the blob, with
    the answer any new upload gets (the schema allows one document per bytes, holder, secrecy
    and mark)."""
    import docsvc.documents.submit as ingest_service
    from docsvc.access import document_filter

    monkeypatch.setattr(ingest_service, "document_filter",
                        lambda principal: document_filter(principal) & ~Document.personal_data)
    accounts.user("officer", "clerk", unit="XA-A")
    accounts.user("clerk", "clerk", unit="XA-A")
    held = submit_stream(services, io.BytesIO(PDF), "khai-sinh.pdf", principal=accounts.principal("officer"))
    with services.session_factory() as db:
        db.get(Document, held.document_id).personal_data = True
        db.commit()
    own = submit_stream(services, io.BytesIO(PDF), "x.pdf", principal=accounts.principal("clerk"))
    assert own.status == "queued" and own.document_id != held.document_id
    docs = _docs(services, hashlib.sha256(PDF).hexdigest())
    assert sorted(d.id for d in docs) == sorted([held.document_id, own.document_id])
    assert {d.personal_data for d in docs} == {True, False}

