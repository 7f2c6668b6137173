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
   after it is ``missing``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from rapidfuzz import fuzz, process

from docsvc.civil.fields import (BY_KEY, FIELDS, MARRIAGE_KIND, REGISTRATION_KIND, SEX,
                                 FieldValueError, field_keys, nfc, normalise)

# A field whose weakest word Tesseract read below this confidence is ``uncertain``.
# Chosen on bench/registers.py --sweep (48 generated pages, half noisy): silent errors were
# 0.59% of fields with no threshold, 0.30% at 75, 0.12% at 80 and 0.06% from 85 on, while
# the share of fields left for a person to check grew from 8.8% (80) to 11% (85), 15% (90)
# and 28% (94): 85 is where the silent errors stop falling.
LOW_CONFIDENCE = 85.0
# Label match scores (rapidfuzz ratio, 0-100) needed to accept a line as starting a field:
# with the colon found (the label's end is known) and without it (first words only).
LABEL_SCORE_COLON = 78.0
LABEL_SCORE_BARE = 88.0
# A short "word" read below this after a value is a speck, not part of it.
DUST_CONFIDENCE = 30.0

#: The 54 ethnic groups of Viet Nam (General Statistics Office list), as registers write them.
ETHNICITIES = (
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê",
    "Ba Na", "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra Glai",
    "Xtiêng", "Bru Vân Kiều", "Thổ", "Giáy", "Cơ Tu", "Giẻ Triêng", "Mạ", "Khơ Mú", "Co",
    "Tà Ôi", "Chơ Ro", "Kháng", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí", "La Ha",
    "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cơ Lao", "Cống", "Bố Y",
    "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm", "Ngái",
)
NATIONALITIES = ("Việt Nam",)
#: Titles of the signing officer, longest first (a prefix of "Người ký").
POSITIONS = ("Phó Chủ tịch", "Chủ tịch", "Công chức tư pháp - hộ tịch", "Trưởng phòng Tư pháp",
             "Phó Trưởng phòng Tư pháp")
#: Vietnamese family names (the first word of a full name), to catch a misread first word.
SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đào", "Đoàn", "Vương", "Trịnh", "Đinh", "Lâm", "Phùng", "Mai",
    "Tô", "Trương", "Hà", "Lương", "Lưu", "Quách", "Cao", "Chu", "Châu", "Tạ", "Thái", "Kiều",
    "Đàm", "Lã", "La", "Mạc", "Khúc", "Khổng", "Kim", "Hứa", "Tăng", "Thân", "Triệu", "Văn",
    "Từ", "Tôn", "Nghiêm", "Lò", "Lục", "Âu", "Ông", "Giang", "Bạch", "Diệp", "Đồng", "Hàn",
    "Hầu", "Khương", "Lại", "Lữ", "Nông", "Phí", "Quan", "Sầm", "Tống", "Trình", "Ung", "Vi",
    "Viên", "Doãn", "Đậu", "Cù", "Cấn", "Đường", "Lường", "Mẫn", "Ninh", "Thạch", "Tiêu",
    "Giáp", "Lộc", "Mã", "Thiều", "Ứng", "Lạc", "Đào", "Lò", "Hoa", "Y",
)
ID_PAPER_WORDS = ("CCCD", "CMND", "Hộ chiếu", "Giấy chứng minh", "Căn cước")

#: Common causes of death and fixed phrases of register values: a reading that equals one
#: of them without diacritics is put right, and left uncertain when it differed.
CAUSES_OF_DEATH = ("Bệnh già", "Già yếu", "Bệnh tim", "Tai nạn giao thông", "Ung thư", "Đột quỵ",
                   "Bệnh phổi", "Không rõ nguyên nhân", "Tai biến mạch máu não", "Nhồi máu cơ tim",
                   "Suy tim", "Suy thận", "Tai nạn lao động", "Đuối nước", "Lao phổi", "Bệnh gan")
PHRASES = ("Giấy báo tử", "Trạm Y tế", "Bệnh viện Đa khoa", "Nhà hộ sinh", "Tại nhà",
           "Thành phố Hồ Chí Minh", "Hồ Chí Minh")

