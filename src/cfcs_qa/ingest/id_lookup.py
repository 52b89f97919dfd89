"""Where each of many ids sits in a set of known ids: a join built once, probed many times.

Child ids are compared as text, always. When every known id is a plain whole number written
the usual way (``100303``: no sign, no leading zero), a probe is cast to integers and found by
binary search; a probe whose text is not written that way (``0100303``, ``A1``) cannot equal a
known id, so it is "not found" without any hashing. Otherwise the distinct probe values are
looked up in a pandas index (whose hash table is built once, where pyarrow's ``index_in``
would rebuild it for every probe).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .uniques import dense, plain_numbers, table_codes

_PLAIN_NUMBER = r"^(0|[1-9][0-9]{0,17})$"


class IdLookup:
    def __init__(self, known: pa.Array) -> None:
        """``known``: distinct, non-null ids; a probe's position is its index here."""
        self.known = known
        self._index: pd.Index | None = None
        self._sorted: np.ndarray | None = None
        self._order: np.ndarray | None = None
        self._table: np.ndarray | None = None
        self._low = 0
        if len(known) and pc.all(pc.match_substring_regex(known, _PLAIN_NUMBER)).as_py():
            ints = np.asarray(pc.cast(known, pa.int64()).to_numpy(zero_copy_only=False))
            self._order = np.argsort(ints, kind="stable")
            self._sorted = ints[self._order]
            self._low = int(self._sorted[0])
            span = int(self._sorted[-1]) - self._low + 1
            if dense(span, len(ints)):  # ids close together: a direct table
                self._table = np.full(span, -1, dtype=np.int64)
                self._table[ints - self._low] = np.arange(len(ints))

    def __len__(self) -> int:
        return len(self.known)

    def found(self, values: pa.Array) -> np.ndarray:
        """Whether each value is a known id (a blank is not), for values looked up once:
        plain-number ids are matched as numbers, others by pyarrow's ``is_in`` (one hash
        table for this call, quicker than the index ``positions`` keeps for many calls)."""
        if self._sorted is not None:
            out: np.ndarray = self.positions(values) >= 0
            return out
        return np.asarray(pc.is_in(values, value_set=self.known).fill_null(False)
                          .to_numpy(zero_copy_only=False), dtype=bool)

    def positions(self, values: Any) -> np.ndarray:
        """Index in ``known`` of each value (-1: blank or not known), as int64."""
        arr = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(
            values, type=pa.string())
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if not pa.types.is_string(arr.type):
            arr = arr.cast(pa.string())
        if len(arr) == 0 or len(self.known) == 0:
            return np.full(len(arr), -1, dtype=np.int64)
        if self._sorted is not None:
            found = self._by_number(arr)
            if found is not None:
                return found
        return self._by_hash(arr)

    def _by_number(self, arr: pa.Array) -> np.ndarray | None:
        assert self._sorted is not None and self._order is not None
        found = plain_numbers(arr)
        if found is None:
            return None  # some value is not a number at all: the general path
        # written the usual way ("05", "+5" and blanks are not)
        wanted, plain_np = found
        if self._table is not None:
            return table_codes(self._table, self._low, wanted, plain_np)
        at = np.minimum(np.searchsorted(self._sorted, wanted), len(self._sorted) - 1)
        hit = plain_np & (self._sorted[at] == wanted)
        return np.where(hit, self._order[at], -1).astype(np.int64)

    def _by_hash(self, arr: pa.Array) -> np.ndarray:
        if self._index is None:
            self._index = pd.Index(self.known.to_numpy(zero_copy_only=False), dtype=object)
        enc = pc.dictionary_encode(arr)
        found = self._index.get_indexer(enc.dictionary.to_numpy(zero_copy_only=False))
        index = enc.indices.fill_null(len(found)).to_numpy(zero_copy_only=False)
        out: np.ndarray = np.append(np.asarray(found, dtype=np.int64), -1)[index]
        return out
