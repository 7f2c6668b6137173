"""The two signatures of an outgoing document (Decree 30/2020, Appendix I), on the extracts'
PAdES machinery (docsvc.extracts.signing): the leader's personal signature on the approved
PDF, then — after numbering — the organisation's signature by the records office, in a
second incremental update that leaves the leader's signature valid. The organisation's
signature shows on the first page as a stamp with the number and symbol and the date.

Pure: bytes in, bytes out; certificates are ``Identity`` objects loaded by the caller
(docsvc.outgoing.certificates)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.x509.oid import NameOID
from reportlab.pdfgen import canvas as rl_canvas

from docsvc.extracts.fonts import RENDER_LOCK, register_fonts, width
from docsvc.extracts.signing import (
    CertificateError,
    Identity,
    SignatureCheck,
    VisibleStamp,
    check_signature,
    make_office_pkcs12,
    sign_pdf,
)
from docsvc.formpdf import day_words

PERSONAL_FIELD = "ChuKyNguoiKy"          # the leader's signature field
ORGANISATION_FIELD = "ChuKyCoQuan"       # the issuing body's (as on extracts)
PERSONAL_REASON = "Phê duyệt, ký ban hành"
ORGANISATION_REASON = "Văn thư ký số của cơ quan, tổ chức (Nghị định 30/2020/NĐ-CP)"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# The stamp: top right of the first page (where the place and date line sits), in points
# from the page's top-right corner; its size fits the three lines below at 8 pt.
STAMP_WIDTH, STAMP_HEIGHT, STAMP_MARGIN = 250.0, 46.0, 18.0
STAMP_FONT_SIZE = 8.0
STAMP_RED = (0.80, 0.05, 0.05)


def sign_personal(pdf: bytes, identity: Identity, *, signer_name: str, reason: str = PERSONAL_REASON) -> bytes:
    """The leader's PAdES signature (invisible) over ``pdf``; the reason names the signer.
    CertificateError (Vietnamese) when pyHanko cannot sign the file."""
    name = " ".join(str(signer_name or "").split())
    text = f"{reason}: {name}" if name else reason
    return sign_pdf(pdf, identity, reason=text, field_name=PERSONAL_FIELD)


def stamp_line(number_symbol: str, issued_on: datetime.date) -> str:
    """``Số: 05/QĐ-UBND — ngày 05 tháng 01 năm 2026``: what the organisation's stamp says."""
    return f"Số: {number_symbol} — {day_words(issued_on)}"


def stamp_pdf(organisation: str, number_symbol: str, issued_on: datetime.date, place: str,
              signed_at: datetime.datetime) -> bytes:
    """The stamp's appearance, a one-page PDF of STAMP_WIDTH × STAMP_HEIGHT: the organisation,
    the number and symbol with the date, the place and the signing time (ISO 8601, Vietnam
    time, as Decree 30 asks of the organisation's signature), in red, with Liberation Serif
    embedded (so every Vietnamese letter shows and extracts)."""
    regular, bold, _italic = register_fonts()
    lines = [(bold, _fit(organisation, bold)),
             (regular, _fit(stamp_line(number_symbol, issued_on), regular)),
             (regular, _fit(" — ".join(part for part in (" ".join(str(place or "").split()), "ký số lúc "
                                                         + signed_at.astimezone(VIETNAM).isoformat(timespec="seconds"))
                                       if part), regular))]
    buffer = io.BytesIO()
    with RENDER_LOCK:
        pdf = rl_canvas.Canvas(buffer, pagesize=(STAMP_WIDTH, STAMP_HEIGHT), invariant=1)
        pdf.setTitle(stamp_line(number_symbol, issued_on))
        pdf.setStrokeColorRGB(*STAMP_RED)
        pdf.setFillColorRGB(*STAMP_RED)
        pdf.setLineWidth(1)
        pdf.rect(1, 1, STAMP_WIDTH - 2, STAMP_HEIGHT - 2)
        y = STAMP_HEIGHT - 4 - STAMP_FONT_SIZE
        for font, text in lines:
            pdf.setFont(font, STAMP_FONT_SIZE)
            pdf.drawCentredString(STAMP_WIDTH / 2, y, text)
            y -= STAMP_FONT_SIZE + 4
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()


def _fit(text: str, font: str) -> str:
    """Cut a line that would run out of the stamp (a long organisation name)."""
    text = " ".join(text.split())
    limit = STAMP_WIDTH - 8
    if width(text, font, STAMP_FONT_SIZE) <= limit:
        return text
    while text and width(text + "…", font, STAMP_FONT_SIZE) > limit:
        text = text[:-1]
    return text.rstrip() + "…"


