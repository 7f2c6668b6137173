"""Dates as people here write them: ``dd/mm/yyyy`` in every form and page.

Forms are plain text fields (a browser's date picker shows the browser's locale, so an
English browser would show mm/dd/yyyy); ``parse_day`` also takes ``yyyy-mm-dd`` (what scripts
and the API send) and ``d/m/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

FORMAT = "%d/%m/%Y"
PLACEHOLDER = "dd/mm/yyyy"
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_day(text: str | None) -> date | None:
    """``None`` for an empty field; ``ValueError`` (with the expected form) for anything else
    that is not a real day."""
    if text is None or not text.strip():
        return None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise ValueError(f"not a date in the form {PLACEHOLDER}: {text!r}")
        year, month, day = (int(g) for g in match.groups())
    return date(year, month, day)  # ValueError for 31/02/2025


BAD_DAY = "Ngày không hợp lệ: ghi dạng dd/mm/yyyy hoặc YYYY-MM-DD."


def day_of(raw: object) -> date | None:
    """A day from what a form, the API or a caller gives: ``None`` when empty, the day of a
    ``date`` or ``datetime``, else the text read by ``parse_day``; ``ValueError`` (with
    ``BAD_DAY``, the message the pages show) for anything that is not a real day."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return parse_day(str(raw))
    except ValueError:
        raise ValueError(BAD_DAY) from None


def format_day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone().date()
    return value.strftime(FORMAT)


def local_now(time_zone: str) -> datetime:
    """Now in the installation's time zone (the day of issue of an extract, a receipt...)."""
    from zoneinfo import ZoneInfo
    return datetime.now(ZoneInfo(time_zone))