#: Provinces and centrally-run cities, before and after the 2025 merger: the last part of an
#: address ("…, Đồng Nai") read with a wrong mark is put right (and left uncertain).
PROVINCES = (
    "Hà Nội", "Thành phố Hồ Chí Minh", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế",
    "Thừa Thiên Huế", "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu",
    "Bắc Ninh", "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau",
    "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
    "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa",
    "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
    "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Tiền Giang", "Trà Vinh", "Tuyên Quang",
    "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)
_PLACE_KEYS = ("residence", "home_town", "place_of_birth", "place_of_death")

KIND_BY_TITLE = {"khai sinh": "birth", "khai tu": "death", "ket hon": "marriage"}


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


# -- text helpers -------------------------------------------------------------------------

def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def _key(text: str) -> str:
    """Folded letters and digits, single spaces: what labels are compared on."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def _plain(text: str) -> str:
    """Lower case with diacritics, punctuation dropped: the unfolded comparison."""
    return " ".join(re.sub(r"[^\w]+", " ", unicodedata.normalize("NFC", text.lower())).split())


def _score(a: str, b: str) -> float:
    """Similarity of two label texts, the better of folded and unfolded."""
    return max(fuzz.ratio(_key(a), _key(b)), fuzz.ratio(_plain(a), _plain(b)))


# -- words and lines ----------------------------------------------------------------------

@dataclass
class Word:
    text: str
    conf: float
    x: int
    y: int
    w: int
    h: int
    cy: float = 0.0  # deskewed middle

    @property
    def mid(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


@dataclass
class Line:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def start(self) -> float:
        return self.words[0].x

    def box(self) -> tuple[int, int, int, int]:
        return _union(self.words)


def _union(words: list[Word]) -> tuple[int, int, int, int]:
    x0 = min(w.x for w in words)
    y0 = min(w.y for w in words)
    x1 = max(w.x + w.w for w in words)
    y1 = max(w.y + w.h for w in words)
    return x0, y0, x1 - x0, y1 - y0


def _slope(words: list[Word], height: float) -> float:
    """Median slope between each word and its nearest neighbour to the right on the same
    row: the page's skew (tan of the angle)."""
    ordered = sorted(words, key=lambda w: w.x)
    slopes = []
    for i, a in enumerate(ordered):
        ax, ay = a.mid
        best = None
        for b in ordered[i + 1:i + 60]:
            gap = b.x - (a.x + a.w)
            if gap > 3 * height:
                break
            if gap < -height / 2:
                continue
            bx, by = b.mid
            if abs(by - ay) < 0.6 * height and (best is None or b.x < best.x):
                best = b
        if best is not None:
            bx, by = best.mid
            if bx - ax > height:
                slopes.append((by - ay) / (bx - ax))
    return median(slopes) if slopes else 0.0


def _group(words: list[Word], slope: float, height: float) -> list[Line]:
    for w in words:
        cx, cy = w.mid
        w.cy = cy - slope * cx
    lines: list[list[Word]] = []
    means: list[float] = []
    for w in sorted(words, key=lambda w: w.cy):
        if lines and abs(w.cy - means[-1]) <= 0.5 * height:
            lines[-1].append(w)
            n = len(lines[-1])
            means[-1] += (w.cy - means[-1]) / n
        else:
            lines.append([w])
            means.append(w.cy)
    return [Line(sorted(ws, key=lambda w: w.x)) for ws in lines]


def _refined_slope(lines: list[Line], height: float, first: float) -> float:
    """Median least-squares slope of the long lines found with the first estimate."""
    slopes = []
    for line in lines:
        if len(line.words) < 4:
            continue
        pts = [w.mid for w in line.words]
        xs = [p[0] for p in pts]
        if max(xs) - min(xs) < 20 * height:
            continue
        mx = sum(xs) / len(xs)
        my = sum(p[1] for p in pts) / len(pts)
        den = sum((x - mx) ** 2 for x in xs)
        if den:
            slopes.append(sum((x - mx) * (y - my) for x, y in pts) / den)
    return median(slopes) if len(slopes) >= 3 else first


def to_lines(raw_words) -> list[Line]:
    """Word boxes ``[text, conf, x, y, w, h]`` grouped into lines, top to bottom."""
    words = []
    for item in raw_words:
        text, conf, x, y, w, h = item[:6]
        text = unicodedata.normalize("NFC", str(text)).strip()
        if text and w > 0 and h > 0:
            words.append(Word(text, float(conf), int(x), int(y), int(w), int(h)))
    if not words:
        return []
    height = median(w.h for w in words)
    first = _slope(words, height)
    lines = _group(words, first, height)
    refined = _refined_slope(lines, height, first)
    if abs(refined - first) > 1e-4:
        lines = _group(words, refined, height)
    return lines


# -- the printed labels -------------------------------------------------------------------

# label -> (handler, keys). The printed labels of books and of the sample generator; then
# every contract label (fields.FIELDS) as a one-key label of its type, for books that print
# the fields separately ("Giờ chết", "Quốc tịch của mẹ", "Chức vụ người ký", …).
_COMBINED: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "birth": [
        ("Họ, chữ đệm, tên", "name", ("full_name",)),
        ("Ngày, tháng, năm sinh", "date_words", ("date_of_birth",)),
        ("Số định danh cá nhân", "personal_id", ("personal_id",)),
        ("Dân tộc", "ethnicity", ("ethnicity",)),
        ("Quốc tịch", "nationality", ("nationality",)),
        ("Họ, chữ đệm, tên người mẹ", "name", ("mother_name",)),
        ("Dân tộc, quốc tịch của mẹ", "ethnicity_nationality", ("mother_ethnicity", "mother_nationality")),
        ("Họ, chữ đệm, tên người cha", "name", ("father_name",)),
        ("Dân tộc, quốc tịch của cha", "ethnicity_nationality", ("father_ethnicity", "father_nationality")),
        ("Dân tộc của mẹ", "ethnicity", ("mother_ethnicity",)),
        ("Dân tộc của cha", "ethnicity", ("father_ethnicity",)),
        ("Quốc tịch của mẹ", "nationality", ("mother_nationality",)),
        ("Quốc tịch của cha", "nationality", ("father_nationality",)),
        ("Người đi khai sinh", "person_paper", ("declarant", "declarant_paper")),
        ("Người ký", "signer", ("officer_position", "officer")),
    ],
    "death": [
        ("Họ, chữ đệm, tên người chết", "name", ("full_name",)),
        ("Ngày, tháng, năm sinh", "date_words", ("date_of_birth",)),
        ("Số định danh cá nhân", "personal_id", ("personal_id",)),
        ("Dân tộc", "ethnicity", ("ethnicity",)),
        ("Quốc tịch", "nationality", ("nationality",)),
        ("Thời gian chết", "time_date", ("time_of_death", "date_of_death")),
        ("Người đi khai tử", "person_paper", ("declarant", "declarant_paper")),
        ("Người ký", "signer", ("officer_position", "officer")),
    ],
    "marriage": [
        ("Họ, chữ đệm, tên người vợ", "name", ("wife_name",)),
        ("Họ, chữ đệm, tên người chồng", "name", ("husband_name",)),
        ("Ngày, tháng, năm sinh của vợ", "date_words", ("wife_date_of_birth",)),
        ("Ngày, tháng, năm sinh của chồng", "date_words", ("husband_date_of_birth",)),
        ("Dân tộc, quốc tịch của vợ", "ethnicity_nationality", ("wife_ethnicity", "wife_nationality")),
        ("Dân tộc, quốc tịch của chồng", "ethnicity_nationality", ("husband_ethnicity", "husband_nationality")),
        ("Dân tộc của vợ", "ethnicity", ("wife_ethnicity",)),
        ("Dân tộc của chồng", "ethnicity", ("husband_ethnicity",)),
        ("Quốc tịch của vợ", "nationality", ("wife_nationality",)),
        ("Quốc tịch của chồng", "nationality", ("husband_nationality",)),
        ("Giấy tờ tùy thân của vợ", "paper", ("wife_id_paper",)),
        ("Giấy tờ tùy thân của chồng", "paper", ("husband_id_paper",)),
        ("Loại đăng ký", "marriage_kind", ("marriage_kind", "registration_kind")),
        ("Hình thức đăng ký kết hôn", "marriage_kind", ("marriage_kind", "registration_kind")),
        ("Người ký", "signer", ("officer_position", "officer")),
    ],
}

