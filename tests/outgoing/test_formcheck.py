"""The automatic check of form (docsvc.outgoing.formcheck) on the sample drafts
(docsvc.outgoing.drafts), real PDFs read with pypdf.

Bad inputs tried: a wrong symbol (UBND-VX for a letter drafted UBND-VP, and the symbol of
a decision for a letter), a signer block without the name, another signer expected, no
signer block at all (the name only in the body), no date line, another place, a number
under 10 without its 0, a công văn without its V/v line, no type name, no motto, no "Nơi
nhận", an abbreviated issuer name, a scan without a text layer (a rendered page saved as a
PDF with Pillow), bytes that are not a PDF. Tolerance tried: the old tone-mark placement
(Uỷ ban) against the new (Ủy ban), a lower-case type name given, a name broken over two
lines in the heading.
"""

from __future__ import annotations

import datetime
import io
import unicodedata

import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader

from docsvc.outgoing import drafts
from docsvc.outgoing.formcheck import CATALOG_EN, LABELS, FormCheck, check_form, form_passed

ISSUER = "Ủy ban nhân dân xã Tân Phú"
DECISION = dict(doc_type="Quyết định", expected_symbol="QĐ-UBND", issuer_name=ISSUER, signer_name="Nguyễn Văn An",
                place="Tân Phú")
LETTER = dict(DECISION, doc_type="Công văn", expected_symbol="UBND-VP")


def failed(checks: list[FormCheck]) -> dict[str, str]:
    return {check.code: check.detail for check in checks if not check.ok}


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_sample_decision_and_letter_pass_every_check():
    decision = check_form(drafts.decision_pdf(), **DECISION)
    letter = check_form(drafts.letter_pdf(), **LETTER)
    assert [c.code for c in decision] == ["national_heading", "issuer", "number_symbol", "place_date", "type_name",
                                          "signer", "recipients"]
    assert failed(decision) == {} and failed(letter) == {}
    assert form_passed(decision) and form_passed(letter)
    assert all(c.label == LABELS[c.code] and c.label in CATALOG_EN for c in decision + letter)
    details = {c.code: c.detail for c in letter}
    assert details["abstract"] == "Có trích yếu «V/v đề nghị cung cấp danh sách sổ hộ tịch cần số hóa»."
    assert details["signer"] == "Có chức vụ «TM. ỦY BAN NHÂN DÂN CHỦ TỊCH» và họ tên người ký «Nguyễn Văn An»."
    assert "số sẽ được cấp khi vào sổ" in details["number_symbol"]


def test_a_numbered_and_dated_draft_passes_and_says_what_it_read():
    pdf = drafts.decision_pdf(number="05", issued_on=datetime.date(2026, 3, 5), signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                              signer_name="Trần Văn Bình")
    checks = check_form(pdf, **dict(DECISION, signer_name="Trần Văn Bình"))
    details = {c.code: c.detail for c in checks}
    assert form_passed(checks)
    assert details["number_symbol"] == "Có số, ký hiệu «05/QĐ-UBND»."
    assert details["place_date"] == "Có dòng «Tân Phú, ngày 05 tháng 3 năm 2026»."
    assert details["signer"] == "Có chức vụ «KT. CHỦ TỊCH PHÓ CHỦ TỊCH» và họ tên người ký «Trần Văn Bình»."


def test_a_wrong_symbol_fails_saying_which_symbol_was_found():
    assert failed(check_form(drafts.letter_pdf(), **dict(LETTER, expected_symbol="UBND-VX"))) == {
        "number_symbol": "Ký hiệu trên văn bản là «UBND-VP», phải là «UBND-VX»."}
    assert failed(check_form(drafts.letter_pdf(), **dict(LETTER, expected_symbol="QĐ-UBND"))) == {
        "number_symbol": "Ký hiệu trên văn bản là «UBND-VP», phải là «QĐ-UBND»."}


def test_a_number_under_ten_needs_its_zero():
    assert failed(check_form(drafts.decision_pdf(number="5"), **DECISION)) == {
        "number_symbol": "Số nhỏ hơn 10 phải có số 0 phía trước: «05», không phải «5»."}


def test_a_missing_or_different_signer_name_fails():
    assert failed(check_form(drafts.decision_pdf(omit=["signer_name"]), **DECISION)) == {
        "signer": "Không thấy họ tên người ký «Nguyễn Văn An» dưới dòng chức vụ «CHỦ TỊCH»."}
    assert failed(check_form(drafts.decision_pdf(), **dict(DECISION, signer_name="Trần Văn Bình"))) == {
        "signer": "Không thấy họ tên người ký «Trần Văn Bình» dưới dòng chức vụ «CHỦ TỊCH»."}
    # Trần Văn Bình is named in Điều 1, but there is no signer block: that is no signature.
    no_block = check_form(drafts.decision_pdf(omit=["signer_title", "signer_name"]),
                          **dict(DECISION, signer_name="Trần Văn Bình"))
    assert set(failed(no_block)) == {"signer"}
    assert failed(no_block)["signer"].startswith("Không thấy khối chữ ký")


