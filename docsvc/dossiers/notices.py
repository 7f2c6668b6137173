"""The slips the desk hands over besides the receipt (Vietnamese, A4), from a dossier's
trace: the request to supplement (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ), the refusal
(phiếu từ chối tiếp nhận giải quyết hồ sơ) and the apology with the new date (phiếu xin lỗi
và hẹn lại ngày trả kết quả). Pure: no database, no Flask."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from reportlab.lib.units import mm

from docsvc.extracts.fonts import register_fonts, wrap
from docsvc.formpdf import BODY, LEFT, SIGN_COL, TEXT_W, Layout, heading, labelled, place_date_line, render

TITLES = {"supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
          "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
          "apology": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"}
KINDS = tuple(TITLES)


@dataclass(frozen=True)
class NoticeContent:
    kind: str                             # supplement | refusal | apology
    office_lines: tuple[str, ...]
    place: str
    day: datetime.date                    # the day of the slip
    code: str
    applicant: str
    procedure: str
    lines: tuple[tuple[str, str], ...]    # (label, value) printed after the procedure
    closing: str                          # the last paragraph
    officer: str


def render_notice(content: NoticeContent) -> bytes:
    if content.kind not in TITLES:
        raise ValueError(f"unknown notice {content.kind!r}")
    n = lambda text: unicodedata.normalize("NFC", text)  # noqa: E731
    fonts = register_fonts()
    regular, bold, italic = fonts
    lay = Layout()
    heading(lay, tuple(map(n, content.office_lines)), None, fonts)
    right = sum(SIGN_COL) / 2
    lay.line(place_date_line(n(content.place), content.day), italic, BODY, right, align="centre")
    lay.y -= 3 * mm
    lay.line(TITLES[content.kind], bold, 14, LEFT + TEXT_W / 2, align="centre")
    lay.y -= 4 * mm
    labelled(lay, "Kính gửi Ông/Bà:", n(content.applicant), regular, bold)
    labelled(lay, "Mã hồ sơ:", n(content.code), regular, bold)
    labelled(lay, "Thủ tục:", n(content.procedure), regular, regular)
    for label, value in content.lines:
        labelled(lay, n(label), n(value), regular, regular)
    lay.y -= 2 * mm
    for piece in wrap(n(content.closing), regular, BODY, TEXT_W):
        lay.line(piece, regular, BODY, LEFT)
    lay.y -= 4 * mm
    lay.need(BODY * 4 + 25 * mm)
    lay.line("NGƯỜI LẬP PHIẾU", bold, BODY, right, align="centre")
    lay.line("(Ký và ghi rõ họ tên)", italic, 11, right, align="centre")
    lay.y -= 22 * mm
    lay.line(n(content.officer), bold, BODY, right, align="centre")
    return render(lay.pages, fonts, title=f"{TITLES[content.kind]} {content.code}",
                  author=content.office_lines[-1] if content.office_lines else "")
