"""The printed extract register (docsvc/extracts/register_print.py), read back: the PDF text
(pypdf) and the XLSX cells (openpyxl) hold every header and every row; a revoked extract keeps
its row and number with "ĐÃ THU HỒI: <reason>"; pages say "Trang x/y" and repeat the header.

Bad inputs tried: an empty year, decomposed (NFD) text, a revoked row, enough rows for several pages, a row with notes
longer than a page, text with every tone mark and characters that are markup (&, <, >)."""

from __future__ import annotations

import datetime
import io
import unicodedata

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from docsvc.extracts.register_print import COLUMNS, RegisterRow, render_register_pdf, render_register_xlsx
from tests.extracts import samples

OFFICE = ("UBND HUYỆN QUỲNH LƯU", "UBND XÃ QUỲNH HẬU")
REQUESTERS = ("Đặng Thị Ngọc Huyền", "Phạm Văn Thẳng", "Lưu Thị Thẫm", "Nguyễn Thị Mỵ", "Hoàng Kỷ",
              "Lữ Văn Tự", "Đỗ Thu Hằng", "Trương Quỳnh Hậu & <con>")


def _rows(n: int) -> list[RegisterRow]:
    rows = []
    for i in range(1, n + 1):
        rows.append(RegisterRow(
            seq=i, number=f"{i}/TLKS-BS", issued_on=datetime.date(2026, 1 + i % 12, 1 + i % 27),
            requester=f"{REQUESTERS[i % len(REQUESTERS)]} {i}",
            id_paper=f"CCCD {40198000000 + i:012d}, cấp ngày 12/06/2021",
            kind_label="Trích lục khai sinh (bản sao)", entry_ref=f"Số {100 + i}, quyển 02/1998",
            signer="Hồ Sỹ Hùng, Phó Chủ tịch", copies=1 + i % 3,
            notes="Sai ngày sinh, đã cấp lại số kế tiếp" if i == 3 else ("Người yêu cầu là mẹ đẻ" if i % 5 == 0 else ""),
            revoked=i == 3))
    return rows


@pytest.fixture(scope="module")
def rows():
    return _rows(40)


@pytest.fixture(scope="module")
def pdf(rows):
    return render_register_pdf(OFFICE, 2026, rows)


def _cell_texts(row: RegisterRow) -> list[str]:
    notes = f"ĐÃ THU HỒI: {row.notes}" if row.revoked else row.notes
    return [row.number, f"{row.issued_on:%d/%m/%Y}", row.requester, row.id_paper, row.kind_label,
            row.entry_ref, row.signer, notes]


def test_pdf_text_has_the_title_headers_and_every_row(pdf, rows):
    raw = samples.pypdf_text(pdf)
    assert samples.is_nfc(raw)
    text = samples.flat(raw)
    for phrase in (*OFFICE, "SỔ CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", "Năm 2026", *COLUMNS):
        assert phrase in text, phrase
    for row in rows:
        for cell in filter(None, _cell_texts(row)):
            assert cell in text, (row.seq, cell)
    assert "ĐÃ THU HỒI: Sai ngày sinh, đã cấp lại số kế tiếp" in text
    assert "3/TLKS-BS" in text  # the revoked number stays in the register


def test_pdf_pages_are_numbered_and_repeat_the_header(pdf):
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        assert f"Trang {number}/{len(pages)}" in flat
        assert "Số trích lục" in flat and "Giấy tờ tùy thân" in flat and "Ghi chú" in flat


def test_pdf_fonts_are_embedded(pdf):
    fonts = samples.embedded_font_files(pdf)
    assert fonts and all(fonts.values()), fonts
    assert all("LiberationSerif" in name for name in fonts), fonts


def test_an_empty_year_prints_none():
    for data in (render_register_pdf(OFFICE, 2025, []),):
        text = samples.flat(samples.pypdf_text(data))
        assert "Năm 2025" in text and "Không có" in text and "Trang 1/1" in samples.pypdf_text(data)
    sheet = load_workbook(io.BytesIO(render_register_xlsx(OFFICE, 2025, []))).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "Không có" in values and "Năm 2025" in values and "STT" in values


def test_a_row_longer_than_a_page_continues():
    row = _rows(1)[0]
    long = RegisterRow(**{**row.__dict__, "notes": "Ghi chú rất dài về việc đối chiếu sổ gốc. " * 300})
    data = render_register_pdf(OFFICE, 2026, [long])
    pages = samples.page_count(data)
    assert pages > 1
    # Each page break (repeated header, page number) may cut one sentence; no other is lost.
    assert samples.flat(samples.pypdf_text(data)).count("đối chiếu sổ gốc.") >= 300 - (pages - 1)


def test_xlsx_has_every_row_a_bold_frozen_header_and_real_values(rows):
    book = load_workbook(io.BytesIO(render_register_xlsx(OFFICE, 2026, rows)))
    assert len(book.worksheets) == 1
    sheet = book.active
    all_rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(all_rows) if r[0] == "STT")
    assert tuple(all_rows[header_at]) == COLUMNS
    assert all_rows[0][0] == OFFICE[0] and any("SỔ CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH" == r[0] for r in all_rows)
    header_row = header_at + 1
    assert all(sheet.cell(row=header_row, column=c).font.b for c in range(1, len(COLUMNS) + 1))
    assert sheet.freeze_panes == f"A{header_row + 1}"
    body = all_rows[header_at + 1:]
    assert len(body) == len(rows)
    for got, row in zip(body, rows):
        notes = f"ĐÃ THU HỒI: {row.notes}" if row.revoked else row.notes
        assert got[0] == row.seq and got[1] == row.number and got[3] == row.requester
        assert got[2].date() == row.issued_on  # a real date, shown as DD/MM/YYYY
        assert got[4:8] == (row.id_paper, row.kind_label, row.entry_ref, row.signer)
        assert got[8] == row.copies and (got[9] or "") == notes
    assert sheet.cell(row=header_row + 1, column=3).number_format == "DD/MM/YYYY"
    assert sheet.cell(row=header_row + 1, column=4).alignment.wrap_text
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width


def test_decomposed_text_is_printed_composed():
    row = _rows(1)[0]
    nfd = RegisterRow(**{**row.__dict__, "requester": unicodedata.normalize("NFD", "Đặng Thị Ngọc Huyền")})
    text = samples.pypdf_text(render_register_pdf(OFFICE, 2026, [nfd]))
    assert samples.is_nfc(text) and "Đặng Thị Ngọc Huyền" in samples.flat(text)
    sheet = load_workbook(io.BytesIO(render_register_xlsx(OFFICE, 2026, [nfd]))).active
    assert "Đặng Thị Ngọc Huyền" in [c for r in sheet.iter_rows(values_only=True) for c in r]
