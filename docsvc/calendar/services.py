"""The working-day calendar: the use cases that the admin page, the API and the CLI call
(issue 13 point 1; DOMAIN.md §3 "On time"; the pattern of docs/architecture.md).

The rules of counting are docsvc.workdays'; this module keeps its data: the days that break
the weekly pattern (``archive.calendar.CalendarDay``: ``off`` on a weekday, ``work`` on a
weekend day the Government swapped) and each unit's Saturday mornings and cut-off hour.

Refusals: ``PermissionDenied`` (403), ``CalendarInvalid`` (400: a value, ``field`` names it;
its ``WrongWeekday`` — a day off on a weekend, a swapped working day on a weekday — the API
answers 409, the request being well formed), ``DayNotFound`` (404), ``DayExists`` (409, naming
the day already there).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.accounts import Unit
from archive.calendar import KINDS, CalendarDay, UnitCalendar
from docsvc.access import Principal
from docsvc.documents.queries import NotFound
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services
from docsvc.workdays import MAX_DAYS, SATURDAY, CalendarError, WorkCalendar

DEFAULT_CUTOFF = "15:00"
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
KIND_LABELS = {"off": "Ngày nghỉ", "work": "Ngày làm bù (cuối tuần đi làm)"}


class CalendarInvalid(ValueError):
    """A bad value: ``field`` names it, ``message`` says why (Vietnamese)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class WrongWeekday(CalendarInvalid):
    """The day's place in the week refuses it: ``code`` is ``weekend_day`` (a day off on a
    Saturday or Sunday, off already) or ``weekday`` (a swapped working day on a weekday)."""

    def __init__(self, code: str, field: str, message: str):
        super().__init__(field, message)
        self.code = code


