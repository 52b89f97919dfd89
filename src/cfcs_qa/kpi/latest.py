"""The latest date per key on or before a limit, for many keys, month after month.

``latest_related`` asks, each month, for the latest related date (a review, a plan) on or
before month end of each of the month's records. Scanning every related row up to the limit
each month costs the whole table per month; here the rows are ordered once per run by (key,
date) as one integer per row, and a month's question is one binary search per record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frames import NAT_INT


@dataclass(frozen=True)
class LatestByKey:
    sorted_keys: np.ndarray
    """code * (len(dates) + 1) + rank of the date among ``dates``, ascending."""
    sorted_codes: np.ndarray
    dates: np.ndarray
    """The distinct dates (int64 nanoseconds), ascending."""

    def at(self, codes: np.ndarray, limit: np.datetime64) -> np.ndarray:
        """For each code, the latest date on or before ``limit`` (NaT: none, or code < 0)."""
        out = np.full(len(codes), NAT_INT, dtype=np.int64)
        if len(self.sorted_keys) and len(codes):
            below = int(np.searchsorted(self.dates, np.int64(limit.astype("datetime64[ns]")
                                                             .view(np.int64)), side="right"))
            wanted = np.flatnonzero(codes >= 0)
            query = codes[wanted] * (len(self.dates) + 1) + below
            at = np.searchsorted(self.sorted_keys, query, side="left") - 1
            found = (at >= 0) & (self.sorted_codes[np.maximum(at, 0)] == codes[wanted])
            found &= below > 0
            ranks = self.sorted_keys[at[found]] - codes[wanted][found] * (len(self.dates) + 1)
            out[wanted[found]] = self.dates[ranks]
        return out.view("datetime64[ns]")


def latest_by_key(codes: np.ndarray, dates: np.ndarray) -> LatestByKey:
    """Index rows by (code, date); rows with a negative code or no date are left out."""
    on = np.asarray(dates, dtype="datetime64[ns]").view(np.int64)
    codes = np.asarray(codes, dtype=np.int64)
    keep = (on != NAT_INT) & (codes >= 0)
    codes, on = codes[keep], on[keep]
    distinct = np.unique(on)
    keys = np.sort(codes * (len(distinct) + 1) + np.searchsorted(distinct, on))
    return LatestByKey(keys, keys // (len(distinct) + 1), distinct)


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` of non-negative int64 keys. When key * n + i fits
    in an int64, those unique composites are sorted instead (numpy's plain sort is several
    times faster than its stable argsort) and the row numbers read back from them."""
    n = len(keys)
    if n and int(keys.min()) >= 0 and (int(keys.max()) + 1) * n < 1 << 62:
        composite = np.sort(keys * n + np.arange(n, dtype=np.int64))
        order: np.ndarray = composite % n
        return order
    return np.argsort(keys, kind="stable")
