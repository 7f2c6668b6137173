"""PAdES signatures of extracts with the office's certificate (pyHanko), offline only:
loading an office's PKCS#12, a local authority and office certificates for the demo and the
tests, signing (PAdES B-B, no timestamp server) and checking a signed PDF against given
trust roots without fetching anything."""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko_certvalidator import ValidationContext
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash
from pyhanko.stamp import StaticStampStyle

DEFAULT_REASON = "Cấp bản sao trích lục"
DEFAULT_FIELD = "ChuKyCoQuan"


class CertificateError(ValueError):
    """The office's certificate cannot sign; the message is Vietnamese, for the officer.
    ``template`` and ``params`` let a caller translate it (``_(e.template).format(**e.params)``);
    the English entries are in docsvc/translations_en.py."""

    def __init__(self, template: str, **params: str) -> None:
        super().__init__(template.format(**params))
        self.template = template
        self.params = params


@dataclass(frozen=True)
class Identity:
    signer: signers.SimpleSigner
    certificate_pem: bytes
    chain_pem: tuple[bytes, ...]
    subject: str                  # "CN, O" readable
    not_after: datetime.datetime
    fingerprint: str              # SHA-256 hex of the leaf certificate (DER)


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool
    intact: bool
    trusted: bool
    valid: bool                   # intact and trusted and the signature covers the whole file
    signer: str | None
    signed_at: datetime.datetime | None
    reason: str | None
    problem: str | None           # Vietnamese, None when valid


class _OfficeSigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key again for every raw signature, twice per
    PDF (a dry run sizes the signature placeholder); for an RSA key the checks on loading cost
    about 40 ms each. This one keeps the parsed key and signs with it."""

    def __init__(self, *, private_key, **kwargs) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._private_key, rsa.RSAPrivateKey):
            return self._private_key.sign(data, padding.PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(self._private_key, ec.EllipticCurvePrivateKey):
            return self._private_key.sign(data, ec.ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _readable(name: x509.Name) -> str:
    def first(oid) -> str | None:
        values = name.get_attributes_for_oid(oid)
        return str(values[0].value) if values else None
    common, org = first(NameOID.COMMON_NAME), first(NameOID.ORGANIZATION_NAME)
    parts = [p for p in (common, org) if p]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    return ", ".join(parts) or name.rfc4514_string()


def _parse_pkcs12(p12: bytes, passphrase: bytes | None):
    try:
        return pkcs12.load_key_and_certificates(p12, passphrase)
    except (ValueError, TypeError) as exc:
        if passphrase:  # a file with no protection needs no passphrase: whatever was typed
            try:
                return pkcs12.load_key_and_certificates(p12, None)
            except (ValueError, TypeError):
                pass
        if not _looks_like_pkcs12(p12):
            raise CertificateError("Tệp không phải là chứng thư số dạng PKCS#12 (.p12/.pfx).") from exc
        raise CertificateError("Mật khẩu của tệp chứng thư số không đúng.") from exc


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(bytes(data), strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native is not None
    except Exception:  # noqa: BLE001 - any parse failure means: not a PFX
        return False


def load_identity(p12: bytes, passphrase: bytes | None) -> Identity:
    """The office's signing identity from its PKCS#12. CertificateError (Vietnamese) when the
    passphrase is wrong, the bytes are no PKCS#12, the key or certificate is missing, the
    certificate is expired or not yet valid, or its key usage does not allow signing."""
    key, cert, others = _parse_pkcs12(p12, passphrase)
    if key is None:
        raise CertificateError("Tệp chứng thư số không chứa khóa bí mật để ký.")
    if cert is None:
        raise CertificateError("Tệp chứng thư số không chứa chứng thư của cơ quan.")
    now = _now()
    if now < cert.not_valid_before_utc:
        raise CertificateError("Chứng thư số chưa có hiệu lực (hiệu lực từ {date}).",
                               date=f"{cert.not_valid_before_utc:%d/%m/%Y}")
    if now > cert.not_valid_after_utc:
        raise CertificateError("Chứng thư số đã hết hạn ngày {date}.", date=f"{cert.not_valid_after_utc:%d/%m/%Y}")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise CertificateError("Chứng thư số không được phép dùng để ký số (thiếu mục đích chữ ký số).")
    der = cert.public_bytes(serialization.Encoding.DER)
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    chain = tuple(others or ())
    signer = _OfficeSigner(
        private_key=key,
        signing_cert=asn1_x509.Certificate.load(der),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain]),
    )
    return Identity(
        signer=signer,
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM),
        chain_pem=tuple(c.public_bytes(serialization.Encoding.PEM) for c in chain),
        subject=_readable(cert.subject),
        not_after=cert.not_valid_after_utc,
        fingerprint=hashlib.sha256(der).hexdigest(),
    )


def reencrypt_pkcs12(p12: bytes, passphrase: bytes | None, new_passphrase: bytes) -> bytes:
    """The same key and certificates under another passphrase (e.g. the server's own key,
    so that an uploaded PKCS#12 is never stored under the officer's password)."""
    key, cert, others = _parse_pkcs12(p12, passphrase)
    if key is None or cert is None:
        raise CertificateError("Tệp chứng thư số không chứa khóa bí mật và chứng thư để ký.")
    return pkcs12.serialize_key_and_certificates(
        b"docsvc", key, cert, list(others or ()), serialization.BestAvailableEncryption(new_passphrase))


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _new_key(kind: str):
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"unknown key kind {kind!r} (ec or rsa)")


