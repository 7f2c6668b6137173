"""REST API: upload, duplicate, bad input, document, original, page images, jobs, OpenAPI.

Bad inputs tried: no file field, an empty file, a text file, a ZIP, a truncated PDF, an
image of 900 million pixels (decompression bomb), a file over the size limit."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pytest

from docsvc.worker import wait_for_jobs
from tests.app.inputs import bomb_png, text_pdf, text_png

LINES = ["ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", "Số: 135/KH-UBND", "Kế hoạch số hóa sổ hộ tịch"]


def upload(api, data: bytes, name: str = "file.bin", **kw):
    return api.post("/api/v1/documents", data={"file": (io.BytesIO(data), name), **kw.pop("form", {})},
                    content_type="multipart/form-data", **kw)


def test_upload_then_duplicate(clerk_api, services):
    pdf = text_pdf(LINES)
    first = upload(clerk_api, pdf, "ke-hoach.pdf")
    assert first.status_code == 202
    body = first.get_json()
    assert body["status"] == "queued" and body["pages"] == 1 and body["media_type"] == "application/pdf"
    again = upload(clerk_api, pdf, "renamed-copy.pdf")
    assert again.status_code == 200
    assert again.get_json()["document_id"] == body["document_id"]
    assert again.get_json()["status"] == "duplicate"
    listing = clerk_api.get("/api/v1/documents").get_json()
    assert listing["total"] == 1
    assert len(list(services.blobs.iter_shas())) == 1  # one copy of the bytes


def test_a_processed_document_has_pages_original_and_images(clerk_api, services):
    pdf = text_pdf(LINES)
    body = upload(clerk_api, pdf, "ke-hoach.pdf").get_json()
    wait_for_jobs(services, [body["job_id"]], timeout=600)

    job = clerk_api.get(f"/api/v1/jobs/{body['job_id']}").get_json()
    assert job["status"] == "done" and job["progress"] == {"done": 1, "total": 1}

    doc = clerk_api.get(f"/api/v1/documents/{body['document_id']}").get_json()
    assert doc["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert doc["status"] == "done" and doc["original_name"] == "ke-hoach.pdf"
    # register fields read from the page itself (Decree 30 layout)
    assert (doc["number"], doc["symbol"], doc["doc_type"]) == (135, "KH-UBND", "Kế hoạch")
    assert doc["title"] == "Kế hoạch 135/KH-UBND" and doc["issuer"] == "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ"
    [page] = doc["pages"]
    assert page["source"] == "text_layer" and page["number"] == 1
    for line in LINES:
        assert line in page["text"]

    original = clerk_api.get(f"/api/v1/documents/{body['document_id']}/original")
    assert original.status_code == 200 and original.data == pdf
    assert original.mimetype == "application/pdf"
    image = clerk_api.get(f"/api/v1/documents/{body['document_id']}/pages/1/image")
    assert image.status_code == 200 and image.mimetype.startswith("image/")
    assert clerk_api.get(f"/api/v1/documents/{body['document_id']}/pages/1/thumbnail").status_code == 200
    missing = clerk_api.get(f"/api/v1/documents/{body['document_id']}/pages/2/image")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.txt", "xin chào")
    return out.getvalue()


@pytest.mark.parametrize("make, name, status, code", [
    (lambda: b"", "empty.pdf", 400, "empty_file"),
    (lambda: "Công văn số 12/UBND-VX".encode(), "note.pdf", 415, "unsupported_type"),
    (_zip, "scan.png", 415, "unsupported_type"),
    (lambda: text_pdf(LINES)[:-400], "cut.pdf", 422, "truncated_pdf"),
    (bomb_png, "bomb.png", 413, "image_too_large"),
], ids=["empty", "text", "zip", "truncated-pdf", "decompression-bomb"])
def test_bad_input_gets_a_json_error_and_nothing_is_kept(clerk_api, services, make, name, status, code):
    response = upload(clerk_api, make(), name)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code and len(error["message"]) > 10
    assert clerk_api.get("/api/v1/documents").get_json()["total"] == 0
    assert list(services.blobs.iter_shas()) == []
    assert list((services.blobs.root / "tmp").iterdir()) == []


def test_error_messages_follow_accept_language(clerk_api):
    vi = upload(clerk_api, b"", "e.pdf").get_json()["error"]["message"]
    en = upload(clerk_api, b"", "e.pdf", headers={"Accept-Language": "en"}).get_json()["error"]["message"]
    assert "rỗng" in vi and "empty" in en


def test_missing_file_field(clerk_api):
    response = clerk_api.post("/api/v1/documents", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "missing_file"


def test_a_file_over_the_size_limit_is_refused(tmp_path, app_config):
    from archive.migrate import upgrade
    from docsvc import create_app
    from tests.conftest import Accounts, Api

    app = create_app({**app_config, "MAX_UPLOAD_MB": 1})
    upgrade(app.extensions["docsvc"].engine)
    accounts = Accounts(app.extensions["docsvc"])
    accounts.user("clerk1", "clerk")
    big = text_png(["Ảnh lớn"]) + b"\0" * (1024 * 1024)
    response = upload(Api(app.test_client(), accounts.token("clerk1")), big, "big.png")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    app.extensions["docsvc"].close()


def test_unknown_ids_answer_404_json(clerk_api):
    for url in ("/api/v1/documents/999", "/api/v1/jobs/999", "/api/v1/documents/999/original"):
        response = clerk_api.get(url)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_openapi_documents_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()  # no token needed
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method))
    assert routes == documented
