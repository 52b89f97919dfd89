"""Which Tier 2 audits are moderated, and by whom (pure rules, plain data).

Every audit the auditor graded inadequate or outstanding is moderated, plus a seeded share
(``AuditSettings.moderation_share``, default 10%) of the rest, rounded up. The share is taken
of the month's completed audits; the seeded order is a fixed permutation of all the month's
allocation ids, so running the proposal again as more audits complete keeps every earlier
choice and only adds to it.

A moderator is someone outside both the auditor's team and the case's team, never the
auditor or the case's worker, active, and in a moderating role (any S&QA member for Tier 3).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .staff_roles import (
    MODERATOR_PRIORITY,
    SQA_ROLES,
    TIER2_MODERATOR_ROLES,
    StaffMember,
    same_team,
)

ALWAYS_MODERATED = ("inadequate", "outstanding")


@dataclass(frozen=True)
class AuditForModeration:
    allocation_id: str
    grade: str | None
    """The auditor's overall grade (None: not completed)."""
    auditor_id: str
    auditor_team: str | None
    case_team: str | None
    worker_id: str | None = None
    tier: int = 2


@dataclass(frozen=True)
class ModerationPick:
    allocation_id: str
    reason: str
    """``inadequate`` / ``outstanding`` (always moderated) or ``sampled`` (the seeded share)."""


def seeded_order(allocation_ids: Iterable[str], seed: int, key: str = "") -> list[str]:
    """A reproducible permutation of the ids (sorted first, so input order never matters),
    from the generator ``derived_generator(seed, "moderation", key)`` (key: the month)."""
    from ..sampling.seeding import derived_generator

    ids = sorted(set(allocation_ids))
    rng = derived_generator(seed, "moderation", key)
    return [ids[int(i)] for i in rng.permutation(len(ids))]


def sampled_count(rest: int, share: float) -> int:
    """ceil(share × rest): 10% of 9 is one audit, 10% of 0 is none."""
    if rest <= 0 or share <= 0:
        return 0
    return min(rest, math.ceil(round(share * rest, 9)))


def select_for_moderation(
    audits: Sequence[AuditForModeration],
    *,
    share: float,
    seed: int,
    key: str = "",
    month_allocation_ids: Iterable[str] | None = None,
    already_sampled: Iterable[str] = (),
) -> list[ModerationPick]:
    """The audits to moderate among the completed ones in ``audits``.

    ``month_allocation_ids``: every allocation of the month (the permutation is over these so
    it does not move as audits complete; default: the audits given). ``already_sampled``:
    audits chosen by share earlier; they stay chosen and count towards the share.
    """
    completed = [a for a in audits if a.grade is not None]
    picks = [
        ModerationPick(a.allocation_id, a.grade or "")
        for a in completed
        if a.grade in ALWAYS_MODERATED
    ]
    rest_ids = {a.allocation_id for a in completed if a.grade not in ALWAYS_MODERATED}
    keep = sorted(rest_ids & set(already_sampled))
    need = max(0, sampled_count(len(rest_ids), share) - len(keep))
    universe = set(month_allocation_ids) if month_allocation_ids is not None else set()
    order = seeded_order(universe | rest_ids, seed, key)
    extra = [i for i in order if i in rest_ids and i not in keep][:need]
    picks += [ModerationPick(i, "sampled") for i in keep + extra]
    return sorted(picks, key=lambda p: p.allocation_id)


def moderator_conflict(moderator: StaffMember, audit: AuditForModeration) -> str | None:
    """Why ``moderator`` may not moderate ``audit`` (None: they may)."""
    if not moderator.active:
        return "is not active in the staff table"
    if moderator.staff_id == audit.auditor_id:
        return "is the auditor of this audit"
    if audit.worker_id is not None and moderator.staff_id == audit.worker_id:
        return "is the case's worker"
    roles = SQA_ROLES if audit.tier == 3 else TIER2_MODERATOR_ROLES
    if moderator.role not in roles:
        what = "a Tier 3 audit is moderated by an S&QA member" if audit.tier == 3 else (
            "Tier 2 audits are moderated by managers, S&QA staff or the associate director")
        return f"has the role {moderator.role} ({what}: {', '.join(sorted(roles))})"
    if same_team(moderator.team, audit.auditor_team):
        return f"is in the auditor's team ({moderator.team})"
    if same_team(moderator.team, audit.case_team):
        return f"is in the case's team ({moderator.team})"
    return None


@dataclass(frozen=True)
class ModeratorAssignment:
    allocation_id: str
    moderator_id: str | None
    reason: str
    """Why this moderator, or why nobody could be found."""


def allocate_moderators(
    picks: Sequence[ModerationPick],
    audits: Mapping[str, AuditForModeration],
    staff: Iterable[StaffMember],
    *,
    existing_load: Mapping[str, int] | None = None,
    unavailable: Iterable[str] = (),
) -> list[ModeratorAssignment]:
    """Give each pick the eligible moderator with the lightest load, by role priority.

    Deterministic: picks are taken by allocation id; ties go to MODERATOR_PRIORITY, then
    staff id. ``unavailable``: staff excluded for the month (leave).
    """
    off = set(unavailable)
    pool = sorted(
        (m for m in staff if m.staff_id not in off and m.role in MODERATOR_PRIORITY),
        key=lambda m: (MODERATOR_PRIORITY[m.role], m.staff_id),
    )
    load = {m.staff_id: int((existing_load or {}).get(m.staff_id, 0)) for m in pool}
    out: list[ModeratorAssignment] = []
    for pick in sorted(picks, key=lambda p: p.allocation_id):
        audit = audits[pick.allocation_id]
        eligible = [m for m in pool if moderator_conflict(m, audit) is None]
        if not eligible:
            out.append(ModeratorAssignment(
                pick.allocation_id, None,
                "nobody eligible: every moderator is in the auditor's or the case's team, "
                "unavailable, or not in a moderating role"))
            continue
        best = min(eligible, key=lambda m: (load[m.staff_id], MODERATOR_PRIORITY[m.role],
                                            m.staff_id))
        load[best.staff_id] += 1
        out.append(ModeratorAssignment(pick.allocation_id, best.staff_id,
                                       f"{best.role}, outside both teams"))
    return out


def agreement_rate(agreed: Sequence[bool]) -> float | None:
    """Percent of moderations that agreed with the auditor's grade (None: no moderations)."""
    if not agreed:
        return None
    return round(100.0 * sum(1 for a in agreed if a) / len(agreed), 1)
