"""Certified extract copies (bản sao trích lục): the use cases that the pages, the API and
the CLI call (DOMAIN.md §4, issue 12; the pattern of docs/architecture.md).

Issuing is one transaction, done in the request ("không chờ"): check the entry (verified,
not disputed), the signer (on the office's list) and the office's certificate; take the
next number of the office's yearly extract register (``archive.sequences``); print the PDF
with that number and a QR code of the verification address; sign it (PAdES, the office's
key); store it in the blob store; write the ``Extract`` row, the audit record and the
personal-data log record; commit. A refusal or a crash at any step rolls the number back
with everything else, so the register has no gap and no number is handed out twice.

The issuing office is the one holding the entry's book: the registering office, or its
successor once it ended (``docsvc.civil.rules.custodian``).

Refusals: ``ExtractNotFound`` (404: no such extract or entry for this principal — entries
are personal data, so absent, another unit's and no right look alike), ``PermissionDenied``
(403), ``ExtractInvalid`` (400: a field, named), ``ExtractConflict`` (409: the entry's
state, a missing signer or certificate, an extract already revoked).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User
from archive.civil import RegisterBook, RegisterEntry, RegisterRevision
from archive.extracts import (EXTRACT_SCOPE, Extract, ExtractCertificate, ExtractOffice, ExtractRevocation,
                              ExtractSigner)
from archive.records import record_blob
from archive.sequences import take_next
from docsvc.access import Principal
from docsvc.audit.personal import ACTION as PERSONAL_READ, Purpose, make_purpose
from docsvc.civil import fields as contract
from docsvc.civil.entries import subject_name, value
from docsvc.civil.rules import custodian
from docsvc.dates import format_day, local_now
from docsvc.documents.queries import NotFound
from docsvc.extracts import document, signing
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services

KIND_CODES = {"birth": "TLKS", "death": "TLKT", "marriage": "TLKH"}
KIND_LABELS = {"birth": "Trích lục khai sinh", "death": "Trích lục khai tử", "marriage": "Trích lục kết hôn"}
REGISTERED = {"birth": "khai sinh", "death": "khai tử", "marriage": "kết hôn"}
MAX_COPIES = 50
REQUEST = make_purpose("extract_request")


class ExtractNotFound(NotFound):
    """No such extract (or entry) for this principal."""


class ExtractInvalid(ValueError):
    """A bad value: ``field`` names it, ``message`` says why (Vietnamese)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class ExtractConflict(Exception):
    """The state refuses it. ``code``: entry_not_verified, entry_disputed, no_signer,
    unknown_signer, no_certificate, certificate_expired, already_revoked."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


# -- small rules --------------------------------------------------------------------------

def format_number(seq: int, year: int, kind: str, with_year: bool) -> str:
    """``167/TLKS-BS``, or with the year ``470/2025/TLKT-BS``."""
    code = f"{KIND_CODES[kind]}-BS"
    return f"{seq}/{year}/{code}" if with_year else f"{seq}/{code}"


def initials(name: str | None) -> str:
    """``Nguyễn Văn An`` → ``N.V.A.``: all a public page may show of the holder."""
    letters = [w[0].upper() for w in (name or "").split() if w and w[0].isalpha()]
    return "".join(f"{c}." for c in letters)[:16]


def _need(principal: Principal, action: str) -> None:
    """Extracts are personal data: without ``person.view`` nothing exists (404)."""
    if not principal.can("person.view"):
        raise ExtractNotFound("extract")
    if not principal.can(action):
        raise PermissionDenied(action)


def _held(principal: Principal, unit_id: int) -> bool:
    return principal.unit_ids is None or unit_id in principal.unit_ids


def _text(name: str, raw: Any, *, limit: int, required: bool = True) -> str | None:
    text = unicodedata.normalize("NFC", " ".join(str(raw or "").split()))
    if not text:
        if required:
            raise ExtractInvalid(name, "Trường này không được để trống.")
        return None
    if len(text) > limit:
        raise ExtractInvalid(name, f"Tối đa {limit} ký tự.")
    return text


def _copies(raw: Any) -> int:
    if raw in (None, ""):
        return 1
    try:
        number = int(str(raw).strip())
    except ValueError:
        raise ExtractInvalid("copies", "Số bản sao phải là số nguyên.") from None
    if not 1 <= number <= MAX_COPIES:
        raise ExtractInvalid("copies", f"Số bản sao từ 1 đến {MAX_COPIES}.")
    return number


def _begin_write(session: Session) -> None:
    """SQLite: take the write lock before the first read (writers queue on the busy timeout
    instead of failing to upgrade a stale snapshot). PostgreSQL locks rows as it goes."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def _personal(services: Services, session: Session, principal: Principal, what: str, extract_id: int | None,
              person: str | None, purpose: Purpose = REQUEST, **details: Any) -> None:
    """The personal-data log record, in the same transaction as what it logs."""
    body: dict[str, Any] = {"purpose": purpose.code, "what": what, "via": principal.via}
    if purpose.text:
        body["purpose_text"] = purpose.text
    if person:
        body["person"] = person[:200]
    body.update({k: v for k, v in details.items() if v is not None})
    record(services, session, principal, PERSONAL_READ, object_type="extract", object_id=extract_id, details=body)


