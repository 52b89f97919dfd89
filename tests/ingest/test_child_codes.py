"""Child codes: one integer per child id across every table (``ingest/child_codes.py``)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.ingest.child_codes import assign_child_codes, children_ids

IDS = st.one_of(st.none(), st.sampled_from(["1", "2", "10", "007", "A1", "a1", "99"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["1", "2", "10", "A1"]), unique=True),
       st.lists(IDS, max_size=20), st.lists(IDS, max_size=20))
def test_codes_index_the_dictionary_and_equal_ids_share_a_code(
        known: list[str], plans: list[str | None], visits: list[str | None]) -> None:
    frames = {
        "children": pd.DataFrame({"child_id": pd.Series(known, dtype="str")}),
        "cp_plans": pd.DataFrame({"child_id": pd.Series(plans, dtype="str")}),
        "visits": pd.DataFrame({"child_id": pd.Series(visits, dtype="str")}),
        "staff": pd.DataFrame({"worker_id": ["W1"]}),
    }
    ids = assign_child_codes(frames, pa.array(known, type=pa.string()))
    dictionary = ids.ids.to_pylist()
    assert len(set(dictionary)) == len(dictionary) and ids.known == len(known)
    assert dictionary[: len(known)] == known
    assert "_c" not in frames["staff"]
    for name in ("children", "cp_plans", "visits"):
        frame = frames[name]
        for child, code in zip(frame["child_id"].tolist(), frame["_c"].tolist(), strict=True):
            if child is None or child != child:  # blank
                assert code == -1
            else:
                assert dictionary[code] == child
                assert (code < ids.known) == (child in known)


def test_orphans_are_coded_once_in_table_order() -> None:
    frames = {
        "children": pd.DataFrame({"child_id": ["1", "2"]}),
        "cp_plans": pd.DataFrame({"child_id": ["9", "1", "8", "9"]}),
        "visits": pd.DataFrame({"child_id": ["8", None, "7"]}),
    }
    ids = assign_child_codes(frames, children_ids(frames["children"]))
    assert ids.ids.to_pylist() == ["1", "2", "9", "8", "7"]
    assert frames["cp_plans"]["_c"].tolist() == [2, 0, 3, 2]
    assert frames["visits"]["_c"].tolist() == [3, -1, 4]
    assert str(frames["visits"]["_c"].dtype) == "int32"


def test_leading_zeros_and_case_are_different_children() -> None:
    frames = {"children": pd.DataFrame({"child_id": ["7", "a1"]}),
              "visits": pd.DataFrame({"child_id": ["007", "7", "A1", "a1"]})}
    ids = assign_child_codes(frames, children_ids(frames["children"]))
    codes = frames["visits"]["_c"].tolist()
    assert codes[1] == 0 and codes[3] == 1
    assert codes[0] >= ids.known and codes[2] >= ids.known and codes[0] != codes[2]
