"""The two signatures of an outgoing document (docsvc.outgoing.signing) on real PDFs, with
real certificates of a local authority, checked by pyHanko.

Checked: a decision signed by the leader then by the organisation carries both signatures,
in that order, each intact and trusted by the local authority; the organisation's update
kept the leader's revision byte for byte and pyHanko's own difference analysis calls what
it added form filling; the stamp reads "Số: 05/QĐ-UBND — ngày 05 tháng 01 năm 2026" in the
signature's appearance on page 1 while the page's own text is unchanged.
Bad inputs tried: a figure changed in the page content after both signatures (both broken);
a new page content stream added in a third incremental update (the leader's signature no
longer holds, the organisation's no longer covers the file); trust roots of another
authority (intact but not trusted); an unsigned PDF, garbage bytes and a truncated signed
file (no signature or nothing readable)."""

from __future__ import annotations

import datetime
import functools
import io

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from docsvc.extracts.fonts import register_fonts
from docsvc.extracts.signing import load_identity, make_local_authority, make_office_pkcs12
from docsvc.outgoing.signing import (
    ORGANISATION_FIELD,
    PERSONAL_FIELD,
    check_signatures,
    make_personal_pkcs12,
    sign_organisation,
    sign_personal,
    stamp_line,
)

PASS = b"mat-khau"
STAMP = "Số: 05/QĐ-UBND — ngày 05 tháng 01 năm 2026"


@functools.lru_cache(maxsize=None)
def _ca() -> tuple[bytes, bytes]:
    return make_local_authority("CA thử nghiệm của tỉnh")


@functools.lru_cache(maxsize=None)
def _identities():
    office = load_identity(make_office_pkcs12("UBND xã Tân Phú", PASS, authority=_ca()), PASS)
    person = load_identity(make_personal_pkcs12("Trần Văn Lãnh", PASS, authority=_ca(), organisation="UBND xã Tân Phú"),
                           PASS)
    return office, person


def decision_pdf() -> bytes:
    """A two-page decision, uncompressed so that a test can change a figure in place."""
    regular, bold, _ = register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pageCompression=0, invariant=1)
    pdf.setFont(bold, 13)
    pdf.drawString(72, 760, "QUYẾT ĐỊNH về việc phê duyệt kế hoạch năm 2026")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 730, "Tong kinh phi: 100 trieu dong")
    pdf.showPage()
    pdf.setFont(regular, 12)
    pdf.drawString(72, 760, "Nơi nhận: Ủy ban nhân dân xã Bình Mỹ")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def signed():
    office, person = _identities()
    original = decision_pdf()
    leader = sign_personal(original, person, signer_name="Trần Văn Lãnh")
    both = sign_organisation(leader, office, number_symbol="05/QĐ-UBND", issued_on=datetime.date(2026, 1, 5),
                             place="Tân Phú")
    return original, leader, both


def _stamp_text(pdf: bytes) -> str:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    texts = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if annot.get("/FT") == "/Sig" and "/AP" in annot:
            texts.append(page.extract_xform_text(annot["/AP"]["/N"].get_object()))
    return "\n".join(texts)


def test_leader_then_organisation_both_valid_and_trusted(signed):
    original, leader, both = signed
    checks = check_signatures(both, [_ca()[0]])
    assert [(c.signer, c.intact, c.trusted, c.valid, c.problem) for c in checks] == [
        ("Trần Văn Lãnh, UBND xã Tân Phú", True, True, True, None),
        ("UBND xã Tân Phú", True, True, True, None)]
    assert checks[0].reason == "Phê duyệt, ký ban hành: Trần Văn Lãnh"
    assert checks[1].reason.endswith(STAMP)
    # the leader's signed file alone: one signature, valid
    assert [(c.signer, c.valid) for c in check_signatures(leader, [_ca()[0]])] == [("Trần Văn Lãnh, UBND xã Tân Phú", True)]


