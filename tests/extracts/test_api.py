"""The extract API (/api/v1/civil/entries/{id}/extracts, /api/v1/extracts...): each route's
answer and each refusal, over the real app (SQLite, blob store, request validator, real
signatures), with API tokens. The rules themselves are tested in test_use_cases.py; here their
translation to HTTP: status, error code, the field named, the Server-Timing header.

Bad inputs tried: a blank requester (use case: field named), 0 and 51 copies and "ba" copies
(the validator), an unknown field, a draft entry (409), an entry of another office (404), a
clerk and a leader issuing (403), revoking without a reason and twice (409), an unknown
extract id and a non-numeric one, a signer not on the list (409), an unknown office (404), a
signer's user name that does not exist (404), an office settings change by a non-administrator
(403)."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from docsvc.extracts.signing import check_signature
from tests.extracts.conftest import authority

TIMING = re.compile(r"^([a-z]+;dur=[0-9]+\.[0-9]{2})(, [a-z]+;dur=[0-9]+\.[0-9]{2})*$")


class Client:
    def __init__(self, client, token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, url, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self.headers, **kw)

    def put(self, url, **kw):
        return self.client.put(url, headers=self.headers, **kw)


@pytest.fixture
def as_user(client, accounts, office):
    tokens: dict[str, str] = {}

    def make(name: str) -> Client:
        if name not in tokens:
            tokens[name] = accounts.token(name)
        return Client(client, tokens[name])

    return make


def _issue(api: Client, entry_id: int, **body):
    payload = {"requester": "Nguyễn Văn An", "id_paper": "CCCD 001099012345", **body}
    return api.post(f"/api/v1/civil/entries/{entry_id}/extracts", json=payload)


def test_issue_answers_201_with_the_interface_keys_and_server_timing(services, office, as_user):
    entry = office.entry("Hoàng Thị Ngọc Ánh")
    answer = _issue(as_user("motcua"), entry["id"], copies=2, signer="chutich", purpose="mẹ đẻ, làm hồ sơ")
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert {"id", "number", "verify_url", "pdf_url"} <= set(body)
    assert body["number"] == "1/TLKS-BS" and body["copies"] == 2 and body["status"] == "genuine"
    assert body["pdf_url"] == f"/api/v1/extracts/{body['id']}/pdf"
    assert body["verify_url"].endswith(f"/verify/{body['verify_code']}")
    assert answer.headers["Location"].endswith(f"/api/v1/extracts/{body['id']}")
    timing = answer.headers["Server-Timing"]
    assert TIMING.match(timing), timing
    names = [part.split(";")[0] for part in timing.split(", ")]
    assert names == ["check", "number", "pdf", "sign", "store", "register", "log", "commit", "total"]
    durations = {part.split(";")[0]: float(part.split("dur=")[1]) for part in timing.split(", ")}
    assert durations["total"] >= sum(v for k, v in durations.items() if k != "total") - 0.1

    # the PDF route serves exactly the stored, signed bytes
    pdf = as_user("motcua").get(body["pdf_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == body["pdf_sha256"]
    assert services.blobs.read(body["pdf_sha256"]) == pdf.data
    assert "1/TLKS-BS" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert check_signature(pdf.data, [authority()[0]]).valid

    detail = as_user("hotich").get(f"/api/v1/extracts/{body['id']}")
    assert detail.status_code == 200
    assert detail.get_json()["number"] == "1/TLKS-BS" and detail.get_json()["person"] == "Hoàng Thị Ngọc Ánh"


def test_refusals_are_translated(services, office, as_user, accounts):
    entry = office.entry()
    api = as_user("motcua")
    blank = _issue(api, entry["id"], requester="   ")
    assert blank.status_code == 400
    assert blank.get_json()["error"]["code"] == "invalid_field" and blank.get_json()["error"]["field"] == "requester"
    for copies in (0, 51, "ba"):
        bad = _issue(api, entry["id"], copies=copies)
        assert bad.status_code == 400, (copies, bad.get_json())
    assert _issue(api, entry["id"], colour="đỏ").status_code == 400

    draft = office.entry("Chưa Kiểm Tra", verified=False)
    refused = _issue(api, draft["id"])
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "entry_not_verified"
    unknown_signer = _issue(api, entry["id"], signer="hotich")
    assert unknown_signer.status_code == 409 and unknown_signer.get_json()["error"]["code"] == "unknown_signer"

    other_office = as_user("hotichb")
    assert _issue(other_office, entry["id"]).status_code == 404
    assert _issue(api, 999_999).status_code == 404
    accounts.user("lanhdao", "leader", unit="XA-A", full_name="Lãnh Đạo")
    for role_user in ("vanthu", "lanhdao"):
        assert _issue(as_user(role_user), entry["id"]).status_code == 403, role_user
    # nothing above used a number
    first = _issue(api, entry["id"])
    assert first.status_code == 201 and first.get_json()["number"] == "1/TLKS-BS"
    assert as_user("hotichb").get(f"/api/v1/extracts/{first.get_json()['id']}").status_code == 404
    assert api.get("/api/v1/extracts/999999").status_code == 404
    assert api.get("/api/v1/extracts/abc").status_code == 400
    assert api.get("/api/v1/extracts/999999/pdf").status_code == 404


def test_list_by_year_and_day_revoke_and_revoke_twice(services, office, as_user):
    entry = office.entry()
    api = as_user("motcua")
    made = [_issue(api, entry["id"]).get_json() for _ in range(3)]
    year = made[0]["year"]
    listed = api.get(f"/api/v1/extracts?year={year}")
    assert listed.status_code == 200
    assert [x["number"] for x in listed.get_json()] == ["3/TLKS-BS", "2/TLKS-BS", "1/TLKS-BS"]
    assert all(x["pdf_url"] == f"/api/v1/extracts/{x['id']}/pdf" for x in listed.get_json())
    assert api.get(f"/api/v1/extracts?year={year - 1}").get_json() == []
    today = api.get(f"/api/v1/extracts?day={made[0]['issued_on']}").get_json()
    assert len(today) == 3
    assert as_user("hotichb").get(f"/api/v1/extracts?year={year}").get_json() == []
    assert api.get("/api/v1/extracts?day=2026-02-30").status_code == 400

    target = made[1]["id"]
    assert api.post(f"/api/v1/extracts/{target}/revoke", json={"reason": "Sai"}).status_code == 403  # one-stop
    officer = as_user("hotich")
    no_reason = officer.post(f"/api/v1/extracts/{target}/revoke", json={"reason": " "})
    assert no_reason.status_code == 400 and no_reason.get_json()["error"]["field"] == "reason"
    revoked = officer.post(f"/api/v1/extracts/{target}/revoke", json={"reason": "Ghi sai số giấy tờ"})
    assert revoked.status_code == 200
    assert revoked.get_json()["status"] == "revoked"
    assert revoked.get_json()["revocation"]["reason"] == "Ghi sai số giấy tờ"
    assert officer.get(f"/api/v1/extracts/{target}").get_json()["status"] == "revoked"
    again = officer.post(f"/api/v1/extracts/{target}/revoke", json={"reason": "Lần nữa"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_revoked"
    statuses = {x["id"]: x["status"] for x in api.get(f"/api/v1/extracts?year={year}").get_json()}
    assert statuses == {made[0]["id"]: "genuine", target: "revoked", made[2]["id"]: "genuine"}


def test_office_settings_and_signers(services, office, as_user, accounts):
    admin = as_user("quantri")
    shown = admin.get("/api/v1/extracts/office")
    assert shown.status_code == 200
    assert [s["username"] for s in shown.get_json()["signers"]] == ["chutich"]
    assert len(shown.get_json()["certificates"]) == 1
    changed = admin.put("/api/v1/extracts/office", json={"place": "Xã A", "number_with_year": True,
                                                         "heading": "UBND HUYỆN X\nUBND XÃ A"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["heading"] == ["UBND HUYỆN X", "UBND XÃ A"] and changed.get_json()["number_with_year"]
    assert admin.get("/api/v1/extracts/office?office=NO-SUCH").status_code == 404
    assert admin.get("/api/v1/extracts/office?office=XA-B").status_code == 404  # not the admin's unit
    assert as_user("motcua").put("/api/v1/extracts/office", json={"place": "X"}).status_code == 403

    added = admin.post("/api/v1/extracts/office/signers",
                       json={"username": "hotich2", "title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"})
    assert added.status_code == 200
    assert [s["title_lines"] for s in added.get_json()["signers"]] == [["CHỦ TỊCH"], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]]
    nobody = admin.post("/api/v1/extracts/office/signers", json={"username": "khongco", "title": "CHỦ TỊCH"})
    assert nobody.status_code == 404 and nobody.get_json()["error"]["code"] == "unknown_user"
    accounts.user("khongten", "leader", unit="XA-A")
    unnamed = admin.post("/api/v1/extracts/office/signers", json={"username": "khongten", "title": "CHỦ TỊCH"})
    assert unnamed.status_code == 409 and unnamed.get_json()["error"]["code"] == "signer_without_name"
    too_many = admin.post("/api/v1/extracts/office/signers", json={"username": "hotich2", "title": "A\nB\nC\nD"})
    assert too_many.status_code == 400 and too_many.get_json()["error"]["field"] == "title"

    issued = _issue(as_user("motcua"), office.entry()["id"], signer="hotich2")
    assert issued.status_code == 201
    assert issued.get_json()["number"].split("/")[1].isdigit()  # now with the year
    assert issued.get_json()["signer"] == {"name": "Lê Văn Kiểm", "title": ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]}


def test_an_administrator_uploads_the_office_certificate(services, office, as_user, accounts, tmp_path):
    """Inputs tried: bytes that are no PKCS#12, a wrong passphrase, no file, a one-stop
    officer uploading, a file without protection sent with some passphrase (accepted: it
    protects nothing), the right passphrase."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, pkcs12

    from docsvc.extracts.signing import make_office_pkcs12

    admin = as_user("quantri")
    url = "/api/v1/extracts/office/certificate"
    ca = authority("CA mới của tỉnh")
    p12 = make_office_pkcs12("UBND xã A", b"mat-khau-moi", authority=ca)

    def send(api, data: bytes | None, **form):
        body = dict(form)
        if data is not None:
            body["p12"] = (io.BytesIO(data), "coquan.p12", "application/x-pkcs12")
        return api.post(url, data=body, content_type="multipart/form-data")

    junk = send(admin, b"not a pkcs12", passphrase="x")
    assert junk.status_code == 400 and junk.get_json()["error"]["field"] == "certificate"
    wrong = send(admin, p12, passphrase="sai")
    assert wrong.status_code == 400 and "Mật khẩu" in wrong.get_json()["error"]["message"]
    assert send(admin, None, passphrase="x").status_code == 400
    assert send(as_user("motcua"), p12, passphrase="mat-khau-moi").status_code == 403
    installed = send(admin, p12, passphrase="mat-khau-moi")
    assert installed.status_code == 200, installed.get_json()
    certificates = installed.get_json()["certificates"]
    assert len(certificates) == 2 and [c["active"] for c in certificates] == [True, False]

    issued = _issue(as_user("motcua"), office.entry()["id"]).get_json()
    pdf = as_user("motcua").get(issued["pdf_url"]).data
    assert check_signature(pdf, [ca[0]]).valid and not check_signature(pdf, [authority()[0]]).valid

    key, cert, others = pkcs12.load_key_and_certificates(make_office_pkcs12("UBND xã A", b"y", authority=ca), b"y")
    bare = pkcs12.serialize_key_and_certificates(b"office", key, cert, others, NoEncryption())
    assert send(admin, bare, passphrase="bất kỳ").status_code == 200
