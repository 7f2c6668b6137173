"""The extract register (sổ cấp bản sao trích lục) of one office and one year, printable as
an A4 landscape PDF (header row repeated on every page, "Trang x/y") and as an XLSX sheet.

Pure: rows come in as plain values. A revoked extract keeps its row and its number; its
notes column says "ĐÃ THU HỒI: <reason>"."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from docsvc.register_table import NOTHING, RegisterTable, render_pdf, render_xlsx  # noqa: F401

TITLE = "SỔ CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH"
COLUMNS = ("STT", "Số trích lục", "Ngày cấp", "Họ tên người yêu cầu", "Giấy tờ tùy thân",
           "Loại bản sao", "Mục đăng ký (số, quyển)", "Người ký", "Số bản", "Ghi chú")
WIDTHS_MM = (11, 28, 20, 38, 34, 28, 34, 31, 13, 30)   # 267 mm: A4 landscape less 15 mm margins
XLSX_WIDTHS = (6, 18, 12, 28, 24, 22, 24, 22, 8, 30)
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


def _table(office_lines: tuple[str, ...], year: int, rows: list) -> RegisterTable:
    return RegisterTable(title=TITLE, subtitle=f"Năm {year}", office_lines=office_lines, columns=COLUMNS,
                         widths_mm=WIDTHS_MM, xlsx_widths=XLSX_WIDTHS, rows=rows,
                         sheet_title=f"Sổ cấp bản sao {year}", centred=frozenset({0, 2, 8}),
                         date_columns=frozenset({2}))


def render_register_pdf(office_lines: tuple[str, ...], year: int, rows: Sequence[RegisterRow]) -> bytes:
    """The year's register as an A4 landscape PDF with embedded fonts."""
    return render_pdf(_table(office_lines, year, [_cells(r) for r in rows]))


def render_register_xlsx(office_lines: tuple[str, ...], year: int, rows: Sequence[RegisterRow]) -> bytes:
    """The year's register as an XLSX workbook (real dates and numbers in their cells)."""
    values = [(row.seq, row.number, row.issued_on, row.requester, row.id_paper, row.kind_label, row.entry_ref,
               row.signer, row.copies, row_notes(row)) for row in rows]
    return render_xlsx(_table(office_lines, year, values))
