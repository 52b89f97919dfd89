"""Store look-ups shared by the review-stage modules (moderation, disputes, escalations,
Tier 3, actions, compliance). Everything here runs inside a caller's connection."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select

from ..errors import UserError
from . import schema as s
from .staff_roles import StaffMember


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def previous_month(label: str) -> str:
    year, month = int(label[:4]), int(label[5:7])
    return month_label(year - 1, 12) if month == 1 else month_label(year, month - 1)


def get_allocation(conn: Connection, allocation_id: str) -> dict[str, Any]:
    row = conn.execute(
        select(s.allocations).where(s.allocations.c.allocation_id == allocation_id.strip())
    ).mappings().first()
    if row is None:
        raise UserError(
            f"There is no allocation {allocation_id} in the audit store. Allocation ids look "
            "like 2026-11-001; `cfcs-qa audits status --month YYYY-MM` lists them."
        )
    return dict(row)


def current_audit(conn: Connection, allocation_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(s.audits).where(and_(s.audits.c.allocation_id == allocation_id,
                                    s.audits.c.current.is_(True)))
    ).mappings().first()
    return dict(row) if row is not None else None


def require_completed_audit(conn: Connection, allocation_id: str, what: str) -> dict[str, Any]:
    audit = current_audit(conn, allocation_id)
    if audit is None or audit.get("grade") is None:
        raise UserError(
            f"Allocation {allocation_id} has no completed audit in the store yet, so it cannot "
            f"{what}. Import the completed toolkit first (`cfcs-qa audits import FILE`)."
        )
    return audit


def require_live(allocation: dict[str, Any], what: str) -> None:
    """Refuse work on a withdrawn or replaced allocation."""
    if allocation["state"] in ("withdrawn", "replaced"):
        raise UserError(
            f"Allocation {allocation['allocation_id']} was {allocation['state']}, so it cannot "
            f"{what}."
        )


def active_run(conn: Connection, month: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(s.sampling_runs).where(and_(s.sampling_runs.c.month == month,
                                           s.sampling_runs.c.status == "active"))
    ).mappings().first()
    return dict(row) if row is not None else None


def month_seed(conn: Connection, month: str) -> int:
    """The month's sample seed; a month with no sample uses YYYYMM (reproducible, stated)."""
    run = active_run(conn, month)
    if run is not None:
        return int(run["seed"])
    return int(month.replace("-", ""))


def snapshot(member: StaffMember, prefix: str) -> dict[str, Any]:
    """A staff member as they are now, for the ``<prefix>_name/role/team`` columns."""
    return {
        f"{prefix}_name": member.display_name,
        f"{prefix}_role": member.role,
        f"{prefix}_team": member.team,
    }


def iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def check_not_future(value: date, option: str, today: date) -> date:
    if value > today:
        raise UserError(
            f"{option} {value.isoformat()} is in the future (today is {today.isoformat()}). "
            "Record things once they have happened."
        )
    return value


def known_child(conn: Connection, child_id: str) -> bool:
    found = conn.execute(
        select(s.allocations.c.child_id).where(s.allocations.c.child_id == child_id).limit(1)
    ).first()
    if found is None:
        found = conn.execute(
            select(s.run_population.c.child_id)
            .where(s.run_population.c.child_id == child_id).limit(1)
        ).first()
    return found is not None


def insert_id(conn: Connection, statement: Any) -> int:
    """Execute an insert and return the new row's integer id."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def rows(conn: Connection, query: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(query).mappings().all()]


def jsonable_rows(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Dates as ISO text, everything else as is (for JSON output)."""
    out = []
    for item in items:
        out.append({k: (v.isoformat() if isinstance(v, date) else v) for k, v in item.items()})
    return out
