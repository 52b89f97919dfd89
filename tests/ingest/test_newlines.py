"""The numpy newline count agrees with ``bytes.count``, whatever the slice size."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cfcs_qa.ingest.csv_reader import newlines


@given(st.binary(max_size=200), st.integers(0, 210), st.integers(1, 50))
def test_agrees_with_bytes_count(data: bytes, start: int, step: int) -> None:
    assert newlines(data, start, step) == data.count(b"\n", start)


def test_default_slices() -> None:
    data = b"a\nb\n\n" * 1000 + b"tail"
    assert newlines(data, 3) == data.count(b"\n", 3)
    assert newlines(b"") == 0
