"""Export and import of a register book as the national package (issue 11 §7), through the
use cases of docsvc.civil.exchange and the ``export`` / ``import`` commands: real SQLite,
the real blob store, real ingest jobs (Tesseract) for the scans, packages read back with
openpyxl and pypdf."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile

import click
import pytest
from openpyxl import load_workbook
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import func, select

from archive.audit import AuditRecord
from archive.civil import RegisterBook, RegisterEntry, RegisterPage
from archive.models import Blob, Document, Job, Page
from docsvc.civil import services as civil
from docsvc.civil.entries import EntryFieldError
from docsvc.civil.exchange import ImportRefused, export_book, import_package, link_imported_pages
from docsvc.civil.exchange_cli import export_command, import_command
from docsvc.civil.package import ENTRIES_SHEET, PDF_COLUMN, PackageRefused
from docsvc.documents.queries import NotFound
from docsvc.documents.submit import submit_stream
from docsvc.services.audit import PermissionDenied
from docsvc.translations_en import CATALOG
from docsvc.worker import wait_for_jobs
from tests.civil.conftest import PURPOSE, birth

BOX = [40, 60, 300, 200]       # the first entry's region on page 1 (pixels of a 150 dpi scan)


def scan(seq: int) -> bytes:
    """A 150 dpi page with two dark blocks where entries stand."""
    img = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((BOX[0], BOX[1], BOX[0] + BOX[2] - 1, BOX[1] + BOX[3] - 1), outline=(0, 0, 0), width=3)
    draw.rectangle((40, 400 + seq * 10, 560, 700), fill=(90, 90, 90))
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(150, 150))
    return buf.getvalue()


def scanned_book(services, people) -> tuple[dict, list[int]]:
    """A birth book of XA-A with two read scans and four numbered entries (two verified, one
    over two pages, states of every kind) and one machine proposal (never exported)."""
    k1 = people.keyer1
    book = civil.add_book(services, k1, office_code="XA-A", kind="birth", year_from=2024,
                          label="Sổ khai sinh 2024 quyển 1")
    docs, jobs = [], []
    for seq in (1, 2):
        sub = submit_stream(services, io.BytesIO(scan(seq)), f"trang-{seq}.png", principal=k1, unit_code="XA-A",
                            personal_data=True, permission="civil.book")
        docs.append(sub.document_id)
        jobs.append(sub.job_id)
    with services.session_factory() as db:
        db.add_all([RegisterPage(book_id=book["id"], seq=i + 1, document_id=d) for i, d in enumerate(docs)])
        db.commit()
    assert {j.status for j in wait_for_jobs(services, jobs, timeout=600).values()} == {"done"}
    with services.session_factory() as db:
        pages = [db.scalar(select(Page.id).where(Page.document_id == d)) for d in docs]
    made = [
        civil.create_entry(services, k1, book["id"], birth(1), page_id=pages[0], box=BOX),
        civil.create_entry(services, k1, book["id"], birth(
            2, name="Trần Thị Bình", sex=2, home_town={"value": None, "state": "missing"},
            father_name={"value": None, "state": "illegible"},
            date_of_birth={"value": "2024-03-01", "state": "uncertain"}, notes="=1+1 không phải công thức"),
            page_id=pages[0], box=[40, 400, 520, 300]),
        civil.create_entry(services, k1, book["id"], birth(3, name="Lê Văn Cường"), page_id=pages[0],
                           extra_pages=[pages[1]]),
        civil.create_entry(services, k1, book["id"], birth(4, name="Phạm Thị Dung", sex=2), page_id=pages[1]),
    ]
    for entry in made[:2]:
        civil.verify_entry(services, people.keyer2, entry["id"])
    with services.session_factory() as db:
        office_id = db.scalar(select(RegisterBook.office_unit_id).where(RegisterBook.id == book["id"]))
        db.add(RegisterEntry(book_id=book["id"], office_unit_id=office_id, kind="birth", year=2024,
                             number=None, status="proposed", page_id=pages[1],
            fields={"full_name": {"value": "Máy Đọc Sai", "state": "uncertain", "confidence": 40.0}}))
        db.commit()
    return book, pages


def export_bytes(services, principal, book_id, **kw) -> bytes:
    buf = io.BytesIO()
    export_book(services, principal, book_id, buf, **kw)
    return buf.getvalue()


def members(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def pdfs(package: bytes) -> dict[str, bytes]:
    return {k: v for k, v in members(package).items() if k.endswith(".pdf")}


def rows(package: bytes) -> list[tuple]:
    xlsx = next(v for k, v in members(package).items() if k.endswith(".xlsx"))
    return [tuple(r) for r in load_workbook(io.BytesIO(xlsx))[ENTRIES_SHEET].iter_rows(values_only=True)]


def rezip(package: bytes, *, drop=(), xlsx_edit=None, put=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in drop or info.filename in (put or {}):
                continue
            if xlsx_edit and info.filename.endswith(".xlsx"):
                wb = load_workbook(io.BytesIO(data))
                xlsx_edit(wb[ENTRIES_SHEET])
                buf = io.BytesIO()
                wb.save(buf)
                data = buf.getvalue()
            dst.writestr(info.filename, data)
        for name, data in (put or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def stored(services) -> dict:
    """What the archive holds: rows of every kind an import writes, and the blob files."""
    with services.session_factory() as db:
        counts = {m.__name__: db.scalar(select(func.count()).select_from(m))
                  for m in (Document, Blob, Job, Page, RegisterBook, RegisterPage, RegisterEntry)}
    counts["files"] = sorted(services.blobs.iter_shas())
    return counts


def audit(services, action) -> list[AuditRecord]:
    with services.session_factory() as db:
        return list(db.scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq)))


@pytest.fixture
def source(services, people):
    book, pages = scanned_book(services, people)
    return book, pages, export_bytes(services, people.keyer1, book["id"])


def test_export_import_export_gives_the_same_rows_and_the_same_pdfs(services, people, source):
    book, pages, first = source
    files = members(first)
    assert sorted(files) == ["01.pdf", "02.pdf", "03.pdf", "04.pdf", "so-khai-sinh.xlsx"]  # not the proposal
    crop = PdfReader(io.BytesIO(files["01.pdf"])).pages[0]
    assert (round(float(crop.mediabox.width)), round(float(crop.mediabox.height))) == (144, 96)  # 300×200 px at 150 dpi
    assert len(PdfReader(io.BytesIO(files["03.pdf"])).pages) == 2     # an entry over two pages
    header, *body = rows(first)
    second = dict(zip(header, body[1]))
    assert second["Giới tính"] == 2 and second["Quê quán"] == "Không có thông tin"
    assert second["Ghi chú trạng thái"] == "Ngày, tháng, năm sinh: Chưa chắc chắn; Họ, chữ đệm, tên người cha: Không đọc được"

    before = stored(services)
    result = import_package(services, people.other, io.BytesIO(first), office_code="XA-B")
    assert result["entries"] == 4 and result["pages"] == 4
    assert result["ignored_columns"] == [] and result["unused_files"] == []
    new = result["book"]
    assert (new["office"]["code"], new["kind"], new["year_from"], new["label"]) == ("XA-B", "birth", 2024,
                                                                                     "Sổ khai sinh 2024 quyển 1")
    after = stored(services)
    assert after["Document"] == before["Document"] + 4 and after["RegisterEntry"] == before["RegisterEntry"] + 4
    entries = civil.list_entries(services, people.other, new["id"], purpose=PURPOSE)
    assert [(e["number"], e["status"], e["keyed_by"]) for e in entries] == [(n, "keyed", people.other.user_id)
                                                                           for n in (1, 2, 3, 4)]
    kept = entries[1]["fields"]
    assert (kept["home_town"]["state"], kept["father_name"]["state"], kept["date_of_birth"]["state"]) == (
        "missing", "illegible", "uncertain")
    with services.session_factory() as db:
        docs = list(db.scalars(select(Document).join(RegisterPage, RegisterPage.document_id == Document.id)
                               .where(RegisterPage.book_id == new["id"]).order_by(RegisterPage.seq)))
        notes = list(db.scalars(select(RegisterPage.parse_note).where(RegisterPage.book_id == new["id"],
                                                                      RegisterPage.parsed_at.is_not(None))))
    assert [(d.personal_data, d.unit_id, d.media_type) for d in docs] == [(True, people.other.unit_id,
                                                                         "application/pdf")] * 4
    assert len(notes) == 4 and "gói số hoá" in notes[0]     # marked parsed: the machine proposes nothing

    again = export_bytes(services, people.other, new["id"])
    assert rows(again) == rows(first)
    assert pdfs(again) == pdfs(first)          # each entry's PDF as it came

    # Once the imported PDFs are read, the entries stand on their pages; the export is unchanged.
    jobs = [j.id for j in wait_for_jobs(services, [_job(services, d.id) for d in docs], timeout=600).values()
            if j.status == "done"]
    assert len(jobs) == 4
    # The job's after-commit hook linked them (docsvc.worker.document_done); once only.
    assert sum(link_imported_pages(services, d.id) for d in docs) == 0
    linked = civil.list_entries(services, people.other, new["id"], purpose=PURPOSE)
    assert [e["page_ref"]["document_id"] for e in linked] == [d.id for d in docs]
    third = export_bytes(services, people.other, new["id"])
    assert rows(third) == rows(first) and pdfs(third) == pdfs(first)

    imports = audit(services, "civil.book_import")
    assert len(imports) == 1 and imports[0].object_id == str(new["id"]) and imports[0].actor == "other"
    assert imports[0].details["entries"] == 4 and imports[0].details["office"] == "XA-A"
    per_entry = audit(services, "civil.entry_import")
    assert [r.details["document_id"] for r in per_entry] == [d.id for d in docs]
    assert [r.details["row"] for r in per_entry] == [2, 3, 4, 5]


def _job(services, doc_id: int) -> int:
    with services.session_factory() as db:
        return db.scalar(select(Job.id).where(Job.document_id == doc_id))


def test_export_is_audited_and_written_to_the_personal_data_log(services, people, source):
    book, _pages, _first = source
    export_bytes(services, people.archivist, book["id"], purpose=PURPOSE)
    records = audit(services, "civil.book_export")
    assert [(r.actor, r.object_id, r.details["entries"]) for r in records] == [
        ("keyer1", str(book["id"]), 4), ("archivist", str(book["id"]), 4)]
    reads = [r for r in audit(services, "person.read") if r.details.get("what") == "package"]
    assert [(r.actor, r.details["purpose"], r.details["count"]) for r in reads] == [
        ("keyer1", "other", 4), ("archivist", "verification", 4)]
    assert reads[0].details["purpose_text"] == "Xuất gói số hoá quốc gia của sổ hộ tịch"
    assert "Trần Thị Bình" in reads[1].details["persons"] and "Máy Đọc Sai" not in reads[1].details["persons"]


def test_roles_without_person_view_or_civil_export_are_refused(services, people, source, tmp_path):
    """Tried: a clerk (no person.view: the book does not exist for them), the one-stop desk
    (person.view without civil.export), an officer of another commune (out of scope), a
    book with no entry, an entry with no scan to show, and the same refusals for import (desk: no civil.book; an
    office the importer does not hold). Nothing is written to the path or stored."""
    book, _pages, package = source
    out = tmp_path / "out.zip"
    with pytest.raises(NotFound):
        export_book(services, people.clerk1, book["id"], out)
    with pytest.raises(PermissionDenied):
        export_book(services, people.desk, book["id"], out)
    with pytest.raises(NotFound):
        export_book(services, people.other, book["id"], out)
    assert not out.exists() and [r.actor for r in audit(services, "civil.book_export")] == ["keyer1"]

    unplaced = civil.add_book(services, people.keyer1, office_code="XA-A", kind="birth", year_from=2025, label="Sổ 2025")
    with pytest.raises(civil.Conflict) as empty:
        export_book(services, people.keyer1, unplaced["id"], out)
    assert empty.value.code == "empty" and not out.exists()
    civil.create_entry(services, people.keyer1, unplaced["id"], birth(1, day="2025-01-02"))
    with pytest.raises(civil.Conflict) as no_page:
        export_book(services, people.keyer1, unplaced["id"], out)
    assert no_page.value.code == "no_page" and not out.exists()

    before = stored(services)
    with pytest.raises(NotFound):
        import_package(services, people.clerk1, io.BytesIO(package), office_code="XA-B")
    with pytest.raises(PermissionDenied):
        import_package(services, people.desk, io.BytesIO(package), office_code="XA-A")
    with pytest.raises(EntryFieldError) as office:
        import_package(services, people.other, io.BytesIO(package), office_code="XA-A")
    assert office.value.name == "office"
    assert stored(services) == before


def set_cell(column: str, row: int, value):
    def edit(ws):
        header = [c.value for c in ws[1]]
        ws.cell(row=row, column=header.index(column) + 1, value=value)
    return edit


def test_refused_packages_store_nothing(services, people, source):
    """Tried: a row whose PDF is not in the zip, a sex code 5, a registration date outside
    the book's years, and numbers already used in the office's year by an existing book
    (the source book's own office). Each is refused with its row named, before any file is
    stored: documents, blobs (rows and files), jobs, pages, books and entries unchanged."""
    _book, _pages, package = source
    before = stored(services)
    cases = [
        (rezip(package, drop=("02.pdf",)), "XA-B", PackageRefused, 3, "02.pdf"),
        (rezip(package, xlsx_edit=set_cell("Giới tính", 4, 5)), "XA-B", PackageRefused, 4, "Giới tính"),
        (rezip(package, xlsx_edit=set_cell("Ngày đăng ký", 5, "01/01/2023")), "XA-B", ImportRefused, 5,
         "Ngày đăng ký"),
        (package, "XA-A", ImportRefused, 2, "số 01 năm 2024 đã có"),
    ]
    for data, office, kind, row, words in cases:
        with pytest.raises(kind) as refused:
            import_package(services, people.keyer1 if office == "XA-A" else people.other, io.BytesIO(data),
                           office_code=office)
        assert refused.value.row == row and f"Dòng {row}" in refused.value.message and words in refused.value.message
        assert CATALOG[refused.value.template].format(**refused.value.params).startswith(f"Row {row}")
        assert stored(services) == before
    assert refused.value.code == "duplicate_number" and refused.value.existing_id is not None


def test_a_failure_after_files_were_stored_withdraws_them(services, people, source, monkeypatch):
    """Tried: a PDF the upload refuses on the third row (more pages than the archive takes,
    found only when stored) and a number another officer keys while the files are stored.
    The documents the import had made are withdrawn (rows, jobs, blobs and their files),
    each with a ``document.withdraw`` record; a document that existed before is kept."""
    _book, _pages, package = source
    three_pages = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(three_pages, "PDF", save_all=True,
                                               append_images=[Image.new("RGB", (200, 200), "white")] * 2)
    long_row = rezip(package, put={"03.pdf": three_pages.getvalue()})
    before = stored(services)
    monkeypatch.setattr(services, "settings", dataclasses.replace(services.settings, max_pages=2))
    with pytest.raises(ImportRefused) as refused:
        import_package(services, people.other, io.BytesIO(long_row), office_code="XA-B")
    assert refused.value.code == "not_stored" and refused.value.row == 4 and "03.pdf" in refused.value.message
    assert stored(services) == before
    assert len(audit(services, "document.withdraw")) == 2
    monkeypatch.undo()

    # Another officer keys number 02 of 2024 in XA-B while the files are being stored.
    import docsvc.civil.exchange as exchange

    real = exchange._store_files
    meanwhile = civil.add_book(services, people.other, office_code="XA-B", kind="birth", year_from=2024, label="Sổ B")

    def store_then_someone_keys(*args, **kwargs):
        docs = real(*args, **kwargs)
        civil.create_entry(services, people.other, meanwhile["id"], birth(2))
        return docs

    monkeypatch.setattr(exchange, "_store_files", store_then_someone_keys)
    before = stored(services)
    with pytest.raises(ImportRefused) as raced:
        import_package(services, people.other, io.BytesIO(package), office_code="XA-B")
    assert raced.value.code == "duplicate_number" and raced.value.row == 3
    now = stored(services)
    assert now == {**before, "RegisterEntry": before["RegisterEntry"] + 1}   # only the other officer's entry
    assert len(audit(services, "document.withdraw")) == 6


def test_commands_export_and_import_and_a_refusal_names_the_row(app, services, people, source, tmp_path,
                                                                monkeypatch):
    """Tried: a package whose row 3 names a PDF the zip lacks (exit 1, the row named, as
    text and as JSON, nothing stored), the same package twice (numbers taken), a clerk
    exporting; and a package with a column and a file no row uses (listed, not refused)."""
    book, _pages, _package = source
    group = click.Group("civil")
    group.add_command(export_command)
    group.add_command(import_command)
    runner = app.test_cli_runner()
    out = tmp_path / "so.zip"
    monkeypatch.setenv("DOCSVC_USER", "keyer1")
    done = runner.invoke(group, ["export", str(book["id"]), str(out), "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["entries"] == 4 and out.is_file()

    monkeypatch.setenv("DOCSVC_USER", "other")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(rezip(out.read_bytes(), drop=("02.pdf",)))
    before = stored(services)
    refused = runner.invoke(group, ["import", str(bad), "--office", "XA-B", "--json"])
    assert refused.exit_code == 1
    body = json.loads(refused.output)
    assert body["error"] == "package_refused" and body["row"] == 3
    assert body["message"].startswith("Dòng 3, cột «Tệp PDF»")
    plain = runner.invoke(group, ["import", str(bad), "--office", "XA-B"])
    assert plain.exit_code == 1 and "Dòng 3" in plain.output
    assert stored(services) == before

    def extra_column(ws):
        ws.cell(row=1, column=ws.max_column + 1, value="Người nhập")
        ws.cell(row=2, column=ws.max_column, value="Nguyễn Văn Nhập")

    other_program = tmp_path / "khac.zip"
    other_program.write_bytes(rezip(out.read_bytes(), xlsx_edit=extra_column, put={"scan/ghi-chu.txt": b"x"}))
    imported = runner.invoke(group, ["import", str(other_program), "--office", "XA-B", "--label", "Sổ nhập",
                                     "--json"])
    assert imported.exit_code == 0, imported.output
    result = json.loads(imported.output)
    assert result["entries"] == 4 and result["book"]["label"] == "Sổ nhập" and result["book"]["office"]["code"] == "XA-B"
    assert result["ignored_columns"] == ["Người nhập"] and result["unused_files"] == ["scan/ghi-chu.txt"]
    twice = runner.invoke(group, ["import", str(out), "--office", "XA-B", "--json"])
    assert twice.exit_code == 1 and json.loads(twice.output)["code"] == "duplicate_number"

    monkeypatch.setenv("DOCSVC_USER", "clerk1")
    denied = runner.invoke(group, ["export", str(book["id"]), str(tmp_path / "no.zip")])
    assert denied.exit_code == 1 and not (tmp_path / "no.zip").exists()
