"""The numpy byte scans agree with ``bytes.count`` and ``np.flatnonzero``, whatever the slice
size."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cfcs_qa.ingest.csv_reader import newlines
from cfcs_qa.ingest.file_bytes import byte_positions


@given(st.binary(max_size=200), st.integers(0, 210), st.integers(1, 50))
def test_agrees_with_bytes_count(data: bytes, start: int, step: int) -> None:
    assert newlines(data, start, step) == data.count(b"\n", start)


def test_default_slices() -> None:
    data = b"a\nb\n\n" * 1000 + b"tail"
    assert newlines(data, 3) == data.count(b"\n", 3)
    assert newlines(b"") == 0


@given(st.binary(max_size=200), st.sampled_from([10, 34, 0]), st.integers(1, 50))
def test_byte_positions_agree_with_flatnonzero(data: bytes, byte: int, step: int) -> None:
    view = np.frombuffer(data, dtype=np.uint8)
    got = byte_positions(view, byte, step)
    assert got.dtype == np.int64
    assert got.tolist() == np.flatnonzero(view == byte).tolist()


def test_byte_positions_in_default_slices() -> None:
    data = (b'a,"b\nc"\n' * 50_000) + b"end"
    view = np.frombuffer(data, dtype=np.uint8)
    assert byte_positions(view, 10).tolist() == np.flatnonzero(view == 10).tolist()
    assert len(byte_positions(view[:0], 10)) == 0
