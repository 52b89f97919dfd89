"""The sections of ``audits status`` other than the allocation list (see ``status.py``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from ..calendar import WorkingCalendar
from . import schema as s
from .staff_roles import directory_from_frame, same_team

if TYPE_CHECKING:
    from ..ingest.model import Extract


def extract_checks(allocations: list[dict[str, Any]], extract: Extract,
                   as_of: date) -> list[dict[str, Any]]:
    """Open allocations the latest extract casts doubt on: closed, transferred, a new
    conflict, or an auditor no longer active."""
    open_rows = [r for r in allocations if r["stored_state"] in s.OPEN_STATES]
    if not open_rows:
        return []
    held: dict[str, tuple[str, str | None]] = {}
    if extract.has("allocations"):
        from ..sampling.population import current_allocations

        frame = extract.get("allocations")
        ids = {r["child_id"] for r in open_rows}
        now = current_allocations(frame.loc[frame["child_id"].isin(ids)], as_of)
        held = {str(c): (str(t), None if w is None or w != w else str(w))
                for c, t, w in zip(now["child_id"], now["team"], now["worker_id"], strict=True)}
    staff = directory_from_frame(extract.get("staff")) if extract.has("staff") else None
    out: list[dict[str, Any]] = []

    def add(row: dict[str, Any], check: str, detail: str) -> None:
        out.append({"allocation_id": row["allocation_id"], "child_id": row["child_id"],
                    "auditor_id": row["auditor_id"], "check": check, "detail": detail})

    for row in open_rows:
        member = staff.get(row["auditor_id"]) if staff is not None else None
        if staff is not None and (member is None or not member.active):
            add(row, "auditor_inactive", f"{row['auditor_id']} is "
                + ("not in the staff table" if member is None else "no longer active")
                + "; reassign the audit (`cfcs-qa audits reassign`)")
        if not extract.has("allocations"):
            continue
        if row["child_id"] not in held:
            add(row, "closed", f"no open allocation on {as_of.isoformat()}: the case looks "
                "closed; withdraw the audit if so (`cfcs-qa audits withdraw`)")
            continue
        team, worker = held[row["child_id"]]
        auditor_team = member.team if member is not None else None
        if same_team(team, auditor_team):
            add(row, "conflict", f"the case is now held by {team}, the auditor's team; "
                "reassign the audit")
        elif not same_team(team, row["team"]):
            add(row, "transferred", f"the case moved from {row['team']} to {team}")
        if worker is not None and worker == row["auditor_id"]:
            add(row, "conflict", "the auditor is now the case's worker; reassign the audit")
    return out


def _iso_values(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


def escalation_section(conn: Connection, month: str,
                       cal: WorkingCalendar) -> list[dict[str, Any]]:
    """Unacknowledged escalations (any month), plus acknowledged ones identified in ``month``
    that were passed on more than one working day after they were found."""
    from .escalation import escalation_rows

    out = {r["escalation_id"]: r for r in escalation_rows(conn, cal)}
    for r in escalation_rows(conn, cal, include_acknowledged=True, month=month):
        if r["late"]:
            out.setdefault(r["escalation_id"], r)
    ordered = sorted(out.values(), key=lambda r: (r["identified_on"], r["escalation_id"]))
    return [_iso_values(r) for r in ordered]


def action_section(conn: Connection, as_of: date) -> list[dict[str, Any]]:
    """Actions not yet signed off (state open, overdue or completed)."""
    from .actions import list_actions

    return [_iso_values(r) for r in list_actions(conn, as_of) if r["state"] != "signed_off"]


def non_compliance_section(conn: Connection, month: str, as_of: date) -> list[dict[str, Any]]:
    """Expected auditors with no completed audit or moderation and no exemption."""
    from .compliance import non_compliant

    return [_iso_values(r) for r in non_compliant(conn, month, as_of)]
