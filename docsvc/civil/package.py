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
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Iterable, Mapping

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from PIL import Image, ImageSequence

from docsvc.civil.fields import (
    FIELDS, KIND_TITLES, KINDS, MARRIAGE_KIND, MISSING_TEXT, STATE_LABELS, STATES,
    FieldValueError, display, nfc, normalise,
)


def N_(text: str) -> str:
    """Marks a message for translation (as ``docsvc.i18n.N_``, without importing Flask)."""
    return text


ENTRIES_SHEET = "Danh sách mục"
BOOK_SHEET = "Thông tin sổ"
PDF_COLUMN = "Tệp PDF"
STATE_COLUMN = "Ghi chú trạng thái"
BOOK_LABELS = {"office": "Mã cơ quan đăng ký", "office_name": "Tên cơ quan đăng ký",
               "kind": "Loại sổ", "year_from": "Từ năm", "year_to": "Đến năm", "label": "Tên quyển sổ"}

#: Limits of what one package may unpack to (a zip bomb is refused, not read).
DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
DEFAULT_MAX_MEMBERS = 20_000
HEADER_SEARCH_ROWS = 20         # rows where another program's header may stand (titles above it)
#: Code columns where the national tools write 0 for "no information".
ZERO_IS_MISSING = ("sex", "registration_kind", "year", "marriage_kind")
PDF_QUALITY = 85  # JPEG quality of the page images inside the PDFs (colour scans, ~100 kB/A4)


@dataclass(frozen=True)
class PackageBook:
    office: str | None          # the registering office's unit code
    office_name: str | None
    kind: str                   # birth | death | marriage
    year_from: int | None
    year_to: int | None
    label: str | None


@dataclass(frozen=True)
class PackageEntry:
    number: int
    fields: Mapping[str, object]      # {key: {"value", "state"}} (or {key: value}: state ok)
    images: list[bytes]               # page scans (PNG/JPEG/TIFF) in order, or a PDF as is
    box: tuple[int, int, int, int] | None = None   # (x, y, w, h) on the first image


@dataclass(frozen=True)
class PackageRow:
    number: int
    fields: dict[str, dict]           # every field of the kind: {key: {"value", "state"}}
    pdf: bytes
    row: int                          # its row in the spreadsheet (the header is row 1)
    pdf_name: str


@dataclass(frozen=True)
class Package:
    book: PackageBook
    rows: list[PackageRow]
    ignored_columns: list[str] = field(default_factory=list)   # headers read as nothing
    unused_files: list[str] = field(default_factory=list)      # zip members no row names


class PackageRefused(ValueError):
    """The whole package is refused. ``row``: the spreadsheet row (None for the package as a
    whole); ``message``: Vietnamese, naming the row and column. ``template`` and ``params``
    let a caller show it in another language: ``gettext(template).format(**params)``."""

    def __init__(self, row: int | None, template: str, /, **params):
        self.row, self.template, self.params = row, template, params
        self.message = template.format(**params)
        super().__init__(self.message)


# -- writing ------------------------------------------------------------------------------

def pdf_name(number: int) -> str:
    return f"{number:02d}.pdf"


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


def _is_missing_text(value) -> bool:
    return isinstance(value, str) and nfc(value).casefold() == MISSING_TEXT.casefold()


def _export_cell(kind: str, spec, value, state: str, number: int):
    """The cell of one field. Whatever reads back as "nothing" (the marker text, code 0 of
    the registration kind, text a spreadsheet cannot hold) is written as nothing, so that a
    second export of an imported package writes the same cells."""
    if spec.type == "text" and isinstance(value, str):
        value = nfc(ILLEGAL_CHARACTERS_RE.sub("", value)) or None
        if value is not None and len(value) > 32767:
            raise ValueError(f"entry {number}, {spec.key}: longer than a spreadsheet cell holds")
    if _is_missing_text(value) or (spec.type == "registration_kind" and value == 0):
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


# -- reading ------------------------------------------------------------------------------

_UNSAFE = re.compile(r"^(?:[A-Za-z]:|[/\\])")


