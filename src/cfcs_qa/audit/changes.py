"""Changes to an allocation after Day 1: reassign, withdraw, replace (``docs/audit-cycle.md``,
"After Day 1"). Each is one transaction that re-reads the allocation under the write lock,
refuses what the framework does not allow (with a reason a person can act on), changes the
row and writes the change log.

- ``reassign``: a new auditor for an open allocation; the toolkit stays valid. The new
  auditor must be active, able to audit and free of conflicts (own team, held, managed or
  chaired the case, the site's role rules). The old auditor counts as exempt for the month.
- ``withdraw``: an open allocation is not audited (case closed or transferred). A
  family-contact flag it carried moves to another open allocation of the month (seeded).
- ``replace``: a new case from the same stratum of the same sample, drawn reproducibly
  (``sampling.changes.replacement_draw``: run seed, allocation id); the old toolkit is void.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from ..errors import UserError
from . import schema as s
from .staff_roles import TIER2_AUDITOR_ROLES, StaffMember, lookup, same_team
from .store import Store, utcnow

if TYPE_CHECKING:
    from ..ingest.model import Extract

EXTRA_AUDITOR_ROLES = {2: {"pdqa_coordinator"}, 3: {"associate_director", "pdqa_coordinator"}}


def load_allocation(conn: Connection, allocation_id: str) -> dict[str, Any]:
    row = conn.execute(select(s.allocations).where(
        s.allocations.c.allocation_id == allocation_id.strip())).mappings().first()
    if row is None:
        raise UserError(
            f"There is no allocation {allocation_id} in the audit store. Allocation ids look "
            "like 2026-11-001; `cfcs-qa audits status --month YYYY-MM` lists them."
        )
    return dict(row)


def require_open(alloc: Mapping[str, Any], verb: str) -> None:
    state = alloc["state"]
    if state == "completed":
        raise UserError(
            f"Allocation {alloc['allocation_id']} is already completed (its toolkit has been "
            f"imported), so it cannot be {verb}. To correct the audit, import the toolkit "
            "again with `cfcs-qa audits import --replace`."
        )
    if state in ("withdrawn", "replaced"):
        extra = f" by {alloc['replaced_by']}" if alloc.get("replaced_by") else ""
        raise UserError(
            f"Allocation {alloc['allocation_id']} was {state}{extra}, so it cannot be {verb}."
        )


def set_state(conn: Connection, allocation_id: str, actor: str, **values: Any) -> None:
    conn.execute(s.allocations.update()
                 .where(s.allocations.c.allocation_id == allocation_id)
                 .values(state_changed_at=utcnow(), state_changed_by=actor, **values))


def check_auditor(member: StaffMember, alloc: Mapping[str, Any], extract: Extract | None,
                  as_of: date, settings: Any = None) -> list[str]:
    """Why ``member`` may not audit this allocation's case (empty: they may)."""
    reasons: list[str] = []
    if not member.active:
        reasons.append("is not active in the staff table")
    allowed = TIER2_AUDITOR_ROLES | EXTRA_AUDITOR_ROLES.get(int(alloc["tier"]), set())
    if member.role not in allowed and not member.auditor:
        reasons.append(f"is a {member.role}, not an auditor (roles {', '.join(sorted(allowed))} "
                       "or staff flagged auditor)")
    team = current_team(extract, str(alloc["child_id"]), as_of) or str(alloc["team"])
    if same_team(member.team, team):
        reasons.append(f"works in {member.team}, the team holding the case")
    if extract is not None and extract.has("staff"):
        import pandas as pd

        from ..sampling.auditors import conflicts

        case = pd.DataFrame({"child_id": [str(alloc["child_id"])], "team": [team]})
        person = pd.DataFrame({"staff_id": [member.staff_id], "role": [member.role],
                               "team": [member.team]})
        found = conflicts(case, person, extract, as_of, settings)
        reasons += [r for r, rule in zip(found["reason"], found["rule"], strict=True)
                    if rule != "own_team"]
    elif alloc.get("worker_id") == member.staff_id:
        reasons.append("is the case's worker")
    return list(dict.fromkeys(reasons))


