"""An issuing body's outgoing settings (abbreviations, place, legal unit, where external
packages go) and the retention schedule by type: read by the process, changed by an
administrator (``outgoing.configure``).

The issuing body of a drafting unit is the unit itself, or its nearest ancestor, that is not
a department (``Unit.kind``): a commune's office drafts, the commune's People's Committee
issues. Abbreviations default to what the names say — a People's Committee is ``UBND``, a
department the last part of its code (``XA-TANPHU-VP`` → ``VP``) — until set.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.accounts import Unit
from archive.outgoing import OutgoingSettings, RetentionRule
from docsvc.access import Principal
from docsvc.incoming.rules import fold
from docsvc.outgoing.rules import TYPE_ABBR, OutgoingInvalid, OutgoingNotFound, nfc
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services

RETENTION_LABELS = {"permanent": "Vĩnh viễn"}
_ABBR = re.compile(r"^[0-9A-Za-zÀ-ỹĐđ]{1,16}$")


def issuer_of(session: Session, unit: Unit) -> Unit:
    current = unit
    while current.kind == "department" and current.parent_id is not None:
        current = session.get(Unit, current.parent_id)
    return current


def _derived_abbr(unit: Unit) -> str:
    if fold(unit.name).startswith("uybannhandan"):
        return "UBND"
    if fold(unit.name).startswith("hoidongnhandan"):
        return "HĐND"
    return unit.code.rsplit("-", 1)[-1].upper()[:16]


def settings_row(session: Session, unit_id: int) -> OutgoingSettings | None:
    return session.get(OutgoingSettings, unit_id)


def abbr_of(session: Session, unit: Unit) -> str:
    row = settings_row(session, unit.id)
    return row.abbr if row is not None else _derived_abbr(unit)


def place_of(session: Session, unit: Unit) -> str:
    row = settings_row(session, unit.id)
    if row is not None and row.place:
        return row.place
    name = nfc(unit.name)
    for prefix in ("Ủy ban nhân dân xã ", "Ủy ban nhân dân phường ", "Ủy ban nhân dân thị trấn ",
                   "Ủy ban nhân dân tỉnh ", "Ủy ban nhân dân thành phố ", "Ủy ban nhân dân huyện "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def retention_for(session: Session, doc_type: str) -> str:
    row = session.get(RetentionRule, doc_type) or session.get(RetentionRule, "*")
    return row.retention if row is not None else "permanent"


def retention_label(value: str | None) -> str:
    if not value:
        return ""
    return RETENTION_LABELS.get(value, f"{value} năm")


def _unit(session: Session, raw: Any, field: str) -> Unit:
    text = str(raw or "").strip()
    unit = session.scalar(select(Unit).where(Unit.code == text)) if text else None
    if unit is None and text.isdigit():
        unit = session.get(Unit, int(text))
    if unit is None:
        raise OutgoingInvalid(field, f"Không có đơn vị “{text}”.")
    return unit


def settings_dict(session: Session, unit: Unit) -> dict:
    row = settings_row(session, unit.id)
    legal = session.get(Unit, row.legal_unit_id) if row is not None and row.legal_unit_id else None
    return {"unit": {"id": unit.id, "code": unit.code, "name": unit.name},
            "abbr": abbr_of(session, unit), "place": place_of(session, unit),
            "legal_unit": {"id": legal.id, "code": legal.code, "name": legal.name} if legal else None,
            "exchange_dir": row.exchange_dir if row is not None else None,
            "exchange_email": row.exchange_email if row is not None else None,
            "configured": row is not None}


def get_settings(services: Services, principal: Principal, unit_code: str) -> dict:
    if not principal.can("outgoing.view"):
        raise PermissionDenied("outgoing.view")
    with services.uow() as uow:
        unit = _unit(uow.session, unit_code, "unit")
        if principal.unit_ids is not None and unit.id not in principal.unit_ids:
            raise OutgoingNotFound("unit")
        return settings_dict(uow.session, unit)


def configure(services: Services, principal: Principal, unit_code: str, *, abbr: str | None = None,
              place: str | None = None, legal_unit: str | None = None, exchange_dir: str | None = None,
              exchange_email: str | None = None) -> dict:
    """Set what is given; an empty string clears ``legal_unit``, ``exchange_dir`` and
    ``exchange_email`` (``abbr`` and ``place`` fall back to what the name says)."""
    if not principal.can("outgoing.configure"):
        raise PermissionDenied("outgoing.configure")
    with services.uow() as uow:
        session = uow.session
        unit = _unit(session, unit_code, "unit")
        row = settings_row(session, unit.id)
        if row is None:
            row = OutgoingSettings(unit_id=unit.id, abbr=_derived_abbr(unit))
            session.add(row)
        if abbr is not None:
            value = nfc(abbr) or _derived_abbr(unit)
            if not _ABBR.match(value):
                raise OutgoingInvalid("abbr", "Chữ viết tắt chỉ gồm chữ và số, không dấu cách, tối đa 16 ký tự.")
            row.abbr = value
        if place is not None:
            row.place = nfc(place)[:200] or None
        if legal_unit is not None:
            row.legal_unit_id = _unit(session, legal_unit, "legal_unit").id if legal_unit.strip() else None
        if exchange_dir is not None:
            row.exchange_dir = exchange_dir.strip()[:500] or None
        if exchange_email is not None:
            value = exchange_email.strip()
            if value and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
                raise OutgoingInvalid("exchange_email", "Địa chỉ thư điện tử không hợp lệ.")
            row.exchange_email = value[:254] or None
        session.flush()
        data = settings_dict(session, unit)
        record(services, session, principal, "outgoing.configure", object_type="unit", object_id=unit.id,
               details={k: v for k, v in data.items() if k != "unit"})
        uow.commit()
        return data


def retention_schedule(services: Services, principal: Principal) -> list[dict]:
    if not principal.can("outgoing.view"):
        raise PermissionDenied("outgoing.view")
    with services.uow() as uow:
        rows = uow.session.scalars(select(RetentionRule).order_by(RetentionRule.doc_type)).all()
        return [{"doc_type": r.doc_type, "retention": r.retention, "label": retention_label(r.retention),
                 "basis": r.basis} for r in rows]


def set_retention(services: Services, principal: Principal, doc_type: str, retention: str,
                  basis: str | None = None) -> dict:
    if not principal.can("outgoing.configure"):
        raise PermissionDenied("outgoing.configure")
    name = nfc(doc_type)
    if name != "*" and name not in TYPE_ABBR:
        raise OutgoingInvalid("doc_type", f"Loại văn bản “{name}” không có trong danh mục.")
    value = nfc(retention).lower()
    if value in ("vinh vien", "vĩnh viễn"):
        value = "permanent"
    if value != "permanent" and not (value.isdigit() and 1 <= int(value) <= 100):
        raise OutgoingInvalid("retention", "Thời hạn bảo quản là số năm (1–100) hoặc “vĩnh viễn”.")
    with services.uow() as uow:
        row = uow.session.get(RetentionRule, name)
        if row is None:
            row = RetentionRule(doc_type=name, retention=value)
            uow.session.add(row)
        row.retention, row.basis = value, nfc(basis) or row.basis
        record(services, uow.session, principal, "outgoing.retention", object_type="retention", object_id=None,
               details={"doc_type": name, "retention": value})
        uow.commit()
        return {"doc_type": name, "retention": value, "label": retention_label(value)}
