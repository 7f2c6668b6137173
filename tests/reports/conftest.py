"""A scripted first quarter of 2026 for the on-time report: dossiers and assignments of
commune XA-A with known standings (and one of each in XA-B, which XA-A's leader must not
count), written through the models. ``today`` is 1 April 2026.

Dossiers of XA-A (received → returned, standing):
  d1 05/01 Đất đai u1 → 10/01 early          d2 02/02 Đất đai u1 → 20/02 late
  d3 03/02 Hộ tịch u2, supplemented once → 04/02 on time
  d4 30/03 Hộ tịch u2, in progress, due 10/04 (open)
  d5 02/03 Đất đai u1, in progress, due 20/03 (overdue)
  d6 20/12/2025 Hộ tịch u2 → 31/03 on time (the quarter's last day: counts)
  d7 10/03 Hộ tịch u2 → 01/04 early (the day after: not in the quarter)
  d8 15/01 Đất đai, refused (no handling unit)
  d9 25/03 Hộ tịch, waiting for its supplement (no handling unit, no due date)
Main assignments of incoming documents (unit XA-A):
  a1 06/01 u1 → 08/01 early     a2 10/02 forwarded (no person) → its child a3 u2 → 24/02 late
  a5 16/03 u1 open, due 25/03 (overdue);  a4 a cooperating share (not scored)
XA-B: one dossier and one main assignment, both early in January.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

TODAY = date(2026, 4, 1)
Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=timezone.utc)


class Quarter:
    def __init__(self, services, accounts):
        from archive.accounts import Unit
        from archive.dossiers import Dossier, Procedure
        from archive.incoming import IncomingDocument
        from archive.routing import Assignment
        from sqlalchemy import select

        self.accounts = accounts
        self.u1 = accounts.user("cv1", "specialist", full_name="Chuyên viên Một")
        self.u2 = accounts.user("cv2", "specialist", full_name="Chuyên viên Hai")
        self.leader = accounts.user("lanhdao", "leader", full_name="Lãnh đạo A")
        self.leader_b = accounts.user("lanhdaob", "leader", unit="XA-B")
        self.clerk = accounts.user("vanthu", "clerk")
        with services.session_factory() as db:
            units = dict(db.execute(select(Unit.code, Unit.id)).all())
            self.a, self.b = units["XA-A"], units["XA-B"]
            land = Procedure(code="DD", name="Đất đai", field="Đất đai", working_days=10, handling_unit_id=self.a)
            civil = Procedure(code="HT", name="Hộ tịch", field="Hộ tịch", working_days=3, handling_unit_id=self.a)
            db.add_all([land, civil])
            db.flush()
            n = iter(range(1, 100))

            def dossier(received, proc, user, *, office=None, status="returned", returned=None, standing=None,
                        due=None, supplements=0, unit="handler"):
                office = office or self.a
                db.add(Dossier(code=f"X-{next(n)}", office_unit_id=office, procedure_id=proc.id, field=proc.field,
                               applicant="Nguyễn Văn A", received_at=_at(received), received_on=received,
                               received_by=self.clerk.id, clock_from=received, due_on=due, status=status,
                               supplements=supplements,
                               handling_unit_id=(office if unit == "handler" else None),
                               handling_user_id=user.id if user else None,
                               returned_on=returned, returned_at=_at(returned) if returned else None,
                               standing=standing, score={"early": 2, "on_time": 1, "late": 0}.get(standing)))

            d = date
            dossier(d(2026, 1, 5), land, self.u1, returned=d(2026, 1, 10), standing="early", due=d(2026, 1, 19))
            dossier(d(2026, 2, 2), land, self.u1, returned=d(2026, 2, 20), standing="late", due=d(2026, 2, 16))
            dossier(d(2026, 2, 3), civil, self.u2, returned=d(2026, 2, 4), standing="on_time", due=d(2026, 2, 4),
                    supplements=1)
            dossier(d(2026, 3, 30), civil, self.u2, status="in_progress", due=d(2026, 4, 10))
            dossier(d(2026, 3, 2), land, self.u1, status="in_progress", due=d(2026, 3, 20))
            dossier(d(2025, 12, 20), civil, self.u2, returned=d(2026, 3, 31), standing="on_time", due=d(2026, 3, 31))
            dossier(d(2026, 3, 10), civil, self.u2, returned=d(2026, 4, 1), standing="early", due=d(2026, 4, 3))
            dossier(d(2026, 1, 15), land, None, status="refused", unit=None)
            dossier(d(2026, 3, 25), civil, None, status="supplement", supplements=1, unit=None)
            dossier(d(2026, 1, 10), land, None, office=self.b, returned=d(2026, 1, 12), standing="early",
                    due=d(2026, 1, 20))

            def incoming(office, day):
                row = IncomingDocument(office_unit_id=office, scope="incoming", year=2026, arrival_number=next(n),
                                       arrived_at=_at(day), arrived_on=day, registered_by=self.clerk.id)
                db.add(row)
                db.flush()
                return row.id

            def assignment(doc, unit, user, received, *, role="main", status="done", completed=None,
                           standing=None, due=None, parent=None):
                row = Assignment(incoming_id=doc, role=role, unit_id=unit, user_id=user.id if user else None,
                                 assigned_by=self.leader.id, received_on=received, due_on=due, status=status,
                                 completed_on=completed, completed_at=_at(completed) if completed else None,
                                 standing=standing, parent_id=parent)
                db.add(row)
                db.flush()
                return row.id

            i1, i2, i3, ib = (incoming(self.a, d(2026, 1, 6)), incoming(self.a, d(2026, 2, 10)),
                              incoming(self.a, d(2026, 3, 16)), incoming(self.b, d(2026, 1, 7)))
            assignment(i1, self.a, self.u1, d(2026, 1, 6), completed=d(2026, 1, 8), standing="early", due=d(2026, 1, 9))
            a2 = assignment(i2, self.a, None, d(2026, 2, 10), status="forwarded", due=d(2026, 2, 20))
            assignment(i2, self.a, self.u2, d(2026, 2, 10), completed=d(2026, 2, 24), standing="late",
                       due=d(2026, 2, 20), parent=a2)
            assignment(i2, self.a, None, d(2026, 2, 10), role="cooperate", completed=d(2026, 2, 12), standing="early",
                       due=d(2026, 2, 20))
            assignment(i3, self.a, self.u1, d(2026, 3, 16), status="open", due=d(2026, 3, 25))
            assignment(ib, self.b, None, d(2026, 1, 7), completed=d(2026, 1, 8), standing="early", due=d(2026, 1, 9))
            db.commit()


@pytest.fixture
def quarter(services, accounts):
    return Quarter(services, accounts)