def _first_page_box(pdf: bytes) -> tuple[float, float, float, float]:
    from pypdf import PdfReader

    try:
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        right, top = float(box.right), float(box.top)
    except Exception as exc:  # noqa: BLE001 - anything unreadable: pyHanko would refuse it too
        raise CertificateError("Không ký được tệp PDF: {problem}", problem="tệp không đọc được") from exc
    x2, y2 = right - STAMP_MARGIN, top - STAMP_MARGIN
    return (x2 - STAMP_WIDTH, y2 - STAMP_HEIGHT, x2, y2)


def sign_organisation(pdf: bytes, identity: Identity, *, number_symbol: str, issued_on: datetime.date,
                      place: str, signed_at: datetime.datetime | None = None) -> bytes:
    """The issuing body's signature (the records office signs after numbering), in an
    incremental update after the leader's: a visible stamp at the top right of the first page
    with the number and symbol and the date (stamp_line), the place and the signing time. The
    stamp is the signature's widget annotation, so the pages' content is untouched and the
    leader's signature stays valid."""
    signed_at = signed_at or datetime.datetime.now(datetime.timezone.utc)
    organisation = _organisation_of(identity)
    appearance = stamp_pdf(organisation, number_symbol, issued_on, place, signed_at)
    stamp = VisibleStamp(page=0, box=_first_page_box(pdf), appearance_pdf=appearance)
    reason = f"{ORGANISATION_REASON}. {stamp_line(number_symbol, issued_on)}"
    return sign_pdf(pdf, identity, reason=reason, location=place, field_name=ORGANISATION_FIELD, stamp=stamp)


def _organisation_of(identity: Identity) -> str:
    """The organisation's name from its certificate (O, else CN)."""
    try:
        cert = x509.load_pem_x509_certificate(identity.certificate_pem)
        for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
            values = cert.subject.get_attributes_for_oid(oid)
            if values:
                return str(values[0].value)
    except ValueError:
        pass
    return identity.subject


def check_signatures(pdf: bytes, trust_roots_pem: Iterable[bytes], *,
                     at: datetime.datetime | None = None) -> list[SignatureCheck]:
    """Every signature in ``pdf``, in the order they were made, each checked offline against
    ``trust_roots_pem``: intact, trusted, and valid when in addition nothing but later
    signatures (their fields and stamps) was added after it. An empty list when the file has
    no signature or is no readable PDF.

    Each signature is checked by docsvc.extracts.signing.check_signature on the file as it
    was when signed (the bytes its byte range ends with); what came after it is then judged
    by pyHanko's difference analysis: any change beyond filling in signature fields (a page's
    content, an annotation, another form field) makes it invalid."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    roots = [bytes(r) for r in trust_roots_pem]
    data = bytes(pdf)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - not a PDF we can read
        return []
    signature_fields = {sig.field_name for sig in embedded}
    results = []
    for sig in embedded:
        try:
            start, first, second, length = (int(v) for v in sig.byte_range)
            end = second + length
        except Exception:  # noqa: BLE001 - a damaged signature dictionary
            end = len(data)
        check = check_signature(data[:end], roots, at=at)
        if check.valid and end < len(data):
            problem = _later_changes(sig, signature_fields)
            if problem is not None:
                check = SignatureCheck(signed=True, intact=check.intact, trusted=check.trusted, valid=False,
                                       signer=check.signer, signed_at=check.signed_at, reason=check.reason,
                                       problem=problem)
        results.append(check)
    return results


def _later_changes(sig, signature_fields: set[str]) -> str | None:
    """None when everything after ``sig`` only adds or fills signature fields."""
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel


    try:
        sig.compute_integrity_info(diff_policy=DEFAULT_DIFF_POLICY)
        result = sig.diff_result
    except Exception:  # noqa: BLE001 - the difference analysis could not read the later revisions
        result = None
    if (isinstance(result, DiffResult) and result.modification_level <= ModificationLevel.FORM_FILLING
            and result.changed_form_fields <= signature_fields):
        return None
    return "Tệp đã bị sửa sau chữ ký này (không chỉ thêm chữ ký số sau): chữ ký không còn giá trị với nội dung hiện tại."


def make_personal_pkcs12(full_name: str, passphrase: bytes, *, authority: tuple[bytes, bytes] | None = None,
                         organisation: str | None = None, days: int = 1095,
                         valid_from: datetime.datetime | None = None) -> bytes:
    """A test/demo signing certificate for a person (CN the full name, O the organisation when
    given), issued by ``authority`` — pass the local authority of the office's certificate so
    that one trust root checks both signatures. ``valid_from`` makes an expired one."""
    name = " ".join(full_name.split())[:64]  # X.509 upper bound for CN and O
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, name))
    return make_office_pkcs12(name, passphrase, authority=authority, days=days, valid_from=valid_from,
                              subject=x509.Name(attributes))


__all__ = ["CertificateError", "Identity", "SignatureCheck", "check_signatures", "make_personal_pkcs12",
           "sign_organisation", "sign_personal", "stamp_line", "stamp_pdf"]
