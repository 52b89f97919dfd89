"""Re-audit of a named child, linked to the earlier audit so improvement can be shown."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select

from ..errors import UserError
from . import schema as s
from .disputes import final_grades
from .review_common import get_allocation, rows
from .review_rules import compare_scores, grade_change
from .staff_roles import StaffMember, same_team
from .store import Store, current_actor, next_allocation_id, utcnow


def _latest_completed(conn: Connection, child_id: str) -> dict[str, Any] | None:
    found = rows(conn, select(s.allocations, s.audits.c.completed_date).join(
        s.audits, and_(s.audits.c.allocation_id == s.allocations.c.allocation_id,
                       s.audits.c.current.is_(True), s.audits.c.grade.is_not(None)))
        .where(s.allocations.c.child_id == child_id)
        .order_by(s.audits.c.completed_date.desc(), s.allocations.c.allocation_id.desc()))
    return found[0] if found else None


def create_reaudit(
    store: Store, child_id: str, auditor: StaffMember, *, reason: str, month: str,
    issued: date, due: date, by: str | None = None,
) -> dict[str, Any]:
    if not reason.strip():
        raise UserError("A re-audit needs --reason TEXT (why this child is audited again).")
    child_id = child_id.strip()
    with store.transaction() as conn:
        earlier = _latest_completed(conn, child_id)
        if earlier is None:
            raise UserError(
                f"There is no completed audit of child {child_id} in the store to re-audit. "
                "Check the child id; a first audit comes from the monthly sample."
            )
        open_one = conn.execute(select(s.allocations.c.allocation_id).where(and_(
            s.allocations.c.child_id == child_id,
            s.allocations.c.state.in_(s.OPEN_STATES)))).first()
        if open_one is not None:
            raise UserError(f"Child {child_id} already has an open audit ({open_one[0]}).")
        if auditor.staff_id == earlier["worker_id"]:
            raise UserError(f"{auditor.staff_id} is the case's worker and cannot audit it.")
        if same_team(auditor.team, earlier["team"]):
            raise UserError(f"{auditor.staff_id} is in the case's team ({earlier['team']}); "
                            "nobody audits a case held by their own team.")
        new_id = next_allocation_id(conn, month)
        actor = current_actor(by)
        conn.execute(s.allocations.insert().values(
            allocation_id=new_id, run_id=None, month=month, tier=2, child_id=child_id,
            category=earlier["category"], team=earlier["team"],
            worker_id=earlier["worker_id"],
            supervising_manager_id=earlier["supervising_manager_id"],
            stratum=earlier["stratum"], legal_status=earlier["legal_status"],
            placement=earlier["placement"], auditor_id=auditor.staff_id,
            auditor_name=auditor.display_name, auditor_role=auditor.role,
            auditor_team=auditor.team, auditor_email=auditor.email, issued_date=issued,
            due_date=due, family_contact=False, moderation_required=False, state="issued",
            reaudit_of=earlier["allocation_id"], reaudit_reason=reason.strip(),
            created_at=utcnow(), created_by=actor))
        store.log(conn, actor, "allocations", new_id, "reaudit_added", reason=reason.strip(),
                  details={"reaudit_of": earlier["allocation_id"], "child_id": child_id,
                           "auditor_id": auditor.staff_id})
    return {"allocation_id": new_id, "reaudit_of": earlier["allocation_id"],
            "child_id": child_id, "auditor_id": auditor.staff_id, "month": month,
            "due_date": due.isoformat()}


def _scores(conn: Connection, allocation_id: str) -> dict[str, str | None]:
    return dict(conn.execute(
        select(s.audit_scores.c.standard_id, s.audit_scores.c.score)
        .join(s.audits, s.audits.c.id == s.audit_scores.c.audit_id)
        .where(and_(s.audits.c.allocation_id == allocation_id, s.audits.c.current.is_(True)))
    ).all())


def reaudit_comparison(conn: Connection, allocation_id: str) -> dict[str, Any]:
    """Before/after per standard and overall (final grades) for a re-audit."""
    later = get_allocation(conn, allocation_id)
    if later["reaudit_of"] is None:
        raise UserError(f"{later['allocation_id']} is not a re-audit (no earlier audit linked).")
    earlier_id = later["reaudit_of"]
    grades = final_grades(conn, [earlier_id, later["allocation_id"]])
    before, after = grades[earlier_id]["grade"], grades[later["allocation_id"]]["grade"]
    return {
        "allocation_id": later["allocation_id"], "reaudit_of": earlier_id,
        "child_id": later["child_id"], "reason": later["reaudit_reason"],
        "grade_before": before, "grade_after": after, "grade_change": grade_change(before,
                                                                                   after),
        "standards": compare_scores(_scores(conn, earlier_id),
                                    _scores(conn, later["allocation_id"])),
    }
