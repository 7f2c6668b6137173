"""The registers API (docsvc/outgoing/api_registers.py): ``GET /api/v1/registers/outgoing`` and
``/registers/incoming`` answer the office, the year, the official columns and the rows, or with
``format`` the printed register as an attachment; the incoming one holds the rows the incoming
capability registered (docsvc.incoming.services.register_incoming, as tests/incoming do).
Both conform to the OpenAPI document (Schemathesis over HTTP on a real server thread).

Bad inputs tried: ``year=abc``, ``1800``, ``3000``, an empty year; ``format=docx`` and
``format=``; ``secret=yes``; an unknown query parameter's neighbour values (Schemathesis's
coverage and fuzzing phases); another commune's clerk naming this office (404) and an unknown
office code (404); a viewer (403 on both); no token (401). Refusals write no audit record.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from archive.accounts import Unit
from archive.routing import Assignment
from docsvc.dates import local_now
from docsvc.incoming import services as inc
from docsvc.incoming.register_print import COLUMNS as INCOMING_COLUMNS
from docsvc.outgoing.register import outgoing_register
from docsvc.outgoing.register_print import HEADINGS
from tests.api.test_openapi_conformance import live_api, run_schemathesis  # noqa: F401 (a fixture)
from tests.conftest import Api
from tests.incoming.conftest import typed
from tests.outgoing.test_register import _audit_count, numbered, people  # noqa: F401 (a fixture)

OUTGOING = "/api/v1/registers/outgoing"
INCOMING = "/api/v1/registers/incoming"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _api(client, accounts, name: str) -> Api:
    return Api(client, accounts.token(name))


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _sheet(data: bytes, first_heading: str) -> tuple[tuple, list[list]]:
    values = [[c.value for c in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == first_heading)
    return tuple(values[header]), values[header + 1:]


def test_outgoing_register_as_json_and_as_files(services, client, accounts, people):
    first = numbered(services, 1)
    second = numbered(services, 2, doc_type="Công văn", type_abbr=None, abstract="V/v cử cán bộ dự tập huấn",
                      number_symbol="02/UBND-VP", copies=5)
    secret = numbered(services, 1, secrecy=1, abstract="Về việc bảo vệ bí mật nhà nước")
    clerk = _api(client, accounts, "vt_a")

    answer = clerk.get(f"{OUTGOING}?year=2026")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert set(body) == {"office", "year", "secret", "columns", "rows"}
    assert (body["office"]["code"], body["year"], body["secret"]) == ("XA-A", 2026, False)
    assert [c["label"] for c in body["columns"]] == list(HEADINGS)
    assert [(r["id"], r["number_symbol"]) for r in body["rows"]] == [(first, "01/QĐ-UBND"), (second, "02/UBND-VP")]
    assert body["rows"] == outgoing_register(services, people["vt_a"], year=2026)["rows"]
    assert body["rows"][0]["type_abstract"] == "Quyết định về việc ban hành quy chế số hóa hồ sơ lưu trữ"
    by_code = clerk.get(f"{OUTGOING}?year=2026&office=XA-A&secret=false").get_json()
    assert by_code["rows"] == body["rows"]
    secret_book = clerk.get(f"{OUTGOING}?year=2026&secret=true").get_json()
    assert secret_book["secret"] is True and [r["id"] for r in secret_book["rows"]] == [secret]
    this_year = clerk.get(OUTGOING).get_json()                    # no year: this (local) year
    assert this_year["year"] == local_now(services.settings.time_zone).year

    pdf = clerk.get(f"{OUTGOING}?year=2026&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="so-van-ban-di-xa-a-2026.pdf"'
    text = _text(pdf.data)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and "01/QĐ-UBND" in text and "Nguyễn Văn Lãnh Đạo" in text
    assert "bảo vệ bí mật" not in text
    xlsx = clerk.get(f"{OUTGOING}?year=2026&format=xlsx&secret=true")
    assert xlsx.status_code == 200 and xlsx.mimetype == XLSX
    assert xlsx.headers["Content-Disposition"] == 'attachment; filename="so-van-ban-di-mat-xa-a-2026.xlsx"'
    header, body_rows = _sheet(xlsx.data, HEADINGS[0])
    assert header == HEADINGS and [r[0] for r in body_rows] == ["01/QĐ-UBND"]
    assert body_rows[0][2] == "Quyết định về việc bảo vệ bí mật nhà nước"
    assert _audit_count(services) == 2


def test_refusals_answer_in_the_api_shape(services, client, accounts, people):
    numbered(services, 1)
    inc.register_incoming(services, people["vt_a"], typed())
    clerk, other, viewer = (_api(client, accounts, n) for n in ("vt_a", "vt_b", "xem_a"))
    for url in (OUTGOING, INCOMING):
        for query in ("year=abc", "year=1800", "year=3000", "year=", "year=2026&format=docx", "year=2026&format=",
                      "year=2026&secret=yes", "year=2026&format=pdf&year=2025"):
            answer = clerk.get(f"{url}?{query}")
            assert answer.status_code == 400, (url, query, answer.get_json())
            error = answer.get_json()["error"]
            assert error["code"] in ("invalid_parameter", "invalid_field") and error["message"], error
        for query in ("year=2026&office=XA-A", "year=2026&office=KHONG-CO", "year=2026&format=pdf&office=XA-A"):
            answer = other.get(f"{url}?{query}")
            assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found", (url, query)
        for query in ("year=2026", "year=2026&format=pdf"):
            answer = viewer.get(f"{url}?{query}")
            assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "forbidden"
        assert client.get(f"{url}?year=2026").status_code == 401
        # another commune's clerk reads their own (empty) book
        assert other.get(f"{url}?year=2026").get_json()["rows"] == []
    assert _audit_count(services) == 0


def _hand_on(services, incoming_id: int, user_id: int) -> None:
    """TEST SETUP: the row's first main assignment (the register's receiving person and date)."""
    at = datetime(2026, 1, 7, 2, 0, tzinfo=timezone.utc)
    with services.session_factory() as db:
        unit = db.scalar(select(Unit).where(Unit.code == "XA-A"))
        db.add(Assignment(incoming_id=incoming_id, role="main", unit_id=unit.id, user_id=user_id, assigned_by=user_id,
                          assigned_at=at, received_on=at.date()))
        db.commit()


def test_incoming_register_through_the_new_endpoint(services, client, accounts, people):
    clerk = people["vt_a"]
    first = inc.register_incoming(services, clerk, typed(urgency="hoa_toc"))
    second = inc.register_incoming(services, clerk, typed(number="14", symbol="TB-UBND", doc_type="Thông báo",
                                                          abstract="Lịch tiếp công dân", issued_on=None,
                                                          arrived_at="2026-01-08T14:00"))
    secret = inc.register_incoming(services, clerk, typed(number="3", symbol="CV-CA", abstract="Tài liệu mật",
                                                          secrecy=1))
    inc.register_incoming(services, people["vt_b"], typed(number="9", symbol="KH-UBND"))  # commune B's book
    _hand_on(services, first["id"], people["cv_a"].user_id)
    leader = _api(client, accounts, "ld_a")

    body = leader.get(f"{INCOMING}?year=2026").get_json()
    assert (body["office"]["code"], body["year"], body["secret"]) == ("XA-A", 2026, False)
    assert [c["key"] for c in body["columns"]] == ["arrived_on", "arrival_number", "author", "number_symbol",
                                                   "issued_on", "type_abstract", "receiver", "handed_on",
                                                   "receipt_signature", "notes"]
    assert tuple(c["label"] for c in body["columns"]) == INCOMING_COLUMNS
    assert [r["id"] for r in body["rows"]] == [first["id"], second["id"]]
    assert body["rows"][0] == {
        "id": first["id"], "year": 2026, "status": "registered",
        "arrived_on": "2026-01-06", "arrived_on_text": "06/01/2026", "arrival_number": 1,
        "author": "UBND huyện Tân Phú", "number_symbol": "135/KH-UBND",
        "issued_on": "2026-01-05", "issued_on_text": "05/01/2026",
        "type_abstract": "Kế hoạch Triển khai số hóa hồ sơ",
        "receiver": "Lê Chuyên Viên (Ủy ban nhân dân xã A)", "handed_on": "2026-01-07", "handed_on_text": "07/01/2026",
        "receipt_signature": "", "notes": "Hỏa tốc",
    }
    assert body["rows"][1]["issued_on"] is None and body["rows"][1]["issued_on_text"] is None
    assert (body["rows"][1]["arrival_number"], body["rows"][1]["receiver"]) == (2, "")
    secret_book = leader.get(f"{INCOMING}?year=2026&secret=true").get_json()
    assert [(r["id"], r["notes"]) for r in secret_book["rows"]] == [(secret["id"], "Mật")]
    assert _api(client, accounts, "cv_a").get(f"{INCOMING}?year=2026&secret=true").get_json()["rows"] == []

    pdf = leader.get(f"{INCOMING}?year=2026&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith('attachment; filename="so-van-ban-den-')
    text = _text(pdf.data)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "135/KH-UBND" in text and "14/TB-UBND" in text
    assert "CV-CA" not in text and "9/KH-UBND" not in text
    xlsx = leader.get(f"{INCOMING}?year=2026&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype == XLSX
    header, rows = _sheet(xlsx.data, INCOMING_COLUMNS[0])
    assert header == INCOMING_COLUMNS and [r[1] for r in rows] == [1, 2] and rows[0][3] == "135/KH-UBND"


def test_both_registers_conform_to_the_openapi_document(services, client, accounts, people, live_api):  # noqa: F811
    """Schemathesis (examples, coverage, fuzzing, stateful) against both operations, as an
    administrator of commune A who sees every row of its books (the whole API's run is
    tests/api/test_openapi_conformance.py)."""
    numbered(services, 1)
    numbered(services, 2, secrecy=1)
    inc.register_incoming(services, people["vt_a"], typed())
    accounts.user("quantri_a", "admin", unit="XA-A", clearance=3)
    token = accounts.token("quantri_a")
    for path in ("/registers/outgoing", "/registers/incoming"):
        run = run_schemathesis(live_api, token, include_path=path)
        assert not run.failures and not run.errors, run.report()
        assert run.answered.get(f"GET {path}", 0) > 10, run.answered
