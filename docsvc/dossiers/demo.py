"""Sample one-stop data for ``docsvc demo`` (issue 13 §4 and §6): the starter procedures
(docsvc.dossiers.procedures.STARTER) with their handling units, the demo commune's agency
code, and about three months of dossiers received by the demo one-stop officer with every
outcome — refused, supplement asked (some completed), routed, an apology with a new date,
returned early, on time and late, some still open or overdue — so that the desk and the
reports have something to show. A second run adds nothing that is already there.

Every step goes through the use cases, with moments in the past (``received_at``, ``at``)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from archive.accounts import Unit
from archive.dossiers import Dossier
from docsvc.access import Principal, principal_for, system_principal
from docsvc.calendar.services import calendar_for
from docsvc.dates import local_now
from docsvc.services.container import Services

OFFICE = "XA-TANPHU"
AGENCY_CODE = "000.00.12.H29"
DESK, HANDLER = "motcua", "chuyenvien"
UNITS = {"Hộ tịch": "XA-TANPHU-TP", "Chứng thực": "XA-TANPHU-TP"}   # the others: the commune's office
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Võ Thị Hoa",
         "Đặng Văn Hùng", "Bùi Thị Lan", "Đỗ Văn Minh", "Huỳnh Thị Ngọc", "Ngô Văn Phúc", "Dương Thị Quỳnh")
DAYS = 90


def _principal(services: Services, username: str) -> Principal | None:
    from archive.accounts import User

    with services.session_factory() as session:
        user = session.scalar(select(User).where(User.username == username))
        return principal_for(session, user, via="demo") if user is not None else None


def add_demo_dossiers(services: Services, seed: int = 0) -> list[str]:
    """Procedures, office settings and sample dossiers of the demo commune (the demo
    accounts must exist). Returns the lines to show."""
    from docsvc.dossiers import services as dossiers

    system = system_principal("demo")
    desk, handler = _principal(services, DESK), _principal(services, HANDLER)
    if desk is None or handler is None:
        return []
    lines = []
    # The demo's workflows (docsvc.reports.demo) may have given the commune its dossiers and
    # procedures already: then there is nothing to add (nor a second list of procedures).
    with services.session_factory() as session:
        if session.scalar(select(func.count(Dossier.id)).join(Unit, Unit.id == Dossier.office_unit_id)
                          .where(Unit.code == OFFICE)):
            return lines
    known = {p["code"] for p in dossiers.list_procedures(services, system)}
    for code, name, field, days in dossiers.STARTER:
        if code not in known:
            dossiers.save_procedure(services, system, code, name, field, days,
                                    handling_unit=UNITS.get(field, "XA-TANPHU-VP"))
    if len(known) < len(dossiers.STARTER):
        lines.append(f"Danh mục thủ tục mẫu: {len(dossiers.STARTER)} thủ tục.")
    office = dossiers.get_office(services, system, OFFICE)
    if not office["agency_code_set"]:
        dossiers.configure_office(services, system, OFFICE, AGENCY_CODE, place="Xã Tân Phú",
                                  heading="ỦY BAN NHÂN DÂN\nXÃ TÂN PHÚ")
    count = _dossiers(services, desk, handler, random.Random(seed))
    lines.append(f"Hồ sơ một cửa mẫu: {count} hồ sơ trong {DAYS} ngày qua.")
    return lines


def _dossiers(services: Services, desk: Principal, handler: Principal, rng: random.Random) -> int:
    from docsvc.dossiers import services as dossiers

    now = local_now(services.settings.time_zone).replace(tzinfo=None)
    calendar = calendar_for(services, desk.unit_id)
    procedures = dossiers.list_procedures(services, desk, active_only=True)
    count = 0
    day = (now - timedelta(days=DAYS)).date()
    while day < now.date():
        day += timedelta(days=1)
        if not calendar.is_working_day(day):
            continue
        for _ in range(rng.randint(0, 3)):
            at = datetime.combine(day, time(rng.randint(7, 16), rng.choice((0, 15, 30, 45))))
            if at > now:
                continue
            proc = rng.choice(procedures)
            roll = rng.random()
            outcome = "refused" if roll < 0.04 else "supplement" if roll < 0.12 else "accepted"
            note = {"refused": "Không thuộc thẩm quyền giải quyết", "supplement": "Thiếu bản sao giấy tờ tùy thân"}
            got = dossiers.receive_dossier(services, desk, proc["code"], rng.choice(NAMES), received_at=at,
                                           documents=["Tờ khai", "Bản sao giấy tờ tùy thân"], outcome=outcome,
                                           note=note.get(outcome))
            count += 1
            _follow(services, desk, handler, got, at, now, calendar, rng)
    return count


def _follow(services, desk, handler, got: dict, at: datetime, now: datetime, calendar, rng) -> None:
    """What happened next to a dossier received at ``at``, as far as ``now``."""
    from datetime import date

    from docsvc.dossiers import services as dossiers

    if got["status"] == "refused":
        return
    if got["status"] == "supplement":
        later = at + timedelta(days=rng.randint(1, 6))
        if later >= now or rng.random() < 0.3:
            return  # still waiting for the applicant
        got = dossiers.complete_supplement(services, desk, got["id"], at=later)
        at = later
    dossiers.route(services, desk, got["id"])
    due = date.fromisoformat(got["due_on"])
    roll = rng.random()
    if roll < 0.05 and at.date() < due and calendar.next_working_day(due) < now.date():
        sorry_at = datetime.combine(max(at.date(), due - timedelta(days=1)), time(9, 0))
        if sorry_at < now and sorry_at.date() < due:
            new_due = calendar.add_working_days(due, 3)
            dossiers.apologize(services, handler, got["id"], new_due, "Cần xác minh thêm tại thực địa", at=sorry_at)
    days_taken = rng.choice((-2, -1, -1, 0, 0, 0, 1)) if roll < 0.97 else 3
    back_day = due + timedelta(days=days_taken)
    while not calendar.is_working_day(back_day):
        back_day += timedelta(days=1 if days_taken >= 0 else -1)
    back = datetime.combine(max(back_day, at.date()), time(rng.randint(8, 16), 0))
    if back <= at:
        back = at + timedelta(hours=1)
    if back >= now:
        return  # still in hand (open, due soon or overdue)
    dossiers.return_result(services, handler, got["id"], "Đã trả kết quả cho công dân", at=back)
