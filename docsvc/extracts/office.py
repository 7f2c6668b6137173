"""An issuing office's extract settings (place of issue, heading, number with or without the
year), its list of signers and its certificates (docsvc.extracts.services re-exports these).

The office's PKCS#12 is checked, its key re-encrypted with a key derived from this
installation's secret and kept as a file under ``keys/`` in the data directory (0600), never
in the database or the blob store; the public part is recorded, and earlier certificates stay
so that every extract ever signed can still be checked."""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import unicodedata
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.blobstore import write_private
from archive.accounts import Unit, User
from archive.extracts import ExtractCertificate, ExtractOffice, ExtractSigner
from docsvc.access import Principal
from docsvc.extracts.rules import ExtractConflict, ExtractInvalid, ExtractNotFound, _held, _text
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services

if TYPE_CHECKING:  # pyHanko is imported where a certificate is read, not with the commands
    from docsvc.extracts import signing

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
    if words and words[0].upper() == "UBND":
        words = words[1:]
    elif [w.upper() for w in words[:4]] in (["ỦY", "BAN", "NHÂN", "DÂN"], ["UỶ", "BAN", "NHÂN", "DÂN"]):
        words = words[4:]
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


_IDENTITIES: dict[str, "signing.Identity"] = {}
_IDENTITIES_LOCK = threading.Lock()


def _key_passphrase(services: Services) -> bytes:
    secret = services.settings.resolved_secret_key().encode()
    return hmac.new(secret, b"docsvc extract signing key", hashlib.sha256).hexdigest().encode()


def install_certificate(services: Services, principal: Principal, office: int | str | None, *,
                        p12: bytes, passphrase: str | bytes | None) -> dict:
    """An office's PKCS#12 (certificate, key, issuers): checked, its key re-encrypted with a
    key of this installation and kept under ``keys/`` (mode 0600); its public part recorded.
    New extracts are signed with it; the earlier certificates stay for checking old ones."""
    from docsvc.extracts import signing  # pyHanko: only where a certificate is read

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
        write_private(key_dir / key_file, kept)
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


def _identity(services: Services, cert: ExtractCertificate) -> "signing.Identity":
    path = services.settings.resolved_key_dir / cert.key_file
    from docsvc.extracts import signing  # pyHanko: only where a certificate is read

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


