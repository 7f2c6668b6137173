"""`/api/v1/procedures` and `/api/v1/dossiers/...` through the test client with real tokens:
the Interface's names and answers, the whole life of a dossier, and each refusal as its JSON
error.

Bad inputs tried: a procedure code with a space, negative working days (400 from the
document); an unknown procedure or handling unit (404 with the field); a received moment in the
future (400); a blank applicant (400); an unknown field in the body (400); a refusal without a
reason (400); a second apology (409 already_apologized); a return of a returned dossier
(409 wrong_state); another commune's officer (404); a clerk receiving (403); a clerk
fetching the receipt (403)."""

from __future__ import annotations

import pytest

from tests.conftest import Api


@pytest.fixture
def apis(client, accounts, people):
    return {name: Api(client, accounts.token(name)) for name in ("quantri", "motcua", "diachinh", "vanthu", "motcuab")}


def test_procedures(apis):
    listed = apis["vanthu"].get("/api/v1/procedures")
    assert listed.status_code == 200 and {p["code"] for p in listed.get_json()} == {"HT-KS", "DD-CN", "KD-HKD"}
    added = apis["quantri"].post("/api/v1/procedures", json={"code": "CT-BS", "name": "Chứng thực bản sao",
                                                             "field": "Chứng thực", "working_days": 1})
    assert added.status_code == 201 and added.get_json()["code"] == "CT-BS"
    again = apis["quantri"].post("/api/v1/procedures", json={"code": "CT-BS", "name": "Chứng thực bản sao",
                                                             "field": "Chứng thực", "working_days": 2})
    assert again.status_code == 200 and again.get_json()["working_days"] == 2
    for body in ({"code": "C T", "name": "x", "field": "y", "working_days": 1},
                 {"code": "CT", "name": "x", "field": "y", "working_days": -1},
                 {"code": "CT", "name": "x", "field": "y"}):
        assert apis["quantri"].post("/api/v1/procedures", json=body).status_code == 400, body
    assert apis["motcua"].post("/api/v1/procedures", json={"code": "X", "name": "x", "field": "y",
                                                          "working_days": 1}).status_code == 403


