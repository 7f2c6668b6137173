"""Working days (DOMAIN.md §1 and §3, issue 13): the one module that computes due dates and
the working days between two moments, for the incoming register, the one-stop desk and the
issuing process alike.

The rules, as offices count:

- A working day is a weekday that is not a day off (a public holiday, a day of the Tết break,
  a compensatory day off), or a weekend day the Government swapped into a working day. A unit
  that works on Saturday mornings counts its Saturdays (not its Sundays) as working days.
- The day of receipt is day 0. Work received after the cut-off hour (15:00 unless the office
  says otherwise; 11:30 on a Saturday morning), or on a day that is not a working day, counts
  as received on the next working day.
- A time limit of N working days ends on the N-th working day after the day of receipt.
- Work done before its due date is early, on it on time, after it late; the working days it
  took are counted from the day of receipt (exclusive) to the day it was done (inclusive).

The days off and swapped days are data (``archive`` keeps them; an administrator edits them),
passed in here as sets: this module does no I/O and knows no year in particular.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

SATURDAY, SUNDAY = 5, 6
#: Far enough for any time limit an office sets (a year of working days and then some).
MAX_DAYS = 400


class CalendarError(ValueError):
    """A time limit out of range, or a calendar with no working day in sight."""


@dataclass(frozen=True)
class WorkCalendar:
    days_off: frozenset[date] = field(default_factory=frozenset)      # holidays, Tết, compensatory days off
    swapped_workdays: frozenset[date] = field(default_factory=frozenset)  # weekend days worked instead
    saturday_mornings: bool = False
    cutoff: time = time(15, 0)
    saturday_cutoff: time = time(11, 30)

    def is_working_day(self, day: date) -> bool:
        if day in self.days_off:
            return False
        weekday = day.weekday()
        if weekday < SATURDAY or day in self.swapped_workdays:
            return True
        return weekday == SATURDAY and self.saturday_mornings

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for step in range(1, MAX_DAYS + 1):
            candidate = day + timedelta(days=step)
            if self.is_working_day(candidate):
                return candidate
        raise CalendarError(f"Không có ngày làm việc nào trong {MAX_DAYS} ngày sau {day:%d/%m/%Y}.")

    def _cutoff_of(self, day: date) -> time:
        if day.weekday() == SATURDAY and day not in self.swapped_workdays:
            return min(self.cutoff, self.saturday_cutoff)
        return self.cutoff

    def receipt_day(self, moment: datetime | date) -> date:
        """Day 0: the day of receipt, or the next working day when the work came after the
        cut-off or on a day that is not a working day. A bare date counts as received in the
        morning."""
        if isinstance(moment, datetime):
            day, at = moment.date(), moment.time()
        else:
            day, at = moment, time(0, 0)
        if self.is_working_day(day) and at < self._cutoff_of(day):
            return day
        return self.next_working_day(day)

    def add_working_days(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``day`` (``day`` itself for 0)."""
        if not 0 <= days <= MAX_DAYS:
            raise CalendarError(f"Thời hạn phải từ 0 đến {MAX_DAYS} ngày làm việc.")
        for _ in range(days):
            day = self.next_working_day(day)
        return day

    def due_date(self, received: datetime | date, days: int) -> date:
        """The last day of a time limit of ``days`` working days for work received then."""
        return self.add_working_days(self.receipt_day(received), days)

    def working_days_between(self, received: datetime | date, done: datetime | date) -> int:
        """Working days after the day of receipt up to and including the day it was done
        (0 when done on the day of receipt, or before it counted as received)."""
        start = self.receipt_day(received)
        end = done.date() if isinstance(done, datetime) else done
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def standing(self, due: date, done: datetime | date | None, today: date) -> str:
        """Finished work: ``early`` (before the due date: trước hạn), ``on_time`` (on it:
        đúng hạn) or ``late`` (after it: quá hạn) — scored 2/1/0 in the reports (DOMAIN.md §3).
        Work in hand: ``open``, ``due_soon`` (due today or on the next working day) or
        ``overdue``."""
        if done is not None:
            finished = done.date() if isinstance(done, datetime) else done
            return "early" if finished < due else "on_time" if finished == due else "late"
        if today > due:
            return "overdue"
        if today == due or self.next_working_day(today) >= due:
            return "due_soon"
        return "open"
