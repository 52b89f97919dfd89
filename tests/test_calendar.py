from datetime import date, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cfcs_qa.calendar import add_months, age_at, make_calendar

CAL = make_calendar()
dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 4, 30), 6) == date(2026, 10, 30)
    assert add_months(date(2026, 1, 31), -2) == date(2025, 11, 30)


def test_liberation_day_and_easter_are_holidays():
    assert not CAL.is_working_day(date(2025, 5, 9))  # Friday
    assert not CAL.is_working_day(date(2026, 4, 3))  # Good Friday
    assert not CAL.is_working_day(date(2026, 4, 6))  # Easter Monday
    assert CAL.holiday_name(date(2024, 7, 16)) is not None  # one-off royal visit day


def test_wd_examples():
    assert CAL.wd(date(2026, 5, 8), date(2026, 5, 12)) == 2  # Fri -> Tue, 9 May is a Saturday
    assert CAL.wd(date(2026, 11, 7), date(2026, 11, 9)) == 0  # Saturday -> Monday
    assert CAL.wd(date(2025, 5, 8), date(2025, 5, 12)) == 1  # Liberation Day Friday 2025
    assert CAL.wd(date(2026, 11, 9), date(2026, 11, 9)) == 0


def test_due_date_november_2026():
    assert CAL.working_days_before(CAL.last_working_day(2026, 11), 7) == date(2026, 11, 19)


def test_age_at_leap_day():
    born = date(2012, 2, 29)
    assert age_at(born, date(2015, 2, 28)) == 2
    assert age_at(born, date(2015, 3, 1)) == 3
    assert age_at(born, date(2016, 2, 29)) == 4


def test_overrides():
    cal = make_calendar(closures=[date(2026, 12, 24)], removed=[date(2026, 12, 28)])
    assert not cal.is_working_day(date(2026, 12, 24))
    assert cal.is_working_day(date(2026, 12, 28))


@given(dates, dates)
def test_wd_matches_day_by_day_count(a, b):
    start = CAL.next_working_day(a)
    expected = sum(
        1 for i in range(1, max((b - start).days, 0) + 1)
        if CAL.is_working_day(start + timedelta(days=i))
    )
    assert CAL.wd(a, b) == expected


@given(st.lists(st.tuples(dates, dates), min_size=1, max_size=20))
def test_wd_many_agrees_with_wd(pairs):
    a = np.array([p[0] for p in pairs], dtype="datetime64[D]")
    b = np.array([p[1] for p in pairs], dtype="datetime64[D]")
    assert list(CAL.wd_many(a, b)) == [CAL.wd(x, y) for x, y in pairs]


@given(dates, st.integers(min_value=-60, max_value=60))
def test_add_months_never_overflows_and_is_monotone(d, n):
    r = add_months(d, n)
    assert (r.year * 12 + r.month) - (d.year * 12 + d.month) == n
    assert r.day <= d.day


@given(dates, st.integers(min_value=0, max_value=30))
def test_add_working_days_inverse_of_wd(d, n):
    assert CAL.wd(d, CAL.add_working_days(d, n)) == n
