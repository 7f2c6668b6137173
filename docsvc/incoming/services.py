"""The incoming register (sổ đăng ký văn bản đến): the use cases that the pages, the API, the
CLI and the routing helper call (DOMAIN.md §1, issue 13 point 2; the pattern of
docs/architecture.md).

Registering is one transaction: check the values, the document (when registering a scan or
an upload: its register fields, else what its first page says, marked ``machine`` until the
clerk confirms them), look for a repeat (number + symbol + issuer folded, or the same
document, in the same office: ``DuplicateIncoming`` unless the clerk gives a reason), take
the next arrival number of the office's yearly sequence (``archive.sequences``; scope
``incoming``, or ``incoming_secret`` for Mật and above; year of the local arrival day) as
late as possible, write the row and the audit record, commit. A refusal rolls everything
back, the number with it: the register has no gap and no number is handed out twice.

The registering office is the clerk's own unit (for the local operator: the ``office`` named,
else the document's unit). A user sees the rows of the offices in their unit subtree up to
their clearance; anything else is absent (404).

Refusals: ``IncomingNotFound`` (404), ``PermissionDenied`` (403), ``IncomingInvalid`` (400,
``field`` names the value), ``DuplicateIncoming`` (409 ``duplicate``, naming the earlier row).
"""

from __future__ import annotations

import zlib
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, exists, func, insert, or_, select, text
from sqlalchemy.orm import Session

from archive.accounts import SECRECY_LABELS, Unit, User
from archive.incoming import (INCOMING_REGISTERED, INCOMING_SCOPE, INCOMING_SECRET_SCOPE, URGENCY_CODES,
                              URGENCY_LABELS, IncomingDocument)
from archive.models import Document, Page
from archive.routing import ROLE_MAIN, Assignment
from archive.sequences import take_next
from docsvc.access import Principal, can_see
from docsvc.dates import local_now
from docsvc.extracts.rules import _begin_write, _one_writer
from docsvc.incoming.rules import (CLERK, FIELD_LABELS, MACHINE, REGISTER_FIELDS, DuplicateIncoming,  # noqa: F401
                                   IncomingInvalid, IncomingNotFound, arrival_moment, day_value, dedupe_key,
                                   field_value, fold, page_count_value, read_first_page, secrecy_value,
                                   text_value, urgency_value)
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services

URGENCY_BY_RANK = {rank: code for code, rank in URGENCY_CODES.items()}
STATUS_LABELS = {"registered": "Chờ phân công", "assigned": "Đang xử lý", "done": "Đã xử lý xong"}
_EXTRA = ("notes", "page_count", "urgency")


def _require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


def _visible(principal: Principal, row: IncomingDocument) -> bool:
    return (row.secrecy <= principal.clearance
            and (principal.unit_ids is None or row.office_unit_id in principal.unit_ids))


def _scope_filter(principal: Principal):
    conditions = [IncomingDocument.secrecy <= principal.clearance]
    if principal.unit_ids is not None:
        conditions.append(IncomingDocument.office_unit_id.in_(principal.unit_ids or {-1}))
    return conditions


def _local(services: Services, moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(services.settings.time_zone))


# -- the row as plain data ---------------------------------------------------------------------

def number_symbol(row: IncomingDocument) -> str:
    return "/".join(p for p in (row.number, row.symbol) if p)


def incoming_dict(services: Services, row: IncomingDocument, office: Unit | None = None,
                  handed: dict | None = None, registered_by: str | None = None) -> dict:
    arrived = _local(services, row.arrived_at)
    sources = dict(row.field_sources or {})
    return {
        "id": row.id, "arrival_number": row.arrival_number, "year": row.year, "scope": row.scope,
        "secret": row.scope == INCOMING_SECRET_SCOPE,
        "office": {"id": office.id, "code": office.code, "name": office.name} if office else {"id": row.office_unit_id},
        "document_id": row.document_id,
        "number": row.number, "symbol": row.symbol, "number_symbol": number_symbol(row) or None,
        "doc_type": row.doc_type, "issuer": row.issuer,
        "issued_on": row.issued_on.isoformat() if row.issued_on else None,
        "abstract": row.abstract, "page_count": row.page_count, "notes": row.notes,
        "field_sources": sources,
        "machine_fields": [f for f in REGISTER_FIELDS if sources.get(f) == MACHINE],
        "arrived_at": arrived.replace(tzinfo=None).isoformat(timespec="minutes") if arrived else None,
        "arrived_on": row.arrived_on.isoformat(),
        "urgency": URGENCY_BY_RANK.get(row.urgency, "normal"), "urgency_rank": row.urgency,
        "urgency_label": URGENCY_LABELS.get(row.urgency, ""),
        "secrecy": row.secrecy, "secrecy_label": SECRECY_LABELS.get(row.secrecy, str(row.secrecy)),
        "duplicate_of_id": row.duplicate_of_id, "duplicate_reason": row.duplicate_reason,
        "status": row.status, "status_label": STATUS_LABELS.get(row.status, row.status),
        "registered_by": registered_by,
        "registered_at": _local(services, row.registered_at).isoformat(timespec="seconds") if row.registered_at else None,
        "handed_to": (handed or {}).get("to"), "handed_on": (handed or {}).get("on"),
    }


