"""Meetings with the worker and manager, disputes about a grade, and the final grade every
report uses: a decided dispute's grade, else the current Tier 2 moderation's, else the
auditor's. A Tier 3's S&QA moderation comes before the associate director's audit and
informs the meeting, so it does not replace the Tier 3 grade."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select

from ..errors import UserError
from . import schema as s
from .review_common import (
    current_audit,
    get_allocation,
    insert_id,
    require_completed_audit,
    require_live,
    rows,
)
from .review_rules import resolve_final_grade
from .staff_roles import SQA_ROLES, StaffMember, require_role
from .store import Store, current_actor, utcnow

OUTCOMES = ("upheld", "partly_upheld", "not_upheld")
DISPUTE_DECIDER_ROLES = ("service_manager",)
MANAGER_ROLES = ("team_manager", "deputy_manager", "service_manager")


def final_grades(conn: Connection, allocation_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """{allocation_id: {"grade", "source", "auditor_grade", "moderated_grade",
    "dispute_grade"}} for each id (three queries, whatever the number of ids)."""
    ids = sorted(set(allocation_ids))
    auditor = dict(conn.execute(select(s.audits.c.allocation_id, s.audits.c.grade).where(
        and_(s.audits.c.allocation_id.in_(ids), s.audits.c.current.is_(True)))).all())
    moderated: dict[str, str] = {}
    for aid, grade in conn.execute(
        select(s.moderations.c.allocation_id, s.moderations.c.grade)
        .where(and_(s.moderations.c.allocation_id.in_(ids), s.moderations.c.current.is_(True),
                    s.moderations.c.tier == 2))
        .order_by(s.moderations.c.id)
    ):
        moderated[aid] = grade
    disputed: dict[str, str] = {}
    for aid, grade in conn.execute(
        select(s.disputes.c.allocation_id, s.disputes.c.grade_after)
        .where(and_(s.disputes.c.allocation_id.in_(ids), s.disputes.c.outcome.is_not(None),
                    s.disputes.c.grade_after.is_not(None)))
        .order_by(s.disputes.c.decided_on, s.disputes.c.id)
    ):
        disputed[aid] = grade
    out = {}
    for aid in ids:
        grade, source = resolve_final_grade(auditor.get(aid), moderated.get(aid),
                                            disputed.get(aid))
        out[aid] = {"grade": grade, "source": source, "auditor_grade": auditor.get(aid),
                    "moderated_grade": moderated.get(aid), "dispute_grade": disputed.get(aid)}
    return out


def final_grade(conn: Connection, allocation_id: str) -> str | None:
    """The grade reports use for one allocation (None: not completed)."""
    return final_grades(conn, [allocation_id])[allocation_id]["grade"]


def record_meeting(
    store: Store, allocation_id: str, *, held: bool, held_on: date | None,
    attendees: list[str], joint: bool | None, worker_comments: str | None,
    manager_comments: str | None, minutes: str | None, by: str | None = None,
) -> dict[str, Any]:
    """The meeting with the worker and manager. A Tier 3 meeting needs its S&QA moderation
    first (the framework: moderation 'prior to a face-to-face meeting')."""
    if held and held_on is None:
        raise UserError("A meeting that was held needs its date: add --date YYYY-MM-DD.")
    with store.transaction() as conn:
        alloc = get_allocation(conn, allocation_id)
        require_live(alloc, "have a meeting recorded")
        if int(alloc["tier"] or 2) == 3 and held:
            moderated = conn.execute(select(s.moderations.c.id).where(and_(
                s.moderations.c.allocation_id == alloc["allocation_id"],
                s.moderations.c.current.is_(True),
                s.moderations.c.moderator_role.in_(sorted(SQA_ROLES))))).first()
            if moderated is None:
                raise UserError(
                    f"{alloc['allocation_id']} is a Tier 3 audit: an S&QA member (csm, iro or "
                    "pdqa_coordinator) moderates the case record before the meeting. Record "
                    "that first with `cfcs-qa audits moderate`."
                )
        audit = current_audit(conn, alloc["allocation_id"])
        actor = current_actor(by)
        new_id = insert_id(conn, s.meetings.insert().values(
            allocation_id=alloc["allocation_id"], audit_id=audit["id"] if audit else None,
            held=held, held_on=held_on, attendees=attendees, joint=joint,
            worker_comments=worker_comments, manager_comments=manager_comments,
            minutes=minutes, recorded_by=actor, recorded_at=utcnow()))
        store.log(conn, actor, "meetings", alloc["allocation_id"], "meeting_recorded",
                  details={"meeting_id": new_id, "held": held, "held_on": held_on,
                           "joint": joint, "attendees": attendees})
    return {"meeting_id": new_id, "allocation_id": alloc["allocation_id"], "held": held,
            "held_on": held_on.isoformat() if held_on else None, "joint": joint,
            "attendees": attendees}


def raise_dispute(
    store: Store, allocation_id: str, raiser: StaffMember, *, evidence: str, on: date,
    by: str | None = None,
) -> dict[str, Any]:
    """A worker or manager disputes the grade; the grade before is today's final grade."""
    if not evidence.strip():
        raise UserError("A dispute needs its evidence: add --evidence TEXT (no names).")
    with store.transaction() as conn:
        alloc = get_allocation(conn, allocation_id)
        require_live(alloc, "be disputed")
        require_completed_audit(conn, alloc["allocation_id"], "be disputed")
        allowed = {alloc["worker_id"], alloc["supervising_manager_id"]} - {None}
        if raiser.staff_id not in allowed and raiser.role not in MANAGER_ROLES:
            raise UserError(
                f"--by {raiser.staff_id} is neither the case's worker nor a manager; only "
                "they may dispute an audit's grade."
            )
        if _open_dispute(conn, alloc["allocation_id"]) is not None:
            raise UserError(
                f"{alloc['allocation_id']} already has an open dispute; the S&QA service "
                "manager decides it first (`cfcs-qa audits dispute ID --decide ...`)."
            )
        before = final_grade(conn, alloc["allocation_id"])
        actor = current_actor(by or raiser.staff_id)
        new_id = insert_id(conn, s.disputes.insert().values(
            allocation_id=alloc["allocation_id"], raised_by=raiser.staff_id, raised_on=on,
            grade_before=before, evidence=evidence, recorded_by=actor,
            recorded_at=utcnow()))
        store.log(conn, actor, "disputes", alloc["allocation_id"], "dispute_raised",
                  details={"dispute_id": new_id, "grade_before": before})
    return {"dispute_id": new_id, "allocation_id": alloc["allocation_id"],
            "raised_by": raiser.staff_id, "grade_before": before, "state": "open"}


