"""Working days and month arithmetic, exactly as ``docs/kpis.md`` defines them.

Working days are Monday to Friday less Guernsey's public holidays (the ``holidays`` package,
country "GG") and the site's extra closures, plus any days the site says are working days
after all (``removed``). ``wd(a, b)`` counts working days d with a < d <= b, after moving a
forward to the next working day when it is not one.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from .holiday_table import FIRST_YEAR, LAST_YEAR, public_holidays


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` months, clamped to the month's end (30 Nov + 3 = 28/29 Feb)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _cal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def month_end(d: date) -> date:
    return date(d.year, d.month, _cal.monthrange(d.year, d.month)[1])


def month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def age_at(birth: date, on: date) -> int:
    """Completed years at ``on``; a 29 February birthday falls on 1 March in other years."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


@dataclass(frozen=True)
class WorkingCalendar:
    """Guernsey working days plus site overrides.

    ``closures``: extra non-working days (e.g. a Christmas closure day, Alderney days).
    ``removed``: public holidays the service works anyway (count as working days).
    """

    closures: frozenset[date] = field(default_factory=frozenset)
    removed: frozenset[date] = field(default_factory=frozenset)
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR
    memo_dir: Path | None = field(default=None, compare=False)
    """A folder to keep the public-holiday table in between runs (``holiday_table``)."""

    @cached_property
    def _public(self) -> dict[date, str]:
        return public_holidays(self.first_year, self.last_year, self.memo_dir)

    def holiday_name(self, d: date) -> str | None:
        if d in self.removed:
            return None
        if d in self.closures:
            return self._public.get(d, "site closure")
        return self._public.get(d)

    def holidays(self) -> frozenset[date]:
        """Every non-working weekday in range (public holidays and closures, less removed)."""
        days = (set(self._public) | set(self.closures)) - set(self.removed)
        return frozenset(d for d in days if d.weekday() < 5)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._nonworking

    @cached_property
    def _nonworking(self) -> frozenset[date]:
        return self.holidays()

    def next_working_day(self, d: date) -> date:
        """``d`` itself when it is a working day, else the next one."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (n >= 0; n = 0 gives next_working_day(d))."""
        d = self.next_working_day(d)
        while n > 0:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    def wd(self, a: date, b: date) -> int:
        """Working days d with a' < d <= b, where a' = a moved forward to a working day."""
        start = self.next_working_day(a)
        if b <= start:
            return 0
        return self._count_through(b) - self._count_through(start)

    def _count_through(self, d: date) -> int:
        """Working days from a fixed epoch up to and including ``d`` (O(holidays))."""
        epoch = date(1970, 1, 5)  # a Monday
        days = (d - epoch).days
        weeks, rest = divmod(days, 7)
        weekdays = weeks * 5 + min(rest + 1, 5)
        closed = sum(1 for h in self._nonworking if epoch <= h <= d)
        return weekdays - closed

    def wd_many(self, a: Any, b: Any) -> Any:
        """Vectorised ``wd`` over two equal-length date arrays (numpy/pandas datetime64).

        Returns a float64 numpy array; NaN where either date is missing.
        """
        import numpy as np

        a_arr = np.asarray(a, dtype="datetime64[D]")
        b_arr = np.asarray(b, dtype="datetime64[D]")
        out = np.full(a_arr.shape, np.nan)
        ok = ~(np.isnat(a_arr) | np.isnat(b_arr))
        if ok.any():
            hol = self._busday_holidays
            start = np.busday_offset(a_arr[ok], 0, roll="forward", holidays=hol)
            one = np.timedelta64(1, "D")
            count = np.busday_count(start + one, b_arr[ok] + one, holidays=hol)
            out[ok] = np.maximum(count, 0)
        return out

    def next_working_day_many(self, a: Any) -> Any:
        """Vectorised next_working_day (NaT stays NaT) as datetime64[D]."""
        import numpy as np

        a_arr = np.asarray(a, dtype="datetime64[D]")
        out = a_arr.copy()
        ok = ~np.isnat(a_arr)
        out[ok] = np.busday_offset(a_arr[ok], 0, roll="forward", holidays=self._busday_holidays)
        return out

    @cached_property
    def _busday_holidays(self) -> Any:
        import numpy as np

        return np.array(sorted(self._nonworking), dtype="datetime64[D]")

    def working_days_in(self, start: date, end: date) -> list[date]:
        out: list[date] = []
        d = start
        while d <= end:
            if self.is_working_day(d):
                out.append(d)
            d += timedelta(days=1)
        return out

    def first_working_day(self, year: int, month: int) -> date:
        return self.next_working_day(date(year, month, 1))

    def last_working_day(self, year: int, month: int) -> date:
        d = date(year, month, _cal.monthrange(year, month)[1])
        while not self.is_working_day(d):
            d -= timedelta(days=1)
        return d

    def nth_working_day(self, year: int, month: int, n: int) -> date:
        """The n-th working day of the month (n >= 1)."""
        return self.add_working_days(self.first_working_day(year, month), n - 1)

    def working_days_before(self, d: date, n: int) -> date:
        """The working day n working days before ``d`` (d a working day)."""
        while n > 0:
            d -= timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d


def make_calendar(closures: Iterable[date] = (), removed: Iterable[date] = (),
                  memo_dir: Path | None = None) -> WorkingCalendar:
    return WorkingCalendar(closures=frozenset(closures), removed=frozenset(removed),
                           memo_dir=memo_dir)
