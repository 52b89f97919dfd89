"""Family contact after Day 1: an auditor sets a flag aside for safety (with a reason) and
the flag moves to another allocation reproducibly; and the audit year's share of completed
audits that included contact with the family."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select

from ..calendar import add_months
from ..errors import UserError
from . import schema as s
from .review_common import get_allocation, month_seed, rows
from .store import Store, current_actor


def decline_family_contact(
    store: Store, allocation_id: str, *, reason: str, on: date, by: str | None = None,
) -> dict[str, Any]:
    """Clear the flag on ``allocation_id`` and move it (``sampling.changes``' rule)."""
    from ..sampling.changes import move_family_contact

    if not reason.strip():
        raise UserError("Setting family contact aside needs --reason TEXT (for safety, why).")
    with store.transaction() as conn:
        alloc = get_allocation(conn, allocation_id)
        aid = alloc["allocation_id"]
        if not alloc["family_contact"]:
            raise UserError(f"{aid} is not flagged for family contact; nothing to decline.")
        if alloc["state"] not in s.OPEN_STATES:
            raise UserError(f"{aid} is {alloc['state']}: only an open audit's flag can move.")
        month_rows = rows(conn, select(s.allocations).where(and_(
            s.allocations.c.month == alloc["month"], s.allocations.c.tier == 2)))
        run_seed = _run_seed(conn, alloc["run_id"]) if alloc["run_id"] is not None else None
        seed = int(run_seed) if run_seed is not None else month_seed(conn, alloc["month"])
        target = move_family_contact(month_rows, aid, seed)
        actor = current_actor(by)
        conn.execute(s.allocations.update().where(s.allocations.c.allocation_id == aid).values(
            family_contact=False, family_contact_declined_reason=reason.strip(),
            family_contact_declined_by=actor, family_contact_declined_on=on))
        if target is not None:
            conn.execute(s.allocations.update().where(
                s.allocations.c.allocation_id == target).values(family_contact=True))
            store.log(conn, actor, "allocations", target, "family_contact_flagged",
                      reason=f"moved from {aid}", details={"moved_from": aid})
        store.log(conn, actor, "allocations", aid, "family_contact_declined",
                  reason=reason.strip(), details={"moved_to": target})
    return {"allocation_id": aid, "declined_on": on.isoformat(), "moved_to": target,
            "note": None if target else "no other open allocation this month can take the "
                                        "flag; it is recorded as declined"}


def _run_seed(conn: Connection, run_id: int) -> int | None:
    return conn.execute(select(s.sampling_runs.c.seed)
                        .where(s.sampling_runs.c.id == run_id)).scalar()


def audit_year_bounds(on: date, year_start_month: int = 1) -> tuple[str, str]:
    """First and last month (YYYY-MM) of the audit year holding ``on``."""
    year = on.year if on.month >= year_start_month else on.year - 1
    start = date(year, year_start_month, 1)
    end = add_months(start, 11)
    return start.isoformat()[:7], end.isoformat()[:7]


def family_contact_share(conn: Connection, on: date, year_start_month: int = 1
                         ) -> dict[str, Any]:
    """Completed audits this audit year, how many included family contact, the percent,
    and how many allocations carry the flag (the target is ceil(10%) of each month's n)."""
    first, last = audit_year_bounds(on, year_start_month)
    found = rows(conn, select(s.allocations.c.family_contact, s.audits.c.family_contact_done)
                 .join(s.audits, and_(s.audits.c.allocation_id == s.allocations.c.allocation_id,
                                      s.audits.c.current.is_(True),
                                      s.audits.c.grade.is_not(None)), isouter=True)
                 .where(and_(s.allocations.c.month >= first, s.allocations.c.month <= last,
                             s.allocations.c.state != "replaced")))
    done = sum(1 for r in found if r["family_contact_done"])
    audited = conn.execute(select(s.audits.c.id).join(
        s.allocations, s.allocations.c.allocation_id == s.audits.c.allocation_id).where(and_(
            s.audits.c.current.is_(True), s.audits.c.grade.is_not(None),
            s.allocations.c.month >= first, s.allocations.c.month <= last))).all()
    n = len(audited)
    return {"year_from": first, "year_to": last, "completed_audits": n,
            "with_family_contact": done,
            "share_percent": round(100.0 * done / n, 1) if n else None,
            "flagged_allocations": sum(1 for r in found if r["family_contact"])}
