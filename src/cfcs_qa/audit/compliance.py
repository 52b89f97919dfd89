"""Monthly compliance: every expected auditor is compliant (a completed audit or moderation in
the month), exempt (excluded, reassigned, withdrawn), pending (an audit not yet due) or
non-compliant, each with its reason, for the associate director.

"In the month" means: an audit of the month's allocations completed (whenever it came back),
or any audit or moderation with its completed/moderated date in the month. A service
manager's moderation counts instead of an audit (the framework); so does anyone's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from . import schema as s
from .review_common import active_run, rows

STATUSES = ("compliant", "exempt", "pending", "non_compliant")


@dataclass(frozen=True)
class AuditorMonth:
    """What one auditor did in the month (plain data for :func:`assess`)."""

    staff_id: str
    name: str | None = None
    role: str | None = None
    team: str | None = None
    email: str | None = None
    exemptions: tuple[str, ...] = ()
    """Recorded at the sample (excluded, on leave)."""
    completed: tuple[str, ...] = ()
    """Allocation ids of audits completed (counted for the month)."""
    moderated: tuple[str, ...] = ()
    open_allocations: tuple[tuple[str, date], ...] = ()
    """(allocation id, due date) still open."""
    reassigned_away: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def assess(person: AuditorMonth, as_of: date) -> dict[str, Any]:
    """One compliance row: status, reason and exemption."""
    base = {"staff_id": person.staff_id, "name": person.name, "role": person.role,
            "team": person.team, "email": person.email,
            "completed": list(person.completed), "moderated": list(person.moderated)}
    if person.completed or person.moderated:
        what = []
        if person.completed:
            what.append(f"audit {', '.join(person.completed)} completed")
        if person.moderated:
            what.append(f"moderated {', '.join(person.moderated)}")
        return {**base, "status": "compliant", "reason": "; ".join(what), "exemption": None}
    late = [(a, d) for a, d in person.open_allocations if d < as_of]
    waiting = [(a, d) for a, d in person.open_allocations if d >= as_of]
    if late:
        reason = "; ".join(f"audit {a} not completed by its due date {d.isoformat()}"
                           for a, d in late)
        return {**base, "status": "non_compliant", "reason": reason, "exemption": None}
    if waiting:
        reason = "; ".join(f"audit {a} due {d.isoformat()}" for a, d in waiting)
        return {**base, "status": "pending", "reason": reason, "exemption": None}
    exemption = None
    if person.exemptions:
        exemption = "excluded: " + "; ".join(person.exemptions)
    elif person.reassigned_away:
        exemption = "reassigned: " + ", ".join(person.reassigned_away)
    elif person.withdrawn:
        exemption = "withdrawn: " + ", ".join(person.withdrawn)
    if exemption:
        return {**base, "status": "exempt", "reason": exemption, "exemption": exemption}
    return {**base, "status": "non_compliant",
            "reason": "no audit allocated or completed and no moderation this month",
            "exemption": None}


def assess_all(people: Iterable[AuditorMonth], as_of: date) -> list[dict[str, Any]]:
    return [assess(p, as_of) for p in sorted(people, key=lambda p: p.staff_id)]


def _month_bounds(month: str) -> tuple[date, date]:
    from ..calendar import month_end

    first = date(int(month[:4]), int(month[5:7]), 1)
    return first, month_end(first)


def gather(conn: Connection, month: str,
           extra_staff: Sequence[Mapping[str, Any]] = ()) -> list[AuditorMonth]:
    """The month's expected auditors from the store (the sample's ``run_auditors``
    snapshot, plus ``extra_staff`` rows with staff_id/display_name/role/team/email)."""
    first, last = _month_bounds(month)
    run = active_run(conn, month)
    people: dict[str, dict[str, Any]] = {}
    if run is not None:
        for r in rows(conn, select(s.run_auditors).where(s.run_auditors.c.run_id == run["id"])):
            people[r["staff_id"]] = {"name": r["display_name"], "role": r["role"],
                                     "team": r["team"], "email": r["email"]}
    for extra in extra_staff:
        people.setdefault(str(extra["staff_id"]), {
            "name": extra.get("display_name"), "role": extra.get("role"),
            "team": extra.get("team"), "email": extra.get("email")})
    exemptions: dict[str, list[str]] = {}
    if run is not None:
        for r in rows(conn, select(s.auditor_exemptions)
                      .where(s.auditor_exemptions.c.run_id == run["id"])):
            exemptions.setdefault(r["staff_id"], []).append(r["detail"] or r["reason"])
    allocs = rows(conn, select(s.allocations).where(s.allocations.c.month == month))
    done_rows = rows(conn, select(s.audits.c.allocation_id, s.audits.c.auditor_id,
                                  s.audits.c.completed_date, s.allocations.c.month,
                                  s.allocations.c.auditor_id.label("allocated_to"))
                     .join(s.allocations,
                           s.allocations.c.allocation_id == s.audits.c.allocation_id)
                     .where(and_(s.audits.c.current.is_(True), s.audits.c.grade.is_not(None),
                                 or_(s.allocations.c.month == month,
                                     and_(s.audits.c.completed_date >= first,
                                          s.audits.c.completed_date <= last)))))
    completed: dict[str, list[str]] = {}
    for r in done_rows:
        who = r["auditor_id"] or r["allocated_to"]
        completed.setdefault(who, []).append(r["allocation_id"])
    moderated: dict[str, list[str]] = {}
    for r in rows(conn, select(s.moderations.c.moderator_id, s.moderations.c.allocation_id)
                  .where(and_(s.moderations.c.moderated_on >= first,
                              s.moderations.c.moderated_on <= last))):
        moderated.setdefault(r["moderator_id"], []).append(r["allocation_id"])
    reassigned: dict[str, list[str]] = {}
    month_ids = {a["allocation_id"] for a in allocs}
    for r in rows(conn, select(s.allocation_reassignments)):
        if r["allocation_id"] in month_ids:
            reassigned.setdefault(r["from_staff_id"], []).append(r["allocation_id"])
    open_allocs: dict[str, list[tuple[str, date]]] = {}
    withdrawn: dict[str, list[str]] = {}
    for a in allocs:
        if a["state"] in s.OPEN_STATES:
            open_allocs.setdefault(a["auditor_id"], []).append((a["allocation_id"],
                                                                a["due_date"]))
        elif a["state"] == "withdrawn":
            withdrawn.setdefault(a["auditor_id"], []).append(a["allocation_id"])
    return [
        AuditorMonth(
            staff_id=sid, name=p["name"], role=p["role"], team=p["team"], email=p["email"],
            exemptions=tuple(exemptions.get(sid, ())),
            completed=tuple(sorted(set(completed.get(sid, ())))),
            moderated=tuple(sorted(set(moderated.get(sid, ())))),
            open_allocations=tuple(sorted(open_allocs.get(sid, ()))),
            reassigned_away=tuple(sorted(set(reassigned.get(sid, ())))),
            withdrawn=tuple(sorted(withdrawn.get(sid, ()))),
        )
        for sid, p in people.items()
    ]


def compliance(conn: Connection, month: str, as_of: date,
               extra_staff: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """One row per expected auditor for ``month`` (status in STATUSES), sorted by staff id.

    Expected auditors are the sample's auditor snapshot for the month; pass ``extra_staff``
    (e.g. the staff table's expected auditors) to include people the sample did not list.
    """
    return assess_all(gather(conn, month, extra_staff), as_of)


def non_compliant(conn: Connection, month: str, as_of: date,
                  extra_staff: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    return [r for r in compliance(conn, month, as_of, extra_staff)
            if r["status"] == "non_compliant"]