# -- the office: settings, signers, certificates -----------------------------------------

def _office_row(session: Session, unit: Unit) -> ExtractOffice:
    """The office's settings, made from the unit tree the first time they are needed."""
    row = session.get(ExtractOffice, unit.id)
    if row is None:
        parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
        lines = [parent.name.upper()] if parent else []
        lines.append(unit.name.upper())
        row = ExtractOffice(unit_id=unit.id, place=_place_of(unit.name), heading="\n".join(lines),
                            number_with_year=False)
        session.add(row)
        session.flush()
    return row


def _place_of(name: str) -> str:
    """``UBND phường Bến Nghé`` → ``Phường Bến Nghé`` (the place line of a form)."""
    words = name.split()
    if words and words[0].upper() in {"UBND", "ỦY", "UỶ"}:
        words = words[1:] if words[0].upper() == "UBND" else words[3:]
    place = " ".join(words) or name
    return place[:1].upper() + place[1:]


def _office_unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ExtractInvalid("office", f"Không có đơn vị #{unit_id}.")
    return unit


def _resolve_office(session: Session, principal: Principal, office: int | str | None) -> Unit:
    """An office by id or code; the principal's own unit by default."""
    if office in (None, ""):
        if principal.unit_id is None:
            raise ExtractInvalid("office", "Hãy chỉ rõ cơ quan (mã đơn vị).")
        return _office_unit(session, principal.unit_id)
    if isinstance(office, int) or str(office).isdigit():
        unit = session.get(Unit, int(office))
    else:
        unit = session.scalar(select(Unit).where(Unit.code == str(office)))
    if unit is None:
        raise ExtractInvalid("office", f"Không có đơn vị {office}.")
    if not _held(principal, unit.id):
        raise ExtractNotFound(office)
    return unit


def office_dict(session: Session, unit: Unit) -> dict:
    row = _office_row(session, unit)
    signers = session.execute(select(ExtractSigner, User).join(User, User.id == ExtractSigner.user_id)
                              .where(ExtractSigner.unit_id == unit.id).order_by(ExtractSigner.id)).all()
    certs = session.scalars(select(ExtractCertificate).where(ExtractCertificate.unit_id == unit.id)
                            .order_by(ExtractCertificate.id.desc())).all()
    return {
        "unit": {"id": unit.id, "code": unit.code, "name": unit.name},
        "place": row.place, "heading": row.heading.split("\n"), "number_with_year": row.number_with_year,
        "signers": [{"id": s.id, "username": u.username, "full_name": u.full_name, "title": s.title,
                     "title_lines": s.title.split("\n"), "active": s.active} for s, u in signers],
        "certificates": [{"id": c.id, "subject": c.subject, "fingerprint": c.fingerprint,
                          "not_after": c.not_after.isoformat(), "active": c.active,
                          "created_at": c.created_at.isoformat()} for c in certs],
    }


def get_office(services: Services, principal: Principal, office: int | str | None = None) -> dict:
    if not (principal.can("extract.configure") or principal.can("extract.issue")):
        raise PermissionDenied("extract.configure")
    with services.uow() as uow:
        unit = _resolve_office(uow.session, principal, office)
        data = office_dict(uow.session, unit)
        uow.commit()  # the settings made on first sight
        return data


