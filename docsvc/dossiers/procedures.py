"""The procedures list (thủ tục hành chính: code, name, field, statutory time in working
days, default handling unit) and the one-stop office's settings (the national agency code
printed in dossier codes, the place and heading printed on receipts). Re-exported by
docsvc.dossiers.services."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.accounts import Unit
from archive.dossiers import OneStopOffice, Procedure
from docsvc.access import Principal
from docsvc.dossiers.rules import (DossierConflict, DossierInvalid, DossierNotFound, UnknownReference, held, require,
                                   text, working_days)
from docsvc.extracts.office import _place_of
from docsvc.services.audit import record
from docsvc.services.container import Services

STARTER = (  # the demo's starter list: (code, name, field, working days)
    ("HT-KS", "Đăng ký khai sinh", "Hộ tịch", 1),
    ("HT-KH", "Đăng ký kết hôn", "Hộ tịch", 5),
    ("HT-KT", "Đăng ký khai tử", "Hộ tịch", 1),
    ("CT-BS", "Chứng thực bản sao từ bản chính", "Chứng thực", 1),
    ("DD-CN", "Đăng ký biến động quyền sử dụng đất (chuyển nhượng)", "Đất đai", 10),
    ("DD-CMD", "Chuyển mục đích sử dụng đất", "Đất đai", 15),
    ("KD-HKD", "Đăng ký thành lập hộ kinh doanh", "Kinh doanh", 3),
    ("XD-GP", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", 15),
)


# -- procedures ---------------------------------------------------------------------------

def procedure_dict(row: Procedure, unit: Unit | None = None) -> dict:
    return {"id": row.id, "code": row.code, "name": row.name, "field": row.field,
            "working_days": row.working_days, "active": row.active,
            "handling_unit": unit.code if unit is not None else None,
            "handling_unit_name": unit.name if unit is not None else None}


def _unit_by_code(session: Session, code: str | int | None, field: str = "unit") -> Unit:
    if isinstance(code, int) or (isinstance(code, str) and code.strip().isdigit()):
        unit = session.get(Unit, int(code))
    else:
        unit = session.scalar(select(Unit).where(Unit.code == str(code or "").strip()))
    if unit is None:
        raise UnknownReference(field, f"Không có đơn vị {code}.")
    return unit


def list_procedures(services: Services, principal: Principal, *, active_only: bool = False) -> list[dict]:
    """The procedures, by field then name."""
    require(principal, "procedure.view")
    with services.uow() as uow:
        query = select(Procedure, Unit).outerjoin(Unit, Unit.id == Procedure.handling_unit_id)
        if active_only:
            query = query.where(Procedure.active.is_(True))
        rows = uow.session.execute(query.order_by(Procedure.field, Procedure.name)).all()
        return [procedure_dict(p, u) for p, u in rows]


def save_procedure(services: Services, principal: Principal, code: str, name: str, field: str,
                   working_days_: int | str, handling_unit: str | None = None, active: bool = True) -> dict:
    """Add a procedure, or change the one with this code. Returns it with ``created``."""
    require(principal, "procedure.manage")
    code = text("code", code, limit=64)
    if any(c.isspace() for c in code):
        raise DossierInvalid("code", "Mã thủ tục không có khoảng trắng.")
    name, field = text("name", name, limit=500), text("field", field, limit=100)
    days = working_days(working_days_)
    with services.uow() as uow:
        session = uow.session
        unit = _unit_by_code(session, handling_unit, "handling_unit") if handling_unit not in (None, "") else None
        row = session.scalar(select(Procedure).where(Procedure.code == code))
        created = row is None
        before = None if created else procedure_dict(row)
        if created:
            row = Procedure(code=code)
            session.add(row)
        row.name, row.field, row.working_days = name, field, days
        row.handling_unit_id, row.active = (unit.id if unit else None), bool(active)
        session.flush()
        data = procedure_dict(row, unit)
        record(services, session, principal, "procedure.save", object_type="procedure", object_id=row.id,
               details={"code": code, "before": before and {k: before[k] for k in ("name", "field", "working_days",
                                                                                  "active")},
                        "after": {k: data[k] for k in ("name", "field", "working_days", "active", "handling_unit")}})
        uow.commit()
        return {**data, "created": created}


def procedure_by_code(session: Session, code: str | None) -> Procedure:
    row = session.scalar(select(Procedure).where(Procedure.code == str(code or "").strip()))
    if row is None:
        raise UnknownReference("procedure", f"Không có thủ tục mã {code}.")
    if not row.active:
        raise DossierConflict("procedure_inactive", f"Thủ tục {row.code} đã ngừng áp dụng.")
    return row


# -- the office ---------------------------------------------------------------------------

def office_unit(session: Session, principal: Principal, office: str | int | None = None) -> Unit:
    """The receiving office: the one named (in scope), else the nearest unit above the
    principal's own (itself included) that has one-stop settings, else the principal's unit."""
    if office not in (None, ""):
        unit = _unit_by_code(session, office, "office")
        if not held(principal, unit.id):
            raise DossierNotFound(f"Không có đơn vị {office}.")
        return unit
    if principal.unit_id is None:
        raise DossierInvalid("office", "Hãy chỉ rõ bộ phận một cửa (mã đơn vị).")
    unit = session.get(Unit, principal.unit_id)
    walk = unit
    while walk is not None:
        if session.get(OneStopOffice, walk.id) is not None:
            return walk
        walk = session.get(Unit, walk.parent_id) if walk.parent_id else None
    return unit


def default_heading(session: Session, unit: Unit) -> list[str]:
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return ([parent.name.upper()] if parent else []) + [unit.name.upper()]


def office_dict(session: Session, unit: Unit) -> dict:
    row = session.get(OneStopOffice, unit.id)
    return {"unit": {"id": unit.id, "code": unit.code, "name": unit.name},
            "agency_code": row.agency_code if row else unit.code,
            "agency_code_set": row is not None and bool(row.agency_code),
            "place": (row.place if row and row.place else _place_of(unit.name)),
            "heading": (row.heading.split("\n") if row and row.heading else default_heading(session, unit))}


def get_office(services: Services, principal: Principal, office: str | int | None = None) -> dict:
    """The office's settings; ``agency_code_set`` False: the unit's code stands in."""
    if not (principal.can("procedure.manage") or principal.can("dossier.view")):
        require(principal, "dossier.view")
    with services.uow() as uow:
        return office_dict(uow.session, office_unit(uow.session, principal, office))


def configure_office(services: Services, principal: Principal, unit: str | int | None, agency_code: str,
                     place: str | None = None, heading: str | None = None) -> dict:
    """The agency code printed in dossier codes, the place and the heading of receipts."""
    require(principal, "procedure.manage")
    code = text("agency_code", agency_code, limit=32)
    if any(c.isspace() for c in code) or "/" in code:
        raise DossierInvalid("agency_code", "Mã cơ quan không có khoảng trắng hay dấu '/' (ví dụ 000.00.12.H29).")
    place = text("place", place, limit=200, required=False)
    heading_lines = None
    if heading not in (None, ""):
        heading_lines = [unicodedata.normalize("NFC", " ".join(line.split())) for line in str(heading).splitlines()]
        heading_lines = [line for line in heading_lines if line]
        if not heading_lines or len(heading_lines) > 4 or any(len(line) > 120 for line in heading_lines):
            raise DossierInvalid("heading", "Tiêu đề cơ quan: 1 đến 4 dòng, mỗi dòng tối đa 120 ký tự.")
    with services.uow() as uow:
        session = uow.session
        target = office_unit(session, principal, unit) if unit not in (None, "") else None
        if target is None:
            if principal.unit_id is None:
                raise DossierInvalid("unit", "Hãy chỉ rõ đơn vị (mã đơn vị).")
            target = session.get(Unit, principal.unit_id)
        row = session.get(OneStopOffice, target.id)
        before = office_dict(session, target)
        if row is None:
            row = OneStopOffice(unit_id=target.id, agency_code=code)
            session.add(row)
        row.agency_code = code
        if place is not None:
            row.place = place
        if heading_lines is not None:
            row.heading = "\n".join(heading_lines)
        session.flush()
        data = office_dict(session, target)
        record(services, session, principal, "dossier.office", object_type="unit", object_id=target.id,
               details={"before": {k: before[k] for k in ("agency_code", "place", "heading")},
                        "after": {k: data[k] for k in ("agency_code", "place", "heading")}})
        uow.commit()
        return data
