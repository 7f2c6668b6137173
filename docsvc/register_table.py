"""Printing a register (a book of numbered rows with official columns) as an A4 landscape
PDF — the header row repeated on every page, "Trang x/y" at the foot — and as an XLSX sheet
with a bold frozen header row, wrapped text, real dates and numbers.

Shared by the extract register (docsvc/extracts/register_print.py) and the incoming register
(docsvc/incoming/register_print.py): each says its title, columns and widths and passes its
rows as plain cell values; nothing here knows what a row means. Fonts: Liberation Serif
(docsvc.extracts.fonts), embedded, so the Vietnamese text extracts exactly."""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
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

NOTHING = "Không có"
Cell = str | int | datetime.date | None


@dataclass(frozen=True)
class RegisterTable:
    """A register to print: ``widths_mm`` add up to 267 mm (A4 landscape less 15 mm margins);
    ``centred`` and ``date_columns`` are 0-based column indexes."""

    title: str
    subtitle: str
    office_lines: tuple[str, ...]
    columns: tuple[str, ...]
    widths_mm: tuple[float, ...]
    xlsx_widths: tuple[float, ...]
    rows: Sequence[Sequence[Cell]]
    sheet_title: str
    centred: frozenset[int] = field(default_factory=frozenset)
    date_columns: frozenset[int] = field(default_factory=frozenset)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def cell_text(value: Cell) -> str:
    """A cell as printed: a date as dd/mm/yyyy, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return nfc(str(value))


class NumberedCanvas(rl_canvas.Canvas):
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


def render_pdf(table: RegisterTable) -> bytes:
    """The register as an A4 landscape PDF with embedded fonts."""
    regular, bold, _ = register_fonts()
    cell = ParagraphStyle("cell", fontName=regular, fontSize=9.5, leading=11.5)
    head = ParagraphStyle("head", parent=cell, fontName=bold, alignment=1)
    centre = ParagraphStyle("centre", parent=cell, alignment=1)
    office = ParagraphStyle("office", fontName=regular, fontSize=11, leading=14)
    title = ParagraphStyle("title", fontName=bold, fontSize=14, leading=18, alignment=1)
    sub = ParagraphStyle("sub", fontName=regular, fontSize=12, leading=16, alignment=1)

    story: list = []
    lines = table.office_lines
    for i, line in enumerate(lines):
        style = ParagraphStyle("office-last", parent=office, fontName=bold) if i == len(lines) - 1 else office
        story.append(Paragraph(escape(nfc(line)), style))
    story.append(Spacer(1, 4 * mm))
    story += [Paragraph(escape(table.title), title), Paragraph(escape(table.subtitle), sub), Spacer(1, 4 * mm)]

    data: list[list] = [[Paragraph(escape(c), head) for c in table.columns]]
    for row in table.rows:
        data.append([Paragraph(escape(cell_text(value)), centre if i in table.centred else cell)
                     for i, value in enumerate(row)])
    style = [("FONT", (0, 0), (-1, -1), regular, 9.5),
             ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9))]
    if not table.rows:
        data.append([Paragraph(NOTHING, centre)] + [""] * (len(table.columns) - 1))
        style.append(("SPAN", (0, 1), (-1, 1)))
    # splitInRow: a row taller than a page (very long notes) continues on the next page.
    grid = Table(data, colWidths=[w * mm for w in table.widths_mm], repeatRows=1, splitInRow=1)
    grid.setStyle(TableStyle(style))
    story.append(grid)

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, invariant=1, initialFontName=regular,
                            title=f"{table.title} {table.subtitle}", author=lines[-1] if lines else "",
                            creator="docsvc")
    with RENDER_LOCK:
        doc.build(story, canvasmaker=NumberedCanvas)
    return out.getvalue()


def render_xlsx(table: RegisterTable) -> bytes:
    """The register as an XLSX workbook: one sheet, the office and title rows, a bold frozen
    header row, column widths, wrapped text, real dates and numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.sheet_title[:31]
    book.properties.creator = "docsvc"
    last_col = get_column_letter(len(table.columns))
    r = 1
    for i, line in enumerate(table.office_lines):
        sheet.cell(row=r, column=1, value=nfc(line)).font = Font(bold=i == len(table.office_lines) - 1)
        r += 1
    r += 1  # a blank row between the office and the title
    for text, font in ((table.title, Font(bold=True, size=14)), (table.subtitle, Font(size=12))):
        sheet.merge_cells(f"A{r}:{last_col}{r}")
        c = sheet.cell(row=r, column=1, value=text)
        c.font, c.alignment = font, Alignment(horizontal="center")
        r += 1
    r += 1
    header_row = r
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for col, text in enumerate(table.columns, start=1):
        c = sheet.cell(row=header_row, column=col, value=text)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        c.fill = PatternFill("solid", fgColor="E6E6E6")
        c.border = border
    for offset, row in enumerate(table.rows, start=1):
        for col, value in enumerate(row, start=1):
            c = sheet.cell(row=header_row + offset, column=col, value=nfc(value) if isinstance(value, str) else value)
            c.alignment, c.border = wrap, border
            if col - 1 in table.date_columns:
                c.number_format = "DD/MM/YYYY"
    if not table.rows:
        sheet.merge_cells(f"A{header_row + 1}:{last_col}{header_row + 1}")
        c = sheet.cell(row=header_row + 1, column=1, value=NOTHING)
        c.alignment = Alignment(horizontal="center")
    for col, width in enumerate(table.xlsx_widths, start=1):
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
