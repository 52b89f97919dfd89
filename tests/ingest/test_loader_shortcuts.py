"""Shortcuts the loader takes on large extracts give exactly what the plain way gives: child-id
work done early (while other tables are read), allocations already in order not sorted
again, keys of several parts compared as integers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.config import Settings
from cfcs_qa.ingest import load
from cfcs_qa.ingest.child_work import ChildWork
from cfcs_qa.ingest.columns import Typed
from cfcs_qa.ingest.crosscheck import _emit, _order_by
from cfcs_qa.ingest.rules import _repeats_generic

from .conftest import AS_OF, write

EXTRACT = {
    "children.csv": "child_id,date_of_birth,gender\nC1,01/02/2010,male\nC2,2011-03-04,female\n"
                    "C3,,male\nC1,01/01/2009,male\n,01/01/2012,female\n",
    "contacts.csv": "contact_id,child_id,received_date,completed_date,outcome\n"
                    "K1,C1,05/01/2026,,nfa\nK2,C9,05/01/2026,,nfa\nK3,C2,01/01/2011,,nfa\n"
                    "K4,C1,01/01/2010 10:00,,nfa\nK5,,01/01/2026,,nfa\nK6,C9,01/01/2000,,nfa\n"
                    "K7,C8,01/01/2000,,nfa\nK8,C3,01/01/1990,,nfa\n",
    "allocations.csv": "child_id,team,worker_id,start_date,end_date\n"
                       "C1,MASH,S1,01/01/2026,\nC1,MASH,S1,02/01/2026,03/01/2026\n"
                       "C8,MASH,S1,01/01/2020,\nC9,MASH,S1,01/01/2021,\nC8,MASH,S1,01/02/2020,\n",
    "referrals.csv": "referral_id,child_id,referral_date\nR1,C2,01/01/2005\nR2,C7,01/01/2026\n",
}


NO_ORPHANS = {
    **EXTRACT,
    "allocations.csv": "child_id,team,worker_id,start_date,end_date\n"
                       "C1,MASH,S1,01/01/2026,\nC1,MASH,S7,02/01/2026,03/01/2026\n"
                       "C2,MASH,S2,01/01/2020,\nC2,MASH,,01/02/2020,\nC3,CIC,S1,01/01/2021,\n",
    "staff.csv": "staff_id,role,team\nS1,social_worker,MASH\nS2,team_manager,CIC\n",
    "cin_plans.csv": "plan_id,child_id,start_date\nP1,C1,01/01/2020\nP2,C2,01/01/2021\n",
    "cin_reviews.csv": "review_id,plan_id,child_id,review_date\nV1,P1,C1,01/02/2020\n"
                       "V2,P9,C2,01/02/2021\nV3,,C2,01/03/2021\n",
}


def _everything(folder: Path) -> tuple[object, ...]:
    out = load(folder, Settings(), AS_OF)
    return (out.findings, out.reports, out.child_of_row, out.child_ids.ids.to_pylist(),
            out.child_ids.known, out.tables)


def _assert_same(a: tuple[object, ...], b: tuple[object, ...]) -> None:
    assert a[:5] == b[:5]
    tables_a, tables_b = a[5], b[5]
    assert isinstance(tables_a, dict) and isinstance(tables_b, dict)
    for name, frame in tables_a.items():
        pd.testing.assert_frame_equal(frame, tables_b[name])


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(("files", "expected"), [
    (EXTRACT, {"orphan-child", "before-birth", "overlapping-allocation"}),
    (NO_ORPHANS, {"orphan-reference", "before-birth", "overlapping-allocation"}),
])
def test_child_work_done_early_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int,
    files: dict[str, str], expected: set[str],
) -> None:
    folder = write(tmp_path / "x", files)
    monkeypatch.setattr("cfcs_qa.ingest.loader.TABLE_WORKERS", workers)
    early = _everything(folder)
    codes = {f.code for f in early[0]}  # type: ignore[attr-defined]
    assert expected <= codes
    monkeypatch.setattr(ChildWork, "table_read", lambda self, name, outcome: None)
    _assert_same(_everything(folder), early)


@pytest.mark.parametrize("files", [EXTRACT, NO_ORPHANS])
def test_children_read_last_leaves_the_work_to_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]
) -> None:
    """Tables read before children do their child-id work afterwards, the usual way."""
    folder = write(tmp_path / "x", files)
    monkeypatch.setattr("cfcs_qa.ingest.loader.TABLE_WORKERS", 1)
    plain = _everything(folder)
    from cfcs_qa.ingest import loader

    real = loader._each_table

    def children_last(fn: object, names: list[str], layout: object) -> object:
        order = [n for n in names if n != "children"] + ["children"]
        results = dict(zip(order, real(fn, order, layout), strict=True))
        return [results[n] for n in names]

    monkeypatch.setattr(loader, "_each_table", children_last)
    _assert_same(_everything(folder), plain)


KEYS = st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 3)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(KEYS, st.booleans())
def test_order_by_is_lexsort(keys: list[tuple[int, int]], presorted: bool) -> None:
    if presorted:
        keys = sorted(keys)
    child = np.array([k[0] for k in keys], dtype=np.int64)
    start = np.array([k[1] for k in keys], dtype=np.int64)
    rows = np.arange(2, len(keys) + 2, dtype=np.int64)
    expected = np.lexsort((rows, start, child))
    assert _order_by(child, start, rows).tolist() == expected.tolist()


def _reference_repeats(parts: list[str], typed: Typed) -> tuple[list[int], list[int]]:
    """The earlier pandas version of ``_repeats_generic``."""

    def comparable(name: str) -> pd.Series:
        if name in typed.dates:
            return pd.Series(typed.dates[name]).astype("datetime64[s]")
        if name in typed.numbers:
            values, missing = typed.numbers[name]
            return pd.Series(pd.arrays.IntegerArray(values, missing))
        return pd.Series(typed.strings[name].to_pandas())

    frame = pd.DataFrame({p: comparable(p) for p in parts}).dropna()
    if len(frame) < 2:
        return [], []
    dup = frame.duplicated(keep=False)
    if not dup.any():
        return [], []
    sub = frame[dup]
    first = sub.groupby(parts, sort=False).ngroup()
    firsts = sub.index.to_series().groupby(first.to_numpy()).transform("min")
    index = sub.index.to_numpy()
    return (index[index != firsts.to_numpy()].tolist(),
            firsts.to_numpy()[index != firsts.to_numpy()].tolist())


ID_SETS = (["C1", "C2", "10", None],  # text ids: hashed
           ["7", "10", "0", "12", None],  # plain numbers: coded by number
           ["7", "007", "10", None])  # "007" is not "7": hashed, though equal as numbers


def _sorted_rows(rows: list[tuple[str | None, int | None, int | None]]) -> list[Any]:
    """Rows in key order, as an extract sorted by child and date comes (blanks last)."""
    def key(row: tuple[str | None, int | None, int | None]) -> tuple[Any, ...]:
        child, day = row[0], row[1]
        number = int(child) if child is not None and child.isdigit() else -1
        return (child is None, number, child or "", day is None, day or 0)
    return sorted(rows, key=key)


ROWS = st.sampled_from(ID_SETS).flatmap(lambda ids: st.lists(st.tuples(
    st.sampled_from(ids), st.one_of(st.none(), st.integers(-3, 3)),
    st.one_of(st.none(), st.integers(0, 2))), max_size=14))


@settings(max_examples=500, deadline=None)
@given(ROWS, st.sampled_from([["child_id", "start_date"], ["start_date"], ["year"],
                              ["child_id", "year", "start_date"], ["child_id"]]),
       st.booleans())
def test_repeated_keys_as_the_pandas_reference(
    rows: list[tuple[str | None, int | None, int | None]], parts: list[str], in_order: bool
) -> None:
    if in_order:
        rows = _sorted_rows(rows)
    typed = Typed(n=len(rows))
    typed.strings["child_id"] = pa.array([r[0] for r in rows], type=pa.string())
    typed.dates["start_date"] = np.array(
        [np.datetime64("NaT") if r[1] is None else np.datetime64(r[1], "D") for r in rows],
        dtype="datetime64[D]")
    typed.numbers["year"] = (np.array([r[2] or 0 for r in rows], dtype=np.int64),
                             np.array([r[2] is None for r in rows], dtype=bool))
    later, first = _repeats_generic(parts, typed)
    assert (later.tolist(), first.tolist()) == _reference_repeats(parts, typed)


@pytest.mark.parametrize(("ids", "expected"), [
    (["C2", "C1", "C3"], ["C2", "C1", "C3"]),  # distinct: taken as they are
    (["C2", "C1", "C2", "", "C3"], ["C2", "C1", "C3"]),  # repeats: pyarrow's unique
    (["12", "3", "7"], ["12", "3", "7"]),
])
def test_children_ids_in_first_appearance_order(
    tmp_path: Path, ids: list[str], expected: list[str]
) -> None:
    body = "".join(f"{i},01/02/2010,male\n" for i in ids)
    folder = write(tmp_path / "x", {"children.csv": "child_id,date_of_birth,gender\n" + body})
    out = load(folder, Settings(), AS_OF)
    assert out.child_ids.ids.to_pylist() == expected
    assert out.child_ids.known == len(expected)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-25567, 2932896)), min_size=1, max_size=10))
def test_dates_in_cross_check_findings_as_strftime_writes_them(days: list[int | None]) -> None:
    """Days from 1900-01-01 to 9999-12-31 (and NaT) shown as ``strftime('%Y-%m-%d')``."""
    dates = pd.Series(np.array([np.datetime64("NaT") if d is None else np.datetime64(d, "D")
                                for d in days], dtype="datetime64[D]").astype("datetime64[us]"))
    frame = pd.DataFrame({"start_date": dates, "_row": np.arange(2, len(days) + 2)})
    found = _emit("before-birth", "warning", "allocations", frame, np.ones(len(days), bool),
                  "start_date", frame["start_date"], lambda v, _p: f"{v}")
    expected = [None if v != v else v for v in dates.dt.strftime("%Y-%m-%d").tolist()]
    assert [f.value for f, _child in found] == expected
    assert [f.message for f, _child in found] == [str(v) for v in expected]


def test_findings_ordered_by_their_sort_key() -> None:
    from cfcs_qa.findings import Finding
    from cfcs_qa.ingest.loader import _finding_order

    findings = [Finding.make("x", "warning", "m", table=t, row=r, column=c)
                for t in (None, "visits") for r in (None, 0, 7) for c in (None, "a")]
    assert [_finding_order(f) for f in findings] == [f.sort_key for f in findings]
