"""The drawing of an A4 administrative form (Decree 30/2020 layout), shared by the extract
copy (docsvc.extracts.document) and the one-stop receipt (docsvc.dossiers.receipt): the
page's margins and columns, the office heading beside the national heading and motto, text
placed top to bottom across pages, ``Label: value`` lines, rules and a QR code.

Pure: no database, no Flask. Drawing uses docsvc.extracts.fonts (embedded Liberation Serif)
and docsvc.extracts.qr (the QR modules)."""

from __future__ import annotations

import datetime
import io
import itertools
from typing import NamedTuple

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas

from docsvc.extracts.fonts import RENDER_LOCK, width, wrap
from docsvc.extracts.qr import qr_modules

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

PAGE_W, PAGE_H = 210 * mm, 297 * mm
LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 15 * mm, 20 * mm, 20 * mm
TEXT_W = PAGE_W - LEFT - RIGHT
OFFICE_COL = (LEFT - 10 * mm, LEFT + 70 * mm)      # the office heading's column (x0, x1)
NATION_COL = (LEFT + 68 * mm, PAGE_W - RIGHT + 5 * mm)
SIGN_COL = (LEFT + TEXT_W * 0.42, PAGE_W - RIGHT)      # place/date and signer, right half
QR_SIZE = 25 * mm
QR_BORDER = 2                                       # quiet zone, in modules
BODY = 13.0
LEADING = 1.2


class Text(NamedTuple):
    text: str
    font: str
    size: float
    x: float
    y: float
    align: str = "left"            # left | centre | right


class Run(NamedTuple):
    """Pieces of one line in different faces, drawn as one text object so that text
    extraction keeps ``Label: value`` on one line."""
    pieces: tuple[tuple[str, str], ...]   # (text, font)
    size: float
    x: float
    y: float


class Rule(NamedTuple):
    x0: float
    x1: float
    y: float


class Qr(NamedTuple):
    value: str
    x: float
    y: float
    size: float = QR_SIZE


