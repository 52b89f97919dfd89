"""What ``audits status`` shows, as plain dicts (the CLI only renders).

- ``allocations``: the month's allocations plus any still open from earlier months, each with
  its auditor (as stored), due date, working days to due and a state: ``issued``,
  ``reassigned``, ``late`` (open past its due date), ``completed``, ``withdrawn`` or
  ``replaced``; and ``checks`` against the latest extract when one is given.
- ``checks`` against the extract, for open allocations: ``closed`` (no open allocation for
  the child), ``transferred`` (held by another team now), ``conflict`` (held by the auditor's
  team, or the auditor is now the worker), ``auditor_inactive`` (not active or gone).
- ``non_compliance``: after the due date, each available auditor of the month's sample with
  no completed audit or moderation in the month and no exemption (excluded, reassigned,
  withdrawn), with the reason.
- ``escalations``: every escalation not yet acknowledged, and any told more than one working
  day after it was identified (``told_late``).
- ``actions``: actions not signed off; ``overdue`` past their due date.
- ``progress``: completed audits in the audit year against the yearly target, and the share
  of the caseload (distinct children in the population at any stored Day 1 of the audit
  year) with an audit completed in the 12 months to ``as_of``.
- ``attention``: the counts behind ``--fail-on-overdue``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, func, or_, select

from ..calendar import WorkingCalendar, add_months
from . import schema as s
from .cycle_dates import due_date as month_due_date
from .cycle_dates import working_days_to
from .family_contact import family_contact_share
from .status_parts import (
    action_section,
    escalation_section,
    extract_checks,
    non_compliance_section,
)

if TYPE_CHECKING:
    from ..ingest.model import Extract


def audit_year_start(year: int, month: int, start_month: int = 1) -> date:
    return date(year if month >= start_month else year - 1, start_month, 1)


def _state(row: dict[str, Any], as_of: date) -> str:
    if row["state"] in s.OPEN_STATES and as_of > row["due_date"]:
        return "late"
    return str(row["state"])


def allocation_rows(conn: Connection, month: str, as_of: date,
                    cal: WorkingCalendar) -> list[dict[str, Any]]:
    a, au = s.allocations, s.audits
    query = (select(a, au.c.completed_date, au.c.grade)
             .outerjoin(au, and_(au.c.allocation_id == a.c.allocation_id, au.c.current))
             .where(or_(a.c.month == month,
                        and_(a.c.month < month, a.c.state.in_(s.OPEN_STATES))))
             .order_by(a.c.allocation_id))
    out = []
    for r in conn.execute(query).mappings():
        row = dict(r)
        is_open = row["state"] in s.OPEN_STATES
        completed = row["completed_date"]
        out.append({
            "allocation_id": row["allocation_id"], "month": row["month"], "tier": row["tier"],
            "child_id": row["child_id"], "category": row["category"], "team": row["team"],
            "auditor_id": row["auditor_id"], "auditor_name": row["auditor_name"],
            "auditor_email": row["auditor_email"], "auditor_role": row["auditor_role"],
            "issued_date": row["issued_date"].isoformat(),
            "due_date": row["due_date"].isoformat(),
            "days_to_due": working_days_to(cal, as_of, row["due_date"]) if is_open else None,
            "state": _state(row, as_of), "stored_state": row["state"],
            "completed_date": completed.isoformat() if completed else None,
            "completed_late": bool(completed and completed > row["due_date"]),
            "family_contact": bool(row["family_contact"]),
            "moderation_required": bool(row["moderation_required"]),
            "replaces": row["replaces"], "replaced_by": row["replaced_by"],
            "state_reason": row["state_reason"], "worker_id": row["worker_id"],
            "checks": [],
        })
    return out


def progress(conn: Connection, month: str, as_of: date, audit: Any) -> dict[str, Any]:
    year, mon = int(month[:4]), int(month[5:7])
    start = audit_year_start(year, mon, int(getattr(audit, "year_start_month", 1)))
    end = add_months(start, 12)
    months = [f"{d.year:04d}-{d.month:02d}" for d in (add_months(start, i) for i in range(12))]
    a, au, rp, run = s.allocations, s.audits, s.run_population, s.sampling_runs
    done = and_(au.c.current, au.c.completed_date.is_not(None))
    completed = conn.execute(
        select(func.count()).select_from(au.join(a, a.c.allocation_id == au.c.allocation_id))
        .where(done, au.c.completed_date >= start, au.c.completed_date < end)).scalar_one()
    caseload_q = (select(rp.c.child_id).distinct().join(run, run.c.id == rp.c.run_id)
                  .where(run.c.status == "active", run.c.month.in_(months)))
    caseload = set(conn.execute(caseload_q).scalars())
    since = add_months(as_of, -12)
    audited = set(conn.execute(
        select(a.c.child_id).distinct().join(au, au.c.allocation_id == a.c.allocation_id)
        .where(done, au.c.completed_date > since, au.c.completed_date <= as_of)).scalars())
    target = int(getattr(audit, "yearly_target", 125))
    elapsed = sum(1 for m in months if m <= month)
    covered = len(audited & caseload)
    return {
        "audit_year_start": start.isoformat(),
        "audit_year_end": (end - timedelta(days=1)).isoformat(),
        "completed": int(completed), "target": target,
        "expected_to_date": round(target * elapsed / 12, 1),
        "percent_of_target": round(100 * completed / target, 1) if target else None,
        "caseload": len(caseload), "children_audited_12m": covered,
        "percent_of_caseload_audited_12m": (round(100 * covered / len(caseload), 1)
                                            if caseload else None),
        "months_with_sample": sorted(set(conn.execute(
            select(run.c.month).where(run.c.status == "active", run.c.month.in_(months))
        ).scalars())),
    }


def build_status(conn: Connection, month: str, as_of: date, cal: WorkingCalendar,
                 settings: Any = None, extract: Extract | None = None,
                 synthetic: bool = False) -> dict[str, Any]:
    """Everything ``audits status`` reports for ``month`` (``YYYY-MM``) on ``as_of``."""
    audit = getattr(settings, "audit", settings)
    before_last = int(getattr(audit, "due_working_days_before_last", 7))
    due = month_due_date(cal, int(month[:4]), int(month[5:7]), before_last)
    allocations = allocation_rows(conn, month, as_of, cal)
    checks = extract_checks(allocations, extract, as_of) if extract is not None else []
    by_id = {r["allocation_id"]: r for r in allocations}
    for check in checks:
        by_id[check["allocation_id"]]["checks"].append(check["check"])
    escalations = escalation_section(conn, month, cal)
    actions = action_section(conn, as_of)
    late = [r["allocation_id"] for r in allocations if r["state"] == "late"]
    synthetic = synthetic or bool(conn.execute(select(s.sampling_runs.c.synthetic).where(
        s.sampling_runs.c.month == month, s.sampling_runs.c.status == "active")).scalar())
    return {
        "month": month, "as_of": as_of.isoformat(), "synthetic": synthetic,
        "due_date": due.isoformat(), "extract_checked": extract is not None,
        "allocations": allocations, "late": late, "checks": checks,
        "non_compliance": non_compliance_section(conn, month, as_of),
        "escalations": escalations, "actions": actions,
        "progress": progress(conn, month, as_of, audit),
        "family_contact": family_contact_share(
            conn, date(int(month[:4]), int(month[5:7]), 1),
            int(getattr(audit, "year_start_month", 1))),
        "attention": {
            "late_audits": len(late),
            "overdue_actions": sum(1 for x in actions if x["state"] == "overdue"),
            "unacknowledged_escalations": sum(1 for e in escalations if not e["acknowledged"]),
        },
    }


def needs_attention(status: dict[str, Any]) -> bool:
    """``--fail-on-overdue``: a late audit, an overdue action or an unacknowledged escalation."""
    return any(status["attention"].values())
