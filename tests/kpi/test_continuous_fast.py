"""``continuous`` (one pyarrow sort and numpy scans) gives exactly what the earlier pandas
groupby version gave, kept here as the reference: same rows, same order, same values."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.kpi.frames import ID, continuous


def reference(rows: pd.DataFrame, by: tuple[str, ...] = ("child_id",)) -> pd.DataFrame:
    if rows.empty:
        return rows.assign(_members=pd.Series(dtype="Int64"))
    far = np.datetime64("2262-01-01", "ns")
    f = rows.sort_values([*by, "start_date"], kind="stable").reset_index(drop=True)
    end = f["end_date"].to_numpy(dtype="datetime64[ns]")
    end = np.where(np.isnat(end), far, end)
    keys = f.groupby(list(by), sort=False, dropna=False).ngroup()
    same = (keys == keys.shift()).to_numpy()
    cummax = pd.Series(end).groupby(keys.to_numpy()).cummax().to_numpy()
    prev_max = np.roll(cummax, 1)
    start = f["start_date"].to_numpy(dtype="datetime64[ns]")
    touches = same & (start <= prev_max + np.timedelta64(1, "D"))
    touches[0] = False
    group = np.cumsum(~touches)
    g = pd.Series(group)
    first = f.groupby(group, sort=False).head(1).index
    last = g.drop_duplicates(keep="last").index
    out = f.loc[last].copy().reset_index(drop=True)
    out["start_date"] = f.loc[first, "start_date"].to_numpy()
    max_end = pd.Series(end).groupby(group).max().to_numpy()
    out["end_date"] = pd.Series(np.where(max_end == far, np.datetime64("NaT"), max_end),
                                dtype="datetime64[ns]").to_numpy()
    out[ID] = f.loc[first, ID].to_numpy()
    out["_row"] = f.loc[first, "_row"].to_numpy()
    out["_members"] = g.value_counts(sort=False).sort_index().to_numpy()
    return out


DAY = st.one_of(st.none(), st.integers(0, 40))
ROW = st.tuples(st.sampled_from(["C1", "C2", "C10", "c1", "é", None]),
                st.sampled_from(["K1", "K2", None]), DAY, DAY, st.sampled_from(["a", "b"]))


def _frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    base = np.datetime64("2025-01-01", "ns")

    def day(d: object) -> object:
        return None if d is None else base + np.timedelta64(int(d), "D")  # type: ignore[call-overload]

    return pd.DataFrame({
        "child_id": pd.Series([r[0] for r in rows], dtype="str"),
        "carer_id": pd.Series([r[1] for r in rows], dtype="str"),
        "start_date": pd.Series([day(r[2]) for r in rows], dtype="datetime64[ns]"),
        "end_date": pd.Series([day(r[3]) for r in rows], dtype="datetime64[ns]"),
        "category": pd.Series([r[4] for r in rows], dtype="str"),
        ID: pd.Series([f"R{i}" for i in range(len(rows))], dtype="str"),
        "_row": pd.Series(range(2, len(rows) + 2), dtype="int64"),
    })


@settings(max_examples=200, deadline=None)
@given(st.lists(ROW, max_size=25), st.sampled_from([("child_id",), ("child_id", "carer_id")]))
def test_same_as_the_reference(rows: list[tuple[object, ...]], by: tuple[str, ...]) -> None:
    frame = _frame(rows)
    pd.testing.assert_frame_equal(continuous(frame, by), reference(frame, by))


def test_touching_rows_merge() -> None:
    frame = _frame([("C1", None, 10, None, "b"), ("C1", None, 0, 9, "a"),
                    ("C2", None, 0, 3, "a"), ("C2", None, 5, 6, "b")])
    out = continuous(frame)
    assert out["_members"].tolist() == [2, 1, 1]
    assert out["category"].tolist() == ["b", "a", "b"]
    assert out[ID].tolist() == ["R1", "R2", "R3"]
    assert out["end_date"].isna().tolist() == [True, False, False]


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, max_size=25), st.permutations(["C1", "C2", "C10", "c1", "é", "Z"]))
def test_child_code_sort_is_the_text_sort(rows: list[tuple[object, ...]],
                                          dictionary: list[str]) -> None:
    """With child codes (any dictionary order) and each code's rank in text order, the integer
    sort gives the same records, in the same order, as sorting the ids themselves."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from cfcs_qa.kpi.frames import CODE

    frame = _frame(rows)
    position = {cid: i for i, cid in enumerate(dictionary)}
    codes = [position[r[0]] if r[0] is not None else -1 for r in rows]
    coded = frame.assign(**{CODE: pd.Series(codes, dtype="int32")})
    rank = np.empty(len(dictionary) + 1, dtype=np.int64)
    rank[pc.sort_indices(pa.array(dictionary)).to_numpy()] = np.arange(len(dictionary))
    rank[-1] = len(dictionary)
    expected = continuous(coded)  # no rank: the pyarrow sort of the ids
    pd.testing.assert_frame_equal(continuous(coded, child_rank=rank), expected)
    pd.testing.assert_frame_equal(expected.drop(columns=[CODE]), reference(frame))