def make_local_authority(name: str = "docsvc CA cục bộ (thử nghiệm)", days: int = 3650) -> tuple[bytes, bytes]:
    """A self-signed local certification authority for the demo and the tests:
    (certificate PEM, private key PEM, unencrypted PKCS#8)."""
    key = _new_key("ec")
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name)).issuer_name(_name(name))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


def make_office_pkcs12(office_name: str, passphrase: bytes, *, authority: tuple[bytes, bytes] | None = None,
                       days: int = 1095, key: str = "ec",
                       valid_from: datetime.datetime | None = None,
                       subject: x509.Name | None = None) -> bytes:
    """An office signing certificate (EC P-256 by default, or ``key="rsa"`` for RSA 2048)
    issued by ``authority`` (a new local one when None), with digitalSignature and
    nonRepudiation key usage, as a PKCS#12 that also holds the authority's certificate.
    ``valid_from`` (default now) lets tests make a certificate that has already expired.
    ``subject`` replaces the office's name (C, O, CN) as the certificate's subject (a
    person's certificate names the person: docsvc.outgoing.signing)."""
    ca_cert_pem, ca_key_pem = authority or make_local_authority()
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    ca_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    leaf_key = _new_key(key)
    start = valid_from or _now() - datetime.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject or _name(office_name)).issuer_name(ca_cert.subject)
        .public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        office_name.encode("utf-8"), leaf_key, cert, [ca_cert],
        serialization.BestAvailableEncryption(passphrase))


def _reserved_bytes(identity: Identity) -> int:
    """Room for the CMS blob: the certificates it embeds plus signed attributes and the
    signature value (at most ~1.2 kB with an RSA 4096 key), with a margin; counted in hex
    digits as pyHanko wants it. Given, it spares pyHanko a dry-run signature to measure it,
    which costs as much as the real one."""
    certs = sum(len(pem) * 3 // 4 for pem in (identity.certificate_pem, *identity.chain_pem))
    return 2 * (certs + 4096)


@dataclass(frozen=True)
class VisibleStamp:
    """Where a signature shows and what it shows: the first page of ``appearance_pdf`` (a
    small PDF drawn beforehand, e.g. with reportlab and an embedded TrueType font, since
    pyHanko's own text stamps need fontTools for anything beyond Latin-1) scaled into
    ``box`` (x1, y1, x2, y2 in points) on page ``page`` (0-based)."""

    page: int
    box: tuple[float, float, float, float]
    appearance_pdf: bytes


class _ImportedPdfBytes(content.PdfContent):
    """pyHanko's ImportedPdfPage, from bytes in memory rather than a file name."""

    def __init__(self, data: bytes, page_ix: int = 0) -> None:
        self.data, self.page_ix = data, page_ix
        super().__init__()

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data), strict=False),
                                             page_ix=self.page_ix)
        name = "/Stamp" + uuid.uuid4().hex
        self.resources.xobject[name] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode("ascii") + b" Do"


def sign_pdf(pdf: bytes, identity: Identity, *, reason: str = DEFAULT_REASON,
             location: str | None = None, field_name: str = DEFAULT_FIELD,
             stamp: VisibleStamp | None = None) -> bytes:
    """``pdf`` with a PAdES B-B signature (SHA-256) in an incremental update, invisible or,
    with ``stamp``, shown as a widget on a page (an annotation: the pages' content stays as
    signed, so earlier signatures remain valid). Nothing is fetched: no timestamp server, no
    revocation data."""
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=location,
        subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256")
    extra = {}
    if stamp is not None:
        extra = {"new_field_spec": fields.SigFieldSpec(field_name, on_page=stamp.page,
                                                       box=tuple(int(round(v)) for v in stamp.box)),
                 "stamp_style": StaticStampStyle(background=_ImportedPdfBytes(stamp.appearance_pdf),
                                                 border_width=0)}
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        out = signers.PdfSigner(meta, signer=identity.signer, **extra).sign_pdf(
            writer, bytes_reserved=_reserved_bytes(identity))
    except SigningError as exc:
        raise CertificateError("Không ký được tệp PDF: {problem}", problem=str(exc)) from exc
    return out.getvalue()


