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
