"""A leader's own signing certificate (the personal signature of Decree 30) and the
identities that sign an outgoing document: the leader's (``personal_identity``) and the
issuing body's (``organisation_identity``, the office certificate of docsvc.extracts).

Installed as an office's is (docsvc.extracts.office.install_certificate): the PKCS#12 is
checked, its key re-encrypted with this installation's key and kept as a file under
``keys/`` (0600), never in the database; the public part is recorded in
``archive.outgoing.PersonalCertificate``; the person's earlier certificates become inactive
but stay, so that what they signed can still be checked.

A personal certificate is refused when it cannot sign (expired, not yet valid, no signing
key usage, wrong passphrase, not a PKCS#12), when it is attached to another person already,
when it names another person (its common name, accents and case aside, differs from the
account's full name), or when it is foreign: not issued by an authority that issued one of
the organisation certificates of the person's unit or a unit above it (so that the two
signatures of a document are checked against the same trust roots)."""

from __future__ import annotations

import os
import unicodedata
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User
from archive.extracts import ExtractCertificate
from archive.outgoing import PersonalCertificate
from archive.blobstore import write_private
from docsvc.access import Principal
from docsvc.extracts.office import _identity, _key_passphrase
from docsvc.extracts.rules import ExtractConflict
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services

if TYPE_CHECKING:  # pyHanko is imported where a certificate is read, not with the commands
    from docsvc.extracts.signing import Identity

ACTION = "outgoing.certificate"
CONFIGURE = "outgoing.configure"


class CertificateInvalid(ValueError):
    """A refusal at install: ``field`` names what was wrong (``username``, ``certificate``),
    ``message`` says why, in Vietnamese."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class CertificateUnavailable(Exception):
    """A recorded certificate cannot sign now. ``code``: ``no_key`` (the key file is gone
    from ``keys/``), ``certificate_expired`` (or otherwise no longer usable)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


# -- reading -------------------------------------------------------------------------------

def certificate_dict(cert: PersonalCertificate) -> dict:
    return {"id": cert.id, "subject": cert.subject, "fingerprint": cert.fingerprint,
            "not_after": cert.not_after.isoformat(), "active": cert.active,
            "created_at": cert.created_at.isoformat() if cert.created_at else None}


def person_dict(session: Session, user: User) -> dict:
    certs = session.scalars(select(PersonalCertificate).where(PersonalCertificate.user_id == user.id)
                            .order_by(PersonalCertificate.id.desc())).all()
    return {"username": user.username, "full_name": user.full_name,
            "certificates": [certificate_dict(c) for c in certs]}


def _loaded(services: Services, cert) -> "Identity":
    from docsvc.extracts import signing  # pyHanko: only where a certificate is read

    try:
        return _identity(services, cert)
    except ExtractConflict as exc:
        raise CertificateUnavailable("no_key", exc.message) from None
    except signing.CertificateError as exc:
        raise CertificateUnavailable("certificate_expired", str(exc)) from None


def personal_identity(services: Services, session: Session, user_id: int) -> "Identity | None":
    """The person's active signing identity; None when they have no certificate (the
    signature is then a wet one). CertificateUnavailable when the active one cannot sign
    (expired since it was installed, or its key file is missing)."""
    cert = session.scalar(select(PersonalCertificate).where(PersonalCertificate.user_id == user_id,
                                                            PersonalCertificate.active.is_(True))
                          .order_by(PersonalCertificate.id.desc()))
    return None if cert is None else _loaded(services, cert)


def organisation_identity(services: Services, session: Session, unit_id: int) -> "Identity | None":
    """The issuing body's active office certificate (the one extracts are signed with), as a
    signing identity; None when the body has none. CertificateUnavailable as above."""
    cert = session.scalar(select(ExtractCertificate).where(ExtractCertificate.unit_id == unit_id,
                                                           ExtractCertificate.active.is_(True))
                          .order_by(ExtractCertificate.id.desc()))
    return None if cert is None else _loaded(services, cert)


# -- installing ----------------------------------------------------------------------------

def _fold(text: str) -> str:
    """Accents, đ and case aside: ``NGUYEN VAN A`` on a card matches ``Nguyễn Văn A``."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _common_name(certificate_pem: bytes) -> str | None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    values = x509.load_pem_x509_certificate(certificate_pem).subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else None


def _pem_certificates(texts) -> list[bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    found = []
    for text in texts:
        if text:
            found += [c.public_bytes(serialization.Encoding.PEM)
                      for c in x509.load_pem_x509_certificates(text.encode() if isinstance(text, str) else text)]
    return found


def _anchors(session: Session, unit_id: int | None) -> list[bytes]:
    """The certificates that issued the organisation certificates of ``unit_id`` and the
    units above it (every certificate, active or not: an authority stays trusted for the
    people it certified)."""
    units, seen = [], set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        units.append(unit_id)
        unit_id = session.scalar(select(Unit.parent_id).where(Unit.id == unit_id))
    chains = session.scalars(select(ExtractCertificate.chain_pem).where(ExtractCertificate.unit_id.in_(units))).all()
    return _pem_certificates(chains)


def _issued_by(identity: "Identity", anchors: list[bytes]) -> bool:
    """Does the person's certificate chain to one of ``anchors`` (offline, no revocation)?"""
    import asyncio

    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import CertificateValidator, ValidationContext

    def load(data: bytes) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(asn1_pem.unarmor(data)[2])

    if not anchors:
        return False
    context = ValidationContext(trust_roots=[load(a) for a in anchors], allow_fetching=False,
                                revocation_mode="soft-fail")
    validator = CertificateValidator(load(identity.certificate_pem),
                                     intermediate_certs=[load(c) for c in identity.chain_pem],
                                     validation_context=context)
    try:
        asyncio.run(validator.async_validate_path())
    except Exception:  # noqa: BLE001 - no path, a bad signature on the chain, expired issuer...
        return False
    return True


