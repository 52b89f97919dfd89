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

DAY_NS = 86_400 * 10**9


class DateRanks:
    """Ranks 1, 2, ... for a set of dates (int64 nanoseconds, no NaT), so that a row becomes
    one integer key ``code * width + rank``. Whole days (every contract date) are ranked by
    their day offset from the earliest: no sort, no search; other values by their place among
    the distinct values."""

    def __init__(self, on: np.ndarray) -> None:
        self.distinct: np.ndarray | None = None
        self.low = 0
        if len(on) and not (on % DAY_NS).any():
            days = on // DAY_NS
            self.low = int(days.min())
            self.width = int(days.max()) - self.low + 2
            self._ranks = days - self.low + 1
        else:
            self.distinct = np.unique(on)
            self.width = len(self.distinct) + 1
            self._ranks = np.searchsorted(self.distinct, on) + 1

    def ranks(self) -> np.ndarray:
        """The rank of each date given to the constructor."""
        return self._ranks

    def before(self, at: np.ndarray, inclusive: bool) -> np.ndarray:
        """How many ranks stand for dates before ``at`` (or at it, inclusive)."""
        if self.distinct is not None:
            out: np.ndarray = np.searchsorted(self.distinct, at,
                                              side="right" if inclusive else "left")
            return out
        days = at // DAY_NS if inclusive else -(-at // DAY_NS)  # floor, or ceiling
        return np.clip(days - self.low + (1 if inclusive else 0), 0, self.width - 1)

    def date(self, ranks: np.ndarray) -> np.ndarray:
        """The dates (int64 ns) the ranks stand for."""
        if self.distinct is not None:
            out: np.ndarray = self.distinct[ranks - 1]
            return out
        return (ranks - 1 + self.low) * DAY_NS


@dataclass(frozen=True)
class LatestByKey:
    sorted_keys: np.ndarray
    """code * dates.width + the date's rank, ascending."""
    dates: DateRanks

    def at(self, codes: np.ndarray, limit: np.datetime64) -> np.ndarray:
        """For each code, the latest date on or before ``limit`` (NaT: none, or code < 0)."""
        out = np.full(len(codes), NAT_INT, dtype=np.int64)
        if len(self.sorted_keys) and len(codes):
            width = self.dates.width
            ns = np.array([limit.astype("datetime64[ns]").view(np.int64)], dtype=np.int64)
            below = int(self.dates.before(ns, inclusive=True)[0])
            wanted = np.flatnonzero(codes >= 0)
            query = codes[wanted] * width + below
            at = np.searchsorted(self.sorted_keys, query, side="right") - 1
            found = (at >= 0) & (self.sorted_keys[np.maximum(at, 0)] // width == codes[wanted])
            ranks = self.sorted_keys[at[found]] - codes[wanted][found] * width
            out[wanted[found]] = self.dates.date(ranks)
        return out.view("datetime64[ns]")


def latest_by_key(codes: np.ndarray, dates: np.ndarray) -> LatestByKey:
    """Index rows by (code, date); rows with a negative code or no date are left out."""
    on = np.asarray(dates, dtype="datetime64[ns]").view(np.int64)
    codes = np.asarray(codes, dtype=np.int64)
    keep = (on != NAT_INT) & (codes >= 0)
    codes, on = codes[keep], on[keep]
    ranks = DateRanks(on)
    return LatestByKey(np.sort(codes * ranks.width + ranks.ranks()), ranks)


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