def decide_dispute(
    store: Store, allocation_id: str, staff: Mapping[str, StaffMember], decider_id: str, *,
    outcome: str, grade_after: str | None, on: date, by: str | None = None,
) -> dict[str, Any]:
    """The S&QA service manager's decision: outcome and the grade after."""
    decider = require_role(staff, decider_id, DISPUTE_DECIDER_ROLES, "decide a dispute")
    if outcome not in OUTCOMES:
        raise UserError(f"--outcome {outcome!r} is not one of: {', '.join(OUTCOMES)}.")
    with store.transaction() as conn:
        alloc = get_allocation(conn, allocation_id)
        dispute = _open_dispute(conn, alloc["allocation_id"])
        if dispute is None:
            raise UserError(f"{alloc['allocation_id']} has no open dispute to decide.")
        before = dispute["grade_before"]
        if outcome == "not_upheld":
            if grade_after not in (None, before):
                raise UserError(
                    f"A dispute not upheld keeps the grade ({before}); leave --grade-after out.")
            grade_after = before
        elif grade_after is None:
            raise UserError(f"An {outcome} dispute needs the new grade: add --grade-after.")
        actor = current_actor(by or decider.staff_id)
        conn.execute(s.disputes.update().where(s.disputes.c.id == dispute["id"]).values(
            outcome=outcome, grade_after=grade_after, decided_by=decider.staff_id,
            decided_on=on))
        store.log(conn, actor, "disputes", alloc["allocation_id"], "dispute_decided",
                  details={"dispute_id": dispute["id"], "outcome": outcome,
                           "grade_before": before, "grade_after": grade_after})
    return {"dispute_id": dispute["id"], "allocation_id": alloc["allocation_id"],
            "outcome": outcome, "grade_before": before, "grade_after": grade_after,
            "decided_by": decider.staff_id, "state": "decided"}


def _open_dispute(conn: Connection, allocation_id: str) -> dict[str, Any] | None:
    found = rows(conn, select(s.disputes).where(and_(
        s.disputes.c.allocation_id == allocation_id, s.disputes.c.outcome.is_(None))))
    return found[0] if found else None