_TYPE_HANDLER = {"text": "text", "date": "date_words", "year": "year", "time": "time", "int": "int",
                 "sex": "sex", "registration_kind": "registration_kind", "marriage_kind": "marriage_kind"}


@dataclass(frozen=True)
class _Label:
    text: str
    handler: str
    keys: tuple[str, ...]
    folded: str
    words: int


def _labels(kind: str) -> list[_Label]:
    seen: dict[str, _Label] = {}

    def add(text, handler, keys):
        folded = _key(text)
        if folded not in seen:
            seen[folded] = _Label(text, handler, tuple(keys), folded, len(folded.split()))

    for text, handler, keys in _COMBINED[kind]:
        add(text, handler, keys)
    for f in FIELDS[kind]:
        if f.key == "number":
            continue
        handler = _TYPE_HANDLER[f.type]
        if f.key.endswith("_id_paper") or f.key == "declarant_paper":
            handler = "paper"
        elif f.key.endswith("name") or f.key in ("declarant", "officer"):
            handler = "name"
        elif f.key.endswith("ethnicity"):
            handler = "ethnicity"
        elif f.key.endswith("nationality"):
            handler = "nationality"
        elif f.key == "personal_id":
            handler = "personal_id"
        add(f.label, handler, (f.key,))
    return list(seen.values())


_LABELS = {kind: _labels(kind) for kind in FIELDS}


# -- reading one value --------------------------------------------------------------------

@dataclass
class _Value:
    value: object
    state: str
    confidence: float | None

    def as_dict(self) -> dict:
        return {"value": self.value, "state": self.state,
                "confidence": None if self.confidence is None else round(self.confidence, 1)}


def _conf(words: list[Word]) -> float | None:
    return min(w.conf for w in words) if words else None


