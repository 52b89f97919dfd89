"""Key codes stand for equality of the ids' text, whichever way they are made: through a
table indexed by the number (plain numbered ids), pyarrow's hashing, or pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.kpi.key_codes import NumberedIds, encode, lookup

NUMBERED = st.integers(0, 3000).map(str)
ODD = st.sampled_from(["007", "0", "00", "+5", "5.0", " 5", "A1", "9" * 19, "-3", "", "٣"])
IDS = st.lists(st.none() | NUMBERED, max_size=40)
MIXED = st.lists(st.none() | NUMBERED | ODD, max_size=40)


def _series(values: list[str | None], arrow: bool = True) -> pd.Series:
    return pd.Series(values, dtype="str" if arrow else object)


def _check(values: list[str | None], probes: list[str | None], arrow: bool) -> None:
    dictionary, codes = encode(_series(values, arrow))
    assert codes.dtype == np.int64 and len(codes) == len(values)
    distinct = {v for v in values if v is not None}
    assert len(dictionary) == len(distinct)
    code_of: dict[str, int] = {}
    for value, code in zip(values, codes.tolist(), strict=True):
        if value is None:
            assert code == -1
        else:
            assert 0 <= code < len(dictionary)
            assert code_of.setdefault(value, code) == code  # equal text, same code
    assert len(set(code_of.values())) == len(code_of)  # different text, different codes
    for arrow_probe in (True, False):
        found = lookup(_series(probes, arrow_probe), dictionary).tolist()
        assert found == [-1 if p is None else code_of.get(p, -1) for p in probes]


@settings(max_examples=300, deadline=None)
@given(IDS, MIXED)
def test_numbered_ids(values: list[str | None], probes: list[str | None]) -> None:
    _check(values, probes, arrow=True)


@settings(max_examples=300, deadline=None)
@given(MIXED, MIXED, st.booleans())
def test_any_ids(values: list[str | None], probes: list[str | None], arrow: bool) -> None:
    _check(values, probes, arrow=arrow)


def test_plain_numbers_take_the_table_and_others_do_not() -> None:
    assert isinstance(encode(_series(["12", "9", None, "12"]))[0], NumberedIds)
    for values in (["12", "012"], ["12", "A"], [None, None], ["1", str(10**15)]):
        assert not isinstance(encode(_series(values))[0], NumberedIds), values
    dictionary, codes = encode(_series(["9097214", "9096767", None, "9097214"]))
    assert codes.tolist() == [1, 0, -1, 1]
    assert lookup(_series(["9096767", "09096767", "x", None, "9097214"]), dictionary
                  ).tolist() == [0, -1, -1, -1, 1]
