"""Numbers, dates and times as typed in registers: digits with look-alike letters, and
Vietnamese number words ("một nghìn chín trăm tám mươi lăm")."""

from __future__ import annotations

import re
from datetime import date

from rapidfuzz import fuzz, process

from docsvc.civil.vocabulary import text_key

_DIGIT_FIXES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                              "i": "1", "!": "1", "Z": "2", "S": "5", "s": "5", "B": "8", "g": "9"})


def digits_of(text: str) -> tuple[str, bool]:
    """The digits of a numeric token, with look-alike letters mapped; ``clean`` is False
    when anything had to be mapped or dropped."""
    fixed = text.translate(_DIGIT_FIXES)
    digits = re.sub(r"\D", "", fixed)
    return digits, fixed == digits


DATE_DIGITS = re.compile(r"(\w{1,2})\s*[/.\-]\s*(\w{1,2})\s*[/.\-]\s*(\w{4})")


def date_from_digits(text: str) -> tuple[str | None, bool]:
    """ISO date from 'dd/mm/yyyy' somewhere in ``text`` (look-alike letters mapped)."""
    m = DATE_DIGITS.search(text)
    if not m:
        return None, False
    parts, clean = [], True
    for group in m.groups():
        digits, ok = digits_of(group)
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
        t = text_key(raw)
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
    keys = [text_key(t) for t in tokens]

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



def time_text(text: str) -> str:
    """'11 giờ 23 phút' → '11:23' (look-alike letters in the digits mapped)."""
    m = re.search(r"(\w{1,2})\s*(?:gi[ờo]|g|h|:)\s*(\w{1,2})?", text, re.IGNORECASE)
    if not m:
        return text
    hours, _ = digits_of(m.group(1))
    minutes, _ = digits_of(m.group(2) or "0")
    return f"{hours}:{minutes}" if hours else text

