"""Outgoing documents: the use cases of the ISO issuing process (issue 14; DOMAIN.md §1, §2;
the pattern of docs/architecture.md). Pages, the API and the CLI call these.

- ``create_draft``: a specialist of the drafting unit starts a document with its first
  version (DOCX or PDF; a DOCX is converted to PDF with LibreOffice before the transaction,
  when it is installed — otherwise the version says so and stays downloadable).
- ``add_version``: a new current version while the drafter holds the draft (draft or
  returned); the one before is marked obsolete, never removed.
- ``transition``: one step of the process (``PROCESS`` in ``docsvc.outgoing.rules``):
  permission, order, then the person (the drafting unit's leader, the issuing body's clerk,
  the intended signer...); each step writes an ``OutgoingStep`` record (append-only: the
  database refuses to change it) and an audit record in the same transaction. Numbering,
  release and filing are in ``docsvc.outgoing.issuing``.

Refusals: ``OutgoingNotFound`` (404), ``PermissionDenied`` (403, the role),
``WrongPerson`` (403, the role but not the person or unit), ``OutgoingInvalid`` (400),
``OutgoingConflict`` (409: ``out_of_order``, ``new_version_required``, ``not_editable``...).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User, unit_subtree_ids
from archive.incoming import IncomingDocument
from archive.outgoing import (APPROVED, CHECKED, DRAFT, FORM_CHECKED, NUMBERED, RETURNED, SIGNATURE_DIGITAL,
                              SIGNATURE_WET, SIGNED, SUBMITTED, WITHDRAWN, OutgoingDocument, OutgoingStep, OutgoingVersion)
from archive.records import record_blob
from archive.uow import UnitOfWork
from docsvc.access import Principal
from docsvc.extracts.rules import _begin_write, _one_writer
from docsvc.incoming.rules import IncomingInvalid, secrecy_value, urgency_value
from docsvc.outgoing.rules import (EDITABLE, LEGAL_CHECK_TYPES, PROCESS, OutgoingConflict, OutgoingInvalid,
                                   OutgoingNotFound, WrongPerson, doc_type_value, nfc)
from docsvc.outgoing.settings import issuer_of, settings_row
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services

MAX_ABSTRACT, MAX_COMMENT, MAX_RECIPIENTS = 2000, 4000, 200
MEDIA = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


# -- small helpers ----------------------------------------------------------------------------

@contextmanager
def writing(services: Services) -> Iterator[UnitOfWork]:
    """One writer at a time on SQLite, its lock taken before the first read; PostgreSQL locks
    rows (the document row is read ``FOR UPDATE`` by ``_locked``)."""
    with _one_writer(services), services.uow() as uow:
        _begin_write(uow.session)
        yield uow


def require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def visible(principal: Principal, row: OutgoingDocument, session: Session | None = None) -> bool:
    """Cleared for its secrecy, and holding the drafting unit or the issuing body — or named
    as its signer, or holding the issuing body's legal unit (it checks the drafts)."""
    if row.secrecy > principal.clearance:
        return False
    if principal.unit_ids is None or row.drafting_unit_id in principal.unit_ids \
            or row.issuer_unit_id in principal.unit_ids:
        return True
    if row.signer_user_id is not None and row.signer_user_id == principal.user_id:
        return True
    if session is not None:
        settings = settings_row(session, row.issuer_unit_id)
        return settings is not None and settings.legal_unit_id in principal.unit_ids
    return False


def holds(principal: Principal, unit_id: int | None) -> bool:
    """Is ``unit_id`` in the principal's unit subtree (the system holds every unit)?"""
    return unit_id is not None and (principal.unit_ids is None or unit_id in principal.unit_ids)


def row_of(session: Session, principal: Principal, outgoing_id: Any, *, lock: bool = False) -> OutgoingDocument:
    try:
        key = int(outgoing_id)
    except (TypeError, ValueError):
        raise OutgoingNotFound("outgoing") from None
    query = select(OutgoingDocument).where(OutgoingDocument.id == key)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None or not visible(principal, row, session):
        raise OutgoingNotFound("outgoing")
    return row


