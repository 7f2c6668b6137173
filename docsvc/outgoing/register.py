"""The outgoing register (sổ đăng ký văn bản đi, DOMAIN.md §1; issue 14 point 4): the rows
numbering wrote, read as the book of Decree 30 with its official columns, and the book
printed as PDF or XLSX. Also the incoming register in the same shape, for the registers API.

A register is one office's book of one year: the rows of ``OutgoingDocument`` numbered
(``seq`` set) by that issuing body, in number order. Secret documents (scope
``outgoing_secret``, Mật and up) have their own sequence and so their own book
(``secret=True``); a reader sees only rows up to their clearance. The office is the
principal's own unit unless one is named (an id or a code); a named office outside the
principal's units is absent (``OutgoingNotFound``, 404), as for the incoming register.

Which rows belong to an office's book: its own, and those of units whose records passed into
its custody (a unit whose ``successor_id`` leads to it, e.g. a former district's registers
kept by the commune after 1 July 2025). Not those of the units below it: a commune under a
province is an issuing body of its own, with its own numbers from 01, and mixing its rows
into the province's book would show each number twice. Rows of a predecessor come after the
office's own, each book in number order, and say whose book they are in ``notes``.

Each row (``outgoing_register``'s ``rows``) has the official columns under stable keys —
``number_symbol``, ``issued_on`` (ISO) and ``issued_on_text`` (dd/mm/yyyy), ``doc_type``,
``abstract``, ``type_abstract``, ``signer``, ``recipients``, ``file_keeper``, ``copies``,
``sent_on`` and ``sent_on_text``, ``receipt_signature`` (empty: the paper's column),
``notes`` — and ``id``, ``seq``, ``state``, ``issuer`` (the issuing unit's name).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from archive.accounts import SECRECY_LABELS, Unit, User
from archive.outgoing import (AMENDED, ANNULLED, OUTGOING_SCOPE, OUTGOING_SECRET_SCOPE, REPLACED, WITHDRAWN,
                              OutgoingDocument, OutgoingLink)
from docsvc.access import Principal
from docsvc.dates import local_now
from docsvc.outgoing.register_print import COLUMNS, render
from docsvc.outgoing.rules import OutgoingInvalid, OutgoingNotFound
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services

RECORDS_OFFICE = "Văn thư"
# The control status of an issued document as the register's notes say it (ISO 9001 7.5).
CONTROL_NOTES = {AMENDED: "Đã được sửa đổi, bổ sung", REPLACED: "Đã bị thay thế", ANNULLED: "Đã bị bãi bỏ"}
FORMATS = ("pdf", "xlsx")


def _require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


def year_value(services: Services, year: Any) -> int:
    """The register's year: this year (local) when none is given, else 1900-2100."""
    if year is None or year == "":
        return local_now(services.settings.time_zone).year
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise OutgoingInvalid("year", "Năm phải là số.") from None
    if not 1900 <= value <= 2100:
        raise OutgoingInvalid("year", "Năm phải từ 1900 đến 2100.")
    return value


def _format(fmt: Any) -> str:
    if fmt not in FORMATS:
        raise OutgoingInvalid("format", "Định dạng phải là pdf hoặc xlsx.")
    return fmt


def _office(session: Session, principal: Principal, office: int | str | None) -> Unit:
    """The office whose book is read: the principal's unit, else the one named by id or code,
    which must be one of the principal's units (else absent)."""
    if office is None or str(office).strip() == "":
        if principal.unit_id is None:
            raise OutgoingInvalid("office", "Hãy chỉ rõ cơ quan ban hành (mã đơn vị).")
        return session.get(Unit, principal.unit_id)
    named = str(office).strip()
    unit = session.get(Unit, int(named)) if named.isdigit() else session.scalar(select(Unit).where(Unit.code == named))
    if unit is None or (principal.unit_ids is not None and unit.id not in principal.unit_ids):
        raise OutgoingNotFound(office)
    return unit


def _office_dict(unit: Unit) -> dict:
    return {"id": unit.id, "code": unit.code, "name": unit.name}


def _custody_ids(session: Session, unit_id: int) -> list[int]:
    """The office, then every unit whose records passed into its custody (through
    ``successor_id``, recursively), nearest first; not the units below it."""
    predecessors: dict[int, list[int]] = {}
    for uid, successor in session.execute(select(Unit.id, Unit.successor_id).where(Unit.successor_id.is_not(None))):
        predecessors.setdefault(successor, []).append(uid)
    order, seen, queue = [], set(), [unit_id]
    while queue:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        order.append(current)
        queue.extend(sorted(predecessors.get(current, ())))
    return order


def _heading(session: Session, unit: Unit) -> tuple[str, ...]:
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return tuple(u.name.upper() for u in (parent, unit) if u is not None)


# -- one row -----------------------------------------------------------------------------------

