"""The extract register (sổ cấp bản sao trích lục) of one office and one year, printable as
an A4 landscape PDF (header row repeated on every page, "Trang x/y") and as an XLSX sheet.

Pure: rows come in as plain values. A revoked extract keeps its row and its number; its
notes column says "ĐÃ THU HỒI: <reason>"."""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from docsvc.extracts.fonts import RENDER_LOCK, register_fonts

TITLE = "SỔ CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH"
COLUMNS = ("STT", "Số trích lục", "Ngày cấp", "Họ tên người yêu cầu", "Giấy tờ tùy thân",
           "Loại bản sao", "Mục đăng ký (số, quyển)", "Người ký", "Số bản", "Ghi chú")
WIDTHS_MM = (11, 28, 20, 38, 34, 28, 34, 31, 13, 30)   # 267 mm: A4 landscape less 15 mm margins
XLSX_WIDTHS = (6, 18, 12, 28, 24, 22, 24, 22, 8, 30)
NOTHING = "Không có"
REVOKED = "ĐÃ THU HỒI"


@dataclass(frozen=True)
class RegisterRow:
    seq: int
    number: str
    issued_on: datetime.date
    requester: str
    id_paper: str
    kind_label: str
    entry_ref: str
    signer: str
    copies: int
    notes: str                     # for a revoked extract: the reason of the revocation
    revoked: bool


def row_notes(row: RegisterRow) -> str:
    """The notes column: ``ĐÃ THU HỒI: <reason>`` for a revoked extract."""
    if row.revoked:
        return f"{REVOKED}: {row.notes}" if row.notes else REVOKED
    return row.notes


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _cells(row: RegisterRow) -> tuple[str, ...]:
    return tuple(_nfc(c) for c in (str(row.seq), row.number, f"{row.issued_on:%d/%m/%Y}", row.requester,
                                   row.id_paper, row.kind_label, row.entry_ref, row.signer, str(row.copies),
                                   row_notes(row)))


def _title_lines(year: int) -> tuple[str, str]:
    return TITLE, f"Năm {year}"


class _NumberedCanvas(rl_canvas.Canvas):
    """Holds the pages back until the end so that each can say "Trang x/y"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        regular = register_fonts()[0]
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(regular, 9)
            width, _ = self._pagesize
            self.drawCentredString(width / 2, 8 * mm, f"Trang {number}/{total}")
            super().showPage()
        super().save()


def render_register_pdf(office_lines: tuple[str, ...], year: int, rows: Sequence[RegisterRow]) -> bytes:
    """The year's register as an A4 landscape PDF with embedded fonts."""
    regular, bold, _ = register_fonts()
    cell = ParagraphStyle("cell", fontName=regular, fontSize=9.5, leading=11.5)
    head = ParagraphStyle("head", parent=cell, fontName=bold, alignment=1)
    centre = ParagraphStyle("centre", parent=cell, alignment=1)
    office = ParagraphStyle("office", fontName=regular, fontSize=11, leading=14)
    title = ParagraphStyle("title", fontName=bold, fontSize=14, leading=18, alignment=1)
    sub = ParagraphStyle("sub", fontName=regular, fontSize=12, leading=16, alignment=1)

    story: list = []
    for i, line in enumerate(office_lines):
        style = ParagraphStyle("office-last", parent=office, fontName=bold) if i == len(office_lines) - 1 else office
        story.append(Paragraph(escape(_nfc(line)), style))
    story.append(Spacer(1, 4 * mm))
    heading, year_line = _title_lines(year)
    story += [Paragraph(escape(heading), title), Paragraph(escape(year_line), sub), Spacer(1, 4 * mm)]

    data: list[list] = [[Paragraph(escape(c), head) for c in COLUMNS]]
    centred = {0, 2, 8}
    for row in rows:
        data.append([Paragraph(escape(text), centre if i in centred else cell)
                     for i, text in enumerate(_cells(row))])
    style = [("FONT", (0, 0), (-1, -1), regular, 9.5),
             ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9))]
    if not rows:
        data.append([Paragraph(NOTHING, centre)] + [""] * (len(COLUMNS) - 1))
        style.append(("SPAN", (0, 1), (-1, 1)))
    # splitInRow: a row taller than a page (very long notes) continues on the next page.
    table = Table(data, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle(style))
    story.append(table)

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, invariant=1, initialFontName=regular,
                            title=f"{heading} {year_line}", author=office_lines[-1] if office_lines else "",
                            creator="docsvc")
    with RENDER_LOCK:
        doc.build(story, canvasmaker=_NumberedCanvas)
    return out.getvalue()


def render_register_xlsx(office_lines: tuple[str, ...], year: int, rows: Sequence[RegisterRow]) -> bytes:
    """The year's register as an XLSX workbook: one sheet, the office and title rows, a bold
    frozen header row, column widths, wrapped text, real dates and numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"Sổ cấp bản sao {year}"
    book.properties.creator = "docsvc"
    last_col = get_column_letter(len(COLUMNS))
    r = 1
    for i, line in enumerate(office_lines):
        sheet.cell(row=r, column=1, value=_nfc(line)).font = Font(bold=i == len(office_lines) - 1)
        r += 1
    heading, year_line = _title_lines(year)
    r += 1  # a blank row between the office and the title
    for text, font in ((heading, Font(bold=True, size=14)), (year_line, Font(size=12))):
        sheet.merge_cells(f"A{r}:{last_col}{r}")
        c = sheet.cell(row=r, column=1, value=text)
        c.font, c.alignment = font, Alignment(horizontal="center")
        r += 1
    r += 1
    header_row = r
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for col, text in enumerate(COLUMNS, start=1):
        c = sheet.cell(row=header_row, column=col, value=text)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        c.fill = PatternFill("solid", fgColor="E6E6E6")
        c.border = border
    for offset, row in enumerate(rows, start=1):
        values = (row.seq, _nfc(row.number), row.issued_on, _nfc(row.requester), _nfc(row.id_paper),
                  _nfc(row.kind_label), _nfc(row.entry_ref), _nfc(row.signer), row.copies, _nfc(row_notes(row)))
        for col, value in enumerate(values, start=1):
            c = sheet.cell(row=header_row + offset, column=col, value=value)
            c.alignment, c.border = wrap, border
            if col == 3:
                c.number_format = "DD/MM/YYYY"
    if not rows:
        sheet.merge_cells(f"A{header_row + 1}:{last_col}{header_row + 1}")
        c = sheet.cell(row=header_row + 1, column=1, value=NOTHING)
        c.alignment = Alignment(horizontal="center")
    for col, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
