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

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..civil import days_from_civil, month_days
from .uniques import string_layout

_TIME = r"(?:[ T](?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?)?$"
_ISO = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})" + _TIME
_UK = r"^(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})" + _TIME
NAT = np.datetime64("NaT", "D")


def _ints(parts: pa.StructArray, name: str) -> np.ndarray:
    """One captured group as int64; an empty group (no time given) reads 0."""
    field = parts.field(name)
    filled = pc.if_else(pc.equal(field, ""), "0", field)
    return np.asarray(pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False))


def _days_of(year: np.ndarray, month: np.ndarray, day: np.ndarray, hour: np.ndarray,
             minute: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(days, good): good where the fields make a real day (year from 1900) and time.
    Integer work only: years up to 9999 (every year of four digits) look up the first day
    and length of their month in a table; later ones use ``civil``'s arithmetic."""
    good = (
        (month >= 1) & (month <= 12) & (year >= _FIRST_YEAR) & (day >= 1)
        & (hour <= 23) & (minute <= 59) & (second <= 59)
    )
    if len(year) and int(year.max()) > _LAST_YEAR:
        m = np.where(good, month, 1)
        y = np.where(good, year, 1970)
        good &= day <= month_days(y, m)
        value = days_from_civil(y, m, np.where(good, day, 1))
        return value.astype("datetime64[D]"), good
    first, length = _month_table()
    slot = np.where(good, (year - _FIRST_YEAR) * 12 + month - 1, 0)
    good &= day <= length[slot]
    days: np.ndarray = (first[slot] + day - 1).astype("datetime64[D]")
    return days, good


_FIRST_YEAR, _LAST_YEAR = 1900, 9999


@cache
def _month_table() -> tuple[np.ndarray, np.ndarray]:
    """Day number of the 1st, and length, of every month from 1900 to 9999 (by
    ``(year - 1900) * 12 + month - 1``)."""
    years = np.repeat(np.arange(_FIRST_YEAR, _LAST_YEAR + 1, dtype=np.int64), 12)
    months = np.tile(np.arange(1, 13, dtype=np.int64), _LAST_YEAR - _FIRST_YEAR + 1)
    return days_from_civil(years, months, np.ones_like(years)), month_days(years, months)


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
    value, good = _days_of(_ints(sub, "y"), _ints(sub, "m"), _ints(sub, "d"),
                           _ints(sub, "H"), _ints(sub, "M"), _ints(sub, "S"))
    where = np.flatnonzero(matched)
    days[where[good]] = value[good]
    ok[where[good]] = True
    return days, ok


_FIXED = {
    10: ("yyyy-mm-dd", "dd/mm/yyyy"),
    16: ("yyyy-mm-dd HH:MM", "dd/mm/yyyy HH:MM"),
    19: ("yyyy-mm-dd HH:MM:SS", "dd/mm/yyyy HH:MM:SS"),
}
"""The layouts exports almost always use, every field at a fixed position (two-digit day and
month; `` `` or ``T`` before the time). A value of exactly such a layout matches the regex
layout too, with the same fields, so reading it by position gives the regex path's answer."""
_DIGIT = frozenset("ymdHMS")


def _matches(columns: np.ndarray, digits: np.ndarray, template: str) -> np.ndarray:
    """Which values (``columns[i]``: every value's i-th byte; ``digits``: the same minus
    ``"0"``) are laid out as ``template``: a digit where it has a letter, `` `` or ``T``
    where it has a space, its own character elsewhere."""
    match = np.ones(columns.shape[1], dtype=bool)
    for i, ch in enumerate(template):
        if ch in _DIGIT:
            match &= digits[i] < 10  # bytes below "0" wrap round to 246 and up
        elif ch == " ":
            match &= (columns[i] == 32) | (columns[i] == 84)
        else:
            match &= columns[i] == ord(ch)
    return match


def _field(digits: np.ndarray, template: str, letter: str) -> np.ndarray:
    """A field's value (0 when the template has no such field); ``digits`` as above."""
    out = np.zeros(digits.shape[1], dtype=np.int32)
    for i in (i for i, ch in enumerate(template) if ch == letter):
        out = out * 10 + digits[i]
    return out


def _read_fixed(values: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days, ok, handled): values of a fixed layout read by byte position (numpy only, no
    regex); ``handled`` marks the values that had one, whatever their verdict."""
    n = len(values)
    days = np.full(n, NAT, dtype="datetime64[D]")
    ok = np.zeros(n, dtype=bool)
    handled = np.zeros(n, dtype=bool)
    length = np.asarray(pc.binary_length(values).fill_null(0).to_numpy(zero_copy_only=False))
    for size, templates in _FIXED.items():
        where = np.flatnonzero(length == size)
        if not len(where):
            continue
        # every value of this length, side by side in one buffer (no copy when all are)
        layout = string_layout(values if len(where) == n else values.take(pa.array(where)))
        assert layout is not None  # a non-empty string array
        data, starts, _lengths = layout
        first = int(starts[0])
        # one row per byte position (whole-row numpy work is much faster than columns)
        columns = np.ascontiguousarray(
            data[first:first + len(where) * size].reshape(len(where), size).T)
        digits = columns - np.uint8(48)
        for template in templates:
            match = _matches(columns, digits, template)
            if not match.any():
                continue
            fields = digits if match.all() else digits[:, match]
            value, good = _days_of(*(_field(fields, template, x) for x in "ymdHMS"))
            if len(where) == n and match.all() and good.all():
                return value, good, good  # the usual column: one layout, every value good
            rows = where[match]
            handled[rows] = True
            days[rows[good]] = value[good]
            ok[rows[good]] = True
    return days, ok, handled


def read_dates(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Days (datetime64[D]) and a mask of the values read; unread values are for
    ``parse_date`` to read (or reject, with its reason)."""
    values = values.cast(pa.string()) if not pa.types.is_string(values.type) else values
    days, ok, handled = _read_fixed(values)
    rest = np.flatnonzero(~handled)
    if len(rest) == len(values):
        return _read_regex(values)
    if len(rest):
        rest_days, rest_ok = _read_regex(values.take(pa.array(rest)))
        days[rest] = rest_days
        ok[rest] = rest_ok
    return days, ok


def _read_regex(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The general path: each value matched against the layout its separator suggests."""
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