def _state(ok: bool, conf: float | None) -> str:
    return "ok" if ok and (conf is None or conf >= LOW_CONFIDENCE) else "uncertain"


def _norm(kind: str, key: str, raw) -> tuple[object, bool]:
    """(normalised value, fits) — a value that does not fit its type is kept as None."""
    try:
        return normalise(kind, key, raw), True
    except FieldValueError:
        return None, False


_DIGIT_FIXES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                              "i": "1", "!": "1", "Z": "2", "S": "5", "s": "5", "B": "8", "g": "9"})


def _digits(text: str) -> tuple[str, bool]:
    """The digits of a numeric token, with look-alike letters mapped; ``clean`` is False
    when anything had to be mapped or dropped."""
    fixed = text.translate(_DIGIT_FIXES)
    digits = re.sub(r"\D", "", fixed)
    return digits, fixed == digits


_DATE = re.compile(r"(\w{1,2})\s*[/.\-]\s*(\w{1,2})\s*[/.\-]\s*(\w{4})")


def _date_digits(text: str) -> tuple[str | None, bool]:
    """ISO date from 'dd/mm/yyyy' somewhere in ``text`` (look-alike letters mapped)."""
    m = _DATE.search(text)
    if not m:
        return None, False
    parts, clean = [], True
    for group in m.groups():
        digits, ok = _digits(group)
        if not digits:
            return None, False
        parts.append(int(digits))
        clean &= ok
    try:
        return date(parts[2], parts[1], parts[0]).isoformat(), clean
    except ValueError:
        return None, False


_NUMBER_WORDS = {"khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5,
                 "sau": 6, "bay": 7, "tam": 8, "chin": 9}
_NUMBER_VOCAB = list(_NUMBER_WORDS) + ["muoi", "tram", "nghin", "ngan", "linh", "le"]


def words_number(tokens: list[str]) -> int | None:
    """An integer written in Vietnamese words ('một nghìn chín trăm tám mươi lăm' → 1985);
    None when the words do not make a number. Tokens may carry or lack diacritics."""
    total, group, last = 0, 0, None
    seen = False
    for raw in tokens:
        t = _key(raw)
        if not t:
            continue
        if t not in _NUMBER_VOCAB:
            match = process.extractOne(t, _NUMBER_VOCAB, scorer=fuzz.ratio, score_cutoff=75)
            if match is None:
                return None
            t = match[0]
        seen = True
        if t in ("nghin", "ngan"):
            total += (group + (last or 0)) * 1000 if (group or last) else 1000
            group, last = 0, None
        elif t == "tram":
            if last is None:
                return None
            group += last * 100
            last = None
        elif t == "muoi":
            if last is not None:      # "tám mươi": tens
                group += last * 10
            else:                     # "mười": ten
                group += 10
            last = None
        elif t in ("linh", "le"):
            continue
        else:
            if last is not None:
                return None
            last = _NUMBER_WORDS[t]
    return total + group + (last or 0) if seen else None


def words_date(text: str) -> str | None:
    """ISO date from 'ngày mười ba, tháng hai, năm một nghìn chín trăm tám mươi lăm'."""
    tokens = [t for t in re.split(r"[\s,;()]+", text) if t]
    keys = [_key(t) for t in tokens]

    def find(word: str, start: int = 0) -> int | None:
        for i in range(start, len(keys)):
            if keys[i] == word or (len(keys[i]) > 2 and fuzz.ratio(keys[i], word) >= 80):
                return i
        return None

    day_at = find("ngay")
    month_at = find("thang", (day_at or -1) + 1)
    if day_at is None or month_at is None:
        return None
    thousand = None
    for i in range(month_at + 1, len(keys)):
        if keys[i] in ("nghin", "ngan") or fuzz.ratio(keys[i], "nghin") >= 80:
            thousand = i
            break
    if thousand is None or thousand - 2 <= month_at:
        return None
    day = words_number(tokens[day_at + 1:month_at])
    month = words_number(tokens[month_at + 1:thousand - 2])
    year = words_number(tokens[thousand - 1:])
    if day is None or month is None or year is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _vocab(text: str, vocabulary) -> tuple[str | None, bool]:
    """The vocabulary entry ``text`` reads as: (entry, exact). Exact when equal, or equal
    without diacritics to one entry only; otherwise the closest entry above 80, not exact."""
    value = nfc(text).strip(" ,.;")
    for entry in vocabulary:
        if value.casefold() == entry.casefold():
            return entry, True
    folded = [e for e in vocabulary if _key(e) == _key(value)]
    if len(folded) == 1:
        return folded[0], False
    match = process.extractOne(_key(value), {e: _key(e) for e in vocabulary}, scorer=fuzz.ratio,
                               score_cutoff=80)
    return (match[2], False) if match else (None, False)


