"""Integer calendar arithmetic (``cfcs_qa.civil``) agrees with numpy's datetime64 and
Python's dates on every day of a wide range, and round-trips."""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cfcs_qa.civil import civil_from_days, days_from_civil, month_days

DAYS = np.arange(np.datetime64("1600-01-01"), np.datetime64("2401-01-01")).view("int64")


def test_every_day_from_1600_to_2400_round_trips_and_matches_numpy() -> None:
    y, m, d = civil_from_days(DAYS)
    as_days = DAYS.astype("datetime64[D]")
    assert (y == as_days.astype("datetime64[Y]").astype(np.int64) + 1970).all()
    assert (m == as_days.astype("datetime64[M]").astype(np.int64) % 12 + 1).all()
    first = as_days.astype("datetime64[M]").astype("datetime64[D]")
    assert (d == (as_days - first).astype(np.int64) + 1).all()
    assert (days_from_civil(y, m, d) == DAYS).all()


@given(st.integers(1600, 2400), st.integers(1, 12))
def test_month_days_matches_the_standard_library(year: int, month: int) -> None:
    got = month_days(np.array([year]), np.array([month]))[0]
    assert got == calendar.monthrange(year, month)[1]


@given(st.dates(min_value=date(1600, 1, 1), max_value=date(2400, 12, 31)))
def test_one_date(when: date) -> None:
    number = (when - date(1970, 1, 1)).days
    assert days_from_civil(np.array([when.year]), np.array([when.month]),
                           np.array([when.day]))[0] == number
    y, m, d = civil_from_days(np.array([number]))
    assert (y[0], m[0], d[0]) == (when.year, when.month, when.day)
