"""The derived-column registry against the scalar calendar (hypothesis)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.calendar import make_calendar
from cfcs_qa.kpi.derived import REGISTRY, Ctx
from cfcs_qa.kpi.filters import Window
from cfcs_qa.kpi.frames import Prepared

from .builders import extract

CAL = make_calendar()
DAYS = st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 1, 31))


def _ctx() -> Ctx:
    ex = extract(date(2026, 6, 10))
    p = Prepared(extract=ex, calendar=CAL, as_of=ex.as_of)
    return Ctx(prepared=p, window=Window(date(2026, 5, 1), date(2026, 5, 31), ex.as_of),
               source="referrals")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(DAYS, DAYS), min_size=1, max_size=15))
def test_working_days_between_matches_wd(pairs: list[tuple[date, date]]) -> None:
    pairs = [(min(a, b), max(a, b)) for a, b in pairs]
    f = pd.DataFrame({"a": pd.to_datetime([a for a, _ in pairs]),
                      "b": pd.to_datetime([b for _, b in pairs]), "child_id": "C1"})
    got = REGISTRY["working_days_between"].fn(f, _ctx(), start="a", end="b")
    assert list(got) == [CAL.wd(a, b) for a, b in pairs]


@settings(max_examples=100, deadline=None)
@given(st.lists(DAYS, min_size=1, max_size=15), st.integers(0, 20))
def test_add_working_days_matches_calendar(days: list[date], n: int) -> None:
    f = pd.DataFrame({"d": pd.to_datetime(days), "child_id": "C1"})
    got = REGISTRY["add_working_days"].fn(f, _ctx(), date="d", days=n)
    assert [pd.Timestamp(x).date() for x in got] == [CAL.add_working_days(d, n) for d in days]


def test_blank_dates_stay_blank() -> None:
    f = pd.DataFrame({"a": pd.to_datetime(["2026-05-08", None]),
                      "b": pd.to_datetime([None, "2026-05-12"]), "child_id": "C1"})
    wd = REGISTRY["working_days_between"].fn(f, _ctx(), start="a", end="b")
    assert all(x != x for x in wd)  # NaN: never within a limit
    due = REGISTRY["add_working_days"].fn(f, _ctx(), date="a", days=1)
    assert pd.Timestamp(due[0]).date() == date(2026, 5, 11) and pd.isna(due[1])
