"""Is the child's record of another frame open at each row's own date? Without a merge.

A child has a record open at ``at`` (start <= at and (end blank or end > at)) exactly when,
among the child's records that started on or before ``at``, the latest end (blank counting as
never) is after ``at``. The records are ordered once per run by (child code, start), with
that running latest end; each question is then one binary search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frames import NAT_INT
from .latest import DateRanks, stable_argsort

NEVER = np.iinfo(np.int64).max
"""A blank end: open for ever."""


@dataclass(frozen=True)
class OpenLookup:
    sorted_keys: np.ndarray
    """code * starts.width + the start's rank, ascending."""
    sorted_codes: np.ndarray
    latest_end: np.ndarray
    """The latest end (int64 ns, NEVER for blank) of the code's rows up to this one."""
    starts: DateRanks

    def open_at(self, codes: np.ndarray, at: np.ndarray) -> np.ndarray:
        """Per (code, date): a record of the code is open at the date (no: code < 0, NaT)."""
        when = np.asarray(at, dtype="datetime64[ns]").view(np.int64)
        out = np.zeros(len(codes), dtype=bool)
        rows = np.flatnonzero((np.asarray(codes) >= 0) & (when != NAT_INT))
        if len(rows) == 0 or len(self.sorted_keys) == 0:
            return out
        c = np.asarray(codes, dtype=np.int64)[rows]
        started = self.starts.before(when[rows], inclusive=True)
        i = np.searchsorted(self.sorted_keys, c * self.starts.width + started, side="right") - 1
        safe = np.maximum(i, 0)
        out[rows] = (i >= 0) & (self.sorted_codes[safe] == c) & \
            (self.latest_end[safe] > when[rows])
        return out


def open_lookup(codes: np.ndarray, start: np.ndarray, end: np.ndarray) -> OpenLookup:
    """Index records (child code, start, end as datetime64); rows with a negative code or no
    start are left out (they are open at no date)."""
    s = np.asarray(start, dtype="datetime64[ns]").view(np.int64)
    e = np.asarray(end, dtype="datetime64[ns]").view(np.int64)
    c = np.asarray(codes, dtype=np.int64)
    keep = (s != NAT_INT) & (c >= 0)
    c, s, e = c[keep], s[keep], np.where(e[keep] == NAT_INT, NEVER, e[keep])
    starts = DateRanks(s)
    key = c * starts.width + starts.ranks()
    order = stable_argsort(key)
    key, c, e = key[order], c[order], e[order]
    return OpenLookup(key, c, _running_max_by_code(c, e), starts)


def _running_max_by_code(codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Cumulative max of int64 ``values`` restarting at each new code (codes ascending): ranks
    offset so every later code outranks every earlier one, then one ``maximum.accumulate``."""
    if len(values) == 0:
        return values
    distinct, rank = np.unique(values, return_inverse=True)
    group = np.cumsum(np.append(True, codes[1:] != codes[:-1])) - 1
    width = len(distinct)
    running = np.maximum.accumulate(group * width + rank.reshape(-1))
    out: np.ndarray = distinct[running - group * width]
    return out
