"""Allocating drawn cases to auditors: a maximum bipartite matching under the conflicts.

Never greedy: augmenting paths (Kuhn's algorithm) find the largest possible allocation, so a
case is left unmatched only when no arrangement at all could give it an auditor.

Capacity: every available auditor has one slot. When the sample is larger than the number of
auditors (``--size``), further rounds are added until there are enough slots: each round is
the pdqa_coordinator(s) first, then every auditor again in a seeded random order. Cases are
taken in sorted order (category, team, child_id); each tries slots by round, then by the
seeded preference (``seeding`` step 3), so the result is the same on any machine.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Slot:
    staff_id: str
    round: int
    rank: int


@dataclass
class Matching:
    assignments: dict[str, str] = field(default_factory=dict)
    """child_id -> staff_id."""
    unmatched: list[dict[str, str]] = field(default_factory=list)
    """``{"child_id", "reason"}`` then ``{"auditor_id", "reason"}``, each sorted by id."""


def build_slots(auditors: list[str], coordinators: list[str], n: int, rng: Any) -> list[Slot]:
    """Slots in order of preference (consumes ``rng.permutation`` once: seeding step 3)."""
    rounds = 1
    per_round = len(coordinators) + len(auditors)
    if n > len(auditors) and per_round:
        rounds += -(-(n - len(auditors)) // per_round)
    people: list[tuple[str, int]] = [(a, 1) for a in auditors]
    for r in range(2, rounds + 1):
        people += [(c, r) for c in coordinators] + [(a, r) for a in auditors]
    ranks = rng.permutation(len(people)) if people else []
    slots = [Slot(s, r, int(rank)) for (s, r), rank in zip(people, ranks, strict=True)]
    # coordinators lead every extra round; within a round (and among coordinators) the seeded
    # rank decides
    lead = set(coordinators)
    return sorted(slots, key=lambda x: (x.round, 0 if x.round > 1 and x.staff_id in lead else 1,
                                        x.rank))


def maximum_matching(cases: list[str], slots: list[Slot],
                     allowed: dict[str, set[str]]) -> dict[str, int]:
    """Kuhn's augmenting-path algorithm: case -> slot index, maximum cardinality."""
    owner: dict[int, str] = {}
    adjacency = {c: [i for i, s in enumerate(slots) if s.staff_id in allowed.get(c, set())]
                 for c in cases}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * len(cases) + 100))
    try:
        for case in cases:
            _augment(case, adjacency, owner, set())
    finally:
        sys.setrecursionlimit(limit)
    return {c: i for i, c in owner.items()}


def _augment(case: str, adjacency: dict[str, list[int]], owner: dict[int, str],
             seen: set[int]) -> bool:
    for slot in adjacency[case]:
        if slot in seen:
            continue
        seen.add(slot)
        if slot not in owner or _augment(owner[slot], adjacency, owner, seen):
            owner[slot] = case
            return True
    return False


def match_cases(cases: pd.DataFrame, auditors: pd.DataFrame, coordinators: pd.DataFrame,
                conflict_table: pd.DataFrame, rng: Any, *, population_note: str = "") -> Matching:
    """Allocate ``cases`` (``child_id``, sorted) to ``auditors`` under ``conflict_table``."""
    from .auditors import conflict_map

    case_ids = [str(c) for c in cases["child_id"]]
    auditor_ids = [str(a) for a in auditors["staff_id"]]
    coordinator_ids = [str(c) for c in coordinators["staff_id"]]
    reasons = conflict_map(conflict_table)
    slots = build_slots(auditor_ids, coordinator_ids, len(case_ids), rng)
    everyone = sorted({s.staff_id for s in slots})  # coordinators only when they have slots
    allowed = {c: {a for a in everyone if (c, a) not in reasons} for c in case_ids}
    chosen = maximum_matching(case_ids, slots, allowed)
    result = Matching({c: slots[i].staff_id for c, i in chosen.items()})
    left = [c for c in case_ids if c not in chosen]
    for case in left:
        result.unmatched.append({"child_id": case, "reason": _case_reason(
            case, everyone, allowed[case], reasons)})
    busy = set(result.assignments.values())
    for staff_id in auditor_ids:
        if staff_id in busy:
            continue
        result.unmatched.append({"auditor_id": staff_id, "reason": _auditor_reason(
            staff_id, left, reasons, len(case_ids), len(auditor_ids), population_note)})
    return result


def _case_reason(case: str, everyone: list[str], allowed: set[str],
                 reasons: dict[tuple[str, str], list[str]]) -> str:
    if not everyone:
        return "no Tier 2 auditor is available this month"
    if not allowed:
        grouped: dict[str, list[str]] = {}
        for staff_id in everyone:
            grouped.setdefault(" and ".join(reasons[(case, staff_id)]), []).append(staff_id)
        parts = [f"{', '.join(ids)} {why}" for why, ids in sorted(grouped.items())]
        return "every available auditor has a conflict: " + "; ".join(parts)
    free = ", ".join(sorted(allowed))
    return (f"the auditors free of conflict with it ({free}) are all needed for other cases "
            "that they alone can take; no arrangement gives it an auditor")


def _auditor_reason(staff_id: str, left: list[str], reasons: dict[tuple[str, str], list[str]],
                    n_cases: int, n_auditors: int, population_note: str) -> str:
    if not left:
        note = f" {population_note}" if population_note else ""
        return (f"no case for them: the sample has {n_cases} case(s) for {n_auditors} "
                f"available auditor(s).{note}".rstrip())
    parts = [f"{case} ({' and '.join(reasons.get((case, staff_id), ['no conflict']))})"
             for case in left]
    return "has a conflict with every case left without an auditor: " + "; ".join(parts)
