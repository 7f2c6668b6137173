"""Typed register pages read into proposed entries (issue 11 §2).

Pure: word boxes in, a ``PageReading`` out; no database, no Flask. The entry point is
``parse_page(words, width, height, *, kind=None)``.

How a page is read, from the OCR word boxes alone (no font, size or spacing assumed):

1. **Lines.** The page's skew is measured from neighbouring words (the median slope
   between a word and the next one to its right), then refined from the lines found;
   words are grouped into lines by their deskewed vertical middle (half a median word
   height apart), and read left to right.
2. **Structure.** The title (``SỔ ĐĂNG KÝ KHAI SINH`` …) gives the kind and the line under
   it the office; every heading line (``Số: … Quyển số: … Trang: … Ngày đăng ký: …``)
   starts an entry; a line that starts with a known label (fuzzy match, with and without
   diacritics, on the words up to the first colon, or on the first words when the colon
   was lost) starts a field; any other line continues the field above (values wrap).
3. **Values.** Each printed label maps to one or more contract keys (``LABELS``); values
   are normalised with ``docsvc.civil.fields.normalise`` (ISO dates, national codes, NFC).
4. **Checks.** Date in digits against date in words, birth before registration (and
   death between them), the registration date in the book's year, parents born well
   before the child, the personal ID's sex/century digit and year against the person,
   numbers running on within the page, known vocabularies (sex, kinds, ethnicities).
   A field that fails a check or whose weakest word was read below ``LOW_CONFIDENCE``
   is ``uncertain``; a label not found on the page gives ``uncertain`` with no value
   (the machine cannot claim the register has nothing there); a label with nothing
   after it is ``missing``. Slips OCR makes on typed text (glued words, ';' for ',', a
   misread family name, province or fixed phrase) are put right, and left uncertain.

The parts: ``lines`` (word boxes → lines), ``labels`` (the printed labels and the keys
they fill), ``values`` (one label's value → fields, with ``LOW_CONFIDENCE``), ``spelled``
(digits, dates, Vietnamese number words), ``repairs`` and ``vocabulary`` (what values are
checked against and put right with).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from rapidfuzz import fuzz, process

from docsvc.civil.fields import BY_KEY, field_keys, nfc
from docsvc.civil.labels import LABELS, match_label
from docsvc.civil.lines import Line, Word, to_lines, union
from docsvc.civil.spelled import date_from_digits, digits_of
from docsvc.civil.values import Reader, Value, state_for, weakest
from docsvc.civil.vocabulary import KIND_BY_TITLE, text_key

# -- results ------------------------------------------------------------------------------

@dataclass
class ProposedEntry:
    number: int | None
    book: str | None
    page: int | None
    box: tuple[int, int, int, int]            # x, y, w, h on the page image
    fields: dict[str, dict] = field(default_factory=dict)  # key -> {value, state, confidence}


@dataclass
class PageReading:
    is_register: bool
    kind: str | None
    office: str | None
    reason: str | None
    entries: list[ProposedEntry] = field(default_factory=list)


# -- page structure -----------------------------------------------------------------------

def _title_kind(line: Line) -> str | None:
    key = text_key(line.text)
    if not key.startswith(("so", "s0")) or len(key.split()) > 7:
        return None
    titles = {kind: f"so dang ky {title}" for title, kind in KIND_BY_TITLE.items()}
    best = process.extractOne(key, titles, scorer=fuzz.ratio, score_cutoff=80)
    return best[2] if best else None


def _marker_at(keys: list[str], marker: str, start: int = 0) -> int | None:
    for i in range(start, len(keys)):
        if keys[i] and fuzz.ratio(keys[i], marker) >= 80:
            return i
    return None


def _pieces(line: Line) -> list[Word]:
    """The line's words split at punctuation glued between parts ("68.Quyển", "số:01")."""
    out = []
    for w in line.words:
        parts = [p for p in re.split(r"(?<=[.:;,])(?=\w)|(?<=\w)(?=[.:;,]\w)", w.text) if p]
        out.extend(Word(p, w.conf, w.x, w.y, w.w, w.h) for p in parts)
    return out


