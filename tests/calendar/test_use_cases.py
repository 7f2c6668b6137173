"""The calendar use cases on real SQLite (migrated as `docsvc init` does): the seed of
2025-2027, adding and removing days, a unit's Saturday mornings and cut-off, due dates that
follow the data, the audit records written with each change.

Bad inputs tried: a day already in the calendar (409-style, naming it), removing a day that is
not there, a 'work' day on a weekday, an 'off' day on a Sunday, a blank name, an impossible
date (31/02), an unknown kind, a cut-off '25:00', an unknown unit, a negative and a too-large
number of days, a clerk and a viewer editing (refused, nothing written)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from archive.audit import AuditRecord
from archive.calendar import CalendarDay
from docsvc.calendar import services as cal
from docsvc.services.audit import PermissionDenied


def _audit(services, action):
    with services.session_factory() as db:
        return db.scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq)).all()


def _days(services):
    with services.session_factory() as db:
        return {(r.day, r.kind) for r in db.scalars(select(CalendarDay))}


def test_the_seed_has_the_statutory_days_of_2025_to_2027(services, people):
    viewer = people.p("xem")
    days_2026 = {d["day"]: d for d in cal.list_days(services, viewer, 2026)}
    for d in range(16, 21):
        assert days_2026[f"2026-02-{d}"]["kind"] == "off" and "Tết" in days_2026[f"2026-02-{d}"]["name"]
    assert "Hùng Vương" in days_2026["2026-04-27"]["name"]          # compensatory: 26/4/2026 is a Sunday
    assert "2026-04-26" not in days_2026                            # a weekend day off is not stored
    assert {"2026-01-01", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"} <= set(days_2026)
    for year in (2025, 2026, 2027):
        listed = cal.list_days(services, viewer, year)
        offs = [d for d in listed if d["kind"] == "off"]
        assert len(offs) == (12 if year < 2027 else 11)                  # 2025 and 2026: one swapped day each
        assert all(date.fromisoformat(d["day"]).weekday() < 5 for d in offs)     # weekdays only
        assert all(date.fromisoformat(d["day"]).weekday() == 5 for d in listed if d["kind"] == "work")
    # the Government's swaps (0013): a Friday off, a Saturday worked
    assert days_2026["2026-01-02"]["kind"] == "off" and days_2026["2026-01-10"]["kind"] == "work"
    days_2025 = {d["day"]: d["kind"] for d in cal.list_days(services, viewer, 2025)}
    assert days_2025["2025-05-02"] == "off" and days_2025["2025-04-26"] == "work"
    days_2027 = {d["day"]: d["name"] for d in cal.list_days(services, viewer, 2027)}
    assert "Nghỉ bù" in days_2027["2027-05-03"] and "(dự kiến)" in days_2027["2027-02-05"]
    assert {"2025-01-27", "2025-01-31", "2025-04-07", "2025-09-01"} <= {d["day"] for d in cal.list_days(services, viewer, 2025)}
    assert cal.list_days(services, viewer, 2024) == []


def test_due_dates_across_tet_2026(services, people):
    clerk = people.p("vanthu")
    # Friday 13/2/2026 after the 15:00 cut-off: received on Monday 23/2 (the Tết week is off), +3 → Thursday 26/2
    assert cal.due(services, clerk, datetime(2026, 2, 13, 15, 30), 3) == date(2026, 2, 26)
    assert cal.due(services, clerk, datetime(2026, 2, 13, 14, 59), 3) == date(2026, 2, 25)
    # an aware moment is converted to the office's time: 08:30 UTC is 15:30 in Hà Nội
    assert cal.due(services, clerk, datetime(2026, 2, 13, 8, 30, tzinfo=timezone.utc), 3) == date(2026, 2, 26)


def test_add_and_remove_a_day_change_due_dates_and_are_audited(services, people):
    admin = people.p("quantri")
    before = cal.due(services, admin, datetime(2026, 3, 5, 9, 0), 1)
    assert before == date(2026, 3, 6)
    added = cal.add_day(services, admin, "06/03/2026", "  Nghỉ   thử  ")
    assert added == {**added, "day": "2026-03-06", "kind": "off", "name": "Nghỉ thử"}
    assert cal.due(services, admin, datetime(2026, 3, 5, 9, 0), 1) == date(2026, 3, 9)
    # a Saturday swapped into a working day: the limit ends on it
    cal.add_day(services, admin, date(2026, 3, 7), "Làm bù", kind="work")
    assert cal.due(services, admin, datetime(2026, 3, 5, 9, 0), 1) == date(2026, 3, 7)
    assert (date(2026, 3, 7), "work") in _days(services)
    removed = cal.remove_day(services, admin, "2026-03-07")
    assert removed["kind"] == "work"
    assert cal.due(services, admin, datetime(2026, 3, 5, 9, 0), 1) == date(2026, 3, 9)
    cal.remove_day(services, admin, date(2026, 3, 6))
    assert cal.due(services, admin, datetime(2026, 3, 5, 9, 0), 1) == before
    adds, removes = _audit(services, "calendar.add"), _audit(services, "calendar.remove")
    assert [r.object_id for r in adds] == ["2026-03-06", "2026-03-07"]
    assert [r.object_id for r in removes] == ["2026-03-07", "2026-03-06"]
    assert adds[1].details["kind"] == "work" and removes[0].details["name"] == "Làm bù"


def test_refusals_name_the_problem_and_change_nothing(services, people):
    admin = people.p("quantri")
    seeded = _days(services)
    with pytest.raises(cal.DayExists) as exc:
        cal.add_day(services, admin, "2026-02-16", "Trùng")
    assert "16/02/2026" in exc.value.message and "Tết Nguyên đán" in exc.value.message
    with pytest.raises(cal.DayNotFound):
        cal.remove_day(services, admin, "2026-03-10")
    for day, name, kind, field in (("2026-03-10", "Làm bù", "work", "kind"),   # a weekday is already worked
                                   ("2026-03-08", "Nghỉ", "off", "day"),       # a Sunday is already off
                                   ("2026-03-10", "   ", "off", "name"),
                                   ("31/02/2026", "Nghỉ", "off", "day"),
                                   ("2026-03-10", "Nghỉ", "holiday", "kind")):
        with pytest.raises(cal.CalendarInvalid) as invalid:
            cal.add_day(services, admin, day, name, kind=kind)
        assert invalid.value.field == field
    with pytest.raises(cal.CalendarInvalid) as invalid:
        cal.set_unit_calendar(services, admin, "XA-A", True, "25:00")
    assert invalid.value.field == "cutoff"
    with pytest.raises(cal.DayNotFound):
        cal.set_unit_calendar(services, admin, "KHONG-CO", True, "15:00")
    for days in (-1, 401):
        with pytest.raises(cal.CalendarInvalid):
            cal.due(services, admin, datetime(2026, 3, 5, 9), days)
    for name in ("vanthu", "xem"):
        with pytest.raises(PermissionDenied):
            cal.add_day(services, people.p(name), "2026-03-10", "Nghỉ")
        with pytest.raises(PermissionDenied):
            cal.remove_day(services, people.p(name), "2026-02-16")
        with pytest.raises(PermissionDenied):
            cal.set_unit_calendar(services, people.p(name), "XA-A", True)
    assert _days(services) == seeded
    assert _audit(services, "calendar.add") == [] and _audit(services, "calendar.unit") == []


def test_a_unit_with_saturday_mornings_gets_its_own_due_date(services, people):
    admin, clerk = people.p("quantri"), people.p("vanthu")
    friday = datetime(2026, 3, 13, 10, 0)
    assert cal.due(services, clerk, friday, 1, unit="XA-A") == date(2026, 3, 16)   # Monday
    saved = cal.set_unit_calendar(services, admin, "XA-A", True, "16:30")
    assert saved["saturday_mornings"] is True and saved["cutoff"] == "16:30"
    assert cal.due(services, clerk, friday, 1, unit="XA-A") == date(2026, 3, 14)   # its Saturday
    assert cal.due(services, clerk, friday, 1, unit="XA-B") == date(2026, 3, 16)   # the other commune
    assert cal.due(services, clerk, friday, 1) == date(2026, 3, 16)               # no unit: Monday to Friday
    # its own cut-off: 16:00 is still the same day for XA-A, the next for XA-B
    assert cal.due(services, clerk, datetime(2026, 3, 10, 16, 0), 0, unit="XA-A") == date(2026, 3, 10)
    assert cal.due(services, clerk, datetime(2026, 3, 10, 16, 0), 0, unit="XA-B") == date(2026, 3, 11)
    assert cal.calendar_for(services, saved["unit"]["id"]).saturday_mornings is True
    [audit] = _audit(services, "calendar.unit")
    assert audit.details == {"before": {"saturday_mornings": False, "cutoff": "15:00"},
                             "after": {"saturday_mornings": True, "cutoff": "16:30"}}
    with pytest.raises(cal.DayNotFound):
        cal.due(services, clerk, friday, 1, unit="KHONG-CO")
