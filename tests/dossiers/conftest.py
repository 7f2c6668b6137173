"""Fixtures for the one-stop dossier tests: commune XA-A with an administrator, a one-stop
officer, a leader, a specialist of its land office (XA-A-DC) and a clerk; commune XA-B with
its own one-stop officer; three procedures."""

from __future__ import annotations

import pytest

from docsvc.dossiers import services as dossiers


class People:
    def __init__(self, services, accounts):
        from docsvc.accounts.services import create_unit

        self.services, self.accounts = services, accounts
        with services.session_factory() as db:
            create_unit(services, db, accounts.system, "XA-A-DC", "Địa chính xã A", parent_code="XA-A",
                        kind="department")
            db.commit()
        for name, role, unit in (("quantri", "admin", "XA-A"), ("motcua", "one_stop", "XA-A"),
                                 ("lanhdao", "leader", "XA-A"), ("diachinh", "specialist", "XA-A-DC"),
                                 ("vanthu", "clerk", "XA-A"), ("xem", "viewer", "XA-A"),
                                 ("motcuab", "one_stop", "XA-B")):
            accounts.user(name, role, unit=unit, full_name=f"Cán bộ {name}")
        admin = self.p("quantri")
        dossiers.save_procedure(services, admin, "HT-KS", "Đăng ký khai sinh", "Hộ tịch", 1)
        dossiers.save_procedure(services, admin, "DD-CN", "Đăng ký biến động đất đai", "Đất đai", 5,
                                handling_unit="XA-A-DC")
        dossiers.save_procedure(services, admin, "KD-HKD", "Đăng ký hộ kinh doanh", "Kinh doanh", 3)

    def p(self, name: str):
        return self.accounts.principal(name)


@pytest.fixture
def people(services, accounts):
    return People(services, accounts)
