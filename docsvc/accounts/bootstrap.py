"""First run: the root unit and the first administrator; demo units and accounts."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import func, select

from archive.accounts import Unit, User
from docsvc.access import system_principal
from docsvc.accounts.services import create_unit, create_user
from docsvc.services.container import Services

ROOT_CODE = "UBND"
DEMO_PASSWORD = "demo-12345"
DEMO_USERS = [  # username, role, clearance
    ("vanthu", "clerk", 1), ("luutru", "archivist", 1), ("chuyenvien", "specialist", 0),
    ("lanhdao", "leader", 2), ("motcua", "one_stop", 0), ("hotich", "civil_status", 0), ("xem", "viewer", 0),
]


def ensure_root_unit(services: Services) -> None:
    with services.session_factory() as db:
        if db.scalar(select(func.count()).select_from(Unit)):
            return
        create_unit(services, db, system_principal("init"), ROOT_CODE, "Ủy ban nhân dân", kind="province")
        db.commit()


def ensure_admin(services: Services) -> tuple[str, str, bool] | None:
    """Create the first administrator when there is none. Returns (username, password, generated)."""
    ensure_root_unit(services)
    with services.session_factory() as db:
        if db.scalar(select(func.count()).select_from(User)):
            return None
        password = services.settings.admin_password
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        root = db.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        create_user(services, db, system_principal("init"), "admin", password, roles=["admin"],
                    unit_code=root.code, full_name="Quản trị hệ thống", clearance=3)
        db.commit()
    return "admin", password, generated


def ensure_demo_accounts(services: Services) -> list[tuple[str, str, str]]:
    """Demo units (a commune, its offices, a former district whose records it holds) and one
    user per role. Returns the accounts made (username, role, password)."""
    ensure_root_unit(services)
    actor = system_principal("demo")
    made: list[tuple[str, str, str]] = []
    with services.session_factory() as db:
        if db.scalar(select(Unit).where(Unit.code == "XA-TANPHU")) is None:
            create_unit(services, db, actor, "XA-TANPHU", "Ủy ban nhân dân xã Tân Phú", parent_code=ROOT_CODE,
                        kind="commune", valid_from=date(2025, 7, 1))
            create_unit(services, db, actor, "XA-TANPHU-VP", "Văn phòng HĐND và UBND xã Tân Phú",
                        parent_code="XA-TANPHU", kind="department", valid_from=date(2025, 7, 1))
            create_unit(services, db, actor, "XA-TANPHU-TP", "Tư pháp - Hộ tịch xã Tân Phú",
                        parent_code="XA-TANPHU", kind="department", valid_from=date(2025, 7, 1))
            old = create_unit(services, db, actor, "HUYEN-CU", "Ủy ban nhân dân huyện (cũ)", parent_code=ROOT_CODE,
                              kind="unit", valid_from=date(1976, 1, 1))
            old.valid_to = date(2025, 6, 30)
            old.successor = db.scalar(select(Unit).where(Unit.code == "XA-TANPHU"))
        for username, role, clearance in DEMO_USERS:
            if db.scalar(select(User).where(User.username == username)) is None:
                create_user(services, db, actor, username, DEMO_PASSWORD, roles=[role], unit_code="XA-TANPHU",
                            full_name=f"Người dùng mẫu ({role})", clearance=clearance)
                made.append((username, role, DEMO_PASSWORD))
        db.commit()
    return made
