"""The working-day calendar (DOMAIN.md §3, issue 13): the days that break the weekly pattern,
as data an administrator edits, and each unit's own working hours.

``CalendarDay``: a weekday that is a day off (``off``: a public holiday, a day of the Tết
break, a compensatory day off) or a weekend day the Government swapped into a working day
(``work``). Nothing is inferred: a compensatory day off is a row of its own.

``UnitCalendar``: whether a unit works on Saturday mornings and its cut-off hour ('HH:MM');
a unit without a row works Monday to Friday with the 15:00 cut-off.

docsvc.workdays computes with them (docsvc.calendar.services builds its ``WorkCalendar``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from archive.models import Base, utcnow

KINDS = ("off", "work")


class CalendarDay(Base):
    __tablename__ = "calendar_days"
    __table_args__ = (CheckConstraint("kind IN ('off', 'work')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(8), default="off")
    name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UnitCalendar(Base):
    __tablename__ = "unit_calendar"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    saturday_mornings: Mapped[bool] = mapped_column(Boolean, default=False)
    cutoff: Mapped[str] = mapped_column(String(5), default="15:00")   # 'HH:MM', local time
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
