"""Vectorised column work: apply a Python function once per distinct value, then spread the
results over every row with one ``take``. This is what keeps the loader at millions of rows a
second: a column of dates has thousands of distinct values, not millions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_EXCEL_WHOLE = r"^([+-]?\d+)\.0+$"
_PLAIN_LOW = np.array([1, 0, *(10 ** (n - 1) for n in range(2, 20)), 1], dtype=np.int64)
_PLAIN_HIGH = np.array([0, *(10**n - 1 for n in range(1, 19)), np.iinfo(np.int64).max, 0],
                       dtype=np.int64)
"""By length of text (0 to 19 characters, and 20 for any longer): the least and greatest
whole number written plainly with that many digits (none for 0 and 20: low > high)."""
_MOST_DIGITS = 19
"""Digits of the greatest int64 (9,223,372,036,854,775,807)."""
DENSE = 8
"""Numbers are indexed through a table when their span is at most this many times their
count (plus a million): a few bytes per number at most."""
ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
"""The ASCII characters Python's ``str.strip()`` removes."""


def string_layout(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(data bytes, value starts, value lengths) of a plain string array (None otherwise)."""
    if not pa.types.is_string(arr.type) or not isinstance(arr, pa.Array) or len(arr) == 0:
        return None
    _validity, offsets_buffer, data_buffer = arr.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[arr.offset:arr.offset + len(arr) + 1]
    data = (np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None
            else np.zeros(0, dtype=np.uint8))
    return data, offsets[:-1], np.diff(offsets)


def _edges_plain(arr: pa.Array) -> bool:
    """True when trimming cannot change any value: every non-empty value starts and ends with
    a printable ASCII character other than space. (A blank value's neighbours' bytes are
    looked at in its place: a cautious answer, never a wrong one.)"""
    layout = string_layout(arr)
    if layout is None:
        return False
    data, starts, lengths = layout
    if len(data) == 0:
        return True  # every value is blank
    used = data[int(starts[0]):int(starts[-1] + lengths[-1])]
    if len(used) == 0 or (int(used.min()) >= 0x21 and int(used.max()) <= 0x7E):
        return True  # no space or control character anywhere (ids, codes): two reductions
    if int(starts[-1]) >= len(data):
        starts = np.minimum(starts, len(data) - 1)  # a blank last value at the very end
    ends = starts + lengths - 1  # -1 (a blank first value) reads the last byte: harmless
    # printable non-space ASCII is 0x21..0x7E: below 0x21 wraps round to 0xDF and up
    low, span = np.uint8(0x21), 0x7E - 0x21 + 1
    return bool(((data[starts] - low) < span).all() and ((data[ends] - low) < span).all())


def _may_contain(arr: pa.Array, byte: int) -> bool:
    """False only when no value's bytes include ``byte`` (one numpy pass over the data)."""
    layout = string_layout(arr)
    if layout is None:
        return True
    data, starts, lengths = layout
    return bool((data[int(starts[0]):int(starts[-1] + lengths[-1])] == byte).any())


def trimmed(arr: pa.Array) -> pa.Array:
    """Surrounding whitespace removed; blank text becomes null."""
    text = arr if _edges_plain(arr) else pc.utf8_trim_whitespace(arr)
    blank = pc.equal(pc.binary_length(text), 0)  # much faster than comparing with ""
    if pc.any(blank).as_py():
        text = pc.if_else(blank, pa.scalar(None, pa.string()), text)
    return text


def trimmed_coded(arr: pa.Array) -> pa.Array:
    """``trimmed`` for a column of few distinct values (dates, flags, codes): each distinct
    value is trimmed once (as Python's ``str.strip`` trims) and the result stays
    dictionary-encoded (no strings copied). A column read dictionary-encoded keeps its
    dictionary: only that is trimmed."""
    enc = arr if pa.types.is_dictionary(arr.type) else pc.dictionary_encode(arr)
    if len(enc.dictionary) and pc.all(pc.string_is_ascii(enc.dictionary)).as_py():
        # ASCII text (nearly always): trim in bulk, without a Python string per value; for
        # ASCII these are exactly the characters str.strip() removes
        dictionary = pc.utf8_trim(enc.dictionary, characters=ASCII_SPACE)
        blank = np.append(
            np.asarray(pc.equal(pc.binary_length(dictionary), 0).to_numpy(
                zero_copy_only=False), dtype=bool), True)
        values_count = len(dictionary)
    else:
        values = [v.strip() for v in enc.dictionary.to_pylist()]
        dictionary = pa.array(values, type=pa.string())
        blank = np.array([not v for v in values] + [True])
        values_count = len(values)
    if not blank[:-1].any():  # nothing blank: keep the indices (and their nulls) as they are
        return pa.DictionaryArray.from_arrays(enc.indices, dictionary)
    # each row's index through a table that maps a blank value's index to null (one take)
    kept = np.arange(values_count, dtype=np.int32)
    remap = pa.array(kept, mask=blank[:-1])
    return pa.DictionaryArray.from_arrays(remap.take(enc.indices), dictionary)


def stripped(arr: pa.Array) -> pa.Array:
    """``trimmed_coded``'s values without the dictionary, for a column of nearly all
    different values (date-times), where encoding costs more than it saves: ASCII text is
    trimmed in bulk of exactly the characters ``str.strip`` removes; anything else goes to
    ``trimmed_coded`` (so the result may be dictionary-encoded)."""
    if not pa.types.is_string(arr.type):
        return trimmed_coded(arr)
    if _edges_plain(arr):
        text = arr
    elif pc.all(pc.string_is_ascii(arr)).as_py():
        text = pc.utf8_trim(arr, characters=ASCII_SPACE)
    else:
        return trimmed_coded(arr)
    blank = pc.equal(pc.binary_length(text), 0)
    if pc.any(blank).as_py():
        text = pc.if_else(blank, pa.scalar(None, pa.string()), text)
    return text


def key_text(arr: pa.Array) -> pa.Array:
    """Keys stay strings; ``123.0`` (Excel's way of writing 123) becomes ``123``."""
    if _may_contain(arr, ord(".")) and pc.any(pc.match_substring(arr, ".")).as_py():
        return pc.replace_substring_regex(arr, _EXCEL_WHOLE, r"\1")
    return arr


@dataclass
class Encoded:
    """A column as its distinct values and, per row, the index of its value (nulls point one
    past the end)."""

    uniques: list[str]
    index: np.ndarray

    @classmethod
    def of(cls, arr: pa.Array) -> Encoded:
        enc = pc.dictionary_encode(arr)
        uniques = enc.dictionary.to_pylist()
        index = enc.indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False)
        return cls(uniques, index.astype(np.int64, copy=False))

    def spread(self, per_unique: list[Any], null: Any, dtype: Any = None) -> np.ndarray:
        """One result per row from one result per distinct value."""
        table = np.array([*per_unique, null], dtype=dtype)
        return table[self.index]

    def spread_text(self, per_unique: list[str | None]) -> pa.Array:
        table = pa.array([*per_unique, None], type=pa.string())
        return table.take(pa.array(self.index))

    def spread_coded(self, per_unique: list[str | None]) -> pa.DictionaryArray:
        """``spread_text`` left dictionary-encoded: the strings are made once, where they are
        needed (``frames.one_piece_text`` decodes them straight into pandas' large strings)."""
        table = pa.array([*per_unique, None], type=pa.string())
        return pa.DictionaryArray.from_arrays(pa.array(self.index), table)


