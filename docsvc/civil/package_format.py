"""The values and the vocabulary of the national digitisation package (issue 11 §7), shared
by the writer (``docsvc.civil.package``) and the reader (``docsvc.civil.package_reading``).
The format itself is described in ``docsvc.civil.package`` and ``docs/civil-package.md``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from docsvc.civil.fields import MISSING_TEXT, nfc


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




def pdf_name(number: int) -> str:
    return f"{number:02d}.pdf"


def is_missing_text(value) -> bool:
    return isinstance(value, str) and nfc(value).casefold() == MISSING_TEXT.casefold()



def header_key(text) -> str:
    return nfc(str(text)).casefold()
