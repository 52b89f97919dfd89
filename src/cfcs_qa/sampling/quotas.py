"""Proportionate-over-the-year quotas (``docs/audit-cycle.md``, "Proportionate over the year").

Each stratum (category x team) is entitled to ``share x (D + n)`` cases by the end of this
month, where ``share`` = its cases / all cases in this month's Day 1 population (before
exclusions), ``D`` = every case drawn so far this audit year (all strata) and ``n`` = this
month's size. Its shortfall is that entitlement minus what it has had. The n cases go by the
largest-remainder (Hamilton) method on the shortfalls: seat by seat to the stratum with the
largest remaining shortfall, which gives each stratum the floor of its shortfall and the
leftover seats to the largest fractional parts (exactly Hamilton's result when every shortfall
is >= 0 and they sum to n). In the first month of a year (D = 0) this is plain largest
remainder on the month's shares. A stratum never gets more than ``caps`` (its eligible cases);
its seats pass to the next in line. Ties go to the stratum ranked first by ``tiebreak`` (a
seeded random permutation). With every shortfall >= 0 each stratum ends the month within one
case of its entitlement, so over the year no stratum is starved.
"""

from __future__ import annotations

from typing import Any

TOLERANCE = 1e-9


def entitlements(cases: Any, had: Any, drawn_so_far_total: int, n: int) -> Any:
    """Each stratum's shortfall: share x (D + n) - had (a float numpy array, may be < 0)."""
    import numpy as np

    cases = np.asarray(cases, dtype=float)
    total = cases.sum()
    if total <= 0:
        return np.zeros_like(cases)
    return cases / total * (drawn_so_far_total + n) - np.asarray(had, dtype=float)


def largest_remainder(shortfall: Any, caps: Any, n: int, tiebreak: Any) -> Any:
    """Seats per stratum (int numpy array) summing to min(n, sum(caps)).

    ``tiebreak``: a permutation rank per stratum; the lower rank wins an exact tie.
    """
    import numpy as np

    shortfall = np.asarray(shortfall, dtype=float)
    caps = np.asarray(caps, dtype=np.int64)
    tiebreak = np.asarray(tiebreak, dtype=np.int64)
    seats = np.zeros(len(shortfall), dtype=np.int64)
    for _ in range(int(min(n, caps.sum()))):
        residual = np.round(shortfall - seats, 9)
        residual[seats >= caps] = -np.inf
        # highest residual first; among equal residuals, the lowest tiebreak rank
        order = np.lexsort((tiebreak, -residual))
        seats[order[0]] += 1
    return seats
