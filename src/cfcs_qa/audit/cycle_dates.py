"""The monthly audit cycle's dates (pure: a calendar and settings in, dates out).

- Day 1: the month's first working day (the sample is drawn and toolkits sent).
- Due date: ``due_working_days_before_last`` (default 7) working days before the month's
  last working day, so that many working days follow it (November 2026: Thursday 19th).
- PIM report: by the ``pim_working_day``-th (default 5th) working day of the next month.
- Governance week: week ``governance_week`` (default 2) of the next month, Monday to Friday,
  where week 1 is the Monday-to-Friday week holding that month's first working day
  (December 2026: Day 1 is Tuesday 1st, so week 2 is Monday 7th to Friday 11th).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..calendar import WorkingCalendar, make_calendar, month_end


@dataclass(frozen=True)
class CycleDates:
    year: int
    month: int
    day1: date
    due_date: date
    last_working_day: date
    working_days_after_due: int  # working days after the due date, through the last one
    pim_report_date: date
    governance_week_start: date  # Monday
    governance_week_end: date  # Friday
    governance_working_days: tuple[date, ...]
    working_days: int
    holidays: tuple[tuple[date, str], ...]  # weekday non-working days in the month

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.label,
            "day1": self.day1.isoformat(),
            "due_date": self.due_date.isoformat(),
            "last_working_day": self.last_working_day.isoformat(),
            "working_days_after_due": self.working_days_after_due,
            "pim_report_date": self.pim_report_date.isoformat(),
            "governance_week": {
                "start": self.governance_week_start.isoformat(),
                "end": self.governance_week_end.isoformat(),
                "working_days": [d.isoformat() for d in self.governance_working_days],
            },
            "working_days": self.working_days,
            "holidays": [{"date": d.isoformat(), "name": n} for d, n in self.holidays],
        }


def calendar_for(settings: Any) -> WorkingCalendar:
    """The site's working calendar from ``Settings.calendar`` (closures and removed days)."""
    return make_calendar(settings.calendar.closures, settings.calendar.removed)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def due_date(cal: WorkingCalendar, year: int, month: int, before_last: int = 7) -> date:
    """``before_last`` working days before the month's last working day."""
    return cal.working_days_before(cal.last_working_day(year, month), before_last)


def governance_week(cal: WorkingCalendar, year: int, month: int, week: int = 2) -> date:
    """The Monday of week ``week`` of the month (week 1 holds its first working day)."""
    first = cal.first_working_day(year, month)
    monday = first - timedelta(days=first.weekday())
    return monday + timedelta(weeks=week - 1)


def cycle_dates(cal: WorkingCalendar, year: int, month: int, audit: Any = None) -> CycleDates:
    """Every date of the cycle for ``year``-``month``; ``audit`` is ``AuditSettings``."""
    before_last = getattr(audit, "due_working_days_before_last", 7)
    pim_day = getattr(audit, "pim_working_day", 5)
    gov_week = getattr(audit, "governance_week", 2)
    start = date(year, month, 1)
    end = month_end(start)
    last = cal.last_working_day(year, month)
    due = due_date(cal, year, month, before_last)
    ny, nm = _next_month(year, month)
    monday = governance_week(cal, ny, nm, gov_week)
    friday = monday + timedelta(days=4)
    holidays = []
    d = start
    while d <= end:
        if d.weekday() < 5 and not cal.is_working_day(d):
            holidays.append((d, cal.holiday_name(d) or "closure"))
        d += timedelta(days=1)
    return CycleDates(
        year=year, month=month, day1=cal.first_working_day(year, month), due_date=due,
        last_working_day=last, working_days_after_due=cal.wd(due, last),
        pim_report_date=cal.nth_working_day(ny, nm, pim_day),
        governance_week_start=monday, governance_week_end=friday,
        governance_working_days=tuple(cal.working_days_in(monday, friday)),
        working_days=len(cal.working_days_in(start, end)), holidays=tuple(holidays),
    )


def next_cycle_month(cal: WorkingCalendar, as_of: date) -> tuple[int, int]:
    """The month of the next Day 1 on or after ``as_of``."""
    if as_of <= cal.first_working_day(as_of.year, as_of.month):
        return as_of.year, as_of.month
    return _next_month(as_of.year, as_of.month)


def working_days_to(cal: WorkingCalendar, today: date, target: date) -> int:
    """Working days from ``today`` to ``target``: positive ahead, negative when past, 0 on
    the day itself (when ``today`` is a working day)."""
    if target >= today:
        return cal.wd(today, target)
    return -cal.wd(target, today)
