"""Fixtures of the outgoing process: commune XA-A with its office (XA-A-VP) and its justice
unit (XA-A-TP), commune XA-B; the people of each step; a helper that walks a document to a
given state through the use cases themselves."""

from __future__ import annotations

import pytest

PEOPLE = (  # username, role, unit, clearance, full name
    ("cv", "specialist", "XA-A-VP", 1, "Lê Thị Thu Hà"),
    ("truongvp", "leader", "XA-A-VP", 1, "Trần Quốc Bảo"),
    ("chutich", "leader", "XA-A", 2, "Nguyễn Văn An"),
    ("phochutich", "leader", "XA-A", 1, "Đỗ Minh Tâm"),
    ("vanthu", "clerk", "XA-A", 2, "Phạm Thị Lan"),
    ("luutru", "archivist", "XA-A", 2, "Hoàng Văn Hải"),
    ("tuphap", "specialist", "XA-A-TP", 1, "Vũ Thị Hằng"),
    ("xem", "viewer", "XA-A", 0, "Người Xem"),
    ("cv_b", "specialist", "XA-B", 0, "Ngô Văn Bình"),
    ("vanthu_b", "clerk", "XA-B", 1, "Đinh Thị Mai"),
    ("lanhdao_b", "leader", "XA-B", 1, "Lý Văn Cường"),
)


class Org:
    def __init__(self, services, accounts):
        from docsvc.accounts.services import create_unit

        self.services, self.accounts = services, accounts
        with services.session_factory() as db:
            create_unit(services, db, accounts.system, "XA-A-VP", "Văn phòng HĐND và UBND xã A", parent_code="XA-A",
                        kind="department")
            create_unit(services, db, accounts.system, "XA-A-TP", "Tư pháp - Hộ tịch xã A", parent_code="XA-A",
                        kind="department")
            db.commit()
        for name, role, unit, clearance, full_name in PEOPLE:
            accounts.user(name, role, unit=unit, clearance=clearance, full_name=full_name)

    def __getitem__(self, name: str):
        return self.accounts.principal(name)


@pytest.fixture
def org(services, accounts):
    return Org(services, accounts)


def pdf(*lines: str) -> bytes:
    from tests.app.inputs import text_pdf

    return text_pdf(list(lines) or ["ỦY BAN NHÂN DÂN XÃ A", "Số: /QĐ-UBND", "QUYẾT ĐỊNH", "Về việc thử nghiệm"])


def draft(services, org, doc_type="Quyết định", *, abstract="Thành lập Tổ công tác số hóa sổ hộ tịch",
          recipients="XA-B, Sở Tư pháp tỉnh", signer="chutich", file: bytes | None = None, **more) -> dict:
    from docsvc.outgoing.services import create_draft

    data = {"doc_type": doc_type, "abstract": abstract, "recipients": recipients, "drafting_unit": "XA-A-VP",
            "signer": signer, **more}
    return create_draft(services, org["cv"], data, file or pdf(), "du-thao.pdf")


# Who takes each step in the walks.
ACTORS = {"submit": "cv", "approve": "truongvp", "check": "vanthu", "sign": "chutich", "number": "vanthu",
          "release": "vanthu", "file": "luutru"}
ORDER = ("submit", "approve", "check", "sign", "number", "release", "file")


def walk(services, org, doc_id: int, until: str) -> dict:
    """Take the steps from submit up to and including ``until``."""
    from docsvc.outgoing.services import transition

    result = None
    for action in ORDER:
        result = transition(services, org[ACTORS[action]], doc_id, action)
        if action == until:
            return result
    return result