def test_life_of_a_dossier(apis):
    desk, handler = apis["motcua"], apis["diachinh"]
    got = desk.post("/api/v1/dossiers", json={"procedure": "DD-CN", "applicant": "Phạm Văn Dũng",
                                              "received_at": "2026-03-02T09:00"})
    assert got.status_code == 201
    body = got.get_json()
    assert {"id", "code", "due_on"} <= set(body) and body["due_on"] == "2026-03-09"
    assert body["code"] == "XA-A-260302-0001"
    url = f"/api/v1/dossiers/{body['id']}"
    assert desk.post(f"{url}/supplement", json={"missing": "Thiếu trích đo", "at": "2026-03-03T09:00"}).status_code == 200
    done = desk.post(f"{url}/complete-supplement", json={"at": "2026-03-05T16:00"})
    assert done.status_code == 200 and done.get_json()["due_on"] == "2026-03-13"
    routed = desk.post(f"{url}/route", json={"user": "diachinh"})
    assert routed.status_code == 200 and routed.get_json()["status"] == "in_progress"
    sorry = handler.post(f"{url}/apology", json={"new_due_on": "2026-03-17", "reason": "Chờ xác minh",
                                                "at": "2026-03-11T09:00"})
    assert sorry.status_code == 200 and sorry.get_json()["due_on"] == "2026-03-17"
    twice = handler.post(f"{url}/apology", json={"new_due_on": "2026-03-18", "reason": "Lần nữa", "at": "2026-03-11T10:00"})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "already_apologized"
    back = handler.post(f"{url}/return", json={"note": "Đã cấp GCN", "at": "2026-03-16T09:00"})
    assert back.status_code == 200 and back.get_json()["standing"] == "late" and back.get_json()["score"] == 0
    again = handler.post(f"{url}/return", json={"note": "x"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "wrong_state"
    shown = desk.get(url).get_json()
    assert [e["kind"] for e in shown["events"]] == ["received", "supplement_requested", "supplement_completed",
                                                     "routed", "apology", "returned"]
    assert shown["applicant"] == "Phạm Văn Dũng"
    assert handler.get(url).get_json()["applicant"] == "P.V.D."
    listed = desk.get("/api/v1/dossiers?status=returned&q=dũng").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    assert apis["motcuab"].get(url).status_code == 404
    assert apis["motcuab"].get("/api/v1/dossiers").get_json()["total"] == 0
    receipt = desk.get(f"{url}/receipt")
    assert receipt.status_code == 200 and receipt.headers["Content-Type"] == "application/pdf"
    assert receipt.data.startswith(b"%PDF")
    assert apis["vanthu"].get(f"{url}/receipt").status_code == 403
    slip = desk.get(f"{url}/notices/apology")
    assert slip.status_code == 200 and slip.data.startswith(b"%PDF")
    assert desk.get(f"{url}/notices/refusal").status_code == 404
    assert desk.get(f"{url}/notices/other").status_code == 400
    assert apis["motcuab"].get(f"{url}/receipt").status_code == 404


def test_refusals(apis):
    desk = apis["motcua"]
    unknown = desk.post("/api/v1/dossiers", json={"procedure": "KHONG", "applicant": "A"})
    assert unknown.status_code == 404 and unknown.get_json()["error"]["field"] == "procedure"
    unit = apis["quantri"].post("/api/v1/procedures", json={"code": "X", "name": "x", "field": "y", "working_days": 1,
                                                            "handling_unit": "KHONG-CO"})
    assert unit.status_code == 404 and unit.get_json()["error"]["field"] == "handling_unit"
    for body, field in (({"procedure": "DD-CN", "applicant": "A", "received_at": "2999-01-01T09:00"}, "received_at"),
                        ({"procedure": "DD-CN", "applicant": "  "}, "applicant"),
                        ({"procedure": "DD-CN", "applicant": "A", "colour": "red"}, "colour")):
        answer = desk.post("/api/v1/dossiers", json=body)
        assert answer.status_code == 400, body
        assert answer.get_json()["error"].get("field") == field, body
    assert apis["vanthu"].post("/api/v1/dossiers", json={"procedure": "DD-CN", "applicant": "A"}).status_code == 403
    got = desk.post("/api/v1/dossiers", json={"procedure": "DD-CN", "applicant": "A"}).get_json()
    refused = desk.post(f"/api/v1/dossiers/{got['id']}/refuse", json={})
    assert refused.status_code == 400
    assert desk.post(f"/api/v1/dossiers/{got['id']}/refuse", json={"reason": "Sai thẩm quyền"}).status_code == 200
    assert apis["motcuab"].post(f"/api/v1/dossiers/{got['id']}/route", json={}).status_code == 404
    assert desk.post("/api/v1/dossiers/999999/refuse", json={"reason": "x"}).status_code == 404
    assert desk.post("/api/v1/dossiers/999999/supplement", json={"missing": "x", "at": "2999-01-01T00:00"}).status_code == 404
    late = desk.post("/api/v1/dossiers", json={"procedure": "DD-CN", "applicant": "B"}).get_json()
    far = desk.post(f"/api/v1/dossiers/{late['id']}/supplement", json={"missing": "x", "at": "0001-01-01T00:00+07:00"})
    assert far.status_code == 400 and far.get_json()["error"]["field"] == "at"


def test_openapi_lists_the_operations(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/procedures", "/dossiers", "/dossiers/{dossier_id}", "/dossiers/{dossier_id}/receipt",
                 "/dossiers/{dossier_id}/supplement", "/dossiers/{dossier_id}/complete-supplement",
                 "/dossiers/{dossier_id}/refuse", "/dossiers/{dossier_id}/return", "/dossiers/{dossier_id}/route",
                 "/dossiers/{dossier_id}/apology"):
        assert path in spec["paths"], path
