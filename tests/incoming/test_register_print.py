"""The printed incoming register, read back: the PDF's text (pypdf) and the XLSX's cells carry
the official columns of DOMAIN.md §1 and every row, the receiving unit or person and the date
handed on taken from the row's first main assignment; the secret register is its own book."""

from __future__ import annotations

import io
from datetime import datetime, timezone

from openpyxl import load_workbook
from pypdf import PdfReader

from archive.accounts import Unit
from archive.routing import Assignment
from docsvc.incoming import services as inc
from docsvc.incoming.register_print import COLUMNS
from tests.incoming.conftest import typed


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _assign(services, incoming_id: int, user_id: int, role: str = "main", at=datetime(2026, 1, 7, 2, 0, tzinfo=timezone.utc)):
    with services.session_factory() as db:
        unit = db.query(Unit).filter_by(code="XA-A").one()
        db.add(Assignment(incoming_id=incoming_id, role=role, unit_id=unit.id, user_id=user_id, assigned_by=user_id,
                          assigned_at=at, received_on=at.date()))
        db.commit()


def test_pdf_and_xlsx_carry_the_columns_and_rows(services, people, accounts):
    clerk, leader = people["vt_a"], people["ld_a"]
    first = inc.register_incoming(services, clerk, typed(urgency="hoa_toc"))
    inc.register_incoming(services, clerk, typed(number="14", symbol="TB-UBND", doc_type="Thông báo",
                                                 abstract="Lịch tiếp công dân", arrived_at="2026-01-08T14:00"))
    inc.register_incoming(services, clerk, typed(number="3", symbol="CV-CA", abstract="Tài liệu mật", secrecy=1))
    _assign(services, first["id"], people["cv_a"].user_id)
    _assign(services, first["id"], people["ld_a"].user_id, role="cooperate")

    pdf, media, name, rows = inc.register_file(services, leader, fmt="pdf", year=2026)
    assert media == "application/pdf" and name.endswith(".pdf") and len(rows) == 2
    text = _text(pdf)
    for column in ("Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ký nhận", "Ghi chú"):
        assert column in text
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "Năm 2026" in text and "ỦY BAN NHÂN DÂN XÃ A" in text
    assert "135/KH-UBND" in text and "14/TB-UBND" in text and "Lê Chuyên Viên" in text and "Hỏa tốc" in text
    assert "CV-CA" not in text  # the secret row is in the secret book only

    xlsx, media, _name, _rows = inc.register_file(services, leader, fmt="xlsx", year=2026)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == COLUMNS[0])
    assert tuple(values[header]) == COLUMNS
    body = values[header + 1:]
    assert [r[1] for r in body] == [1, 2] and body[0][3] == "135/KH-UBND"
    assert body[0][0] == datetime(2026, 1, 6) and body[0][4] == datetime(2026, 1, 5)
    assert body[0][6] == "Lê Chuyên Viên (Ủy ban nhân dân xã A)" and body[0][7] == datetime(2026, 1, 7)
    assert body[1][6] is None or body[1][6] == ""

    secret, *_ = inc.register_file(services, leader, fmt="pdf", year=2026, secret=True)
    secret_text = _text(secret)
    assert "(MẬT)" in secret_text and "3/CV-CA" in secret_text and "135/KH-UBND" not in secret_text

    period, _m, period_name, period_rows = inc.register_file(services, leader, fmt="pdf", date_from="2026-01-07",
                                                            date_to="2026-01-31")
    assert [r["number"] for r in period_rows] == ["14"] and "Từ ngày 07/01/2026 đến ngày 31/01/2026" in _text(period)