def _earlier(services: Services, row: IncomingDocument) -> dict:
    return {"id": row.id, "arrival_number": row.arrival_number, "year": row.year,
            "arrived_on": row.arrived_on.isoformat(), "arrived_on_text": f"{row.arrived_on:%d/%m/%Y}",
            "number_symbol": number_symbol(row) or None, "issuer": row.issuer}


def _main_handovers(services: Services, session: Session, ids: list[int]) -> dict[int, dict]:
    """Each row's first ``main`` assignment: to whom (the person, else the unit) and the local
    day it was handed on (the register's columns)."""
    if not ids:
        return {}
    first = (select(func.min(Assignment.id)).where(Assignment.incoming_id.in_(ids), Assignment.role == ROLE_MAIN,
                                                   Assignment.parent_id.is_(None))
             .group_by(Assignment.incoming_id))
    rows = session.execute(select(Assignment, Unit.name, User.full_name, User.username)
                           .join(Unit, Unit.id == Assignment.unit_id)
                           .outerjoin(User, User.id == Assignment.user_id)
                           .where(Assignment.id.in_(first))).all()
    handed = {}
    for a, unit_name, full_name, username in rows:
        person = full_name or username
        on = _local(services, a.assigned_at)
        handed[a.incoming_id] = {"to": f"{person} ({unit_name})" if person else unit_name,
                                 "on": on.date().isoformat() if on else None}
    return handed


def _full(services: Services, session: Session, row: IncomingDocument) -> dict:
    office = session.get(Unit, row.office_unit_id)
    user = session.scalar(select(User.username).where(User.id == row.registered_by))
    return incoming_dict(services, row, office, _main_handovers(services, session, [row.id]).get(row.id), user)


def _row(session: Session, principal: Principal, incoming_id: int) -> IncomingDocument:
    row = session.get(IncomingDocument, incoming_id)
    if row is None or not _visible(principal, row):
        raise IncomingNotFound(incoming_id)
    return row


# -- reading a document ------------------------------------------------------------------------

def _document(session: Session, principal: Principal, document_id: Any) -> Document:
    try:
        doc_id = int(document_id)
    except (TypeError, ValueError):
        raise IncomingInvalid("document_id", "Mã văn bản phải là số.") from None
    doc = session.get(Document, doc_id)
    if doc is None or not can_see(principal, doc):
        raise IncomingNotFound(document_id)
    return doc


def _from_document(session: Session, doc: Document) -> tuple[dict[str, Any], dict[str, str]]:
    """The register fields of a document, and who filled each: a value the first page's
    reading also gives is ``machine`` (read at ingest, not yet confirmed), one a person set
    differently is ``clerk``; an empty field is filled from the reading, ``machine``."""
    first = session.scalar(select(Page.text).where(Page.document_id == doc.id, Page.number == 1)) or ""
    read = read_first_page(first)
    own = {"number": f"{doc.number:02d}" if doc.number is not None else None, "symbol": doc.symbol,
           "doc_type": doc.doc_type, "issuer": doc.issuer, "issued_on": doc.issued_on, "abstract": doc.abstract}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in REGISTER_FIELDS:
        mine, machine = own[name], read.get(name)
        if mine not in (None, ""):
            values[name] = mine
            same = (fold(str(mine)).lstrip("0") == fold(str(machine)).lstrip("0")) if machine is not None else False
            sources[name] = MACHINE if same else CLERK
        elif machine not in (None, ""):
            values[name], sources[name] = machine, MACHINE
    return values, sources