def read_package(path_or_file, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_members: int = DEFAULT_MAX_MEMBERS) -> Package:
    """Reads and checks a whole package; every row is validated before anything is returned.
    Raises ``PackageRefused`` for: not a zip, an unsafe member name (absolute, ``..``, twice
    the same), too many members or too many uncompressed bytes, no XLSX or more than one,
    missing or repeated header columns, a bad value or code, duplicate entry numbers, a row
    whose PDF is missing, a PDF that is not a PDF."""
    try:
        zf = zipfile.ZipFile(path_or_file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageRefused(None, N_("Tệp không phải là gói số hoá: không đọc được như tệp zip.")) from None
    with zf:
        members = _check_members(zf.infolist(), max_bytes, max_members)
        xlsx = [m for m in members if m.filename.lower().endswith(".xlsx")]
        if not xlsx:
            raise PackageRefused(None, N_("Gói không có tệp XLSX danh sách mục."))
        if len(xlsx) > 1:
            raise PackageRefused(None, N_("Gói có nhiều tệp XLSX ({names}); chỉ được có một."),
                                 names=", ".join(m.filename for m in xlsx))
        book, rows, ignored = _read_workbook(_read_member(zf, xlsx[0]), max_bytes)
        by_name = {m.filename: m for m in members if not m.is_dir()}
        by_base: dict[str, list[zipfile.ZipInfo]] = {}
        for m in by_name.values():
            by_base.setdefault(_base(m.filename), []).append(m)
        result, used = [], {xlsx[0].filename}
        for number, fields, name, row in rows:
            member = by_name.get(name)
            if member is None and len(by_base.get(_base(name), [])) == 1:
                member = by_base[_base(name)][0]
            if member is None:
                raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: không có tệp {name} trong gói."),
                                     row=row, column=PDF_COLUMN, name=name)
            pdf = _read_member(zf, member)
            if not _is_pdf(pdf):
                raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: tệp {name} không phải là PDF."),
                                     row=row, column=PDF_COLUMN, name=member.filename)
            used.add(member.filename)
            result.append(PackageRow(number, fields, pdf, row, member.filename))
        unused = sorted(n for n in by_name if n not in used)
    return Package(book, result, ignored, unused)


def _base(name: str) -> str:
    return posixpath.basename(name.replace("\\", "/")).casefold()


def _check_members(infos, max_bytes: int, max_members: int) -> list[zipfile.ZipInfo]:
    if len(infos) > max_members:
        raise PackageRefused(None, N_("Gói có quá nhiều tệp ({count}, tối đa {limit})."),
                             count=len(infos), limit=max_members)
    total, seen, kept = 0, set(), []
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if _UNSAFE.match(name) or ".." in parts or "\x00" in name or name in seen:
            raise PackageRefused(None, N_("Gói có tên tệp không an toàn: {name}."), name=name)
        seen.add(name)
        if info.flag_bits & 0x1:
            raise PackageRefused(None, N_("Gói có tệp được mã hoá: {name}."), name=name)
        total += info.file_size
        if total > max_bytes:
            raise PackageRefused(None, N_("Gói giải nén ra quá lớn (hơn {limit} byte)."), limit=max_bytes)
        if not name.startswith("__MACOSX/"):
            kept.append(info)
    return kept


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        raise PackageRefused(None, N_("Không đọc được tệp {name} trong gói."), name=info.filename) from None
    if len(data) != info.file_size:
        raise PackageRefused(None, N_("Không đọc được tệp {name} trong gói."), name=info.filename)
    return data


def _is_pdf(data: bytes) -> bool:
    if b"%PDF-" not in data[:1024]:
        return False
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(data)).pages) >= 1
    except Exception:  # noqa: BLE001 - any failure to parse means "not a PDF" here
        return False


def _key(text) -> str:
    return nfc(str(text)).casefold()


