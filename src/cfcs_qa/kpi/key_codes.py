"""Integer codes for the values of a key column (a plan id, an enquiry id), and the codes of
another column's values in that dictionary: how a month's records find their related rows.

Codes only ever stand for equality: two values have the same code exactly when their texts
are equal, and blank values (and values the dictionary lacks) have code -1. Ids that are all
plain whole numbers (``9097214``: no sign, no leading zero, as case-management systems
number their records) are coded through a table indexed by the number, with no hashing of
text; other text keys (pyarrow-backed) by pyarrow's hash kernels, several times faster than
pandas' ``factorize`` and ``Index.get_indexer``; anything else takes the pandas route.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from ..ingest.uniques import dense, plain_numbers, table_codes


@dataclass(frozen=True, eq=False)
class NumberedIds:
    """The dictionary of a column whose ids are all plain whole numbers: ``code_of[n - low]``
    is the code of id ``n`` (-1: not in the column)."""

    low: int
    code_of: np.ndarray
    size: int

    def __len__(self) -> int:
        return self.size

    def codes(self, numbers: np.ndarray, plain: np.ndarray) -> np.ndarray:
        return table_codes(self.code_of, self.low, numbers, plain)

    def as_text(self) -> pa.Array:
        """The ids as text, in code order (each written plainly, so exactly as they were)."""
        numbers = np.flatnonzero(self.code_of >= 0) + self.low
        return pa.array(numbers, type=pa.int64()).cast(pa.string())


def _arrow(values: pd.Series) -> pa.Array | None:
    if not isinstance(values.array, ArrowStringArray):
        return None
    arr = pa.array(values.array)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _codes(indices: pa.Array) -> np.ndarray:
    out: np.ndarray = np.asarray(pc.fill_null(indices, -1).to_numpy(zero_copy_only=False),
                                 dtype=np.int64)
    return out


def _encode_numbered(arr: pa.Array) -> tuple[NumberedIds, np.ndarray] | None:
    found = plain_numbers(arr)
    if found is None:
        return None
    numbers, plain = found
    present = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if not np.array_equal(plain, present) or not present.any():
        return None  # "007" and "7" are different ids: text it is
    low, high = int(numbers[present].min()), int(numbers[present].max())
    if not dense(high - low + 1, len(numbers)):
        return None
    seen = np.zeros(high - low + 1, dtype=bool)
    seen[numbers[present] - low] = True
    code_of = np.where(seen, np.cumsum(seen) - 1, -1)
    dictionary = NumberedIds(low=low, code_of=code_of, size=int(seen.sum()))
    return dictionary, dictionary.codes(numbers, present)


def encode(values: pd.Series) -> tuple[Any, np.ndarray]:
    """(dictionary, codes): equal values share a code, blank values have code -1."""
    arr = _arrow(values)
    if arr is not None:
        numbered = _encode_numbered(arr)
        if numbered is not None:
            return numbered
        encoded = pc.dictionary_encode(arr)
        return encoded.dictionary, _codes(encoded.indices)
    factor, uniques = pd.factorize(values)
    return pd.Index(np.asarray(uniques, dtype=object), dtype=object), factor.astype(np.int64)


def lookup(values: pd.Series, dictionary: Any) -> np.ndarray:
    """The code of each value in ``dictionary`` (from ``encode``); -1 when absent or blank."""
    arr = _arrow(values)
    if isinstance(dictionary, NumberedIds):
        found = plain_numbers(arr) if arr is not None else None
        if found is not None:  # a value not written plainly equals no id of the dictionary
            return dictionary.codes(*found)
        dictionary = dictionary.as_text()
    if arr is not None and isinstance(dictionary, pa.Array):
        return _codes(pc.index_in(arr, value_set=dictionary.cast(arr.type)))
    if isinstance(dictionary, pa.Array):
        dictionary = pd.Index(dictionary.to_pylist(), dtype=object)
    return np.asarray(dictionary.get_indexer(values.to_numpy(dtype=object)), dtype=np.int64)
