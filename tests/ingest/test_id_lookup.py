"""``IdLookup`` finds ids exactly as text comparison would, on both of its paths."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.ingest.id_lookup import IdLookup

IDS = st.one_of(
    st.integers(0, 10**6).map(str),
    st.sampled_from(["0", "00", "01", "+1", "-1", "1.0", " 1", "A1", "", "99999999999999999999"]),
)


def _expected(known: list[str], values: list[str | None]) -> list[int]:
    where = {k: i for i, k in enumerate(known)}
    return [where.get(v, -1) if v is not None else -1 for v in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(IDS, unique=True), st.lists(st.one_of(st.none(), IDS), max_size=40))
def test_positions_match_text_comparison(known: list[str], values: list[str | None]) -> None:
    lookup = IdLookup(pa.array(known, type=pa.string()))
    assert lookup.positions(pa.array(values, type=pa.string())).tolist() == _expected(
        known, values)


def test_plain_numbers_far_apart_and_close_together() -> None:
    for known in (["5", "100303", "9" * 18], [str(100000 + i) for i in range(50)]):
        values = [*known[::-1], "0100303", "100302", None, "+5"]
        lookup = IdLookup(pa.array(known, type=pa.string()))
        assert lookup.positions(pa.array(values, type=pa.string())).tolist() == _expected(
            known, values)


def test_every_id_plain_and_known() -> None:
    """The usual column (every id a plain number the children file holds) and one blank or
    unknown id among them: the same positions either way."""
    known = [str(100000 + 3 * i) for i in range(400)] + ["1000001"]
    values = known[::-1] * 3
    lookup = IdLookup(pa.array(known, type=pa.string()))
    for extra in ([], [None], ["100001"], ["1000002"], ["99999"]):
        got = lookup.positions(pa.array(values + extra, type=pa.string())).tolist()
        assert got == _expected(known, values + extra)


@settings(max_examples=200, deadline=None)
@given(st.lists(IDS, min_size=2, max_size=40))
def test_repeats_found_whatever_the_keys(keys: list[str]) -> None:
    from cfcs_qa.ingest.uniques import repeats

    later, first = repeats(pa.array(keys, type=pa.string()))
    seen: dict[str, int] = {}
    expected_later, expected_first = [], []
    for i, k in enumerate(keys):
        if k in seen:
            expected_later.append(i)
            expected_first.append(seen[k])
        else:
            seen[k] = i
    assert sorted(zip(later.tolist(), first.tolist(), strict=True)) == list(
        zip(expected_later, expected_first, strict=True))


def test_ascending_keys_are_distinct_and_a_repeat_among_them_is_found() -> None:
    from cfcs_qa.ingest.uniques import repeats

    ascending = [str(21784047 + i) for i in range(1000)]
    later, first = repeats(pa.array(ascending, type=pa.string()))
    assert later.tolist() == first.tolist() == []
    with_repeat = [*ascending[:500], ascending[499], *ascending[500:]]
    later, first = repeats(pa.array(with_repeat, type=pa.string()))
    assert (later.tolist(), first.tolist()) == ([500], [499])


WORDS = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F), max_size=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, min_size=2, max_size=30))
def test_ascending_keys_of_one_width_read_as_distinct_only_when_they_are(
        keys: list[str]) -> None:
    """Keys of one byte width, sorted: the byte comparison says "distinct" exactly when no
    two are equal; unsorted or of several widths, it never says so (the sort decides)."""
    from cfcs_qa.ingest.uniques import _ascending_of_one_width, repeats

    width = max(len(k.encode()) for k in keys)
    same = sorted({k.encode().ljust(width, b"x").decode() for k in keys}, key=str.encode)
    for candidate in (same, [*same, same[-1]], same[::-1], keys):
        arr = pa.array(candidate, type=pa.string())
        widths = {len(k.encode()) for k in candidate}
        pairs = zip(candidate[:-1], candidate[1:], strict=True)
        ordered = all(a.encode() < b.encode() for a, b in pairs)
        expected = len(widths) == 1 and 0 < width <= 8 and ordered
        assert _ascending_of_one_width(arr) is expected
        later, _first = repeats(arr)
        assert len(later) == len(candidate) - len(set(candidate))


@pytest.mark.parametrize("known", [["10", "11", "12"], ["10", "P1", "11", "12"]])
def test_orphan_references_are_text_that_matches_no_id(known: list[str]) -> None:
    """A reference is an orphan when its text equals no id of the table it names: "010" is
    not "10", a blank is no reference at all; numbers or not, the answer is the same."""
    import pandas as pd

    from cfcs_qa.ingest.crosscheck import reference_checks

    frame = pd.DataFrame({
        "plan_id": pd.array(["10", "010", None, "11", "x", "12"], dtype="str"),
        "child_id": pd.array(["1", "1", "2", "2", "3", "3"], dtype="str"),
        "_row": [2, 3, 4, 5, 6, 7],
    })
    found = reference_checks("cin_reviews", frame, pa.array(known, type=pa.string()))
    assert [(f.row, f.value, child) for f, child in found] == [(3, "010", "1"), (6, "x", "3")]
