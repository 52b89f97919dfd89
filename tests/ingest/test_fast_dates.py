"""The bulk date reader agrees with ``parse_date`` value for value: whatever it reads, it
reads to the same day, and it never reads a value ``parse_date`` rejects."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.ingest.fast_dates import _read_regex, read_dates
from cfcs_qa.ingest.parsers import parse_date

PIECES = st.sampled_from(["", "0", "1", "2", "9", "12", "13", "29", "30", "31", "02", "00",
                          "1899", "1900", "2000", "2024", "2026", "2100", "0999", "23", "24",
                          "59", "60", "٣"])
SEPS = st.sampled_from(["/", "-", " ", "T", ":", ".", ""])


@st.composite
def date_like(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(PIECES, SEPS), min_size=1, max_size=7))
    return "".join(p + s for p, s in parts)


def _check(texts: list[str]) -> None:
    days, ok = read_dates(pa.array(texts, type=pa.string()))
    for text, day, read in zip(texts, days, ok, strict=True):
        value, reason = parse_date(text)
        if read:
            assert reason is None, text
            assert day == np.datetime64(value, "D"), text


def test_known_values() -> None:
    texts = ["31/10/2026", "2026-10-31", "1/2/2026 9:05", "30/02/2026 10:00", "29/02/2024",
             "29/02/2026", "2026-02-29", "01/02/2026 24:00", "01/02/2026 23:60",
             "01/02/1899", "2026-13-01", "13/13/2026", "2026-10-31T23:59:59.5",
             "31/12/1900 00:00:00", "20261031", "31/10/26"]
    days, ok = read_dates(pa.array(texts, type=pa.string()))
    assert ok.tolist() == [True, True, True, False, True, False, False, False, False, False,
                           False, False, True, True, False, False]
    assert str(days[2]) == "2026-02-01"
    _check(texts)


@settings(max_examples=300, deadline=None)
@given(st.lists(date_like(), min_size=1, max_size=30))
def test_agrees_with_parse_date(texts: list[str]) -> None:
    _check(texts)


FIXED_CHARS = st.sampled_from(list("0123456789") * 4 + ["/", "-", " ", "T", ":", "٣", "a"])


@st.composite
def fixed_like(draw: st.DrawFn) -> str:
    """Mostly the exact layouts read by byte position, with a character or two changed."""
    template = draw(st.sampled_from(["2026-10-31", "31/10/2026", "2026-10-31 23:59",
                                     "31/10/2026T23:59", "2026-10-31 23:59:59",
                                     "31/10/2026 23:59:59"]))
    chars = list(template)
    for i, ch in enumerate(chars):
        if ch.isdigit():
            chars[i] = draw(st.sampled_from("0123456789"))
    for _ in range(draw(st.integers(0, 2))):
        chars[draw(st.integers(0, len(chars) - 1))] = draw(FIXED_CHARS)
    return "".join(chars)


@settings(max_examples=300, deadline=None)
@given(st.lists(fixed_like(), min_size=1, max_size=30))
def test_fixed_layouts_read_as_the_regex_reads_them(texts: list[str]) -> None:
    values = pa.array(texts, type=pa.string())
    days, ok = read_dates(values)
    regex_days, regex_ok = _read_regex(values)
    assert ok.tolist() == regex_ok.tolist()
    assert days[ok].tolist() == regex_days[regex_ok].tolist()
    _check(texts)


def test_fixed_layouts_known_values() -> None:
    texts = ["31/02/2026", "29/02/2024 10:00", "2026-02-29", "01/01/1899", "2026-10-31T24:00",
             "2026-10-31 23:59:60", "31/10/2026 23:59:59", "0000-01-01", None, "3١/10/2026"]
    days, ok = read_dates(pa.array(texts, type=pa.string()))
    assert ok.tolist() == [False, True, False, False, False, False, True, False, False, False]
    assert str(days[1]) == "2024-02-29" and str(days[6]) == "2026-10-31"


def test_every_day_from_1900_to_2199_and_no_other() -> None:
    from datetime import date, timedelta

    from cfcs_qa.ingest.fast_dates import _days_of

    days = [date(1900, 1, 1) + timedelta(days=i) for i in range((date(2200, 1, 1)
                                                                  - date(1900, 1, 1)).days)]
    y, m, d = (np.array([getattr(x, f) for x in days]) for f in ("year", "month", "day"))
    zero = np.zeros(len(days), dtype=np.int64)
    value, good = _days_of(y, m, d, zero, zero, zero)
    assert good.all() and (value == np.array(days, dtype="datetime64[D]")).all()
    # 29 February only in leap years; day 0, day 32, month 13, year 1899 never
    y = np.array([1900, 2000, 2100, 2024, 2026, 2026, 2026, 2026, 1899])
    m = np.array([2, 2, 2, 2, 4, 1, 1, 13, 12])
    d = np.array([29, 29, 29, 29, 31, 0, 32, 1, 31])
    zero = np.zeros(len(y), dtype=np.int64)
    assert _days_of(y, m, d, zero, zero, zero)[1].tolist() == [
        False, True, False, True, False, False, False, False, False]
