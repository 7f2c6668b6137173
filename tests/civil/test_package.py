"""The national digitisation package (issue 11 §7): export → import → export gives the same
spreadsheet rows, and a bad package is refused whole with the row and column named.

Real parts throughout: Pillow page images, PDFs read back with pypdf and drawn with
pypdfium2, XLSX read with openpyxl, packages from "another program" made with openpyxl and
reportlab."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pypdfium2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from docsvc.civil.fields import FIELDS, MISSING_TEXT, STATE_LABELS, nfc, normalise
from docsvc.civil.package import (
    BOOK_SHEET, ENTRIES_SHEET, PDF_COLUMN, STATE_COLUMN, PackageBook, PackageEntry,
    PackageRefused, read_package, write_package,
)

BOOK = PackageBook(office="X01", office_name="UBND xã Tân Hòa", kind="birth", year_from=1995,
                   year_to=1995, label="Quyển 01/1995")


def page_image(size=(600, 800), box=None, fmt="PNG", dpi=150) -> bytes:
    """A white page with the entry's region painted red, so a crop can be seen."""
    img = Image.new("RGB", size, "white")
    if box:
        x, y, w, h = box
        ImageDraw.Draw(img).rectangle((x, y, x + w - 1, y + h - 1), fill=(220, 0, 0))
    buf = io.BytesIO()
    img.save(buf, fmt, dpi=(dpi, dpi))
    return buf.getvalue()


def birth_fields(**over) -> dict:
    fields = {
        "registered_on": {"value": "1995-03-14", "state": "ok"},
        "full_name": {"value": "Nguyễn Thị Hòa", "state": "ok"},
        "sex": {"value": 2, "state": "ok"},
        "date_of_birth": {"value": "1995-03-01", "state": "uncertain"},
        "place_of_birth": {"value": "Trạm y tế xã Tân Hòa", "state": "ok"},
        "ethnicity": {"value": "Kinh", "state": "ok"},
        "nationality": {"value": "Việt Nam", "state": "ok"},
        "personal_id": {"value": None, "state": "missing"},
        "mother_name": {"value": "Trần Thị Lan", "state": "ok"},
        "mother_birth_year": {"value": 1970, "state": "ok"},
        "father_name": {"value": None, "state": "illegible"},
        "registration_kind": {"value": 1, "state": "ok"},
        "notes": {"value": "=SUM(A1:A2) không phải công thức", "state": "ok"},
    }
    fields.update(over)
    return fields


def sheet_rows(package: bytes, sheet: str = ENTRIES_SHEET) -> list[tuple]:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".xlsx"))
        wb = load_workbook(io.BytesIO(zf.read(name)))
    return [tuple(row) for row in wb[sheet].iter_rows(values_only=True)]


def export(book, entries) -> bytes:
    buf = io.BytesIO()
    write_package(buf, book, entries)
    return buf.getvalue()


def reexport(package: bytes) -> bytes:
    """What a use case does with an imported book: store the rows, export them again (the
    imported PDF stands for the page images)."""
    read = read_package(io.BytesIO(package))
    return export(read.book, [PackageEntry(r.number, r.fields, [r.pdf]) for r in read.rows])