def _trust_roots(pems: Iterable[bytes]) -> list[asn1_x509.Certificate]:
    roots = []
    for pem in pems:
        for cert in x509.load_pem_x509_certificates(pem):
            roots.append(asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)))
    return roots


def _unsigned(problem: str) -> SignatureCheck:
    return SignatureCheck(signed=False, intact=False, trusted=False, valid=False, signer=None,
                          signed_at=None, reason=None, problem=problem)


def _container_untouched(embedded, status) -> bool:
    """The parts of the signature that its own digest does not cover are as written: after
    the CMS blob only the zero padding of /Contents; the announced digest algorithms are the
    signer's; the version numbers are the ones RFC 5652 prescribes; every embedded
    certificate is one the validation used (the signer's, or one of its trusted path).
    pyHanko alone accepts a changed padding byte, a changed digest algorithm list or version
    number, or a changed spare copy of the authority's certificate."""
    try:
        raw = bytes(embedded.pkcs7_content)
        der = cms.ContentInfo.load(raw).dump()
        if not raw.startswith(der) or raw[len(der):].strip(b"\0"):
            return False
        signed_data = embedded.signed_data
        announced = {algo.dump() for algo in signed_data["digest_algorithms"]}
        if announced != {info["digest_algorithm"].dump() for info in signed_data["signer_infos"]}:
            return False
        # RFC 5652 §5.1, §5.3: the version numbers follow from the signer identifiers.
        versions = ["v1" if info["sid"].name == "issuer_and_serial_number" else "v3"
                    for info in signed_data["signer_infos"]]
        if [info["version"].native for info in signed_data["signer_infos"]] != versions:
            return False
        if signed_data["version"].native != ("v3" if "v3" in versions else "v1"):
            return False
        if status.validation_path is None:   # untrusted anyway; nothing to compare with
            return True
        used = {status.signing_cert.dump()}
        used |= {cert.dump() for cert in status.validation_path.iter_certs(include_root=True)}
        embedded_certs = signed_data["certificates"]
        return all(choice.chosen.dump() in used for choice in (embedded_certs or ()))
    except Exception:  # noqa: BLE001 - unreadable means not as written
        return False


def check_signature(pdf: bytes, trust_roots_pem: Iterable[bytes], *,
                    at: datetime.datetime | None = None) -> SignatureCheck:
    """Check the last signature of ``pdf`` offline against ``trust_roots_pem`` (revocation
    soft-fail: there is no CRL or OCSP to fetch). Never raises on a bad file: one that is not
    a readable PDF, or has no signature, comes back ``signed=False`` (unreadable trust roots
    are a configuration error and do raise ValueError).

    ``at`` (timezone-aware; default now) is the moment the certificate must be valid at. A
    B-B signature has no trusted timestamp, so years later, once the office certificate has
    expired, pass the issue time recorded in the register to check the extract as issued."""
    roots = _trust_roots(trust_roots_pem)
    try:
        reader = PdfFileReader(io.BytesIO(bytes(pdf)), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - garbage in: any parser failure is "not a PDF we can read"
        return _unsigned("Tệp không phải là PDF đọc được.")
    if not signatures:
        return _unsigned("Tệp PDF không có chữ ký số.")
    embedded = signatures[-1]
    try:
        reason = embedded.sig_object.get("/Reason")
        reason = str(reason) if reason is not None else None
    except Exception:  # noqa: BLE001
        reason = None
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail",
                                moment=at)
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception:  # noqa: BLE001 - a damaged signature dictionary or CMS blob
        return SignatureCheck(signed=True, intact=False, trusted=False, valid=False, signer=None,
                              signed_at=None, reason=reason,
                              problem="Chữ ký số bị hỏng, không kiểm tra được.")
    try:
        signer = _readable(x509.load_der_x509_certificate(status.signing_cert.dump()).subject)
    except Exception:  # noqa: BLE001
        signer = None
    intact = bool(status.intact and status.valid) and _container_untouched(embedded, status)
    trusted = bool(status.trusted)
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    problem = None
    if not intact:
        problem = "Nội dung tệp đã bị thay đổi sau khi ký: chữ ký không khớp."
    elif not trusted:
        problem = "Chứng thư ký không do cơ quan chứng thực được tin cậy cấp, hoặc không còn hiệu lực."
    elif not whole:
        problem = "Tệp có phần được thêm vào sau khi ký: chữ ký không bao trùm toàn bộ tệp."
    return SignatureCheck(signed=True, intact=intact, trusted=trusted, valid=intact and trusted and whole,
                          signer=signer, signed_at=status.signer_reported_dt, reason=reason, problem=problem)