class DayNotFound(NotFound):
    """No such day in the calendar (or no such unit)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DayExists(Exception):
    """The day is already in the calendar; ``day`` is the row there."""

    def __init__(self, day: dict):
        super().__init__(f"Ngày {day['day_text']} đã có trong lịch: {day['name']} ({KIND_LABELS[day['kind']]}).")
        self.day, self.message = day, str(self)


def _require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


def day_dict(row: CalendarDay) -> dict:
    return {"day": row.day.isoformat(), "day_text": row.day.strftime("%d/%m/%Y"), "kind": row.kind,
            "kind_label": KIND_LABELS[row.kind], "name": row.name, "weekday": row.day.weekday()}


def _name(name: str | None) -> str:
    text = unicodedata.normalize("NFC", " ".join(str(name or "").split()))
    if not text:
        raise CalendarInvalid("name", "Hãy ghi tên ngày (ví dụ: Tết Nguyên đán).")
    if len(text) > 200:
        raise CalendarInvalid("name", "Tên ngày tối đa 200 ký tự.")
    return text


def _day(value: date | str | None) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from docsvc.dates import parse_day

    try:
        parsed = parse_day(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise CalendarInvalid("day", "Ngày không hợp lệ: ghi dạng dd/mm/yyyy hoặc YYYY-MM-DD.")
    return parsed


# -- reading --------------------------------------------------------------------------------

def list_days(services: Services, principal: Principal, year: int) -> list[dict]:
    """The days off and swapped working days of ``year``, in order."""
    _require(principal, "calendar.view")
    if not 1900 <= int(year) <= 2100:
        raise CalendarInvalid("year", "Năm phải từ 1900 đến 2100.")
    with services.uow() as uow:
        rows = uow.session.scalars(select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                                             CalendarDay.day <= date(year, 12, 31))
                                   .order_by(CalendarDay.day)).all()
        return [day_dict(r) for r in rows]


# -- editing --------------------------------------------------------------------------------

def add_day(services: Services, principal: Principal, day: date | str, name: str, kind: str = "off") -> dict:
    """Add a day off (a weekday) or a swapped working day (a Saturday or Sunday)."""
    _require(principal, "calendar.manage")
    day, name = _day(day), _name(name)
    if kind not in KINDS:
        raise CalendarInvalid("kind", "Loại ngày phải là 'off' (ngày nghỉ) hoặc 'work' (ngày làm bù).")
    weekend = day.weekday() >= SATURDAY
    if kind == "work" and not weekend:
        raise WrongWeekday("weekday", "kind", f"Ngày {day:%d/%m/%Y} là ngày thường, vốn đã là ngày làm việc: "
                                      "ngày làm bù phải là thứ Bảy hoặc Chủ nhật.")
    if kind == "off" and weekend:
        raise WrongWeekday("weekend_day", "day", f"Ngày {day:%d/%m/%Y} là thứ Bảy hoặc Chủ nhật, vốn đã nghỉ. Nếu ngày lễ "
                                     "rơi vào cuối tuần, hãy thêm ngày nghỉ bù (ngày làm việc kế tiếp).")
    with services.uow() as uow:
        session = uow.session
        existing = session.scalar(select(CalendarDay).where(CalendarDay.day == day))
        if existing is not None:
            raise DayExists(day_dict(existing))
        row = CalendarDay(day=day, kind=kind, name=name, created_by=principal.user_id)
        session.add(row)
        session.flush()
        data = day_dict(row)
        record(services, session, principal, "calendar.add", object_type="calendar_day", object_id=day.isoformat(),
               details={"kind": kind, "name": name})
        uow.commit()
        return data


def remove_day(services: Services, principal: Principal, day: date | str) -> dict:
    _require(principal, "calendar.manage")
    day = _day(day)
    with services.uow() as uow:
        session = uow.session
        row = session.scalar(select(CalendarDay).where(CalendarDay.day == day))
        if row is None:
            raise DayNotFound(f"Ngày {day:%d/%m/%Y} không có trong lịch.")
        data = day_dict(row)
        session.delete(row)
        record(services, session, principal, "calendar.remove", object_type="calendar_day",
               object_id=day.isoformat(), details={"kind": data["kind"], "name": data["name"]})
        uow.commit()
        return data


def _unit(session: Session, code: str | int | None) -> Unit:
    if isinstance(code, int) or (isinstance(code, str) and code.isdigit()):
        unit = session.get(Unit, int(code))
    else:
        unit = session.scalar(select(Unit).where(Unit.code == str(code or "").strip()))
    if unit is None:
        raise DayNotFound(f"Không có đơn vị {code}.")
    return unit


def _cutoff(value: str | time | None) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    match = _HHMM.match(str(value or "").strip())
    if not match:
        raise CalendarInvalid("cutoff", "Giờ chốt nhận phải dạng HH:MM (ví dụ 15:00).")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def unit_calendar_dict(unit: Unit, row: UnitCalendar | None) -> dict:
    return {"unit": {"id": unit.id, "code": unit.code, "name": unit.name},
            "saturday_mornings": bool(row and row.saturday_mornings),
            "cutoff": row.cutoff if row else DEFAULT_CUTOFF}


def set_unit_calendar(services: Services, principal: Principal, unit_code: str | int, saturday_mornings: bool,
                      cutoff: str | time | None = DEFAULT_CUTOFF) -> dict:
    """Whether a unit works on Saturday mornings, and its cut-off hour."""
    _require(principal, "calendar.manage")
    cutoff = _cutoff(cutoff)
    with services.uow() as uow:
        session = uow.session
        unit = _unit(session, unit_code)
        row = session.get(UnitCalendar, unit.id)
        before = unit_calendar_dict(unit, row)
        if row is None:
            row = UnitCalendar(unit_id=unit.id)
            session.add(row)
        row.saturday_mornings, row.cutoff, row.updated_by = bool(saturday_mornings), cutoff, principal.user_id
        session.flush()
        data = unit_calendar_dict(unit, row)
        record(services, session, principal, "calendar.unit", object_type="unit", object_id=unit.id,
               details={"before": {k: before[k] for k in ("saturday_mornings", "cutoff")},
                        "after": {k: data[k] for k in ("saturday_mornings", "cutoff")}})
        uow.commit()
        return data


def unit_calendars(services: Services, principal: Principal) -> list[dict]:
    """Every unit with its Saturday mornings and cut-off (for the admin page)."""
    _require(principal, "calendar.view")
    with services.uow() as uow:
        pairs = uow.session.execute(select(Unit, UnitCalendar).outerjoin(UnitCalendar, UnitCalendar.unit_id == Unit.id)
                                    .order_by(Unit.code)).all()
        return [unit_calendar_dict(u, r) for u, r in pairs]


# -- computing ------------------------------------------------------------------------------

_CACHE: dict[tuple, tuple[frozenset, frozenset]] = {}
_CACHE_LOCK = threading.Lock()


def _days(session: Session, url: str) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, swapped working days), kept per process while the table's version — its
    row count, highest id and latest time of writing — does not change (a removal lowers the
    count, an addition raises the highest id)."""
    version = (url, *session.execute(select(func.count(CalendarDay.id), func.max(CalendarDay.id),
                                            func.max(CalendarDay.created_at))).one())
    with _CACHE_LOCK:
        cached = _CACHE.get(version)
    if cached is not None:
        return cached
    rows = session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
    result = (frozenset(d for d, k in rows if k == "off"), frozenset(d for d, k in rows if k == "work"))
    with _CACHE_LOCK:
        _CACHE.clear()
        _CACHE[version] = result
    return result


