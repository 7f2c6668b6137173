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

import secrets
import time
from dataclasses import dataclass
from datetime import date, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User
from archive.civil import RegisterBook, RegisterEntry, RegisterRevision
from archive.extracts import EXTRACT_SCOPE, Extract, ExtractCertificate, ExtractRevocation, ExtractSigner
from archive.records import record_blob
from archive.sequences import take_next
from docsvc.access import Principal
from docsvc.civil import fields as contract
from docsvc.civil.entries import subject_name, value
from docsvc.civil.rules import custodian
from docsvc.dates import format_day, local_now
from docsvc.extracts.office import (_identity, _office_row, _resolve_office, configure_office, get_office,  # noqa: F401
                                    install_certificate, office_dict, set_signer)
from docsvc.extracts.rules import (KIND_CODES, KIND_LABELS, MAX_COPIES, REGISTERED, REQUEST,  # noqa: F401
                                   ExtractConflict, ExtractInvalid, ExtractNotFound, _begin_write, _copies,
                                   _held, _need, _one_writer, _personal, _text, format_number, initials)
from docsvc.extracts.verification import verify_file, verify_public  # noqa: F401
from docsvc.services.audit import record
from docsvc.services.container import Services


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


class _Steps:
    """How long each step of an issue took, in milliseconds."""

    def __init__(self):
        self.steps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.steps[name] = round((now - self._last) * 1000, 2)
        self._last = now


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
    clock = _Steps()
    with _one_writer(services), services.uow() as uow:
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
        clock.lap("check")
        code = secrets.token_urlsafe(16)  # 128 random bits
        url = verify_url(services, code)
        year = now.year
        seq = take_next(session, EXTRACT_SCOPE, office.id, year)  # late: the row lock is held briefly
        clock.lap("number")
        number = format_number(seq, year, entry.kind, settings.number_with_year)
        from docsvc.extracts import document, signing  # reportlab, pyHanko: only where an extract is made

        content = document.ExtractContent(
            kind=entry.kind, office_lines=tuple(settings.heading.split("\n")), number=number,
            fields=tuple((label, shown) for label, shown in printed["fields"]),
            registration=printed["registration"], notes=tuple(printed["notes"]), place=settings.place,
            issued_on=now.date(), signer_title=tuple(signer.title.split("\n")), signer_name=signer_user.full_name,
            verify_url=url)
        printed_pdf = document.render_extract(content)
        clock.lap("pdf")
        pdf = signing.sign_pdf(printed_pdf, identity, location=settings.place)
        clock.lap("sign")
        sha = services.blobs.put(pdf)
        clock.lap("store")
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
        clock.lap("register")
        record(services, session, principal, "extract.issue", object_type="extract", object_id=row.id,
               details={"number": number, "entry_id": entry.id, "copies": request.copies,
                        "signer": signer_user.username, "sha256": sha})
        _personal(services, session, principal, "extract_issue", row.id, person, entry_id=entry.id,
                  number=number, requester=request.requester, id_paper=request.id_paper,
                  request=request.purpose)
        clock.lap("log")
        data = extract_dict(row, office, revoked=None)
        uow.commit()
        clock.lap("commit")
    data["verify_url"] = url
    data["timings"] = clock.steps  # milliseconds per step (the API sends them as Server-Timing)
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
    with _one_writer(services), services.uow() as uow:
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
                         "purpose": ext.purpose, "revocation": revoked.reason if revoked else None,
                         "revoked": revoked is not None, "id": ext.id})
        _personal(services, session, principal, "extract_register", None, None, year=year, office=unit.code,
                  count=len(rows))
        uow.commit()
    return heading, rows


def register_file(services: Services, principal: Principal, *, year: int, fmt: str,
                  office: int | str | None = None) -> tuple[bytes, str, str, list[dict]]:
    """The year's register printed as ``pdf`` or ``xlsx``: (bytes, media type, file name,
    the rows). A revoked row says ``ĐÃ THU HỒI: <reason>`` once, then the request's note."""
    if fmt not in ("pdf", "xlsx"):
        raise ExtractInvalid("format", "Định dạng phải là pdf hoặc xlsx.")
    from docsvc.extracts.register_print import RegisterRow, render_register_pdf, render_register_xlsx

    heading, rows = register_rows(services, principal, year=year, office=office)
    printed = [RegisterRow(seq=r["seq"], number=r["number"], issued_on=r["issued_on"], requester=r["requester"],
                           id_paper=r["id_paper"], kind_label=r["kind_label"], entry_ref=r["entry_ref"],
                           signer=r["signer"], copies=r["copies"], revoked=r["revoked"],
                           notes="; ".join(filter(None, [r["revocation"], r["purpose"]])) if r["revoked"]
                           else (r["purpose"] or ""))
               for r in rows]
    if fmt == "pdf":
        data, media = render_register_pdf(heading, year, printed), "application/pdf"
    else:
        data = render_register_xlsx(heading, year, printed)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return data, media, f"so-cap-ban-sao-trich-luc-{year}.{fmt}", rows


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
