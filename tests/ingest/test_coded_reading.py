"""Coded columns read dictionary-encoded by pyarrow's CSV reader, and date-time columns read
without a dictionary, give exactly what the per-distinct-value path gives: the same text,
days, findings (values, messages, rows) and frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfcs_qa.config import Settings
from cfcs_qa.ingest import load
from cfcs_qa.ingest.columns import _dates
from cfcs_qa.ingest.csv_reader import CsvFile
from cfcs_qa.ingest.sink import Sink
from cfcs_qa.ingest.uniques import stripped, trimmed_coded, written_plainly

from .conftest import AS_OF, write

SPACES = ["", " ", "  ", "\t", "\u00a0", "\x1c", "\u2003"]
WORDS = ["Y", "n", "yes", "cp", "CIC", "x", "é", "", "31/10/2026", "2026-10-31 09:15",
         "1/2/2026", "30/02/2026", "2026-13-01", "31/10/26", "46326", "12/10/2026T10:00"]
CELLS = st.tuples(st.sampled_from(SPACES), st.sampled_from(WORDS),
                  st.sampled_from(SPACES)).map("".join)


def _as_dictionary(values: list[str], chunks: int) -> pa.Array:
    """``values`` dictionary-encoded as the CSV reader gives them: each block encoded on its
    own, then joined (one dictionary, unified)."""
    size = max(1, -(-len(values) // chunks))
    parts = [pa.array(values[i:i + size], type=pa.string()).dictionary_encode()
             for i in range(0, len(values), size)]
    return pa.chunked_array(parts).combine_chunks()


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=40), st.integers(1, 4))
def test_a_dictionary_trims_as_the_plain_column(values: list[str], chunks: int) -> None:
    plain = pa.array(values, type=pa.string())
    expected = trimmed_coded(plain).to_pylist()
    assert trimmed_coded(_as_dictionary(values, chunks)).to_pylist() == expected
    assert stripped(plain).to_pylist() == expected
    assert stripped(plain.slice(1)).to_pylist() == expected[1:]


ASCII_CELLS = st.text(alphabet=st.sampled_from(list("aY1/ ") + ["\t", "\n", "\r", "\x0b", "\x0c",
                                                             "\x1c", "\x1f", "\x7f", "-"]),
                      max_size=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(CELLS, ASCII_CELLS), min_size=1, max_size=30))
def test_trimmed_coded_strips_as_python_does(values: list[str]) -> None:
    expected = [v.strip() or None for v in values]
    assert trimmed_coded(pa.array(values, type=pa.string())).to_pylist() == expected
    assert stripped(pa.array(values, type=pa.string())).to_pylist() == expected


def _date_outcome(arr: pa.Array) -> tuple[list[object], list[tuple[object, ...]], list[bool]]:
    sink = Sink("contacts", np.arange(2, len(arr) + 2))
    reject = np.zeros(len(arr), dtype=bool)
    days = _dates("received_date", arr, sink, reject)  # in the frames' microseconds
    found = [(f.row, f.value, f.message) for f in sink.findings]
    return days.astype("datetime64[D]").tolist(), found, reject.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=40))
def test_dates_read_row_by_row_as_by_distinct_value(values: list[str]) -> None:
    plain = pa.array(values, type=pa.string())
    by_distinct = _date_outcome(trimmed_coded(plain))
    assert _date_outcome(stripped(plain)) == by_distinct
    assert _date_outcome(trimmed_coded(_as_dictionary(values, 3))) == by_distinct


def test_written_plainly_is_digit_count_equals_length() -> None:
    numbers = [0, 7, 10, 99, 100, 123456, 10**17, 10**18 - 1, 10**18, 2**63 - 1, -1, -10]
    for number in numbers:
        for length in range(0, 22):
            plain = str(number) if number >= 0 else None
            expected = plain is not None and len(plain) == length
            got = written_plainly(np.array([number], dtype=np.int64), np.array([length]))
            assert bool(got[0]) == expected, (number, length)


def test_written_plainly_ids_of_many_widths() -> None:
    """Ids of several widths, some with a leading zero, a sign or blank (-1): each answered
    on its own, as ``str(n) == text`` would."""
    rng = np.random.default_rng(3)
    numbers = np.concatenate([rng.integers(-5, 10**7, 200_000),
                              [0, 9, 10, 10**18 - 1, 10**18, 2**63 - 1, -1]])
    texts = [("0" + str(n) if i % 3 == 0 else "+" + str(n) if i % 7 == 0 else str(n))
             for i, n in enumerate(numbers.tolist())]
    length = np.array([len(t) for t in texts], dtype=np.int32)
    expected = [n >= 0 and str(n) == t for n, t in zip(numbers.tolist(), texts, strict=True)]
    assert written_plainly(numbers, length).tolist() == expected
    assert written_plainly(numbers[:0], length[:0]).tolist() == []


@given(st.lists(st.tuples(st.integers(-(2**63), 2**63 - 1), st.sampled_from(["", "0", "+", "-"])),
                min_size=1, max_size=30))
def test_written_plainly_is_text_equality(items: list[tuple[int, str]]) -> None:
    """Any mix of numbers and spellings: plain exactly when the text is ``str(n)``."""
    numbers = np.array([n for n, _ in items], dtype=np.int64)
    texts = [prefix + str(n) for n, prefix in items]
    length = np.array([len(t) for t in texts], dtype=np.int64)
    expected = [str(n) == t and n >= 0 for n, t in zip(numbers.tolist(), texts, strict=True)]
    assert written_plainly(numbers, length).tolist() == expected


COLUMNS = "contact_id,child_id,received_date,completed_date,outcome\n"


def _contacts(rows: list[tuple[str, str, str]]) -> str:
    return COLUMNS + "".join(
        f"K{i},C{1 + i % 3},{received},{completed},{outcome}\n"
        for i, (received, completed, outcome) in enumerate(rows)
    )


def _loaded(folder: Path) -> tuple[object, ...]:
    out = load(folder, Settings(), AS_OF)
    return out.findings, out.reports, out.child_of_row, out.tables


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> None:
    assert a[:3] == b[:3]
    tables_a, tables_b = a[3], b[3]
    assert isinstance(tables_a, dict) and isinstance(tables_b, dict)
    assert tables_a.keys() == tables_b.keys()
    for name, frame in tables_a.items():
        pd.testing.assert_frame_equal(frame, tables_b[name])


CHILDREN = "child_id,date_of_birth,gender,disability\nC1,01/02/2010,Male,Y\nC2,x,male,\n"
FIELD = st.tuples(st.sampled_from(SPACES[:3]), st.sampled_from(WORDS),
                  st.sampled_from(SPACES[:3])).map("".join).filter(lambda t: "," not in t)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(FIELD, FIELD, FIELD), min_size=1, max_size=30))
def test_loading_coded_equals_loading_plain(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]
) -> None:
    folder = write(tmp_path_factory.mktemp("x"), {
        "children.csv": CHILDREN, "contacts.csv": _contacts(rows)})
    coded = _loaded(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CsvFile, "_repetitive", lambda self, coded, width: set())
        _same(_loaded(folder), coded)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(*[st.sampled_from(["", '""', " ", "NA", "NULL", "N/A", "nan", "-",
                                             "31/10/2026", "nfa"])] * 3),
                min_size=1, max_size=12))
def test_empty_cells_read_by_pyarrow_as_by_the_csv_module(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]
) -> None:
    """pyarrow reads an empty cell as null and every other spelling ("NA", "NULL", a quoted
    empty string) as text: the same findings, reports and frames as Python's csv module."""
    folder = write(tmp_path_factory.mktemp("x"), {
        "children.csv": CHILDREN, "contacts.csv": _contacts(rows)})
    fast = _loaded(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CsvFile, "_read_arrow", lambda self, positions, width, coded: None)
        _same(_loaded(folder), fast)


