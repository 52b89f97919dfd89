"""Tier 3: one a month, led by the associate director, chosen from the previous month's
completed Tier 2 audits (escalations, then inadequate, then requires improvement; else at
random). Choosing creates a Tier 3 allocation for the same child, led by the associate
director, with an S&QA moderator asked to moderate before the meeting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select

from ..errors import UserError
from . import schema as s
from .disputes import final_grades
from .moderation import AuditForModeration, ModerationPick, allocate_moderators
from .review_common import get_allocation, month_seed, previous_month, rows, snapshot
from .review_rules import Tier3Candidate, tier3_shortlist
from .staff_roles import StaffMember, require_role
from .store import Store, current_actor, next_allocation_id, utcnow

LEAD_ROLES = ("associate_director",)


def _candidates(conn: Connection, source_month: str) -> list[Tier3Candidate]:
    allocs = rows(conn, select(s.allocations).join(
        s.audits, and_(s.audits.c.allocation_id == s.allocations.c.allocation_id,
                       s.audits.c.current.is_(True), s.audits.c.grade.is_not(None)))
        .where(and_(s.allocations.c.month == source_month, s.allocations.c.tier == 2,
                    s.allocations.c.state.not_in(("withdrawn", "replaced")))))
    taken = set(conn.execute(select(s.tier3_selections.c.source_allocation_id)
                             .where(s.tier3_selections.c.allocation_id.is_not(None))).scalars())
    allocs = [a for a in allocs if a["allocation_id"] not in taken]
    grades = final_grades(conn, [a["allocation_id"] for a in allocs])
    esc = rows(conn, select(s.escalations.c.allocation_id, s.escalations.c.child_id,
                            s.escalations.c.identified_on))
    out = []
    for a in allocs:
        escalated = any(e["allocation_id"] == a["allocation_id"]
                        or (e["child_id"] == a["child_id"]
                            and e["identified_on"] >= a["issued_date"]) for e in esc)
        out.append(Tier3Candidate(a["allocation_id"], a["child_id"],
                                  grades[a["allocation_id"]]["grade"], escalated))
    return out


def propose(store: Store, month: str, limit: int = 5) -> dict[str, Any]:
    """The shortlist for ``month`` from the previous month's completed Tier 2 audits."""
    source = previous_month(month)
    with store.read() as conn:
        chosen = _chosen(conn, month)
        shortlist = tier3_shortlist(_candidates(conn, source), month_seed(conn, source),
                                    key=month, limit=limit)
    return {"month": month, "source_month": source,
            "shortlist": [r.__dict__ for r in shortlist],
            "chosen": chosen}


def _chosen(conn: Connection, month: str) -> dict[str, Any] | None:
    found = rows(conn, select(s.tier3_selections).where(and_(
        s.tier3_selections.c.month == month, s.tier3_selections.c.allocation_id.is_not(None))))
    if not found:
        return None
    r = found[0]
    return {"tier3_allocation_id": r["allocation_id"],
            "source_allocation_id": r["source_allocation_id"], "chosen_by": r["chosen_by"],
            "overridden": r["overridden"], "reason": r["reason"]}