def prefill(services: Services, principal: Principal, document_id: Any) -> dict:
    """What the register form shows for a document before registering it: the values, who
    filled each, and the document's secrecy and page count (nothing is written)."""
    _require(principal, "incoming.register")
    with services.uow() as uow:
        doc = _document(uow.session, principal, document_id)
        values, sources = _from_document(uow.session, doc)
        return {"document_id": doc.id, "title": doc.display_title, "secrecy": doc.secrecy,
                "page_count": doc.page_count,
                "values": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()},
                "field_sources": sources}


# -- registering -------------------------------------------------------------------------------

def _office(session: Session, principal: Principal, data: dict, doc: Document | None, *, light: bool = False):
    """The registering office: the principal's unit, else the one named, else the document's.
    ``light``: only its id, code and name (one Core row: registering is a hot path)."""
    named = data.get("office")
    if principal.unit_id is not None and named in (None, ""):
        if light:
            return session.connection().execute(_OFFICE, {"unit_id": principal.unit_id}).one()
        return session.get(Unit, principal.unit_id)
    if named not in (None, ""):
        unit = (session.get(Unit, int(named)) if str(named).isdigit()
                else session.scalar(select(Unit).where(Unit.code == str(named).strip())))
        if unit is None or (principal.unit_ids is not None and unit.id not in principal.unit_ids):
            raise IncomingNotFound(named)
        return unit
    if doc is not None and doc.unit_id is not None:
        return session.get(Unit, doc.unit_id)
    raise IncomingInvalid("office", "Hãy chỉ rõ cơ quan vào sổ (mã đơn vị).")


# Registering is a hot path (issue 13: at least 200 a second on SQLite): its statements are
# built once, executed with parameters on the session's connection (no per-call construction).
_INSERT = insert(IncomingDocument).returning(IncomingDocument.id)
_OFFICE = select(Unit.id, Unit.code, Unit.name).where(Unit.id == bindparam("unit_id"))
_BY_KEY = (select(IncomingDocument.id)
           .where(IncomingDocument.office_unit_id == bindparam("office_id"),
                  IncomingDocument.dedupe_key == bindparam("key"),
                  IncomingDocument.secrecy <= bindparam("clearance"))
           .order_by(IncomingDocument.id).limit(1))


def _repeat(session: Session, principal: Principal, office_id: int, key: str | None,
            document_id: int | None, exclude: int | None = None) -> IncomingDocument | None:
    if key and document_id is None and exclude is None:
        found = session.connection().execute(_BY_KEY, {"office_id": office_id, "key": key,
                                                       "clearance": principal.clearance}).scalar()
        return session.get(IncomingDocument, found) if found is not None else None
    matches = []
    if key:
        matches.append(IncomingDocument.dedupe_key == key)
    if document_id is not None:
        matches.append(IncomingDocument.document_id == document_id)
    if not matches:
        return None
    query = (select(IncomingDocument.id).where(IncomingDocument.office_unit_id == office_id, or_(*matches),
                                               IncomingDocument.secrecy <= principal.clearance)
             .order_by(IncomingDocument.id).limit(1))
    if exclude is not None:
        query = query.where(IncomingDocument.id != exclude)
    found = session.connection().execute(query).scalar()  # Core: most registrations find nothing
    return session.get(IncomingDocument, found) if found is not None else None


def _lock_key(session: Session, office_id: int, key: str | None) -> None:
    """PostgreSQL: two clerks registering the same document at once queue here, so the second
    sees the first's row (SQLite has one writer already)."""
    if key and session.get_bind().dialect.name == "postgresql":
        lock = zlib.crc32(f"incoming|{office_id}|{key}".encode()) - 2**31
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})


def _check_issued(values: dict, arrived_on: date) -> None:
    issued = values.get("issued_on")
    if issued is not None and issued > arrived_on:
        raise IncomingInvalid("issued_on", "Ngày văn bản không thể sau ngày đến.", "issued_after_arrival")


