"""The automatic part of the office's check of form (kiểm tra thể thức, Decree 30/2020,
Appendix I): what can be read off a draft's text layer and compared with what the process
knows — the national heading and motto, the issuer's name, the number line with the
expected symbol, the place and date line, the type name (or a công văn's "V/v" abstract),
the signer's title and name, and "Nơi nhận:".

Each check says what it found, in Vietnamese, so that the clerk sees at once what to send
back. The rest of the form (fonts, margins, the seal) stays with the clerk's eye; a scan
without a text layer gets one failed check saying the whole form must be checked by eye.

Text is compared tolerant of how PDFs carry it: NFC, both tone-mark placements (``ỦY``,
``UỶ``), any spacing and line breaks, any dash. Matching runs on a key of the text that
keeps its length, so what is quoted back comes from the text as written.

Pure: no database, no Flask.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from pypdf import PdfReader

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DISPATCH = "công văn"          # a công văn has no type name, a "V/v" abstract instead
MIN_TEXT = 20                  # fewer letters than this on every page: a scan
TAIL = 1200                    # the signer block is looked for in the last characters,
END_MARK = "./."               # and after the mark that ends the body (Decree 30) when there is one

LABELS = {
    "no_text": "Lớp chữ của văn bản",
    "unreadable": "Đọc tệp PDF",
    "national_heading": "Quốc hiệu và tiêu ngữ",
    "issuer": "Tên cơ quan ban hành",
    "number_symbol": "Số, ký hiệu",
    "place_date": "Địa danh và thời gian ban hành",
    "type_name": "Tên loại văn bản",
    "abstract": "Trích yếu của công văn (V/v)",
    "signer": "Chức vụ, họ tên người ký",
    "recipients": "Nơi nhận",
}
NO_TEXT = "Văn bản không có lớp chữ (bản quét): phải kiểm tra thể thức bằng mắt."
UNREADABLE = "Không đọc được tệp PDF để kiểm tra thể thức."

from docsvc.outgoing.translations_en import CATALOG as CATALOG_EN  # noqa: E402 - English of the messages above


@dataclass(frozen=True)
class FormCheck:
    code: str
    label: str
    ok: bool
    detail: str


def form_passed(checks: Iterable[FormCheck]) -> bool:
    """True when there are checks and every one passed."""
    checks = list(checks)
    return bool(checks) and all(check.ok for check in checks)


# -- text and keys --------------------------------------------------------------------------------

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _placements() -> dict[str, str]:
    """``oà``→``òa``, ``uỷ``→``ủy``… in both cases: one spelling of the oa/oe/uy clusters."""
    table: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in _TONES:
            for f, s in ((first, second), (first.upper(), second.upper()), (first.upper(), second)):
                table[f + unicodedata.normalize("NFC", s + tone)] = unicodedata.normalize("NFC", f + tone) + s
    return table


_PLACEMENT = _placements()
_PLACEMENT_RE = re.compile("|".join(map(re.escape, _PLACEMENT)))


def _text(raw: str) -> str:
    """NFC, one kind of dash, whitespace collapsed to single spaces."""
    return " ".join(unicodedata.normalize("NFC", raw).translate(_DASHES).split())


def _key(text: str) -> str:
    """``text`` with one tone-mark placement; the same length, so spans carry over."""
    return _PLACEMENT_RE.sub(lambda m: _PLACEMENT[m.group()], text)


def _phrase(words: str) -> str:
    """A pattern for ``words`` that allows any spacing (or none) between its pieces."""
    pieces = re.findall(r"[^\W_]+|[^\w\s]", _key(_text(words)))
    return r"\s*".join(map(re.escape, pieces))


class _Doc:
    def __init__(self, pages: list[str]):
        self.first = _text(pages[0]) if pages else ""
        self.all = _text(" ".join(pages))
        self.first_key, self.all_key = _key(self.first), _key(self.all)


def _read(pdf: bytes) -> list[str] | None:
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        pages = list(reader.pages)
        if len(pages) > 6:  # the heading is on the first pages, the signer block on the last
            pages = pages[:2] + pages[-3:]
        return [page.extract_text() or "" for page in pages]
    except Exception:  # noqa: BLE001 — any failure of a damaged file is "unreadable"
        return None


# -- the checks -------------------------------------------------------------------------------------

def check_form(pdf: bytes, *, doc_type: str, expected_symbol: str, issuer_name: str, signer_name: str | None,
               place: str | None) -> list[FormCheck]:
    """The automatic checks of form on ``pdf``'s text layer, in the order of the page.
    ``expected_symbol`` is the symbol after the number (``QĐ-UBND``, ``UBND-VP``); the
    number itself may still be blank or dots. ``signer_name`` or ``place`` None: that part
    is checked for its form only."""
    pages = _read(pdf)
    if pages is None:
        return [FormCheck("unreadable", LABELS["unreadable"], False, UNREADABLE)]
    doc = _Doc(pages)
    if sum(1 for c in doc.all if c.isalnum()) < MIN_TEXT:
        return [FormCheck("no_text", LABELS["no_text"], False, NO_TEXT)]
    dispatch = _text(doc_type).casefold() == DISPATCH
    checks = [_national(doc), _issuer(doc, issuer_name), _number(doc, expected_symbol), _place_date(doc, place),
              _abstract(doc) if dispatch else _type_name(doc, doc_type), _signer(doc, signer_name),
              _recipients(doc)]
    return checks


def _check(code: str, ok: bool, detail: str) -> FormCheck:
    return FormCheck(code, LABELS[code], ok, detail)


def _national(doc: _Doc) -> FormCheck:
    missing = []
    if not re.search(_phrase(NATION), doc.first_key, re.I):
        missing.append(f"quốc hiệu «{NATION}»")
    if not re.search(_phrase(MOTTO), doc.first_key, re.I):
        missing.append(f"tiêu ngữ «{MOTTO}»")
    if missing:
        return _check("national_heading", False, "Thiếu " + " và ".join(missing) + " ở đầu văn bản.")
    return _check("national_heading", True, "Có quốc hiệu và tiêu ngữ.")


_ABBREVIATIONS = (("ủy ban nhân dân", "UBND"), ("hội đồng nhân dân", "HĐND"))


def _issuer(doc: _Doc, issuer_name: str) -> FormCheck:
    name = _text(issuer_name)
    if re.search(_phrase(name), doc.first_key, re.I):
        return _check("issuer", True, f"Có tên cơ quan ban hành «{name}».")
    short = _key(name)
    for full, abbr in _ABBREVIATIONS:
        short = re.sub(_phrase(full), abbr, short, flags=re.I)
    if short != _key(name) and re.search(_phrase(short), doc.first_key, re.I):
        return _check("issuer", False, f"Tên cơ quan ban hành phải viết đầy đủ «{name}», không viết tắt «{short}».")
    return _check("issuer", False, f"Không thấy tên cơ quan ban hành «{name}» ở đầu văn bản.")


_NUMBER_LINE = re.compile(
    r"Số\s*:\s*(?P<number>[0-9.…_\s]*?)\s*/\s*(?:(?P<year>\d{4})\s*/\s*)?"
    r"(?P<symbol>[^\W_]+(?:\s*-\s*[^\W_]+)*)")


def _symbol(text: str) -> str:
    return re.sub(r"\s*-\s*", "-", _key(_text(text)))


def _number(doc: _Doc, expected_symbol: str) -> FormCheck:
    expected = _symbol(expected_symbol)
    found = list(_NUMBER_LINE.finditer(doc.first_key))
    if not found:
        return _check("number_symbol", False, f"Không thấy dòng số, ký hiệu «Số: .../{expected_symbol}».")
    match = next((m for m in found if _symbol(m.group("symbol")) == expected), None)
    if match is None:
        written = _symbol(doc.first[found[0].start("symbol"):found[0].end("symbol")])
        return _check("number_symbol", False, f"Ký hiệu trên văn bản là «{written}», phải là «{expected_symbol}».")
    digits = match.group("number").strip()
    if not re.search(r"\d", digits):
        return _check("number_symbol", True, f"Có dòng «Số: .../{expected_symbol}»; số sẽ được cấp khi vào sổ.")
    if not digits.isdigit():
        return _check("number_symbol", False, f"Số «{digits}» phải ghi bằng chữ số Ả Rập, không xen dấu.")
    if len(digits) < 2:
        return _check("number_symbol", False, f"Số nhỏ hơn 10 phải có số 0 phía trước: «0{digits}», không phải «{digits}».")
    return _check("number_symbol", True, f"Có số, ký hiệu «{digits}/{expected_symbol}».")


_BLANK = r"[.…_]*"
_DATE_TAIL = (rf"\s*,\s*ngày\s*(?P<d>\d{{1,2}}|{_BLANK})\s*tháng\s*(?P<m>\d{{1,2}}|{_BLANK})"
              rf"\s*năm\s*(?P<y>\d{{4}}|{_BLANK})")
_ANY_PLACE = re.compile(r"(?P<place>[^\W\d_]+(?:\s+[^\W\d_]+){0,5})" + _DATE_TAIL, re.I)


def _place_start(text: str, match: re.Match) -> int:
    """Where the place begins: the last run of capitalised words before the comma (the
    pattern may have taken the end of the motto, "Hạnh phúc", with it)."""
    begin = match.start("place")
    for word in re.finditer(r"[^\W\d_]+", text[match.start("place"):match.end("place")]):
        if not word.group()[:1].isupper():
            begin = match.start("place") + word.end()
    return begin + (len(text[begin:]) - len(text[begin:].lstrip()))


def _place_date(doc: _Doc, place: str | None) -> FormCheck:
    shown = f"{place}, ngày ... tháng ... năm ..." if place else "<địa danh>, ngày ... tháng ... năm ..."
    match = None
    if place:
        match = re.search(rf"(?P<place>{_phrase(place)})" + _DATE_TAIL, doc.first_key, re.I)
    if match is None:
        other = next((m for m in _ANY_PLACE.finditer(doc.first_key) if m.group("place")[:1].isupper()), None)
        if other is None:
            return _check("place_date", False, f"Không thấy dòng địa danh và ngày tháng «{shown}».")
        begin = _place_start(doc.first, other)
        if place:
            written = doc.first[begin:other.end("place")]
            return _check("place_date", False, f"Địa danh trên văn bản là «{written}», phải là «{_text(place)}».")
        match = other
    line = doc.first[_place_start(doc.first, match):match.end()]
    d, m, y = match.group("d"), match.group("m"), match.group("y")
    if not any(part.isdigit() for part in (d, m, y)):
        return _check("place_date", True, f"Có dòng «{line}»; ngày sẽ được ghi khi ban hành.")
    if d.isdigit() and m.isdigit() and y.isdigit():
        try:
            datetime.date(int(y), int(m), int(d))
        except ValueError:
            return _check("place_date", False, f"Ngày tháng không có thật: «{line}».")
    if (d.isdigit() and int(d) < 10 and len(d) < 2) or (m.isdigit() and int(m) < 3 and len(m) < 2):
        return _check("place_date", False,
                      f"Ngày nhỏ hơn 10 và tháng 1, 2 phải có số 0 phía trước (ngày 05 tháng 02): «{line}».")
    return _check("place_date", True, f"Có dòng «{line}».")


def _type_name(doc: _Doc, doc_type: str) -> FormCheck:
    """The type name as a heading: "QUYẾT ĐỊNH", not the "QUYẾT ĐỊNH:" that opens the articles.
    Letters may be spaced out ("Q U Y Ế T")."""
    caps = _text(doc_type).upper()
    letters = "".join(_key(caps).split())
    pattern = r"(?<![^\W_])" + r"\s*".join(map(re.escape, letters)) + r"(?![^\W_])(?!\s*:)"
    if re.search(pattern, doc.first_key):
        return _check("type_name", True, f"Có tên loại văn bản «{caps}».")
    if re.search(pattern, doc.first_key, re.I):
        return _check("type_name", False, f"Tên loại văn bản phải viết in hoa: «{caps}».")
    return _check("type_name", False, f"Không thấy tên loại văn bản viết in hoa «{caps}».")


_VV = re.compile(r"\bV\s*/\s*[vV]\b\s*[:.]?\s*(?P<text>[^\W\d_])")


def _abstract(doc: _Doc) -> FormCheck:
    match = _VV.search(doc.first_key)
    if match is None:
        return _check("abstract", False, "Công văn thiếu dòng trích yếu «V/v ...» dưới số, ký hiệu.")
    shown = doc.first[match.start():match.start() + 200]
    shown = re.split(r"\s(?=CỘNG HÒA|CỘNG HOÀ|Kính gửi)", shown)[0]
    if len(shown) > 90:
        shown = shown[:90].rsplit(" ", 1)[0] + " …"
    return _check("abstract", True, f"Có trích yếu «{shown}».")


# Title lines of a signer block, in capitals (``_upper`` drops a match that is not).
_TITLE = re.compile(
    r"(?:\b(?:TM|KT|TL|TUQ|Q)\s*\.\s*)?(?:\bPHÓ\s+)?\b(?:CHỦ\s+TỊCH|TỔNG\s+GIÁM\s+ĐỐC|GIÁM\s+ĐỐC|"
    r"CHÁNH\s+VĂN\s+PHÒNG|THỦ\s+TRƯỞNG|TRƯỞNG\s+[^\W\d_]+|BÍ\s+THƯ|CHÁNH\s+ÁN|VIỆN\s+TRƯỞNG|"
    r"ỦY\s+BAN\s+NHÂN\s+DÂN|HỘI\s+ĐỒNG\s+NHÂN\s+DÂN)\b"
    r"|\b(?:TM|KT|TL|TUQ|Q)\s*\.\s*[^\W\d_]{2,}")


def _upper(matches: Iterable[re.Match]) -> list[re.Match]:
    return [m for m in matches if m.group() == m.group().upper()]


def _signer(doc: _Doc, signer_name: str | None) -> FormCheck:
    start = max(0, len(doc.all_key) - TAIL, doc.all_key.rfind(END_MARK))
    titles = _upper(_TITLE.finditer(doc.all_key, start))
    if not titles:
        return _check("signer", False, "Không thấy khối chữ ký: dòng chức vụ người ký (CHỦ TỊCH, KT. CHỦ TỊCH, "
                                       "TM. ỦY BAN NHÂN DÂN …) ở cuối văn bản.")
    last, begin = titles[-1], titles[-1].start()
    for earlier in reversed(titles[:-1]):  # "KT. CHỦ TỊCH PHÓ CHỦ TỊCH": the lines of one block
        if doc.all_key[earlier.end():begin].strip():
            break
        begin = earlier.start()
    title = doc.all[begin:last.end()]
    if not signer_name or not _text(signer_name):
        return _check("signer", True, f"Có dòng chức vụ «{title}»; chưa có người ký dự kiến để đối chiếu họ tên.")
    name = _text(signer_name)
    if re.search(rf"(?<!\w){_phrase(name)}(?!\w)", doc.all_key[last.end():], re.I):
        return _check("signer", True, f"Có chức vụ «{title}» và họ tên người ký «{name}».")
    return _check("signer", False, f"Không thấy họ tên người ký «{name}» dưới dòng chức vụ «{title}».")


def _recipients(doc: _Doc) -> FormCheck:
    if re.search(r"Nơi\s*nhận\s*:", doc.all_key, re.I):
        return _check("recipients", True, "Có phần «Nơi nhận:».")
    return _check("recipients", False, "Thiếu phần «Nơi nhận:» ở cuối văn bản.")
