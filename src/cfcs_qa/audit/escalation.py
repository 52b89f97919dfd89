"""Escalations: a concern recorded as soon as it is found (before any toolkit returns), listed
until the associate director acknowledges it, flagged when it was passed on more than one
working day after it was identified."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from ..calendar import WorkingCalendar
from ..errors import UserError
from . import schema as s
from .review_common import get_allocation, insert_id, known_child, rows
from .review_rules import told_working_days
from .staff_roles import StaffMember, lookup, require_role
from .store import Store, current_actor, utcnow

ACKNOWLEDGER_ROLES = ("associate_director",)


def _looks_like_allocation(text: str) -> bool:
    parts = text.split("-")
    return len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4


def record_escalation(
    store: Store, target: str, cal: WorkingCalendar, staff: Mapping[str, StaffMember], *,
    identified: date, told_id: str, told_on: date, summary: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """``target`` is an allocation id (2026-11-001) or a child id the store knows."""
    told = lookup(staff, told_id, "--told")
    days = told_working_days(cal, identified, told_on)
    with store.transaction() as conn:
        allocation_id: str | None = None
        target = target.strip()
        if _looks_like_allocation(target):
            alloc = get_allocation(conn, target)
            allocation_id, child_id = alloc["allocation_id"], alloc["child_id"]
        elif known_child(conn, target):
            child_id = target
        else:
            raise UserError(
                f"{target} is neither an allocation id nor a child the audit store knows. Give "
                "the allocation id (2026-11-001) or the child id from the toolkit's header. "
                "Whatever the tool says, raise the concern with the case manager now."
            )
        actor = current_actor(by)
        new_id = insert_id(conn, s.escalations.insert().values(
            allocation_id=allocation_id, child_id=child_id, identified_on=identified,
            told_staff_id=told.staff_id, told_on=told_on, summary=summary,
            recorded_by=actor, recorded_at=utcnow()))
        store.log(conn, actor, "escalations", new_id, "escalated",
                  details={"allocation_id": allocation_id, "child_id": child_id,
                           "identified_on": identified, "told": told.staff_id,
                           "told_on": told_on, "working_days": days})
    return {"escalation_id": new_id, "allocation_id": allocation_id, "child_id": child_id,
            "identified_on": identified.isoformat(), "told_staff_id": told.staff_id,
            "told_on": told_on.isoformat(), "working_days_to_tell": days, "late": days > 1}


def acknowledge(
    store: Store, escalation_id: int, staff: Mapping[str, StaffMember], by_id: str, *,
    on: date, by: str | None = None,
) -> dict[str, Any]:
    director = require_role(staff, by_id, ACKNOWLEDGER_ROLES, "acknowledge an escalation")
    with store.transaction() as conn:
        found = rows(conn, select(s.escalations).where(s.escalations.c.id == escalation_id))
        if not found:
            raise UserError(
                f"There is no escalation {escalation_id}. `cfcs-qa audits status` lists the "
                "open escalations with their numbers."
            )
        row = found[0]
        if row["acknowledged_on"] is not None:
            raise UserError(
                f"Escalation {escalation_id} was already acknowledged by "
                f"{row['acknowledged_by']} on {row['acknowledged_on'].isoformat()}."
            )
        if on < row["identified_on"]:
            raise UserError(
                f"Escalation {escalation_id} cannot be acknowledged on {on.isoformat()}: the "
                f"concern was identified on {row['identified_on'].isoformat()}, later. Give "
                "the day it was acknowledged with --on YYYY-MM-DD (or --as-of), on or after "
                "that date."
            )
        conn.execute(s.escalations.update().where(s.escalations.c.id == escalation_id)
                     .values(acknowledged_by=director.staff_id, acknowledged_on=on))
        store.log(conn, current_actor(by or director.staff_id), "escalations", escalation_id,
                  "acknowledged", details={"acknowledged_on": on})
    return {"escalation_id": escalation_id, "acknowledged_by": director.staff_id,
            "acknowledged_on": on.isoformat()}


def escalation_rows(
    conn: Connection, cal: WorkingCalendar, *, include_acknowledged: bool = False,
    month: str | None = None,
) -> list[dict[str, Any]]:
    """Escalations (open only, unless asked), oldest first, with lateness worked out."""
    q = select(s.escalations).order_by(s.escalations.c.identified_on, s.escalations.c.id)
    if not include_acknowledged:
        q = q.where(s.escalations.c.acknowledged_on.is_(None))
    out = []
    for r in rows(conn, q):
        if month is not None and r["identified_on"].isoformat()[:7] != month:
            continue
        days = cal.wd(r["identified_on"], r["told_on"])
        out.append({
            "escalation_id": r["id"], "allocation_id": r["allocation_id"],
            "child_id": r["child_id"], "identified_on": r["identified_on"],
            "told_staff_id": r["told_staff_id"], "told_on": r["told_on"],
            "working_days_to_tell": days, "late": days > 1,
            "acknowledged": r["acknowledged_on"] is not None,
            "acknowledged_by": r["acknowledged_by"], "acknowledged_on": r["acknowledged_on"],
        })
    return out


def open_escalations(conn: Connection, cal: WorkingCalendar) -> list[dict[str, Any]]:
    """Every escalation the associate director has not acknowledged yet (for status)."""
    return escalation_rows(conn, cal)