def test_without_an_intended_signer_the_title_line_is_checked_alone():
    checks = check_form(drafts.decision_pdf(), **dict(DECISION, signer_name=None))
    assert form_passed(checks)
    assert "chưa có người ký dự kiến" in {c.code: c.detail for c in checks}["signer"]


def test_a_missing_date_line_or_another_place_fails():
    assert failed(check_form(drafts.decision_pdf(omit=["date_line"]), **DECISION)) == {
        "place_date": "Không thấy dòng địa danh và ngày tháng «Tân Phú, ngày ... tháng ... năm ...»."}
    assert failed(check_form(drafts.decision_pdf(place="Phú Lộc"), **DECISION)) == {
        "place_date": "Địa danh trên văn bản là «Phú Lộc», phải là «Tân Phú»."}
    assert form_passed(check_form(drafts.decision_pdf(place="Phú Lộc"), **dict(DECISION, place=None)))


def test_a_cong_van_without_its_v_v_line_fails():
    assert failed(check_form(drafts.letter_pdf(omit=["abstract"]), **LETTER)) == {
        "abstract": "Công văn thiếu dòng trích yếu «V/v ...» dưới số, ký hiệu."}


def test_missing_type_name_motto_and_recipients_each_fail_with_their_code():
    checks = check_form(drafts.decision_pdf(omit=["type_name", "motto", "recipients"]), **DECISION)
    assert set(failed(checks)) == {"type_name", "national_heading", "recipients"}
    assert failed(checks)["national_heading"] == "Thiếu tiêu ngữ «Độc lập - Tự do - Hạnh phúc» ở đầu văn bản."
    assert not form_passed(checks)


def test_the_issuer_name_must_be_written_in_full():
    assert failed(check_form(drafts.letter_pdf(issuer_name="UBND xã Tân Phú"), **LETTER)) == {
        "issuer": "Tên cơ quan ban hành phải viết đầy đủ «Ủy ban nhân dân xã Tân Phú», không viết tắt «UBND xã Tân Phú»."}
    assert set(failed(check_form(drafts.letter_pdf(issuer_name="Ủy ban nhân dân xã Phú Lộc"), **LETTER))) == {"issuer"}


def test_spelling_variants_and_spacing_are_tolerated():
    old_spelling = drafts.decision_pdf(issuer_name="Uỷ ban nhân dân xã Tân Phú")
    assert "UỶ BAN NHÂN DÂN" in text_of(old_spelling)
    assert form_passed(check_form(old_spelling, **DECISION))
    assert form_passed(check_form(drafts.decision_pdf(), **dict(DECISION, doc_type="quyết  định",
                                                                 issuer_name=" Ủy ban nhân dân\nxã Tân Phú ")))
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert form_passed(check_form(drafts.decision_pdf(), **dict(DECISION, signer_name=decomposed)))


def test_a_scan_without_text_is_one_failed_check_to_do_by_eye():
    page = pypdfium2.PdfDocument(drafts.decision_pdf())[0].render(scale=100 / 72).to_pil()
    png = io.BytesIO()
    page.save(png, "PNG")
    scan = io.BytesIO()
    Image.open(io.BytesIO(png.getvalue())).convert("RGB").save(scan, "PDF", resolution=100)
    checks = check_form(scan.getvalue(), **DECISION)
    assert checks == [FormCheck("no_text", "Lớp chữ của văn bản", False,
                                "Văn bản không có lớp chữ (bản quét): phải kiểm tra thể thức bằng mắt.")]
    assert not form_passed(checks)


def test_bytes_that_are_not_a_pdf_are_unreadable_and_no_checks_do_not_pass():
    assert [c.code for c in check_form(b"PK\x03\x04 not a pdf", **DECISION)] == ["unreadable"]
    assert not form_passed([])


def test_a_revision_note_makes_version_two_differ():
    first, second = drafts.decision_pdf(), drafts.decision_pdf(revision_note="Thời hạn hoàn thành việc rà soát: "
                                                                             "trước ngày 30 tháng 6 năm 2026.")
    assert first != second
    assert "Thời hạn hoàn thành việc rà soát: trước ngày 30 tháng 6 năm 2026." in text_of(second)
    assert "Thời hạn hoàn thành" not in text_of(first)
    assert form_passed(check_form(second, **DECISION))
    long_note = " ".join(["Tổ công tác lập sổ theo dõi tiến độ số hóa từng quyển sổ, ghi rõ ngày quét, người nhập và "
                          "kết quả đối chiếu."] * 14)
    two_pages = drafts.decision_pdf(revision_note=long_note)
    assert len(PdfReader(io.BytesIO(two_pages)).pages) == 2  # the signer block on page 2
    assert form_passed(check_form(two_pages, **DECISION))
    letter = text_of(drafts.letter_pdf(recipients=["Sở Tư pháp tỉnh Đồng Nai", "Trung tâm Lưu trữ lịch sử tỉnh"]))
    assert "Kính gửi: - Sở Tư pháp tỉnh Đồng Nai; - Trung tâm Lưu trữ lịch sử tỉnh." in letter


def test_unknown_parts_to_leave_out_are_refused():
    with pytest.raises(ValueError):
        drafts.letter_pdf(omit=["seal"])
