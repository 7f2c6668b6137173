"""The receipt of a dossier (giấy tiếp nhận hồ sơ và hẹn trả kết quả) as an A4 PDF in
Vietnamese: office and national heading, the dossier code, the applicant, the procedure,
the documents received, when it was received, the statutory time, the promised return date
written ``ngày 05 tháng 01 năm 2026``, the two signatures (applicant, receiving officer) and a
QR code of the dossier code (docsvc.formpdf draws it as the extract copy is drawn).

Pure: no database, no Flask."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from reportlab.lib.units import mm

from docsvc.extracts.fonts import register_fonts, wrap
from docsvc.formpdf import (BODY, LEFT, QR_SIZE, SIGN_COL, TEXT_W, Layout, Qr, Text, day_words, heading, labelled,
                            place_date_line, render)

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
SIGNATURE_ROOM = 22 * mm


@dataclass(frozen=True)
class ReceiptContent:
    office_lines: tuple[str, ...]   # heading top-left; the last line is the office (bold)
    office_name: str
    place: str
    code: str                       # the dossier code, also in the QR code
    applicant: str
    contact: str
    procedure: str
    documents: tuple[str, ...]
    working_days: int
    received_at: datetime.datetime  # local wall-clock time
    due_on: datetime.date | None    # None: no date promised (supplement asked, refused)
    officer: str


def moment_words(moment: datetime.datetime) -> str:
    """``09 giờ 30 phút, ngày 05 tháng 01 năm 2026``."""
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {day_words(moment.date())}"


def _body(lay: Layout, c: ReceiptContent, fonts: tuple[str, str, str]) -> None:
    regular, bold, italic = fonts
    centre = LEFT + TEXT_W / 2
    right = sum(SIGN_COL) / 2
    lay.line(place_date_line(c.place, c.received_at.date()), italic, BODY, right, align="centre")
    lay.y -= 3 * mm
    lay.line(TITLE, bold, 14, centre, align="centre")
    lay.line(f"Mã hồ sơ: {c.code}", bold, BODY, centre, align="centre")
    lay.y -= 4 * mm
    for piece in wrap(f"{c.office_name} tiếp nhận hồ sơ của:", regular, BODY, TEXT_W):
        lay.line(piece, regular, BODY, LEFT)
    labelled(lay, "Ông/Bà:", c.applicant, regular, bold)
    if c.contact:
        labelled(lay, "Địa chỉ, số điện thoại:", c.contact, regular, regular)
    labelled(lay, "Nội dung yêu cầu giải quyết:", c.procedure, regular, bold)
    lay.line("1. Thành phần hồ sơ nộp gồm:", regular, BODY, LEFT)
    for i, doc in enumerate(c.documents or ("(không ghi)",), start=1):
        for piece in wrap(f"   {i}) {doc}", regular, BODY, TEXT_W):
            lay.line(piece, regular, BODY, LEFT)
    lay.line("2. Số lượng hồ sơ: 01 (bộ)", regular, BODY, LEFT)
    labelled(lay, "3. Thời gian giải quyết hồ sơ theo quy định:", f"{c.working_days} ngày làm việc", regular, regular)
    labelled(lay, "4. Thời gian nhận hồ sơ:", moment_words(c.received_at), regular, regular)
    promised = day_words(c.due_on) if c.due_on else "chưa hẹn (hồ sơ chưa đủ)"
    labelled(lay, "5. Thời gian trả kết quả giải quyết hồ sơ:", promised, regular, bold)
    labelled(lay, "6. Nơi trả kết quả:", f"Bộ phận tiếp nhận và trả kết quả, {c.office_name}", regular, regular)
    lay.y -= 2 * mm


def _signatures(lay: Layout, c: ReceiptContent, fonts: tuple[str, str, str]) -> None:
    regular, bold, italic = fonts
    left_x, right_x = LEFT + TEXT_W * 0.2, sum(SIGN_COL) / 2
    step = BODY * 1.2
    lay.need(step * 4 + SIGNATURE_ROOM + QR_SIZE + 20)
    top = lay.y
    for x, title, name in ((left_x, "NGƯỜI NỘP HỒ SƠ", c.applicant), (right_x, "NGƯỜI TIẾP NHẬN HỒ SƠ", c.officer)):
        lay.y = top
        lay.line(title, bold, BODY, x, align="centre")
        lay.line("(Ký và ghi rõ họ tên)", italic, 11, x, align="centre")
        lay.y -= SIGNATURE_ROOM
        lay.line(name, bold, BODY, x, align="centre")
    lay.y -= 4 * mm
    lay.add(Qr(c.code, LEFT, lay.y - QR_SIZE))
    lay.add(Text(f"Tra cứu hồ sơ bằng mã: {c.code}", regular, 8, LEFT + QR_SIZE + 3 * mm, lay.y - QR_SIZE / 2))
    lay.y -= QR_SIZE


def _nfc(c: ReceiptContent) -> ReceiptContent:
    def n(text: str) -> str:
        return unicodedata.normalize("NFC", text)
    return ReceiptContent(tuple(map(n, c.office_lines)), n(c.office_name), n(c.place), n(c.code), n(c.applicant),
                          n(c.contact), n(c.procedure), tuple(map(n, c.documents)), c.working_days, c.received_at,
                          c.due_on, n(c.officer))


def render_receipt(content: ReceiptContent) -> bytes:
    """The receipt as a complete A4 PDF with embedded Liberation Serif fonts."""
    content = _nfc(content)
    fonts = register_fonts()
    lay = Layout()
    heading(lay, content.office_lines, None, fonts)
    _body(lay, content, fonts)
    _signatures(lay, content, fonts)
    return render(lay.pages, fonts, title=f"{TITLE} {content.code}",
                  author=content.office_lines[-1] if content.office_lines else "")