def comment_value(raw: Any, *, required: bool = False) -> str | None:
    text = nfc(raw)
    if required and not text:
        raise OutgoingInvalid("comment", "Hãy ghi ý kiến (lý do trả lại, việc cần sửa).")
    if len(text) > MAX_COMMENT:
        raise OutgoingInvalid("comment", f"Ý kiến dài quá {MAX_COMMENT} ký tự.")
    return text or None


def add_step(session: Session, principal: Principal, row: OutgoingDocument, action: str, to_state: str, *,
             decision: str | None = None, comment: str | None = None, role: str | None = None,
             details: dict | None = None, at: datetime | None = None) -> OutgoingStep:
    actor = session.get(User, principal.user_id) if principal.user_id else None
    step = OutgoingStep(outgoing_id=row.id, action=action, from_state=row.state if action != "create" else None,
                        to_state=to_state, decision=decision, comment=comment, version=row.current_version,
                        actor_id=principal.user_id, actor_name=(actor.full_name or actor.username) if actor
                        else principal.username, actor_role=role, details=details or {}, at=at or now_utc())
    session.add(step)
    row.state = to_state
    return step


# -- values -----------------------------------------------------------------------------------

def _recipients(session: Session, raw: Any) -> list[dict]:
    """Unit codes inside the system and names outside, comma-separated (or a list); a code is
    matched exactly, case forgiven. Repeats are dropped; none is refused."""
    items = raw if isinstance(raw, (list, tuple)) else str(raw or "").replace(";", ",").replace("\n", ",").split(",")
    out: list[dict] = []
    seen: set[str] = set()
    for item in items:
        text = nfc(item)
        if not text:
            continue
        if len(text) > 300:
            raise OutgoingInvalid("recipients", "Tên nơi nhận dài quá 300 ký tự.")
        unit = session.scalar(select(Unit).where(Unit.code == text.upper())) if " " not in text else None
        key = f"u{unit.id}" if unit else text.casefold()
        if key in seen:
            continue
        seen.add(key)
        out.append({"unit_id": unit.id, "code": unit.code, "name": unit.name} if unit else {"name": text})
    if not out:
        raise OutgoingInvalid("recipients", "Ghi ít nhất một nơi nhận (mã đơn vị trong hệ thống hoặc tên cơ quan).")
    if len(out) > MAX_RECIPIENTS:
        raise OutgoingInvalid("recipients", f"Nhiều hơn {MAX_RECIPIENTS} nơi nhận.")
    return out


def _drafting_unit(session: Session, principal: Principal, raw: Any) -> Unit:
    text = nfc(raw)
    if not text:
        if principal.unit_id is None:
            raise OutgoingInvalid("drafting_unit", "Chọn đơn vị soạn thảo.")
        return session.get(Unit, principal.unit_id)
    unit = session.scalar(select(Unit).where(Unit.code == text.upper()))
    if unit is None:
        raise OutgoingInvalid("drafting_unit", f"Không có đơn vị “{text}”.")
    if not holds(principal, unit.id):
        raise WrongPerson("Bạn chỉ soạn văn bản cho đơn vị của mình.")
    return unit


def _signer(session: Session, raw: Any, issuer: Unit) -> User | None:
    text = nfc(raw)
    if not text:
        return None
    user = session.scalar(select(User).where(User.username == text))
    if user is None or not user.is_active:
        raise OutgoingInvalid("signer", f"Không có người dùng “{text}”.")
    if "leader" not in user.roles or issuer.id not in unit_subtree_ids(session, user.unit_id):
        raise OutgoingInvalid("signer", f"{user.full_name or user.username} không phải lãnh đạo của {issuer.name}.")
    return user


def _reply_to(session: Session, principal: Principal, raw: Any, issuer: Unit) -> IncomingDocument | None:
    """An incoming row of the issuing body's register (or the drafter's own units')."""
    if raw in (None, ""):
        return None
    try:
        row = session.get(IncomingDocument, int(str(raw).strip()))
    except ValueError:
        row = None
    if row is None or row.secrecy > principal.clearance or not (
            holds(principal, row.office_unit_id) or row.office_unit_id in unit_subtree_ids(session, issuer.id)):
        raise OutgoingInvalid("in_reply_to", "Không có văn bản đến này trong sổ của đơn vị bạn.")
    return row


