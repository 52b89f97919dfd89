"""Exclusions and the seeded, proportionate draw (``docs/audit-cycle.md``, "Which cases").

Exclusions, one reason per child (the first that applies):

* ``open_audit``: the child has an allocation still open (``issued`` or ``reassigned``);
* ``recently_audited``: a Tier 2 or Tier 3 audit completed, or an allocation issued and not
  withdrawn or replaced, between Day 1 less ``lookback_months`` and Day 1 (inclusive);
* ``sibling_in_sample``: an eligible child not drawn whose ``family_id`` is that of a child
  drawn this month. Siblings are skipped as cases are drawn: at most one child per family.

The generator's order of use is in :mod:`cfcs_qa.sampling.seeding`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from .quotas import entitlements, largest_remainder

if TYPE_CHECKING:
    import pandas as pd

HISTORY_COLUMNS = ["allocation_id", "child_id", "tier", "state", "issued_date", "completed_date"]
EXCLUSION_COLUMNS = ["child_id", "reason", "detail"]
OPEN_STATES = ("issued", "reassigned")
NOT_AUDITED_STATES = ("withdrawn", "replaced")
STRATUM_KEYS = ["category", "team"]


@dataclass
class Draw:
    """What :func:`draw_sample` decided. Frames are sorted by stable keys."""

    size: int
    """The n asked for (after capping by the eligible population)."""
    drawn: pd.DataFrame
    """Population rows drawn, sorted by (category, team, child_id)."""
    exclusions: pd.DataFrame
    """``child_id, reason, detail`` for every excluded child, siblings included."""
    strata: pd.DataFrame
    """``category, team, cases, eligible, had, shortfall, quota, drawn`` per stratum."""
    population: pd.DataFrame
    """The Day 1 population with ``eligible`` (bool) and ``stratum`` ("category|team")."""


def stratum_label(frame: pd.DataFrame) -> pd.Series:
    return frame["category"].astype("str") + "|" + frame["team"].astype("str")


def history_exclusions(population: pd.DataFrame, history: pd.DataFrame | None, day1: date,
                       lookback_months: int = 12) -> pd.DataFrame:
    """Children excluded by the audit history: ``open_audit`` first, then ``recently_audited``."""
    import pandas as pd

    from ..calendar import add_months

    empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in EXCLUSION_COLUMNS})
    if history is None or history.empty:
        return empty
    since, until = pd.Timestamp(add_months(day1, -lookback_months)), pd.Timestamp(day1)
    rows = history.loc[history["child_id"].isin(population["child_id"])].copy()
    issued = pd.to_datetime(rows["issued_date"])
    completed = pd.to_datetime(rows["completed_date"])
    is_open = rows["state"].isin(OPEN_STATES)
    done = rows["tier"].isin([2, 3]) & completed.between(since, until)
    allocated = (rows["tier"].isin([2, 3]) & ~rows["state"].isin(NOT_AUDITED_STATES)
                 & issued.between(since, until))
    when = completed.where(done, issued).dt.strftime("%Y-%m-%d")
    rows["reason"] = pd.Series(pd.NA, index=rows.index, dtype="str")
    rows["reason"] = rows["reason"].mask(done | allocated, "recently_audited")
    rows["reason"] = rows["reason"].mask(is_open, "open_audit")
    verb = pd.Series("allocated on ", index=rows.index).mask(done, "audit completed on ")
    verb = verb.mask(is_open, "open allocation issued on ")
    when = when.where(~is_open, issued.dt.strftime("%Y-%m-%d"))
    rows["detail"] = (verb + when.fillna("?") + " (" + rows["allocation_id"].astype("str") + ")")
    rows = rows.dropna(subset=["reason"])
    rows["_rank"] = rows["reason"].map({"open_audit": 0, "recently_audited": 1})
    rows = rows.sort_values(["child_id", "_rank", "detail"], kind="mergesort")
    out = rows.drop_duplicates("child_id")[EXCLUSION_COLUMNS]
    return out.reset_index(drop=True).astype("str")


def _strata_table(population: pd.DataFrame, eligible: pd.Series,
                  drawn_so_far: dict[tuple[str, str], int]) -> pd.DataFrame:
    import pandas as pd

    strata = population.groupby(STRATUM_KEYS, sort=True).size().rename("cases").reset_index()
    counts = population.loc[eligible].groupby(STRATUM_KEYS, sort=True).size().rename("eligible")
    strata = strata.merge(counts.reset_index(), on=STRATUM_KEYS, how="left")
    strata["eligible"] = strata["eligible"].fillna(0).astype("int64")
    keys = list(zip(strata["category"], strata["team"], strict=True))
    strata["had"] = pd.Series([int(drawn_so_far.get(k, 0)) for k in keys], dtype="int64")
    return strata


def draw_sample(population: pd.DataFrame, history: pd.DataFrame | None, day1: date, *,
                n: int, rng: Any, drawn_so_far: dict[tuple[str, str], int] | None = None,
                lookback_months: int = 12) -> Draw:
    """Draw ``n`` cases (capped by the eligible population) from ``population``.

    ``drawn_so_far``: cases drawn per (category, team) earlier in this audit year (any stratum
    no longer in the population still counts in the year's total). ``rng`` is consumed as
    :mod:`cfcs_qa.sampling.seeding` lists (steps 1 and 2).
    """
    import numpy as np
    import pandas as pd

    so_far = dict(drawn_so_far or {})
    pop = population.sort_values(["category", "team", "child_id"], kind="mergesort")
    pop = pop.reset_index(drop=True)
    excluded = history_exclusions(pop, history, day1, lookback_months)
    eligible = ~pop["child_id"].isin(excluded["child_id"])
    strata = _strata_table(pop, eligible, so_far)
    k = len(strata)
    n = int(max(0, min(n, int(eligible.sum()))))

    tiebreak = rng.permutation(k) if k else np.zeros(0, dtype=np.int64)
    stratum_of = pop[STRATUM_KEYS].merge(strata[STRATUM_KEYS].reset_index(), on=STRATUM_KEYS,
                                         how="left")["index"].to_numpy()
    orders: list[np.ndarray] = []
    for s in range(k):
        members = np.flatnonzero((stratum_of == s) & eligible.to_numpy())
        orders.append(members[rng.permutation(len(members))])

    shortfall = entitlements(strata["cases"], strata["had"], sum(so_far.values()), n)
    family = pop["family_id"].astype("object").where(pop["family_id"].notna(),
                                                     "child:" + pop["child_id"].astype("str"))
    family_arr = family.to_numpy()
    taken = np.zeros(k, dtype=np.int64)
    cursor = np.zeros(k, dtype=np.int64)
    chosen: list[int] = []
    families: set[Any] = set()
    quota = np.zeros(k, dtype=np.int64)
    while len(chosen) < n:
        caps = taken + np.array([_free(orders[s][cursor[s]:], family_arr, families)
                                 for s in range(k)], dtype=np.int64)
        if caps.sum() <= taken.sum():
            break  # nothing left that is not a sibling of a drawn child
        quota = largest_remainder(shortfall, caps, n, tiebreak)
        before = len(chosen)
        for s in range(k):
            while taken[s] < quota[s] and cursor[s] < len(orders[s]):
                row = int(orders[s][cursor[s]])
                cursor[s] += 1
                if family_arr[row] in families:
                    continue
                families.add(family_arr[row])
                chosen.append(row)
                taken[s] += 1
        if len(chosen) == before:
            break
    drawn_mask = np.zeros(len(pop), dtype=bool)
    drawn_mask[chosen] = True
    sibling = eligible.to_numpy() & ~drawn_mask & pd.Series(family_arr).isin(families).to_numpy()
    sib = pop.loc[sibling, ["child_id"]].assign(
        reason="sibling_in_sample", detail="a child of the same family is in this month's sample")
    exclusions = pd.concat([excluded, sib.astype("str")], ignore_index=True)
    exclusions = exclusions.sort_values(["reason", "child_id"], kind="mergesort")
    strata["shortfall"] = np.round(shortfall, 6)
    strata["quota"] = quota
    strata["drawn"] = taken
    out_pop = pop.assign(eligible=eligible.to_numpy() & ~sibling, stratum=stratum_label(pop))
    drawn = pop.loc[drawn_mask].reset_index(drop=True)
    return Draw(size=n, drawn=drawn, exclusions=exclusions.reset_index(drop=True),
                strata=strata, population=out_pop)


def _free(rows: Any, family_arr: Any, families: set[Any]) -> int:
    """How many more cases a stratum can give: distinct families not yet drawn."""
    return len({family_arr[int(r)] for r in rows} - families)