def _calendar(services: Services, session: Session, unit_id: int | None) -> WorkCalendar:
    off, work = _days(session, services.engine.url.render_as_string())
    row = session.get(UnitCalendar, unit_id) if unit_id is not None else None
    if row is None:
        return WorkCalendar(days_off=off, swapped_workdays=work)
    hours, minutes = (int(p) for p in row.cutoff.split(":"))
    return WorkCalendar(days_off=off, swapped_workdays=work, saturday_mornings=row.saturday_mornings,
                        cutoff=time(hours, minutes))


def calendar_for(services: Services, unit_id: int | None = None) -> WorkCalendar:
    """The WorkCalendar of a unit (Monday to Friday, 15:00, without a setting of its own);
    for the other use cases (the incoming register, the one-stop desk), which check their own
    permissions."""
    with services.uow() as uow:
        return _calendar(services, uow.session, unit_id)


def local_moment(services: Services, moment: datetime) -> datetime:
    """A moment as the office's wall-clock time (naive): an aware one is converted to the
    installation's time zone, a naive one is taken as local already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(services.settings.time_zone)).replace(tzinfo=None)
    return moment


def due(services: Services, principal: Principal, start: datetime | date, days: int,
        unit: str | int | None = None) -> date:
    """The due date of a time limit of ``days`` working days for work received at ``start``
    (local time), by the calendar of ``unit`` (a code or id; default Monday to Friday)."""
    _require(principal, "calendar.view")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise CalendarInvalid("days", f"Số ngày làm việc phải từ 0 đến {MAX_DAYS}.")
    with services.uow() as uow:
        unit_id = _unit(uow.session, unit).id if unit not in (None, "") else None
        calendar = _calendar(services, uow.session, unit_id)
    try:
        if isinstance(start, datetime):
            start = local_moment(services, start)
        return calendar.due_date(start, days)
    except CalendarError as exc:
        raise CalendarInvalid("days", str(exc)) from None
    except OverflowError:  # a start at the edge of the representable years
        raise CalendarInvalid("start", "Thời điểm nhận nằm ngoài khoảng năm tính được.") from None


def parse_start(text: str | None) -> datetime:
    """``2026-02-13T15:30`` (local time; a date alone is the morning; an offset is converted)."""
    raw = str(text or "").strip()
    try:
        if not raw:
            raise ValueError(raw)
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time(0, 0))
        return datetime.fromisoformat(raw.upper())
    except ValueError:
        raise CalendarInvalid("start", "Thời điểm nhận không hợp lệ: ghi dạng YYYY-MM-DDTHH:MM "
                                       "(ví dụ 2026-02-13T15:30).") from None
