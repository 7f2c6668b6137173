"""Sample workflows for ``docsvc demo`` (issue 13 §6): the demo commune (XA-TANPHU) gets a
list of procedures in several fields, its one-stop settings, and four months of registered
incoming documents, assignments and dossiers up to today, with every outcome (see
docsvc.reports.sample), so that the reports page has something to show.

Idempotent: when the commune already has dossiers or registered documents (an earlier demo,
or real work), nothing is added.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from archive.accounts import Unit, User
from archive.dossiers import Dossier, OneStopOffice, Procedure
from archive.incoming import IncomingDocument
from docsvc.access import system_principal
from docsvc.calendar.services import calendar_for
from docsvc.dates import local_now
from docsvc.reports import sample
from docsvc.services.audit import record
from docsvc.services.container import Services

OFFICE, DESK, JUSTICE = "XA-TANPHU", "XA-TANPHU-VP", "XA-TANPHU-TP"
AGENCY_CODE = "H48.26.10"
# code, name, field, working days, handling unit, handling users
PROCEDURES = (
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch", 1, JUSTICE, ("hotich",)),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch", 3, JUSTICE, ("hotich",)),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch", 1, JUSTICE, ("hotich",)),
    ("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", 1, JUSTICE, ("hotich", "motcua")),
    ("2.000884", "Chứng thực chữ ký trong giấy tờ, văn bản", "Chứng thực", 1, JUSTICE, ("motcua",)),
    ("1.004227", "Đăng ký biến động quyền sử dụng đất", "Đất đai", 10, DESK, ("chuyenvien",)),
    ("1.004203", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "Đất đai", 20, DESK, ("chuyenvien",)),
    ("2.000720", "Đăng ký thành lập hộ kinh doanh", "Kinh doanh", 3, DESK, ("chuyenvien",)),
)
MONTHS, DOSSIERS, DOCUMENTS = 4, 480, 160


def _ids(session, model, column, values) -> dict:
    return {v: i for i, v in session.execute(select(model.id, column).where(column.in_(values))).all()}


def add_demo_workflows(services: Services, *, seed: int = 0) -> list[str]:
    """Procedures, one-stop settings and a few months of documents and dossiers of the demo
    commune (its units and accounts must exist). Returns the lines to show."""
    today = local_now(services.settings.time_zone).date()
    with services.uow() as uow:
        session = uow.session
        units = {code: uid for uid, code in session.execute(
            select(Unit.id, Unit.code).where(Unit.code.in_((OFFICE, DESK, JUSTICE)))).all()}
        users = {name: uid for uid, name in session.execute(select(User.id, User.username)).all()}
        if len(units) < 3 or "vanthu" not in users or "lanhdao" not in users:
            return ["Văn bản đến, hồ sơ mẫu: chưa có đơn vị, tài khoản mẫu"]
        office = units[OFFICE]
        if (session.scalar(select(func.count()).select_from(Dossier).where(Dossier.office_unit_id == office))
                or session.scalar(select(func.count()).select_from(IncomingDocument)
                                  .where(IncomingDocument.office_unit_id == office))):
            return []   # an earlier run (or real work) is there
    calendar = calendar_for(services, office)
    with services.uow() as uow:
        session = uow.session
        one_stop = session.get(OneStopOffice, office)
        if one_stop is None:
            one_stop = OneStopOffice(unit_id=office, agency_code=AGENCY_CODE, place="Xã Tân Phú",
                                     heading="ỦY BAN NHÂN DÂN\nXÃ TÂN PHÚ")
            session.add(one_stop)
        agency = one_stop.agency_code
        known = _ids(session, Procedure, Procedure.code, [p[0] for p in PROCEDURES])
        procedures = []
        for code, name, field, days, unit, handlers in PROCEDURES:
            if code not in known:
                row = Procedure(code=code, name=name, field=field, working_days=days, handling_unit_id=units[unit])
                session.add(row)
                session.flush()
                known[code] = row.id
            procedures.append(sample.Procedure(known[code], field, days, units[unit],
                                               tuple(users[h] for h in handlers if h in users) or (users["lanhdao"],)))
        staff = tuple(users[u] for u in ("chuyenvien", "hotich") if u in users)
        plan = sample.Plan(office_id=office, agency_code=agency, clerk_id=users["vanthu"], leader_id=users["lanhdao"],
                           units={units[DESK]: staff[:1], units[JUSTICE]: staff[1:]}, procedures=procedures,
                           calendar=calendar, start=today - timedelta(days=30 * MONTHS), end=today,
                           dossiers=DOSSIERS, documents=DOCUMENTS, today=today, seed=seed,
                           time_zone=services.settings.time_zone)
        written = sample.write_workflows(session, plan)
        record(services, session, system_principal("demo"), "workflow.sample", object_type="unit", object_id=office,
               details={"from": plan.start.isoformat(), "to": plan.end.isoformat(), "rows": written})
        uow.commit()
    return [f"Văn bản đến, hồ sơ mẫu: {written['incoming_documents']} văn bản đến, {written['dossiers']} hồ sơ, "
            f"{written['assignments']} lượt phân công trong {MONTHS} tháng"]
