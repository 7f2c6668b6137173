"""What the incoming-register use cases share: the refusals, the checks of what a clerk typed
(register fields, arrival moment, urgency, secrecy), the folded key that finds a repeat, and
the register fields read from a document's first page (docsvc.incoming.services)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from archive.accounts import SECRECY_LABELS
from archive.incoming import URGENCY_CODES, URGENCY_LABELS
from docsvc.dates import day_of, parse_day
from docsvc.documents.queries import NotFound

REGISTER_FIELDS = ("number", "symbol", "doc_type", "issuer", "issued_on", "abstract")
FIELD_LABELS = {"number": "Số", "symbol": "Ký hiệu", "doc_type": "Loại văn bản", "issuer": "Cơ quan ban hành",
                "issued_on": "Ngày văn bản", "abstract": "Trích yếu"}
LIMITS = {"number": 32, "symbol": 64, "doc_type": 64, "issuer": 300, "abstract": 2000, "notes": 2000,
          "confirm_duplicate_reason": 1000}
MACHINE, CLERK = "machine", "clerk"
SECRECY_CODES = {"thuong": 0, "normal": 0, "mat": 1, "toi_mat": 2, "tuyet_mat": 3}
MAX_PAGES = 100_000


class IncomingNotFound(NotFound):
    """No such register row (or document, or office) for this principal."""


class IncomingInvalid(ValueError):
    """A bad value: ``field`` names it, ``message`` says why (Vietnamese). ``code`` is set when
    the value is well formed but the facts refuse it (``arrival_in_future``,
    ``issued_after_arrival``, ``above_clearance``): the API answers those 409."""

    def __init__(self, field: str, message: str, code: str | None = None):
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


class DuplicateIncoming(Exception):
    """Number + symbol + issuer (or the same document) are registered already in this office;
    ``earlier`` names that row (id, arrival number, year, arrival date)."""

    code = "duplicate"

    def __init__(self, earlier: dict):
        self.earlier = earlier
        self.message = (f"Văn bản này đã được vào sổ: số đến {earlier['arrival_number']}/{earlier['year']}, "
                        f"ngày đến {earlier['arrived_on_text']}. Nếu vẫn vào sổ, hãy ghi lý do.")
        super().__init__(self.message)


# -- folding and keys ----------------------------------------------------------------------

def fold(text: str | None) -> str:
    """Case, diacritics (đ as d) and every space folded away: ``UBND  xã Tân Phú`` and
    ``ubnd xa tan phu`` fold alike."""
    decomposed = unicodedata.normalize("NFD", str(text or "").replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(bare.lower().split())


def dedupe_key(number: str | None, symbol: str | None, issuer: str | None) -> str | None:
    """The folded number + symbol + issuer (``05`` and ``5`` are one number); None unless all three
    are known, so that a row without a number never blocks another."""
    digits = fold(number)
    folded = [digits.lstrip("0") or digits, fold(symbol), fold(issuer)]
    if not all(folded):
        return None
    return "|".join(folded)[:400]


# -- values -------------------------------------------------------------------------------

def text_value(name: str, raw: Any, *, required: bool = False) -> str | None:
    text = unicodedata.normalize("NFC", " ".join(str(raw if raw is not None else "").split()))
    if not text:
        if required:
            raise IncomingInvalid(name, f"Hãy ghi {FIELD_LABELS.get(name, name).lower()}.")
        return None
    if len(text) > LIMITS[name]:
        raise IncomingInvalid(name, f"Tối đa {LIMITS[name]} ký tự.")
    return text


def day_value(name: str, raw: Any) -> date | None:
    try:
        return day_of(raw)
    except ValueError as exc:
        raise IncomingInvalid(name, str(exc)) from None


def field_value(name: str, raw: Any) -> Any:
    """One register field, checked: ``issued_on`` a date, the others text."""
    if name == "issued_on":
        return day_value(name, raw)
    return text_value(name, raw)


def _choice(name: str, raw: Any, codes: dict[str, int], labels: dict[int, str], top: int) -> int:
    if raw in (None, ""):
        return 0
    if isinstance(raw, bool):
        raise IncomingInvalid(name, "Giá trị không hợp lệ.")
    if isinstance(raw, int) or (isinstance(raw, str) and raw.strip().isdigit()):
        value = int(raw)
        if 0 <= value <= top:
            return value
    else:
        text = str(raw).strip()
        if text.lower() in codes:
            return codes[text.lower()]
        folded = fold(text)
        for value, label in labels.items():
            if fold(label) == folded:
                return value
    choices = ", ".join(f"{k} ({labels[v]})" for k, v in codes.items() if labels.get(v))
    raise IncomingInvalid(name, f"Giá trị không hợp lệ: chọn một trong {choices}.")


def urgency_value(raw: Any) -> int:
    """``normal|khan|thuong_khan|hoa_toc``, 0-3 or the Vietnamese label (``Hỏa tốc``)."""
    return _choice("urgency", raw, URGENCY_CODES, URGENCY_LABELS, 3)


def secrecy_value(raw: Any) -> int:
    """0-3, ``thuong|mat|toi_mat|tuyet_mat`` or the Vietnamese label (``Tối mật``)."""
    return _choice("secrecy", raw, {k: v for k, v in SECRECY_CODES.items() if k != "normal"}, SECRECY_LABELS, 3)


def page_count_value(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise IncomingInvalid("page_count", "Số trang phải là số nguyên.") from None
    if not 1 <= value <= MAX_PAGES:
        raise IncomingInvalid("page_count", f"Số trang từ 1 đến {MAX_PAGES}.")
    return value


def arrival_moment(raw: Any, time_zone: str, now: datetime) -> tuple[datetime, date]:
    """(the moment in UTC, its local day) of ``arrived_at``: ISO, local time when naive, now
    when absent; a moment later than now (give or take five minutes of clocks) is refused."""
    zone = ZoneInfo(time_zone)
    if raw in (None, ""):
        moment = now
    elif isinstance(raw, datetime):
        moment = raw
    else:
        text = str(raw).strip()
        try:
            moment = (datetime.combine(date.fromisoformat(text), time(0, 0)) if len(text) == 10
                      else datetime.fromisoformat(text.upper().replace(" ", "T")))
        except ValueError:
            day = parse_day(text) if "/" in text else None
            if day is None:
                raise IncomingInvalid("arrived_at", "Thời điểm đến không hợp lệ: ghi dạng YYYY-MM-DDTHH:MM "
                                                    "(giờ địa phương).") from None
            moment = datetime.combine(day, time(0, 0))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        if (moment - now).total_seconds() > 300:
            raise IncomingInvalid("arrived_at", "Thời điểm đến không thể ở tương lai.", "arrival_in_future")
        if moment.year < 1900:
            raise ValueError(moment)
        return moment.astimezone(timezone.utc), moment.astimezone(zone).date()
    except (OverflowError, ValueError):
        raise IncomingInvalid("arrived_at", "Thời điểm đến phải từ năm 1900.", "arrival_out_of_range") from None


# -- reading the first page --------------------------------------------------------------

_TITLE_SKIP = re.compile(r"^(?:Số|Kính gửi|Căn cứ|CỘNG HÒA|CỘNG HOÀ|Độc lập)", re.IGNORECASE)


def read_first_page(text: str) -> dict[str, Any]:
    """The register fields a machine reads from a first page (``ingest.metadata``): number and
    symbol (``Số: 135/KH-UBND``), issuer (the heading), the date of the date line (not a
    meeting date inside a sentence), type, abstract (``V/v ...``, else the line under the type
    title). Only what was read; keys absent otherwise."""
    from ingest.metadata import TYPE_ABBREVIATIONS, extract_fields

    found = extract_fields(text)
    read: dict[str, Any] = {}
    if found.number is not None and found.symbol:
        read["number"] = f"{found.number:02d}"
        read["symbol"] = found.symbol
    for name in ("doc_type", "issuer", "issued_on", "abstract"):
        value = getattr(found, name)
        if value:
            read[name] = value
    if "abstract" not in read and found.doc_type:
        # "KẾ HOẠCH" then its title line: the title is the abstract.
        lines = [line.strip() for line in unicodedata.normalize("NFC", text or "").splitlines() if line.strip()]
        titles = {n.upper() for n in TYPE_ABBREVIATIONS.values()}
        for i, line in enumerate(lines[:30]):
            if line.upper() in titles and i + 1 < len(lines) and not _TITLE_SKIP.match(lines[i + 1]):
                read["abstract"] = lines[i + 1].rstrip(".")[:500]
                break
    return read
