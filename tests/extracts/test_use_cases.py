"""The extract use cases on real SQLite, the real blob store and real signatures, without HTTP.

Inputs tried: an entry only keyed (not verified), an entry of another office, a role without
the right (clerk: no personal data; leader: may look but not issue), an empty requester, 0,
51 and "ba" copies, a signer not on the list, an office without a certificate, revoking twice
and without a reason, a PDF changed by one byte, a PDF signed by another authority, codes that
are too short, made of other characters, or unknown."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import select

from archive.accounts import Unit
from archive.audit import AuditRecord
from archive.extracts import Extract
from archive.sequences import last_taken
from docsvc.civil import services as civil
from docsvc.dates import local_now
from docsvc.documents.queries import NotFound
from docsvc.extracts import services as extracts
from docsvc.extracts.signing import check_signature
from docsvc.services.audit import PermissionDenied
from tests.extracts.conftest import authority


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _year(services) -> int:
    return local_now(services.settings.time_zone).year


def test_an_extract_of_a_verified_entry_is_numbered_printed_signed_and_kept(services, office):
    entry = office.entry("Hoàng Thị Ngọc Ánh")
    issued = office.issue(entry["id"], requester="Hoàng Văn Bình", id_paper="CCCD 034080001234",
                          purpose="cha đẻ, làm hồ sơ nhập học", copies=2)
    assert issued["number"] == "1/TLKS-BS" and issued["seq"] == 1 and issued["status"] == "genuine"
    assert issued["copies"] == 2 and issued["signer"] == {"name": "Nguyễn Văn Chủ", "title": ["CHỦ TỊCH"]}
    assert issued["verify_code"] and len(issued["verify_code"]) >= 22  # 128 random bits, URL-safe
    assert issued["verify_url"] == f"http://127.0.0.1:5000/verify/{issued['verify_code']}"
    assert list(issued["timings"]) == ["check", "number", "pdf", "sign", "store", "register", "log", "commit"]
    pdf, filename = extracts.extract_pdf(services, office.p("motcua"), issued["id"])
    assert filename == "trich-luc-1-TLKS-BS.pdf"
    assert hashlib.sha256(pdf).hexdigest() == issued["pdf_sha256"]
    text = _text(pdf)
    for words in ("TRÍCH LỤC KHAI SINH (BẢN SAO)", "1/TLKS-BS", "Hoàng Thị Ngọc Ánh", "Lê Thị Bình",
                  "Trạm y tế xã A", "Kinh", "Nguyễn Văn Chủ", "CHỦ TỊCH", "quyển số 01/2024", "05/03/2024"):
        assert words in text, words
    assert issued["content"]["registration"].startswith("Đã đăng ký khai sinh tại Ủy ban nhân dân xã A, số 01")
    ca_cert, _key = authority()
    assert check_signature(pdf, [ca_cert]).valid
    other_ca, _ = authority("Một CA khác")
    assert not check_signature(pdf, [other_ca]).valid

    page = pdfium.PdfDocument(pdf)
    try:
        image = page[0].render(scale=200 / 72).to_pil()
    finally:
        page.close()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [issued["verify_url"]]  # the printed QR code

    again = office.issue(entry["id"], requester="Hoàng Văn Bình", id_paper="CCCD 034080001234")
    assert again["number"] == "2/TLKS-BS" and again["verify_code"] != issued["verify_code"]


def test_the_number_carries_the_year_when_the_office_says_so(services, office):
    extracts.configure_office(services, office.p("quantri"), "XA-A", number_with_year=True, place="Xã A")
    year = _year(services)
    issued = office.issue(office.entry()["id"])
    assert issued["number"] == f"1/{year}/TLKS-BS"
    assert f"Xã A, ngày" in _text(extracts.extract_pdf(services, office.p("motcua"), issued["id"])[0])


def test_refusals_leave_no_number_used(services, office, accounts):
    keyed = office.entry("Chưa Kiểm Tra", verified=False)
    verified = office.entry()
    with pytest.raises(extracts.ExtractConflict) as refused:
        office.issue(keyed["id"])
    assert refused.value.code == "entry_not_verified"
    for field, values in (("requester", {"requester": "  "}), ("copies", {"copies": 0}),
                          ("copies", {"copies": 51}), ("copies", {"copies": "ba"})):
        with pytest.raises(extracts.ExtractInvalid) as bad:
            office.issue(verified["id"], **values)
        assert bad.value.field == field
    with pytest.raises(extracts.ExtractConflict) as unknown:
        office.issue(verified["id"], signer="hotich")
    assert unknown.value.code == "unknown_signer"
    with pytest.raises(extracts.ExtractNotFound):
        office.issue(verified["id"], who="hotichb")       # another office: the entry does not exist
    with pytest.raises(NotFound):
        office.issue(verified["id"], who="vanthu")        # no right to personal data: nothing exists
    with pytest.raises(PermissionDenied):
        office.issue(verified["id"], who="chutich")       # may look at extracts, not issue them
    with office.services.session_factory() as db:
        unit_id = db.scalar(select(Unit.id).where(Unit.code == "XA-A"))
        assert last_taken(db, "extract", unit_id, _year(services)) == 0
        assert db.scalar(select(Extract.id)) is None
    assert office.issue(verified["id"])["number"] == "1/TLKS-BS"


def test_an_office_without_certificate_or_signers_is_told_what_is_missing(services, accounts):
    from tests.extracts.conftest import Office

    office = Office(services, accounts)
    book_b = civil.add_book(services, office.p("hotichb"), office_code="XA-B", kind="death", year_from=2024,
                            label="01/2024")
    accounts.user("hotichb2", "civil_status", unit="XA-B", full_name="Mai Văn Hai")
    accounts.user("quantrib", "admin", unit="XA-B", full_name="Quản Trị B")
    admin_b = accounts.principal("quantrib")
    with pytest.raises(extracts.ExtractNotFound):  # XA-A's administrator does not configure XA-B
        extracts.set_signer(services, office.p("quantri"), "XA-B", username="hotichb2", title="CHỦ TỊCH")
    entry = civil.create_entry(services, office.p("hotichb"), book_b["id"],
                               {"full_name": "Lý Văn Tử", "registered_on": "2024-06-01", "date_of_death": "30/05/2024"})
    entry = civil.verify_entry(services, accounts.principal("hotichb2"), entry["id"])
    request = extracts.IssueRequest.parse("Lý Thị Con", "CCCD 1")
    with pytest.raises(extracts.ExtractConflict) as no_signer:
        extracts.issue_extract(services, office.p("hotichb"), entry["id"], request)
    assert no_signer.value.code == "no_signer"
    extracts.set_signer(services, admin_b, "XA-B", username="hotichb2", title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    with pytest.raises(extracts.ExtractConflict) as no_cert:
        extracts.issue_extract(services, office.p("hotichb"), entry["id"], request)
    assert no_cert.value.code == "no_certificate"
    with pytest.raises(extracts.ExtractInvalid):
        extracts.install_certificate(services, admin_b, "XA-B", p12=b"not a pkcs12", passphrase="x")
    with pytest.raises(extracts.ExtractInvalid):
        extracts.install_certificate(services, admin_b, "XA-B", p12=_p12_b(), passphrase="wrong")
    extracts.install_certificate(services, admin_b, "XA-B", p12=_p12_b(), passphrase=b"b-pass")
    issued = extracts.issue_extract(services, office.p("hotichb"), entry["id"], request)
    assert issued["number"] == "1/TLKT-BS" and issued["signer"]["title"] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    key_files = list(services.settings.resolved_key_dir.iterdir())
    assert key_files and all(f.stat().st_mode & 0o077 == 0 for f in key_files)


def _p12_b() -> bytes:
    from docsvc.extracts.signing import make_office_pkcs12

    return make_office_pkcs12("UBND xã B", b"b-pass", authority=authority())


def test_revoked_extract_keeps_its_number_and_verifies_as_revoked(services, office):
    first = office.issue(office.entry()["id"])
    with pytest.raises(extracts.ExtractInvalid):
        extracts.revoke_extract(services, office.p("hotich"), first["id"], reason=" ")
    with pytest.raises(PermissionDenied):
        extracts.revoke_extract(services, office.p("motcua"), first["id"], reason="Sai tên")
    revoked = extracts.revoke_extract(services, office.p("hotich"), first["id"], reason="Ghi sai tên người yêu cầu")
    assert revoked["status"] == "revoked" and revoked["revocation"]["reason"] == "Ghi sai tên người yêu cầu"
    with pytest.raises(extracts.ExtractConflict) as twice:
        extracts.revoke_extract(services, office.p("hotich"), first["id"], reason="Lần nữa")
    assert twice.value.code == "already_revoked"
    public = extracts.verify_public(services, first["verify_code"])
    assert public["status"] == "revoked" and public["number"] == "1/TLKS-BS"
    second = office.issue(office.entry("Trần Văn Hai")["id"])
    assert second["number"] == "2/TLKS-BS"
    _heading, rows = extracts.register_rows(services, office.p("hotich"), year=_year(services))
    assert [(r["seq"], r["number"], r["revoked"]) for r in rows] == [(1, "1/TLKS-BS", True), (2, "2/TLKS-BS", False)]
    assert "ĐÃ THU HỒI: Ghi sai tên người yêu cầu" in rows[0]["notes"]


def test_the_public_answer_tells_nothing_of_the_person(services, office):
    entry = office.entry("Vũ Thị Quỳnh Như", date_of_birth="17/08/2024", personal_id="001324000777",
                         mother_residence="12 Hàng Bông, Hà Nội", father_name="Vũ Văn Khải")
    issued = office.issue(entry["id"], requester="Vũ Văn Khải", id_paper="CCCD 001080009999")
    public = extracts.verify_public(services, issued["verify_code"])
    assert public == {"status": "genuine", "office": "Ủy ban nhân dân xã A", "number": "1/TLKS-BS",
                      "issued_on": issued["issued_on"], "kind": "birth", "kind_label": "Trích lục khai sinh",
                      "holder_initials": "V.T.Q.N.", "revoked_on": None}
    said = repr(public)
    for personal in ("Vũ Thị Quỳnh Như", "Quỳnh", "17/08/2024", "2024-08-17", "001324000777", "Hàng Bông",
                     "Vũ Văn Khải", "001080009999", "Kinh", "Lê Thị Bình"):
        assert personal not in said
    for code in ("", "short", "x" * 22 + "!", issued["verify_code"][:-1] + ("A" if issued["verify_code"][-1] != "A" else "B")):
        assert extracts.verify_public(services, code) is None


def test_the_file_check_matches_only_the_issued_bytes(services, office):
    issued = office.issue(office.entry()["id"])
    pdf, _ = extracts.extract_pdf(services, office.p("motcua"), issued["id"])
    assert extracts.verify_file(services, issued["verify_code"], pdf)["match"] is True
    assert extracts.verify_file(services, issued["verify_code"], pdf)["signature_valid"] is True
    changed = bytearray(pdf)
    at = pdf.index(b"/Contents") - 40  # inside the signed range, before the signature
    changed[at] = changed[at] ^ 0x01
    answer = extracts.verify_file(services, issued["verify_code"], bytes(changed))
    assert answer["match"] is False and answer["signature_valid"] is False
    assert extracts.verify_file(services, issued["verify_code"], b"%PDF-1.7 garbage")["match"] is False
    assert extracts.verify_file(services, "nope", pdf) is None


def test_issuing_viewing_and_downloading_are_in_the_personal_data_log(services, office):
    issued = office.issue(office.entry("Đinh Công Tráng")["id"], requester="Đinh Thị Lan", id_paper="CCCD 9")
    extracts.get_extract(services, office.p("hotich"), issued["id"])
    extracts.extract_pdf(services, office.p("motcua"), issued["id"])
    extracts.list_extracts(services, office.p("motcua"), day=date.fromisoformat(issued["issued_on"]))
    with services.session_factory() as db:
        rows = db.scalars(select(AuditRecord).where(AuditRecord.action == "person.read",
                                                    AuditRecord.object_type == "extract")
                          .order_by(AuditRecord.seq)).all()
    seen = [(r.actor, r.details["what"], r.details["purpose"]) for r in rows]
    assert seen == [("motcua", "extract_issue", "extract_request"), ("hotich", "extract", "extract_request"),
                    ("motcua", "extract_pdf", "extract_request"), ("motcua", "extracts", "extract_request")]
    assert rows[0].details["person"] == "Đinh Công Tráng" and rows[0].details["requester"] == "Đinh Thị Lan"


def test_a_correction_after_verification_is_in_the_notes(services, office):
    entry = office.entry("Lò Văn Sáng")
    civil.update_entry(services, office.p("hotich"), entry["id"], fields={"full_name": "Lò Văn Sang"},
                       reason="Sai dấu thanh khi ghi sổ", legal_basis="Quyết định số 12/QĐ-UBND",
                       legal_basis_date="2025-02-03")
    issued = office.issue(entry["id"])
    notes = " ".join(issued["content"]["notes"])
    assert "cải chính" in notes and "“Lò Văn Sáng” thành “Lò Văn Sang”" in notes and "12/QĐ-UBND" in notes
    assert "Lò Văn Sang" in _text(extracts.extract_pdf(services, office.p("motcua"), issued["id"])[0])