def configure_office(services: Services, principal: Principal, office: int | str | None, *,
                     place: str | None = None, heading: str | None = None,
                     number_with_year: bool | None = None) -> dict:
    if not principal.can("extract.configure"):
        raise PermissionDenied("extract.configure")
    with services.uow() as uow:
        session = uow.session
        unit = _resolve_office(session, principal, office)
        row = _office_row(session, unit)
        before = {"place": row.place, "heading": row.heading, "number_with_year": row.number_with_year}
        if place is not None:
            row.place = _text("place", place, limit=200)
        if heading is not None:
            lines = [unicodedata.normalize("NFC", " ".join(line.split())) for line in str(heading).splitlines()]
            lines = [line for line in lines if line]
            if not lines or len(lines) > 4 or any(len(line) > 120 for line in lines):
                raise ExtractInvalid("heading", "Tiêu đề cơ quan: 1 đến 4 dòng, mỗi dòng tối đa 120 ký tự.")
            row.heading = "\n".join(lines)
        if number_with_year is not None:
            row.number_with_year = bool(number_with_year)
        row.updated_by = principal.user_id
        after = {"place": row.place, "heading": row.heading, "number_with_year": row.number_with_year}
        record(services, session, principal, "extract.office", object_type="unit", object_id=unit.id,
               details={"before": before, "after": after})
        session.flush()
        data = office_dict(session, unit)
        uow.commit()
        return data


def set_signer(services: Services, principal: Principal, office: int | str | None, *, username: str,
               title: str, active: bool = True) -> dict:
    """Add an officer to the office's list of signers, or change the title or take them off."""
    if not principal.can("extract.configure"):
        raise PermissionDenied("extract.configure")
    title_lines = [unicodedata.normalize("NFC", " ".join(line.split())) for line in str(title or "").splitlines()]
    title_lines = [line for line in title_lines if line]
    if not title_lines or len(title_lines) > 3 or any(len(line) > 60 for line in title_lines):
        raise ExtractInvalid("title", "Chức danh: 1 đến 3 dòng, mỗi dòng tối đa 60 ký tự "
                                      "(ví dụ: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH).")
    with services.uow() as uow:
        session = uow.session
        unit = _resolve_office(session, principal, office)
        user = session.scalar(select(User).where(User.username == (username or "").strip()))
        if user is None:
            raise ExtractInvalid("username", f"Không có người dùng {username!r}.")
        if not user.full_name.strip():
            raise ExtractInvalid("username", "Người ký cần có họ tên đầy đủ trong tài khoản.")
        row = session.scalar(select(ExtractSigner).where(ExtractSigner.unit_id == unit.id,
                                                         ExtractSigner.user_id == user.id))
        if row is None:
            row = ExtractSigner(unit_id=unit.id, user_id=user.id, title="\n".join(title_lines), active=active)
            session.add(row)
        else:
            row.title, row.active = "\n".join(title_lines), active
        _office_row(session, unit)
        record(services, session, principal, "extract.signer", object_type="unit", object_id=unit.id,
               details={"username": user.username, "title": "\n".join(title_lines), "active": active})
        session.flush()
        data = office_dict(session, unit)
        uow.commit()
        return data


_IDENTITIES: dict[str, signing.Identity] = {}
_IDENTITIES_LOCK = threading.Lock()


def _key_passphrase(services: Services) -> bytes:
    secret = services.settings.resolved_secret_key().encode()
    return hmac.new(secret, b"docsvc extract signing key", hashlib.sha256).hexdigest().encode()


