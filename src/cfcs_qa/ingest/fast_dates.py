"""Dates read in bulk: the distinct values of a date column parsed with pyarrow's regex
engine and numpy, so a column of date-times (a million distinct values) costs no Python call
per value.

Only values that plainly satisfy ``parsers.parse_date`` are read here: ASCII digits in one of
its two layouts (ISO ``2026-10-31`` or UK ``31/10/2026``, optionally with a time), a real
day of a real month, a year from 1900, a real time of day. Everything else (including every
invalid value) is handed back, and ``parse_date`` reads it one by one and gives the reason. So
the result is exactly ``parse_date``'s, only faster.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_TIME = r"(?:[ T](?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?)?$"
_ISO = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})" + _TIME
_UK = r"^(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})" + _TIME
NAT = np.datetime64("NaT", "D")


def _ints(parts: pa.StructArray, name: str) -> np.ndarray:
    """One captured group as int64; an empty group (no time given) reads 0."""
    field = parts.field(name)
    filled = pc.if_else(pc.equal(field, ""), "0", field)
    return np.asarray(pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False))


def _read_layout(values: pa.Array, pattern: str) -> tuple[np.ndarray, np.ndarray]:
    """(days, ok) for each value: ok where the value has the layout and is a valid date."""
    n = len(values)
    days = np.full(n, NAT, dtype="datetime64[D]")
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return days, ok
    parts = pc.extract_regex(values, pattern)
    matched = np.asarray(parts.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if not matched.any():
        return days, ok
    sub = parts.filter(pa.array(matched))
    year, month, day = _ints(sub, "y"), _ints(sub, "m"), _ints(sub, "d")
    hour, minute, second = _ints(sub, "H"), _ints(sub, "M"), _ints(sub, "S")
    good = (
        (month >= 1) & (month <= 12) & (year >= 1900) & (day >= 1)
        & (hour <= 23) & (minute <= 59) & (second <= 59)
    )
    safe_month = np.where(good, month, 1)
    first = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (safe_month - 1)
    month_days = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(
        np.int64)
    good &= day <= month_days
    value = first.astype("datetime64[D]") + (np.where(good, day, 1) - 1)
    where = np.flatnonzero(matched)
    days[where[good]] = value[good]
    ok[where[good]] = True
    return days, ok


def read_dates(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Days (datetime64[D]) and a mask of the values read; unread values are for
    ``parse_date`` to read (or reject, with its reason)."""
    values = values.cast(pa.string()) if not pa.types.is_string(values.type) else values
    slash = np.asarray(pc.match_substring(values, "/").to_numpy(zero_copy_only=False),
                       dtype=bool)
    slash &= np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)
    days = np.full(len(values), NAT, dtype="datetime64[D]")
    ok = np.zeros(len(values), dtype=bool)
    for mask, pattern in ((slash, _UK), (~slash, _ISO)):
        if not mask.any():
            continue
        where = np.flatnonzero(mask)
        sub_days, sub_ok = _read_layout(values.take(pa.array(where)), pattern)
        days[where] = sub_days
        ok[where] = sub_ok
    return days, ok
