"""Fixtures of the incoming register: a clerk, a leader and a specialist of commune A, a
clerk of commune B, and a helper that registers a typed document."""

from __future__ import annotations

import pytest


@pytest.fixture
def people(accounts):
    accounts.user("vt_a", "clerk", unit="XA-A", clearance=1, full_name="Trần Thị Văn Thư")
    accounts.user("ld_a", "leader", unit="XA-A", clearance=3, full_name="Nguyễn Văn Lãnh Đạo")
    accounts.user("cv_a", "specialist", unit="XA-A", clearance=0, full_name="Lê Chuyên Viên")
    accounts.user("vt_b", "clerk", unit="XA-B", clearance=1, full_name="Phạm Văn Thư B")
    return {name: accounts.principal(name) for name in ("vt_a", "ld_a", "cv_a", "vt_b")}


def typed(number: str = "135", symbol: str = "KH-UBND", issuer: str = "UBND huyện Tân Phú", **more) -> dict:
    data = {"number": number, "symbol": symbol, "issuer": issuer, "doc_type": "Kế hoạch",
            "issued_on": "2026-01-05", "abstract": "Triển khai số hóa hồ sơ", "arrived_at": "2026-01-06T09:00"}
    data.update(more)
    return data


INVITATION = ["UBND HUYỆN TÂN PHÚ", "ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ", "Số: 12/GM-UBND", "GIẤY MỜI",
              "Họp triển khai số hóa hồ sơ", "Kính mời dự họp vào lúc 8 giờ ngày 10 tháng 01 năm 2026",
              "tại hội trường Ủy ban nhân dân xã.", "Tân Phú, ngày 05 tháng 01 năm 2026"]


def scanned(services, accounts, lines: list[str], name: str = "giay-moi.pdf", unit: str = "XA-A") -> int:
    """A PDF with a real text layer, read through the ingest pipeline; its document id."""
    import io

    from docsvc.documents.submit import submit_stream
    from docsvc.worker import wait_for_jobs
    from tests.app.inputs import text_pdf

    sub = submit_stream(services, io.BytesIO(text_pdf(lines)), name, principal=accounts.system, unit_code=unit)
    jobs = wait_for_jobs(services, [sub.job_id], timeout=600)
    assert jobs[sub.job_id].status == "done"
    return sub.document_id
