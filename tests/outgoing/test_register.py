"""The outgoing register (docsvc.outgoing.register) on real SQLite: the rows numbering wrote,
read with the official columns of Decree 30 under their keys, in number order; the secret book
apart and within clearance; the books of predecessor units kept by their successor; the
printed register read back with pypdf and openpyxl; the ``register-print`` command.

Numbered rows are made directly as ``OutgoingDocument`` rows (``numbered`` below, TEST SETUP:
the process use cases that number documents are written elsewhere at the same time).

Bad inputs tried: another commune's clerk naming this office (by code and by id) and an
unknown office (absent: ``OutgoingNotFound``), a viewer (``PermissionDenied``), years 1800,
2101 and ``abc``, the formats ``docx`` and ``""``, the local operator without an office; a
draft without a number, a row of another year, of another commune, of a unit below the office
and of a secret scope must not show in the book; the command with a viewer, another commune's
office and a bad format. None of the refusals leaves an audit record.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from archive.accounts import Unit, User
from archive.audit import AuditRecord
from archive.outgoing import AMENDED, LINK_AMENDS, OutgoingDocument, OutgoingLink
from docsvc.access import system_principal
from docsvc.outgoing.register import outgoing_register, outgoing_register_file
from docsvc.outgoing.register_print import HEADINGS
from docsvc.outgoing.rules import OutgoingInvalid, OutgoingNotFound
from docsvc.services.audit import PermissionDenied

COLUMN_KEYS = ["number_symbol", "issued_on", "type_abstract", "signer", "recipients", "file_keeper", "copies",
               "sent_on", "receipt_signature", "notes"]


# -- TEST SETUP: units, people, and numbered rows written directly -------------------------------

@pytest.fixture
def people(services, accounts):
    """Commune A with its office (VP-A, the drafting unit), commune B, a former commune whose
    records passed to A (XA-CU), and the people who read the registers."""
    from docsvc.accounts.services import create_unit

    with services.session_factory() as db:
        create_unit(services, db, accounts.system, "VP-A", "Văn phòng HĐND và UBND xã A", parent_code="XA-A",
                    kind="department")
        create_unit(services, db, accounts.system, "XA-CU", "Ủy ban nhân dân xã Cũ", parent_code="UBND",
                    kind="commune")
        db.commit()
    with services.session_factory() as db:  # the former commune's records are now commune A's
        units = {u.code: u for u in db.scalars(select(Unit))}
        units["XA-CU"].successor_id = units["XA-A"].id
        db.commit()
    accounts.user("vt_a", "clerk", unit="XA-A", clearance=1, full_name="Trần Thị Văn Thư")
    accounts.user("ld_a", "leader", unit="XA-A", clearance=3, full_name="Nguyễn Văn Lãnh Đạo")
    accounts.user("cv_a", "specialist", unit="XA-A", clearance=0, full_name="Lê Chuyên Viên")
    accounts.user("xem_a", "viewer", unit="XA-A", full_name="Người Xem")
    accounts.user("vt_b", "clerk", unit="XA-B", clearance=1, full_name="Phạm Văn Thư B")
    accounts.user("vt_tinh", "clerk", unit="UBND", clearance=1, full_name="Văn Thư Tỉnh")
    return {name: accounts.principal(name) for name in ("vt_a", "ld_a", "cv_a", "xem_a", "vt_b", "vt_tinh")}


def _ids(services) -> tuple[dict[str, int], dict[str, int]]:
    with services.session_factory() as db:
        return ({u.code: u.id for u in db.scalars(select(Unit))},
                {u.username: u.id for u in db.scalars(select(User))})


RECIPIENTS_A = [{"unit_id": None, "code": "XA-B", "name": "Ủy ban nhân dân xã B"}, {"name": "Sở Nội vụ tỉnh"}]


def numbered(services, seq: int | None, *, issuer: str = "XA-A", year: int = 2026, doc_type: str = "Quyết định",
             type_abbr: str | None = "QĐ", abstract: str = "Về việc ban hành quy chế số hóa hồ sơ lưu trữ",
             number_symbol: str | None = None, secrecy: int = 0, **more) -> int:
    """TEST SETUP: an outgoing document as numbering leaves it (the outgoing register's
    columns written onto the row), inserted directly; its id."""
    units, users = _ids(services)
    values = dict(
        issuer_unit_id=units[issuer], drafting_unit_id=units["VP-A"], doc_type=doc_type, type_abbr=type_abbr,
        abstract=abstract, recipients=[dict(r, unit_id=units["XA-B"]) if r.get("code") == "XA-B" else r
                                       for r in RECIPIENTS_A],
        secrecy=secrecy, signer_user_id=users["ld_a"], signed_by=users["ld_a"], state="released",
        scope="outgoing_secret" if secrecy else "outgoing", year=year if seq is not None else None, seq=seq,
        number_symbol=number_symbol or (f"{seq:02d}/{type_abbr}-UBND" if seq is not None else None),
        issued_on=date(year, 1, 5) if seq is not None else None, released_on=date(year, 1, 6) if seq else None,
        created_by=users["ld_a"])
    if seq is None:
        values.update(state="draft", signed_by=None, released_on=None)
    values.update(more)
    with services.session_factory() as db:
        doc = OutgoingDocument(**values)
        db.add(doc)
        db.commit()
        return doc.id


def _audit_count(services, action: str = "outgoing.register_print") -> int:
    with services.session_factory() as db:
        return db.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == action))


# -- the rows --------------------------------------------------------------------------------------

def test_rows_carry_the_official_columns_in_number_order(services, people):
    units, users = _ids(services)
    second = numbered(services, 2, doc_type="Công văn", type_abbr=None, abstract="V/v cử cán bộ dự tập huấn",
                      number_symbol="02/UBND-VP", copies=5, state="numbered", signed_by=None, released_on=None)
    first = numbered(services, 1)
    third = numbered(services, 3, state="withdrawn", withdrawn_note="Sai thẩm quyền ban hành", released_on=None)
    numbered(services, None)                                   # a draft: no number yet
    numbered(services, 1, year=2025)                           # another year
    numbered(services, 1, issuer="XA-B")                       # another commune's book
    numbered(services, 1, issuer="VP-A")                       # a unit below the office: not its book

    book = outgoing_register(services, people["vt_a"], year=2026)

    assert book["office"] == {"id": units["XA-A"], "code": "XA-A", "name": "Ủy ban nhân dân xã A"}
    assert (book["year"], book["secret"]) == (2026, False)
    assert [c["key"] for c in book["columns"]] == COLUMN_KEYS
    assert [c["label"] for c in book["columns"]] == list(HEADINGS)
    assert [(r["id"], r["seq"]) for r in book["rows"]] == [(first, 1), (second, 2), (third, 3)]
    assert book["rows"][0] == {
        "id": first, "seq": 1, "state": "released",
        "number_symbol": "01/QĐ-UBND", "issued_on": "2026-01-05", "issued_on_text": "05/01/2026",
        "doc_type": "Quyết định", "abstract": "Về việc ban hành quy chế số hóa hồ sơ lưu trữ",
        "type_abstract": "Quyết định về việc ban hành quy chế số hóa hồ sơ lưu trữ",
        "signer": "Nguyễn Văn Lãnh Đạo",
        "recipients": "Ủy ban nhân dân xã B, Sở Nội vụ tỉnh",
        "file_keeper": "Văn phòng HĐND và UBND xã A, Văn thư",
        "copies": 3,                                          # two recipients and the file copy
        "sent_on": "2026-01-06", "sent_on_text": "06/01/2026",
        "receipt_signature": "", "notes": "", "issuer": "Ủy ban nhân dân xã A",
    }
    dispatch = book["rows"][1]
    assert dispatch["type_abstract"] == "Công văn V/v cử cán bộ dự tập huấn"  # V/v keeps its capital
    assert dispatch["signer"] == "Nguyễn Văn Lãnh Đạo"        # the intended signer until a signature is recorded
    assert (dispatch["copies"], dispatch["sent_on"], dispatch["sent_on_text"]) == (5, None, None)
    withdrawn = book["rows"][2]
    assert withdrawn["notes"] == "Đã thu hồi: Sai thẩm quyền ban hành" and withdrawn["number_symbol"] == "03/QĐ-UBND"
    # The leader and the specialist of the same commune read the same book; an office by id too.
    assert outgoing_register(services, people["cv_a"], year=2026)["rows"] == book["rows"]
    assert outgoing_register(services, people["ld_a"], year=2026, office=units["XA-A"])["rows"] == book["rows"]
    assert [r["seq"] for r in outgoing_register(services, people["vt_a"], year=2025)["rows"]] == [1]
    assert outgoing_register(services, people["vt_a"], year=2024)["rows"] == []


def test_control_status_and_the_books_in_custody(services, people):
    """An amended document says so, with the later number; a former commune's book (its
    records passed to commune A) follows A's own; the province's clerk reads the province's
    book, not the communes' (each numbers from 01)."""
    units, users = _ids(services)
    earlier = numbered(services, 1, control_status=AMENDED)
    later = numbered(services, 2, abstract="Về việc sửa đổi quy chế số hóa hồ sơ lưu trữ")
    with services.session_factory() as db:
        db.add(OutgoingLink(from_id=later, to_id=earlier, kind=LINK_AMENDS, created_by=users["ld_a"]))
        db.commit()
    former = numbered(services, 1, issuer="XA-CU", doc_type="Thông báo", type_abbr="TB",
                      abstract="Lịch tiếp công dân", recipients=[])
    rows = outgoing_register(services, people["vt_a"], year=2026)["rows"]
    assert [(r["id"], r["number_symbol"]) for r in rows] == [(earlier, "01/QĐ-UBND"), (later, "02/QĐ-UBND"),
                                                            (former, "01/TB-UBND")]
    assert rows[0]["notes"] == "Đã được sửa đổi, bổ sung bởi văn bản số 02/QĐ-UBND"
    assert rows[1]["notes"] == ""
    assert rows[2]["notes"] == "Sổ của Ủy ban nhân dân xã Cũ" and rows[2]["issuer"] == "Ủy ban nhân dân xã Cũ"
    assert (rows[2]["recipients"], rows[2]["copies"]) == ("", 1)             # the file copy alone
    assert rows[2]["type_abstract"] == "Thông báo lịch tiếp công dân"
    assert outgoing_register(services, people["vt_tinh"], year=2026)["rows"] == []
    assert outgoing_register(services, people["vt_tinh"], year=2026, office="XA-A")["rows"] == rows


