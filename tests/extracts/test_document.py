"""The extract PDF (docsvc/extracts/document.py), parsed back: every label and value comes out
of pypdf and pdftotext in NFC and in reading order, the fonts are embedded, the QR code decodes
to the verification address, nothing is drawn off the page, long entries continue on a second
page, and equal content gives equal bytes.

Bad inputs tried: values with every tone-marked vowel and Đ/đ, the same values decomposed
(NFD), values that wrap over several lines, a 300-character value without a space (must be
cut, not run off the page), an entry long enough for two and more pages, a long place of
issue, signer title and office name, no notes, an unknown kind."""

from __future__ import annotations

import dataclasses
import datetime
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pypdfium2 as pdfium
import pytest
import zxingcpp

from reportlab.lib.units import mm

from docsvc.extracts.document import BOTTOM, LEFT, PAGE_H, PAGE_W, RIGHT, TITLES, TOP, render_extract
from tests.extracts import samples


@pytest.fixture(scope="module")
def one_page() -> bytes:
    return render_extract(samples.content())


@pytest.fixture(scope="module")
def long_entry():
    unbroken = "Q" * 40 + "UỲNH" * 65   # no space to break at
    fields = samples.FIELDS + tuple((f"{label} (bản ghi thứ {i})", value)
                                    for i in range(2, 4) for label, value in samples.FIELDS)
    fields += (("Mã lưu trữ", unbroken),)
    content = samples.content(fields=fields, place="Phường Trần Hưng Đạo, thành phố Quảng Ngãi, tỉnh Quảng Ngãi",
                              signer_title=("TM. ỦY BAN NHÂN DÂN PHƯỜNG TRẦN HƯNG ĐẠO", "KT. CHỦ TỊCH",
                                            "PHÓ CHỦ TỊCH"),
                              office_lines=("ỦY BAN NHÂN DÂN THÀNH PHỐ QUẢNG NGÃI",
                                            "ỦY BAN NHÂN DÂN PHƯỜNG TRẦN HƯNG ĐẠO"))
    return content, render_extract(content)


def _expected_phrases(content) -> list[str]:
    phrases = [f"{label}: {value}" for label, value in content.fields]
    phrases += [content.registration, *content.notes, *content.office_lines, f"Số: {content.number}",
                TITLES[content.kind], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                "Xã Quỳnh Hậu, ngày 05 tháng 03 năm 2026", *content.signer_title, content.signer_name,
                "Kiểm tra bản sao tại:", content.verify_url]
    return phrases


def test_the_sample_covers_every_tone_mark():
    """Guard on the test data itself: the values use every letter the brief lists."""
    text = " ".join(v for _, v in samples.FIELDS) + " ".join(samples.NOTES)
    assert set(samples.TONE_LETTERS) <= set(text), set(samples.TONE_LETTERS) - set(text)


def test_pypdf_gives_back_every_label_and_value_in_order(one_page):
    assert samples.page_count(one_page) == 1
    raw = samples.pypdf_text(one_page)
    assert samples.is_nfc(raw)
    text = samples.flat(raw)
    for phrase in _expected_phrases(samples.content()):
        assert phrase in text, phrase
    # reading order: the fields come in the form's order, then the registration, then notes
    positions = [text.index(f"{label}: {value}") for label, value in samples.FIELDS]
    assert positions == sorted(positions)
    assert positions[-1] < text.index(samples.REGISTRATION) < text.index(samples.NOTES[0])


def test_pdftotext_gives_back_every_label_and_value(one_page):
    """poppler-utils is one of the system packages `make` installs (Makefile APT_PACKAGES):
    its absence is a failure here, not a skip."""
    assert samples.PDFTOTEXT is not None, "pdftotext missing: run make setup (poppler-utils)"
    raw = samples.pdftotext_text(one_page)
    assert samples.is_nfc(raw)
    text = samples.flat(raw)
    for label, value in samples.FIELDS:
        assert f"{label}: {value}" in text, label
    for phrase in (samples.REGISTRATION, *samples.NOTES, samples.VERIFY_URL):
        assert phrase in text, phrase


def test_pdfium_copy_paste_gives_back_every_label_and_value(one_page):
    """PDFium (Chromium's PDF viewer) is what an officer copies text from; it must agree."""
    document = pdfium.PdfDocument(one_page)
    try:
        textpage = document[0].get_textpage()
        raw = textpage.get_text_range()
        textpage.close()
    finally:
        document.close()
    assert samples.is_nfc(raw)
    text = samples.flat(raw)
    for label, value in samples.FIELDS:
        assert f"{label}: {value}" in text, label
    for phrase in (samples.REGISTRATION, *samples.NOTES, samples.VERIFY_URL):
        assert phrase in text, phrase


