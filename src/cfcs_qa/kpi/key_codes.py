"""Integer codes for the values of a key column (a plan id, an enquiry id), and the codes of
another column's values in that dictionary: how a month's records find their related rows.

Text keys (pyarrow-backed) are encoded and looked up by pyarrow's hash kernels, several times
faster than pandas' ``factorize`` and ``Index.get_indexer`` on text; anything else takes the
pandas route. Blank values have code -1, as have values the dictionary lacks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray


def _arrow(values: pd.Series) -> pa.Array | None:
    if not isinstance(values.array, ArrowStringArray):
        return None
    arr = pa.array(values.array)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _codes(indices: pa.Array) -> np.ndarray:
    out: np.ndarray = np.asarray(pc.fill_null(indices, -1).to_numpy(zero_copy_only=False),
                                 dtype=np.int64)
    return out


def encode(values: pd.Series) -> tuple[Any, np.ndarray]:
    """(dictionary, codes): ``dictionary[codes[i]]`` is value i (code -1: blank)."""
    arr = _arrow(values)
    if arr is not None:
        encoded = pc.dictionary_encode(arr)
        return encoded.dictionary, _codes(encoded.indices)
    factor, uniques = pd.factorize(values)
    return pd.Index(np.asarray(uniques, dtype=object), dtype=object), factor.astype(np.int64)


def lookup(values: pd.Series, dictionary: Any) -> np.ndarray:
    """The code of each value in ``dictionary`` (from ``encode``); -1 when absent or blank."""
    arr = _arrow(values)
    if arr is not None and isinstance(dictionary, pa.Array):
        return _codes(pc.index_in(arr, value_set=dictionary.cast(arr.type)))
    if isinstance(dictionary, pa.Array):
        dictionary = pd.Index(dictionary.to_pylist(), dtype=object)
    return np.asarray(dictionary.get_indexer(values.to_numpy(dtype=object)), dtype=np.int64)