def register_incoming(services: Services, principal: Principal, data: dict) -> dict:
    """Register an arrival (see the module's docstring). ``data``: ``document_id`` or the register
    fields (``number``, ``symbol``, ``doc_type``, ``issuer``, ``issued_on``, ``abstract``), plus
    ``arrived_at`` (ISO; local time when naive; default now), ``urgency``, ``secrecy``,
    ``confirm_duplicate_reason``, ``notes``, ``page_count`` (and ``office`` for the local
    operator). Returns ``incoming_dict``: ``id``, ``arrival_number``, ``year`` and the row."""
    _require(principal, "incoming.register")
    if not isinstance(data, dict):
        raise IncomingInvalid("body", "Cần một đối tượng JSON.")
    now = local_now(services.settings.time_zone)
    arrived_at, arrived_on = arrival_moment(data.get("arrived_at"), services.settings.time_zone, now)
    typed = {name: field_value(name, data.get(name)) for name in REGISTER_FIELDS if data.get(name) not in (None, "")}
    urgency = urgency_value(data.get("urgency"))
    notes = text_value("notes", data.get("notes"))
    page_count = page_count_value(data.get("page_count"))
    reason = text_value("confirm_duplicate_reason", data.get("confirm_duplicate_reason"))
    with _one_writer(services), services.uow() as uow:
        session = uow.session
        session.autoflush = False
        _begin_write(session)
        doc = None
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        if data.get("document_id") not in (None, ""):
            doc = _document(session, principal, data["document_id"])
            values, sources = _from_document(session, doc)
        else:
            for name in ("issuer", "abstract"):
                if name not in typed:
                    raise IncomingInvalid(name, f"Hãy ghi {FIELD_LABELS[name].lower()}.")
        values.update(typed)
        sources.update({name: CLERK for name in typed})
        secrecy = (secrecy_value(data["secrecy"]) if data.get("secrecy") not in (None, "")
                   else (doc.secrecy if doc is not None else 0))
        if secrecy > principal.clearance:
            raise IncomingInvalid("secrecy", "Độ mật của văn bản vượt mức bạn được tiếp cận.", "above_clearance")
        _check_issued(values, arrived_on)
        office = _office(session, principal, data, doc, light=True)
        key = dedupe_key(values.get("number"), values.get("symbol"), values.get("issuer"))
        _lock_key(session, office.id, key)
        earlier = _repeat(session, principal, office.id, key, doc.id if doc is not None else None)
        if earlier is not None and not reason:
            raise DuplicateIncoming(_earlier(services, earlier))
        scope = INCOMING_SECRET_SCOPE if secrecy >= 1 else INCOMING_SCOPE
        number = take_next(session, scope, office.id, arrived_on.year)  # late: after every check
        columns = dict(
            office_unit_id=office.id, scope=scope, year=arrived_on.year, arrival_number=number,
            document_id=doc.id if doc is not None else None, field_sources=sources,
            page_count=page_count if page_count is not None else (doc.page_count if doc is not None else None),
            notes=notes, arrived_at=arrived_at, arrived_on=arrived_on, urgency=urgency, secrecy=secrecy,
            dedupe_key=key, duplicate_of_id=earlier.id if earlier is not None else None,
            duplicate_reason=reason if earlier is not None else None, status=INCOMING_REGISTERED,
            registered_by=principal.user_id or (doc.created_by if doc is not None else None) or _any_user(session),
            registered_at=now.astimezone(timezone.utc), **values)
        # A Core insert on the session's connection (same transaction): the ORM's unit of work
        # costs more than the rest of the registration; the row returned is built from it.
        row_id = session.connection().execute(_INSERT, columns).scalar_one()
        row = IncomingDocument(id=row_id, **columns)
        record(services, session, principal, "incoming.register", object_type="incoming", object_id=row.id,
               details={"arrival_number": number, "year": row.year, "scope": scope, "office": office.code,
                        "document_id": row.document_id, "duplicate_of": row.duplicate_of_id,
                        "machine_fields": sorted(k for k, v in sources.items() if v == MACHINE) or None})
        result = incoming_dict(services, row, office, None, principal.username)
        uow.commit()
    return result


def _any_user(session: Session) -> int:
    """The local operator registers as the first administrator (the row needs a user)."""
    user_id = session.scalar(select(User.id).order_by(User.id).limit(1))
    if user_id is None:
        raise IncomingInvalid("user", "Chưa có tài khoản người dùng nào để ghi là người vào sổ.")
    return user_id


