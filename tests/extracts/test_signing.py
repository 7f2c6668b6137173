"""PAdES signing and offline checking of extracts (docsvc/extracts/signing.py) on real PDFs,
real certificates and pyHanko's real validation.

Bad inputs tried: a wrong passphrase, no passphrase for a protected file, bytes that are no
PKCS#12 (random text, a PEM certificate), a PKCS#12 with no private key, an expired and a
not-yet-valid certificate, a certificate whose key usage forbids signing; for checking: a PDF
signed under another authority, one byte changed in the page content, a sweep of one-byte
changes over the whole file and the signature container, bytes appended after signing, a
truncated file, empty bytes, text, an unsigned PDF."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from docsvc.extracts.document import render_extract
from docsvc.extracts.signing import (
    CertificateError,
    check_signature,
    load_identity,
    make_local_authority,
    make_office_pkcs12,
    reencrypt_pkcs12,
    sign_pdf,
)
from tests.extracts import samples

OFFICE = "UBND xã Quỳnh Hậu"
PASS = "mật-khẩu".encode()


@pytest.fixture(autouse=True)
def _quiet_pyhanko(caplog):
    # pyHanko logs a traceback for every untrusted path; the results are asserted instead.
    caplog.set_level(logging.CRITICAL, logger="pyhanko")


@pytest.fixture(scope="module")
def authority():
    return make_local_authority()


@pytest.fixture(scope="module")
def other_authority():
    return make_local_authority("Cơ quan chứng thực khác")


@pytest.fixture(scope="module")
def identity(authority):
    return load_identity(make_office_pkcs12(OFFICE, PASS, authority=authority), PASS)


@pytest.fixture(scope="module")
def unsigned():
    return render_extract(samples.content())


@pytest.fixture(scope="module")
def signed(unsigned, identity):
    return sign_pdf(unsigned, identity, location="Xã Quỳnh Hậu")


def _flip(data: bytes, i: int) -> bytes:
    """Change byte ``i``; a hex digit stays a hex digit so that the file still parses."""
    c = chr(data[i])
    new = ("1" if c == "0" else "0") if c in "0123456789abcdefABCDEF" else chr(data[i] ^ 1)
    return data[:i] + new.encode("latin-1") + data[i + 1:]


@pytest.mark.parametrize("key", ["ec", "rsa"])
def test_a_signed_extract_validates_with_the_issuing_authority(key, authority, unsigned):
    ident = load_identity(make_office_pkcs12(OFFICE, PASS, authority=authority, key=key), PASS)
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    check = check_signature(sign_pdf(unsigned, ident), [authority[0]])
    assert check.signed and check.intact and check.trusted and check.valid, check
    assert check.signer == OFFICE and check.reason == "Cấp bản sao trích lục" and check.problem is None
    assert check.signed_at is not None and check.signed_at >= before


def test_the_signed_file_keeps_the_document_and_its_text(signed, unsigned):
    assert signed.startswith(unsigned)  # an incremental update: the issued bytes are untouched
    assert samples.flat(samples.pypdf_text(signed)) == samples.flat(samples.pypdf_text(unsigned))


def test_another_authority_gives_intact_but_not_trusted(signed, other_authority):
    check = check_signature(signed, [other_authority[0]])
    assert check.signed and check.intact and not check.trusted and not check.valid
    assert "tin cậy" in check.problem


def test_years_later_the_extract_checks_at_its_issue_time(signed, authority):
    """After the office certificate expires (3 years) the signature is no longer trusted
    now, but still checks at the recorded moment of issue."""
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=4 * 365)
    assert not check_signature(signed, [authority[0]], at=later).trusted
    issued = datetime.datetime.now(datetime.timezone.utc)
    assert check_signature(signed, [authority[0]], at=issued).valid


def test_one_byte_changed_in_the_page_content_is_not_valid(signed, authority):
    at = signed.index(b"stream", signed.index(b"/Contents")) + 40   # inside the first page's content
    check = check_signature(_flip(signed, at), [authority[0]])
    assert check.signed and not check.intact and not check.valid
    assert "thay đổi" in check.problem


def test_no_single_byte_can_change_without_the_check_noticing(signed, authority):
    """A sweep: bytes spread over the whole file, every hex digit of the signature container's
    structure (the unsigned parts pyHanko alone would accept: versions, the digest algorithm
    list, the spare certificate copy) and the zero padding after it."""
    roots = [authority[0]]
    found = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", signed[len(signed) // 2:])
    start = len(signed) // 2 + found.start(1)
    used = len(found.group(1).rstrip(b"0"))
    positions = set(range(0, len(signed), 997))
    positions |= set(range(start, start + 100))                  # ContentInfo, SignedData headers
    positions |= set(range(start, start + used, 17))              # certificates and signer info
    positions |= set(range(start + used, start + len(found.group(1)), 401))   # padding
    still_valid = [i for i in sorted(positions) if check_signature(_flip(signed, i), roots).valid]
    assert still_valid == []


def test_the_signer_info_version_cannot_change(signed, authority):
    found = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", signed[len(signed) // 2:])
    start = len(signed) // 2 + found.start(1)
    der = bytes.fromhex(found.group(1).decode())
    from asn1crypto import cms
    info = cms.ContentInfo.load(der)["content"]["signer_infos"][0]
    version_at = der.index(info.dump()) + len(info.dump()) - len(info.contents)  # first byte of contents
    for nibble in range(2 * version_at, 2 * version_at + 6):
        assert not check_signature(_flip(signed, start + nibble), [authority[0]]).valid, nibble


def test_bytes_appended_after_signing_are_not_valid(signed, authority):
    for tail in (b"\n%%EOF\n", b"\x00", b"\n1 0 obj\n(tampered)\nendobj\n"):
        check = check_signature(signed + tail, [authority[0]])
        assert not check.valid, tail
        assert check.problem


@pytest.mark.parametrize("data", [b"", b"hello", b"%PDF-1.7\n", "Bản sao".encode(), b"\x00" * 100])
def test_garbage_is_unsigned_and_does_not_raise(data, authority):
    check = check_signature(data, [authority[0]])
    assert not check.signed and not check.valid and check.problem


def test_truncated_and_unsigned_files_are_unsigned(signed, unsigned, authority):
    assert not check_signature(signed[: len(signed) // 2], [authority[0]]).valid
    check = check_signature(unsigned, [authority[0]])
    assert not check.signed and check.problem == "Tệp PDF không có chữ ký số."


def test_identity_describes_the_certificate(authority):
    ident = load_identity(make_office_pkcs12(OFFICE, PASS, authority=authority, days=30), PASS)
    leaf = x509.load_pem_x509_certificate(ident.certificate_pem)
    assert ident.subject == OFFICE
    assert ident.fingerprint == hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).hexdigest()
    assert ident.chain_pem == (authority[0],)
    assert datetime.timedelta(days=29) < ident.not_after - datetime.datetime.now(datetime.timezone.utc) \
        <= datetime.timedelta(days=30)
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment


def test_wrong_passphrase_and_no_passphrase_are_refused_in_vietnamese(authority):
    p12 = make_office_pkcs12(OFFICE, PASS, authority=authority)
    for wrong in (b"sai", None):
        with pytest.raises(CertificateError, match="Mật khẩu"):
            load_identity(p12, wrong)


@pytest.mark.parametrize("data", [b"not a pkcs12", b"", "chứng thư".encode()])
def test_bytes_that_are_no_pkcs12_are_refused_in_vietnamese(data):
    with pytest.raises(CertificateError, match="PKCS#12"):
        load_identity(data, PASS)


def test_a_pem_certificate_is_no_pkcs12(authority):
    with pytest.raises(CertificateError, match="PKCS#12"):
        load_identity(authority[0], PASS)


def test_expired_and_not_yet_valid_certificates_are_refused(authority):
    now = datetime.datetime.now(datetime.timezone.utc)
    expired = make_office_pkcs12(OFFICE, PASS, authority=authority, valid_from=now - datetime.timedelta(days=400),
                                 days=365)
    with pytest.raises(CertificateError, match="hết hạn"):
        load_identity(expired, PASS)
    future = make_office_pkcs12(OFFICE, PASS, authority=authority, valid_from=now + datetime.timedelta(days=2))
    with pytest.raises(CertificateError, match="chưa có hiệu lực"):
        load_identity(future, PASS)


def _p12_with(authority, *, key_usage: x509.KeyUsage | None, with_key: bool = True) -> bytes:
    ca_cert = x509.load_pem_x509_certificate(authority[0])
    ca_key = serialization.load_pem_private_key(authority[1], password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, OFFICE)]))
               .issuer_name(ca_cert.subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=9)))
    if key_usage is not None:
        builder = builder.add_extension(key_usage, critical=True)
    cert = builder.sign(ca_key, hashes.SHA256())
    return pkcs12.serialize_key_and_certificates(b"x", key if with_key else None, cert, [ca_cert],
                                                 serialization.BestAvailableEncryption(PASS))


def test_a_certificate_not_for_signing_is_refused(authority):
    encipher_only = x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=True,
                                  data_encipherment=True, key_agreement=False, key_cert_sign=False,
                                  crl_sign=False, encipher_only=False, decipher_only=False)
    with pytest.raises(CertificateError, match="ký số"):
        load_identity(_p12_with(authority, key_usage=encipher_only), PASS)


def test_a_pkcs12_without_private_key_is_refused(authority):
    with pytest.raises(CertificateError, match="khóa bí mật"):
        load_identity(_p12_with(authority, key_usage=None, with_key=False), PASS)


def test_reencrypted_pkcs12_opens_with_the_new_passphrase_only(authority):
    p12 = make_office_pkcs12(OFFICE, PASS, authority=authority)
    again = reencrypt_pkcs12(p12, PASS, b"server-key")
    assert load_identity(again, b"server-key").fingerprint == load_identity(p12, PASS).fingerprint
    with pytest.raises(CertificateError, match="Mật khẩu"):
        load_identity(again, PASS)
    with pytest.raises(CertificateError, match="Mật khẩu"):
        reencrypt_pkcs12(p12, b"sai", b"server-key")


def test_a_local_authority_is_a_ca(authority):
    cert = x509.load_pem_x509_certificate(authority[0])
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.subject == cert.issuer
    assert "docsvc CA cục bộ" in cert.subject.rfc4514_string()
