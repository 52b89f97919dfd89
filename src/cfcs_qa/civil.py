"""Gregorian calendar arithmetic on integer arrays: day numbers (days since 1970-01-01) to and
from year, month and day.

numpy's ``datetime64`` casts between days, months and years convert one value at a time and
are several times slower than these few whole-array integer operations. The formulas count
years from 1 March, so that February, the one month of varying length, ends each year (after
H. Hinnant, "chrono-compatible low-level date algorithms").
"""

from __future__ import annotations

import numpy as np

MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_SHIFT = 719468
"""Days from 0000-03-01 to 1970-01-01."""


def is_leap(year: np.ndarray) -> np.ndarray:
    leap: np.ndarray = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return leap


def month_days(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Days in each month (``month`` 1..12)."""
    out: np.ndarray = MONTH_DAYS[month - 1] + ((month == 2) & is_leap(year))
    return out


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day numbers of valid dates (int64; month 1..12, day within the month)."""
    y = year - (month <= 2)
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    out: np.ndarray = era * 146097 + day_of_era - _SHIFT
    return out


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of day numbers (int64)."""
    z = days + _SHIFT
    era = z // 146097
    day_of_era = z - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524
                   - day_of_era // 146096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = np.where(shifted_month < 10, shifted_month + 3, shifted_month - 9)
    year = year_of_era + era * 400 + (month <= 2)
    return year, month, day
