"""The routing pages through the test client, signed in: the leader's waiting list (urgent
first), the document page with its assign form and the due date preview, the handler's inbox
with its three sections and the completion from it, the home page's counts, the menu entry.

Bad inputs tried: the assign form without a deadline (flashed, nothing written), a viewer
opening the waiting list (403), another commune's leader opening the page (404), a
completion without a note (flashed)."""

from __future__ import annotations

import re

from tests.conftest import csrf_token, login


def _post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client)})


def test_leader_assigns_and_handler_completes_from_the_inbox(app, client, office, accounts):
    normal = office.incoming(abstract="Về việc báo cáo dân số")
    urgent = office.incoming(urgency=3, abstract="Về phòng chống bão số 5")
    login(client, "lanhdao", accounts.passwords["lanhdao"])
    queue = client.get("/routing/queue").get_data(as_text=True)
    assert queue.index("phòng chống bão") < queue.index("báo cáo dân số")
    page = client.get(f"/incoming/{normal}/routing").get_data(as_text=True)
    assert 'id="assign-form"' in page and "Chờ phân công" in page
    preview = client.get(f"/incoming/{normal}/routing/due?days=3&unit=XA-A").get_json()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", preview["due_on"])
    refused = _post(client, f"/incoming/{normal}/routing/assign", {"main": "user:chuyenvien", "next": f"/incoming/{normal}/routing"})
    assert refused.status_code == 302
    assert "Ghi thời hạn" in client.get(f"/incoming/{normal}/routing").get_data(as_text=True)
    done = _post(client, f"/incoming/{normal}/routing/assign",
                 {"main": "user:chuyenvien", "cooperate": "VP-A", "info": "XA-A", "working_days": "3",
                  "note": "Tổng hợp gửi huyện"})
    assert done.status_code == 302
    page = client.get(f"/incoming/{normal}/routing").get_data(as_text=True)
    assert page.count('class="assignment"') == 3 and "Tổng hợp gửi huyện" in page
    client.post("/logout", data={"csrf_token": csrf_token(client)})

    login(client, "chuyenvien", accounts.passwords["chuyenvien"])
    home = client.get("/").get_data(as_text=True)
    assert 'id="inbox-counts"' in home and 'href="/inbox"' in home
    box = client.get("/inbox").get_data(as_text=True)
    for section in ("Cần xử lý", "Sắp đến hạn", "Quá hạn", "Thông báo"):
        assert section in box
    ids = re.findall(r'class="inbox-item" data-assignment="(\d+)"', box)
    assert len(ids) == 1
    assert "Bạn được giao xử lý (chủ trì)" in box
    refused = _post(client, f"/assignments/{ids[0]}/complete", {"note": " ", "next": "/inbox"})
    assert refused.status_code == 302 and "không được để trống" in client.get("/inbox").get_data(as_text=True)
    completed = _post(client, f"/assignments/{ids[0]}/complete", {"note": "Đã gửi báo cáo", "next": "/inbox"})
    assert completed.headers["Location"].endswith("/inbox")
    box = client.get("/inbox").get_data(as_text=True)
    assert "Đã hoàn thành việc." in box and 'class="inbox-item"' not in box
    _post(client, "/inbox/notifications/read", {})
    assert 'class="notification unread"' not in client.get("/inbox").get_data(as_text=True)
    page = client.get(f"/incoming/{normal}/routing").get_data(as_text=True)
    assert 'data-status="done"' in page and "Trước hạn" in page
    assert client.get("/routing/queue").status_code == 403
    assert urgent


def test_pages_refuse_outsiders(client, office, accounts):
    doc = office.incoming()
    login(client, "lanhdaob", accounts.passwords["lanhdaob"])
    assert client.get(f"/incoming/{doc}/routing").status_code == 404
    assert doc not in [int(x) for x in re.findall(r'data-incoming="(\d+)"', client.get("/routing/queue").get_data(as_text=True))]
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, "xem", accounts.passwords["xem"])
    assert client.get("/routing/queue").status_code == 403
    assert client.get("/inbox").status_code == 200
