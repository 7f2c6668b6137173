"""Export and import of a register book as the national digitisation package (issue 11 §7;
the format: docs/civil-package.md, ``docsvc.civil.package``).

``export_book`` writes the numbered ``keyed`` and ``verified`` entries of a book, each with
its page images (cropped to its region when known), to a package; it reads personal data,
so it is logged to the personal-data log with its purpose, besides its audit record.

``import_package`` stores a package as a new book of ``keyed`` entries (field states kept).
All or nothing:

1. ``read_package`` checks the whole package (a refusal stores nothing);
2. the office, the book's years, each row's year and every entry number against the
   office's numbers (``ImportRefused`` naming the row) are checked before any file is stored;
3. each row's PDF goes through the ordinary upload (``docsvc.documents.submit``) as a
   personal-data document held by the office;
4. the book, its pages and its entries are written in one unit of work with their audit
   records.

Should step 3 or 4 fail (a PDF the upload refuses, a number taken meanwhile by another
writer, a database error), the documents this import made are withdrawn again — rows, jobs
and the blobs no one else holds — and a ``document.withdraw`` record says why; documents
that existed before the import (the same bytes) are left as they were.

Where an imported entry stands: each PDF is a page of the new book (a ``RegisterPage``,
marked parsed so the machine never proposes entries from it), and the entry's own audit
record (``civil.entry_import``) names its document. That is the link the export uses: an
imported entry exports the PDF it came with, byte for byte. Once the document is read, the
entry is also linked to its pages (``page_id``, ``extra_pages``) by ``link_imported_pages``
(at import for a document already read; the job runner's after-commit hook should call it
for the others), so the workbench shows the page beside the entry. Those helpers live in
``docsvc.civil.imported``.
"""

from __future__ import annotations

import io
import logging
import os
import posixpath
from dataclasses import dataclass
from typing import IO, Any, Iterable

from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from archive.accounts import Unit
from archive.civil import RegisterBook, RegisterEntry, RegisterPage
from archive.models import Document, Page, utcnow
from docsvc.access import Principal
from docsvc.audit.personal import Purpose, record_personal_read
from docsvc.civil import fields as contract
from docsvc.civil.entries import EntryFieldError, merged, read_fields, subject_name
from docsvc.civil.imported import IMPORT_ACTION, imported_documents, link_imported_pages, read_pages, \
    withdraw_documents
from docsvc.civil.numbering import holder_of
from docsvc.civil.package import PackageBook, PackageEntry, PackageRefused, read_package, write_package
from docsvc.civil.package_format import N_
from docsvc.civil.rules import Conflict, _audit, _begin_write, _book, _book_view, _feed, _held, _lock_office, \
    _require, _year
from docsvc.documents.submit import SubmissionRefused, submit_stream
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services
from ingest.errors import IngestError

log = logging.getLogger(__name__)

__all__ = ["EXPORT_PURPOSE", "ImportRefused", "export_book", "import_package", "link_imported_pages"]

#: The purpose logged for an export when the caller names none: the export is itself the
#: reason the personal data is read (the national digitisation of the book).
EXPORT_PURPOSE = Purpose("other", "Xuất gói số hoá quốc gia của sổ hộ tịch")
EXPORTED = ("keyed", "verified")


class ImportRefused(PackageRefused):
    """A package that reads well but cannot be stored as it is: ``code`` ``duplicate_number``
    (``existing_id``: the entry holding the number), ``outside_years``, ``bad_years``,
    ``not_stored`` (the upload refused a row's PDF). ``row`` and ``message`` as in
    ``PackageRefused`` (the spreadsheet row, the message naming it in Vietnamese)."""

    def __init__(self, row: int | None, code: str, template: str, /, existing_id: int | None = None, **params):
        super().__init__(row, template, **params)
        self.code, self.existing_id = code, existing_id


# -- export ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Scan:
    sha256: str                      # a page's display image, or a document's original as it is
    width: int | None = None         # the page's size in the pixels its boxes use (None: as is)
    dpi: int | None = None
    box: tuple | None = None         # the entry's region, in those pixels


@dataclass(frozen=True)
class _Planned:
    number: int
    fields: dict
    scans: list[_Scan]