def test_decomposed_input_prints_as_composed(one_page):
    """NFD text (some keyboards, files from other systems) gives the very same PDF."""
    content = samples.content()
    nfd = dataclasses.replace(
        content, fields=tuple((unicodedata.normalize("NFD", k), unicodedata.normalize("NFD", v))
                              for k, v in content.fields),
        notes=tuple(unicodedata.normalize("NFD", n) for n in content.notes),
        signer_name=unicodedata.normalize("NFD", content.signer_name))
    assert nfd.fields != content.fields
    assert render_extract(nfd) == one_page


def test_fonts_are_embedded_subsets_of_liberation_serif(one_page):
    fonts = samples.embedded_font_files(one_page)
    assert fonts and all(fonts.values()), fonts
    assert all("LiberationSerif" in name for name in fonts), fonts
    assert len({name.split("+")[-1] for name in fonts}) == 3   # regular, bold, italic


def test_qr_code_decodes_to_the_verification_address(one_page):
    document = pdfium.PdfDocument(one_page)
    try:
        image = document[0].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    found = zxingcpp.read_barcodes(image)
    assert [(b.format, b.text) for b in found] == [(zxingcpp.BarcodeFormat.QRCode, samples.VERIFY_URL)]


def test_a_long_entry_continues_on_further_pages_and_stays_on_the_page(long_entry):
    content, pdf = long_entry
    document = pdfium.PdfDocument(pdf)
    try:
        assert len(document) >= 2
        for page in document:
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                left, bottom, right, top = textpage.get_charbox(i)
                if right > left:  # spaces and line breaks have no box
                    assert LEFT - 10 * mm - 1 < left and right < PAGE_W - RIGHT + 1, (i, left, right)
                    assert BOTTOM / 3 < bottom and top < PAGE_H - TOP / 2, (i, bottom, top)
            textpage.close()
        last = document[len(document) - 1].render(scale=200 / 72).to_pil()
        assert [b.text for b in zxingcpp.read_barcodes(last)] == [samples.VERIFY_URL]
    finally:
        document.close()
    raw = samples.pypdf_text(pdf)
    assert f"Trang 1/{raw.count('Trang ')}" in raw
    text = samples.flat(raw)
    for phrase in _expected_phrases(content)[:-1]:  # the long unbroken code is cut into lines
        if "UỲNHUỲNH" not in phrase and "ngày 05 tháng 03" not in phrase:
            assert phrase in text, phrase
    assert f"{content.place}, ngày 05 tháng 03 năm 2026" in text
    assert content.fields[-1][1] in "".join(text.split())


def test_without_notes_the_notes_say_none():
    text = samples.flat(samples.pypdf_text(render_extract(samples.content(notes=()))))
    assert "Ghi chú: Không có" in text


def test_date_of_issue_has_two_digit_day_and_month_and_other_kinds_have_their_titles():
    content = samples.content(kind="death", number="470/2025/TLKT-BS", issued_on=datetime.date(2025, 11, 9),
                              signer_title=("CHỦ TỊCH",))
    text = samples.flat(samples.pypdf_text(render_extract(content)))
    assert "Xã Quỳnh Hậu, ngày 09 tháng 11 năm 2025" in text
    assert "TRÍCH LỤC KHAI TỬ (BẢN SAO)" in text and "Số: 470/2025/TLKT-BS" in text
    marriage = samples.flat(samples.pypdf_text(render_extract(samples.content(kind="marriage"))))
    assert "TRÍCH LỤC KẾT HÔN (BẢN SAO)" in marriage


def test_equal_content_gives_equal_bytes_and_different_content_does_not(one_page):
    assert render_extract(samples.content()) == one_page
    assert render_extract(dataclasses.replace(samples.content(), number="168/TLKS-BS")) != one_page


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        render_extract(samples.content(kind="adoption"))


def test_threads_rendering_at_once_give_the_same_bytes_as_one_at_a_time():
    """A threaded server renders extracts and registers at the same time. reportlab's font
    subsetting shares one parser position per face; with the lock in fonts.py taken out this
    test failed (IndexError in makeSubset) in about half of its runs here."""
    from docsvc.extracts.register_print import RegisterRow

    contents = [dataclasses.replace(samples.content(), number=f"{i}/TLKS-BS") for i in range(12)]
    row = RegisterRow(1, "1/TLKS-BS", datetime.date(2026, 3, 5), "Đặng Thị Ngọc Huyền", "CCCD 040198012345",
                      "Trích lục khai sinh (bản sao)", "Số 112, quyển 02/1998", "Hồ Sỹ Hùng", 1, "", False)
    jobs = [(render_extract, c) for c in contents] + [(render_register_pdf_for, [row] * n) for n in (1, 30, 60)]
    expected = [fn(arg) for fn, arg in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(10):
            assert list(pool.map(lambda job: job[0](job[1]), jobs)) == expected


def render_register_pdf_for(rows):
    from docsvc.extracts.register_print import render_register_pdf
    return render_register_pdf(("UBND XÃ QUỲNH HẬU",), 2026, rows)
