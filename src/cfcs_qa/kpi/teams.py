"""The team a record counts under for ``--by team``: the team of the child's allocation open at
the record's reference date (the date that places it in M, or ME for snapshots); with
overlapping allocations the one that started last (equal starts: the later row); none =
"unallocated".

The allocations are ordered once per run by (child code, start, row), with the running
latest end within each child. A question (child, date) finds by one binary search the
child's last allocation started on or before the date; if the running latest end there is not
after the date, nothing is open; else the answer is the nearest allocation at or before it
that is still open, found by stepping back (rarely more than a step or two: only allocations
that started later and have already ended lie between).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frames import NAT_INT, Prepared
from .latest import DateRanks, stable_argsort
from .open_lookup import NEVER, _running_max_by_code

UNALLOCATED = "unallocated"


@dataclass(frozen=True)
class Allocations:
    keys: np.ndarray
    """code * starts.width + the start's rank, ascending (ties in row order)."""
    codes: np.ndarray
    ends: np.ndarray
    """int64 ns; NEVER for a blank end."""
    latest_end: np.ndarray
    teams: np.ndarray
    starts: DateRanks


def _allocations(p: Prepared) -> Allocations:
    if "alloc" not in p.cache:
        a = p.frame("allocations")
        codes = p.child_codes(a).astype(np.int64)
        start = a["start_date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        end = a["end_date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        keep = np.flatnonzero((codes >= 0) & (start != NAT_INT))
        starts = DateRanks(start[keep])
        keys = codes[keep] * starts.width + starts.ranks()
        by_key = stable_argsort(keys)
        order = keep[by_key]
        sorted_codes = codes[order]
        ends = np.where(end[order] == NAT_INT, NEVER, end[order])
        p.cache["alloc"] = Allocations(
            keys[by_key], sorted_codes, ends, _running_max_by_code(sorted_codes, ends),
            a["team"].iloc[order].astype(str).to_numpy(), starts)
    out: Allocations = p.cache["alloc"]
    return out


def teams_at(p: Prepared, codes: np.ndarray, ref_dates: np.ndarray) -> np.ndarray:
    """One team name per (child code, reference date) pair."""
    out = np.full(len(codes), UNALLOCATED, dtype=object)
    if not p.extract.has("allocations") or len(codes) == 0:
        return out
    al = _allocations(p)
    at = np.asarray(ref_dates, dtype="datetime64[ns]").view(np.int64)
    c = np.asarray(codes, dtype=np.int64)
    rows = np.flatnonzero((c >= 0) & (at != NAT_INT))
    if len(rows) == 0 or len(al.keys) == 0:
        return out
    c, at = c[rows], at[rows]
    i = np.searchsorted(al.keys, c * al.starts.width + al.starts.before(at, inclusive=True),
                        side="right") - 1
    safe = np.maximum(i, 0)
    some_open = (i >= 0) & (al.codes[safe] == c) & (al.latest_end[safe] > at)
    rows, i, at = rows[some_open], i[some_open], at[some_open]
    while len(i):  # step back to the nearest allocation still open at the date
        open_now = al.ends[i] > at
        out[rows[open_now]] = al.teams[i[open_now]]
        rows, i, at = rows[~open_now], i[~open_now] - 1, at[~open_now]
    return out