def rezip(package: bytes, *, drop=(), put=None, xlsx_edit=None) -> bytes:
    """A copy of ``package`` with members dropped, added or replaced, or its XLSX edited."""
    put = dict(put or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in drop or info.filename in put:
                continue
            if xlsx_edit and info.filename.endswith(".xlsx"):
                wb = load_workbook(io.BytesIO(data))
                xlsx_edit(wb)
                buf = io.BytesIO()
                wb.save(buf)
                data = buf.getvalue()
            dst.writestr(info.filename, data)
        for name, data in put.items():
            dst.writestr(name, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def package() -> bytes:
    entries = [
        PackageEntry(1, birth_fields(), [page_image(box=(100, 200, 300, 150))], box=(100, 200, 300, 150)),
        PackageEntry(2, birth_fields(full_name={"value": "Lê Văn Đức", "state": "ok"}, sex={"value": 1, "state": "ok"}),
                     [page_image(fmt="JPEG"), page_image(fmt="TIFF")]),
        PackageEntry(123, birth_fields(sex={"value": None, "state": "missing"},
                                       registration_kind={"value": None, "state": "missing"}),
                     [page_image()]),
    ]
    return export(BOOK, entries)


def test_export_writes_one_pdf_per_entry_named_by_number_and_the_rows_in_national_codes(package):
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        names = sorted(zf.namelist())
        pdfs = {n: zf.read(n) for n in names if n.endswith(".pdf")}
    assert names == ["01.pdf", "02.pdf", "123.pdf", "so-khai-sinh.xlsx"]
    rows = sheet_rows(package)
    labels = [f.label for f in FIELDS["birth"]]
    assert list(rows[0]) == labels + [PDF_COLUMN, STATE_COLUMN]
    first = dict(zip(rows[0], rows[1]))
    assert first["Số"] == 1 and first["Giới tính"] == 2 and first["Loại đăng ký"] == 1
    assert first["Ngày đăng ký"] == "14/03/1995" and first["Năm sinh của mẹ"] == 1970
    assert first["Số định danh cá nhân"] == MISSING_TEXT
    assert first["Họ, chữ đệm, tên người cha"] is None      # illegible, nothing read
    assert first["Ghi chú"] == "=SUM(A1:A2) không phải công thức"  # text, not a formula
    assert first[STATE_COLUMN] == ("Ngày, tháng, năm sinh: Chưa chắc chắn; "
                                   "Họ, chữ đệm, tên người cha: Không đọc được")
    assert first[PDF_COLUMN] == "01.pdf"
    last = dict(zip(rows[0], rows[3]))
    assert last["Số"] == 123 and last["Giới tính"] == 0 and last["Loại đăng ký"] == 0
    assert last[PDF_COLUMN] == "123.pdf"
    assert sheet_rows(package, BOOK_SHEET)[1:] == [
        ("Mã cơ quan đăng ký", "X01"), ("Tên cơ quan đăng ký", "UBND xã Tân Hòa"),
        ("Loại sổ", "khai sinh"), ("Từ năm", 1995), ("Đến năm", 1995), ("Tên quyển sổ", "Quyển 01/1995")]

    # The first entry is cropped to its region: a 300x150 px page at 150 dpi, all red.
    cropped = PdfReader(io.BytesIO(pdfs["01.pdf"])).pages
    assert len(cropped) == 1
    assert (round(float(cropped[0].mediabox.width)), round(float(cropped[0].mediabox.height))) == (144, 72)
    drawn = pypdfium2.PdfDocument(pdfs["01.pdf"])[0].render(scale=1).to_pil().convert("RGB")
    r, g, b = drawn.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert r > 180 and g < 60 and b < 60
    # Without a box, the whole page; an entry on two pages has two PDF pages.
    whole = PdfReader(io.BytesIO(pdfs["02.pdf"])).pages
    assert len(whole) == 2
    assert (round(float(whole[0].mediabox.width)), round(float(whole[0].mediabox.height))) == (288, 384)


def test_export_import_export_gives_the_same_rows(package):
    read = read_package(io.BytesIO(package))
    assert read.book == BOOK
    assert [r.number for r in read.rows] == [1, 2, 123]
    assert read.rows[0].fields["date_of_birth"] == {"value": "1995-03-01", "state": "uncertain"}
    assert read.rows[0].fields["father_name"] == {"value": None, "state": "illegible"}
    assert read.rows[0].fields["personal_id"] == {"value": None, "state": "missing"}
    assert read.rows[0].fields["home_town"] == {"value": None, "state": "missing"}  # absent field
    assert read.rows[0].fields["full_name"] == {"value": "Nguyễn Thị Hòa", "state": "ok"}
    assert read.rows[2].fields["sex"] == {"value": None, "state": "missing"}
    assert len(PdfReader(io.BytesIO(read.rows[1].pdf)).pages) == 2
    again = reexport(package)
    assert sheet_rows(again) == sheet_rows(package)
    assert sheet_rows(again, BOOK_SHEET) == sheet_rows(package, BOOK_SHEET)
    assert sheet_rows(reexport(again)) == sheet_rows(package)


def test_export_to_a_path_and_read_from_a_path(tmp_path, package):
    out = tmp_path / "so.zip"
    write_package(out, BOOK, [PackageEntry(5, birth_fields(), [page_image()])])
    assert [p.name for p in tmp_path.iterdir()] == ["so.zip"]      # no .part left behind
    assert [r.number for r in read_package(out).rows] == [5]
    assert [r.number for r in read_package(str(out)).rows] == [5]


# -- the round trip over generated values --------------------------------------------------

VIET = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
TEXT = st.text(alphabet=VIET + VIET.upper() + " ,.;:/=-0123456789'\"()", min_size=1, max_size=40)


def _value(spec):
    return {
        "text": TEXT, "date": st.dates().map(lambda d: d.isoformat()),
        "year": st.integers(1850, 2100), "time": st.times().map(lambda t: t.strftime("%H:%M")),
        "sex": st.sampled_from([1, 2, 3]), "registration_kind": st.sampled_from([0, 1, 2, 3, 4]),
        "marriage_kind": st.sampled_from(["first", "again"]),
    }[spec.type]


@st.composite
def entries(draw, kind):
    numbers = draw(st.lists(st.integers(1, 2000), min_size=1, max_size=4, unique=True))
    result = []
    for number in numbers:
        fields = {}
        for spec in FIELDS[kind][1:]:
            state = draw(st.sampled_from(["ok", "ok", "missing", "illegible", "uncertain", "absent"]))
            if state == "absent":
                continue
            value = None if state == "missing" else draw(st.none() | _value(spec)) if state != "ok" \
                else draw(_value(spec))
            if value is not None:
                value = normalise(kind, spec.key, value)
            fields[spec.key] = {"value": value, "state": state}
        result.append(PackageEntry(number, fields, [TINY]))
    return result


TINY = page_image(size=(8, 8))


@pytest.mark.parametrize("kind", ["birth", "death", "marriage"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip_keeps_every_generated_value_and_state(kind, data):
    """Generated: Vietnamese text with ';', ':', '=' and quotes, every date, time, year and
    code, each field ok / missing / illegible / uncertain (with or without a value) / absent."""
    generated = data.draw(entries(kind))
    book = PackageBook("X01", "Xã Đông Hòa", kind, 2001, 2002, nfc(data.draw(TEXT)) or None)
    first = export(book, generated)
    read = read_package(io.BytesIO(first))
    assert read.book == book
    for entry, row in zip(sorted(generated, key=lambda e: e.number), read.rows):
        assert row.number == entry.number
        for key, item in entry.fields.items():
            value, state = item["value"], item["state"]
            if key == "registration_kind" and value == 0:
                value, state = None, ("missing" if state == "ok" else state)
            if state == "ok" and value is None:
                state = "missing"
            if isinstance(value, str) and value.casefold() == MISSING_TEXT.casefold():
                value, state = None, ("missing" if state == "ok" else state)
            expected = {"value": None if state == "missing" else value, "state": state}
            assert row.fields[key] == expected, key
    assert sheet_rows(reexport(first)) == sheet_rows(first)


# -- a package made by another program -----------------------------------------------------

def reportlab_pdf(text: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_a_package_from_another_program_is_matched_by_header_text():
    """Another tool: columns in another order, headers in other case and spacing, extra
    columns, no book sheet, dates as real spreadsheet dates, sex as a word, numbers as
    floats, entry numbers as text with a leading zero, a title above the header, PDFs (made
    by reportlab) in a folder named with a backslash."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["DANH SÁCH KHAI TỬ NĂM 2003"])                # a title above the header
    ws.append([])
    labels = [f.label for f in FIELDS["death"]]
    header = ["STT", "tệp pdf"] + list(reversed(labels)) + ["Người nhập"]
    header[header.index("Họ, chữ đệm, tên người chết")] = "  HỌ,  CHỮ ĐỆM, TÊN NGƯỜI CHẾT "
    ws.append(header)
    values = {"Số": "07", "Ngày đăng ký": datetime(2003, 5, 6), "Họ, chữ đệm, tên người chết": "Phạm Văn Bình",
              "Giới tính": "Nam", "Ngày chết": "05/05/2003", "Giờ chết": "14:30", "Loại đăng ký": 4.0,
              "Số định danh cá nhân": 31203004567.0, "Dân tộc": "Không có thông tin"}
    ws.append([1, "pdf/07.pdf"] + [values.get(label) for label in reversed(labels)] + ["lan"])
    ws.append([None] * len(header))                       # an empty row is skipped
    xlsx = io.BytesIO()
    wb.save(xlsx)
    pkg = io.BytesIO()
    with zipfile.ZipFile(pkg, "w") as zf:
        zf.writestr("danh-sach.xlsx", xlsx.getvalue())
        zf.writestr("pdf\\07.pdf", reportlab_pdf("Phạm Văn Bình"))  # a Windows zip's separator
        zf.writestr("pdf/08.pdf", reportlab_pdf("not listed"))
    read = read_package(io.BytesIO(pkg.getvalue()))
    assert read.book.kind == "death" and read.book.year_from == 2003 and read.book.office is None
    assert read.ignored_columns == ["STT", "Người nhập"]
    assert read.unused_files == ["pdf/08.pdf"]
    [row] = read.rows
    assert row.number == 7 and row.row == 4 and row.pdf_name == "pdf\\07.pdf"
    assert row.fields["registered_on"] == {"value": "2003-05-06", "state": "ok"}
    assert row.fields["full_name"] == {"value": "Phạm Văn Bình", "state": "ok"}
    assert row.fields["sex"] == {"value": 1, "state": "ok"}
    assert row.fields["registration_kind"] == {"value": 4, "state": "ok"}
    assert row.fields["time_of_death"] == {"value": "14:30", "state": "ok"}
    assert row.fields["personal_id"] == {"value": "31203004567", "state": "ok"}
    assert row.fields["ethnicity"] == {"value": None, "state": "missing"}
    assert PdfReader(io.BytesIO(row.pdf)).pages[0].extract_text().startswith("Ph")


# -- refused packages ----------------------------------------------------------------------

def refused(data: bytes, **kw) -> PackageRefused:
    with pytest.raises(PackageRefused) as caught:
        read_package(io.BytesIO(data), **kw)
    return caught.value


def set_cell(column_label: str, row: int, value):
    def edit(wb):
        ws = wb[ENTRIES_SHEET]
        header = [c.value for c in ws[1]]
        ws.cell(row, header.index(column_label) + 1).value = value
    return edit


def test_not_a_zip_is_refused():
    """Tried: a PDF, empty bytes, a truncated package."""
    assert refused(reportlab_pdf("x")).row is None
    assert "zip" in refused(b"").message
    assert refused(b"PK\x03\x04garbage").row is None


def test_a_package_without_a_spreadsheet_or_with_two_is_refused(package):
    assert "XLSX" in refused(rezip(package, drop=["so-khai-sinh.xlsx"])).message
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        xlsx = zf.read("so-khai-sinh.xlsx")
    assert "nhiều tệp XLSX" in refused(rezip(package, put={"khac.xlsx": xlsx})).message
    assert "XLSX" in refused(rezip(package, put={"so-khai-sinh.xlsx": b"not a workbook"})).message


def test_missing_or_repeated_header_columns_are_refused(package):
    """Tried: the sex column renamed, the PDF column removed, a column given twice."""
    err = refused(rezip(package, xlsx_edit=lambda wb: setattr(wb[ENTRIES_SHEET]["D1"], "value", "Giới")))
    assert err.row == 1 and "«Giới tính»" in err.message
    err = refused(rezip(package, xlsx_edit=set_cell(PDF_COLUMN, 1, None)))
    assert err.row == 1 and f"«{PDF_COLUMN}»" in err.message
    err = refused(rezip(package, xlsx_edit=set_cell(STATE_COLUMN, 1, "Giới tính")))
    assert err.row == 1 and "hai lần" in err.message


def test_a_row_whose_pdf_is_missing_is_refused_with_the_row_named(package):
    err = refused(rezip(package, drop=["02.pdf"]))
    assert err.row == 3 and "Dòng 3" in err.message and "02.pdf" in err.message and PDF_COLUMN in err.message
    err = refused(rezip(package, xlsx_edit=set_cell(PDF_COLUMN, 4, None)))
    assert err.row == 4


@pytest.mark.parametrize("column,value,words", [
    ("Giới tính", 5, "Giới tính"),
    ("Giới tính", "đực", "Giới tính"),
    ("Loại đăng ký", 9, "Loại đăng ký"),
    ("Ngày đăng ký", "31/02/1995", "Ngày không có thật"),
    ("Ngày, tháng, năm sinh", "hôm qua", "dd/mm/yyyy"),
    ("Năm sinh của mẹ", "một nghìn", "Phải là một số"),
    ("Số", "mười", "Phải là một số"),
    ("Số", None, "thiếu số"),
])
def test_a_bad_code_or_value_refuses_the_whole_package(package, column, value, words):
    """Tried: sex 5 and a word that is no sex, registration kind 9, 31 February, a date in
    words, a year in words, an entry number in words, no entry number."""
    err = refused(rezip(package, xlsx_edit=set_cell(column, 3, value)))
    assert err.row == 3 and f"Dòng 3, cột «{column}»" in err.message and words in err.message


def test_a_state_note_that_cannot_be_read_is_refused(package):
    """Tried: an unknown state word, an unknown column label, a missing state on a value,
    an uncertain entry number, a label without a state."""
    for note in ("Giới tính: mờ", "Cân nặng: Không đọc được", "Họ, chữ đệm, tên: Không có thông tin",
                 "Số: Chưa chắc chắn", "Giới tính"):
        err = refused(rezip(package, xlsx_edit=set_cell(STATE_COLUMN, 2, note)))
        assert err.row == 2 and "Dòng 2" in err.message


def test_duplicate_entry_numbers_are_refused(package):
    err = refused(rezip(package, xlsx_edit=set_cell("Số", 4, 2)))
    assert err.row == 4 and "trùng với dòng 3" in err.message


def test_a_pdf_that_is_not_a_pdf_is_refused(package):
    """Tried: a PNG named 02.pdf, a file that starts like a PDF and is not one."""
    err = refused(rezip(package, put={"02.pdf": page_image()}))
    assert err.row == 3 and "không phải là PDF" in err.message
    err = refused(rezip(package, put={"02.pdf": b"%PDF-1.7\nnothing else"}))
    assert err.row == 3


def test_unsafe_member_names_are_refused(package):
    """Tried: a parent-directory path, an absolute path, a Windows drive path."""
    for name in ("../01.pdf", "/etc/01.pdf", "C:/01.pdf", "pdf/../../x.pdf"):
        err = refused(rezip(package, put={name: b"x"}))
        assert err.row is None and "không an toàn" in err.message


def test_too_many_members_or_too_many_bytes_are_refused(package):
    """Tried: more members than allowed, a small package over a byte limit, and a zip bomb
    (64 MB of zeros in under 100 kB) inside the XLSX itself."""
    assert "quá nhiều tệp" in refused(package, max_members=3).message
    assert "quá lớn" in refused(package, max_bytes=10_000).message
    many = rezip(package, put={f"extra/{i}.txt": b"" for i in range(30)})
    assert "quá nhiều tệp" in refused(many, max_members=20).message

    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        xlsx = zf.read("so-khai-sinh.xlsx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/media/zeros.bin", b"\0" * 64_000_000)
    assert len(bomb.getvalue()) < 200_000
    err = refused(rezip(package, put={"so-khai-sinh.xlsx": bomb.getvalue()}), max_bytes=32_000_000)
    assert "quá lớn" in err.message


def test_a_spreadsheet_with_xml_entities_is_refused(package):
    """Tried: a DOCTYPE with an entity in the first sheet (the billion-laughs shape)."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        xlsx = zf.read("so-khai-sinh.xlsx")
    evil = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE worksheet [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + data
            dst.writestr(info.filename, data)
    assert "không an toàn" in refused(rezip(package, put={"so-khai-sinh.xlsx": evil.getvalue()})).message


def test_refusal_messages_have_an_english_translation(package):
    from docsvc.translations_en import CATALOG

    err = refused(rezip(package, xlsx_edit=set_cell("Giới tính", 3, 5)))
    assert err.template in CATALOG
    assert CATALOG[err.template].format(**err.params).startswith("Row 3, column «Giới tính»")
    assert STATE_LABELS["illegible"] in sheet_rows(package)[1][-1]


def test_an_empty_list_of_entries_is_refused(package):
    """Tried: a spreadsheet with the header row only."""
    def keep_header(wb):
        wb[ENTRIES_SHEET].delete_rows(2, 10)
    err = refused(rezip(package, xlsx_edit=keep_header))
    assert "không có mục nào" in err.message


def test_odd_scans_and_odd_text_still_export_and_round_trip():
    """Tried: a 16-bit grey TIFF, a palette PNG with transparency, a JPEG that states a
    density of 1 dpi, a box partly outside the page and one wholly outside it, text with a
    control character, text that is only the missing marker in another case, an uncertain
    field whose value is the marker."""
    grey16 = io.BytesIO()
    Image.new("I;16", (40, 60), 30000).save(grey16, "TIFF")
    palette = io.BytesIO()
    Image.new("P", (40, 60), 3).save(palette, "PNG", transparency=3)
    fields = birth_fields(full_name={"value": "Lê\x01 Thị Mai", "state": "ok"},
                          home_town={"value": "không có thông tin", "state": "ok"},
                          place_of_birth={"value": MISSING_TEXT, "state": "uncertain"})
    pkg = export(BOOK, [
        PackageEntry(1, fields, [grey16.getvalue()], box=(-10, -10, 30, 30)),
        PackageEntry(2, fields, [palette.getvalue(), page_image(fmt="JPEG", dpi=1)], box=(500, 500, 9, 9)),
    ])
    rows = sheet_rows(pkg)
    first = dict(zip(rows[0], rows[1]))
    assert first["Họ, chữ đệm, tên"] == "Lê Thị Mai"
    assert first["Quê quán"] == MISSING_TEXT and first["Nơi sinh"] is None
    assert "Nơi sinh: Chưa chắc chắn" in first[STATE_COLUMN]
    with zipfile.ZipFile(io.BytesIO(pkg)) as zf:
        one, two = PdfReader(io.BytesIO(zf.read("01.pdf"))).pages, PdfReader(io.BytesIO(zf.read("02.pdf"))).pages
    assert round(float(one[0].mediabox.width)) == round(20 / 300 * 72, 0)   # cropped to the page
    assert len(two) == 2 and round(float(two[1].mediabox.width)) == round(600 / 300 * 72)
    assert sheet_rows(reexport(pkg)) == rows


def test_export_refuses_what_it_could_not_import_again():
    """Tried: a stored date that is no date, a field of another kind, an entry without a page."""
    with pytest.raises(ValueError, match="date_of_birth"):
        export(BOOK, [PackageEntry(1, birth_fields(date_of_birth={"value": "1995-02-30", "state": "ok"}), [TINY])])
    with pytest.raises(ValueError, match="husband_name"):
        export(BOOK, [PackageEntry(1, {"husband_name": {"value": "A", "state": "ok"}}, [TINY])])
    with pytest.raises(ValueError, match="page image"):
        export(BOOK, [PackageEntry(1, birth_fields(), [])])


def test_export_reads_entries_one_at_a_time_and_lists_them_in_number_order(tmp_path):
    """Tried: entries from a generator, out of order; a generator that yields a number twice
    (the export to a path then leaves no file)."""
    loaded = []

    def stored():
        for number in (12, 3, 7):
            loaded.append(number)
            yield PackageEntry(number, birth_fields(), [page_image(size=(20, 20))])

    rows = sheet_rows(export(BOOK, stored()))
    assert loaded == [12, 3, 7] and [r[0] for r in rows[1:]] == [3, 7, 12]
    assert [r[-2] for r in rows[1:]] == ["03.pdf", "07.pdf", "12.pdf"]
    twice = (PackageEntry(n, birth_fields(), [TINY]) for n in (1, 2, 1))
    with pytest.raises(ValueError, match="twice"):
        write_package(tmp_path / "x.zip", BOOK, twice)
    assert list(tmp_path.iterdir()) == []


def test_a_book_whose_year_cannot_be_told_is_refused(package):
    """Tried: no book sheet and no registration dates; an end year before the start year."""
    def no_book_no_dates(wb):
        del wb[BOOK_SHEET]
        for row in range(2, 5):
            set_cell("Ngày đăng ký", row, None)(wb)
    assert "năm nào" in refused(rezip(package, xlsx_edit=no_book_no_dates)).message

    def backwards(wb):
        wb[BOOK_SHEET]["B6"] = 1990
    assert "trước «Từ năm» (1995)" in refused(rezip(package, xlsx_edit=backwards)).message

    def bad_kind(wb):
        wb[BOOK_SHEET]["B4"] = "khai báo"
    err = refused(rezip(package, xlsx_edit=bad_kind))
    assert err.row == 4 and "Loại sổ" in err.message


def test_a_formula_no_program_computed_is_refused_not_read_as_missing(package):
    """Tried: another program's sheet with `=UPPER(...)` in the name column and no computed
    value (openpyxl writes formulas without one): read as is, it would be a missing name."""
    err = refused(rezip(package, xlsx_edit=set_cell("Họ, chữ đệm, tên", 3, '=UPPER("Lê Văn Đức")')))
    assert err.row == 3 and "công thức" in err.message and "cột C" in err.message