def _is_heading(line: Line) -> bool:
    """'Số: 01 Quyển số: 01/1985 Trang: 1 Ngày đăng ký: …': two of its markers, in order,
    near the start of the line (a place name such as 'Ngô Quyền' is not a heading)."""
    keys = [text_key(w.text) for w in _pieces(line)]
    quyen = _marker_at(keys[:4], "quyen")
    if quyen is None:
        return False
    starts_so = bool(keys) and keys[0] in ("so", "s0")
    trang = _marker_at(keys, "trang", quyen + 1)
    dang = _marker_at(keys, "dang", quyen + 1)
    return sum((starts_so, trang is not None, dang is not None)) >= 2


@dataclass
class _Heading:
    number: int | None
    number_clean: bool
    book: str | None
    page: int | None
    registered_on: str | None
    registered_clean: bool
    conf: float | None


def _read_heading(line: Line) -> _Heading:
    """'Số: 01 Quyển số: 01/1985 Trang: 1 Ngày đăng ký: 31/03/1985'."""
    words = _pieces(line)
    keys = [text_key(w.text) for w in words]

    def index(marker: str, start: int = 0) -> int | None:
        return _marker_at(keys, marker, start)

    quyen = index("quyen")
    trang = index("trang", (quyen or 0) + 1)
    dang = index("dang", (trang or quyen or 0) + 1)
    number_words = words[1:quyen] if quyen else words[1:2]
    number_text = "".join(w.text for w in number_words).strip(".:;, ")
    digits, number_clean = digits_of(number_text)
    number = int(digits) if digits and len(digits) <= 5 else None
    book = None
    if quyen is not None:
        for w in words[quyen + 1:(trang or len(words))]:
            m = re.search(r"[\w]+/\w{4}", w.text)
            if m:
                book = m.group(0)
    page = None
    if trang is not None and trang + 1 < len(words):
        page_digits, _ = digits_of(words[trang + 1].text.replace(":", ""))
        page = int(page_digits) if page_digits and len(page_digits) <= 5 else None
    tail = " ".join(w.text for w in words[(dang or trang or 0):])
    registered, clean = date_from_digits(tail)
    return _Heading(number, number_clean and number is not None, book, page, registered, clean,
                    weakest(words))


_NOT_REGISTER = "Trang này không phải trang sổ đăng ký hộ tịch (không có tiêu đề sổ và dòng “Số: … Quyển số: …”), nên không đề xuất mục nào."
_NO_KIND = "Không xác định được loại sổ (khai sinh, khai tử, kết hôn) của trang này, nên không đề xuất mục nào."


