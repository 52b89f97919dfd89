"""Vectorised drawing helpers. Dates are float64 day numbers since 1970-01-01 (NaN = none),
so whole tables are handled as numpy arrays without per-row Python."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np

YEAR = 365.25
EPOCH = date(1970, 1, 1)


def day(d: date) -> float:
    return float((d - EPOCH).days)


def choice(rng: np.random.Generator, values: list[str] | np.ndarray, probs: list[float],
           size: int) -> np.ndarray:
    p = np.asarray(probs, dtype=float)
    return np.asarray(values)[rng.choice(len(p), size=size, p=p / p.sum())]


def pick(rng: np.random.Generator, weights: list[float], size: int) -> np.ndarray:
    """Indices 0..len(weights)-1 drawn with the given weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def uniform_days(rng: np.random.Generator, lo: float, hi: float, size: int) -> np.ndarray:
    return np.floor(rng.uniform(lo, hi + 1, size))


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows repeated ``counts`` times: (parent index, position 0..count-1 within parent)."""
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(counts.size), counts)
    first = np.cumsum(counts) - counts
    return parent, np.arange(parent.size) - np.repeat(first, counts)


def group_cumsum(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting where ``pos`` == 0 (rows grouped contiguously)."""
    total = np.cumsum(values)
    start = np.maximum.accumulate(np.where(pos == 0, np.arange(pos.size), 0))
    return total - total[start] + values[start]


RECURRING_CHUNK = 50_000
"""Spells handled at once by ``recurring``: bounds its scratch memory on very large extracts
(a Guernsey-sized extract is one chunk, so chunking never changes its bytes)."""


def recurring(rng: np.random.Generator, start: np.ndarray, end: np.ndarray, *,
              first: tuple[float, float], gap: tuple[float, float],
              late: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> tuple[np.ndarray, np.ndarray]:
    """Events from ``start`` (first after ``first`` days, then every ``gap`` days; with
    probability late[0] a gap is late[1]..late[2] instead) strictly before ``end``.

    Returns (parent index, event day). ``end`` must be finite (clip open spells first)."""
    parents: list[np.ndarray] = []
    days: list[np.ndarray] = []
    for lo in range(0, max(start.size, 1), RECURRING_CHUNK):
        hi = min(lo + RECURRING_CHUNK, start.size)
        parent, when = _recurring(rng, start[lo:hi], end[lo:hi], first, gap, late)
        parents.append(parent + lo)
        days.append(when)
    return np.concatenate(parents), np.concatenate(days)


def _recurring(rng: np.random.Generator, start: np.ndarray, end: np.ndarray,
               first: tuple[float, float], gap: tuple[float, float],
               late: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    span = np.maximum(end - start, 0)
    bound = np.where(span > first[0], np.ceil((span - first[0]) / max(gap[0], 1.0)) + 1, 0)
    parent, pos = expand(bound.astype(np.int64))
    steps = uniform_days(rng, gap[0], gap[1], parent.size)
    if late[0] > 0:
        slow = rng.random(parent.size) < late[0]
        steps = np.where(slow, uniform_days(rng, late[1], late[2], parent.size), steps)
    steps = np.where(pos == 0, uniform_days(rng, first[0], first[1], parent.size), steps)
    when = start[parent] + group_cumsum(steps, pos)
    keep = when < end[parent]
    return parent[keep], when[keep]


@lru_cache(maxsize=1)
def _holidays() -> np.ndarray:
    from ..calendar import make_calendar

    return np.array(sorted(make_calendar().holidays()), dtype="datetime64[D]")


def add_working_days(days: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The k-th working day after each day (k = 0: the day itself or the next working day)."""
    out = np.full(days.shape, np.nan)
    ok = ~np.isnan(days)
    d = days[ok].astype(np.int64).astype("datetime64[D]")
    moved = np.busday_offset(d, np.asarray(k)[ok].astype(np.int64), roll="forward",
                             holidays=_holidays())
    out[ok] = moved.astype(np.int64).astype(float)
    return out


def birthday(dob: np.ndarray, years: int) -> np.ndarray:
    """Day of the ``years``-th birthday (approximate to a day: good enough for generation)."""
    return dob + np.floor(years * YEAR)