def install_certificate(services: Services, principal: Principal, office: int | str | None, *,
                        p12: bytes, passphrase: str | bytes | None) -> dict:
    """An office's PKCS#12 (certificate, key, issuers): checked, its key re-encrypted with a
    key of this installation and kept under ``keys/`` (mode 0600); its public part recorded.
    New extracts are signed with it; the earlier certificates stay for checking old ones."""
    if not principal.can("extract.configure"):
        raise PermissionDenied("extract.configure")
    if isinstance(passphrase, str):
        passphrase = passphrase.encode()
    try:
        identity = signing.load_identity(p12, passphrase or None)
    except signing.CertificateError as exc:
        raise ExtractInvalid("certificate", str(exc)) from None
    kept = signing.reencrypt_pkcs12(p12, passphrase or None, _key_passphrase(services))
    key_dir = services.settings.resolved_key_dir
    key_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(key_dir, 0o700)
    with services.uow() as uow:
        session = uow.session
        unit = _resolve_office(session, principal, office)
        _office_row(session, unit)
        existing = session.scalar(select(ExtractCertificate).where(
            ExtractCertificate.fingerprint == identity.fingerprint))
        if existing is not None and existing.unit_id != unit.id:
            raise ExtractInvalid("certificate", "Chứng thư số này đã được gắn với cơ quan khác.")
        key_file = f"office-{unit.id}-{identity.fingerprint[:16]}.p12"
        _write_private(key_dir / key_file, kept)
        for cert in session.scalars(select(ExtractCertificate).where(ExtractCertificate.unit_id == unit.id)):
            cert.active = False
        if existing is None:
            existing = ExtractCertificate(
                unit_id=unit.id, subject=identity.subject[:300], fingerprint=identity.fingerprint,
                certificate_pem=identity.certificate_pem.decode(),
                chain_pem="".join(c.decode() for c in identity.chain_pem), not_after=identity.not_after,
                key_file=key_file, created_by=principal.user_id)
            session.add(existing)
        existing.active = True
        record(services, session, principal, "extract.certificate", object_type="unit", object_id=unit.id,
               details={"subject": identity.subject, "fingerprint": identity.fingerprint,
                        "not_after": identity.not_after.isoformat()})
        session.flush()
        data = office_dict(session, unit)
        uow.commit()
        return data


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _identity(services: Services, cert: ExtractCertificate) -> signing.Identity:
    path = services.settings.resolved_key_dir / cert.key_file
    with _IDENTITIES_LOCK:
        cached = _IDENTITIES.get(str(path))
        if cached is not None and cached.fingerprint == cert.fingerprint:
            return cached
    try:
        p12 = path.read_bytes()
    except FileNotFoundError:
        raise ExtractConflict("no_certificate", "Không tìm thấy khóa ký của cơ quan trong thư mục dữ liệu "
                                                "(keys/); hãy tải lại tệp chứng thư số (PKCS#12).") from None
    identity = signing.load_identity(p12, _key_passphrase(services))
    with _IDENTITIES_LOCK:
        _IDENTITIES[str(path)] = identity
    return identity


# -- issuing ------------------------------------------------------------------------------

def _signers(session: Session, unit_id: int) -> list[tuple[ExtractSigner, User]]:
    return list(session.execute(select(ExtractSigner, User).join(User, User.id == ExtractSigner.user_id)
                                .where(ExtractSigner.unit_id == unit_id, ExtractSigner.active.is_(True))
                                .order_by(ExtractSigner.id)).all())


def _pick_signer(session: Session, unit: Unit, username: str | None) -> tuple[ExtractSigner, User]:
    signers = _signers(session, unit.id)
    if not signers:
        raise ExtractConflict("no_signer", f"{unit.name} chưa có danh sách người ký trích lục; "
                                           "quản trị viên thêm người ký trong trang cấu hình trích lục.")
    if not username:
        return signers[0]
    for signer, user in signers:
        if user.username == username.strip():
            return signer, user
    raise ExtractConflict("unknown_signer", f"{username} không có trong danh sách người ký của {unit.name}.")


def _revision_notes(session: Session, entry: RegisterEntry) -> tuple[list[str], int]:
    """The later changes of the entry (corrections after verification), as sentences."""
    rows = session.scalars(select(RegisterRevision).where(RegisterRevision.entry_id == entry.id)
                           .order_by(RegisterRevision.seq)).all()
    notes: list[str] = []
    for rev in rows:
        if rev.stage != "correction":
            continue
        changes = []
        for key, change in (rev.changes or {}).items():
            field = contract.BY_KEY[entry.kind].get(key)
            if field is None:
                continue
            old = contract.display(entry.kind, key, (change or {}).get("old")) or "(trống)"
            new = contract.display(entry.kind, key, (change or {}).get("new")) or "(trống)"
            changes.append(f"{field.label}: “{old}” thành “{new}”")
        if not changes:
            continue
        sentence = f"Ngày {format_day(rev.at)} cải chính " + "; ".join(changes)
        if rev.legal_basis:
            sentence += f", theo {rev.legal_basis}"
            if rev.legal_basis_date:
                sentence += f" ngày {format_day(rev.legal_basis_date)}"
        if rev.reason:
            sentence += f" (lý do: {rev.reason})"
        notes.append(sentence + ".")
    return notes, len(rows)


