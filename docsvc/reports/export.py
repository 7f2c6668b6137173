"""The on-time report as an XLSX workbook (openpyxl), the seeds' kind of table: one row per
group and a total row, the summary sentence under it. Pure: takes the report dict of
``docsvc.reports.services.on_time``."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from docsvc.reports.services import GROUP_LABELS, KIND_LABELS

TITLE = "BÁO CÁO TIẾP NHẬN VÀ GIẢI QUYẾT ĐÚNG HẠN"
HEADINGS = {"field": "Lĩnh vực", "unit": "Đơn vị", "person": "Người xử lý", "period": "Tháng", "total": "Nội dung"}
# (key, heading): the columns after the group's own.
COLUMNS = (("received", "Tiếp nhận"), ("returned_for_supplement", "Trả lại để bổ sung"),
           ("early", "Trước hạn"), ("on_time", "Đúng hạn"), ("late", "Quá hạn"), ("open", "Đang giải quyết"),
           ("overdue", "Quá hạn chưa giải quyết"), ("on_time_rate", "Tỷ lệ đúng hạn (%)"), ("score", "Điểm (%)"))


def _day(text: str) -> str:
    return date.fromisoformat(text).strftime("%d/%m/%Y")


def period_line(report: dict) -> str:
    return f"Từ ngày {_day(report['start'])} đến ngày {_day(report['end'])}"


def render_xlsx(report: dict, *, unit_name: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Đúng hạn"
    book.properties.creator = "docsvc"
    width = len(COLUMNS) + 2
    last = get_column_letter(width)
    r = 1
    if unit_name:
        sheet.cell(row=r, column=1, value=unit_name).font = Font(bold=True)
        r += 2
    for text, font in ((TITLE, Font(bold=True, size=14)), (period_line(report), Font(size=12)),
                       (f"{KIND_LABELS[report['kind']]} — {GROUP_LABELS[report['group']].lower()}", Font(italic=True))):
        sheet.merge_cells(f"A{r}:{last}{r}")
        cell = sheet.cell(row=r, column=1, value=text)
        cell.font, cell.alignment = font, Alignment(horizontal="center")
        r += 1
    r += 1
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header = ("STT", HEADINGS[report["group"]], *(h for _k, h in COLUMNS))
    for col, text in enumerate(header, start=1):
        cell = sheet.cell(row=r, column=col, value=text)
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.fill = PatternFill("solid", fgColor="E6E6E6")
    sheet.freeze_panes = sheet.cell(row=r + 1, column=1)
    for seq, row in enumerate([*report["rows"], None], start=1):
        r += 1
        row = row or report["total"]
        values = ("" if row is report["total"] else seq, row["label"], *(row[k] for k, _h in COLUMNS))
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=col, value=value)
            cell.border = border
            if row is report["total"]:
                cell.font = Font(bold=True)
            if col > 2 and isinstance(value, float):
                cell.number_format = "0.0"
    r += 2
    sheet.merge_cells(f"A{r}:{last}{r}")
    cell = sheet.cell(row=r, column=1, value=report["summary"])
    cell.alignment = Alignment(wrap_text=True)
    sheet.row_dimensions[r].height = 32
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 36
    for col in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 13
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