def day_words(day: datetime.date) -> str:
    """``ngày 05 tháng 01 năm 2026`` (two-digit day and month, as on forms)."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def place_date_line(place: str, day: datetime.date) -> str:
    """``Phường Bến Nghé, ngày 05 tháng 03 năm 2026``."""
    return f"{place}, {day_words(day)}"


class Layout:
    """Places text top to bottom, starting a new page when the next line would cross the
    bottom margin. Pages are lists of drawing items, drawn once the page count is known."""

    def __init__(self) -> None:
        self.pages: list[list] = [[]]
        self.y = PAGE_H - TOP

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.pages.append([])
            self.y = PAGE_H - TOP

    def line(self, text: str, font: str, size: float, x: float, *, align: str = "left") -> None:
        step = size * LEADING
        self.need(step)
        self.y -= step
        self.pages[-1].append(Text(text, font, size, x, self.y + size * 0.25, align))

    def add(self, item) -> None:
        self.pages[-1].append(item)


def heading(lay: Layout, office_lines: tuple[str, ...], number_line: str | None, fonts: tuple[str, str, str]) -> None:
    """The office lines top-left (the last one bold) over a short rule and the number line;
    the national heading and motto top-right, the motto underlined."""
    regular, bold, _ = fonts
    size = 12.5
    office_x = sum(OFFICE_COL) / 2
    office_w = OFFICE_COL[1] - OFFICE_COL[0]
    nation_x = sum(NATION_COL) / 2
    top = lay.y
    for i, office in enumerate(office_lines):
        font = bold if i == len(office_lines) - 1 else regular
        for piece in wrap(office, font, size, office_w):
            lay.line(piece, font, size, office_x, align="centre")
    lay.add(Rule(office_x - 12 * mm, office_x + 12 * mm, lay.y - 3))
    lay.y -= 7
    if number_line:
        lay.line(number_line, regular, 13, office_x, align="centre")
    left_bottom = lay.y
    lay.y = top
    lay.line(NATION, bold, 12.5, nation_x, align="centre")
    lay.line(MOTTO, bold, 13.5, nation_x, align="centre")
    half = width(MOTTO, bold, 13.5) / 2
    lay.add(Rule(nation_x - half, nation_x + half, lay.y - 3))
    lay.y = min(lay.y, left_bottom) - 7 * mm


def labelled(lay: Layout, label: str, value: str, label_font: str, value_font: str) -> None:
    """``Label: value`` with the value after the label, continuing at the left margin."""
    label_w = width(label + " ", label_font, BODY)
    if label_w > TEXT_W * 0.6:  # an absurdly long label: wrap it on its own lines
        pieces = wrap(label, label_font, BODY, TEXT_W)
        for piece in pieces[:-1]:
            lay.line(piece, label_font, BODY, LEFT)
        label = pieces[-1]
        label_w = width(label + " ", label_font, BODY)
    lines = wrap(value, value_font, BODY, TEXT_W, first_width=TEXT_W - label_w)
    lay.line(label, label_font, BODY, LEFT)
    first = lay.pages[-1].pop()
    lay.add(Run(((label + " ", label_font), (lines[0], value_font)), BODY, LEFT, first.y))
    for piece in lines[1:]:
        lay.line(piece, value_font, BODY, LEFT)


def draw_qr(pdf: rl_canvas.Canvas, qr: Qr) -> None:
    """reportlab's QR encoder encodes; its modules are drawn here as one filled path (the
    widget's own drawing makes one shape object per run of dark modules and costs several
    times the rest of the page)."""
    modules = qr_modules(qr.value, "M")  # reportlab's code, its mask chosen faster (docsvc.extracts.qr)
    box = qr.size / (len(modules) + 2 * QR_BORDER)
    path = pdf.beginPath()
    for r, row in enumerate(modules):
        c = 0
        for dark, run in itertools.groupby(bool(m) for m in row):
            count = len(list(run))
            if dark:
                path.rect(qr.x + (c + QR_BORDER) * box, qr.y + qr.size - (r + QR_BORDER + 1) * box,
                          count * box, box)
            c += count
    pdf.setFillColorRGB(0, 0, 0)
    pdf.drawPath(path, stroke=0, fill=1)


def draw(pdf: rl_canvas.Canvas, pages: list[list], fonts: tuple[str, str, str]) -> None:
    """Every page's items, and ``Trang i/n`` at the foot when there is more than one page."""
    for number, items in enumerate(pages, start=1):
        pdf.setLineWidth(0.6)
        for item in items:
            if isinstance(item, Text):
                pdf.setFont(item.font, item.size)
                if item.align == "centre":
                    pdf.drawCentredString(item.x, item.y, item.text)
                elif item.align == "right":
                    pdf.drawRightString(item.x, item.y, item.text)
                else:
                    pdf.drawString(item.x, item.y, item.text)
            elif isinstance(item, Run):
                text = pdf.beginText(item.x, item.y)
                for piece, font in item.pieces:
                    text.setFont(font, item.size)
                    text.textOut(piece)
                pdf.drawText(text)
            elif isinstance(item, Rule):
                pdf.line(item.x0, item.y, item.x1, item.y)
            else:
                draw_qr(pdf, item)
        if len(pages) > 1:
            pdf.setFont(fonts[0], 9)
            pdf.drawCentredString(PAGE_W / 2, BOTTOM / 2, f"Trang {number}/{len(pages)}")
        pdf.showPage()


def render(pages: list[list], fonts: tuple[str, str, str], *, title: str, author: str) -> bytes:
    """The laid-out pages as a complete A4 PDF (equal content, equal bytes: ``invariant``)."""
    out = io.BytesIO()
    with RENDER_LOCK:
        # initialFontName: otherwise every page lists an unembedded Helvetica it never uses
        pdf = rl_canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1,
                               initialFontName=fonts[0])
        pdf.setTitle(title)
        pdf.setAuthor(author)
        pdf.setCreator("docsvc")
        draw(pdf, pages, fonts)
        pdf.save()
    return out.getvalue()
