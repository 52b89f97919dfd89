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
from .uniques import plain_numbers, repeats


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
    """Rows whose key (every part given) repeats an earlier row's, and that earlier row: each
    part coded as a dense integer, the parts combined into one integer, and equal keys found
    by hashing integers (no pandas frame of strings)."""
    valid = np.ones(typed.n, dtype=bool)
    coded: list[np.ndarray] = []
    for part in parts:
        codes, given = _part_codes(part, typed)
        valid &= given
        coded.append(codes)
    positions = np.flatnonzero(valid)
    none = np.zeros(0, np.int64), np.zeros(0, np.int64)
    if len(positions) < 2:
        return none
    key = coded[0][positions]
    for i, codes in enumerate(coded[1:], start=2):
        part_codes = codes[positions]
        # both below 2**31: the product stays inside int64; factorize brings it back below
        # 2**31 before another part is combined
        key = key * (int(part_codes.max()) + 1) + part_codes
        if i < len(coded):
            key = pd.factorize(key)[0]
    if bool((key[1:] > key[:-1]).all()):
        return none  # ascending, as an extract sorted by its key is: no two the same
    # nearly always every key is different: pandas' duplicated answers that faster than
    # numbering every key; only rows whose key occurs more than once are numbered
    series = pd.Series(key, copy=False)
    if not series.duplicated().any():
        return none
    involved = series.duplicated(keep=False).to_numpy()
    positions = positions[involved]
    groups = np.asarray(pd.factorize(key[involved])[0], dtype=np.int64)
    # groups are numbered in order of first appearance: a row opens a group where the
    # running highest number goes up, and the g-th such row is group g's first
    opened = np.diff(np.maximum.accumulate(groups), prepend=-1) > 0
    first_of = positions[opened][groups]
    later = positions != first_of
    return positions[later], first_of[later]


def _part_codes(name: str, typed: Typed) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, given mask) of one key part: equal values, equal codes; codes are
    non-negative and below 2**31 (days count from the earliest given)."""
    if name in typed.dates:
        days = typed.dates[name].astype("datetime64[D]", copy=False)  # days, not microseconds
        given = ~np.isnat(days)
        number = days.view(np.int64)
        low = int(number[given].min()) if given.any() else 0
        return np.where(given, number - low, 0), given
    if name in typed.numbers:
        values, missing = typed.numbers[name]
        codes, _ = pd.factorize(values)
        return np.asarray(codes, dtype=np.int64), ~missing
    text = typed.strings[name]
    numbered = _plain_number_codes(text)
    if numbered is not None:
        return numbered
    if pa.types.is_dictionary(text.type):
        text = text.cast(pa.string())  # a dictionary may spell one value twice
    indices = pc.dictionary_encode(text).indices
    given = np.asarray(pc.is_valid(indices).to_numpy(zero_copy_only=False), dtype=bool)
    codes = np.asarray(indices.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    return codes, given


def _plain_number_codes(text: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """``_part_codes`` of ids all written as plain whole numbers (as case-management systems
    number their records), without hashing any text: each number less the least. Equal
    numbers are equal texts only when written plainly (``7`` and ``007`` are two ids), so
    None when any id is not, or the numbers span 2**31 or more."""
    if not pa.types.is_string(text.type):
        return None
    found = plain_numbers(text)
    if found is None:
        return None
    numbers, plain = found
    given = np.asarray(pc.is_valid(text).to_numpy(zero_copy_only=False), dtype=bool)
    if not bool((plain | ~given).all()):
        return None
    if not given.any():
        return np.zeros(len(numbers), dtype=np.int64), given
    low, high = int(numbers[given].min()), int(numbers[given].max())
    if high - low >= 2**31:
        return None
    return np.where(given, numbers - low, 0), given


def _key_shown(parts: list[str], typed: Typed) -> pa.Array:
    if len(parts) == 1:
        return typed.text[parts[0]]
    plain = [typed.text[p].cast(pa.string()) for p in parts]  # dates are dictionary-encoded
    joined = pc.binary_join_element_wise(*plain, " / ")
    return joined
