"""The engine's fast paths give what its plain versions give (``plain_engine``): filters read
straight from column arrays, month rows narrowed to the columns a KPI reads, derived columns
without merges or whole-table scans, distinct children counted by flags."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.calendar import make_calendar
from cfcs_qa.config import Settings
from cfcs_qa.kpi import compute_kpis, load_definitions
from cfcs_qa.kpi.dates import age_many
from cfcs_qa.kpi.derived import ranked_order
from cfcs_qa.kpi.evaluate import distinct_codes
from cfcs_qa.kpi.filters import Window, mask
from cfcs_qa.kpi.frames import Prepared
from cfcs_qa.kpi.key_codes import encode, lookup
from cfcs_qa.kpi.latest import DateRanks, latest_by_key
from cfcs_qa.kpi.model import Filter
from cfcs_qa.kpi.month_rows import count_whole
from cfcs_qa.kpi.open_lookup import open_lookup
from cfcs_qa.kpi.teams import teams_at

from .builders import extract
from .plain_engine import plain_engine, plain_mask
from .plain_engine import teams_at as plain_teams_at
from .test_properties import _random_tables

KSET = load_definitions()
W = Window(date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 10))


def _shuffle_case(tables: dict[str, list[dict[str, Any]]], seed: int) -> None:
    """Text as people type it: some values upper- or title-cased (filters ignore case)."""
    rng = np.random.default_rng(seed)
    for rows in tables.values():
        for row in rows:
            for col, v in row.items():
                if isinstance(v, str) and col != "child_id" and rng.random() < 0.3:
                    row[col] = v.upper() if rng.random() < 0.5 else v.title()


def _both(tables: dict[str, list[dict[str, Any]]], **kw: Any) -> tuple[Any, Any]:
    fast = compute_kpis(extract(date(2026, 7, 15), **tables), Settings(), date(2026, 3, 1),
                        kset=KSET, **kw)
    with plain_engine():
        plain = compute_kpis(extract(date(2026, 7, 15), **tables), Settings(),
                             date(2026, 3, 1), kset=KSET, **kw)
    return fast.to_dict(with_ids=True), plain.to_dict(with_ids=True)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10**6))
def test_every_kpi_by_team_with_ids_and_history_as_plain(seed: int) -> None:
    tables = _random_tables(seed)
    _shuffle_case(tables, seed)
    fast, plain = _both(tables, by_team=True, with_ids=True, history=3)
    assert fast == plain


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 10**6))
def test_findings_detail_as_plain(seed: int) -> None:
    tables = _random_tables(seed)
    _shuffle_case(tables, seed)
    fast, plain = _both(tables, with_ids=True, findings=True)
    assert fast == plain


def test_empty_extract_as_plain() -> None:
    fast, plain = _both({}, by_team=True, with_ids=True, history=2)
    assert fast == plain


DAY = datetime(2026, 3, 15)
TEXT = st.sampled_from(["cp", "CP", "Cp", "cic", "Ünï", "ünï", "", "x y"])
COLUMNS: dict[str, tuple[Any, Any]] = {
    # kind -> (value strategy (None = blank), dtype)
    "text": (st.none() | TEXT, "str"),
    "boolean": (st.none() | st.booleans(), "boolean"),
    "bool": (st.booleans(), bool),
    "float": (st.none() | st.integers(-3, 30).map(float), "float64"),
    "int": (st.integers(-3, 30), "int64"),
    "object_bool": (st.none() | st.booleans(), object),
    "date": (st.none() | st.integers(-40, 40).map(lambda d: DAY + timedelta(days=d)),
             "datetime64[us]"),
}
OPS = ["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "is_null", "not_null", "is_true",
       "is_false", "not_true", "not_false"]
VALUES = st.none() | TEXT | st.integers(-3, 30) | st.floats(-3, 30) | st.booleans() | \
    st.lists(TEXT | st.integers(0, 5), max_size=3) | st.sampled_from(
        ["$ME", "$M1", "$AS_OF", {"ref": "ME", "days": -13}, {"field": "other"}])


@st.composite
def _case(draw: Any) -> tuple[pd.DataFrame, Filter]:
    kind = draw(st.sampled_from(sorted(COLUMNS)))
    values, dtype = COLUMNS[kind]
    n = draw(st.integers(0, 12))
    col = draw(st.lists(values, min_size=n, max_size=n))
    other = draw(st.lists(COLUMNS["date"][0] if kind == "date" else values,
                          min_size=n, max_size=n))
    f = pd.DataFrame({"col": pd.Series(col, dtype=dtype),
                      "other": pd.Series(other, dtype=dtype)})
    op = draw(st.sampled_from(OPS))
    value = draw(VALUES)
    if op in ("in", "not_in") and not isinstance(value, list):
        value = [value]
    return f, Filter(field="col", op=op, value=value, or_null=draw(st.booleans()))


@settings(max_examples=400, deadline=None)
@given(_case())
def test_mask_as_plain(case: tuple[pd.DataFrame, Filter]) -> None:
    f, filt = case
    try:
        want = plain_mask(f, filt, W)
    except (TypeError, ValueError, AttributeError):  # the plain version cannot either
        return
    got = mask(f, filt, W)
    assert got.dtype == bool
    assert got.tolist() == want.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 6), st.none() | st.integers(0, 40)), max_size=40),
       st.lists(st.integers(-1, 7), max_size=20), st.integers(-5, 45))
def test_latest_by_key_is_the_latest_date_on_or_before(rows: list[tuple[int, int | None]],
                                                       wanted: list[int], limit: int) -> None:
    base = np.datetime64("2026-01-01", "ns")
    codes = np.array([c for c, _ in rows], dtype=np.int64)
    dates = np.array([base + np.timedelta64(d, "D") if d is not None else np.datetime64("NaT")
                      for _, d in rows], dtype="datetime64[ns]")
    at = base + np.timedelta64(limit, "D")
    got = latest_by_key(codes, dates).at(np.array(wanted, dtype=np.int64), at)
    for code, value in zip(wanted, got, strict=True):
        mine = [d for c, d in zip(codes, dates, strict=True)
                if c == code and code >= 0 and not np.isnat(d) and d <= at]
        assert (np.isnat(value) and not mine) or value == max(mine)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 9999), max_size=6000))
def test_distinct_codes_counts_as_unique(codes: list[int]) -> None:
    arr = np.array(codes, dtype=np.int32)
    assert distinct_codes(arr, 10000) == len(np.unique(arr))


DAYS = st.none() | st.integers(0, 60)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 5), DAYS, DAYS), max_size=30),
       st.lists(st.tuples(st.integers(-1, 6), DAYS), max_size=20))
def test_open_lookup_as_brute_force(records: list[tuple[int, int | None, int | None]],
                                    asks: list[tuple[int, int | None]]) -> None:
    def day(d: int | None) -> np.datetime64:
        return np.datetime64("NaT") if d is None else np.datetime64("2026-01-01") + d

    codes = np.array([c for c, _, _ in records], dtype=np.int64)
    starts = np.array([day(s) for _, s, _ in records], dtype="datetime64[ns]")
    ends = np.array([day(e) for _, _, e in records], dtype="datetime64[ns]")
    at = np.array([day(d) for _, d in asks], dtype="datetime64[ns]")
    got = open_lookup(codes, starts, ends).open_at(
        np.array([c for c, _ in asks], dtype=np.int64), at)
    for (code, _), when, answer in zip(asks, at, got, strict=True):
        want = code >= 0 and any(
            c == code and s <= when and (np.isnat(e) or e > when)
            for c, s, e in zip(codes, starts, ends, strict=True))
        assert bool(answer) == want


@settings(max_examples=100, deadline=None)
@given(st.lists(st.none() | st.integers(-30000, 30000), max_size=20),
       st.integers(-20000, 30000))
def test_age_at_one_date_as_at_each_row(births: list[int | None], on: int) -> None:
    b = np.array([np.datetime64("NaT") if d is None else np.datetime64("1970-01-01") + d
                  for d in births], dtype="datetime64[ns]")
    when = date(1970, 1, 1) + timedelta(days=on)
    each = np.full(len(b), np.datetime64(when, "ns"))
    assert np.array_equal(age_many(b, when), age_many(b, each), equal_nan=True)


KEYS = st.lists(st.none() | st.sampled_from(["E1", "E2", "e1", "E10", "", "Ü"]), max_size=15)


@settings(max_examples=150, deadline=None)
@given(KEYS, KEYS, st.sampled_from(["str", object]), st.sampled_from(["str", object]))
def test_key_codes_match_like_factorize(keys: list[str | None], asked: list[str | None],
                                        key_dtype: Any, asked_dtype: Any) -> None:
    dictionary, codes = encode(pd.Series(keys, dtype=key_dtype))
    got = lookup(pd.Series(asked, dtype=asked_dtype), dictionary)
    factor, uniques = pd.factorize(pd.Series(keys, dtype=object))
    want = pd.Index(list(uniques), dtype=object).get_indexer(pd.Series(asked, dtype=object))
    # the same value <-> the same code, blanks and strangers -1
    assert [c >= 0 for c in got] == [w >= 0 for w in want]
    assert [keys[list(codes).index(c)] if c >= 0 else None for c in got] == \
        [list(uniques)[w] if w >= 0 else None for w in want]
    assert [c < 0 for c in codes] == [k is None for k in keys]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.none() | st.integers(0, 5), st.none() | st.sampled_from(
    ["9", "10", "2", "c10", "c9", "B", "b", "é"])), max_size=25))
def test_ranked_order_as_pandas_sort(rows: list[tuple[int | None, str | None]]) -> None:
    dates = pd.Series([None if d is None else DAY + timedelta(days=d) for d, _ in rows],
                      dtype="datetime64[us]")
    tiebreak = pd.Series([t for _, t in rows], dtype="str")
    key = tiebreak.astype("str")
    want = pd.DataFrame({"d": dates, "n": key.str.len(), "k": key}).sort_values(
        ["d", "n", "k"], kind="stable").index.tolist()
    assert ranked_order(dates, tiebreak).tolist() == want


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.none() | st.integers(-40, 40), st.none() | st.integers(-40, 40)),
                max_size=30),
       st.sampled_from([
           [("completed_date", "ge", "$M1"), ("completed_date", "le", "$ME")],
           [("completed_date", "le", "$ME"), ("received_date", "le", "$ME"),
            ("completed_date", "ge", {"ref": "M1", "days": 3})],
           [("received_date", "le", "$ME"), ("completed_date", "gt", "$ME")],
           [("completed_date", "ge", "$ME"), ("completed_date", "le", "$M1")]]))
def test_whole_frame_counts_as_plain(rows: list[tuple[int | None, int | None]],
                                     spec: list[tuple[str, str, Any]]) -> None:
    def day(d: int | None) -> date | None:
        return None if d is None else date(2026, 3, 15) + timedelta(days=d)

    contacts = [{"contact_id": f"K{i}", "child_id": "C1", "received_date": day(r),
                 "completed_date": day(c)} for i, (r, c) in enumerate(rows)]
    p = Prepared(extract(date(2026, 7, 15), contacts=contacts), make_calendar([], []),
                 date(2026, 7, 15))
    flt = [Filter(field=f, op=op, value=v) for f, op, v in spec]
    want = int(np.count_nonzero(plain_mask(p.frame("contacts"), flt[0], W) & np.logical_and.reduce(
        [plain_mask(p.frame("contacts"), x, W) for x in flt])))
    assert count_whole(p, "contacts", flt, W) == want


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-400, 400), max_size=20), st.integers(-500, 500),
       st.sampled_from([24, 6, 1]))
def test_date_ranks_count_as_the_distinct_dates(values: list[int], at: int, hours: int) -> None:
    """Whole days are ranked by offset (ranks may stand for days no row has), other times by
    the distinct values: either way a rank's date is the row's, and the ranks before a date
    are exactly those standing for earlier dates."""
    step = hours * 3600 * 10**9
    on = np.array(values, dtype=np.int64) * step
    ranks = DateRanks(on)
    assert np.array_equal(ranks.date(ranks.ranks()), on)
    every = ranks.date(np.arange(1, ranks.width, dtype=np.int64))
    for q in (at * step, at * step + 1, at * step - 1):
        for inclusive in (True, False):
            got = int(ranks.before(np.array([q], dtype=np.int64), inclusive)[0])
            want = int(np.count_nonzero(every <= q if inclusive else every < q))
            assert got == want
            assert np.all(np.diff(every) > 0)


ALLOC = st.tuples(st.sampled_from(["C1", "C2", "C3"]), st.none() | st.integers(0, 12),
                  st.none() | st.integers(0, 15), st.none() | st.sampled_from(["A", "B", "C"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(ALLOC, max_size=14),
       st.lists(st.tuples(st.integers(-1, 3), st.none() | st.integers(-1, 16)), max_size=12))
def test_teams_as_plain(allocs: list[tuple[str, int | None, int | None, str | None]],
                        asks: list[tuple[int, int | None]]) -> None:
    def day(d: int | None) -> date | None:
        return None if d is None else date(2026, 1, 1) + timedelta(days=d)

    rows = [{"child_id": c, "team": t, "worker_id": "W", "start_date": day(s),
             "end_date": day(e)} for c, s, e, t in allocs]
    ex = extract(date(2026, 7, 15), allocations=rows,
                 children=[{"child_id": c} for c in ("C1", "C2", "C3", "C4")])
    p = Prepared(ex, make_calendar([], []), date(2026, 7, 15))
    codes = np.array([c if c < 3 else -1 for c, _ in asks], dtype=np.int32)
    at = np.array([np.datetime64(day(d), "ns") if d is not None else np.datetime64("NaT")
                   for _, d in asks], dtype="datetime64[ns]")
    assert teams_at(p, codes, at).tolist() == plain_teams_at(p, codes, at).tolist()
