"""``overlapping_allocations`` (integer scans over child codes) finds exactly what the
earlier pandas groupby version found, kept here as the reference."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.ingest.child_codes import assign_child_codes, children_ids
from cfcs_qa.ingest.crosscheck import overlapping_allocations

BASE = date(1965, 12, 20)  # windows cross 1970, where day numbers change sign


def _reference(frame: pd.DataFrame) -> list[tuple[int, str]]:
    order = frame.sort_values(["child_id", "start_date", "_row"], kind="stable")
    child = order["child_id"]
    end = order["end_date"].fillna(np.datetime64("9999-12-31", "us"))
    running = end.groupby(child, sort=False).cummax()
    open_until = running.groupby(child, sort=False).shift(1)
    holder = order["_row"].where(end == running).groupby(child, sort=False).ffill()
    holder_before = holder.groupby(child, sort=False).shift(1)
    overlap = (order["start_date"] < open_until).to_numpy(dtype=bool, na_value=False)
    rows = order["_row"].to_numpy()[overlap].tolist()
    others = holder_before.to_numpy()[overlap].tolist()
    return sorted((int(r), f"row {int(o)}") for r, o in zip(rows, others, strict=True))


ALLOCATION = st.tuples(st.sampled_from(["C1", "C2", "C3"]), st.integers(0, 30),
                       st.one_of(st.none(), st.integers(0, 12)))


@settings(max_examples=300, deadline=None)
@given(st.lists(ALLOCATION, max_size=14))
def test_same_overlaps_as_the_groupby_reference(allocations: list[tuple[str, int, int | None]]
                                                ) -> None:
    starts = [BASE + timedelta(days=s) for _, s, _ in allocations]
    ends = [None if e is None else start + timedelta(days=e)
            for (_, _, e), start in zip(allocations, starts, strict=True)]
    frame = pd.DataFrame({
        "child_id": pd.Series([c for c, _, _ in allocations], dtype="str"),
        "team": "A",
        "start_date": pd.Series(starts, dtype="datetime64[us]"),
        "end_date": pd.Series(ends, dtype="datetime64[us]"),
        "_row": np.arange(2, len(allocations) + 2),
    })
    frames = {"children": pd.DataFrame({"child_id": ["C1", "C2"]}), "allocations": frame}
    assign_child_codes(frames, children_ids(frames["children"]))  # C3 is an orphan
    found = sorted((f.row, f.message.split("allocation on ")[1].split(" is")[0])
                   for f, _ in overlapping_allocations(frames["allocations"]))
    assert found == _reference(frame)