def parse_page(words, width: int, height: int, *, kind: str | None = None) -> PageReading:
    """Proposed entries of one typed register page from its OCR word boxes.

    ``words``: ``[[text, conf, x, y, w, h], ...]`` (Page.words); ``width``/``height``: the
    image they refer to; ``kind``: the book's kind when known (birth, death, marriage).
    """
    lines = to_lines(words)
    if not lines:
        return PageReading(False, kind, None, "Trang này không có chữ nào đọc được, nên không đề xuất mục nào.")
    word_height = median(w.h for line in lines for w in line.words)
    title_kind, title_at = None, None
    for i, line in enumerate(lines[:6]):
        found = _title_kind(line)
        if found:
            title_kind, title_at = found, i
            break
    heading_at = [i for i, line in enumerate(lines) if _is_heading(line)]
    if title_kind is None and not heading_at:
        return PageReading(False, kind, None, _NOT_REGISTER)
    notes: list[str] = []
    if kind and title_kind and kind != title_kind:
        return PageReading(True, title_kind, None,
                           f"Tiêu đề trang là sổ {_kind_title(title_kind)}, nhưng quyển sổ là sổ "
                           f"{_kind_title(kind)}: không đề xuất mục nào, cần kiểm tra trang.")
    the_kind = title_kind or kind
    if the_kind is None:
        return PageReading(True, None, None, _NO_KIND)
    if title_kind is None:
        notes.append("Không đọc được tiêu đề sổ trên trang.")
    office = None
    if title_at is not None:
        stop = heading_at[0] if heading_at else len(lines)
        office_lines = [line.text for line in lines[title_at + 1:min(stop, title_at + 3)]]
        office = nfc(" ".join(office_lines)) or None
    if not heading_at:
        return PageReading(True, the_kind, office, "Không thấy dòng “Số: … Quyển số: …” của mục nào trên trang.")

    labels = LABELS[the_kind]
    # The left margin: where lines that start with a label and a colon begin.
    starts = []
    for line in lines[heading_at[0]:]:
        match = match_label(line, labels, float("inf"), word_height)
        if match:
            starts.append(line.start)
    margin = median(starts) if starts else min(line.start for line in lines)

    reader = Reader(the_kind)
    read: list[tuple[ProposedEntry, dict[str, Value]]] = []
    bounds = heading_at + [len(lines)]
    for a, b in zip(bounds, bounds[1:]):
        read.append(_read_entry(the_kind, lines[a], lines[a + 1:b], labels, margin,
                                word_height, reader, notes))
    _check_page(read, notes)
    entries = [entry for entry, _values in read]
    return PageReading(True, the_kind, office, " ".join(dict.fromkeys(notes)) or None, entries)


def _kind_title(kind: str) -> str:
    return {"birth": "khai sinh", "death": "khai tử", "marriage": "kết hôn"}[kind]


def _read_entry(kind, heading_line, body, labels, margin, height, reader, notes
                ) -> tuple[ProposedEntry, dict[str, Value]]:
    heading = _read_heading(heading_line)
    values: dict[str, Value] = {}
    # (label, value words, whether a line at the margin was taken as a continuation)
    fields_at: list[list] = []
    for line in body:
        match = match_label(line, labels, margin, height)
        if match:
            fields_at.append([match[0], list(match[1]), False])
        elif fields_at:
            fields_at[-1][1].extend(line.words)
            # A continuation at the margin, not indented: perhaps a label not recognised.
            fields_at[-1][2] |= line.start <= margin + 0.5 * height
    for label, value_words, suspicious in fields_at:
        read = reader.read(label.handler, label.keys, value_words)
        for key, v in read.items():
            if suspicious and v.state == "ok":
                v.state = "uncertain"
            if key in values:
                # Read twice (a label repeated, or the heading's date again): keep the first,
                # and both become uncertain if they disagree.
                if values[key].value != v.value:
                    values[key].state = "uncertain"
                continue
            values[key] = v
    # The heading: number and registration date.
    number_state = state_for(heading.number_clean, heading.conf)
    values_number = Value(heading.number, number_state if heading.number else "uncertain", heading.conf)
    registered = Value(heading.registered_on,
                        state_for(heading.registered_clean, heading.conf) if heading.registered_on else "uncertain",
                        heading.conf)
    if "registered_on" in values:  # printed again among the fields (marriage)
        other = values["registered_on"]
        if registered.value is None:
            registered = other
        elif other.value is not None and other.value != registered.value:
            registered.state = "uncertain"
    values["registered_on"] = registered
    values["number"] = values_number
    missing_labels = [k for k in field_keys(kind) if k not in values]
    for key in missing_labels:
        values[key] = Value(None, "uncertain", None)
    if missing_labels:
        notes.append("Một số trường không tìm thấy nhãn trên trang: "
                     + ", ".join(BY_KEY[kind][k].label for k in missing_labels) + ".")
    _check_entry(kind, heading, values)
    words = heading_line.words + [w for line in body for w in line.words]
    entry = ProposedEntry(number=heading.number, book=heading.book, page=heading.page,
                          box=union(words),
                          fields={k: values[k].as_dict() for k in field_keys(kind)})
    return entry, values