def _choice(name: str, raw: Any, parse) -> int:
    if raw in (None, ""):
        return 0
    try:
        return parse(raw)
    except IncomingInvalid as exc:
        raise OutgoingInvalid(name, exc.message) from None


# -- files ------------------------------------------------------------------------------------

def file_kind(data: bytes, filename: str | None) -> str:
    """``pdf`` or ``docx``, read from the bytes; anything else is refused naming ``file``."""
    from docsvc.outgoing import convert

    try:
        return convert.draft_kind(data, filename)
    except convert.DraftInvalid as exc:
        raise OutgoingInvalid("file", exc.message) from None


def read_draft(data: bytes, filename: str | None) -> dict:
    """Sniff and, for a DOCX, convert — before any transaction (LibreOffice takes seconds).
    Returns ``kind``, ``media_type``, ``pdf`` (bytes or None) and ``note``."""
    from docsvc.outgoing import convert

    if not data:
        raise OutgoingInvalid("file", "Chọn tệp dự thảo (DOCX hoặc PDF).")
    kind = file_kind(data, filename)
    if kind == "pdf":
        return {"kind": kind, "media_type": MEDIA[kind], "pdf": data, "note": None}
    try:
        pdf = convert.docx_to_pdf(data)
        return {"kind": kind, "media_type": MEDIA[kind], "pdf": pdf, "note": None}
    except (convert.ConversionUnavailable, convert.ConversionFailed) as exc:
        return {"kind": kind, "media_type": MEDIA[kind], "pdf": None, "note": exc.message}


def _store(services: Services, session: Session, data: bytes, media_type: str) -> str:
    sha = services.blobs.put(data)
    record_blob(session, sha, len(data), media_type, "original")
    return sha


def _new_version(services: Services, session: Session, principal: Principal, row: OutgoingDocument, number: int,
                 data: bytes, filename: str | None, draft: dict, note: str | None) -> OutgoingVersion:
    file_sha = _store(services, session, data, draft["media_type"])
    pdf_sha = file_sha if draft["kind"] == "pdf" else (
        _store(services, session, draft["pdf"], MEDIA["pdf"]) if draft["pdf"] else None)
    now = now_utc()
    for older in session.scalars(select(OutgoingVersion).where(OutgoingVersion.outgoing_id == row.id,
                                                               OutgoingVersion.superseded_at.is_(None))):
        older.superseded_at = now
    version = OutgoingVersion(outgoing_id=row.id, number=number, file_sha256=file_sha,
                              file_name=(nfc(filename) or f"du-thao-v{number}.{draft['kind']}")[:300],
                              media_type=draft["media_type"], pdf_sha256=pdf_sha, conversion_note=draft["note"],
                              note=note, created_by=principal.user_id, created_at=now)
    session.add(version)
    row.current_version = number
    return version


# -- the use cases ----------------------------------------------------------------------------