_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
_RHYME = r"(?:[aeiouy]{1,3})(?:ch|ng|nh|[cmnptk])?"  # k: Đắk Lắk, Kon Plông
_SYLLABLE = re.compile(f"^{_ONSET}{_RHYME}$")
_VIET_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}
_WORDY = {"text", "name", "person_paper", "signer", "paper"}


def _vietnamese_words(text: str) -> bool:
    """Every word of letters is a Vietnamese syllable, or an abbreviation in capitals
    (CCCD, GBT); letters with marks Vietnamese does not use (ä, ð) fail."""
    for raw in re.split(r"[\s,;/()\-]+", text):
        word = raw.strip(".:")
        if not word or any(ch.isdigit() for ch in word):
            continue
        if word.isupper() and len(word) > 1 and word.isascii():
            continue
        for ch in unicodedata.normalize("NFD", word.lower()):
            if not ("a" <= ch <= "z" or ch == "đ" or ch in _VIET_MARKS):
                return False
        if not _SYLLABLE.match(fold(word)):
            return False
    return True


_ODD = re.compile(r"[^\W\d_][.,;:'’`\"|~^][^\W\d_]|[|~^`\\{}<>\[\]@#$%&*=+_]")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’-]*$")


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return bool(words) and all(_NAME_WORD.match(w) and w[0].isupper() for w in words)