def _read_workbook(data: bytes, max_bytes: int):
    _check_xlsx(data, max_bytes)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise PackageRefused(None, N_("Không đọc được tệp XLSX của gói.")) from None
    try:
        book_ws = next((ws for ws in wb.worksheets if _key(ws.title) == _key(BOOK_SHEET)), None)
        sheets = [ws for ws in wb.worksheets if ws is not book_ws]
        entries_ws = next((ws for ws in sheets if _key(ws.title) == _key(ENTRIES_SHEET)),
                          sheets[0] if sheets else None)
        if entries_ws is None:
            raise PackageRefused(None, N_("Tệp XLSX không có trang danh sách mục."))
        book_values = _read_book_sheet(book_ws) if book_ws is not None else {}
        rows = enumerate(entries_ws.iter_rows(min_row=1, values_only=True), start=1)
        header_row, header = _find_header(rows)
        kind = book_values.get("kind") or _guess_kind(header, header_row)
        columns, ignored = _match_header(kind, header, header_row)
        parsed = []
        for index, values in rows:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            parsed.append(_read_row(kind, columns, values, index))
    finally:
        wb.close()
    if not parsed:
        raise PackageRefused(None, N_("Tệp XLSX không có mục nào."))
    seen: dict[int, int] = {}
    for number, _fields, _name, row in parsed:
        if number in seen:
            raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: số {number} trùng với dòng {other}."),
                                 row=row, column=FIELDS[kind][0].label, number=number, other=seen[number])
        seen[number] = row
    years = [int(f["registered_on"]["value"][:4]) for _n, f, _p, _r in parsed
             if f.get("registered_on", {}).get("value")]
    year_from = book_values.get("year_from") or (min(years) if years else None)
    year_to = book_values.get("year_to") or book_values.get("year_from") or (max(years) if years else None)
    if year_from is None:
        raise PackageRefused(None, N_("Không biết sổ của năm nào: gói không có trang «{sheet}» ghi năm và không mục nào có ngày đăng ký."),
                             sheet=BOOK_SHEET)
    if year_to < year_from:
        raise PackageRefused(None, N_("Trang «{sheet}»: «{to}» ({year_to}) trước «{from_}» ({year_from})."),
                             sheet=BOOK_SHEET, to=BOOK_LABELS["year_to"], from_=BOOK_LABELS["year_from"],
                             year_to=year_to, year_from=year_from)
    book = PackageBook(office=book_values.get("office"), office_name=book_values.get("office_name"),
                       kind=kind, year_from=year_from, year_to=year_to, label=book_values.get("label"))
    return book, parsed, ignored


def _check_xlsx(data: bytes, max_bytes: int) -> None:
    """An XLSX is a zip of XML too: bound what it unpacks to, and refuse XML with a DOCTYPE
    (entity expansion; openpyxl has no defusedxml here). Real XLSX parts never have one."""
    try:
        inner = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageRefused(None, N_("Không đọc được tệp XLSX của gói.")) from None
    with inner:
        infos = _check_members(inner.infolist(), max_bytes, DEFAULT_MAX_MEMBERS)
        for info in infos:
            if "/media/" not in info.filename and not info.filename.endswith(".bin"):
                text = _read_member(inner, info).lower()
                if b"<!doctype" in text or b"<!entity" in text:
                    raise PackageRefused(None, N_("Tệp XLSX của gói có nội dung không an toàn."))


def _read_book_sheet(ws) -> dict:
    labels = {_key(label): key for key, label in BOOK_LABELS.items()}
    labels.update({key: key for key in BOOK_LABELS})
    found: dict = {}
    for index, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if len(values) < 2 or values[0] is None or _key(values[0]) not in labels:
            continue
        key, value = labels[_key(values[0])], values[1]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        where = {"row": index, "column": BOOK_LABELS[key], "sheet": BOOK_SHEET}
        if key == "kind":
            kinds = {_key(title): kind for kind, title in KIND_TITLES.items()}
            kinds.update({_key("sổ đăng ký " + t): k for k, t in KIND_TITLES.items()})
            kinds.update({k: k for k in KINDS})
            if _key(value) not in kinds:
                raise PackageRefused(index, N_("Trang «{sheet}», dòng {row}, mục «{column}»: loại sổ phải là khai sinh, khai tử hoặc kết hôn."), **where)
            found[key] = kinds[_key(value)]
        elif key in ("year_from", "year_to"):
            try:
                found[key] = int(normalise("birth", "mother_birth_year", _plain(value)))
            except FieldValueError:
                raise PackageRefused(index, N_("Trang «{sheet}», dòng {row}, mục «{column}»: năm không hợp lệ."),
                                     **where) from None
        else:
            found[key] = nfc(_plain(value))
    return found


def _find_header(rows) -> tuple[int, tuple]:
    """The header row: the first that names the number or the PDF column, among the first
    rows (another program may put a title above it), else the first row that is not empty."""
    first = None
    marks = {_key(PDF_COLUMN), _key(FIELDS["birth"][0].label), "number"}
    for index, values in rows:
        if first is None and any(v is not None for v in values):
            first = (index, tuple(values))
        if any(v is not None and _key(v) in marks for v in values):
            return index, tuple(values)
        if index >= HEADER_SEARCH_ROWS:
            break
    return first or (1, ())


def _guess_kind(header, header_row: int) -> str:
    names = {_key(h) for h in header if h is not None}
    for kind in KINDS:
        if all(_key(f.label) in names or f.key in names for f in FIELDS[kind]):
            return kind
    raise PackageRefused(header_row, N_("Dòng {row}: không nhận ra loại sổ từ tiêu đề cột và gói không có trang «{sheet}»."),
                         row=header_row, sheet=BOOK_SHEET)