def create_draft(services: Services, principal: Principal, data: dict, file: bytes | None,
                 filename: str | None = None) -> dict:
    """``data``: ``doc_type``, ``abstract``, ``recipients``, ``secrecy``, ``urgency``,
    ``drafting_unit`` (code; default the drafter's unit), ``signer`` (username),
    ``in_reply_to`` (an incoming row's id), ``copies``. Returns ``{"id", "state", "version"}``
    and the rest of ``get``."""
    require(principal, "outgoing.draft")
    if not isinstance(data, dict):
        raise OutgoingInvalid("body", "Cần các trường của văn bản.")
    doc_type, type_abbr = doc_type_value(data.get("doc_type"))
    abstract = nfc(data.get("abstract"))
    if not abstract:
        raise OutgoingInvalid("abstract", "Hãy ghi trích yếu nội dung văn bản.")
    if len(abstract) > MAX_ABSTRACT:
        raise OutgoingInvalid("abstract", f"Trích yếu dài quá {MAX_ABSTRACT} ký tự.")
    secrecy = _choice("secrecy", data.get("secrecy"), secrecy_value)
    urgency = _choice("urgency", data.get("urgency"), urgency_value)
    if secrecy > principal.clearance:
        raise OutgoingInvalid("secrecy", "Độ mật của văn bản vượt mức bạn được tiếp cận.")
    copies = data.get("copies")
    if copies not in (None, ""):
        try:
            copies = int(str(copies))
            if not 1 <= copies <= 10_000:
                raise ValueError
        except ValueError:
            raise OutgoingInvalid("copies", "Số bản phát hành là số nguyên từ 1.") from None
    else:
        copies = None
    if file is None:
        raise OutgoingInvalid("file", "Chọn tệp dự thảo (DOCX hoặc PDF).")
    with services.uow() as uow:   # the checks that read, before the file is converted
        session = uow.session
        unit = _drafting_unit(session, principal, data.get("drafting_unit"))
        issuer = issuer_of(session, unit)
        _signer(session, data.get("signer"), issuer)
        _recipients(session, data.get("recipients"))
        _reply_to(session, principal, data.get("in_reply_to"), issuer)
    draft = read_draft(file, filename)
    from docsvc.outgoing.reading import get_outgoing

    with writing(services) as uow:
        session = uow.session
        unit = _drafting_unit(session, principal, data.get("drafting_unit"))
        issuer = issuer_of(session, unit)
        signer = _signer(session, data.get("signer"), issuer)
        reply = _reply_to(session, principal, data.get("in_reply_to"), issuer)
        row = OutgoingDocument(issuer_unit_id=issuer.id, drafting_unit_id=unit.id, doc_type=doc_type,
                               type_abbr=type_abbr, abstract=abstract,
                               recipients=_recipients(session, data.get("recipients")), secrecy=secrecy,
                               urgency=urgency, signer_user_id=signer.id if signer else None,
                               in_reply_to_id=reply.id if reply else None, copies=copies, state=DRAFT,
                               current_version=1, created_by=principal.user_id)
        session.add(row)
        session.flush()
        _new_version(services, session, principal, row, 1, file, filename, draft, None)
        add_step(session, principal, row, "create", DRAFT, role="specialist",
                 details={"conversion_note": draft["note"]} if draft["note"] else None)
        record(services, session, principal, "outgoing.create", object_type="outgoing", object_id=row.id,
               details={"doc_type": doc_type, "drafting_unit": unit.code, "issuer": issuer.code,
                        "in_reply_to": row.in_reply_to_id})
        outgoing_id = row.id
        uow.commit()
    return get_outgoing(services, principal, outgoing_id)


def add_version(services: Services, principal: Principal, outgoing_id: Any, file: bytes | None,
                filename: str | None = None, note: str | None = None) -> dict:
    """A new current version (only while the draft is with its drafter)."""
    require(principal, "outgoing.draft")
    if file is None:
        raise OutgoingInvalid("file", "Chọn tệp của phiên bản mới (DOCX hoặc PDF).")
    note = comment_value(note)
    with services.uow() as uow:
        row = row_of(uow.session, principal, outgoing_id)
        _check_drafter(principal, row)
    draft = read_draft(file, filename)
    from docsvc.outgoing.reading import get_outgoing

    with writing(services) as uow:
        session = uow.session
        row = row_of(session, principal, outgoing_id, lock=True)
        _check_drafter(principal, row)
        number = row.current_version + 1
        _new_version(services, session, principal, row, number, file, filename, draft, note)
        add_step(session, principal, row, "version", row.state, comment=note, role="specialist",
                 details={"conversion_note": draft["note"]} if draft["note"] else None)
        record(services, session, principal, "outgoing.version", object_type="outgoing", object_id=row.id,
               details={"version": number})
        uow.commit()
    return get_outgoing(services, principal, outgoing_id)