def type_abstract(doc_type: str | None, abstract: str | None) -> str:
    """"Quyết định về việc …": the type's name, then the abstract, its first word in lower case
    when it is an ordinary word (``Về việc`` → ``về việc``; ``V/v``, ``UBND`` stay)."""
    kind, text = (doc_type or "").strip(), (abstract or "").strip()
    if not text:
        return kind
    if not kind or text.casefold().startswith(kind.casefold()):
        return text
    first = text.split()[0]
    if len(first) > 1 and first.isalpha() and first[1:] == first[1:].lower():
        text = text[0].lower() + text[1:]
    return f"{kind} {text}"


def _text_day(day: date | None) -> str | None:
    return f"{day:%d/%m/%Y}" if day else None


def _notes(doc: OutgoingDocument, later: list[str], issuer: Unit | None, office: Unit) -> str:
    parts = []
    if doc.state == WITHDRAWN or doc.withdrawn_note:
        parts.append(f"Đã thu hồi: {doc.withdrawn_note}" if doc.withdrawn_note else "Đã thu hồi")
    if doc.control_status in CONTROL_NOTES:
        by = f" bởi văn bản số {', '.join(later)}" if later else ""
        parts.append(CONTROL_NOTES[doc.control_status] + by)
    if doc.secrecy:
        parts.append(SECRECY_LABELS.get(doc.secrecy, str(doc.secrecy)))
    if issuer is not None and issuer.id != office.id:
        parts.append(f"Sổ của {issuer.name}")
    return "; ".join(parts)


def register_row(doc: OutgoingDocument, *, signer: str | None, drafting: str | None, later: list[str],
                 issuer: Unit | None, office: Unit) -> dict:
    """One numbered document as a row of the register (the keys of the module's docstring)."""
    recipients = [str(r.get("name") or r.get("code") or "").strip() for r in (doc.recipients or [])
                  if isinstance(r, dict)]
    recipients = [r for r in recipients if r]
    keeper = ", ".join(p for p in (drafting, RECORDS_OFFICE) if p)
    return {
        "id": doc.id, "seq": doc.seq, "state": doc.state,
        "number_symbol": doc.number_symbol,
        "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
        "issued_on_text": _text_day(doc.issued_on),
        "doc_type": doc.doc_type, "abstract": doc.abstract,
        "type_abstract": type_abstract(doc.doc_type, doc.abstract),
        "signer": signer or "",
        "recipients": ", ".join(recipients),
        "file_keeper": keeper,
        "copies": doc.copies if doc.copies is not None else len(recipients) + 1,
        "sent_on": doc.released_on.isoformat() if doc.released_on else None,
        "sent_on_text": _text_day(doc.released_on),
        "receipt_signature": "",
        "notes": _notes(doc, later, issuer, office),
        "issuer": issuer.name if issuer is not None else None,
    }


def _rows(session: Session, principal: Principal, office: Unit, year: int, secret: bool) -> list[dict]:
    custody = _custody_ids(session, office.id)
    place = {unit_id: i for i, unit_id in enumerate(custody)}
    signer, drafting = aliased(User), aliased(Unit)
    # The signer column names who signed; before the signature is recorded, the intended signer.
    query = (select(OutgoingDocument, signer.full_name, signer.username, drafting.name)
             .outerjoin(signer, signer.id == func.coalesce(OutgoingDocument.signed_by,
                                                            OutgoingDocument.signer_user_id))
             .outerjoin(drafting, drafting.id == OutgoingDocument.drafting_unit_id)
             .where(OutgoingDocument.issuer_unit_id.in_(custody), OutgoingDocument.year == year,
                    OutgoingDocument.seq.is_not(None),
                    OutgoingDocument.scope == (OUTGOING_SECRET_SCOPE if secret else OUTGOING_SCOPE),
                    OutgoingDocument.secrecy <= principal.clearance))
    found = sorted(session.execute(query).all(),
                   key=lambda r: (place[r[0].issuer_unit_id], r[0].seq, r[0].id))
    ids = [r[0].id for r in found]
    later = _later_documents(session, principal, ids)
    issuers = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(custody)))}
    return [register_row(doc, signer=full_name or username, drafting=drafting_name, later=later.get(doc.id, []),
                         issuer=issuers.get(doc.issuer_unit_id), office=office)
            for doc, full_name, username, drafting_name in found]


def _later_documents(session: Session, principal: Principal, ids: list[int]) -> dict[int, list[str]]:
    """For each earlier document, the numbers of the later ones that amend, replace or annul
    it (numbered, and within the reader's clearance), in link order."""
    if not ids:
        return {}
    later = aliased(OutgoingDocument)
    rows = session.execute(select(OutgoingLink.to_id, later.number_symbol)
                           .join(later, later.id == OutgoingLink.from_id)
                           .where(OutgoingLink.to_id.in_(ids), later.number_symbol.is_not(None),
                                  later.secrecy <= principal.clearance)
                           .order_by(OutgoingLink.id)).all()
    found: dict[int, list[str]] = {}
    for to_id, number_symbol in rows:
        found.setdefault(to_id, []).append(number_symbol)
    return found