def export_book(services: Services, principal: Principal, book_id: int, out: str | os.PathLike | IO[bytes], *,
                purpose: Purpose | None = None) -> dict:
    """Write the national package of a book to ``out`` (a path or a binary file): its
    numbered ``keyed`` and ``verified`` entries in number order, each with its page images
    (archive ``Page.image_sha256``, the first cropped to the entry's box; the page
    document's original when a page has no image; an imported entry's own PDF as it came).
    Needs ``civil.export`` (and ``person.view``: else ``NotFound``); the book in the
    principal's scope. Conflict ``empty`` for a book with nothing to export, ``no_page`` for
    an entry with no scan to show,
    ``duplicate_number`` for a book of several years whose numbers repeat (the package names
    each PDF by number), ``export_refused`` for a stored value the format cannot hold.
    Logs the read (``person.read``, what ``package``) with ``purpose`` (``EXPORT_PURPOSE``
    when none is given) and appends ``civil.book_export``. Returns ``{"book": id, "entries": n}``."""
    _require(principal, "civil.export")
    purpose = purpose or EXPORT_PURPOSE
    with services.uow() as uow:
        session = uow.session
        book = _book(session, principal, book_id)
        office = session.get(Unit, book.office_unit_id)
        meta = PackageBook(office=office.code, office_name=office.name, kind=book.kind, year_from=book.year_from,
                           year_to=book.year_to, label=book.label)
        entries = list(session.scalars(
            select(RegisterEntry).where(RegisterEntry.book_id == book.id, RegisterEntry.status.in_(EXPORTED),
                                        RegisterEntry.number.is_not(None))
            .order_by(RegisterEntry.number, RegisterEntry.year)))
        if not entries:
            raise Conflict("empty", "Sổ chưa có mục nào đã nhập hoặc đã kiểm tra: không có gì để xuất.")
        plan = _export_plan(session, entries)
        names = [n for n in (subject_name(e) for e in entries) if n]
    try:
        write_package(out, meta, _package_entries(services, plan))
    except ValueError as exc:
        raise Conflict("export_refused", f"Không xuất được gói: {exc}") from None
    with services.uow() as uow:
        record(services, uow.session, principal, "civil.book_export", object_type="register_book", object_id=book_id,
               details={"entries": len(plan), "first": plan[0].number, "last": plan[-1].number})
        uow.commit()
    record_personal_read(services, principal, purpose, what="package", object_type="register_book",
                         object_id=book_id, count=len(plan), persons=names[:200] or None)
    return {"book": book_id, "entries": len(plan)}


def _export_plan(session, entries: list[RegisterEntry]) -> list[_Planned]:
    seen: dict[int, RegisterEntry] = {}
    for entry in entries:
        if entry.number in seen:
            raise Conflict("duplicate_number",
                           f"Số {entry.number:02d} có ở cả năm {seen[entry.number].year} và năm {entry.year} của sổ: "
                           "gói số hoá đặt tên tệp PDF theo số nên không xuất được sổ này.",
                           existing_id=seen[entry.number].id)
        seen[entry.number] = entry
    own = imported_documents(session, [e.id for e in entries])
    page_ids = {p for e in entries for p in [e.page_id, *(e.extra_pages or [])] if isinstance(p, int)}
    pages = {p.id: p for p in session.scalars(select(Page).where(Page.id.in_(page_ids)))} if page_ids else {}
    doc_ids = set(own.values()) | {p.document_id for p in pages.values()}
    originals = {doc_id: sha for doc_id, sha in session.execute(
        select(Document.id, Document.sha256).where(Document.id.in_(doc_ids)))} if doc_ids else {}
    plan = []
    for entry in entries:
        fields = {k: {"value": v.get("value"), "state": v.get("state")} for k, v in (entry.fields or {}).items()}
        if entry.id in own and own[entry.id] in originals:
            plan.append(_Planned(entry.number, fields, [_Scan(originals[own[entry.id]])]))
            continue
        scans: list[_Scan] = []
        for pid in [entry.page_id, *(entry.extra_pages or [])]:
            page = pages.get(pid)
            if page is None:
                continue
            if page.image_sha256:
                box = tuple(entry.box) if entry.box and pid == entry.page_id else None
                scan = _Scan(page.image_sha256, page.width, page.dpi, box)
            else:
                scan = _Scan(originals[page.document_id])
            if scan not in scans:
                scans.append(scan)
        if not scans:
            raise Conflict("no_page", f"Mục số {entry.number:02d} chưa gắn với trang quét nào nên không xuất được; "
                                      "hãy chọn trang của mục trên bàn nhập liệu.", existing_id=entry.id)
        plan.append(_Planned(entry.number, fields, scans))
    return plan


def _package_entries(services: Services, plan: list[_Planned]) -> Iterable[PackageEntry]:
    """One entry's scans in memory at a time (write_package reads the entries once)."""
    for item in plan:
        yield PackageEntry(item.number, item.fields, [_scan_bytes(services.blobs.read(s.sha256), s) for s in item.scans])