def _check_drafter(principal: Principal, row: OutgoingDocument) -> None:
    if row.state not in EDITABLE:
        raise OutgoingConflict("not_editable", "Dự thảo đã trình đi: chỉ thêm phiên bản khi dự thảo ở người soạn "
                                               "(mới soạn hoặc bị trả lại).", state=row.state)
    if not holds(principal, row.drafting_unit_id):
        raise WrongPerson("Chỉ chuyên viên của đơn vị soạn thảo được sửa dự thảo.")


def _legal_unit(session: Session, row: OutgoingDocument) -> int | None:
    settings = settings_row(session, row.issuer_unit_id)
    return settings.legal_unit_id if settings is not None else None


def needs_legal_check(session: Session, row: OutgoingDocument) -> bool:
    """Types that need it, when the issuing body has named its legal unit (settings)."""
    return row.doc_type in LEGAL_CHECK_TYPES and _legal_unit(session, row) is not None


def _who(session: Session, principal: Principal, row: OutgoingDocument, action: str) -> str:
    """The role the step is taken in, after checking the person and unit; ``WrongPerson`` or
    ``PermissionDenied`` otherwise."""
    if action == "submit":
        require(principal, "outgoing.draft")
        if not holds(principal, row.drafting_unit_id):
            raise WrongPerson("Chỉ chuyên viên của đơn vị soạn thảo được trình dự thảo.")
        return "specialist"
    if action == "approve":
        require(principal, "outgoing.review")
        if not holds(principal, row.drafting_unit_id):
            raise WrongPerson("Chỉ lãnh đạo của đơn vị soạn thảo được duyệt dự thảo.")
        return "leader"
    if action == "check" and row.state == FORM_CHECKED:
        require(principal, "outgoing.legal")
        if not holds(principal, _legal_unit(session, row)):
            raise WrongPerson("Chỉ đơn vị được giao thẩm định của cơ quan được thẩm định pháp lý.")
        return "legal"
    if action in ("check", "number", "release", "withdraw"):
        require(principal, "outgoing.check" if action == "check" else "outgoing.issue")
        if not holds(principal, row.issuer_unit_id):
            raise WrongPerson("Chỉ văn thư của cơ quan ban hành làm bước này.")
        return "clerk"
    if action == "sign":
        require(principal, "outgoing.sign")
        _check_signer(session, principal, row)
        return "leader"
    if action == "file":
        require(principal, "outgoing.file")
        if not holds(principal, row.issuer_unit_id):
            raise WrongPerson("Chỉ lưu trữ của cơ quan ban hành được lưu văn bản này.")
        return "archivist"
    if action == "return":
        if row.state == SUBMITTED:
            return _who(session, principal, row, "approve")
        if row.state in (APPROVED, FORM_CHECKED):
            return _who(session, principal, row, "check")
        return _who(session, principal, row, "sign")
    raise OutgoingInvalid("action", f"Không có bước “{action}”.")


def _check_signer(session: Session, principal: Principal, row: OutgoingDocument) -> None:
    if not holds(principal, row.issuer_unit_id):
        raise WrongPerson("Chỉ lãnh đạo của cơ quan ban hành được ký văn bản này.")
    if row.signer_user_id is not None and row.signer_user_id != principal.user_id and not principal.is_system:
        signer = session.get(User, row.signer_user_id)
        raise WrongPerson(f"Văn bản này trình {signer.full_name or signer.username} ký.")


def _returned_without_new_version(session: Session, row: OutgoingDocument) -> bool:
    if row.state != RETURNED:
        return False
    last_return = session.scalar(select(OutgoingStep).where(OutgoingStep.outgoing_id == row.id,
                                                            OutgoingStep.action == "return")
                                 .order_by(OutgoingStep.id.desc()).limit(1))
    return last_return is not None and last_return.version == row.current_version


