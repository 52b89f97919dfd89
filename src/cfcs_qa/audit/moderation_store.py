"""Moderation in the store: the month's moderation sample, recording a moderation, and the
agreement rates the PDQA co-ordinator (only) sees."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select

from ..errors import UserError
from . import schema as s
from .moderation import (
    AuditForModeration,
    agreement_rate,
    allocate_moderators,
    moderator_conflict,
    select_for_moderation,
)
from .review_common import (
    active_run,
    current_audit,
    get_allocation,
    insert_id,
    month_seed,
    require_completed_audit,
    require_live,
    rows,
    snapshot,
)
from .staff_roles import StaffMember, require_role
from .store import Store, current_actor, utcnow


def _audit_view(alloc: Mapping[str, Any], grade: str | None) -> AuditForModeration:
    return AuditForModeration(
        allocation_id=alloc["allocation_id"],
        grade=grade,
        auditor_id=alloc["auditor_id"],
        auditor_team=alloc["auditor_team"],
        case_team=alloc["team"],
        worker_id=alloc["worker_id"],
        tier=int(alloc["tier"] or 2),
    )


def _month_audits(conn: Connection, month: str) -> tuple[list[dict[str, Any]],
                                                         dict[str, AuditForModeration]]:
    allocs = rows(conn, select(s.allocations).where(and_(
        s.allocations.c.month == month, s.allocations.c.tier == 2)))
    grades = dict(conn.execute(
        select(s.audits.c.allocation_id, s.audits.c.grade)
        .join(s.allocations, s.allocations.c.allocation_id == s.audits.c.allocation_id)
        .where(and_(s.allocations.c.month == month, s.audits.c.current.is_(True)))
    ).all())
    live = [a for a in allocs if a["state"] not in ("withdrawn", "replaced")]
    views = {a["allocation_id"]: _audit_view(a, grades.get(a["allocation_id"])) for a in live}
    return allocs, views


def moderation_sample(
    store: Store,
    month: str,
    *,
    share: float,
    staff: Mapping[str, StaffMember] | None = None,
    allocate: bool = False,
    unavailable: tuple[str, ...] = (),
    by: str | None = None,
) -> list[dict[str, Any]]:
    """The month's moderation picks with their moderators; ``allocate`` stores new ones.

    Earlier assignments are kept as they are; only picks without an assignment get one.
    """
    with (store.transaction() if allocate else store.read()) as conn:
        allocs, views = _month_audits(conn, month)
        assigned = {r["allocation_id"]: r for r in rows(conn, select(s.moderation_assignments)
                    .where(s.moderation_assignments.c.active.is_(True)))
                    if r["allocation_id"] in views}
        picks = select_for_moderation(
            list(views.values()), share=share, seed=month_seed(conn, month), key=month,
            month_allocation_ids=[a["allocation_id"] for a in allocs],
            already_sampled=[i for i, r in assigned.items() if r["reason"] == "sampled"],
        )
        done = set(conn.execute(select(s.moderations.c.allocation_id).where(
            s.moderations.c.current.is_(True))).scalars())
        load: dict[str, int] = {}
        for r in assigned.values():
            if r["moderator_id"]:
                load[r["moderator_id"]] = load.get(r["moderator_id"], 0) + 1
        new = [p for p in picks if p.allocation_id not in assigned]
        run = active_run(conn, month)
        if run is not None:  # staff exempt from the month's sample are not asked either
            unavailable = tuple(unavailable) + tuple(conn.execute(
                select(s.auditor_exemptions.c.staff_id)
                .where(s.auditor_exemptions.c.run_id == run["id"])).scalars())
        proposals = {a.allocation_id: a for a in allocate_moderators(
            new, views, (staff or {}).values(), existing_load=load, unavailable=unavailable)}
        out: list[dict[str, Any]] = []
        for p in picks:
            old = assigned.get(p.allocation_id)
            mod_id = old["moderator_id"] if old else proposals[p.allocation_id].moderator_id
            note = old["note"] if old else proposals[p.allocation_id].reason
            out.append({"allocation_id": p.allocation_id, "reason": p.reason,
                        "auditor_grade": views[p.allocation_id].grade,
                        "moderator_id": mod_id, "note": note, "stored": old is not None,
                        "moderated": p.allocation_id in done})
        if allocate:
            actor = current_actor(by)
            for row in out:
                if row["stored"]:
                    continue
                member = (staff or {}).get(str(row["moderator_id"] or ""))
                conn.execute(s.moderation_assignments.insert().values(
                    allocation_id=row["allocation_id"], moderator_id=row["moderator_id"],
                    **(snapshot(member, "moderator") if member else {}),
                    reason=row["reason"], note=row["note"], active=True,
                    recorded_by=actor, recorded_at=utcnow()))
                conn.execute(s.allocations.update().where(
                    s.allocations.c.allocation_id == row["allocation_id"]).values(
                    moderation_required=True))
                store.log(conn, actor, "moderation_assignments", row["allocation_id"],
                          "moderation_allocated", details={"moderator_id": row["moderator_id"],
                                                           "why": row["reason"]})
                row["stored"] = True
    return out


def record_moderation(
    store: Store,
    allocation_id: str,
    moderator: StaffMember,
    *,
    grade: str,
    agree: bool,
    notes: str | None,
    on: date,
    by: str | None = None,
) -> dict[str, Any]:
    """Store a moderation (the earlier one, if any, is kept as history)."""
    with store.transaction() as conn:
        alloc = get_allocation(conn, allocation_id)
        require_live(alloc, "be moderated")
        tier = int(alloc["tier"] or 2)
        audit = current_audit(conn, alloc["allocation_id"])
        if tier == 2:
            audit = require_completed_audit(conn, alloc["allocation_id"], "be moderated")
        why = moderator_conflict(moderator, _audit_view(alloc, audit["grade"] if audit else None))
        if why is not None:
            raise UserError(
                f"{moderator.staff_id} cannot moderate {alloc['allocation_id']}: {why}. Ask "
                "someone outside both the auditor's and the case's team, in a moderating role "
                "(`cfcs-qa audits moderation-sample` suggests one)."
            )
        auditor_grade = audit["grade"] if audit else None
        if agree and auditor_grade is not None and grade != auditor_grade:
            raise UserError(
                f"--agree with --grade {grade}, but the auditor graded {auditor_grade}. Use "
                "--disagree when the moderated grade differs, or give the auditor's grade."
            )
        conn.execute(s.moderations.update().where(and_(
            s.moderations.c.allocation_id == alloc["allocation_id"],
            s.moderations.c.current.is_(True))).values(current=False))
        actor = current_actor(by or moderator.staff_id)
        new_id = insert_id(conn, s.moderations.insert().values(
            allocation_id=alloc["allocation_id"], audit_id=audit["id"] if audit else None,
            tier=tier, moderator_id=moderator.staff_id, **snapshot(moderator, "moderator"),
            moderated_on=on, grade=grade, agree=agree, notes=notes, current=True,
            recorded_by=actor, recorded_at=utcnow()))
        store.log(conn, actor, "moderations", alloc["allocation_id"], "moderated",
                  details={"grade": grade, "agree": agree, "auditor_grade": auditor_grade,
                           "moderation_id": new_id})
    return {"moderation_id": new_id, "allocation_id": alloc["allocation_id"], "tier": tier,
            "moderator_id": moderator.staff_id, "moderated_on": on.isoformat(),
            "auditor_grade": auditor_grade, "grade": grade, "agree": agree}


def agreement_report(
    store: Store, viewer_id: str, staff: Mapping[str, StaffMember],
    months: tuple[str, str],
) -> dict[str, Any]:
    """Agreement rates between moderators and auditors for months ``[first, last]``.

    The PDQA co-ordinator only (the framework reports agreement to them alone).
    """
    require_role(staff, viewer_id, ("pdqa_coordinator",), "see moderation agreement rates",
                 option="--as")
    with store.read() as conn:
        found = rows(conn, select(
            s.moderations.c.allocation_id, s.moderations.c.agree, s.moderations.c.tier,
            s.allocations.c.month, s.allocations.c.auditor_id,
        ).join(s.allocations, s.allocations.c.allocation_id == s.moderations.c.allocation_id)
          .where(and_(s.moderations.c.current.is_(True),
                      s.allocations.c.month >= months[0], s.allocations.c.month <= months[1])))
    groups: dict[str, dict[str, list[bool]]] = {"month": {}, "auditor": {}, "tier": {}}
    for r in found:
        for key, value in (("month", r["month"]), ("auditor", r["auditor_id"]),
                           ("tier", str(r["tier"]))):
            groups[key].setdefault(value, []).append(bool(r["agree"]))

    def table(g: dict[str, list[bool]]) -> list[dict[str, Any]]:
        return [{"key": k, "moderations": len(v), "agreed": sum(v),
                 "agreement_percent": agreement_rate(v)} for k, v in sorted(g.items())]

    every = [bool(r["agree"]) for r in found]
    return {"from": months[0], "to": months[1], "moderations": len(every),
            "agreed": sum(every), "agreement_percent": agreement_rate(every),
            "by_month": table(groups["month"]), "by_auditor": table(groups["auditor"]),
            "by_tier": table(groups["tier"])}