_SKIP = {"number", "registered_on", "notes", "officer", "officer_position"}


def entry_content(session: Session, entry: RegisterEntry, book: RegisterBook, office: Unit) -> dict:
    """What an extract prints of the entry: the fields in the form's order (display text;
    a missing value as the national tools write it), the registration sentence, the notes."""
    rows = []
    for field in contract.FIELDS[entry.kind]:
        if field.key in _SKIP:
            continue
        cell = (entry.fields or {}).get(field.key) or {}
        shown = contract.display(entry.kind, field.key, cell.get("value"))
        if not shown or cell.get("state") in ("missing", "illegible"):
            shown = contract.MISSING_TEXT
        rows.append([field.label, shown])
    registered_on = value(entry.fields, "registered_on")
    day = contract.display(entry.kind, "registered_on", registered_on) if registered_on else "(không rõ ngày)"
    registration = (f"Đã đăng ký {REGISTERED[entry.kind]} tại {office.name}, số {entry.number:02d}, "
                    f"quyển số {book.label}, ngày {day}.")
    notes = []
    written = value(entry.fields, "notes")
    if written:
        notes.append(str(written))
    later, revisions = _revision_notes(session, entry)
    notes.extend(later)
    return {"fields": rows, "registration": registration, "notes": notes, "revisions": revisions}


@dataclass(frozen=True)
class IssueRequest:
    requester: str
    id_paper: str
    copies: int = 1
    signer: str | None = None
    purpose: str | None = None

    @classmethod
    def parse(cls, requester: Any, id_paper: Any, copies: Any = None, signer: Any = None,
              purpose: Any = None) -> "IssueRequest":
        return cls(_text("requester", requester, limit=200), _text("id_paper", id_paper, limit=200),
                   _copies(copies), _text("signer", signer, limit=64, required=False),
                   _text("purpose", purpose, limit=500, required=False))


def verify_url(services: Services, code: str) -> str:
    return f"{services.settings.public_url.rstrip('/')}/verify/{code}"