def transition(services: Services, principal: Principal, outgoing_id: Any, action: str,
               comment: Any = None) -> dict:
    """Take one step (``submit|approve|return|check|sign|number|release|file|withdraw``).
    Returns ``get_outgoing`` of the document after it."""
    action = str(action or "").strip().lower()
    step = PROCESS.get(action)
    if step is None:
        raise OutgoingInvalid("action", "Bước phải là một trong: " + ", ".join(PROCESS) + ".")
    if action == "return" or action == "withdraw":
        comment = comment_value(comment, required=True)
    else:
        comment = comment_value(comment)
    if action == "file":
        from docsvc.outgoing.issuing import file_outgoing

        return file_outgoing(services, principal, outgoing_id, comment)
    if action == "release":
        from docsvc.outgoing.issuing import release

        return release(services, principal, outgoing_id, comment)
    if not principal.can(step.permission) and action != "return" and not (
            action == "check" and principal.can("outgoing.legal")):
        raise PermissionDenied(step.permission)
    from docsvc.outgoing.reading import get_outgoing

    signed_pdf = None
    if action == "sign":
        signed_pdf = _prepare_signature(services, principal, outgoing_id)
    with writing(services) as uow:
        session = uow.session
        row = row_of(session, principal, outgoing_id, lock=True)
        if row.state not in step.sources:
            raise OutgoingConflict("out_of_order", _out_of_order(row.state, action), state=row.state)
        role = _who(session, principal, row, action)
        details: dict[str, Any] = {}
        if action == "submit":
            if _returned_without_new_version(session, row):
                raise OutgoingConflict("new_version_required", "Dự thảo bị trả lại: hãy thêm phiên bản đã sửa "
                                                               "trước khi trình lại.")
            add_step(session, principal, row, action, SUBMITTED, comment=comment, role=role)
        elif action == "approve":
            add_step(session, principal, row, action, APPROVED, decision="approved", comment=comment, role=role)
        elif action == "return":
            add_step(session, principal, row, action, RETURNED, decision="returned", comment=comment, role=role)
        elif action == "check":
            if row.state == APPROVED:
                details["checks"] = _form_checks(services, session, row)
                target = FORM_CHECKED if needs_legal_check(session, row) else CHECKED
                add_step(session, principal, row, action, target, decision="form_ok", comment=comment, role=role,
                         details=details)
            else:
                add_step(session, principal, row, "legal", CHECKED, decision="legal_ok", comment=comment,
                         role=role)
        elif action == "sign":
            _sign(services, session, principal, row, signed_pdf, comment, role)
        elif action == "number":
            from docsvc.outgoing.issuing import number

            number(services, session, principal, row, comment, role)
        elif action == "withdraw":
            if row.seq is not None:
                row.withdrawn_note = f"Thu hồi sau khi cho số: {comment}"
            add_step(session, principal, row, action, WITHDRAWN, decision="withdrawn", comment=comment, role=role)
        record(services, session, principal, f"outgoing.{action}", object_type="outgoing", object_id=row.id,
               details={"state": row.state, "version": row.current_version, "comment": comment,
                        **({"number_symbol": row.number_symbol} if action == "number" else {})})
        uow.commit()
    return get_outgoing(services, principal, outgoing_id)


def _out_of_order(state: str, action: str) -> str:
    from docsvc.outgoing.rules import ACTION_LABELS, STATE_LABELS

    return (f"Không thể “{ACTION_LABELS.get(action, action)}” khi văn bản đang ở bước "
            f"“{STATE_LABELS.get(state, state)}”.")


def _current(session: Session, row: OutgoingDocument) -> OutgoingVersion:
    return session.scalar(select(OutgoingVersion).where(OutgoingVersion.outgoing_id == row.id,
                                                        OutgoingVersion.number == row.current_version))


def _form_checks(services: Services, session: Session, row: OutgoingDocument) -> list[dict]:
    """The checks of form the software can do, on the current version's PDF."""
    from docsvc.outgoing import formcheck
    from docsvc.outgoing.settings import abbr_of, place_of
    from docsvc.outgoing.rules import symbol_of

    version = _current(session, row)
    if version.pdf_sha256 is None:
        return [{"code": "no_pdf", "label": "Có bản PDF để kiểm tra", "ok": False,
                 "detail": version.conversion_note or "Chưa có bản PDF của dự thảo: kiểm tra bằng mắt."}]
    issuer = session.get(Unit, row.issuer_unit_id)
    unit = session.get(Unit, row.drafting_unit_id)
    signer = session.get(User, row.signer_user_id) if row.signer_user_id else None
    symbol = symbol_of(row.doc_type, row.type_abbr, abbr_of(session, issuer), abbr_of(session, unit))
    checks = formcheck.check_form(services.blobs.read(version.pdf_sha256), doc_type=row.doc_type,
                                  expected_symbol=symbol, issuer_name=issuer.name,
                                  signer_name=(signer.full_name or None) if signer else None,
                                  place=place_of(session, issuer))
    return [{"code": c.code, "label": c.label, "ok": c.ok, "detail": c.detail} for c in checks]