def _flag(values: dict[str, Value], *keys: str) -> None:
    for key in keys:
        v = values.get(key)
        if v is not None and v.state == "ok":
            v.state = "uncertain"


def _iso(values: dict[str, Value], key: str) -> date | None:
    v = values.get(key)
    if v is None or not isinstance(v.value, str):
        return None
    try:
        return date.fromisoformat(v.value)
    except ValueError:
        return None


def _check_entry(kind: str, heading: _Heading, values: dict[str, Value]) -> None:
    """Cross-checks within one entry; a field that fails one becomes uncertain."""
    registered = _iso(values, "registered_on")
    book_year = None
    if heading.book and re.search(r"(\d{4})$", heading.book):
        book_year = int(heading.book[-4:])
    if registered and book_year and registered.year != book_year:
        # A book holds one year: the year is the book's (a misread digit), uncertain.
        _flag(values, "registered_on")
        try:
            values["registered_on"].value = registered.replace(year=book_year).isoformat()
        except ValueError:
            pass
    births = {"birth": ["date_of_birth"], "death": ["date_of_birth"],
              "marriage": ["wife_date_of_birth", "husband_date_of_birth"]}[kind]
    for key in births:
        born = _iso(values, key)
        if born and registered and born > registered:
            _flag(values, key, "registered_on")
        if kind == "marriage" and born and registered and (registered.year - born.year) < 16:
            _flag(values, key)
    if kind == "death":
        born, died = _iso(values, "date_of_birth"), _iso(values, "date_of_death")
        if died and registered and died > registered:
            _flag(values, "date_of_death", "registered_on")
        if born and died and born > died:
            _flag(values, "date_of_birth", "date_of_death")
    if kind == "birth":
        born = _iso(values, "date_of_birth")
        for parent in ("mother", "father"):
            year = values.get(f"{parent}_birth_year")
            if born and year and isinstance(year.value, int) and not 10 <= born.year - year.value <= 70:
                _flag(values, f"{parent}_birth_year")
    # The personal ID: digit 4 is century and sex (0/1 for men/women born 1900-1999, 2/3
    # 2000-2099), digits 5-6 the year of birth.
    pid = values.get("personal_id")
    born = _iso(values, "date_of_birth")
    sex = values.get("sex")
    if pid and isinstance(pid.value, str) and len(pid.value) == 12 and born:
        century_digit = int(pid.value[3])
        if int(pid.value[4:6]) != born.year % 100 or century_digit // 2 != born.year // 100 - 19:
            _flag(values, "personal_id")
        if sex and sex.value in (1, 2) and century_digit % 2 != sex.value - 1:
            _flag(values, "personal_id")


def _check_page(read: list[tuple[ProposedEntry, dict[str, Value]]], notes: list[str]) -> None:
    """Entry numbers run on within the page; one book and one page number for all."""
    # Entry i should carry base + i; the base most entries agree on (at least two) is the
    # page's. An entry off it is uncertain; one whose number was not read gets base + i.
    entries = [entry for entry, _values in read]
    bases: dict[int, int] = {}
    for i, e in enumerate(entries):
        if e.number is not None:
            bases[e.number - i] = bases.get(e.number - i, 0) + 1
    ranked = sorted(bases.items(), key=lambda kv: -kv[1])
    base = ranked[0][0] if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]) else None
    for i, (e, values) in enumerate(read):
        v = values["number"]
        if len(entries) > 1 and (base is None or e.number != base + i):
            v.state = "uncertain"
            notes.append("Số thứ tự các mục trên trang không liên tiếp.")
            if base is not None:  # the number the run proposes, uncertain
                v.value = e.number = base + i
        e.fields["number"] = v.as_dict()
    books = {e.book for e in entries if e.book}
    pages = {e.page for e in entries if e.page is not None}
    if len(books) > 1 or len(pages) > 1:
        notes.append("Các mục trên trang ghi số quyển hoặc số trang khác nhau.")