def _register(session: Session, principal: Principal, *, year: int, office: int | str | None,
              secret: bool) -> tuple[Unit, list[dict]]:
    unit = _office(session, principal, office)
    return unit, _rows(session, principal, unit, year, bool(secret))


# -- the use cases -----------------------------------------------------------------------------

def outgoing_register(services: Services, principal: Principal, *, year: int | None,
                      office: int | str | None = None, secret: bool = False) -> dict:
    """The outgoing register of an office (the principal's unit by default) for ``year`` (this
    year when None): ``{"office": {id, code, name}, "year", "secret", "columns": [{key,
    label}], "rows": [...]}``, rows in number order. Needs ``outgoing.view``."""
    _require(principal, "outgoing.view")
    year = year_value(services, year)
    with services.uow() as uow:
        unit, rows = _register(uow.session, principal, year=year, office=office, secret=secret)
        return {"office": _office_dict(unit), "year": year, "secret": bool(secret),
                "columns": [{"key": key, "label": label} for key, label in COLUMNS], "rows": rows}


def outgoing_register_file(services: Services, principal: Principal, *, year: int | None, fmt: str,
                           office: int | str | None = None, secret: bool = False) -> tuple[bytes, str, str]:
    """The register printed (A4 landscape PDF with embedded fonts, or XLSX): ``(bytes, file
    name, media type)``. The printing is recorded (``outgoing.register_print``, on the office)."""
    _require(principal, "outgoing.view")
    fmt, year = _format(fmt), year_value(services, year)
    with services.uow() as uow:
        session = uow.session
        unit, rows = _register(session, principal, year=year, office=office, secret=secret)
        heading = _heading(session, unit)
        data, media = render(fmt, heading, year, rows, secret=bool(secret))
        record(services, session, principal, "outgoing.register_print", object_type="unit", object_id=unit.id,
               details={"office": unit.code, "year": year, "secret": bool(secret), "format": fmt,
                        "rows": len(rows)})
        uow.commit()
    name = f"so-van-ban-di{'-mat' if secret else ''}-{_slug(unit.code)}-{year}.{fmt}"
    return data, name, media


def _slug(code: str) -> str:
    from docsvc.incoming.rules import fold

    return "".join(c if c.isalnum() else "-" for c in fold(code)).strip("-") or "so"


# -- the incoming register in the same shape ---------------------------------------------------

INCOMING_KEYS = ("arrived_on", "arrival_number", "author", "number_symbol", "issued_on", "type_abstract",
                 "receiver", "handed_on", "receipt_signature", "notes")


def incoming_register(services: Services, principal: Principal, *, year: int | None,
                      office: int | str | None = None, secret: bool = False) -> dict:
    """The incoming register of an office for ``year`` in the shape of ``outgoing_register``,
    read through the incoming capability's own use case (``register_rows``: its permission
    ``incoming.view``, its scope and refusals); each row with the official incoming columns
    (``arrived_on``, ``arrival_number``, ``author``, ``number_symbol``, ``issued_on``,
    ``type_abstract``, ``receiver``, ``handed_on``, ``receipt_signature``, ``notes``; the
    dates also as ``*_text``, dd/mm/yyyy) and ``id``, ``year``, ``status``."""
    from docsvc.incoming import services as incoming
    from docsvc.incoming.register_print import COLUMNS as INCOMING_COLUMNS, cells, row_notes

    _require(principal, "incoming.view")
    year = year_value(services, year)
    _heading_lines, _period, found = incoming.register_rows(services, principal, year=year, secret=bool(secret),
                                                            office=office)
    with services.uow() as uow:
        unit = _office(uow.session, principal, office)
        office_data = _office_dict(unit)
    rows = []
    for row in found:
        rows.append({
            "id": row["id"], "year": row["year"], "status": row["status"],
            "arrived_on": row["arrived_on"], "arrived_on_text": _text_day(_iso(row["arrived_on"])),
            "arrival_number": row["arrival_number"], "author": row.get("issuer") or "",
            "number_symbol": row.get("number_symbol") or "",
            "issued_on": row.get("issued_on"), "issued_on_text": _text_day(_iso(row.get("issued_on"))),
            "type_abstract": cells(row)[5], "receiver": row.get("handed_to") or "",
            "handed_on": row.get("handed_on"), "handed_on_text": _text_day(_iso(row.get("handed_on"))),
            "receipt_signature": "", "notes": row_notes(row),
        })
    return {"office": office_data, "year": year, "secret": bool(secret),
            "columns": [{"key": k, "label": label} for k, label in zip(INCOMING_KEYS, INCOMING_COLUMNS)],
            "rows": rows}


def _iso(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