def map_text(arr: pa.Array, fn: Callable[[str], str | None]) -> pa.Array:
    """``fn`` applied to each distinct non-null value (null stays null)."""
    enc = Encoded.of(arr)
    return enc.spread_text([fn(u) for u in enc.uniques])


def parse_column(
    arr: pa.Array, parse: Callable[[str], tuple[Any, str | None]]
) -> tuple[Encoded, list[Any], list[str | None]]:
    """Parse each distinct value once: (encoding, value per unique, reason per unique)."""
    enc = Encoded.of(arr)
    values: list[Any] = []
    reasons: list[str | None] = []
    for text in enc.uniques:
        value, reason = parse(text)
        values.append(value)
        reasons.append(reason)
    return enc, values, reasons


def repeats(keys: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Positions of values that repeat an earlier one, and of that first one, via one stable
    sort (a hash of millions of distinct strings is slower)."""
    if keys.null_count == 0:
        positions, present = np.arange(len(keys)), keys
    else:
        valid = np.asarray(pc.is_valid(keys).to_numpy(zero_copy_only=False))
        positions = np.flatnonzero(valid)
        present = keys.filter(pa.array(valid))
    if len(present) < 2 or _surely_distinct(present):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = pc.sort_indices(present).to_numpy()
    ordered = present.take(pa.array(order))
    same = pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
    same_np = np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)
    if not same_np.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # start of the run each element belongs to (runs are sorted by position: stable sort)
    run_start = np.maximum.accumulate(np.where(np.concatenate(([False], same_np)), 0,
                                               np.arange(len(order))))
    repeat = np.flatnonzero(np.concatenate(([False], same_np)))
    return positions[order[repeat]], positions[order[run_start[repeat]]]


def _surely_distinct(keys: pa.Array) -> bool:
    """True when the keys are plainly all different: every one a whole number written the
    usual way (no sign, no leading zero: then equal text is equal number and back) within a
    range small enough to count in. False means "not known", and the sort decides."""
    if _ascending_of_one_width(keys):
        return True
    found = plain_numbers(keys)
    if found is None:
        return False
    values, plain = found
    if not plain.all():
        return False
    if bool((values[1:] > values[:-1]).all()):
        return True  # ascending, as a system numbers its records: no need to count
    low, high = int(values.min()), int(values.max())
    if not dense(high - low + 1, len(values)):
        return False
    return bool(np.bincount(values - low).max() <= 1)


def _ascending_of_one_width(keys: pa.Array) -> bool:
    """True when every key has the same number of bytes, at most eight, and each sorts after
    the one before, byte by byte (as a system numbers its records): then no two are equal.
    Each key's bytes are read as one big-endian number, so the check is a comparison of
    neighbours, not a parse of the text."""
    layout = string_layout(keys) if keys.null_count == 0 else None
    if layout is None:
        return False
    data, starts, lengths = layout
    width = int(lengths[0])
    if not 0 < width <= 8 or int(lengths.min()) != width or int(lengths.max()) != width:
        return False
    used = data[int(starts[0]):int(starts[0]) + len(keys) * width]
    if width == 8:
        numbers = used.view(">u8")  # eight bytes a key: read in place
    else:
        padded = np.zeros((len(keys), 8), dtype=np.uint8)
        padded[:, 8 - width:] = used.reshape(len(keys), width)
        numbers = padded.view(">u8").ravel()
    return bool((numbers[1:] > numbers[:-1]).all())


def dense(span: int, count: int) -> bool:
    """Whether ``count`` numbers spread over ``span`` are worth a table indexed by number."""
    return span <= DENSE * count + (1 << 20)


def table_codes(table: np.ndarray, low: int, numbers: np.ndarray,
                plain: np.ndarray) -> np.ndarray:
    """``table[n - low]`` for each number ``n`` written plainly and inside the table; -1 for
    the rest (a blank, a number the table does not reach, text not written plainly)."""
    offset = numbers - low
    if len(offset) and bool(plain.all()) and int(offset.min()) >= 0 \
            and int(offset.max()) < len(table):
        found: np.ndarray = table[offset]  # the usual column: every id plain and known
        return found
    inside = plain & (offset >= 0) & (offset < len(table))
    out: np.ndarray = np.where(inside, table[np.where(inside, offset, 0)], -1)
    return out


def written_plainly(values: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Whether each number was written the usual way, given the length of its text: as many
    characters as it has digits (no sign, no leading zero; ``0`` itself is plain).

    Each value's digits are counted by comparing it with each power of ten between the least
    and the greatest value (ids of six and seven digits: one comparison), never by a lookup
    per value: a few whole-column numpy calls, whatever the number of rows."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    if int(length.min()) == int(length.max()):  # ids of one width: two comparisons
        at = min(int(length[0]), len(_PLAIN_LOW) - 1)
        same: np.ndarray = values >= _PLAIN_LOW[at]
        same &= values <= _PLAIN_HIGH[at]
        return same
    plain: np.ndarray = values >= 0
    least = int(np.min(values, where=plain, initial=np.iinfo(np.int64).max))
    greatest = int(values.max())
    counted = len(str(least)) if greatest >= 0 else 1  # digits of the least value >= 0
    digits = np.full(len(values), counted, dtype=np.int8)
    for power in range(counted, _MOST_DIGITS):
        if 10**power > greatest:
            break
        digits += values >= 10**power
    plain &= digits == length
    return plain


def plain_numbers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """(each text value as int64, -1 when blank; whether it is a whole number written plainly,
    so that equal numbers mean equal texts), or None when some value is no whole number."""
    try:
        ints = pc.cast(arr, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    numbers = np.asarray(ints.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    layout = string_layout(arr)  # a blank's length does not matter: -1 is never plain
    length = layout[2] if layout is not None else np.asarray(
        pc.binary_length(arr).fill_null(0).to_numpy(zero_copy_only=False))
    return numbers, written_plainly(numbers, length)
