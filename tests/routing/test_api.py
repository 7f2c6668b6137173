"""`/api/v1/incoming/{id}/assignments`, `/api/v1/assignments/{id}/...` and `/api/v1/inbox`
through the app's test client with real tokens: the whole path from assigning to completing,
and each refusal as its JSON error.

Bad inputs tried: no deadline for a main handler, both a deadline in days and a date, neither
unit nor user, an unknown field, a blank note, a percent over 100, approve as a string, an
extension with both a date and days (all 400 before any use case runs); an unknown unit (404),
another commune's document (404), a specialist assigning (403), a viewer forwarding (403),
forwarding to another commune (409 outside_unit), a due date in the past (409 due_passed)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import Api


@pytest.fixture
def apis(client, accounts, office):
    return {name: Api(client, accounts.token(name)) for name in ("lanhdao", "chuyenvien", "vanphong", "xem",
                                                                  "lanhdaob")}


def test_assign_forward_extend_complete(apis, office):
    doc = office.incoming()
    leader, handler, other = apis["lanhdao"], apis["chuyenvien"], apis["vanphong"]
    made = leader.post(f"/api/v1/incoming/{doc}/assignments",
                       json={"user": "chuyenvien", "role": "main", "working_days": 5, "note": "Xử lý"})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert set(body) == {"id", "due_on"} and date.fromisoformat(body["due_on"]) > date.today()
    info = leader.post(f"/api/v1/incoming/{doc}/assignments", json={"unit": "VP-A", "role": "info"})
    assert info.status_code == 201 and info.get_json()["due_on"] is None
    far = (date.today() + timedelta(days=60)).isoformat()
    coop = leader.post(f"/api/v1/incoming/{doc}/assignments", json={"unit": "VP-A", "role": "cooperate", "due_on": far})
    assert coop.get_json()["due_on"] == far

    forwarded = handler.post(f"/api/v1/assignments/{body['id']}/forward", json={"user": "vanphong", "note": "Soạn"})
    assert forwarded.status_code == 201 and forwarded.get_json()["due_on"] == body["due_on"]
    child = forwarded.get_json()["id"]
    progress = other.post(f"/api/v1/assignments/{child}/progress", json={"percent": 50, "note": "Đang soạn"})
    assert progress.get_json() == {"id": child, "progress": 50}
    asked = other.post(f"/api/v1/assignments/{child}/extend", json={"extra_working_days": 2, "reason": "Chờ ý kiến"})
    assert asked.status_code == 201 and asked.get_json()["approved"] is None
    again = other.post(f"/api/v1/assignments/{child}/extend", json={"extra_working_days": 1, "reason": "Nữa"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_asked"
    assert handler.post(f"/api/v1/assignments/{child}/extension", json={"approve": True}).status_code == 403
    decided = leader.post(f"/api/v1/assignments/{child}/extension", json={"approve": True, "note": "Được"})
    assert decided.status_code == 200 and decided.get_json()["original_due_on"] == body["due_on"]

    box = other.get("/api/v1/inbox").get_json()
    assert [i["id"] for i in box["todo"] + box["due_soon"] + box["overdue"]] == [child]
    assert box["notifications"] and box["counts"]["todo"] == 1
    done = other.post(f"/api/v1/assignments/{child}/complete", json={"note": "Đã trả lời"})
    assert done.status_code == 200 and done.get_json()["standing"] == "early" and done.get_json()["score"] == 2
    seen = leader.get(f"/api/v1/incoming/{doc}/assignments").get_json()
    assert seen["document"]["status"] == "done"
    assert [e["kind"] for e in seen["events"]] == ["assign", "assign", "assign", "forward", "progress",
                                                   "extension_asked", "extension_approved", "complete"]
    marked = other.post("/api/v1/notifications/read", json={})
    assert marked.status_code == 200 and marked.get_json()["marked"] >= 1
    assert other.get("/api/v1/inbox").get_json()["notifications"] == []


def test_refusals(apis, office):
    doc, theirs = office.incoming(), office.incoming(unit="XA-B")
    leader = apis["lanhdao"]
    url = f"/api/v1/incoming/{doc}/assignments"
    for bad in ({"user": "chuyenvien"}, {"user": "chuyenvien", "working_days": 2, "due_on": "2030-01-02"},
                {"working_days": 2}, {"user": "chuyenvien", "working_days": 2, "colour": "red"},
                {"user": "chuyenvien", "working_days": 401}, {"user": "  ", "working_days": 2}):
        answer = leader.post(url, json=bad)
        assert answer.status_code == 400, bad
        assert answer.get_json()["error"]["code"] in ("invalid_field", "bad_request"), answer.get_json()
    for body, status, code in (({"unit": "KHONG-CO", "working_days": 1}, 404, "not_found"),
                               ({"unit": "XA-B", "working_days": 1}, 409, "outside_unit"),
                               ({"user": "chuyenvien", "due_on": "2020-01-02"}, 409, "due_passed")):
        answer = leader.post(url, json=body)
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (status, code), body
    assert leader.post(f"/api/v1/incoming/{theirs}/assignments", json={"unit": "XA-B", "working_days": 1}).status_code == 404
    assert apis["chuyenvien"].post(url, json={"unit": "XA-A", "working_days": 1}).status_code == 403
    made = leader.post(url, json={"user": "chuyenvien", "working_days": 3}).get_json()
    handler = apis["chuyenvien"]
    base = f"/api/v1/assignments/{made['id']}"
    assert apis["xem"].post(f"{base}/forward", json={"user": "vanphong"}).status_code == 403
    answer = handler.post(f"{base}/forward", json={"user": "nguoib"})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "outside_unit"
    for path, bad in (("progress", {"note": " "}), ("progress", {"note": "x", "percent": 101}),
                      ("extend", {"new_due_on": "2030-01-02", "extra_working_days": 2, "reason": "x"}),
                      ("extend", {"reason": "x"}), ("complete", {}), ("extension", {"approve": "yes"})):
        who = leader if path == "extension" else handler
        assert who.post(f"{base}/{path}", json=bad).status_code == 400, (path, bad)
    assert handler.get("/api/v1/incoming/999999/assignments").status_code == 404
    assert apis["lanhdaob"].get(f"/api/v1/incoming/{doc}/assignments").status_code == 404
