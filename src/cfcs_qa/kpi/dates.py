"""Vectorised date arithmetic matching ``cfcs_qa.calendar`` exactly (``add_months``,
``age_at``), over numpy ``datetime64`` arrays or pandas Series. NaT stays NaT."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..civil import civil_from_days, days_from_civil, month_days

NS = "datetime64[ns]"


def _arr(values: Any) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=NS)
    return np.asarray(values, dtype=NS)


def add_months_many(values: Any, months: Any) -> np.ndarray:
    """Each date plus ``months`` calendar months, clamped to the month's end (30 Nov + 3 =
    28/29 Feb). ``months`` may be a scalar or an array (NaN months give NaT)."""
    d = _arr(values).astype("datetime64[D]")
    nat = np.isnat(d)
    m = np.asarray(months, dtype="float64")
    bad = nat | np.isnan(m) if m.shape else nat | bool(np.isnan(m))
    m_int = np.nan_to_num(m).astype("int64")
    y, mon, day = civil_from_days(np.where(nat, 0, d.view("int64")))
    target = y * 12 + (mon - 1) + m_int
    ty, tm = target // 12, target % 12 + 1
    out = days_from_civil(ty, tm, np.minimum(day, month_days(ty, tm))).astype(
        "datetime64[D]").astype(NS)
    out[np.broadcast_to(bad, out.shape)] = np.datetime64("NaT")
    return out


def add_days_many(values: Any, days: int) -> np.ndarray:
    return _arr(values) + np.timedelta64(int(days), "D")


def _ymd(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return civil_from_days(d.astype("datetime64[D]").view("int64"))


def age_many(births: Any, on: Any) -> np.ndarray:
    """Completed years at ``on`` (a date or an array); float with NaN for an unknown birth.
    A 29 February birthday falls on 1 March in other years (tuple comparison does this)."""
    if isinstance(on, date):
        return age_on(birth_parts(births), on)
    b = _arr(births)
    o = _arr(on)
    bad = np.isnat(b) | np.isnat(o)
    b2 = np.where(bad, np.datetime64("2000-01-01", "ns"), b)
    o2 = np.where(bad, np.datetime64("2000-01-01", "ns"), o)
    by, bm, bd = _ymd(b2)
    oy, om, od = _ymd(o2)
    years = oy - by - ((om * 100 + od) < (bm * 100 + bd)).astype("int64")
    out = years.astype("float64")
    out[bad] = np.nan
    return out


BirthParts = tuple[np.ndarray, np.ndarray, np.ndarray]
"""(year, month * 100 + day, unknown) of birth dates."""


def birth_parts(births: Any) -> BirthParts:
    """The parts of each birth date ``age_on`` reads (an unknown birth: NaT)."""
    b = _arr(births)
    unknown = np.isnat(b)
    year, month, day = _ymd(np.where(unknown, np.datetime64("2000-01-01", "ns"), b))
    return year, month * 100 + day, unknown


def age_on(parts: BirthParts, on: date) -> np.ndarray:
    """Completed years on one date (as ``age_many``); parts may be taken by child code."""
    year, month_day, unknown = parts
    years = on.year - year - ((on.month * 100 + on.day) < month_day).astype("int64")
    out = years.astype("float64")
    out[unknown] = np.nan
    return out


def birthday_many(births: Any, years: int) -> np.ndarray:
    """The date of the ``years``-th birthday (29 February -> 1 March in non-leap years)."""
    b = _arr(births)
    bad = np.isnat(b)
    b2 = np.where(bad, np.datetime64("2000-01-01", "ns"), b)
    by, bm, bd = _ymd(b2)
    ty = by + years
    leap = (ty % 4 == 0) & ((ty % 100 != 0) | (ty % 400 == 0))
    feb29 = (bm == 2) & (bd == 29) & ~leap
    month = np.where(feb29, 3, bm)
    day = np.where(feb29, 1, bd)
    months = ((ty - 1970) * 12 + (month - 1)).astype("datetime64[M]")
    out = (months.astype("datetime64[D]") + (day - 1)).astype(NS)
    out[bad] = np.datetime64("NaT")
    return out