class _Reader:
    """Turns the words after one label into contract values."""

    def __init__(self, kind: str):
        self.kind = kind

    def read(self, handler: str, keys: tuple[str, ...], words: list[Word]) -> dict[str, _Value]:
        # Punctuation standing alone at either end is dust or a stray mark, not the value.
        words = list(words)
        dropped = False
        while words and not any(ch.isalnum() for ch in words[-1].text):
            words.pop()
        while words and not any(ch.isalnum() for ch in words[0].text) and words[0].text != "(":
            words.pop(0)
        # Specks read as a short word after the value ("Hòa nh.", "Tuấn mm"): dropped, and
        # the field is left uncertain (it might have been a real word read badly).
        while len(words) > 1 and words[-1].conf < DUST_CONFIDENCE and len(words[-1].text.strip(".,;:'\"")) <= 3:
            words.pop()
            dropped = True
        if words:
            last = words[-1]
            stripped = last.text.rstrip(".,;:")
            if stripped and stripped != last.text and handler not in ("date_words",):
                words[-1] = Word(stripped, last.conf, last.x, last.y, last.w, last.h)
        conf = _conf(words)
        text = nfc(" ".join(w.text for w in words)).strip()
        if not text:
            return {k: _Value(None, "missing", None) for k in keys}
        out = getattr(self, "_" + handler)(keys, text, words, conf)
        if dropped or _ODD.search(text) or (handler in _WORDY and not _vietnamese_words(text)):
            # "Xã.Thịnh", a stray mark inside a word, "Trọrig" (no Vietnamese syllable)
            for v in out.values():
                v.state = "uncertain" if v.state == "ok" else v.state
        return out

    def _text(self, keys, text, words, conf):
        value, ok = _norm(self.kind, keys[0], text)
        if value and keys[0] == "cause_of_death":
            entry, exact = _vocab(value, CAUSES_OF_DEATH)
            if entry is not None and _key(entry) == _key(value):
                value, ok = entry, ok and exact
        elif value:
            fixed = _repair(value)
            if keys[0].endswith(_PLACE_KEYS):
                fixed = _fix_province(fixed)
            if fixed != value:
                value, ok = fixed, False
        return {keys[0]: _Value(value, _state(ok, conf), conf)}

    def _name(self, keys, text, words, conf):
        value, ok = _norm(self.kind, keys[0], text.strip(" ,.;"))
        if value:
            fixed = _split_glued(value)
            if fixed != value:
                value, ok = fixed, False
        ok = ok and _looks_like_name(value or "")
        if value:
            first, _, rest = value.partition(" ")
            if first not in SURNAMES:
                # Not a family name: a misread one ("Trân" for "Trần") is put right when
                # only one family name reads the same without marks, but stays uncertain.
                same = [s for s in SURNAMES if _key(s) == _key(first)]
                if len(same) == 1:
                    value = f"{same[0]} {rest}".strip()
                ok = False
        return {keys[0]: _Value(value, _state(ok, conf), conf)}

    def _paper(self, keys, text, words, conf):
        value, ok = _norm(self.kind, keys[0], text.strip(" ,.;"))
        if value:
            fixed = _repair(value)
            if fixed != value:
                value, ok = fixed, False
        fits = bool(re.search(r"\bs[ốo]\s*:?\s*[0-9A-Z]{5,}$", value or ""))
        return {keys[0]: _Value(value, _state(ok and fits, conf), conf)}

    def _int(self, keys, text, words, conf):
        digits, clean = _digits(text)
        value, ok = _norm(self.kind, keys[0], digits)
        return {keys[0]: _Value(value, _state(ok and clean, conf), conf)}

    def _year(self, keys, text, words, conf):
        digits, clean = _digits(text)
        value, ok = _norm(self.kind, keys[0], digits)
        return {keys[0]: _Value(value, _state(ok and clean and len(digits) == 4, conf), conf)}

    def _personal_id(self, keys, text, words, conf):
        digits, clean = _digits(text.replace(" ", ""))
        value, ok = _norm(self.kind, keys[0], digits)
        return {keys[0]: _Value(value, _state(ok and clean and len(digits) == 12, conf), conf)}

    def _date_words(self, keys, text, words, conf):
        head, _, tail = text.partition("(")
        iso, clean = _date_digits(head)
        if tail:
            # Digits and words must agree; the words only decide when the digits are gone.
            spelled = words_date(tail)
            if iso is None:
                return {keys[0]: _Value(spelled, "uncertain", conf)}
            head_words = [w for w in words if "(" not in w.text][:3]
            return {keys[0]: _Value(iso, _state(clean and spelled == iso, _conf(head_words)), conf)}
        return {keys[0]: _Value(iso, _state(iso is not None and clean, conf), conf)}

    def _time(self, keys, text, words, conf):
        value, ok = _norm(self.kind, keys[0], _time_text(text))
        return {keys[0]: _Value(value, _state(ok, conf), conf)}

    def _time_date(self, keys, text, words, conf):
        time_key, date_key = keys
        head, _, tail = text.partition(",")
        if not _DATE.search(tail):
            head, tail = text, text
        t, t_ok = _norm(self.kind, time_key, _time_text(head))
        d, d_clean = _date_digits(tail)
        return {time_key: _Value(t, _state(t_ok and bool(re.search(r"ph", fold(head))), conf), conf),
                date_key: _Value(d, _state(d is not None and d_clean, conf), conf)}

    def _sex(self, keys, text, words, conf):
        entry, exact = _vocab(text, SEX.values())
        code = next((c for c, w in SEX.items() if w == entry), None)
        # Folded Nam / Nu / Chua xac dinh cannot be taken for one another.
        exact = exact or (entry is not None and _key(entry) == _key(text))
        return {keys[0]: _Value(code, _state(code is not None and exact, conf), conf)}

    def _registration_kind(self, keys, text, words, conf):
        entry, exact = _vocab(text, [w for c, w in REGISTRATION_KIND.items() if c])
        code = next((c for c, w in REGISTRATION_KIND.items() if w == entry), None)
        exact = exact or (entry is not None and _key(entry) == _key(text))
        return {keys[0]: _Value(code, _state(code is not None and exact, conf), conf)}

    def _marriage_kind(self, keys, text, words, conf):
        entry, exact = _vocab(text, MARRIAGE_KIND.values())
        code = next((c for c, w in MARRIAGE_KIND.items() if w == entry), None)
        exact = exact or (entry is not None and _key(entry) == _key(text))
        state = _state(code is not None and exact, conf)
        out = {keys[0]: _Value(code, state, conf)}
        if len(keys) > 1:  # "lần đầu" is a registration on time, "lại" a re-registration
            out[keys[1]] = _Value({"first": 1, "again": 2}.get(code), state, conf)
        return out

    def _ethnicity(self, keys, text, words, conf):
        entry, exact = _vocab(text, ETHNICITIES)
        if entry is None:
            value, _ = _norm(self.kind, keys[0], text)
            return {keys[0]: _Value(value, "uncertain", conf)}
        return {keys[0]: _Value(entry, _state(exact, conf), conf)}

    def _nationality(self, keys, text, words, conf):
        entry, exact = _vocab(text, NATIONALITIES)
        if entry is None and len(_key(text)) >= 4:  # "Việt" with "Nam" lost
            entry = next((n for n in NATIONALITIES if _key(n).startswith(_key(text) + " ")), None)
        if entry is None:  # another nationality: kept as read
            value, ok = _norm(self.kind, keys[0], text.strip(" ,.;"))
            return {keys[0]: _Value(value, _state(ok and _looks_like_name(value or ""), conf), conf)}
        return {keys[0]: _Value(entry, _state(exact, conf), conf)}

    def _ethnicity_nationality(self, keys, text, words, conf):
        ethnicity, nationality = keys
        head, comma, tail = text.rpartition(",")
        if not comma:  # the comma was lost: the nationality is the known tail
            for nat in NATIONALITIES:
                n = len(nat.split())
                parts = text.split()
                if len(parts) > n and _vocab(" ".join(parts[-n:]), (nat,))[0]:
                    head, tail = " ".join(parts[:-n]), " ".join(parts[-n:])
                    break
            else:
                return {ethnicity: _Value(None, "uncertain", conf),
                        nationality: _Value(None, "uncertain", conf)}
        out = self._ethnicity((ethnicity,), head.strip(), words, conf) if head.strip() else \
            {ethnicity: _Value(None, "missing", None)}
        out.update(self._nationality((nationality,), tail.strip(), words, conf) if tail.strip() else
                   {nationality: _Value(None, "missing", None)})
        if not comma:
            for v in out.values():
                v.state = "uncertain" if v.state == "ok" else v.state
        return out

    def _person_paper(self, keys, text, words, conf):
        person, paper = keys
        name, comma, rest = text.partition(",")
        if not comma:
            m = re.search(r"\b(" + "|".join(map(re.escape, ID_PAPER_WORDS)) + r")\b", text, re.IGNORECASE)
            name, rest = (text[:m.start()], text[m.start():]) if m else (text, "")
        out = self._name((person,), name.strip(), words, conf)
        out.update(self._paper((paper,), rest.strip(), words, conf) if rest.strip() else
                   {paper: _Value(None, "missing", None)})
        if not comma:
            for v in out.values():
                v.state = "uncertain" if v.state == "ok" else v.state
        return out

    def _signer(self, keys, text, words, conf):
        position_key, officer_key = keys
        tokens = text.split()
        best, best_len, best_score = None, 0, 0.0
        for pos in POSITIONS:
            n = len(pos.split())
            if len(tokens) <= n:
                continue
            s = _score(" ".join(tokens[:n]), pos)
            if s > best_score or (s == best_score and n > best_len):
                best, best_len, best_score = pos, n, s
        if best is None or best_score < 80:
            name = self._name((officer_key,), text, words, conf)
            return {position_key: _Value(None, "uncertain", conf), **name}
        exact = nfc(" ".join(tokens[:best_len])) == best
        out = {position_key: _Value(best, _state(exact or best_score >= 95, conf), conf)}
        out.update(self._name((officer_key,), " ".join(tokens[best_len:]), words, conf))
        return out


