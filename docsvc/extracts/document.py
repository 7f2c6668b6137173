"""The extract copy as an A4 PDF, laid out like a Vietnamese administrative form (Decree
30/2020): office and national heading, number, title, the entry's fields, the registration
sentence, notes, place and date, signer, and a QR code with the verification address.

Pure: no database, no Flask. Equal content gives equal bytes (reportlab ``invariant``)."""

from __future__ import annotations

import dataclasses
import datetime
import io
import itertools
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas

from docsvc.extracts.fonts import RENDER_LOCK, register_fonts, width, wrap
from docsvc.extracts.qr import qr_modules

TITLES = {"birth": "TRÍCH LỤC KHAI SINH (BẢN SAO)", "death": "TRÍCH LỤC KHAI TỬ (BẢN SAO)",
          "marriage": "TRÍCH LỤC KẾT HÔN (BẢN SAO)"}
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
VERIFY_CAPTION = "Kiểm tra bản sao tại:"

PAGE_W, PAGE_H = 210 * mm, 297 * mm
LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 15 * mm, 20 * mm, 20 * mm
TEXT_W = PAGE_W - LEFT - RIGHT
OFFICE_COL = (LEFT - 10 * mm, LEFT + 70 * mm)      # the office heading's column (x0, x1)
NATION_COL = (LEFT + 68 * mm, PAGE_W - RIGHT + 5 * mm)
SIGN_COL = (LEFT + TEXT_W * 0.42, PAGE_W - RIGHT)      # place/date and signer, right half
QR_SIZE = 25 * mm
SIGNATURE_ROOM = 25 * mm
QR_BORDER = 2                                       # quiet zone, in modules
BODY = 13.0
LEADING = 1.2


@dataclass(frozen=True)
class ExtractContent:
    kind: str                      # "birth" | "death" | "marriage"
    office_lines: tuple[str, ...]  # heading top-left; the last line is the issuing office (bold)
    number: str                    # "167/TLKS-BS" or "470/2025/TLKT-BS"
    fields: tuple[tuple[str, str], ...]   # (label, value) in the form's order, display text
    registration: str              # "Đã đăng ký khai sinh tại ..., số ..., quyển số ..., ngày ..."
    notes: tuple[str, ...]         # later changes as sentences; empty prints "Không có"
    place: str                     # place of issue, e.g. "Phường Bến Nghé"
    issued_on: datetime.date
    signer_title: tuple[str, ...]  # ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") or ("CHỦ TỊCH",)
    signer_name: str
    verify_url: str                # encoded in the QR code and printed under it
    copy_note: str = ""            # a small line under the title (the title already says BẢN SAO)


class _Text(NamedTuple):
    text: str
    font: str
    size: float
    x: float
    y: float
    align: str = "left"            # left | centre | right


class _Run(NamedTuple):
    """Pieces of one line in different faces, drawn as one text object so that text
    extraction keeps ``Label: value`` on one line."""
    pieces: tuple[tuple[str, str], ...]   # (text, font)
    size: float
    x: float
    y: float


class _Rule(NamedTuple):
    x0: float
    x1: float
    y: float


class _Qr(NamedTuple):
    value: str
    x: float
    y: float