def _match_header(kind: str, header, header_row: int) -> tuple[dict, list[str]]:
    wanted = {_key(f.label): f.key for f in FIELDS[kind]}
    wanted.update({f.key: f.key for f in FIELDS[kind]})
    wanted[_key(PDF_COLUMN)] = "_pdf"
    wanted[_key(STATE_COLUMN)] = "_state"
    columns: dict[str, int] = {}
    ignored = []
    for index, text in enumerate(header):
        if text is None or not str(text).strip():
            continue
        key = wanted.get(_key(text))
        if key is None:
            ignored.append(nfc(str(text)))
        elif key in columns:
            raise PackageRefused(header_row, N_("Dòng {row}: cột «{column}» có hai lần."),
                                 row=header_row, column=nfc(str(text)))
        else:
            columns[key] = index
    labels = {f.key: f.label for f in FIELDS[kind]} | {"_pdf": PDF_COLUMN}
    absent = [labels[k] for k in labels if k not in columns]
    if absent:
        raise PackageRefused(header_row, N_("Dòng {row}: thiếu cột {columns} (sổ {kind})."), row=header_row,
                             columns=", ".join(f"«{c}»" for c in absent), kind=KIND_TITLES[kind])
    return columns, ignored


def _plain(value):
    """A cell's value as the text or number a person typed (spreadsheets store whole
    numbers as floats, dates as datetimes)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value.strftime("%d/%m/%Y %H:%M")
    return value


def _read_row(kind: str, columns: dict, values, row: int):
    def cell(key):
        i = columns.get(key)
        return values[i] if i is not None and i < len(values) else None

    states = _read_states(kind, cell("_state"), row)
    fields: dict[str, dict] = {}
    for spec in FIELDS[kind]:
        raw = _plain(cell(spec.key))
        if isinstance(raw, str):
            raw = raw.strip()
        if spec.type == "time" and isinstance(raw, time):
            raw = raw.strftime("%H:%M")
        elif spec.type == "time" and isinstance(raw, datetime):
            raw = raw.strftime("%H:%M")
        elif spec.type not in ("date",) and isinstance(raw, date):
            raw = raw.strftime("%d/%m/%Y")
        elif spec.type == "text" and isinstance(raw, (int, float)):
            raw = str(raw)
        missing = (raw is None or raw == "" or _is_missing_text(raw)
                   or (spec.type in ZERO_IS_MISSING and raw in (0, "0")))
        state = states.get(spec.key)
        if missing:
            fields[spec.key] = {"value": None, "state": state or "missing"}
            continue
        if spec.type == "marriage_kind" and isinstance(raw, str):
            raw = next((k for k, word in MARRIAGE_KIND.items() if _key(word) == _key(raw)), raw)
        try:
            value = normalise(kind, spec.key, raw)
        except FieldValueError as exc:
            raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: {problem} (giá trị: {value})"),
                                 row=row, column=spec.label, problem=exc.message, value=_short(raw)) from None
        if state == "missing":
            raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: có giá trị nhưng ghi chú trạng thái là «Không có thông tin»."), row=row, column=spec.label)
        fields[spec.key] = {"value": value, "state": state or "ok"}
    number = fields["number"]["value"]
    if number is None:
        raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: thiếu số của mục."),
                             row=row, column=FIELDS[kind][0].label)
    if fields["number"]["state"] != "ok":
        raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: số của mục phải đọc được chắc chắn."),
                             row=row, column=FIELDS[kind][0].label)
    name = cell("_pdf")
    if name is None or not str(name).strip():
        raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: thiếu tên tệp PDF."), row=row, column=PDF_COLUMN)
    return number, fields, str(name).strip().replace("\\", "/"), row


def _short(value) -> str:
    text = nfc(str(value))
    return text if len(text) <= 60 else text[:57] + "..."


def _read_states(kind: str, text, row: int) -> dict[str, str]:
    if text is None or not str(text).strip():
        return {}
    by_label = {_key(f.label): f.key for f in FIELDS[kind]} | {f.key: f.key for f in FIELDS[kind]}
    by_state = {_key(label): state for state, label in STATE_LABELS.items()} | {s: s for s in STATES}
    found = {}
    for part in str(text).split(";"):
        if not part.strip():
            continue
        label, sep, state = part.rpartition(":")
        key, state = by_label.get(_key(label)), by_state.get(_key(state))
        if not sep or key is None or state is None:
            raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: không hiểu «{part}» (cần dạng «Tên cột: trạng thái»)."), row=row, column=STATE_COLUMN,
                                 part=_short(part))
        found[key] = state
    return found