_SO = re.compile(r"\b[Ss][oóòỏõọôốồổỗộơớờởỡợð](?=\s+\d)")


def _split_glued(value: str) -> str:
    """Words run together or split by a mark: 'ThịOanh' → 'Thị Oanh', 'Nguyễn.Văn' →
    'Nguyễn Văn', 'Long,Cần' → 'Long, Cần'."""
    chars = []
    for i, ch in enumerate(value):
        if (0 < i < len(value) - 1 and ch.isupper() and value[i - 1].islower()
                and value[i + 1].islower()):
            chars.append(" ")
        chars.append(ch)
    value = "".join(chars)
    value = re.sub(r"(?<=[^\W\d_])\.(?=[^\W\d_])", " ", value)
    value = re.sub(r",(?=[^\s\d])", ", ", value)
    return " ".join(value.split())


def _repair(value: str) -> str:
    """What OCR does to typed register values, undone: ';' for ',' between parts of an
    address, 'sõ 123' for 'số 123', glued words, fixed phrases with a wrong mark."""
    value = value.replace(";", ",")
    value = _SO.sub(lambda m: "Số" if m.group(0)[0] == "S" else "số", value)
    value = _split_glued(value)
    return _fix_phrases(value)


def _fix_province(value: str) -> str:
    head, comma, last = value.rpartition(",")
    if not comma or not last.strip() or last.strip() in PROVINCES:
        return value
    same = [p for p in PROVINCES if _key(p) == _key(last)]
    return f"{head}, {same[0]}" if len(same) == 1 else value


def _fix_phrases(value: str) -> str:
    """Fixed phrases (``PHRASES``) read with a wrong mark put right: 'Giãy báo tử' →
    'Giấy báo tử'."""
    words = value.split()
    for phrase in PHRASES:
        n = len(phrase.split())
        target = _key(phrase)
        for i in range(len(words) - n + 1):
            chunk = " ".join(words[i:i + n])
            close = _key(chunk) == target or (n >= 3 and fuzz.ratio(_key(chunk), target) >= 85
                                              and _key(chunk).split()[0] == target.split()[0])
            if close and chunk.strip(",.") != phrase:
                tail = chunk[len(chunk.rstrip(",.")):]
                words[i:i + n] = (phrase + tail).split()
    return " ".join(words)


def _time_text(text: str) -> str:
    """'11 giờ 23 phút' → '11:23' (look-alike letters in the digits mapped)."""
    m = re.search(r"(\w{1,2})\s*(?:gi[ờo]|g|h|:)\s*(\w{1,2})?", text, re.IGNORECASE)
    if not m:
        return text
    hours, _ = _digits(m.group(1))
    minutes, _ = _digits(m.group(2) or "0")
    return f"{hours}:{minutes}" if hours else text


# -- page structure -----------------------------------------------------------------------

