"""``audits status`` for people: rich tables rendered to text (no case data beyond ids)."""

from __future__ import annotations

import io
from typing import Any


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*["" if v is None else str(v) for v in r])
    return table


def render_status(status: dict[str, Any]) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=140, force_terminal=False, color_system=None)
    p = status["progress"]
    head = f"Audits for {status['month']} on {status['as_of']} (due {status['due_date']})"
    if status["synthetic"]:
        head += "  SYNTHETIC SAMPLE DATA"
    console.print(head, markup=False)
    console.print(_table("Allocations", [
        "allocation", "auditor", "email", "child", "category", "team", "due", "days to due",
        "state", "checks"], [[
            r["allocation_id"], f"{r['auditor_id']} {r['auditor_name'] or ''}".strip(),
            r["auditor_email"], r["child_id"], r["category"], r["team"], r["due_date"],
            r["days_to_due"], r["state"], "; ".join(r["checks"])]
        for r in status["allocations"]]))
    if status["checks"]:
        console.print(_table("Checks against the latest extract",
                             ["allocation", "check", "detail"],
                             [[c["allocation_id"], c["check"], c["detail"]]
                              for c in status["checks"]]))
    elif not status["extract_checked"]:
        console.print("Checks against the latest extract: skipped (no --data).", markup=False)
    if status["non_compliance"]:
        console.print(_table("Non-compliance", ["staff", "name", "role", "reason"], [
            [r["staff_id"], r.get("name"), r.get("role"), r["reason"]]
            for r in status["non_compliance"]]))
    if status["escalations"]:
        console.print(_table("Escalations", [
            "id", "allocation", "child", "identified", "told", "told on", "late",
            "acknowledged"], [[
                e["escalation_id"], e["allocation_id"], e["child_id"], e["identified_on"],
                e["told_staff_id"], e["told_on"], "yes" if e["late"] else "",
                e["acknowledged_on"] or "no"] for e in status["escalations"]]))
    if status["actions"]:
        console.print(_table("Actions not signed off", [
            "id", "allocation", "child", "owner", "due", "state"], [[
                a["action_id"], a["allocation_id"], a["child_id"], a["owner_id"],
                a["due_date"], a["state"]] for a in status["actions"]]))
    share = p["percent_of_caseload_audited_12m"]
    console.print(
        f"Audit year from {p['audit_year_start']}: {p['completed']} of {p['target']} audits "
        f"completed (expected by now: {p['expected_to_date']:g}). Caseload {p['caseload']} "
        f"children; {p['children_audited_12m']} audited in the last 12 months"
        + (f" ({share}%)." if share is not None else "."), markup=False)
    fc = status.get("family_contact")
    if fc:
        pct = fc["share_percent"]
        console.print(
            f"Family contact this audit year: {fc['with_family_contact']} of "
            f"{fc['completed_audits']} completed audits"
            + (f" ({pct:g}%; the framework asks for 10%)." if pct is not None else "."),
            markup=False)
    att = status["attention"]
    console.print(f"Needs attention: {att['late_audits']} late audits, "
                  f"{att['overdue_actions']} overdue actions, "
                  f"{att['unacknowledged_escalations']} unacknowledged escalations.",
                  markup=False)
    return buffer.getvalue()