def confirm_fields(services: Services, principal: Principal, incoming_id: int, changes: dict) -> dict:
    """Set or correct register fields (and ``notes``, ``page_count``, ``urgency``) of a row and
    mark them ``clerk``; ``confirm``: ``true`` (every machine-read field) or a list of fields to
    confirm as read. A change that makes the row repeat another asks for
    ``confirm_duplicate_reason`` like registering. The number, year and secrecy stay."""
    _require(principal, "incoming.register")
    if not isinstance(changes, dict):
        raise IncomingInvalid("body", "Cần một đối tượng JSON.")
    unknown = set(changes) - set(REGISTER_FIELDS) - set(_EXTRA) - {"confirm", "confirm_duplicate_reason"}
    if unknown:
        name = sorted(unknown)[0]
        raise IncomingInvalid(name, "Trường này không sửa được (số đến, năm, độ mật giữ nguyên khi đã vào sổ)."
                              if name in ("arrival_number", "year", "secrecy", "arrived_at") else "Không có trường này.")
    new = {name: field_value(name, changes[name]) for name in REGISTER_FIELDS if name in changes}
    confirm = changes.get("confirm")
    if confirm is True:
        confirmed = set(REGISTER_FIELDS)
    elif isinstance(confirm, list) and all(c in REGISTER_FIELDS for c in confirm):
        confirmed = set(confirm)
    elif confirm in (None, False):
        confirmed = set()
    else:
        raise IncomingInvalid("confirm", "confirm là true hoặc danh sách tên trường.")
    reason = text_value("confirm_duplicate_reason", changes.get("confirm_duplicate_reason"))
    with _one_writer(services), services.uow() as uow:
        session = uow.session
        _begin_write(session)
        row = _row(session, principal, incoming_id)
        before = {name: _plain(getattr(row, name)) for name in (*REGISTER_FIELDS, *_EXTRA)}
        for name, value in new.items():
            setattr(row, name, value)
        if "notes" in changes:
            row.notes = text_value("notes", changes["notes"])
        if "page_count" in changes:
            row.page_count = page_count_value(changes["page_count"])
        if "urgency" in changes:
            row.urgency = urgency_value(changes["urgency"])
        _check_issued({"issued_on": row.issued_on}, row.arrived_on)
        sources = dict(row.field_sources or {})
        for name in set(new) | {c for c in confirmed if getattr(row, c) not in (None, "")}:
            sources[name] = CLERK
        row.field_sources = sources
        key = dedupe_key(row.number, row.symbol, row.issuer)
        if key != row.dedupe_key:
            _lock_key(session, row.office_unit_id, key)
            earlier = _repeat(session, principal, row.office_unit_id, key, None, exclude=row.id)
            if earlier is not None and not reason:
                raise DuplicateIncoming(_earlier(services, earlier))
            if earlier is not None:
                row.duplicate_of_id, row.duplicate_reason = earlier.id, reason
            row.dedupe_key = key
        after = {name: _plain(getattr(row, name)) for name in (*REGISTER_FIELDS, *_EXTRA)}
        changed = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
        session.flush()
        if changed or confirmed:
            record(services, session, principal, "incoming.update", object_type="incoming", object_id=row.id,
                   details={"arrival_number": row.arrival_number, "year": row.year, "changes": changed or None,
                            "confirmed": sorted(confirmed) or None})
        data = _full(services, session, row)
        uow.commit()
    return data


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# -- reading -----------------------------------------------------------------------------------

def get_incoming(services: Services, principal: Principal, incoming_id: int) -> dict:
    _require(principal, "incoming.view")
    with services.uow() as uow:
        return _full(services, uow.session, _row(uow.session, principal, incoming_id))


def incoming_of_document(services: Services, principal: Principal, document_id: int) -> list[dict]:
    """The register rows made from a document that the principal sees (the document page)."""
    if not principal.can("incoming.view"):
        return []
    with services.uow() as uow:
        rows = uow.session.scalars(select(IncomingDocument).where(IncomingDocument.document_id == document_id,
                                                                  *_scope_filter(principal))
                                   .order_by(IncomingDocument.id)).all()
        return [incoming_dict(services, r) for r in rows]