def test_the_organisation_update_did_not_touch_the_leaders_revision(signed):
    """pyHanko's own validation: the first signature covers its revision, and what came
    after it is form filling (a signature field) only."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext
    from asn1crypto import pem, x509

    original, leader, both = signed
    assert both.startswith(leader) and leader.startswith(original)
    root = x509.Certificate.load(pem.unarmor(_ca()[0])[2])
    reader = PdfFileReader(io.BytesIO(both))
    first, second = reader.embedded_signatures
    assert (first.field_name, second.field_name) == (PERSONAL_FIELD, ORGANISATION_FIELD)
    status = validate_pdf_signature(first, ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.intact and status.valid and status.trusted and status.docmdp_ok
    assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert status.modification_level == ModificationLevel.FORM_FILLING
    status = validate_pdf_signature(second, ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_the_stamp_is_on_page_one_and_the_page_text_is_unchanged(signed):
    original, leader, both = signed
    assert STAMP in _stamp_text(both)
    assert "UBND xã Tân Phú" in _stamp_text(both) and "Tân Phú — ký số lúc " in _stamp_text(both)
    before, after = PdfReader(io.BytesIO(original)), PdfReader(io.BytesIO(both))
    assert [p.extract_text() for p in after.pages] == [p.extract_text() for p in before.pages]
    assert "QUYẾT ĐỊNH về việc phê duyệt kế hoạch năm 2026" in after.pages[0].extract_text()
    page = after.pages[0]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/T") == ORGANISATION_FIELD)
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 > x1 and y2 > y1 and y2 <= float(page.mediabox.top) and x2 <= float(page.mediabox.right)
    assert y1 > float(page.mediabox.top) / 2  # top of the page, where the date line is
    assert _stamp_text(leader) == ""  # the leader's signature is invisible


def test_stamp_line_pads_day_and_month():
    assert stamp_line("05/QĐ-UBND", datetime.date(2026, 1, 5)) == STAMP
    assert stamp_line("12/UBND-VP", datetime.date(2026, 11, 20)) == "Số: 12/UBND-VP — ngày 20 tháng 11 năm 2026"


def test_a_figure_changed_after_signing_breaks_both(signed):
    original, leader, both = signed
    assert both.count(b"Tong kinh phi: 100") == 1
    tampered = both.replace(b"Tong kinh phi: 100", b"Tong kinh phi: 900")
    checks = check_signatures(tampered, [_ca()[0]])
    assert [(c.intact, c.valid) for c in checks] == [(False, False), (False, False)]
    assert all("thay đổi sau khi ký" in c.problem for c in checks)


def test_content_added_in_a_later_update_is_detected(signed):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    original, leader, both = signed
    writer = IncrementalPdfFileWriter(io.BytesIO(both))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 300 Td (DA HUY) Tj ET")
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    contents = page["/Contents"]
    page["/Contents"] = generic.ArrayObject([contents, writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    checks = check_signatures(out.getvalue(), [_ca()[0]])
    assert [(c.intact, c.trusted, c.valid) for c in checks] == [(True, True, False), (True, True, False)]
    assert "sửa sau chữ ký này" in checks[0].problem and "sửa sau chữ ký này" in checks[1].problem


def test_another_authority_is_not_trusted(signed):
    other = make_local_authority("CA khác")[0]
    checks = check_signatures(signed[2], [other])
    assert [(c.intact, c.trusted, c.valid) for c in checks] == [(True, False, False), (True, False, False)]


def test_unsigned_garbage_and_truncated_files():
    original = decision_pdf()
    assert check_signatures(original, [_ca()[0]]) == []
    assert check_signatures(b"not a pdf at all", [_ca()[0]]) == []
    office, person = _identities()
    leader = sign_personal(original, person, signer_name="Trần Văn Lãnh")
    cut = check_signatures(leader[: len(leader) - 200], [_ca()[0]])
    assert all(not c.valid for c in cut)


def test_the_stamp_carries_the_signing_time_in_vietnam_time():
    office, person = _identities()
    at = datetime.datetime(2026, 1, 5, 2, 30, tzinfo=datetime.timezone.utc)
    both = sign_organisation(sign_personal(decision_pdf(), person, signer_name="Trần Văn Lãnh"), office,
                             number_symbol="12/UBND-VP", issued_on=datetime.date(2026, 1, 5), place="Xã Tân Phú",
                             signed_at=at)
    text = _stamp_text(both)
    assert "Số: 12/UBND-VP — ngày 05 tháng 01 năm 2026" in text
    assert "Xã Tân Phú — ký số lúc 2026-01-05T09:30:00+07:00" in text