def _title_kind(line: Line) -> str | None:
    key = _key(line.text)
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
    keys = [_key(w.text) for w in _pieces(line)]
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
    keys = [_key(w.text) for w in words]

    def index(marker: str, start: int = 0) -> int | None:
        return _marker_at(keys, marker, start)

    quyen = index("quyen")
    trang = index("trang", (quyen or 0) + 1)
    dang = index("dang", (trang or quyen or 0) + 1)
    number_words = words[1:quyen] if quyen else words[1:2]
    number_text = "".join(w.text for w in number_words).strip(".:;, ")
    digits, number_clean = _digits(number_text)
    number = int(digits) if digits and len(digits) <= 5 else None
    book = None
    if quyen is not None:
        for w in words[quyen + 1:(trang or len(words))]:
            m = re.search(r"[\w]+/\w{4}", w.text)
            if m:
                book = m.group(0)
    page = None
    if trang is not None and trang + 1 < len(words):
        page_digits, _ = _digits(words[trang + 1].text.replace(":", ""))
        page = int(page_digits) if page_digits and len(page_digits) <= 5 else None
    tail = " ".join(w.text for w in words[(dang or trang or 0):])
    registered, clean = _date_digits(tail)
    return _Heading(number, number_clean and number is not None, book, page, registered, clean,
                    _conf(words))


def _match_label(line: Line, labels: list[_Label], margin: float, height: float) -> tuple[_Label, list[Word]] | None:
    """The label a line starts with and the words of its value, or None (a continuation)."""
    words = line.words
    # The words up to the first colon (a colon glued to the value is split off).
    for i, w in enumerate(words[:9]):
        if ":" in w.text:
            before, _, after = w.text.partition(":")
            label_text = " ".join([x.text for x in words[:i]] + [before])
            rest = words[i + 1:]
            if after.strip():
                rest = [Word(after.strip(), w.conf, w.x + w.w // 2, w.y, w.w // 2, w.h)] + rest
            scored = [(_score(label_text, lab.text), lab.words, lab) for lab in labels]
            score, _, best = max(scored, key=lambda s: (s[0], s[1]))
            if score >= LABEL_SCORE_COLON:
                return best, rest
            break
    # No colon read: the first words against each label, only at the left margin.
    if line.start > margin + 1.5 * height:
        return None
    best, best_score, best_n = None, 0.0, 0
    for lab in labels:
        n = len(lab.text.split())
        if len(words) < n:
            continue
        s = _score(" ".join(w.text for w in words[:n]), lab.text)
        if s > best_score or (s == best_score and n > best_n):
            best, best_score, best_n = lab, s, n
    if best is not None and best_score >= LABEL_SCORE_BARE:
        return best, words[best_n:]
    return None


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

    labels = _LABELS[the_kind]
    # The left margin: where lines that start with a label and a colon begin.
    starts = []
    for line in lines[heading_at[0]:]:
        match = _match_label(line, labels, float("inf"), word_height)
        if match:
            starts.append(line.start)
    margin = median(starts) if starts else min(line.start for line in lines)

    reader = _Reader(the_kind)
    read: list[tuple[ProposedEntry, dict[str, _Value]]] = []
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
                ) -> tuple[ProposedEntry, dict[str, _Value]]:
    heading = _read_heading(heading_line)
    values: dict[str, _Value] = {}
    # (label, value words, whether a line at the margin was taken as a continuation)
    fields_at: list[list] = []
    for line in body:
        match = _match_label(line, labels, margin, height)
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
    number_state = _state(heading.number_clean, heading.conf)
    values_number = _Value(heading.number, number_state if heading.number else "uncertain", heading.conf)
    registered = _Value(heading.registered_on,
                        _state(heading.registered_clean, heading.conf) if heading.registered_on else "uncertain",
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
        values[key] = _Value(None, "uncertain", None)
    if missing_labels:
        notes.append("Một số trường không tìm thấy nhãn trên trang: "
                     + ", ".join(BY_KEY[kind][k].label for k in missing_labels) + ".")
    _check_entry(kind, heading, values)
    words = heading_line.words + [w for line in body for w in line.words]
    entry = ProposedEntry(number=heading.number, book=heading.book, page=heading.page,
                          box=_union(words),
                          fields={k: values[k].as_dict() for k in field_keys(kind)})
    return entry, values


def _flag(values: dict[str, _Value], *keys: str) -> None:
    for key in keys:
        v = values.get(key)
        if v is not None and v.state == "ok":
            v.state = "uncertain"


def _iso(values: dict[str, _Value], key: str) -> date | None:
    v = values.get(key)
    if v is None or not isinstance(v.value, str):
        return None
    try:
        return date.fromisoformat(v.value)
    except ValueError:
        return None


def _check_entry(kind: str, heading: _Heading, values: dict[str, _Value]) -> None:
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


def _check_page(read: list[tuple[ProposedEntry, dict[str, _Value]]], notes: list[str]) -> None:
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
