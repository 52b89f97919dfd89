"""Vectorised date arithmetic equals the scalar calendar functions; continuous records merge
exactly as kpis.md says (compared with a plain Python reference)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.calendar import add_months, age_at
from cfcs_qa.kpi.dates import add_months_many, age_many, birthday_many
from cfcs_qa.kpi.frames import continuous

from .builders import frame

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))


@settings(max_examples=200, deadline=None)
@given(st.lists(dates, min_size=1, max_size=20), st.integers(-40, 40))
def test_add_months_many_matches_calendar(days: list[date], months: int) -> None:
    got = add_months_many(pd.Series(pd.to_datetime(days)), months)
    assert [pd.Timestamp(x).date() for x in got] == [add_months(d, months) for d in days]


def test_add_months_month_ends_and_nat() -> None:
    got = add_months_many(pd.Series(pd.to_datetime(["2025-11-30", "2024-02-29", None])), 3)
    assert list(pd.to_datetime(got[:2]).date) == [date(2026, 2, 28), date(2024, 5, 29)]
    assert np.isnat(got[2])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(dates, dates), min_size=1, max_size=20))
def test_age_many_matches_age_at(pairs: list[tuple[date, date]]) -> None:
    births = pd.to_datetime([b for b, _ in pairs])
    ons = pd.to_datetime([o for _, o in pairs])
    got = age_many(births, ons)
    assert list(got) == [age_at(b, o) for b, o in pairs]


def test_29_february_birthdays_fall_on_1_march() -> None:
    birth = pd.to_datetime(["2008-02-29"])
    assert age_many(birth, date(2026, 2, 28))[0] == 17
    assert age_many(birth, date(2026, 3, 1))[0] == 18
    assert pd.Timestamp(birthday_many(birth, 16)[0]).date() == date(2024, 2, 29)
    assert pd.Timestamp(birthday_many(birth, 18)[0]).date() == date(2026, 3, 1)
    assert np.isnan(age_many(pd.to_datetime([None]), date(2026, 1, 1))[0])


def _reference(rows: list[tuple[str, date, date | None]]) -> list[tuple[str, date, date | None]]:
    out: list[list] = []
    for child, start, end in sorted(rows, key=lambda r: (r[0], r[1])):
        if out and out[-1][0] == child and (out[-1][2] is None or
                                            start <= out[-1][2] + timedelta(days=1)):
            if out[-1][2] is not None:
                out[-1][2] = None if end is None else max(out[-1][2], end)
            continue
        out.append([child, start, end])
    return [tuple(r) for r in out]  # type: ignore[misc]


spans = st.tuples(st.sampled_from(["C1", "C2"]), st.integers(0, 60), st.integers(0, 20),
                  st.booleans())


@settings(max_examples=200, deadline=None)
@given(st.lists(spans, min_size=1, max_size=12))
def test_continuous_matches_reference(raw: list[tuple[str, int, int, bool]]) -> None:
    base = date(2026, 1, 1)
    rows = [(c, base + timedelta(days=s), None if open_ else base + timedelta(days=s + n))
            for c, s, n, open_ in raw]
    f = frame("cp_plans", [{"plan_id": f"P{i}", "child_id": c, "start_date": s, "end_date": e}
                           for i, (c, s, e) in enumerate(rows)])
    f["_id"] = f["plan_id"]
    got = continuous(f)
    actual = sorted((r.child_id, r.start_date.date(),
                     None if pd.isna(r.end_date) else r.end_date.date())
                    for r in got.itertuples())
    assert actual == sorted(_reference(rows))
    assert got["_members"].sum() == len(rows)


def test_category_change_and_gap_of_one_day() -> None:
    f = frame("cp_plans", [
        {"plan_id": "A", "child_id": "C1", "start_date": "2025-01-01", "end_date": "2025-03-31",
         "category": "neglect"},
        {"plan_id": "B", "child_id": "C1", "start_date": "2025-04-01", "end_date": "2025-06-30",
         "category": "emotional"},  # next day: same plan, category changed
        {"plan_id": "C", "child_id": "C1", "start_date": "2025-07-02", "category": "physical"},
    ])
    f["_id"] = f["plan_id"]
    got = continuous(f)
    assert list(got["_id"]) == ["A", "C"]
    assert list(got["category"]) == ["emotional", "physical"]
    assert got["end_date"].iloc[0] == pd.Timestamp("2025-06-30")