def issue_date_line(place: str, day: datetime.date) -> str:
    """``Phường Bến Nghé, ngày 05 tháng 03 năm 2026`` (two-digit day and month, as on forms)."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


class _Layout:
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
        self.pages[-1].append(_Text(text, font, size, x, self.y + size * 0.25, align))

    def add(self, item) -> None:
        self.pages[-1].append(item)


def _heading(lay: _Layout, content: ExtractContent, fonts: tuple[str, str, str]) -> None:
    regular, bold, _ = fonts
    size = 12.5
    office_x = sum(OFFICE_COL) / 2
    office_w = OFFICE_COL[1] - OFFICE_COL[0]
    nation_x = sum(NATION_COL) / 2
    top = lay.y
    # Left column: the office lines, the last one (the issuing office) in bold, a short rule.
    for i, office in enumerate(content.office_lines):
        font = bold if i == len(content.office_lines) - 1 else regular
        for piece in wrap(office, font, size, office_w):
            lay.line(piece, font, size, office_x, align="centre")
    lay.add(_Rule(office_x - 12 * mm, office_x + 12 * mm, lay.y - 3))
    lay.y -= 7
    lay.line(f"Số: {content.number}", regular, 13, office_x, align="centre")
    left_bottom = lay.y
    # Right column, from the same top: the national heading and motto with a rule under.
    lay.y = top
    lay.line(NATION, bold, 12.5, nation_x, align="centre")
    lay.line(MOTTO, bold, 13.5, nation_x, align="centre")
    half = width(MOTTO, bold, 13.5) / 2
    lay.add(_Rule(nation_x - half, nation_x + half, lay.y - 3))
    lay.y = min(lay.y, left_bottom) - 7 * mm


def _body(lay: _Layout, content: ExtractContent, fonts: tuple[str, str, str]) -> None:
    regular, bold, italic = fonts
    centre = LEFT + TEXT_W / 2
    lay.line(TITLES[content.kind], bold, 14, centre, align="centre")
    if content.copy_note:
        lay.line(content.copy_note, italic, 11, centre, align="centre")
    lay.y -= 4 * mm
    for label, value in content.fields:
        _labelled(lay, f"{label}:", value, regular, bold)
    lay.y -= 2 * mm
    for piece in wrap(content.registration, regular, BODY, TEXT_W):
        lay.line(piece, regular, BODY, LEFT)
    lay.y -= 2 * mm
    if content.notes:
        lay.line("Ghi chú:", bold, BODY, LEFT)
        for note in content.notes:
            for piece in wrap(f"- {note}", regular, BODY, TEXT_W):
                lay.line(piece, regular, BODY, LEFT)
    else:
        _labelled(lay, "Ghi chú:", "Không có", bold, regular)


def _labelled(lay: _Layout, label: str, value: str, label_font: str, value_font: str) -> None:
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
    lay.add(_Run(((label + " ", label_font), (lines[0], value_font)), BODY, LEFT, first.y))
    for piece in lines[1:]:
        lay.line(piece, value_font, BODY, LEFT)


def _signature_block(lay: _Layout, content: ExtractContent, fonts: tuple[str, str, str]) -> None:
    regular, bold, italic = fonts
    step = BODY * LEADING
    sign_w = SIGN_COL[1] - SIGN_COL[0]
    # Right half: place and date (italic), the signer's title lines and name (bold), each
    # wrapped within the column so that a long place name stays inside the margin.
    above = [(piece, italic) for piece in wrap(issue_date_line(content.place, content.issued_on), italic,
                                               BODY, sign_w)]
    above += [(piece, bold) for title in content.signer_title for piece in wrap(title, bold, BODY, sign_w)]
    below = [(piece, bold) for piece in wrap(content.signer_name, bold, BODY, sign_w)]
    url_lines = wrap(content.verify_url, regular, 7, TEXT_W * 0.55)
    sign_h = step * (len(above) + len(below)) + SIGNATURE_ROOM
    qr_h = QR_SIZE + 10 * (1 + len(url_lines))
    lay.y -= 2 * mm
    lay.need(max(sign_h, qr_h) + 2 * mm)
    top = lay.y
    sign_x = sum(SIGN_COL) / 2
    for piece, font in above:
        lay.line(piece, font, BODY, sign_x, align="centre")
    lay.y -= SIGNATURE_ROOM  # for the handwritten signature and the seal
    for piece, font in below:
        lay.line(piece, font, BODY, sign_x, align="centre")
    # Bottom-left: the QR code, then the address it carries, in small type.
    lay.add(_Qr(content.verify_url, LEFT, top - QR_SIZE))
    y = top - QR_SIZE - 9
    for piece in [VERIFY_CAPTION, *url_lines]:
        lay.add(_Text(piece, regular, 7, LEFT, y))
        y -= 9
    lay.y = min(lay.y, y)


def _draw_qr(pdf: rl_canvas.Canvas, qr: _Qr) -> None:
    """reportlab's QR encoder encodes; its modules are drawn here as one filled path (the
    widget's own drawing makes one shape object per run of dark modules and costs several
    times the rest of the page)."""
    modules = qr_modules(qr.value, "M")  # reportlab's code, its mask chosen faster (docsvc.extracts.qr)
    box = QR_SIZE / (len(modules) + 2 * QR_BORDER)
    path = pdf.beginPath()
    for r, row in enumerate(modules):
        c = 0
        for dark, run in itertools.groupby(bool(m) for m in row):
            count = len(list(run))
            if dark:
                path.rect(qr.x + (c + QR_BORDER) * box, qr.y + QR_SIZE - (r + QR_BORDER + 1) * box,
                          count * box, box)
            c += count
    pdf.setFillColorRGB(0, 0, 0)
    pdf.drawPath(path, stroke=0, fill=1)


def _draw(pdf: rl_canvas.Canvas, pages: list[list], fonts: tuple[str, str, str]) -> None:
    for number, items in enumerate(pages, start=1):
        pdf.setLineWidth(0.6)
        for item in items:
            if isinstance(item, _Text):
                pdf.setFont(item.font, item.size)
                if item.align == "centre":
                    pdf.drawCentredString(item.x, item.y, item.text)
                elif item.align == "right":
                    pdf.drawRightString(item.x, item.y, item.text)
                else:
                    pdf.drawString(item.x, item.y, item.text)
            elif isinstance(item, _Run):
                text = pdf.beginText(item.x, item.y)
                for piece, font in item.pieces:
                    text.setFont(font, item.size)
                    text.textOut(piece)
                pdf.drawText(text)
            elif isinstance(item, _Rule):
                pdf.line(item.x0, item.y, item.x1, item.y)
            else:
                _draw_qr(pdf, item)
        if len(pages) > 1:
            pdf.setFont(fonts[0], 9)
            pdf.drawCentredString(PAGE_W / 2, BOTTOM / 2, f"Trang {number}/{len(pages)}")
        pdf.showPage()


def _nfc(content: ExtractContent) -> ExtractContent:
    """Every text in NFC: the fonts have precomposed glyphs and reportlab does no shaping, so
    decomposed marks (NFD from some keyboards and files) would print misplaced and extract
    differently."""
    def norm(text: str) -> str:
        return unicodedata.normalize("NFC", text)
    return dataclasses.replace(
        content, office_lines=tuple(map(norm, content.office_lines)), number=norm(content.number),
        fields=tuple((norm(label), norm(value)) for label, value in content.fields),
        registration=norm(content.registration), notes=tuple(map(norm, content.notes)),
        place=norm(content.place), signer_title=tuple(map(norm, content.signer_title)),
        signer_name=norm(content.signer_name), verify_url=norm(content.verify_url),
        copy_note=norm(content.copy_note))


def render_extract(content: ExtractContent) -> bytes:
    """The extract as a complete A4 PDF with embedded (subset) Liberation Serif fonts.
    Long values wrap; an entry too long for one page continues on the next."""
    if content.kind not in TITLES:
        raise ValueError(f"unknown extract kind {content.kind!r}")
    content = _nfc(content)
    fonts = register_fonts()
    lay = _Layout()   # measuring text only reads the fonts' metrics: no lock needed
    _heading(lay, content, fonts)
    _body(lay, content, fonts)
    _signature_block(lay, content, fonts)
    out = io.BytesIO()
    with RENDER_LOCK:
        # initialFontName: otherwise every page lists an unembedded Helvetica it never uses
        pdf = rl_canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1,
                               initialFontName=fonts[0])
        pdf.setTitle(f"{TITLES[content.kind]} số {content.number}")
        pdf.setAuthor(content.office_lines[-1] if content.office_lines else "")
        pdf.setCreator("docsvc")
        _draw(pdf, lay.pages, fonts)
        pdf.save()
    return out.getvalue()
