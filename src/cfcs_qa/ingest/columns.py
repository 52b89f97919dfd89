"""Typing one table's columns: values maps, then each column read as its contract type.

Every column keeps its trimmed text (what a finding shows) beside its typed value. Errors
(``invalid-date``, ``invalid-boolean``, ``invalid-number``, ``unknown-code``,
``missing-value``) mark rows for rejection; they are collected, never raised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..config import Settings
from ..contract import Column, Table
from . import parsers
from .fast_dates import read_dates
from .headers import normalise
from .parallel import each
from .sink import Sink, fixed, quoted
from .uniques import Encoded, key_text, map_text, parse_column, repeats

NAT = np.datetime64("NaT", "D")
FRAME_DATES = "datetime64[us]"
"""The unit of dates in the loader's frames (the one pandas 3 gives parsed dates)."""


@dataclass
class Typed:
    """A table's columns after typing; arrays are aligned with the table's rows."""

    n: int
    text: dict[str, pa.Array] = field(default_factory=dict)
    """Trimmed text per column (null = blank), after the site's values map."""
    strings: dict[str, pa.Array] = field(default_factory=dict)
    """key / text / enum / code columns, canonical spelling (null when blank or invalid)."""
    dates: dict[str, np.ndarray] = field(default_factory=dict)
    """``FRAME_DATES``, the frame's own unit, so the frame takes the array as it is (NaT when
    blank or invalid)."""
    flags: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """bool columns: (values, missing mask)."""
    numbers: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """int columns: (values, missing mask)."""
    repeats: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """A single-column key: (positions of repeats, positions of the rows they repeat)."""


def value_map(settings: Settings, table: str, column: str) -> dict[str, str] | None:
    mapping = settings.values.get(table, {}).get(column)
    if not mapping:
        return None
    return {str(k).strip().casefold(): str(v).strip() for k, v in mapping.items()}


def type_columns(
    table: Table, text: dict[str, pa.Array], settings: Settings, sink: Sink, reject: np.ndarray
) -> Typed:
    """Type every present column; mark rejected rows in ``reject`` (in place)."""
    n = len(reject)
    typed = Typed(n=n)

    def one(name: str) -> None:
        arr = text[name]
        column = table.column(name)
        mapping = value_map(settings, table.name, name)
        if mapping is not None:
            arr = map_text(arr, partial(_mapped, mapping))
        if column.type == "key":
            arr = key_text(arr)
        typed.text[name] = arr
        _type_one(column, arr, typed, sink, reject)
        if table.key == (name,) and column.type == "key":
            typed.repeats[name] = repeats(arr)  # the slow sort, beside the other columns
        if column.required and arr.null_count:  # no null: nothing is missing
            missing = np.asarray(pc.is_null(arr).to_numpy(zero_copy_only=False))
            if missing.any():
                positions = np.flatnonzero(missing)
                sink.add("missing-value", "error", name, positions, None,
                         fixed(f"{name} is required but blank"))
                reject[positions] = True

    each(one, list(text), n)
    return typed


def _mapped(mapping: dict[str, str], value: str) -> str | None:
    out = mapping.get(value.casefold(), value)
    return out or None


def _type_one(column: Column, arr: pa.Array, typed: Typed, sink: Sink, reject: np.ndarray) -> None:
    name = column.name
    if column.type in ("key", "text"):
        typed.strings[name] = arr
        return
    if column.type in ("enum", "code"):
        upper = column.type == "code"
        enc, values, reasons = parse_column(
            arr, lambda t: parsers.parse_choice(_choice_text(t, upper), column.values, upper)
        )
        _report(sink, reject, "unknown-code", name, enc, reasons, arr,
                lambda v, r: f"{quoted(v)} is {r}")
        typed.strings[name] = enc.spread_coded(values)
    elif column.type == "bool":
        enc, values, reasons = parse_column(arr, parsers.parse_bool)
        _report(sink, reject, "invalid-boolean", name, enc, reasons, arr,
                lambda v, r: f"{quoted(v)} is not yes or no ({r})")
        flag = enc.spread([bool(v) for v in values], False, dtype=bool)
        missing = enc.spread([v is None for v in values], True, dtype=bool)
        typed.flags[name] = (flag, missing)
    elif column.type == "int":
        enc, values, reasons = parse_column(arr, parsers.parse_int)
        _report(sink, reject, "invalid-number", name, enc, reasons, arr,
                lambda v, r: f"{quoted(v)} is {r}")
        number = enc.spread([v or 0 for v in values], 0, dtype=np.int64)
        missing = enc.spread([v is None for v in values], True, dtype=bool)
        typed.numbers[name] = (number, missing)
    elif column.type == "date":
        typed.dates[name] = _dates(name, arr, sink, reject)


