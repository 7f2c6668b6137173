"""Reading a national digitisation package (issue 11 §7): ``read_package`` checks the whole
package (the zip, the XLSX, every row and every PDF) before it returns anything, and refuses
it whole with ``PackageRefused``. Kind to other programs' packages, strict about values."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from datetime import date, datetime, time

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from docsvc.civil.fields import FIELDS, KIND_TITLES, KINDS, MARRIAGE_KIND, STATE_LABELS, STATES, FieldValueError, \
    nfc, normalise
from docsvc.civil.package_format import (
    BOOK_LABELS, BOOK_SHEET, DEFAULT_MAX_BYTES, DEFAULT_MAX_MEMBERS, ENTRIES_SHEET, HEADER_SEARCH_ROWS, PDF_COLUMN,
    STATE_COLUMN, ZERO_IS_MISSING, N_, Package, PackageBook, PackageRefused, PackageRow, header_key,
    is_missing_text,
)

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


def _read_workbook(data: bytes, max_bytes: int):
    if _check_xlsx(data, max_bytes):
        _refuse_uncomputed_formulas(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise PackageRefused(None, N_("Không đọc được tệp XLSX của gói.")) from None
    try:
        book_ws = next((ws for ws in wb.worksheets if header_key(ws.title) == header_key(BOOK_SHEET)), None)
        sheets = [ws for ws in wb.worksheets if ws is not book_ws]
        entries_ws = next((ws for ws in sheets if header_key(ws.title) == header_key(ENTRIES_SHEET)),
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


def _check_xlsx(data: bytes, max_bytes: int) -> bool:
    """An XLSX is a zip of XML too: bound what it unpacks to, and refuse XML with a DOCTYPE
    (entity expansion; openpyxl has no defusedxml here). Real XLSX parts never have one.
    Tells whether a sheet has formulas."""
    formulas = False
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
                formulas = formulas or ("worksheets/" in info.filename and re.search(rb"<(?:\w+:)?f[ >]", text) is not None)
    return formulas


def _refuse_uncomputed_formulas(data: bytes) -> None:
    """A formula that no spreadsheet program has computed reads as an empty cell: it would
    become a missing value without a word. Refused, with the cell named."""
    try:
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise PackageRefused(None, N_("Không đọc được tệp XLSX của gói.")) from None
    try:
        for sheet in formulas.worksheets:
            rows = zip(sheet.iter_rows(min_row=1, values_only=True),
                       values[sheet.title].iter_rows(min_row=1, values_only=True))
            for index, (written, computed) in enumerate(rows, start=1):
                for col, cell in enumerate(written):
                    if isinstance(cell, str) and cell.startswith("=") and (col >= len(computed) or computed[col] is None):
                        raise PackageRefused(index, N_("Trang «{sheet}», dòng {row}, cột {column}: công thức chưa được tính ({formula}); hãy mở và lưu lại tệp bằng chương trình bảng tính, hoặc ghi giá trị."),
                                             sheet=sheet.title, row=index, column=get_column_letter(col + 1),
                                             formula=_short(cell))
    finally:
        formulas.close()
        values.close()


def _read_book_sheet(ws) -> dict:
    labels = {header_key(label): key for key, label in BOOK_LABELS.items()}
    labels.update({key: key for key in BOOK_LABELS})
    found: dict = {}
    for index, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if len(values) < 2 or values[0] is None or header_key(values[0]) not in labels:
            continue
        key, value = labels[header_key(values[0])], values[1]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        where = {"row": index, "column": BOOK_LABELS[key], "sheet": BOOK_SHEET}
        if key == "kind":
            kinds = {header_key(title): kind for kind, title in KIND_TITLES.items()}
            kinds.update({header_key("sổ đăng ký " + t): k for k, t in KIND_TITLES.items()})
            kinds.update({k: k for k in KINDS})
            if header_key(value) not in kinds:
                raise PackageRefused(index, N_("Trang «{sheet}», dòng {row}, mục «{column}»: loại sổ phải là khai sinh, khai tử hoặc kết hôn."),
                                     **where)
            found[key] = kinds[header_key(value)]
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
    marks = {header_key(PDF_COLUMN), header_key(FIELDS["birth"][0].label), "number"}
    for index, values in rows:
        if first is None and any(v is not None for v in values):
            first = (index, tuple(values))
        if any(v is not None and header_key(v) in marks for v in values):
            return index, tuple(values)
        if index >= HEADER_SEARCH_ROWS:
            break
    return first or (1, ())


def _guess_kind(header, header_row: int) -> str:
    names = {header_key(h) for h in header if h is not None}
    for kind in KINDS:
        if all(header_key(f.label) in names or f.key in names for f in FIELDS[kind]):
            return kind
    raise PackageRefused(header_row, N_("Dòng {row}: không nhận ra loại sổ từ tiêu đề cột và gói không có trang «{sheet}»."),
                         row=header_row, sheet=BOOK_SHEET)


def _match_header(kind: str, header, header_row: int) -> tuple[dict, list[str]]:
    wanted = {header_key(f.label): f.key for f in FIELDS[kind]}
    wanted.update({f.key: f.key for f in FIELDS[kind]})
    wanted[header_key(PDF_COLUMN)] = "_pdf"
    wanted[header_key(STATE_COLUMN)] = "_state"
    columns: dict[str, int] = {}
    ignored = []
    for index, text in enumerate(header):
        if text is None or not str(text).strip():
            continue
        key = wanted.get(header_key(text))
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
        missing = (raw is None or raw == "" or is_missing_text(raw)
                   or (spec.type in ZERO_IS_MISSING and raw in (0, "0")))
        state = states.get(spec.key)
        if missing:
            fields[spec.key] = {"value": None, "state": state or "missing"}
            continue
        if spec.type == "marriage_kind" and isinstance(raw, str):
            raw = next((k for k, word in MARRIAGE_KIND.items() if header_key(word) == header_key(raw)), raw)
        try:
            value = normalise(kind, spec.key, raw)
        except FieldValueError as exc:
            raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: {problem} (giá trị: {value})"),
                                 row=row, column=spec.label, problem=exc.message, value=_short(raw)) from None
        if state == "missing":
            raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: có giá trị nhưng ghi chú trạng thái là «Không có thông tin»."),
                                 row=row, column=spec.label)
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
    by_label = {header_key(f.label): f.key for f in FIELDS[kind]} | {f.key: f.key for f in FIELDS[kind]}
    by_state = {header_key(label): state for state, label in STATE_LABELS.items()} | {s: s for s in STATES}
    found = {}
    for part in str(text).split(";"):
        if not part.strip():
            continue
        label, sep, state = part.rpartition(":")
        key, state = by_label.get(header_key(label)), by_state.get(header_key(state))
        if not sep or key is None or state is None:
            raise PackageRefused(row, N_("Dòng {row}, cột «{column}»: không hiểu «{part}» (cần dạng «Tên cột: trạng thái»)."),
                                 row=row, column=STATE_COLUMN,
                                 part=_short(part))
        found[key] = state
    return found