def choose(
    store: Store, month: str, source_id: str, staff: Mapping[str, StaffMember], by_id: str, *,
    reason: str | None, issued: date, due: date, by: str | None = None,
) -> dict[str, Any]:
    """Confirm the top proposal or override it (a reason is then required)."""
    lead = require_role(staff, by_id, LEAD_ROLES, "choose the Tier 3 audit")
    with store.transaction() as conn:
        if _chosen(conn, month) is not None:
            raise UserError(
                f"The Tier 3 audit for {month} is already chosen (one a month). "
                f"`cfcs-qa audits tier3 --month {month}` shows it."
            )
        src = get_allocation(conn, source_id)
        if int(src["tier"] or 2) != 2 or src["state"] in ("withdrawn", "replaced"):
            raise UserError(f"{src['allocation_id']} is not a live Tier 2 allocation.")
        earlier = conn.execute(select(s.tier3_selections.c.month).where(and_(
            s.tier3_selections.c.source_allocation_id == src["allocation_id"],
            s.tier3_selections.c.allocation_id.is_not(None)))).scalar()
        if earlier is not None:
            raise UserError(f"{src['allocation_id']} was already followed up by the Tier 3 "
                            f"audit of {earlier}.")
        if final_grades(conn, [src["allocation_id"]])[src["allocation_id"]]["grade"] is None:
            raise UserError(f"{src['allocation_id']} has no completed Tier 2 audit to follow.")
        source = previous_month(month)
        shortlist = tier3_shortlist(_candidates(conn, source), month_seed(conn, source),
                                    key=month)
        top = shortlist[0].allocation_id if shortlist else None
        overridden = src["allocation_id"] != top
        if overridden and not (reason and reason.strip()):
            raise UserError(
                f"{src['allocation_id']} is not the proposed Tier 3 case ({top or 'none'}); "
                "overriding the proposal needs --reason TEXT."
            )
        new_id = next_allocation_id(conn, month)
        actor = current_actor(by or lead.staff_id)
        conn.execute(s.allocations.insert().values(
            allocation_id=new_id, run_id=None, month=month, tier=3,
            child_id=src["child_id"], category=src["category"], team=src["team"],
            worker_id=src["worker_id"], supervising_manager_id=src["supervising_manager_id"],
            stratum=src["stratum"], legal_status=src["legal_status"],
            placement=src["placement"], auditor_id=lead.staff_id,
            auditor_name=lead.display_name, auditor_role=lead.role, auditor_team=lead.team,
            auditor_email=lead.email, issued_date=issued, due_date=due,
            family_contact=False, moderation_required=True, state="issued",
            created_at=utcnow(), created_by=actor))
        conn.execute(s.tier3_selections.insert().values(
            month=month, source_allocation_id=src["allocation_id"], allocation_id=new_id,
            proposed=[r.__dict__ for r in shortlist], chosen_by=lead.staff_id,
            overridden=overridden, reason=reason, chosen_at=utcnow()))
        moderator = _ask_sqa_moderator(conn, new_id, src, lead, staff, actor)
        store.log(conn, actor, "allocations", new_id, "tier3_chosen", reason=reason,
                  details={"source_allocation_id": src["allocation_id"],
                           "overridden": overridden, "proposed_top": top,
                           "moderator_id": moderator})
    return {"month": month, "tier3_allocation_id": new_id,
            "source_allocation_id": src["allocation_id"], "overridden": overridden,
            "reason": reason, "lead": lead.staff_id, "moderator_id": moderator,
            "due_date": due.isoformat()}


def _ask_sqa_moderator(conn: Connection, new_id: str, src: Mapping[str, Any],
                       lead: StaffMember, staff: Mapping[str, StaffMember],
                       actor: str) -> str | None:
    view = AuditForModeration(new_id, None, lead.staff_id, lead.team, src["team"],
                              src["worker_id"], tier=3)
    load: dict[str, int] = {}
    for mid in conn.execute(select(s.moderation_assignments.c.moderator_id).where(
            s.moderation_assignments.c.active.is_(True))).scalars():
        if mid:
            load[mid] = load.get(mid, 0) + 1
    pick = allocate_moderators([ModerationPick(new_id, "tier3")], {new_id: view},
                               staff.values(), existing_load=load)[0]
    member = staff.get(pick.moderator_id or "")
    conn.execute(s.moderation_assignments.insert().values(
        allocation_id=new_id, moderator_id=pick.moderator_id,
        **(snapshot(member, "moderator") if member else {}), reason="tier3", note=pick.reason,
        active=True, recorded_by=actor, recorded_at=utcnow()))
    return pick.moderator_id