def _may_install(principal: Principal, user: User) -> None:
    if principal.can(CONFIGURE):
        if principal.unit_ids is not None and user.unit_id not in principal.unit_ids:
            raise CertificateInvalid("username", f"Không có người dùng {user.username!r} trong đơn vị của bạn.")
        return
    if principal.user_id == user.id and "leader" in principal.roles:
        return  # a leader installs their own certificate
    raise PermissionDenied(CONFIGURE)


def install_personal_certificate(services: Services, principal: Principal, username: str, *,
                                 p12: bytes, passphrase: str | bytes | None) -> dict:
    """Install a person's own signing certificate (PKCS#12): an administrator
    (``outgoing.configure``) for anyone in their units, or a leader for themself. The
    certificate is checked (see the module's docstring), its key re-encrypted and kept under
    ``keys/``, its public part recorded as the person's active certificate (earlier ones
    become inactive), with the audit record ``outgoing.certificate``. Returns the person and
    their certificates. CertificateInvalid or PermissionDenied when refused: nothing is
    written then."""
    from docsvc.extracts import signing  # pyHanko: only where a certificate is read

    if not (principal.can(CONFIGURE) or "leader" in principal.roles):
        raise PermissionDenied(CONFIGURE)
    if isinstance(passphrase, str):
        passphrase = passphrase.encode()
    try:
        identity = signing.load_identity(bytes(p12 or b""), passphrase or None)
    except signing.CertificateError as exc:
        raise CertificateInvalid("certificate", str(exc)) from None
    key_dir = services.settings.resolved_key_dir
    with services.uow() as uow:
        session = uow.session
        user = session.scalar(select(User).where(User.username == str(username or "").strip()))
        if user is None:
            raise CertificateInvalid("username", f"Không có người dùng {username!r}.")
        _may_install(principal, user)
        existing = session.scalar(select(PersonalCertificate).where(
            PersonalCertificate.fingerprint == identity.fingerprint))
        if existing is not None and existing.user_id != user.id:
            raise CertificateInvalid("certificate", "Chứng thư số này đã được gắn với người khác.")
        if session.scalar(select(ExtractCertificate.id).where(
                ExtractCertificate.fingerprint == identity.fingerprint)) is not None:
            raise CertificateInvalid("certificate", "Đây là chứng thư số của cơ quan, không phải của cá nhân.")
        common = _common_name(identity.certificate_pem)
        if user.full_name.strip() and (common is None or _fold(common) != _fold(user.full_name)):
            raise CertificateInvalid("certificate", f"Chứng thư số cấp cho {common or '(không rõ tên)'}, "
                                                    f"không phải {user.full_name}.")
        if not _issued_by(identity, _anchors(session, user.unit_id)):
            raise CertificateInvalid("certificate", "Chứng thư số không do tổ chức chứng thực đã cấp chứng thư của "
                                                    "cơ quan cấp (hoặc cơ quan chưa cài chứng thư số): không "
                                                    "kiểm tra được chữ ký của văn bản.")
        kept = signing.reencrypt_pkcs12(p12, passphrase or None, _key_passphrase(services))
        key_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(key_dir, 0o700)
        key_file = f"person-{user.id}-{identity.fingerprint[:16]}.p12"
        write_private(key_dir / key_file, kept)
        for cert in session.scalars(select(PersonalCertificate).where(PersonalCertificate.user_id == user.id)):
            cert.active = False
        if existing is None:
            existing = PersonalCertificate(
                user_id=user.id, subject=identity.subject[:300], fingerprint=identity.fingerprint,
                certificate_pem=identity.certificate_pem.decode(),
                chain_pem="".join(c.decode() for c in identity.chain_pem), not_after=identity.not_after,
                key_file=key_file, created_by=principal.user_id)
            session.add(existing)
        existing.active = True
        record(services, session, principal, ACTION, object_type="user", object_id=user.id,
               details={"username": user.username, "subject": identity.subject,
                        "fingerprint": identity.fingerprint, "not_after": identity.not_after.isoformat()})
        session.flush()
        data = person_dict(session, user)
        uow.commit()
        return data
