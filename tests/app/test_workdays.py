"""Working days (docsvc/workdays.py): hand-checked cases across Tết, a holiday that falls on
a weekend, a year's end and a Saturday-morning desk, then properties over random calendars
and moments (Hypothesis).

Inputs tried: work received just before and just after the cut-off, on a holiday, on a
Sunday, on a swapped working Saturday, on a Saturday afternoon at a Saturday-morning desk;
a time limit of 0 and of more than a year; a calendar with no working day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from docsvc.workdays import MAX_DAYS, CalendarError, WorkCalendar


def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


# The days off as the Government decided them (civil servants): Tết Ất Tỵ 25/01–02/02/2025;
# Tết Bính Ngọ 14/02–22/02/2026; New Year 01/01; Hùng Kings 2026 fell on Sunday 26/04, so
# Monday 27/04 was its compensatory day off; 30/04 and 01/05/2026 (Thursday, Friday).
DAYS_OFF = frozenset(
    _span(date(2025, 1, 25), date(2025, 2, 2)) | _span(date(2026, 2, 14), date(2026, 2, 22))
    | {date(2025, 1, 1), date(2026, 1, 1), date(2027, 1, 1), date(2026, 4, 26), date(2026, 4, 27),
       date(2026, 4, 30), date(2026, 5, 1)})
VN = WorkCalendar(days_off=DAYS_OFF)


def at(y, m, d, hh=9, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm)


def test_across_tet_2026():
    # Friday 13/02 at 10:00, three working days: the break is 14/02–22/02.
    assert VN.receipt_day(at(2026, 2, 13, 10)) == date(2026, 2, 13)
    assert VN.due_date(at(2026, 2, 13, 10), 3) == date(2026, 2, 25)
    # The same Friday at 15:30 counts from Monday 23/02 (day 0): due Thursday 26/02.
    assert VN.receipt_day(at(2026, 2, 13, 15, 30)) == date(2026, 2, 23)
    assert VN.due_date(at(2026, 2, 13, 15, 30), 3) == date(2026, 2, 26)
    # Received during the break (the desk took it anyway): as on Monday 23/02.
    assert VN.due_date(at(2026, 2, 18, 9), 1) == date(2026, 2, 24)
    assert VN.working_days_between(at(2026, 2, 13, 10), date(2026, 2, 25)) == 3


def test_a_holiday_on_a_sunday_and_its_compensatory_day():
    # Hùng Kings 2026 on Sunday 26/04, off on Monday 27/04; 30/04 and 01/05 off too.
    assert VN.due_date(at(2026, 4, 24), 2) == date(2026, 4, 29)
    assert VN.due_date(at(2026, 4, 24), 3) == date(2026, 5, 4)
    assert not VN.is_working_day(date(2026, 4, 27)) and VN.is_working_day(date(2026, 4, 28))


def test_across_the_years_end():
    assert VN.due_date(at(2025, 12, 31, 14, 59), 1) == date(2026, 1, 2)
    assert VN.due_date(at(2025, 12, 31, 15, 0), 1) == date(2026, 1, 5)   # at the cut-off: next day
    assert VN.due_date(at(2026, 12, 31, 10), 2) == date(2027, 1, 5)      # Fri 1/1 off, weekend
    assert VN.working_days_between(at(2025, 12, 31, 9), at(2026, 1, 5, 16)) == 2


def test_a_saturday_morning_desk_and_a_swapped_saturday():
    desk = WorkCalendar(days_off=DAYS_OFF, saturday_mornings=True)
    saturday = date(2026, 3, 7)
    assert desk.receipt_day(at(2026, 3, 7, 10)) == saturday
    assert desk.receipt_day(at(2026, 3, 7, 12)) == date(2026, 3, 9)       # after 11:30: Monday
    assert desk.due_date(at(2026, 3, 6, 14), 1) == saturday
    assert VN.due_date(at(2026, 3, 6, 14), 1) == date(2026, 3, 9)
    swapped = WorkCalendar(days_off=DAYS_OFF, swapped_workdays=frozenset({saturday}))
    assert swapped.receipt_day(at(2026, 3, 7, 14)) == saturday            # a full working day
    assert swapped.due_date(at(2026, 3, 6, 14), 1) == saturday


def test_standing_of_finished_and_open_work():
    due = VN.due_date(at(2026, 3, 2), 3)                                  # Thursday 05/03
    assert due == date(2026, 3, 5)
    assert VN.standing(due, date(2026, 3, 5), date(2026, 3, 9)) == "on_time"
    assert VN.standing(due, at(2026, 3, 4, 16), date(2026, 3, 9)) == "early"
    assert VN.standing(due, at(2026, 3, 6, 8), date(2026, 3, 9)) == "late"
    assert VN.standing(due, None, date(2026, 3, 3)) == "open"
    assert VN.standing(due, None, date(2026, 3, 4)) == "due_soon"
    assert VN.standing(due, None, date(2026, 3, 6)) == "overdue"


def test_limits_out_of_range_and_a_calendar_with_no_working_day():
    with pytest.raises(CalendarError):
        VN.due_date(at(2026, 3, 2), -1)
    with pytest.raises(CalendarError):
        VN.due_date(at(2026, 3, 2), MAX_DAYS + 1)
    assert VN.due_date(at(2026, 3, 2), 0) == date(2026, 3, 2)
    nothing = WorkCalendar(days_off=frozenset(_span(date(2026, 1, 1), date(2028, 1, 1))))
    with pytest.raises(CalendarError):
        nothing.receipt_day(date(2026, 6, 1))


# -- properties ------------------------------------------------------------------------------

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
calendars = st.builds(
    WorkCalendar,
    days_off=st.frozensets(days, max_size=60),
    swapped_workdays=st.frozensets(days, max_size=6),
    saturday_mornings=st.booleans(),
    cutoff=st.times(min_value=time(11, 0), max_value=time(17, 0)),
)
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31, 23, 59))
limits = st.integers(min_value=0, max_value=40)


@settings(max_examples=300, deadline=None)
@given(calendars, moments, limits)
def test_the_due_date_is_the_nth_working_day_after_the_day_of_receipt(cal, received, n):
    day0 = cal.receipt_day(received)
    due = cal.due_date(received, n)
    assert cal.is_working_day(day0) and day0 >= received.date()
    assert cal.is_working_day(due) and due >= day0
    assert cal.working_days_between(received, due) == n
    if n:
        assert cal.due_date(received, n - 1) < due


@settings(max_examples=200, deadline=None)
@given(calendars, moments, moments, limits)
def test_later_receipt_never_gives_an_earlier_due_date(cal, first, second, n):
    first, second = min(first, second), max(first, second)
    assert cal.due_date(first, n) <= cal.due_date(second, n)


@settings(max_examples=200, deadline=None)
@given(calendars, moments, limits, days)
def test_one_more_day_off_never_brings_a_due_date_forward(cal, received, n, extra):
    more = WorkCalendar(days_off=cal.days_off | {extra}, swapped_workdays=cal.swapped_workdays,
                        saturday_mornings=cal.saturday_mornings, cutoff=cal.cutoff)
    assert more.due_date(received, n) >= cal.due_date(received, n)


@settings(max_examples=200, deadline=None)
@given(calendars, moments, limits)
def test_work_done_on_its_due_date_is_on_time_and_a_working_day_later_is_late(cal, received, n):
    due = cal.due_date(received, n)
    assert cal.standing(due, due, due) == "on_time"
    assert cal.standing(due, due - timedelta(days=1), due) == "early"
    assert cal.standing(due, cal.next_working_day(due), due) == "late"
