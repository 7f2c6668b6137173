"""Outgoing documents on the REST API, as the issue's interface says: POST multipart answers
201 with id, state and version; a DOCX draft is converted to PDF by the real LibreOffice;
versions; transitions answer 200 with the new state, 403 for the wrong role or person, 409
out of order; GET gives state, number_symbol, versions and records; files are served.

Bad inputs tried: a missing file, an unknown type, no recipients, an unknown action, a return
without a comment, another commune's document (404), a viewer drafting (403)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from docsvc.outgoing import drafts
from tests.conftest import Api


def _api(client, accounts, name: str) -> Api:
    return Api(client, accounts.token(name))


def _step(api: Api, doc_id: int, action: str, comment: str | None = None):
    body = {"action": action, **({"comment": comment} if comment else {})}
    return api.post(f"/api/v1/outgoing/{doc_id}/transitions", json=body)


def _form(file: bytes, name: str, **fields) -> dict:
    return {"file": (io.BytesIO(file), name), **fields}


def test_the_interface_walks_a_docx_cong_van_to_filing(client, accounts, org):
    cv = _api(client, accounts, "cv")
    made = cv.post("/api/v1/outgoing", content_type="multipart/form-data", data=_form(
        drafts.letter_docx(), "cong-van.docx", doc_type="Công văn", recipients="XA-B, Sở Tư pháp tỉnh",
        abstract="Đề nghị cung cấp danh sách sổ hộ tịch cần số hóa", drafting_unit="XA-A-VP", signer="chutich",
        urgency="khan"))
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["state"], body["version"]) == ("draft", 1) and body["id"]
    doc_id = body["id"]
    pdf = cv.get(f"/api/v1/outgoing/{doc_id}/files/v1.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "sổ hộ tịch" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)

    assert _step(cv, doc_id, "submit").get_json()["state"] == "submitted"
    head = _api(client, accounts, "truongvp")
    assert _step(head, doc_id, "return").status_code == 400          # a return needs a comment
    assert _step(head, doc_id, "return", "Ghi rõ thời hạn").get_json()["state"] == "returned"
    assert _step(cv, doc_id, "submit").get_json()["error"]["code"] == "new_version_required"
    v2 = cv.post(f"/api/v1/outgoing/{doc_id}/versions", content_type="multipart/form-data",
                 data=_form(drafts.letter_pdf(revision_note="Thời hạn: trước ngày 15."), "v2.pdf"))
    assert v2.status_code == 201 and [v["obsolete"] for v in v2.get_json()["versions"]] == [True, False]
    assert _step(cv, doc_id, "submit").status_code == 200
    assert _step(head, doc_id, "approve").get_json()["state"] == "approved"
    clerk = _api(client, accounts, "vanthu")
    assert _step(clerk, doc_id, "sign").status_code == 403            # never the clerk's step
    assert _step(clerk, doc_id, "number").status_code == 409          # the clerk's, but not yet
    checked = _step(clerk, doc_id, "check").get_json()
    assert checked["state"] == "checked" and checked["form_checks"]
    assert _step(_api(client, accounts, "phochutich"), doc_id, "sign").get_json()["error"]["code"] == "wrong_person"
    assert _step(_api(client, accounts, "xem"), doc_id, "sign").status_code == 403
    signed = _step(_api(client, accounts, "chutich"), doc_id, "sign").get_json()
    assert (signed["state"], signed["signature_kind"]) == ("signed", "wet")
    numbered = _step(clerk, doc_id, "number").get_json()
    assert numbered["number_symbol"] == "01/UBND-VP"   # no abbreviation set: the code's last part
    assert _step(clerk, doc_id, "release").get_json()["state"] == "released"
    filed = _step(_api(client, accounts, "luutru"), doc_id, "file").get_json()
    assert filed["state"] == "filed"
    got = cv.get(f"/api/v1/outgoing/{doc_id}").get_json()
    assert got["number_symbol"] == "01/UBND-VP" and [v["number"] for v in got["versions"]] == [1, 2]
    assert [r["action"] for r in got["records"]] == ["create", "submit", "return", "version", "submit", "approve",
                                                     "check", "sign", "number", "release", "file"]
    history = cv.get(f"/api/v1/outgoing/{doc_id}/files/history")
    assert history.status_code == 200 and history.data.startswith(b"%PDF")
    # The recipient commune sees it in its incoming register.
    rows = _api(client, accounts, "vanthu_b").get("/api/v1/incoming?year=" + str(got["year"])).get_json()
    assert [(r["arrival_number"], r["number_symbol"]) for r in rows] == [(1, "01/UBND-VP")]


def test_refusals_on_the_api(client, accounts, org):
    cv = _api(client, accounts, "cv")
    missing = cv.post("/api/v1/outgoing", content_type="multipart/form-data",
                      data={"doc_type": "Công văn", "abstract": "x", "recipients": "XA-B"})
    assert missing.status_code == 400
    bad_type = cv.post("/api/v1/outgoing", content_type="multipart/form-data",
                       data=_form(drafts.letter_pdf(), "a.pdf", doc_type="Thư tình", abstract="x", recipients="XA-B"))
    assert bad_type.status_code == 400 and bad_type.get_json()["error"]["field"] == "doc_type"
    viewer = _api(client, accounts, "xem")
    assert viewer.post("/api/v1/outgoing", content_type="multipart/form-data",
                       data=_form(drafts.letter_pdf(), "a.pdf", doc_type="Công văn", abstract="x",
                                  recipients="XA-B")).status_code == 403
    made = cv.post("/api/v1/outgoing", content_type="multipart/form-data",
                   data=_form(drafts.letter_pdf(), "a.pdf", doc_type="Công văn", abstract="Việc thử", recipients="XA-B"))
    doc_id = made.get_json()["id"]
    assert _step(cv, doc_id, "dance").status_code == 400
    assert _api(client, accounts, "cv_b").get(f"/api/v1/outgoing/{doc_id}").status_code == 404
    assert _step(_api(client, accounts, "lanhdao_b"), doc_id, "approve").status_code == 404


def test_a_draft_larger_than_the_small_request_limit_is_taken(client, accounts, org):
    """A scanned draft of a few megabytes (the API's small body limit is 1 MB; upload routes
    take files up to the upload limit)."""
    import os

    from PIL import Image

    noise = Image.frombytes("RGB", (1200, 1200), os.urandom(1200 * 1200 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PDF", resolution=150.0, quality=95)
    assert buffer.tell() > 1_100_000
    made = _api(client, accounts, "cv").post("/api/v1/outgoing", content_type="multipart/form-data", data=_form(
        buffer.getvalue(), "ban-quet.pdf", doc_type="Công văn", abstract="Bản quét lớn", recipients="XA-B"))
    assert made.status_code == 201, made.status_code
