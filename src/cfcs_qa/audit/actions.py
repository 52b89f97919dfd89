"""Actions from audits, tracked until the case's supervising manager signs them off.

States: ``open`` → ``completed`` → ``signed_off``; an open action past its due date is
``overdue``. Sign-off needs completion first and happens once; only the case's supervising
manager (the allocation's ``supervising_manager_id``, else the team's team_manager in the
staff table) may sign off.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from ..errors import UserError
from . import schema as s
from .review_common import current_audit, get_allocation, insert_id, rows
from .review_rules import ACTION_STATES, action_state, check_complete, check_sign_off
from .staff_roles import StaffMember, lookup, supervising_manager
from .store import Store, current_actor


def _view(r: Mapping[str, Any], as_of: date) -> dict[str, Any]:
    return {
        "action_id": r["id"], "allocation_id": r["allocation_id"], "child_id": r["child_id"],
        "what": r["description"], "owner_id": r["owner_id"], "due_date": r["due_date"],
        "source": r["source"], "created_on": r["created_on"],
        "completed_on": r["completed_on"], "signed_off_by": r["signed_off_by"],
        "signed_off_on": r["signed_off_on"],
        "state": action_state(r["due_date"], r["completed_on"], r["signed_off_on"], as_of),
    }


def add_action(
    store: Store, allocation_id: str, staff: Mapping[str, StaffMember], *, what: str,
    owner_id: str, due: date, on: date, source: str = "manual", by: str | None = None,
) -> dict[str, Any]:
    if not what.strip():
        raise UserError("An action needs --what TEXT: what is to be done (no names).")
    owner = lookup(staff, owner_id, "--owner")
    if due < on:
        raise UserError(f"--due {due.isoformat()} is before today ({on.isoformat()}).")
    with store.transaction() as conn:
        alloc = get_allocation(conn, allocation_id)
        audit = current_audit(conn, alloc["allocation_id"])
        actor = current_actor(by)
        new_id = insert_id(conn, s.actions.insert().values(
            allocation_id=alloc["allocation_id"], audit_id=audit["id"] if audit else None,
            child_id=alloc["child_id"], description=what.strip(), owner_id=owner.staff_id,
            due_date=due, created_on=on,
            source="tier3" if int(alloc["tier"] or 2) == 3 else source,
        ))
        store.log(conn, actor, "actions", new_id, "action_added",
                  details={"allocation_id": alloc["allocation_id"], "owner": owner.staff_id,
                           "due_date": due})
        row = rows(conn, select(s.actions).where(s.actions.c.id == new_id))[0]
    return _view(row, on)


def _get(conn: Connection, action_id: int) -> dict[str, Any]:
    found = rows(conn, select(s.actions).where(s.actions.c.id == action_id))
    if not found:
        raise UserError(
            f"There is no action {action_id}. `cfcs-qa audits actions list` shows the actions "
            "with their numbers."
        )
    return found[0]


def complete_action(store: Store, action_id: int, *, on: date,
                    by: str | None = None) -> dict[str, Any]:
    with store.transaction() as conn:
        row = _get(conn, action_id)
        check_complete(action_id, row["completed_on"], row["signed_off_on"])
        if on < row["created_on"]:
            raise UserError("The completion date is before the action was added.")
        actor = current_actor(by)
        conn.execute(s.actions.update().where(s.actions.c.id == action_id)
                     .values(completed_on=on, completed_by=by or actor))
        store.log(conn, actor, "actions", action_id, "action_completed",
                  details={"completed_on": on})
        row = _get(conn, action_id)
    return _view(row, on)


def sign_off_action(
    store: Store, action_id: int, staff: Mapping[str, StaffMember], by_id: str, *,
    on: date, by: str | None = None,
) -> dict[str, Any]:
    """Only the case's supervising manager signs off, once, after completion."""
    signer = lookup(staff, by_id)
    with store.transaction() as conn:
        row = _get(conn, action_id)
        manager_id = None
        if row["allocation_id"] is not None:
            alloc = get_allocation(conn, row["allocation_id"])
            manager_id = alloc["supervising_manager_id"]
            if manager_id is None:
                found = supervising_manager(staff, alloc["team"])
                manager_id = found.staff_id if found else None
        if manager_id is None:
            raise UserError(
                f"Action {action_id}'s case has no supervising manager on record (no "
                "team_manager for its team in the staff table), so nobody can sign it off. "
                "Add the team's manager to the extract's staff table."
            )
        if signer.staff_id != manager_id:
            raise UserError(
                f"--by {signer.staff_id} is not the case's supervising manager ({manager_id}); "
                "only they may sign off its actions."
            )
        check_sign_off(action_id, row["completed_on"], row["signed_off_on"])
        conn.execute(s.actions.update().where(s.actions.c.id == action_id)
                     .values(signed_off_by=signer.staff_id, signed_off_on=on))
        store.log(conn, current_actor(by or signer.staff_id), "actions", action_id,
                  "action_signed_off", details={"signed_off_on": on})
        row = _get(conn, action_id)
    return _view(row, on)


def list_actions(
    conn: Connection, as_of: date, *, owner: str | None = None, state: str | None = None,
    allocation_id: str | None = None,
) -> list[dict[str, Any]]:
    if state is not None and state not in ACTION_STATES:
        raise UserError(f"--state {state!r} is not one of: {', '.join(ACTION_STATES)}.")
    q = select(s.actions).order_by(s.actions.c.due_date, s.actions.c.id)
    if owner:
        q = q.where(s.actions.c.owner_id == owner)
    if allocation_id:
        q = q.where(s.actions.c.allocation_id == allocation_id)
    out = [_view(r, as_of) for r in rows(conn, q)]
    return [r for r in out if state is None or r["state"] == state]


def overdue_actions(conn: Connection, as_of: date) -> list[dict[str, Any]]:
    """Open actions past their due date (every monthly report lists them until closed)."""
    return list_actions(conn, as_of, state="overdue")
