"""Numbers and dates written out in Vietnamese words, as civil-status registers require
(date of birth "in digits and words")."""

from __future__ import annotations

from datetime import date

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _two(n: int, *, full: bool) -> str:
    """0..99; ``full`` when a higher place precedes (so 5 reads 'linh năm')."""
    tens, unit = divmod(n, 10)
    if tens == 0:
        if unit == 0:
            return ""
        return ("linh " if full else "") + _DIGITS[unit]
    if tens == 1:
        head = "mười"
        if unit == 0:
            return head
        return head + " " + ("lăm" if unit == 5 else _DIGITS[unit])
    head = _DIGITS[tens] + " mươi"
    if unit == 0:
        return head
    word = {1: "mốt", 4: "tư", 5: "lăm"}.get(unit, _DIGITS[unit])
    return head + " " + word


def _three(n: int, *, full: bool) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not full:
        return _two(rest, full=False)
    words = _DIGITS[hundreds] + " trăm"
    if rest:
        words += " " + _two(rest, full=True)
    return words


def number_words(n: int) -> str:
    """Integer 0..999,999 in Vietnamese words: 1982 → 'một nghìn chín trăm tám mươi hai'."""
    if not 0 <= n < 1_000_000:
        raise ValueError("only 0..999999")
    if n == 0:
        return "không"
    thousands, rest = divmod(n, 1000)
    if thousands == 0:
        return _three(rest, full=False)
    words = _three(thousands, full=False) + " nghìn"
    if rest:
        words += " " + _three(rest, full=True)
    return words


def date_digits(d: date) -> str:
    """Register form: 05/03/1982."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def date_words(d: date) -> str:
    """'ngày năm, tháng ba, năm một nghìn chín trăm tám mươi hai'."""
    return f"ngày {number_words(d.day)}, tháng {number_words(d.month)}, năm {number_words(d.year)}"


def date_long(d: date) -> str:
    """Document date line form: 'ngày 05 tháng 01 năm 2026' (day < 10 and months 1-2 padded)."""
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"