def test_a_large_file_codes_only_its_repetitive_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the sample size, a column of nearly all different values (date-times) is read
    plain and a repetitive one dictionary-encoded; the result is the same either way."""
    rows = [(f"{1 + i % 28:02d}/10/2026 {i % 24:02d}:{i % 60:02d}",
             " 31/10/2026" if i % 7 else "", "nfa" if i % 3 else " Referral ")
            for i in range(3000)]
    rows[5] = ("2026-02-30 10:00", "bad", "maybe")
    folder = write(tmp_path / "x", {"children.csv": CHILDREN, "contacts.csv": _contacts(rows)})
    plain = CsvFile(folder / "contacts.csv", 0)
    monkeypatch.setattr("cfcs_qa.ingest.csv_reader.SAMPLE", 4096)
    assert plain._repetitive({2, 3, 4}, 5) == {3, 4}
    raw = plain.read([0, 1, 2, 3, 4], {2, 3, 4})
    assert pa.types.is_string(raw.columns[2].type)
    assert pa.types.is_dictionary(raw.columns[3].type)
    coded = _loaded(folder)
    monkeypatch.setattr(CsvFile, "_repetitive", lambda self, coded, width: set())
    _same(_loaded(folder), coded)
    assert any(f.code == "invalid-date" for f in coded[0])  # type: ignore[attr-defined]


def test_written_plainly_ids_of_one_width() -> None:
    """Every text of one length (the usual ids): the same answers without a lookup per value
    ("100303", "010303" and "-10303" are all six characters)."""
    numbers = np.array([100303, 10303, -10303, 999999], dtype=np.int64)
    assert written_plainly(numbers, np.full(4, 6)).tolist() == [True, False, False, True]
