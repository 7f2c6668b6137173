"""The national digitisation package of a register book (issue 11 §7, DOMAIN.md §4): a zip
with one PDF per entry, named by its entry number (``01.pdf``, ``123.pdf``), and one XLSX.

Pure: no database, no Flask. The use cases turn a stored book into ``PackageBook`` and
``PackageEntry`` values for ``write_package``, and store what ``read_package`` returns.

The XLSX (``docs/civil-package.md`` shows it with an example):

- sheet ``Danh sách mục``: a header row of the Vietnamese field labels of the book's kind
  (``docsvc.civil.fields``) in the form's order, then ``Tệp PDF`` (the entry's PDF in the
  zip) and ``Ghi chú trạng thái`` (per-field state); one row per entry, in number order.
  Values are in the national codes: sex 1/2/3, registration kind 0–4, dates ``dd/mm/yyyy``,
  time ``HH:MM``; a missing value is ``0`` in the sex and registration-kind columns and
  ``Không có thông tin`` elsewhere. The state note lists only the fields that are not simply
  read or missing, as ``Label: state; Label: state`` with the state labels of fields.py
  (``Không đọc được``, ``Chưa chắc chắn``); an illegible field with nothing read leaves its
  cell empty.
- sheet ``Thông tin sổ``: the book (office code and name, kind, years, label), one
  ``label | value`` row each.

Reading is kind to packages made by other programs: columns are matched by their header text
(NFC, spacing and case ignored; a field key is accepted too), in any order; extra columns are
ignored and reported; the book sheet may be absent (the kind is then told by the headers).
It is strict about everything that would store a wrong entry: the whole package is refused
with ``PackageRefused`` (the spreadsheet row and column named, in Vietnamese) before anything
is returned.

Import everything from here: the reader lives in ``package_reading.py`` and the shared values
and vocabulary in ``package_format.py`` (one module of ~600 lines was past the size rule).
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import IO, Iterable, Mapping

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from PIL import Image, ImageSequence

from docsvc.civil.fields import FIELDS, KIND_TITLES, KINDS, MISSING_TEXT, STATE_LABELS, STATES, FieldValueError, \
    display, nfc, normalise
from docsvc.civil.package_format import (
    BOOK_LABELS, BOOK_SHEET, DEFAULT_MAX_BYTES, DEFAULT_MAX_MEMBERS, ENTRIES_SHEET, PDF_COLUMN, PDF_QUALITY,
    STATE_COLUMN, Package, PackageBook, PackageEntry, PackageRefused, PackageRow, is_missing_text, pdf_name,
)
from docsvc.civil.package_reading import read_package

__all__ = [
    "BOOK_LABELS", "BOOK_SHEET", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_MEMBERS", "ENTRIES_SHEET", "PDF_COLUMN",
    "STATE_COLUMN", "Package", "PackageBook", "PackageEntry", "PackageRefused", "PackageRow", "entry_pdf",
    "pdf_name", "read_package", "workbook_bytes", "write_package",
]


def write_package(out: str | os.PathLike | IO[bytes], book: PackageBook, entries: Iterable[PackageEntry]) -> None:
    """Writes the package of ``book`` to ``out`` (a path or a binary file). ``entries`` is
    read once, one entry at a time (a generator that loads each entry's scans keeps only one
    entry's images in memory); the spreadsheet lists them in number order. A stored value
    that does not fit its field, a duplicate number or an entry without a page raises
    ValueError: a package that ``read_package`` would refuse is never written (to a path, no
    file is left; a file object is left half-written)."""
    if book.kind not in KINDS:
        raise ValueError(f"unknown kind {book.kind!r}")
    if isinstance(out, (str, os.PathLike)):
        part = f"{os.fspath(out)}.part"
        try:
            with open(part, "wb") as fh:
                _write_zip(fh, book, entries)
            os.replace(part, out)       # a failed export leaves no half-written package
        finally:
            if os.path.exists(part):
                os.unlink(part)
    else:
        _write_zip(out, book, entries)


def _write_zip(out: IO[bytes], book: PackageBook, entries: Iterable[PackageEntry]) -> None:
    listed: dict[int, PackageEntry] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for entry in entries:
            if entry.number in listed:
                raise ValueError(f"entry number {entry.number} is there twice")
            _row_cells(book.kind, entry)              # a bad value stops the export early
            info = zipfile.ZipInfo(pdf_name(entry.number), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED  # JPEG inside: deflate gains nothing
            zf.writestr(info, entry_pdf(entry.images, entry.box))
            listed[entry.number] = PackageEntry(entry.number, entry.fields, [], None)  # no images kept
        info = zipfile.ZipInfo(_xlsx_name(book), date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, workbook_bytes(book, [listed[n] for n in sorted(listed)]))


def _xlsx_name(book: PackageBook) -> str:
    return "so-" + {"birth": "khai-sinh", "death": "khai-tu", "marriage": "ket-hon"}[book.kind] + ".xlsx"


def entry_pdf(images: list[bytes], box: tuple[int, int, int, int] | None = None) -> bytes:
    """One PDF of an entry: one PDF page per image (every frame of a multi-page TIFF), the
    first cropped to ``box`` when it is known and falls on the image. A part that is already
    a PDF is copied as it is (an imported entry exports its own PDF again)."""
    if not images:
        raise ValueError("an entry needs at least one page image")
    parts = [part if part[:5] == b"%PDF-" else _image_pdf(part, box if i == 0 else None)
             for i, part in enumerate(images)]
    if len(parts) == 1:
        return parts[0]
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _image_pdf(data: bytes, box) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        dpi = float(img.info.get("dpi", (300, 300))[0] or 300)
        dpi = dpi if 50 <= dpi <= 2400 else 300.0   # a scan that states no sensible density
        frames = []
        for n, frame in enumerate(ImageSequence.Iterator(img)):
            frame = frame.copy()
            if n == 0 and box is not None:
                x, y, w, h = (int(v) for v in box)
                left, top = max(0, x), max(0, y)
                right, bottom = min(frame.width, x + w), min(frame.height, y + h)
                if right > left and bottom > top:
                    frame = frame.crop((left, top, right, bottom))
            if frame.mode.startswith("I;16") or frame.mode in ("I", "F"):
                frame = frame.point(lambda v: v / 256).convert("L")   # 16-bit grey scans
            elif frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
                rgba = frame.convert("RGBA")                           # transparent: on white paper
                frame = Image.new("RGB", rgba.size, "white")
                frame.paste(rgba, mask=rgba.getchannel("A"))
            elif frame.mode not in ("1", "L", "RGB", "CMYK"):
                frame = frame.convert("RGB")
            frames.append(frame)
    buf = io.BytesIO()
    frames[0].save(buf, "PDF", save_all=True, append_images=frames[1:], resolution=dpi,
                   quality=PDF_QUALITY)
    return buf.getvalue()


def workbook_bytes(book: PackageBook, entries: Iterable[PackageEntry]) -> bytes:
    """The package's XLSX alone (what ``write_package`` puts in the zip)."""
    specs = FIELDS[book.kind]
    wb = Workbook()
    ws = wb.active
    ws.title = ENTRIES_SHEET
    ws.append([f.label for f in specs] + [PDF_COLUMN, STATE_COLUMN])
    for entry in entries:
        ws.append(_row_cells(book.kind, entry))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column in ws.iter_cols(min_row=1, max_row=1):
        ws.column_dimensions[column[0].column_letter].width = 16
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"        # text that starts with "=" stays text, not a formula
                cell.number_format = "@"
    ws.freeze_panes = "A2"
    info = wb.create_sheet(BOOK_SHEET)
    info.append(["Mục", "Giá trị"])
    for key, label in BOOK_LABELS.items():
        value = getattr(book, key)
        if key == "kind":
            value = KIND_TITLES[value]
        info.append([label, value])
        if isinstance(value, str):
            info.cell(info.max_row, 2).data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row_cells(kind: str, entry: PackageEntry) -> list:
    specs = FIELDS[kind]
    given = dict(entry.fields)
    unknown = set(given) - {f.key for f in specs}
    if unknown:
        raise ValueError(f"entry {entry.number}: no such field in a {kind} book: {sorted(unknown)}")
    given["number"] = {"value": entry.number, "state": "ok"}
    cells, notes = [], []
    for spec in specs:
        value, state = _given(given.get(spec.key))
        cells.append(_export_cell(kind, spec, value, state, entry.number))
        if state in ("illegible", "uncertain"):
            notes.append(f"{spec.label}: {STATE_LABELS[state]}")
    return cells + [pdf_name(entry.number), "; ".join(notes) or None]


def _given(item) -> tuple[object, str]:
    if isinstance(item, Mapping):
        value, state = item.get("value"), item.get("state") or "ok"
    else:
        value, state = item, "ok"
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    return value, state


def _export_cell(kind: str, spec, value, state: str, number: int):
    """The cell of one field. Whatever reads back as "nothing" (the marker text, code 0 of
    the registration kind, text a spreadsheet cannot hold) is written as nothing, so that a
    second export of an imported package writes the same cells."""
    if spec.type == "text" and isinstance(value, str):
        value = nfc(ILLEGAL_CHARACTERS_RE.sub("", value)) or None
        if value is not None and len(value) > 32767:
            raise ValueError(f"entry {number}, {spec.key}: longer than a spreadsheet cell holds")
    if is_missing_text(value) or (spec.type == "registration_kind" and value == 0):
        value = None                                 # 0 is the national "no information"
    if state == "missing" or (state == "ok" and value is None):
        return 0 if spec.type in ("sex", "registration_kind") else MISSING_TEXT
    if value is None:
        return None                                  # illegible/uncertain with nothing read
    try:
        value = normalise(kind, spec.key, value)
    except FieldValueError as exc:
        raise ValueError(f"entry {number}, {spec.key}: {exc.message}") from None
    if spec.type in ("date", "marriage_kind"):
        return display(kind, spec.key, value)
    return value                                     # text, int, year, sex, registration kind, time