def _prepare_signature(services: Services, principal: Principal, outgoing_id: Any) -> bytes | None:
    """The leader's digital signature, made before the transaction: the current version's PDF
    signed with the person's certificate, or None (no certificate: a wet signature)."""
    from docsvc.outgoing import certificates, signing

    with services.uow() as uow:
        session = uow.session
        row = row_of(session, principal, outgoing_id)
        if row.state != CHECKED or principal.user_id is None:
            return None
        try:
            identity = certificates.personal_identity(services, session, principal.user_id)
        except certificates.CertificateUnavailable as exc:
            raise OutgoingConflict(exc.code, exc.message) from None
        if identity is None:
            return None
        version = _current(session, row)
        if version.pdf_sha256 is None:
            raise OutgoingConflict("no_pdf", "Dự thảo chưa có bản PDF để ký số (cài LibreOffice hoặc tải bản PDF).")
        pdf = services.blobs.read(version.pdf_sha256)
        user = session.get(User, principal.user_id)
        return signing.sign_personal(pdf, identity, signer_name=user.full_name or user.username)


def _sign(services: Services, session: Session, principal: Principal, row: OutgoingDocument,
          signed_pdf: bytes | None, comment: str | None, role: str) -> None:
    version = _current(session, row)
    if signed_pdf is not None:
        row.signature_kind = SIGNATURE_DIGITAL
        row.signed_sha256 = _store(services, session, signed_pdf, MEDIA["pdf"])
    else:
        row.signature_kind = SIGNATURE_WET
        row.signed_sha256 = version.pdf_sha256
    row.signed_by, row.signed_at = principal.user_id, now_utc()
    add_step(session, principal, row, "sign", SIGNED, decision=row.signature_kind, comment=comment, role=role,
             details={"signature": row.signature_kind, "signed_sha256": row.signed_sha256})


def attach_signed_scan(services: Services, principal: Principal, outgoing_id: Any, file: bytes | None,
                       filename: str | None = None) -> dict:
    """The scan of the paper a leader signed by hand: the file released from then on. The
    clerk attaches it after a wet signature, before release."""
    require(principal, "outgoing.issue")
    if not file:
        raise OutgoingInvalid("file", "Chọn bản quét (PDF) của văn bản đã ký tay.")
    from docsvc.outgoing.reading import get_outgoing

    if file_kind(file, filename) != "pdf":
        raise OutgoingInvalid("file", "Bản quét văn bản đã ký phải là tệp PDF.")
    with writing(services) as uow:
        session = uow.session
        row = row_of(session, principal, outgoing_id, lock=True)
        _who(session, principal, row, "number")
        if row.state not in (SIGNED, NUMBERED) or row.signature_kind != SIGNATURE_WET:
            raise OutgoingConflict("out_of_order", "Chỉ đính kèm bản quét sau khi lãnh đạo ký tay, trước khi phát "
                                                   "hành.", state=row.state)
        row.signed_sha256 = _store(services, session, file, MEDIA["pdf"])
        if row.state == NUMBERED:
            row.released_sha256 = row.signed_sha256   # the paper carries the number: the scan goes out
        add_step(session, principal, row, "scan", row.state, role="clerk",
                 details={"signed_sha256": row.signed_sha256, "file_name": nfc(filename)[:300] or None})
        record(services, session, principal, "outgoing.scan", object_type="outgoing", object_id=row.id,
               details={"sha256": row.signed_sha256})
        uow.commit()
    return get_outgoing(services, principal, outgoing_id)
