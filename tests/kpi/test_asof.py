"""``derived._asof`` (integer keys and one binary search) finds the same right row as
pandas' ``merge_asof`` by child, which it replaced and which is kept here as the reference:
ties on the date go to the right row sorted last, blanks never match."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.ingest.model import Extract
from cfcs_qa.kpi.derived import _asof
from cfcs_qa.kpi.frames import Prepared

BASE = date(2026, 1, 1)
NS = "datetime64[ns]"
ROW = st.tuples(st.sampled_from(["C1", "C2", "C3", None]),
                st.one_of(st.none(), st.integers(0, 12)))


def _frame(rows: list[tuple[str | None, int | None]], tag: str) -> pd.DataFrame:
    return pd.DataFrame({
        "child_id": pd.Series([c for c, _ in rows], dtype="str"),
        "on": pd.Series([None if d is None else BASE + timedelta(days=d) for _, d in rows],
                        dtype="datetime64[us]"),
        "label": [f"{tag}{i}" for i in range(len(rows))],
    })


def _reference(p: Prepared, f: pd.DataFrame, right: pd.DataFrame, exact: bool) -> list:
    left = pd.DataFrame({"_c": p.child_codes(f), "_on": f["on"].to_numpy(dtype=NS),
                         "_i": np.arange(len(f))})
    left = left[left["_on"].notna() & (left["_c"] >= 0)].sort_values("_on", kind="stable")
    r = pd.DataFrame({"_c": p.child_codes(right), "_on": right["on"].to_numpy(dtype=NS),
                      "_v": right["label"].to_numpy()})
    r = r[r["_on"].notna() & (r["_c"] >= 0)].sort_values("_on", kind="stable")
    out: list = [None] * len(f)
    if left.empty or r.empty:
        return out
    m = pd.merge_asof(left, r, on="_on", by="_c", allow_exact_matches=exact)
    for i, v in zip(m["_i"], m["_v"], strict=True):
        out[int(i)] = None if pd.isna(v) else v
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, max_size=10), st.lists(ROW, max_size=10), st.booleans())
def test_same_rows_as_merge_asof(left_rows: list, right_rows: list, exact: bool) -> None:
    left, right = _frame(left_rows, "L"), _frame(right_rows, "R")
    extract = Extract(tables={"children": pd.DataFrame({"child_id": ["C1", "C2"]}),
                              "visits": left, "contacts": right},
                      reports={}, findings=[], as_of=BASE)
    p = Prepared(extract=extract, calendar=None, as_of=BASE)  # type: ignore[arg-type]
    f, r = p.extract.get("visits"), p.extract.get("contacts")
    got = _asof(p, f, f["on"], r, r["on"], allow_exact=exact, value=r["label"]).tolist()
    assert got == _reference(p, f, r, exact)
