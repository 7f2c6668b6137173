"""The incoming register on the REST API: POST answers 201 with id, arrival_number and year;
a repeat 409 naming the earlier row; a bad field 400 naming it (an unknown urgency, a typed
registration without abstract, an unknown body field, a non-ISO date) or 409 when the facts
refuse it (an arrival in the future); GET list and one row; another unit's row 404; PATCH
confirms fields; the register as PDF and XLSX."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import Api
from tests.incoming.conftest import INVITATION, scanned, typed


def _api(client, accounts, name: str) -> Api:
    return Api(client, accounts.token(name))


def _patch(api: Api, url: str, body: dict):
    return api.client.patch(url, json=body, headers=api.headers)


def test_register_list_get_and_repeat(client, accounts, people):
    clerk = _api(client, accounts, "vt_a")
    made = clerk.post("/api/v1/incoming", json=typed(urgency="hoa_toc"))
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["arrival_number"], body["year"], body["urgency"]) == (1, 2026, "hoa_toc") and body["id"]
    repeat = clerk.post("/api/v1/incoming", json=typed(symbol="kh-ubnd"))
    assert repeat.status_code == 409
    error = repeat.get_json()["error"]
    assert error["code"] == "duplicate" and error["earlier"]["id"] == body["id"]
    assert (error["earlier"]["arrival_number"], error["earlier"]["year"]) == (1, 2026)
    confirmed = clerk.post("/api/v1/incoming", json=typed(confirm_duplicate_reason="Bản sửa đổi"))
    assert confirmed.status_code == 201 and confirmed.get_json()["duplicate_of_id"] == body["id"]

    rows = clerk.get("/api/v1/incoming?year=2026").get_json()
    assert [r["arrival_number"] for r in rows] == [2, 1]
    assert clerk.get("/api/v1/incoming?year=2025").get_json() == []
    one = clerk.get(f"/api/v1/incoming/{body['id']}")
    assert one.status_code == 200 and one.get_json()["number_symbol"] == "135/KH-UBND"
    other = _api(client, accounts, "vt_b")
    assert other.get(f"/api/v1/incoming/{body['id']}").status_code == 404
    queue = _api(client, accounts, "ld_a").get("/api/v1/incoming/queue").get_json()
    assert queue[0]["id"] == body["id"]


def test_bad_fields_are_named(client, accounts, people):
    clerk = _api(client, accounts, "vt_a")
    for data, status, field in ((typed(urgency="rất khẩn"), 400, "urgency"),
                                ({"issuer": "UBND huyện"}, 400, None),
                                (typed(color="đỏ"), 400, "color"),
                                (typed(issued_on="05/01/2026"), 400, "issued_on"),
                                (typed(arrived_at="2099-01-01T08:00"), 409, "arrived_at")):
        answer = clerk.post("/api/v1/incoming", json=data)
        assert answer.status_code == status, (data, answer.get_json())
        if field:
            assert answer.get_json()["error"].get("field") == field, answer.get_json()
    assert _api(client, accounts, "cv_a").post("/api/v1/incoming", json=typed()).status_code == 403


def test_patch_confirms_machine_fields(client, accounts, people, services):
    doc_id = scanned(services, accounts, INVITATION)
    clerk = _api(client, accounts, "vt_a")
    made = clerk.post("/api/v1/incoming", json={"document_id": doc_id, "arrived_at": "2026-01-06T09:00"}).get_json()
    assert "issued_on" in made["machine_fields"] and made["issued_on"] == "2026-01-05"
    fixed = _patch(clerk, f"/api/v1/incoming/{made['id']}", {"abstract": "Họp số hóa", "confirm": True})
    assert fixed.status_code == 200, fixed.get_json()
    assert fixed.get_json()["machine_fields"] == [] and fixed.get_json()["abstract"] == "Họp số hóa"
    assert _patch(clerk, f"/api/v1/incoming/{made['id']}", {"year": 2020}).status_code == 400
    assert _patch(_api(client, accounts, "vt_b"), f"/api/v1/incoming/{made['id']}", {"confirm": True}).status_code == 404


def test_the_register_file(client, accounts, people):
    clerk = _api(client, accounts, "vt_a")
    clerk.post("/api/v1/incoming", json=typed())
    pdf = clerk.get("/api/v1/incoming/register?year=2026&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    xlsx = clerk.get("/api/v1/incoming/register?year=2026&format=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert "135/KH-UBND" in [c.value for row in sheet.iter_rows() for c in row]
    assert clerk.get("/api/v1/incoming/register?year=2026&format=doc").status_code == 400
