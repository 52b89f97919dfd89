"""Typed pandas frames in the contract's dtypes (see ``cfcs_qa.contract``).

Every contract column is present (an optional column the site does not send is all-missing),
followed by ``_row``. Dates are ``datetime64[us]`` at midnight, the unit pandas 3 gives
parsed dates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ..contract import ROW, Column, Table
from .columns import FRAME_DATES, Typed


def empty_series(column: Column, n: int) -> pd.Series:
    if column.type == "date":
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype=FRAME_DATES))
    if column.type == "bool":
        return pd.Series(pd.array([pd.NA] * n, dtype="boolean"))
    if column.type == "int":
        return pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    return pd.Series(pd.array([None] * n, dtype="str"))


def one_piece_text(arr: pa.Array) -> pd.api.extensions.ExtensionArray:
    """A pyarrow string array as pandas ``str`` data in one chunk (``to_pandas`` may split it
    in two, and every row taken from a split column costs more: the KPI engine takes rows
    hundreds of times)."""
    if pa.types.is_dictionary(arr.type):  # decoded straight into pandas' large strings
        arr = arr.dictionary.cast(pa.large_string()).take(arr.indices)
    whole = pa.chunked_array([arr.cast(pa.large_string())])
    return pd.arrays.ArrowStringArray(whole, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def accepted_frame(table: Table, typed: Typed, rows: np.ndarray, keep: np.ndarray) -> pd.DataFrame:
    """The rows with no error, typed."""
    n = int(keep.sum())
    take = pa.array(np.flatnonzero(keep))
    everything = bool(n == len(keep))
    data: dict[str, pd.Series] = {}
    for column in table.columns:
        name = column.name
        if name in typed.dates:
            values = typed.dates[name] if everything else typed.dates[name][keep]
            data[name] = pd.Series(values.astype(FRAME_DATES, copy=False), copy=False)
        elif name in typed.flags:
            flag, missing = typed.flags[name]
            if not everything:
                flag, missing = flag[keep], missing[keep]
            data[name] = pd.Series(pd.arrays.BooleanArray(flag, missing))
        elif name in typed.numbers:
            number, missing = typed.numbers[name]
            if not everything:
                number, missing = number[keep], missing[keep]
            data[name] = pd.Series(pd.arrays.IntegerArray(number, missing))
        elif name in typed.strings:
            arr = typed.strings[name] if everything else typed.strings[name].take(take)
            data[name] = pd.Series(one_piece_text(arr))
        else:
            data[name] = empty_series(column, n)
    data[ROW] = pd.Series(np.asarray(rows[keep] if not everything else rows, dtype=np.int64),
                          copy=False)
    # copy=False, here and for each column: the arrays above are the loader's own, used by
    # nothing else once the frame is made, so pandas need not copy each one (pandas 3 copies a
    # numpy array given to a Series), nor gather same-typed columns into a block (a copy too)
    frame = pd.DataFrame(data, copy=False)
    frame.index = pd.RangeIndex(n)
    return frame


def empty_frame(table: Table) -> pd.DataFrame:
    data = {c.name: empty_series(c, 0) for c in table.columns}
    data[ROW] = pd.Series(np.zeros(0, dtype=np.int64))
    return pd.DataFrame(data)