def current_team(extract: Extract | None, child_id: str, as_of: date) -> str | None:
    """The team holding the case on ``as_of`` per the extract (None: no open allocation or no
    extract)."""
    if extract is None or not extract.has("allocations"):
        return None
    from ..sampling.population import current_allocations

    alloc = extract.get("allocations")
    now = current_allocations(alloc.loc[alloc["child_id"] == child_id], as_of)
    return None if now.empty else str(now["team"].iloc[0])


def reassign(store: Store, allocation_id: str, to_staff: str, reason: str, *, actor: str,
             staff: Mapping[str, StaffMember], extract: Extract | None, as_of: date,
             settings: Any = None) -> dict[str, Any]:
    member = lookup(staff, to_staff, "--to")
    with store.transaction() as conn:
        alloc = load_allocation(conn, allocation_id)
        require_open(alloc, "reassigned")
        if alloc["auditor_id"] == member.staff_id:
            raise UserError(f"{member.staff_id} is already the auditor of {allocation_id}.")
        reasons = check_auditor(member, alloc, extract, as_of, settings)
        if reasons:
            raise UserError(
                f"{member.staff_id} cannot audit {allocation_id} (child {alloc['child_id']}): "
                + "; ".join(reasons) + ". Choose another auditor with --to."
            )
        conn.execute(s.allocation_reassignments.insert().values(
            allocation_id=alloc["allocation_id"], from_staff_id=alloc["auditor_id"],
            from_name=alloc["auditor_name"], from_role=alloc["auditor_role"],
            from_team=alloc["auditor_team"], to_staff_id=member.staff_id,
            to_name=member.display_name, to_role=member.role, to_team=member.team,
            to_email=member.email, reason=reason, recorded_by=actor, recorded_at=utcnow()))
        set_state(conn, alloc["allocation_id"], actor, state="reassigned",
                      state_reason=reason, auditor_id=member.staff_id,
                      auditor_name=member.display_name, auditor_role=member.role,
                      auditor_team=member.team, auditor_email=member.email)
        store.log(conn, actor, "allocations", alloc["allocation_id"], "reassigned", reason,
                  {"from": alloc["auditor_id"], "to": member.staff_id})
        load = conn.execute(select(s.allocations.c.allocation_id).where(
            s.allocations.c.month == alloc["month"],
            s.allocations.c.auditor_id == member.staff_id,
            s.allocations.c.state.in_(s.OPEN_STATES))).scalars().all()
    return {"allocation_id": alloc["allocation_id"], "action": "reassigned",
            "from": alloc["auditor_id"], "to": member.staff_id, "reason": reason,
            "auditor_open_allocations": sorted(load)}


def _move_family_contact(store: Store, conn: Connection, alloc: Mapping[str, Any],
                         actor: str) -> str | None:
    from ..sampling.changes import move_family_contact

    if not alloc["family_contact"] or alloc["run_id"] is None:
        return None
    seed = conn.execute(select(s.sampling_runs.c.seed).where(
        s.sampling_runs.c.id == alloc["run_id"])).scalar_one()
    month = [dict(r) for r in conn.execute(select(s.allocations).where(
        s.allocations.c.run_id == alloc["run_id"])).mappings()]
    target = move_family_contact(month, str(alloc["allocation_id"]), int(seed))
    conn.execute(s.allocations.update().where(
        s.allocations.c.allocation_id == alloc["allocation_id"]).values(family_contact=False))
    if target is not None:
        conn.execute(s.allocations.update().where(
            s.allocations.c.allocation_id == target).values(family_contact=True))
    store.log(conn, actor, "allocations", alloc["allocation_id"], "family_contact_moved",
              "allocation withdrawn", {"to": target})
    return target


def withdraw(store: Store, allocation_id: str, reason: str, *, actor: str) -> dict[str, Any]:
    with store.transaction() as conn:
        alloc = load_allocation(conn, allocation_id)
        require_open(alloc, "withdrawn")
        set_state(conn, alloc["allocation_id"], actor, state="withdrawn",
                      state_reason=reason)
        store.log(conn, actor, "allocations", alloc["allocation_id"], "withdrawn", reason,
                  {"before": alloc["state"], "auditor_id": alloc["auditor_id"]})
        moved = _move_family_contact(store, conn, alloc, actor)
    return {"allocation_id": alloc["allocation_id"], "action": "withdrawn", "reason": reason,
            "family_contact_moved_to": moved}