def _scan_bytes(data: bytes, scan: _Scan) -> bytes:
    """A page's display image as the package should show it: the ingest pipeline keeps a
    screen-sized JPEG without its density, while the page's boxes and ``dpi`` refer to the
    scan's own pixels. The region is cropped here (scaled to the image) and the density
    the image has at that size is stated, so each PDF page keeps the paper's size."""
    if scan.box is None and not scan.dpi:
        return data
    with Image.open(io.BytesIO(data)) as img:
        scale = img.width / scan.width if scan.width else 1.0
        frame = img.copy()
    if scan.box is not None:
        x, y, w, h = (float(v) * scale for v in scan.box)
        left, top = max(0, round(x)), max(0, round(y))
        right, bottom = min(frame.width, round(x + w)), min(frame.height, round(y + h))
        if right > left and bottom > top:
            frame = frame.crop((left, top, right, bottom))
    out = io.BytesIO()
    frame.save(out, "PNG", dpi=(scan.dpi * scale,) * 2 if scan.dpi else None)
    return out.getvalue()


@dataclass(frozen=True)
class _Row:
    row: int
    number: int
    year: int
    fields: dict
    pdf: bytes
    pdf_name: str


def import_package(services: Services, principal: Principal, source: Any, *, office_code: str,
                   label: str | None = None) -> dict:
    """Store a national package (a path or a binary file) as a new book of ``office_code``
    (a unit the principal holds) with every row a ``keyed`` entry, its field states as the
    package gives them, keyed by the principal; each row's PDF a personal-data document of
    the office and a page of the book. ``label``: the book's name (else the package's, else
    one made from the kind and years). Needs ``civil.book`` and ``civil.key``.

    Refusals, with nothing stored: ``PackageRefused`` (read_package: the package is bad),
    ``ImportRefused`` (a number the office's year already has, a date outside the book's
    years, a PDF the upload refuses), ``EntryFieldError`` (``office``, ``label``).
    Returns ``{"book": {...}, "entries": n, "pages": n, "ignored_columns": [...],
    "unused_files": [...]}``."""
    _require(principal, "civil.book")
    if not principal.can("civil.key"):
        raise PermissionDenied("civil.key")
    package = read_package(source)
    meta = package.book
    for year in (meta.year_from, meta.year_to):
        if not 1900 <= year <= 2100:
            raise ImportRefused(None, "bad_years", N_("Năm của sổ ({year}) không hợp lệ (từ 1900 đến 2100)."),
                                year=year)
    label = " ".join((label or meta.label or f"Sổ đăng ký {contract.KIND_TITLES[meta.kind]} "
                      f"{meta.year_from}{'' if meta.year_to == meta.year_from else f'–{meta.year_to}'}").split())
    if len(label) > 300:
        raise EntryFieldError("label", "Cần tên sổ (tối đa 300 ký tự).")
    with services.uow() as uow:
        office = uow.session.scalar(select(Unit).where(Unit.code == (office_code or "").strip()))
        if office is None or not _held(principal, office.id):
            raise EntryFieldError("office", f"Không có đơn vị mã {office_code} trong các đơn vị bạn quản lý.")
        office_id, office_code = office.id, office.code
        probe = RegisterBook(office_unit_id=office_id, kind=meta.kind, year_from=meta.year_from,
                             year_to=meta.year_to, label=label)
        rows = [_row(probe, r) for r in package.rows]
        _check_numbers(uow.session, office_id, meta.kind, rows)
    made: list[int] = []          # documents this import created (withdrawn again on failure)
    try:
        docs = _store_files(services, principal, office_code, rows, made)
        result = _record_book(services, principal, probe, rows, docs, package)
    except BaseException as exc:
        try:
            withdraw_documents(services, principal, made, reason=getattr(exc, "message", None) or type(exc).__name__)
        except Exception:  # the first error is the one to report; the orphans are named in the log
            log.exception("could not withdraw documents %s of a failed package import", made)
        raise
    return {**result, "ignored_columns": list(package.ignored_columns), "unused_files": list(package.unused_files)}


def _row(probe: RegisterBook, row) -> _Row:
    try:
        fields = read_fields(probe.kind, row.fields)
        year = _year(probe, fields)
    except EntryFieldError as exc:
        column = contract.BY_KEY[probe.kind][exc.name].label if exc.name in contract.BY_KEY[probe.kind] else exc.name
        raise ImportRefused(row.row, "outside_years", N_("Dòng {row}, cột «{column}»: {problem}"), row=row.row,
                            column=column, problem=exc.message) from None
    return _Row(row.row, row.number, year, fields, row.pdf, row.pdf_name)


