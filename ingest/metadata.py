"""Register fields read from the first page of an administrative document (Decree 30 layout):
number and symbol, date, type, issuer, abstract (trích yếu).

Guesses, not facts: the service fills only fields a person left empty, and a person can
correct them. Works on OCR text (reading order row by row, so the issuer and the national
motto share a line) and on text layers alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Appendix III of Decree 30: type abbreviation → type name.
TYPE_ABBREVIATIONS = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền", "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi", "PC": "Phiếu chuyển", "PB": "Phiếu báo", "SY": "Bản sao y", "TrS": "Bản trích sao",
    "SL": "Bản sao lục", "TLKS": "Trích lục khai sinh", "TLKT": "Trích lục khai tử", "TLKH": "Trích lục kết hôn",
}
_TYPE_NAMES = {name.upper(): name for name in TYPE_ABBREVIATIONS.values()}
_MOTTO = [re.compile(p, re.IGNORECASE) for p in (
    r"CỘNG\s+H[OÒ][AÀ]\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM", r"Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc")]

_NUMBER = re.compile(
    r"Số\s*[:.]?\s*(\d{1,6})\s*/\s*(?:(\d{4})\s*/\s*)?"
    r"([A-ZĐa-zđ][A-Za-zĐđ0-9]*(?:\s*-\s*[A-ZĐ][A-Za-zĐđ0-9]*)+|[A-ZĐ][A-ZĐ0-9]+)")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
# What may stand just before the date of another event (a meeting "vào lúc 8 giờ ngày 10 tháng
# 01 năm 2026", a deadline "trước ngày ...", a law "Căn cứ Luật ... ngày ..."): the document's
# own date stands alone on its line or after "<place>,".
_NOT_DATE_LINE = re.compile(
    r"(?:\d\s*(?:h|giờ|g|:)\s*\d*|giờ|lúc|vào|từ|đến|tới|hết|trước|sau|hạn|kể|trong|của|số|năm|tháng|\d{4}|/)"
    r"\s*[,;]?\s*$", re.IGNORECASE)
_ABSTRACT = re.compile(r"^\s*(?:V/v|Về\s+việc)\s*[:.]?\s*(.+)$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class DocumentFields:
    number: int | None = None
    symbol: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    abstract: str | None = None

    @property
    def number_symbol(self) -> str | None:
        if self.number is None or not self.symbol:
            return None
        return f"{self.number:02d}/{self.symbol}"


def _strip_motto(line: str) -> str:
    for pattern in _MOTTO:
        line = pattern.sub(" ", line)
    return re.sub(r"\s{2,}", " ", line).strip(" -–")


def document_date(text: str) -> date | None:
    """The document's own date: the first ``ngày DD tháng MM năm YYYY`` that begins its line
    or follows ``<place>,`` (``Tân Phú, ngày 05 tháng 01 năm 2026``) — not a date inside a
    sentence (a meeting "vào lúc 8 giờ ngày 10 tháng 01 năm 2026", "Căn cứ Nghị định số
    30/2020/NĐ-CP ngày 05 tháng 3 năm 2020"), even when the sentence wraps just before it."""
    text = unicodedata.normalize("NFC", text or "")
    for match in _DATE.finditer(text):
        start = match.start()
        line_start = text.rfind("\n", 0, start) + 1
        before = text[line_start:start]
        if before.strip():
            if not before.rstrip().endswith(","):
                continue
            segment = before.rstrip()[:-1]
            segment = segment[segment.rfind(",") + 1:]
        else:  # at the start of its line: the line before must not run into it
            previous_end = line_start - 1
            segment = text[text.rfind("\n", 0, max(previous_end, 0)) + 1:max(previous_end, 0)]
            segment = segment[-40:]
        if segment.strip() and _NOT_DATE_LINE.search(segment):
            continue
        try:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            continue
    return None


def extract_fields(text: str) -> DocumentFields:
    """Read what can be read; leave the rest None."""
    text = unicodedata.normalize("NFC", text or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    number = symbol = issuer = doc_type = abstract = None
    issued_on = None

    match = _NUMBER.search(text)
    if match:
        number = int(match.group(1))
        symbol = re.sub(r"\s+", "", match.group(3))
        if match.group(2):
            symbol = f"{match.group(2)}/{symbol}"
        head = symbol.split("/")[-1].split("-")[0]
        if head in TYPE_ABBREVIATIONS:
            doc_type = TYPE_ABBREVIATIONS[head]
        elif "-" in symbol:
            doc_type = "Công văn"  # a dispatch has no type abbreviation: issuer, then drafting unit
        # The issuer is the upper-case block above the number, less the national motto; when
        # the block has more than one line, the first names the governing body (UBND TỈNH ...)
        # and the rest is the issuer, however its name wrapped.
        number_line = next((i for i, line in enumerate(lines) if match.group(0).split()[0] in line
                            and match.group(1) in line), None)
        if number_line is not None:
            above = [_strip_motto(line) for line in lines[max(0, number_line - 4):number_line]]
            above = [line for line in above if line and line.upper() == line and len(line) > 2]
            if len(above) > 1:
                above = above[1:]
            if above:
                issuer = " ".join(above)

    issued_on = document_date(text)

    for line in lines[:25]:
        name = _TYPE_NAMES.get(line.upper())
        if name:
            doc_type = name
            break

    am = _ABSTRACT.search(text)
    if am:
        abstract = am.group(1).strip().rstrip(".")[:500]

    return DocumentFields(number=number, symbol=symbol, doc_type=doc_type, issuer=issuer,
                          issued_on=issued_on, abstract=abstract)
