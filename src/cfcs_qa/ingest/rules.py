"""Row rules within one table: future dates, reversed date pairs, repeated keys."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import Table
from .columns import NAT, Typed
from .sink import Sink, about, quoted
from .uniques import repeats


def future_dates(
    table: Table, typed: Typed, as_of: dt.date, sink: Sink, reject: np.ndarray
) -> None:
    """Start/event dates after the extract date are errors; end/return dates are warnings and
    read as blank (the record is still open at the extract date)."""
    limit = np.datetime64(as_of, "D")
    stamp = as_of.isoformat()
    for name in table.start_dates:
        if name not in typed.dates:
            continue
        positions = np.flatnonzero(typed.dates[name] > limit)
        sink.add("future-date", "error", name, positions, typed.text[name],
                 about(f"{name} {{v}} is after the extract date {stamp}"))
        reject[positions] = True
    for name in table.end_dates:
        if name not in typed.dates:
            continue
        positions = np.flatnonzero(typed.dates[name] > limit)
        sink.add(
            "future-date", "warning", name, positions, typed.text[name],
            about(f"{name} {{v}} is after the extract date {stamp}: read as blank (still open)"),
        )
        typed.dates[name][positions] = NAT


def date_pairs(table: Table, typed: Typed, sink: Sink, reject: np.ndarray) -> None:
    """``end-before-start``: the later column of a pair is before the earlier one."""
    for earlier, later in table.date_pairs:
        if earlier not in typed.dates or later not in typed.dates:
            continue
        first, second = typed.dates[earlier], typed.dates[later]
        positions = np.flatnonzero(second < first)  # NaT compares False
        if len(positions) == 0:
            continue
        take = pa.array(positions)
        first_text = typed.text[earlier].take(take).to_pylist()
        second_text = typed.text[later].take(take).to_pylist()
        messages = [
            f"{later} {quoted(b)} is before {earlier} {quoted(a)}"
            for a, b in zip(first_text, second_text, strict=True)
        ]
        sink.add_each("end-before-start", "error", later, positions, typed.text[later], messages)
        reject[positions] = True


def duplicate_keys(table: Table, typed: Typed, sink: Sink, reject: np.ndarray) -> None:
    """Second and later rows whose key repeats an earlier row's (rows with a blank or invalid
    key part are not compared)."""
    parts = [p for p in table.key if p in typed.text]
    if len(parts) != len(table.key) or typed.n == 0:
        return
    if len(parts) == 1 and parts[0] in typed.repeats:
        later, first = typed.repeats[parts[0]]  # found while the column was typed
    elif len(parts) == 1 and parts[0] in typed.strings:
        later, first = repeats(typed.strings[parts[0]])
    else:
        later, first = _repeats_generic(parts, typed)
    if len(later) == 0:
        return
    label = "+".join(parts)
    values = _key_shown(parts, typed)
    shown = values.take(pa.array(later)).to_pylist()
    messages = [
        f"{label} {quoted(v)} repeats row {r}"
        for v, r in zip(shown, sink.rows[first].tolist(), strict=True)
    ]
    sink.add_each("duplicate-key", "error", label, later, values, messages)
    reject[later] = True


def _repeats_generic(parts: list[str], typed: Typed) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.DataFrame({p: _comparable(p, typed) for p in parts})
    frame = frame.dropna()
    if len(frame) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    dup = frame.duplicated(keep=False)
    if not dup.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    sub = frame[dup]
    first = sub.groupby(parts, sort=False).ngroup()
    firsts = sub.index.to_series().groupby(first.to_numpy()).transform("min")
    later = sub.index.to_numpy()[sub.index.to_numpy() != firsts.to_numpy()]
    first_of = firsts.to_numpy()[sub.index.to_numpy() != firsts.to_numpy()]
    return later.astype(np.int64), first_of.astype(np.int64)


def _comparable(name: str, typed: Typed) -> pd.Series:
    if name in typed.dates:
        return pd.Series(typed.dates[name]).astype("datetime64[s]")
    if name in typed.numbers:
        values, missing = typed.numbers[name]
        return pd.Series(pd.arrays.IntegerArray(values, missing))
    return pd.Series(typed.strings[name].to_pandas())


def _key_shown(parts: list[str], typed: Typed) -> pa.Array:
    if len(parts) == 1:
        return typed.text[parts[0]]
    plain = [typed.text[p].cast(pa.string()) for p in parts]  # dates are dictionary-encoded
    joined = pc.binary_join_element_wise(*plain, " / ")
    return joined