def _filtered(principal: Principal, *, year: int | None = None, date_from: date | None = None,
              date_to: date | None = None, urgency: Any = None, status: str | None = None, q: str | None = None,
              secret: bool | None = None, office_id: int | None = None):
    query = select(IncomingDocument).where(*_scope_filter(principal))
    if year is not None:
        query = query.where(IncomingDocument.year == int(year))
    if date_from is not None:
        query = query.where(IncomingDocument.arrived_on >= date_from)
    if date_to is not None:
        query = query.where(IncomingDocument.arrived_on <= date_to)
    if urgency not in (None, ""):
        if str(urgency) == "urgent":
            query = query.where(IncomingDocument.urgency >= 1)
        else:
            query = query.where(IncomingDocument.urgency == urgency_value(urgency))
    if status not in (None, ""):
        if status not in STATUS_LABELS:
            raise IncomingInvalid("status", "Trạng thái là registered, assigned hoặc done.")
        query = query.where(IncomingDocument.status == status)
    if secret is not None:
        query = query.where(IncomingDocument.scope == (INCOMING_SECRET_SCOPE if secret else INCOMING_SCOPE))
    if office_id is not None:
        query = query.where(IncomingDocument.office_unit_id == office_id)
    words = (q or "").strip()
    if words:
        like = f"%{words}%"
        query = query.where(or_(IncomingDocument.abstract.ilike(like), IncomingDocument.issuer.ilike(like),
                                IncomingDocument.symbol.ilike(like), IncomingDocument.number == words))
    return query


def list_incoming(services: Services, principal: Principal, year: int | None = None, *,
                  date_from: date | str | None = None, date_to: date | str | None = None, urgency: Any = None,
                  status: str | None = None, q: str | None = None, secret: bool | None = None,
                  limit: int = 500, offset: int = 0) -> list[dict]:
    """Rows the principal sees, newest arrival first: of a year, a period (arrival days), an
    urgency (a code, or ``urgent`` for Khẩn and above), a status; ``q`` in the abstract, issuer
    or symbol, or the number."""
    _require(principal, "incoming.view")
    query = _filtered(principal, year=year, date_from=day_value("from", date_from), date_to=day_value("to", date_to),
                      urgency=urgency, status=status, q=q, secret=secret)
    query = (query.order_by(IncomingDocument.arrived_at.desc(), IncomingDocument.id.desc())
             .limit(max(1, min(int(limit), 5000))).offset(max(0, int(offset))))
    with services.uow() as uow:
        session = uow.session
        rows = session.scalars(query).all()
        offices = {u.id: u for u in session.scalars(select(Unit).where(
            Unit.id.in_({r.office_unit_id for r in rows} or {-1})))}
        handed = _main_handovers(services, session, [r.id for r in rows])
        return [incoming_dict(services, r, offices.get(r.office_unit_id), handed.get(r.id)) for r in rows]


def leader_queue(services: Services, principal: Principal, limit: int = 200) -> list[dict]:
    """Registered rows not yet assigned that the principal sees, urgent first (Hỏa tốc,
    Thượng khẩn, Khẩn, then the others), each by arrival."""
    _require(principal, "incoming.view")
    assigned = exists().where(Assignment.incoming_id == IncomingDocument.id)
    query = (select(IncomingDocument).where(*_scope_filter(principal), IncomingDocument.status == INCOMING_REGISTERED,
                                            ~assigned)
             .order_by(IncomingDocument.urgency.desc(), IncomingDocument.arrived_at, IncomingDocument.id)
             .limit(max(1, min(int(limit), 5000))))
    with services.uow() as uow:
        session = uow.session
        rows = session.scalars(query).all()
        offices = {u.id: u for u in session.scalars(select(Unit).where(
            Unit.id.in_({r.office_unit_id for r in rows} or {-1})))}
        return [incoming_dict(services, r, offices.get(r.office_unit_id)) for r in rows]


# -- the printed register ----------------------------------------------------------------------

def _heading(session: Session, unit: Unit) -> tuple[str, ...]:
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return tuple(u.name.upper() for u in (parent, unit) if u is not None)


def _period(year: int | None, date_from: date | None, date_to: date | None) -> str:
    if date_from or date_to:
        start = f"{date_from:%d/%m/%Y}" if date_from else "…"
        end = f"{date_to:%d/%m/%Y}" if date_to else "…"
        return f"Từ ngày {start} đến ngày {end}"
    return f"Năm {year}"


