"""The extract copy as an A4 PDF, laid out like a Vietnamese administrative form (Decree
30/2020): office and national heading, number, title, the entry's fields, the registration
sentence, notes, place and date, signer, and a QR code with the verification address.

Pure: no database, no Flask. Equal content gives equal bytes (reportlab ``invariant``)."""

from __future__ import annotations

import dataclasses
import datetime
import unicodedata
from dataclasses import dataclass

from reportlab.lib.units import mm

from docsvc.extracts.fonts import register_fonts, wrap
from docsvc.formpdf import (BODY, BOTTOM, LEADING, LEFT, MOTTO, NATION, PAGE_H, PAGE_W, QR_SIZE, RIGHT,  # noqa: F401
                            SIGN_COL, TEXT_W, TOP, Layout as _Layout, Qr as _Qr, Text as _Text,
                            heading, labelled as _labelled, place_date_line, render)

TITLES = {"birth": "TRÍCH LỤC KHAI SINH (BẢN SAO)", "death": "TRÍCH LỤC KHAI TỬ (BẢN SAO)",
          "marriage": "TRÍCH LỤC KẾT HÔN (BẢN SAO)"}
VERIFY_CAPTION = "Kiểm tra bản sao tại:"

SIGNATURE_ROOM = 25 * mm


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


def issue_date_line(place: str, day: datetime.date) -> str:
    """``Phường Bến Nghé, ngày 05 tháng 03 năm 2026`` (two-digit day and month, as on forms)."""
    return place_date_line(place, day)


def _heading(lay: _Layout, content: ExtractContent, fonts: tuple[str, str, str]) -> None:
    heading(lay, content.office_lines, f"Số: {content.number}", fonts)


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
    return render(lay.pages, fonts, title=f"{TITLES[content.kind]} số {content.number}",
                  author=content.office_lines[-1] if content.office_lines else "")
