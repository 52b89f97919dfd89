"""The shortcuts in ``uniques`` (skip trimming when no value can change; skip the Excel
``123.0`` rewrite when no value has a dot) give exactly what the full pyarrow kernels give,
on sliced arrays too."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.ingest.uniques import _EXCEL_WHOLE, key_text, trimmed

PIECES = st.sampled_from(["A1", "12", "123.0", "x", " ", "\t", "\u00a0", "é", "", ".", "7 "])
VALUES = st.one_of(st.none(), st.lists(PIECES, max_size=4).map("".join))


def _reference_trimmed(arr: pa.Array) -> pa.Array:
    text = pc.utf8_trim_whitespace(arr)
    blank = pc.equal(pc.binary_length(text), 0)
    return pc.if_else(blank, pa.scalar(None, pa.string()), text)


@settings(max_examples=300, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=12), st.integers(0, 3))
def test_trimmed_and_key_text_equal_the_full_kernels(values: list[str | None], cut: int) -> None:
    arr = pa.array(values, type=pa.string())
    arr = arr.slice(min(cut, len(arr) - 1))  # a non-zero offset into the buffers
    assert trimmed(arr).to_pylist() == _reference_trimmed(arr).to_pylist()
    expected = pc.replace_substring_regex(arr, _EXCEL_WHOLE, r"\1")
    assert key_text(arr).to_pylist() == expected.to_pylist()


def test_plain_values_are_returned_as_they_are() -> None:
    arr = pa.array(["A1", "B2", None], type=pa.string())
    assert trimmed(arr).to_pylist() == ["A1", "B2", None]
    assert key_text(pa.array(["12", "123.0"])).to_pylist() == ["12", "123"]


def test_edges_are_judged_plain_without_looking_at_each_value() -> None:
    """Ids and codes (no space or control character anywhere) are plain at once; text with
    spaces inside only is plain by its values' edges; a space or tab at an edge is not."""
    from cfcs_qa.ingest.uniques import _edges_plain

    assert _edges_plain(pa.array(["100303", "21784047", None, ""]))
    assert _edges_plain(pa.array(["Assessment Team", "MASH"]))
    assert _edges_plain(pa.array(["x", " Assessment Team", "MASH"]).slice(2))
    assert not _edges_plain(pa.array(["MASH", "Assessment Team "]))
    assert not _edges_plain(pa.array(["\tMASH"]))
