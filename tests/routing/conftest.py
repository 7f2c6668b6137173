"""Fixtures for the routing tests: commune XA-A with its office (VP-A) below it, commune XA-B,
a leader, handlers, a clerk, and incoming documents inserted directly into the register (the
register's own use case is another capability's; here a row and its arrival number are
enough)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    """A local (Hà Nội) moment as an aware datetime: ``2026-04-23T10:00``."""
    return datetime.fromisoformat(text).replace(tzinfo=HANOI)


class Office:
    def __init__(self, services, accounts):
        from docsvc.accounts.services import create_unit

        self.services, self.accounts = services, accounts
        with services.session_factory() as db:
            create_unit(services, db, accounts.system, "VP-A", "Văn phòng xã A", parent_code="XA-A", kind="department")
            db.commit()
        people = (("lanhdao", "leader", "XA-A", 1), ("lanhdaob", "leader", "XA-B", 0),
                  ("chuyenvien", "specialist", "XA-A", 1), ("vanphong", "specialist", "VP-A", 0),
                  ("nguoib", "specialist", "XA-B", 0), ("vanthu", "clerk", "XA-A", 1), ("xem", "viewer", "XA-A", 0))
        for name, role, unit, clearance in people:
            accounts.user(name, role, unit=unit, clearance=clearance, full_name=name.title())

    def p(self, name: str):
        return self.accounts.principal(name)

    def unit_id(self, code: str) -> int:
        from sqlalchemy import select

        from archive.accounts import Unit

        with self.services.session_factory() as db:
            return db.scalar(select(Unit.id).where(Unit.code == code))

    def incoming(self, *, unit: str = "XA-A", urgency: int = 0, secrecy: int = 0, abstract: str = "Về việc thử",
                 arrived: datetime | None = None, number: str = "12", symbol: str = "UBND-VP") -> int:
        from archive.incoming import INCOMING_SCOPE, INCOMING_SECRET_SCOPE, IncomingDocument
        from archive.sequences import take_next

        arrived = arrived or datetime(2026, 4, 22, 2, 0, tzinfo=timezone.utc)
        office = self.unit_id(unit)
        scope = INCOMING_SECRET_SCOPE if secrecy else INCOMING_SCOPE
        with self.services.session_factory() as db:
            clerk = self.p("vanthu").user_id
            row = IncomingDocument(office_unit_id=office, scope=scope, year=arrived.year,
                                   arrival_number=take_next(db, scope, office, arrived.year), number=number,
                                   symbol=symbol, doc_type="Công văn", issuer="UBND tỉnh", issued_on=date(2026, 4, 20),
                                   abstract=abstract, arrived_at=arrived, arrived_on=arrived.astimezone(HANOI).date(),
                                   urgency=urgency, secrecy=secrecy, registered_by=clerk)
            db.add(row)
            db.commit()
            return row.id

    def row(self, model, row_id: int):
        with self.services.session_factory() as db:
            row = db.get(model, row_id)
            db.expunge(row)
            return row


@pytest.fixture
def office(services, accounts):
    return Office(services, accounts)