def register_rows(services: Services, principal: Principal, *, year: int | None = None,
                  date_from: date | str | None = None, date_to: date | str | None = None, secret: bool = False,
                  office: int | str | None = None) -> tuple[tuple[str, ...], str, list[dict]]:
    """The register of an office (the principal's unit by default) for a year or a period, in
    arrival-number order: (heading lines, period line, rows). ``secret``: the Mật register."""
    _require(principal, "incoming.view")
    start, end = day_value("from", date_from), day_value("to", date_to)
    if year is None and start is None and end is None:
        year = local_now(services.settings.time_zone).year
    if year is not None and not 1900 <= int(year) <= 2100:
        raise IncomingInvalid("year", "Năm phải từ 1900 đến 2100.")
    with services.uow() as uow:
        session = uow.session
        unit = _office(session, principal, {"office": office}, None)
        query = (_filtered(principal, year=year, date_from=start, date_to=end, secret=secret, office_id=unit.id)
                 .order_by(IncomingDocument.year, IncomingDocument.arrival_number))
        rows = session.scalars(query).all()
        handed = _main_handovers(services, session, [r.id for r in rows])
        result = [incoming_dict(services, r, unit, handed.get(r.id)) for r in rows]
        return _heading(session, unit), _period(year, start, end), result


def register_file(services: Services, principal: Principal, *, fmt: str, year: int | None = None,
                  date_from: date | str | None = None, date_to: date | str | None = None, secret: bool = False,
                  office: int | str | None = None) -> tuple[bytes, str, str, list[dict]]:
    """The register printed as ``pdf`` or ``xlsx`` with the official columns (DOMAIN.md §1):
    (bytes, media type, file name, the rows)."""
    if fmt not in ("pdf", "xlsx"):
        raise IncomingInvalid("format", "Định dạng phải là pdf hoặc xlsx.")
    from docsvc.incoming.register_print import render

    heading, period, rows = register_rows(services, principal, year=year, date_from=date_from, date_to=date_to,
                                          secret=secret, office=office)
    data, media = render(fmt, heading, period, rows, secret=secret)
    slug = period.lower().replace(" ", "-").replace("/", "-").replace("…", "")
    name = f"so-van-ban-den{'-mat' if secret else ''}-{fold(slug) or 'so'}.{fmt}"
    return data, media, name, rows


def count_waiting(services: Services, principal: Principal) -> int:
    """How many registered rows wait for an assignment (the home page's figure)."""
    if not principal.can("incoming.view"):
        return 0
    with services.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(IncomingDocument).where(
            *_scope_filter(principal), IncomingDocument.status == INCOMING_REGISTERED)) or 0


def receive_internal(services: Services, session: Session, principal: Principal, *, office: Unit, values: dict,
                     arrived_at: datetime) -> IncomingDocument:
    """An outgoing document released to ``office`` inside the system arrives in that office's
    register, in the caller's transaction (docsvc.outgoing.issuing.release): its next arrival
    number, the register columns from the sender, registered by the sending clerk, waiting
    for the office's leader to route it. Nothing to check: the sender's process did."""
    local = _local(services, arrived_at)
    arrived_on = local.date()
    secrecy = int(values.get("secrecy") or 0)
    scope = INCOMING_SECRET_SCOPE if secrecy >= 1 else INCOMING_SCOPE
    key = dedupe_key(values.get("number"), values.get("symbol"), values.get("issuer"))
    number = take_next(session, scope, office.id, arrived_on.year)
    register = ("number", "symbol", "doc_type", "issuer", "issued_on", "abstract")
    columns = dict(
        office_unit_id=office.id, scope=scope, year=arrived_on.year, arrival_number=number, document_id=None,
        field_sources={name: CLERK for name in register if values.get(name) is not None},
        page_count=values.get("page_count"), notes=values.get("notes"), arrived_at=arrived_at,
        arrived_on=arrived_on, urgency=int(values.get("urgency") or 0), secrecy=secrecy, dedupe_key=key,
        duplicate_of_id=None, duplicate_reason=None, status=INCOMING_REGISTERED,
        registered_by=principal.user_id or _any_user(session), registered_at=arrived_at,
        **{name: values.get(name) for name in register})
    row_id = session.connection().execute(_INSERT, columns).scalar_one()
    row = IncomingDocument(id=row_id, **columns)
    record(services, session, principal, "incoming.register", object_type="incoming", object_id=row_id,
           details={"arrival_number": number, "year": row.year, "scope": scope, "office": office.code,
                    "from_outgoing": True})
    return row