def issue_extract(services: Services, principal: Principal, entry_id: int, request: IssueRequest) -> dict:
    """Issue a certified extract of a verified entry (see the module's docstring).
    Returns ``extract_dict`` with ``verify_url``."""
    _need(principal, "extract.issue")
    now = local_now(services.settings.time_zone)
    with services.uow() as uow:
        session = uow.session
        session.autoflush = False
        _begin_write(session)
        query = select(RegisterEntry).where(RegisterEntry.id == entry_id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(read=True)  # no correction slips in before the commit
        entry = session.scalar(query)
        if entry is None or not _held(principal, entry.office_unit_id):
            raise ExtractNotFound(entry_id)
        if entry.status == "disputed":
            raise ExtractConflict("entry_disputed", "Mục đăng ký đang có hai lần nhập khác nhau chờ phân xử; "
                                                    "chưa thể cấp trích lục.")
        if entry.status != "verified" or entry.number is None:
            raise ExtractConflict("entry_not_verified", "Mục đăng ký chưa được kiểm tra, xác nhận; "
                                                        "chỉ cấp trích lục từ mục đã kiểm tra.")
        book = session.get(RegisterBook, entry.book_id)
        registering = session.get(Unit, entry.office_unit_id)
        office = custodian(session, registering)
        settings = _office_row(session, office)
        signer, signer_user = _pick_signer(session, office, request.signer)
        cert = session.scalar(select(ExtractCertificate).where(ExtractCertificate.unit_id == office.id,
                                                               ExtractCertificate.active.is_(True)))
        if cert is None:
            raise ExtractConflict("no_certificate", f"{office.name} chưa có chứng thư số để ký trích lục; "
                                                    "quản trị viên tải tệp PKCS#12 lên trang cấu hình trích lục.")
        if cert.not_after.replace(tzinfo=cert.not_after.tzinfo or timezone.utc) <= now:
            raise ExtractConflict("certificate_expired", f"Chứng thư số của {office.name} đã hết hạn; "
                                                         "hãy tải lên chứng thư mới.")
        identity = _identity(services, cert)
        printed = entry_content(session, entry, book, registering)
        code = secrets.token_urlsafe(16)  # 128 random bits
        url = verify_url(services, code)
        year = now.year
        seq = take_next(session, EXTRACT_SCOPE, office.id, year)  # late: the row lock is held briefly
        number = format_number(seq, year, entry.kind, settings.number_with_year)
        content = document.ExtractContent(
            kind=entry.kind, office_lines=tuple(settings.heading.split("\n")), number=number,
            fields=tuple((label, shown) for label, shown in printed["fields"]),
            registration=printed["registration"], notes=tuple(printed["notes"]), place=settings.place,
            issued_on=now.date(), signer_title=tuple(signer.title.split("\n")), signer_name=signer_user.full_name,
            verify_url=url)
        pdf = signing.sign_pdf(document.render_extract(content), identity, location=settings.place)
        sha = services.blobs.put(pdf)
        record_blob(session, sha, len(pdf), "application/pdf", "extract")
        person = subject_name(entry)
        row = Extract(
            office_unit_id=office.id, year=year, seq=seq, number=number, kind=entry.kind, entry_id=entry.id,
            entry_revisions=printed["revisions"],
            content={"fields": printed["fields"], "registration": printed["registration"],
                     "notes": printed["notes"], "office_lines": list(content.office_lines), "place": settings.place},
            requester_name=request.requester, requester_id_paper=request.id_paper, purpose=request.purpose,
            copies=request.copies, signer_user_id=signer_user.id, signer_name=signer_user.full_name,
            signer_title=signer.title, certificate_id=cert.id, pdf_sha256=sha, verify_code=code,
            holder_initials=initials(person), issued_by=principal.user_id or signer_user.id,
            issued_at=now.astimezone(timezone.utc), issued_on=now.date())
        session.add(row)
        session.flush()
        record(services, session, principal, "extract.issue", object_type="extract", object_id=row.id,
               details={"number": number, "entry_id": entry.id, "copies": request.copies,
                        "signer": signer_user.username, "sha256": sha})
        _personal(services, session, principal, "extract_issue", row.id, person, entry_id=entry.id,
                  number=number, requester=request.requester, id_paper=request.id_paper,
                  request=request.purpose)
        data = extract_dict(row, office, revoked=None)
        uow.commit()
    return data


def extract_dict(row: Extract, office: Unit, *, revoked: ExtractRevocation | None,
                 issuer: str | None = None) -> dict:
    return {
        "id": row.id, "number": row.number, "seq": row.seq, "year": row.year, "kind": row.kind,
        "kind_label": KIND_LABELS[row.kind], "entry_id": row.entry_id,
        "office": {"id": office.id, "code": office.code, "name": office.name},
        "requester": row.requester_name, "id_paper": row.requester_id_paper, "purpose": row.purpose,
        "copies": row.copies, "signer": {"name": row.signer_name, "title": row.signer_title.split("\n")},
        "issued_on": row.issued_on.isoformat(), "issued_at": row.issued_at.isoformat(),
        "issued_by": issuer, "pdf_sha256": row.pdf_sha256, "verify_code": row.verify_code,
        "person": None, "content": row.content,
        "status": "revoked" if revoked else "genuine",
        "revocation": ({"reason": revoked.reason, "at": revoked.revoked_at.isoformat()} if revoked else None),
    }


# -- reading, revoking, the register --------------------------------------------------------

def _extract(session: Session, principal: Principal, extract_id: int) -> Extract:
    row = session.get(Extract, extract_id)
    if row is None or not _held(principal, row.office_unit_id):
        raise ExtractNotFound(extract_id)
    return row


def _full(session: Session, row: Extract) -> dict:
    office = session.get(Unit, row.office_unit_id)
    revoked = session.scalar(select(ExtractRevocation).where(ExtractRevocation.extract_id == row.id))
    issuer = session.scalar(select(User.username).where(User.id == row.issued_by))
    data = extract_dict(row, office, revoked=revoked, issuer=issuer)
    entry = session.get(RegisterEntry, row.entry_id)
    data["person"] = subject_name(entry) if entry else None
    data["verify_url"] = None
    return data


def get_extract(services: Services, principal: Principal, extract_id: int) -> dict:
    """One extract, its status and what it printed; the look is logged."""
    _need(principal, "extract.view")
    with services.uow() as uow:
        session = uow.session
        row = _extract(session, principal, extract_id)
        data = _full(session, row)
        data["verify_url"] = verify_url(services, row.verify_code)
        _personal(services, session, principal, "extract", row.id, data["person"], number=row.number)
        uow.commit()
    return data


def extract_pdf(services: Services, principal: Principal, extract_id: int) -> tuple[bytes, str]:
    """The signed PDF exactly as issued, and a file name; the download is logged."""
    _need(principal, "extract.view")
    with services.uow() as uow:
        session = uow.session
        row = _extract(session, principal, extract_id)
        entry = session.get(RegisterEntry, row.entry_id)
        _personal(services, session, principal, "extract_pdf", row.id, subject_name(entry) if entry else None,
                  number=row.number)
        sha, number = row.pdf_sha256, row.number
        uow.commit()
    return services.blobs.read(sha), f"trich-luc-{number.replace('/', '-')}.pdf"


def list_extracts(services: Services, principal: Principal, *, year: int | None = None,
                  day: date | None = None, office: int | str | None = None, limit: int = 500) -> list[dict]:
    """Extracts of the principal's offices, newest first: of a year, or of a day (today's
    desk). Names of requesters are personal data: the list is logged."""
    _need(principal, "extract.view")
    with services.uow() as uow:
        session = uow.session
        query = select(Extract).order_by(Extract.id.desc()).limit(max(1, min(limit, 5000)))
        if office not in (None, ""):
            query = query.where(Extract.office_unit_id == _resolve_office(session, principal, office).id)
        elif principal.unit_ids is not None:
            query = query.where(Extract.office_unit_id.in_(principal.unit_ids))
        if year is not None:
            query = query.where(Extract.year == year)
        if day is not None:
            query = query.where(Extract.issued_on == day)
        rows = session.scalars(query).all()
        result = []
        for row in rows:
            data = _full(session, row)
            data["verify_url"] = verify_url(services, row.verify_code)
            result.append(data)
        _personal(services, session, principal, "extracts", None, None, year=year,
                  day=day.isoformat() if day else None, count=len(result),
                  numbers=[r["number"] for r in result[:200]] or None)
        uow.commit()
    return result


def revoke_extract(services: Services, principal: Principal, extract_id: int, *, reason: Any) -> dict:
    """Revoke a wrong extract: a new record with the reason; the number stays used."""
    _need(principal, "extract.revoke")
    reason_text = _text("reason", reason, limit=1000)
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        row = _extract(session, principal, extract_id)
        if session.scalar(select(ExtractRevocation.id).where(ExtractRevocation.extract_id == row.id)):
            raise ExtractConflict("already_revoked", f"Trích lục số {row.number} đã bị thu hồi trước đó.")
        session.add(ExtractRevocation(extract_id=row.id, reason=reason_text,
                                      revoked_by=principal.user_id or row.issued_by))
        session.flush()
        record(services, session, principal, "extract.revoke", object_type="extract", object_id=row.id,
               details={"number": row.number, "reason": reason_text})
        data = _full(session, row)
        data["verify_url"] = verify_url(services, row.verify_code)
        uow.commit()
    return data


def register_rows(services: Services, principal: Principal, *, year: int,
                  office: int | str | None = None) -> tuple[tuple[str, ...], list[dict]]:
    """The extract register (sổ cấp bản sao trích lục) of an office's year: every issue in
    number order, revoked ones with the reason. Returns the office's heading and the rows."""
    _need(principal, "extract.view")
    with services.uow() as uow:
        session = uow.session
        if office in (None, "") and principal.unit_id is None:
            units = session.scalars(select(Extract.office_unit_id).where(Extract.year == year).distinct()).all()
            if len(units) > 1:
                raise ExtractInvalid("office", "Có nhiều cơ quan cấp trích lục; hãy chỉ rõ cơ quan (--office).")
            office = units[0] if units else None
        if office in (None, "") and principal.unit_id is None:
            raise ExtractInvalid("office", f"Năm {year} chưa có trích lục nào; hãy chỉ rõ cơ quan.")
        unit = _resolve_office(session, principal, office)
        heading = tuple(_office_row(session, unit).heading.split("\n"))
        query = (select(Extract, ExtractRevocation, RegisterEntry, RegisterBook)
                 .outerjoin(ExtractRevocation, ExtractRevocation.extract_id == Extract.id)
                 .join(RegisterEntry, RegisterEntry.id == Extract.entry_id)
                 .join(RegisterBook, RegisterBook.id == RegisterEntry.book_id)
                 .where(Extract.office_unit_id == unit.id, Extract.year == year).order_by(Extract.seq))
        rows = []
        for ext, revoked, entry, book in session.execute(query).all():
            notes = ext.purpose or ""
            if revoked:
                notes = (notes + "; " if notes else "") + f"ĐÃ THU HỒI: {revoked.reason}"
            rows.append({"seq": ext.seq, "number": ext.number, "issued_on": ext.issued_on,
                         "requester": ext.requester_name, "id_paper": ext.requester_id_paper,
                         "kind_label": KIND_LABELS[ext.kind],
                         "entry_ref": f"Số {entry.number:02d}, quyển {book.label}",
                         "signer": ext.signer_name, "copies": ext.copies, "notes": notes,
                         "revoked": revoked is not None, "id": ext.id})
        _personal(services, session, principal, "extract_register", None, None, year=year, office=unit.code,
                  count=len(rows))
        uow.commit()
    return heading, rows


# -- public verification (no sign-in) ------------------------------------------------------

def _by_code(session: Session, code: str) -> Extract | None:
    code = (code or "").strip()
    if not 16 <= len(code) <= 43 or not all(c.isalnum() or c in "-_" for c in code):
        return None
    return session.scalar(select(Extract).where(Extract.verify_code == code))


def verify_public(services: Services, code: str) -> dict | None:
    """What anyone may know of an extract by its code: genuine or revoked, the office, the
    number, the day and kind of issue, the holder's initials. Nothing else of the person."""
    with services.session_factory() as session:
        row = _by_code(session, code)
        if row is None:
            return None
        office = session.get(Unit, row.office_unit_id)
        revoked = session.scalar(select(ExtractRevocation).where(ExtractRevocation.extract_id == row.id))
        return {"status": "revoked" if revoked else "genuine", "office": office.name, "number": row.number,
                "issued_on": row.issued_on.isoformat(), "kind": row.kind, "kind_label": KIND_LABELS[row.kind],
                "holder_initials": row.holder_initials,
                "revoked_on": revoked.revoked_at.date().isoformat() if revoked else None}


def verify_file(services: Services, code: str, data: bytes) -> dict | None:
    """Is ``data`` exactly the PDF issued under this code, and is its signature valid with
    the issuing office's certificate?"""
    with services.session_factory() as session:
        row = _by_code(session, code)
        if row is None:
            return None
        cert = session.get(ExtractCertificate, row.certificate_id) if row.certificate_id else None
        roots = []
        if cert is not None:
            roots = [p.encode() for p in _pem_blocks(cert.chain_pem)] or [cert.certificate_pem.encode()]
        sha = row.pdf_sha256
    match = hmac.compare_digest(hashlib.sha256(data).hexdigest(), sha)
    check = signing.check_signature(data, roots)
    return {"match": match, "signature_valid": bool(check.valid), "signer": check.signer if check.valid else None,
            "problem": None if check.valid else check.problem}


def _pem_blocks(text: str) -> list[str]:
    blocks, current = [], []
    for line in (text or "").splitlines():
        current.append(line)
        if line.startswith("-----END"):
            blocks.append("\n".join(current) + "\n")
            current = []
    return blocks


def count_today(services: Services, principal: Principal) -> int:
    """How many extracts the principal's offices issued today (the home page's figure)."""
    if not (principal.can("person.view") and principal.can("extract.view")):
        return 0
    today = local_now(services.settings.time_zone).date()
    with services.session_factory() as session:
        query = select(func.count()).select_from(Extract).where(Extract.issued_on == today)
        if principal.unit_ids is not None:
            query = query.where(Extract.office_unit_id.in_(principal.unit_ids))
        return session.scalar(query) or 0
