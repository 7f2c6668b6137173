"""The outgoing register (sổ đăng ký văn bản đi) printed with the official columns of
DOMAIN.md §1 — number and symbol, document date, type and abstract, signer, recipients,
unit or person keeping the file copy, number of copies, date sent, signature of receipt,
notes — as PDF (A4 landscape, embedded Vietnamese fonts) and XLSX, on docsvc.register_table
as the incoming and extract registers are. Pure: rows come in as the dicts of
``docsvc.outgoing.register.outgoing_register``.

``COLUMNS`` is also the register's ``columns`` on the API: each official column under the
stable key its row dicts use.
"""

from __future__ import annotations

from datetime import date

TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
SECRET_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI (MẬT)"
# (key in a row, heading as printed), in the order of Decree 30's form.
COLUMNS = (
    ("number_symbol", "Số, ký hiệu văn bản"),
    ("issued_on", "Ngày tháng văn bản"),
    ("type_abstract", "Tên loại và trích yếu nội dung văn bản"),
    ("signer", "Người ký"),
    ("recipients", "Nơi nhận văn bản"),
    ("file_keeper", "Đơn vị, người nhận bản lưu"),
    ("copies", "Số lượng bản"),
    ("sent_on", "Ngày chuyển"),
    ("receipt_signature", "Ký nhận"),
    ("notes", "Ghi chú"),
)
HEADINGS = tuple(label for _key, label in COLUMNS)
# 267 mm: A4 landscape less 15 mm margins; a date (dd/mm/yyyy) fits on one line in 21 mm.
WIDTHS_MM = (27, 21, 56, 28, 40, 30, 13, 21, 14, 17)
XLSX_WIDTHS = (16, 12, 46, 22, 30, 24, 8, 12, 12, 20)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"pdf": "application/pdf", "xlsx": XLSX}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def cells(row: dict) -> tuple:
    """A row as the printed cells: dates as dates, the number of copies as a number."""
    return (row.get("number_symbol") or "", _day(row.get("issued_on")), row.get("type_abstract") or "",
            row.get("signer") or "", row.get("recipients") or "", row.get("file_keeper") or "", row.get("copies"),
            _day(row.get("sent_on")), row.get("receipt_signature") or "", row.get("notes") or "")


def period_line(year: int) -> str:
    return f"Năm {year}"


def render(fmt: str, heading: tuple[str, ...], year: int, rows: list[dict], *, secret: bool = False
           ) -> tuple[bytes, str]:
    """(bytes, media type) of the register of ``year`` as ``pdf`` or ``xlsx``; ``heading`` is
    the office's lines (its parent's name, then its own, in capitals)."""
    # reportlab is loaded when a register is printed, not when the API starts.
    from docsvc.register_table import RegisterTable, render_pdf, render_xlsx

    table = RegisterTable(title=SECRET_TITLE if secret else TITLE, subtitle=period_line(year), office_lines=heading,
                          columns=HEADINGS, widths_mm=WIDTHS_MM, xlsx_widths=XLSX_WIDTHS,
                          rows=[cells(r) for r in rows], sheet_title="Sổ văn bản đi",
                          centred=frozenset({0, 1, 6, 7}), date_columns=frozenset({1, 7}))
    if fmt == "pdf":
        return render_pdf(table), MEDIA_TYPES["pdf"]
    return render_xlsx(table), MEDIA_TYPES["xlsx"]