def test_secret_documents_are_their_own_register_within_clearance(services, people):
    ordinary = numbered(services, 1)
    secret = numbered(services, 1, secrecy=1, abstract="Về việc bảo vệ bí mật nhà nước")
    top = numbered(services, 2, secrecy=2, abstract="Về việc phương án phòng thủ")

    assert [r["id"] for r in outgoing_register(services, people["vt_a"], year=2026)["rows"]] == [ordinary]
    clerk = outgoing_register(services, people["vt_a"], year=2026, secret=True)   # clearance Mật
    assert clerk["secret"] is True and [r["id"] for r in clerk["rows"]] == [secret]
    assert clerk["rows"][0]["notes"] == "Mật"
    leader = outgoing_register(services, people["ld_a"], year=2026, secret=True)   # clearance Tuyệt mật
    assert [(r["id"], r["notes"]) for r in leader["rows"]] == [(secret, "Mật"), (top, "Tối mật")]
    assert outgoing_register(services, people["cv_a"], year=2026, secret=True)["rows"] == []  # no clearance
    assert [r["id"] for r in outgoing_register(services, people["cv_a"], year=2026)["rows"]] == [ordinary]


def test_refusals(services, people):
    units, _users = _ids(services)
    numbered(services, 1)
    for office in ("XA-A", units["XA-A"], str(units["XA-A"]), "KHONG-CO"):
        with pytest.raises(OutgoingNotFound):
            outgoing_register(services, people["vt_b"], year=2026, office=office)
        with pytest.raises(OutgoingNotFound):
            outgoing_register_file(services, people["vt_b"], year=2026, fmt="pdf", office=office)
    assert outgoing_register(services, people["vt_b"], year=2026)["rows"] == []  # B's own book is empty
    with pytest.raises(PermissionDenied):
        outgoing_register(services, people["xem_a"], year=2026)
    with pytest.raises(PermissionDenied):
        outgoing_register_file(services, people["xem_a"], year=2026, fmt="xlsx")
    for year in (1800, 2101, "abc"):
        with pytest.raises(OutgoingInvalid) as refused:
            outgoing_register(services, people["vt_a"], year=year)
        assert refused.value.field == "year"
    for fmt in ("docx", ""):
        with pytest.raises(OutgoingInvalid) as refused:
            outgoing_register_file(services, people["vt_a"], year=2026, fmt=fmt)
        assert refused.value.field == "format"
    with pytest.raises(OutgoingInvalid) as refused:
        outgoing_register(services, system_principal("test"), year=2026)
    assert refused.value.field == "office"
    assert len(outgoing_register(services, system_principal("test"), year=2026, office="XA-A")["rows"]) == 1
    assert _audit_count(services) == 0


