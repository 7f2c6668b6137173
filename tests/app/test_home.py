"""A role's home page shows that role's work: the clerk uploading and the processing figures,
the civil-status officer the register search and the register scans (no picture of personal
data before a purpose is chosen), the viewer what there is to read."""

from __future__ import annotations

import io

from docsvc.documents.submit import submit_stream
from tests.app.inputs import text_pdf
from tests.conftest import login


def _home(app, accounts, username, role, unit="XA-A"):
    accounts.user(username, role, unit=unit)
    client = app.test_client()
    login(client, username, accounts.passwords[username])
    return client, client.get("/").get_data(as_text=True)


def test_each_role_sees_its_own_work(app, services, accounts):
    submit_stream(services, io.BytesIO(text_pdf(["Sổ đăng ký khai sinh 1985"])), "so-khai-sinh.pdf",
                  principal=accounts.system, unit_code="XA-A", personal_data=True)
    submit_stream(services, io.BytesIO(text_pdf(["Giấy mời họp"])), "giay-moi.pdf",
                  principal=accounts.system, unit_code="XA-A")

    _, clerk = _home(app, accounts, "vt", "clerk")
    assert "Tải lên văn bản" in clerk and "Worker đang chạy" in clerk
    assert "Tra cứu hộ tịch" not in clerk and "giay-moi.pdf" in clerk and "so-khai-sinh.pdf" not in clerk

    officer_client, officer = _home(app, accounts, "ht", "civil_status")
    assert "Tra cứu hộ tịch" in officer and "Tải lên văn bản" not in officer and "Worker đang chạy" not in officer
    assert "so-khai-sinh.pdf" in officer and "giay-moi.pdf" not in officer
    assert "/thumbnail" not in officer  # no picture of personal data before a purpose is chosen

    _, viewer = _home(app, accounts, "xm", "viewer")
    assert "Tải lên văn bản" not in viewer and "Worker đang chạy" not in viewer and "Quản trị" not in viewer
    assert "Tra cứu văn bản" in viewer and "giay-moi.pdf" in viewer
