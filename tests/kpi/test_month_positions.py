"""``Prepared.positions`` (binary searches in a column sorted once) selects exactly the rows a
whole-column comparison selects, in row order, whether or not the column is in date order."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.ingest.model import Extract
from cfcs_qa.kpi.frames import Prepared

BASE = date(2026, 1, 1)


def _prepared(days: list[int | None]) -> Prepared:
    p = Prepared(extract=Extract(tables={}, reports={}, findings=[], as_of=BASE),
                 calendar=None, as_of=BASE)  # type: ignore[arg-type]
    values = [None if d is None else BASE + timedelta(days=d) for d in days]
    p._frames["visits"] = pd.DataFrame({"visit_date": pd.Series(values, dtype="datetime64[ns]")})
    return p


def _expected(days: list[int | None], first: int, last: int) -> list[int]:
    return [i for i, d in enumerate(days) if d is not None and first <= d <= last]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 60)), max_size=40),
       st.lists(st.tuples(st.integers(-5, 65), st.integers(0, 20)), min_size=1, max_size=4),
       st.booleans())
def test_same_rows_as_comparing_every_value(days: list[int | None],
                                            windows: list[tuple[int, int]],
                                            in_order: bool) -> None:
    if in_order:
        days = sorted(d for d in days if d is not None)  # type: ignore[assignment]
    p = _prepared(days)
    for start, width in windows:
        got: Any = p.positions("visits", "visit_date", BASE + timedelta(days=start),
                               BASE + timedelta(days=start + width))
        assert got.tolist() == _expected(days, start, start + width)
        assert got.dtype == np.intp


def test_known_rows() -> None:
    p = _prepared([31, 0, None, 30, 45, 0])
    # day 30 is 31 January; day 31 is 1 February
    assert p.positions("visits", "visit_date", BASE, date(2026, 1, 31)).tolist() == [1, 3, 5]
    assert p.positions("visits", "visit_date", date(2026, 2, 1),
                       date(2026, 2, 28)).tolist() == [0, 4]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-40000, 40000)), max_size=60),
       st.booleans())
def test_stable_order_is_numpys_stable_argsort(days: list[int | None], with_time: bool) -> None:
    from cfcs_qa.kpi.frames import stable_order

    ns = np.array([np.iinfo(np.int64).min if d is None else d * 86_400 * 10**9
                   + (3_600 * 10**9 if with_time and d % 3 == 0 else 0) for d in days],
                  dtype=np.int64)
    assert stable_order(ns).tolist() == np.argsort(ns, kind="stable").tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(-30000, 100000)), min_size=1, max_size=30),
       st.booleans())
def test_running_max_within_groups(rows: list[tuple[bool, int]], with_time: bool) -> None:
    from cfcs_qa.kpi.continuous import _running_max_within

    new_group = np.array([True] + [b for b, _ in rows[1:]])
    group = np.cumsum(new_group)
    values = np.array([d * 86_400 * 10**9 + (7 if with_time else 0) for _, d in rows],
                      dtype=np.int64).view("datetime64[ns]")
    expected, best = [], 0
    for start, value in zip(new_group, values.view(np.int64).tolist(), strict=True):
        best = value if start else max(best, value)
        expected.append(best)
    assert _running_max_within(values, group).view(np.int64).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | st.integers(-400, 400), max_size=60),
       st.lists(st.none() | st.integers(-400, 400), max_size=60))
def test_date_column_orders_are_stable_sorts_and_skip_columns_in_order(
        a: list[int | None], b: list[int | None]) -> None:
    from cfcs_qa.date_order import date_column_orders

    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    frame = pd.DataFrame({
        "a": pd.Series([None if d is None else BASE + timedelta(days=d) for d in a],
                       dtype="datetime64[us]"),
        "b": pd.Series([None if d is None else BASE + timedelta(days=d) for d in b],
                       dtype="datetime64[ns]"),
        "text": pd.Series(["x"] * n, dtype=object),
    })
    orders = date_column_orders(frame)
    only_b = date_column_orders(frame, columns={"b", "text"})
    assert set(only_b) <= {"b"}
    for name, days in (("a", a), ("b", b)):
        keys = [(-10**9 if d is None else d) for d in days]  # blank (NaT) sorts first
        expected = sorted(range(n), key=lambda i: keys[i])  # Python's sort is stable
        if expected == list(range(n)):  # already in order: no order is kept
            assert name not in orders and name not in only_b
        else:
            assert orders[name].tolist() == expected
            if name == "b":
                assert only_b["b"].tolist() == expected