def _dates(name: str, arr: pa.Array, sink: Sink, reject: np.ndarray) -> np.ndarray:
    """A date column (``FRAME_DATES``) read in bulk (``fast_dates``); the few values it leaves
    (odd layouts, invalid dates) read one by one by ``parsers.parse_date``, once per distinct
    value."""
    if pa.types.is_dictionary(arr.type):
        days, bad, reason_of = _coded_dates(arr)
    else:
        days, bad, reason_of = _plain_dates(arr)
    if bad.any():
        positions = np.flatnonzero(bad)
        sink.add("invalid-date", "error", name, positions, arr,
                 lambda v: f"{quoted(v)} is not a date ({reason_of.get(v or '', '')})")
        reject[positions] = True
        days[positions] = NAT
    return days


def _coded_dates(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """(days, bad rows, reason per bad text) of a dictionary-encoded column: each distinct
    value is read once and the result spread over the rows."""
    uniques = arr.dictionary
    days, bad, reason_of = _read_uniques(uniques)
    indices = arr.indices if arr.null_count == 0 else arr.indices.fill_null(len(uniques))
    index = indices.to_numpy(zero_copy_only=False)
    # converted before being spread: one conversion per distinct value, not per row
    out: np.ndarray = np.append(days, NAT).astype(FRAME_DATES)[index]
    bad_rows = np.append(bad, False)[index] if bad.any() else np.zeros(len(arr), dtype=bool)
    return out, bad_rows, reason_of


def _plain_dates(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """The same for a column of nearly all different values (date-times), read row by row:
    only the values the bulk reader leaves are gathered by distinct value."""
    days, ok = read_dates(arr)
    left = ~ok & np.asarray(pc.is_valid(arr).to_numpy(zero_copy_only=False), dtype=bool)
    bad = np.zeros(len(arr), dtype=bool)
    reason_of: dict[str, str] = {}
    if left.any():
        where = np.flatnonzero(left)
        enc = pc.dictionary_encode(arr.take(pa.array(where)))
        extra_days, extra_bad, reason_of = _read_uniques(enc.dictionary, bulk=False)
        index = enc.indices.to_numpy(zero_copy_only=False)
        days[where] = extra_days[index]
        bad[where] = extra_bad[index]
    return days.astype(FRAME_DATES), bad, reason_of


def _read_uniques(
    uniques: pa.Array, bulk: bool = True
) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """(days, bad, reason per bad text) of distinct values; ``bulk=False`` when the bulk
    reader has already left them all."""
    if bulk:
        days, ok = read_dates(uniques)
    else:
        days, ok = np.full(len(uniques), NAT, dtype="datetime64[D]"), np.zeros(len(uniques), bool)
    reason_of: dict[str, str] = {}
    bad = np.zeros(len(uniques), dtype=bool)
    for i in np.flatnonzero(~ok).tolist():
        text = uniques[i].as_py()
        value, reason = parsers.parse_date(text)
        if reason is not None:
            bad[i] = True
            reason_of[text] = reason
        else:
            days[i] = _day(value)
    return days, bad, reason_of


def _choice_text(text: str, upper: bool) -> str:
    # "Early Help" reads as early_help, like a header; codes such as PN1 are left as written.
    return text if upper else normalise(text)


def _day(value: dt.date | None) -> Any:
    return NAT if value is None else np.datetime64(value, "D")


def _report(
    sink: Sink, reject: np.ndarray, code: str, column: str, enc: Encoded,
    reasons: list[str | None], arr: pa.Array, message: Any,
) -> None:
    bad_uniques = [r is not None for r in reasons]
    if not any(bad_uniques):
        return
    bad = enc.spread(bad_uniques, False, dtype=bool)
    positions = np.flatnonzero(bad)
    reason_of = dict(zip(enc.uniques, reasons, strict=True))
    sink.add(code, "error", column, positions, arr,
             lambda v: message(v, reason_of.get(v or "", "")))
    reject[positions] = True