# -- the printed register ------------------------------------------------------------------------

def _embedded(font) -> bool:
    face = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
    descriptor = face.get("/FontDescriptor")
    files = ("/FontFile", "/FontFile2", "/FontFile3")
    return descriptor is not None and any(k in descriptor.get_object() for k in files)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_and_xlsx_read_back(services, people):
    units, _users = _ids(services)
    numbered(services, 1)
    numbered(services, 2, doc_type="Công văn", type_abbr=None, abstract="V/v cử cán bộ dự tập huấn",
             number_symbol="02/UBND-VP", copies=5, released_on=None)
    numbered(services, 1, secrecy=1, number_symbol="01/QĐ-UBND", abstract="Về việc bảo vệ bí mật nhà nước")

    pdf, name, media = outgoing_register_file(services, people["vt_a"], year=2026, fmt="pdf")
    assert (name, media) == ("so-van-ban-di-xa-a-2026.pdf", "application/pdf")
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)                 # A4 landscape
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    fonts = [f.get_object() for p in reader.pages for f in p["/Resources"]["/Font"].values()]
    assert fonts and all(_embedded(f) for f in fonts)           # the Vietnamese fonts travel with the file
    text = _text(pdf)
    for words in ("SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Năm 2026", "ỦY BAN NHÂN DÂN XÃ A", "Số, ký hiệu văn bản", "Người ký",
                  "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ký nhận", "Ghi chú",
                  "01/QĐ-UBND", "02/UBND-VP", "Nguyễn Văn Lãnh Đạo", "Sở Nội vụ tỉnh", "05/01/2026", "Trang 1/1"):
        assert words in text, (words, text)
    assert "bảo vệ bí mật" not in text                          # the secret row is in the secret book only

    xlsx, name, media = outgoing_register_file(services, people["vt_a"], year=2026, fmt="xlsx")
    assert name == "so-van-ban-di-xa-a-2026.xlsx" and media.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == HEADINGS[0])
    assert tuple(values[header]) == HEADINGS
    assert values[header - 3][0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐI" and values[header - 2][0] == "Năm 2026"
    body = values[header + 1:]
    assert body[0] == ["01/QĐ-UBND", datetime(2026, 1, 5), "Quyết định về việc ban hành quy chế số hóa hồ sơ lưu trữ",
                       "Nguyễn Văn Lãnh Đạo", "Ủy ban nhân dân xã B, Sở Nội vụ tỉnh",
                       "Văn phòng HĐND và UBND xã A, Văn thư", 3, datetime(2026, 1, 6), None, None]
    assert body[1][0] == "02/UBND-VP" and body[1][6] == 5 and body[1][7] is None and len(body) == 2

    secret, name, _media = outgoing_register_file(services, people["vt_a"], year=2026, fmt="pdf", secret=True)
    secret_text = _text(secret)
    assert name == "so-van-ban-di-mat-xa-a-2026.pdf"
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI (MẬT)" in secret_text and "bảo vệ bí mật nhà nước" in secret_text
    assert "02/UBND-VP" not in secret_text

    empty, _name, _media = outgoing_register_file(services, people["vt_a"], year=2020, fmt="pdf")
    assert "Không có" in _text(empty)

    with services.session_factory() as db:
        printed = db.scalars(select(AuditRecord).where(AuditRecord.action == "outgoing.register_print")
                             .order_by(AuditRecord.seq)).all()
    assert [(r.actor, r.object_type, r.object_id) for r in printed] == [("vt_a", "unit", str(units["XA-A"]))] * 4
    assert [r.details for r in printed[:3]] == [
        {"office": "XA-A", "year": 2026, "secret": False, "format": "pdf", "rows": 2},
        {"office": "XA-A", "year": 2026, "secret": False, "format": "xlsx", "rows": 2},
        {"office": "XA-A", "year": 2026, "secret": True, "format": "pdf", "rows": 1}]


# -- the command ---------------------------------------------------------------------------------

def test_register_print_command(app, services, people, tmp_path):
    from docsvc.outgoing.cli_register import register_print

    numbered(services, 1)
    runner = app.test_cli_runner()

    def run(*args, user=None):
        return runner.invoke(register_print, [str(a) for a in args], env={"DOCSVC_USER": user} if user else None)

    pdf, xlsx = tmp_path / "so-di.pdf", tmp_path / "out" / "so-di.xlsx"
    done = run("--year", 2026, "--format", "pdf", "-o", pdf, user="vt_a")
    assert done.exit_code == 0, done.output
    assert str(pdf) in done.output
    text = _text(pdf.read_bytes())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and "01/QĐ-UBND" in text
    done = run("--year", 2026, "--office", "XA-A", "--format", "xlsx", "--out", xlsx)   # the local operator
    assert done.exit_code == 0, done.output
    sheet = load_workbook(xlsx).active
    assert any(row[0] == "01/QĐ-UBND" for row in sheet.iter_rows(values_only=True))
    secret = tmp_path / "mat.pdf"
    assert run("--year", 2026, "--secret", "--format", "pdf", "-o", secret, user="ld_a").exit_code == 0
    assert "(MẬT)" in _text(secret.read_bytes())

    viewer = run("--year", 2026, "--format", "pdf", "-o", tmp_path / "x.pdf", user="xem_a")
    assert viewer.exit_code == 1 and "outgoing.view" in viewer.output
    other = run("--year", 2026, "--office", "XA-A", "--format", "pdf", "-o", tmp_path / "y.pdf", user="vt_b")
    assert other.exit_code == 1 and "Không có cơ quan này" in other.output
    no_office = run("--year", 2026, "--format", "pdf", "-o", tmp_path / "z.pdf")
    assert no_office.exit_code == 1 and "office" in no_office.output
    assert run("--year", 2026, "--format", "docx", "-o", tmp_path / "w.docx", user="vt_a").exit_code == 2
    assert run("--year", 3000, "--format", "pdf", "-o", tmp_path / "v.pdf", user="vt_a").exit_code == 2
    assert not any((tmp_path / n).exists() for n in ("x.pdf", "y.pdf", "z.pdf", "w.docx", "v.pdf"))
