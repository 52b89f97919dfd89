"""Seeded choices made after Day 1 and at the draw: family-contact flags and replacement cases.

Used by ``cfcs-qa sample`` (the flags) and by ``audits family-contact --decline`` and
``audits replace`` (moving a flag, drawing a replacement). Each later change uses its own
generator derived from the run's seed, a purpose and the allocation id
(:func:`cfcs_qa.sampling.seeding.derived_generator`), so the same store gives the same answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .seeding import derived_generator

if TYPE_CHECKING:
    import pandas as pd

OPEN_STATES = ("issued", "reassigned")


def family_contact_count(n: int, share: float) -> int:
    """ceil(share x n): 10% of 10 is 1, of 11 is 2 (rounded first, so 0.1 x 30 is 3, not 4)."""
    return max(0, math.ceil(round(share * n, 9))) if n > 0 else 0


def flag_family_contact(allocation_ids: list[str], n: int, share: float, rng: Any) -> set[str]:
    """The allocations flagged for family contact (seeding step 4).

    ``n`` is the sample size; the flags go to ceil(share x n) of the allocations (fewer when
    fewer were matched), chosen uniformly among the ids sorted.
    """
    ids = sorted(allocation_ids)
    k = min(family_contact_count(n, share), len(ids))
    if k == 0:
        return set()
    picked = rng.choice(len(ids), size=k, replace=False)
    return {ids[int(i)] for i in picked}


def move_family_contact(allocations: Iterable[Mapping[str, Any]], declined_id: str,
                        seed: int) -> str | None:
    """The allocation that takes over a declined family-contact flag, or None when none can.

    ``allocations``: the month's allocations as store rows (``allocation_id``,
    ``family_contact``, ``state``, ``family_contact_declined_reason``). Candidates are open
    allocations without a flag that never declined one, other than ``declined_id``; one is
    chosen uniformly (ids sorted) with the generator derived from (seed, "family-contact",
    declined_id). The caller clears the old flag, sets the new one and logs both.
    """
    candidates = sorted(
        str(row["allocation_id"]) for row in allocations
        if str(row["allocation_id"]) != declined_id
        and not row.get("family_contact")
        and row.get("state", "issued") in OPEN_STATES
        and not row.get("family_contact_declined_reason")
    )
    if not candidates:
        return None
    rng = derived_generator(seed, "family-contact", declined_id)
    return candidates[int(rng.integers(len(candidates)))]


def replacement_draw(population: pd.DataFrame, sample_child_ids: Iterable[str],
                     category: str, team: str, seed: int, allocation_id: str,
                     also_exclude: Iterable[str] = (),
                     sample_family_ids: Iterable[str] = ()) -> str | None:
    """A replacement child from the same stratum (category, team), or None when none is left.

    ``population``: the run's stored population (``child_id, family_id, category, team,
    eligible``). Candidates: eligible children of the stratum not in the month's sample
    (``sample_child_ids``), not in ``also_exclude`` (e.g. audited since), and of no family
    in ``sample_family_ids`` (the families of the cases staying in the sample). One is chosen
    uniformly from the candidates sorted by child_id, with the generator derived from
    (seed, "replace", allocation_id).
    """
    from .auditors import norm_team

    pop = population
    taken = set(map(str, sample_child_ids)) | set(map(str, also_exclude))
    families = set(map(str, sample_family_ids))
    mask = (pop["eligible"].astype(bool) & pop["category"].eq(category)
            & norm_team(pop["team"]).eq(team.strip().casefold())
            & ~pop["child_id"].astype("str").isin(taken)
            & ~(pop["family_id"].notna() & pop["family_id"].astype("str").isin(families)))
    candidates = sorted(pop.loc[mask, "child_id"].astype("str"))
    if not candidates:
        return None
    rng = derived_generator(seed, "replace", allocation_id)
    return candidates[int(rng.integers(len(candidates)))]
