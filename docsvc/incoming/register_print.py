"""The incoming register (sổ đăng ký văn bản đến) printed with the official columns of
DOMAIN.md §1 — arrival date, arrival number, author, number and symbol, document date, type
and abstract, receiving unit or person, date handed on, signature of receipt, notes — as PDF
and XLSX (docsvc.register_table). Pure: rows come in as ``incoming_dict``s."""

from __future__ import annotations

from datetime import date

from docsvc.register_table import RegisterTable, render_pdf, render_xlsx

TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
SECRET_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN (MẬT)"
COLUMNS = ("Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
           "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú")
WIDTHS_MM = (19, 13, 34, 27, 19, 58, 34, 19, 18, 26)   # 267 mm
XLSX_WIDTHS = (12, 8, 26, 18, 12, 44, 26, 12, 12, 22)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def row_notes(row: dict) -> str:
    parts = []
    if row.get("urgency_rank"):
        parts.append(row["urgency_label"])
    if row.get("secrecy"):
        parts.append(row["secrecy_label"])
    if row.get("duplicate_of_id"):
        parts.append(f"Trùng văn bản đã vào sổ (#{row['duplicate_of_id']}): {row.get('duplicate_reason') or ''}".strip())
    if row.get("notes"):
        parts.append(row["notes"])
    return "; ".join(parts)


def cells(row: dict) -> tuple:
    kind_abstract = " ".join(p for p in (row.get("doc_type"), row.get("abstract")) if p)
    return (_day(row["arrived_on"]), row["arrival_number"], row.get("issuer") or "", row.get("number_symbol") or "",
            _day(row.get("issued_on")), kind_abstract, row.get("handed_to") or "", _day(row.get("handed_on")), "",
            row_notes(row))


def render(fmt: str, heading: tuple[str, ...], period: str, rows: list[dict], *, secret: bool = False
           ) -> tuple[bytes, str]:
    """(bytes, media type) of the register as ``pdf`` or ``xlsx``."""
    table = RegisterTable(title=SECRET_TITLE if secret else TITLE, subtitle=period, office_lines=heading,
                          columns=COLUMNS, widths_mm=WIDTHS_MM, xlsx_widths=XLSX_WIDTHS,
                          rows=[cells(r) for r in rows], sheet_title="Sổ văn bản đến",
                          centred=frozenset({0, 1, 4, 7}), date_columns=frozenset({0, 4, 7}))
    if fmt == "pdf":
        return render_pdf(table), "application/pdf"
    return render_xlsx(table), XLSX