def _check_numbers(session, office_id: int, kind: str, rows: list[_Row]) -> None:
    for r in rows:
        holder = holder_of(session, office_id, kind, r.year, r.number)
        if holder is not None:
            raise _taken(r, holder)


def _taken(r: _Row, holder: int | None) -> ImportRefused:
    return ImportRefused(r.row, "duplicate_number",
                         N_("Dòng {row}, cột «{column}»: số {number:02d} năm {year} đã có trong sổ của đơn vị "
                            "(mục #{entry}); gói không được nhập."),
                         existing_id=holder, row=r.row, column=contract.FIELDS[contract.KINDS[0]][0].label,
                         number=r.number, year=r.year, entry=holder)


def _store_files(services: Services, principal: Principal, office_code: str, rows: list[_Row],
                 made: list[int]) -> list[int]:
    """Each row's PDF through the ordinary upload; returns the document id per row."""
    docs = []
    for r in rows:
        try:
            sub = submit_stream(services, io.BytesIO(r.pdf), posixpath.basename(r.pdf_name), principal=principal,
                                unit_code=office_code, personal_data=True, permission="civil.book")
        except IngestError as exc:
            raise ImportRefused(r.row, "not_stored", N_("Dòng {row}, cột «{column}»: tệp {name} không lưu được: {problem}"),
                                row=r.row, column="Tệp PDF", name=r.pdf_name,
                                problem=exc.message(services.settings.language)) from None
        except SubmissionRefused as exc:
            raise ImportRefused(r.row, "not_stored", N_("Dòng {row}, cột «{column}»: tệp {name} không lưu được: {problem}"),
                                row=r.row, column="Tệp PDF", name=r.pdf_name, problem=exc.message) from None
        if sub.status == "queued":
            made.append(sub.document_id)
        docs.append(sub.document_id)
    return docs


def _record_book(services: Services, principal: Principal, probe: RegisterBook, rows: list[_Row], docs: list[int],
                 package) -> dict:
    now = utcnow()
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        _lock_office(session, probe.office_unit_id)
        _check_numbers(session, probe.office_unit_id, probe.kind, rows)   # again, under the lock
        book = RegisterBook(office_unit_id=probe.office_unit_id, kind=probe.kind, year_from=probe.year_from,
                            year_to=probe.year_to, label=probe.label, verification_mode="review",
                            created_by=principal.user_id, created_at=now)
        session.add(book)
        session.flush()
        pages_of = read_pages(session, docs)
        seqs: dict[int, int] = {}
        for r, doc_id in zip(rows, docs):
            if doc_id not in seqs:
                seqs[doc_id] = len(seqs) + 1
                session.add(RegisterPage(book_id=book.id, seq=seqs[doc_id], document_id=doc_id, parsed_at=now,
                                         parse_note=f"Trang nhập từ gói số hoá (tệp {r.pdf_name}, dòng {r.row}): "
                                                    "mục đã nhập sẵn, máy không đề xuất."))
        entries = []
        for r, doc_id in zip(rows, docs):
            pages = pages_of.get(doc_id) or []
            entry = RegisterEntry(book_id=book.id, office_unit_id=book.office_unit_id, kind=book.kind, year=r.year,
                                  number=r.number, status="keyed", fields=merged({}, r.fields),
                                  page_id=pages[0] if pages else None, extra_pages=pages[1:] or None,
                                  keyed_by=principal.user_id, keyed_at=now, created_at=now)
            session.add(entry)
            entries.append(entry)
        try:
            session.flush()
        except IntegrityError:           # a number taken meanwhile by a writer the lock did not hold off
            session.rollback()
            raise ImportRefused(None, "duplicate_number",
                                N_("Một số mục vừa được người khác nhập trong lúc nhập gói; gói không được nhập, "
                                   "hãy thử lại.")) from None
        record(services, session, principal, "civil.book_import", object_type="register_book", object_id=book.id,
               details={"office": package.book.office, "kind": book.kind, "year_from": book.year_from,
                        "year_to": book.year_to, "label": book.label, "entries": len(entries), "pages": len(seqs),
                        "documents": sorted(seqs), "ignored_columns": package.ignored_columns or None,
                        "unused_files": package.unused_files[:200] or None})
        for r, doc_id, entry in zip(rows, docs, entries):
            _audit(services, session, principal, IMPORT_ACTION, entry, row=r.row, file=r.pdf_name, document_id=doc_id)
        result = {"book": _book_view(session, book), "entries": len(entries), "pages": len(seqs)}
        _feed(services, uow, [e.id for e in entries])
        uow.commit()
        return result
