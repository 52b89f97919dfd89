"""``cfcs-qa audits escalate | acknowledge | tier3 | family-contact``."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AsOfOpt, ConfigOpt, DataOpt, DbOpt
from .review_support import ByOpt, ByRequired, FormatOpt, MonthOpt, OnOpt, ReviewRun, cycle_for


def register(audits_app: typer.Typer) -> None:
    for name, func, text in (
        ("escalate", escalate_command,
         "Record an immediate concern as soon as it is found (raise it with the case manager "
         "first). Example: cfcs-qa audits escalate 2026-11-003 --identified 2026-11-06 "
         "--told S010 --told-on 2026-11-06"),
        ("acknowledge", acknowledge_command,
         "The associate director acknowledges an escalation. Example: cfcs-qa audits "
         "acknowledge 4 --by S001"),
        ("tier3", tier3_command,
         "Propose the month's Tier 3 shortlist, or --choose one (associate director; a "
         "reason when overriding). Example: cfcs-qa audits tier3 --month 2026-12 --choose "
         "2026-11-004 --by S001 --reason 'repeat concerns'"),
        ("family-contact", family_contact_command,
         "Set a family-contact flag aside for safety (it moves to another allocation), or "
         "show the audit year's share of audits with family contact. Example: cfcs-qa "
         "audits family-contact 2026-11-003 --decline --reason 'risk to the auditor'"),
    ):
        audits_app.command(name, help=text)(func)


def escalate_command(
    target: Annotated[str, typer.Argument(help="Allocation id (2026-11-003) or child id.")],
    identified: Annotated[str, typer.Option("--identified", help="When found, YYYY-MM-DD.")],
    told: Annotated[str, typer.Option("--told", help="Staff id of who was told.")],
    told_on: Annotated[str, typer.Option("--told-on", help="When they were told.")],
    summary: Annotated[str | None, typer.Option(
        "--summary", help="A short summary without names.")] = None,
    by: ByOpt = None, data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.cycle_dates import calendar_for
    from ..audit.escalation import record_escalation

    run = ReviewRun(config, as_of, db)
    staff = run.load_staff(data)
    with run.store() as store:
        out = record_escalation(
            store, target, calendar_for(run.settings), staff.directory,
            identified=run.on(identified, "--identified"), told_id=told,
            told_on=run.on(told_on, "--told-on"), summary=summary, by=by)
    late = (" LATE: told more than one working day after it was identified."
            if out["late"] else "")
    run.render(out, fmt, message=f"Escalation {out['escalation_id']} recorded for "
               f"{out['allocation_id'] or out['child_id']}; listed in status until the "
               f"associate director acknowledges it.{late}")


def acknowledge_command(
    escalation_id: Annotated[int, typer.Argument(help="Escalation number (from status).")],
    by: ByRequired,
    on: OnOpt = None, data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.escalation import acknowledge

    run = ReviewRun(config, as_of, db)
    staff = run.load_staff(data)
    with run.store() as store:
        out = acknowledge(store, escalation_id, staff.directory, by, on=run.on(on))
    run.render(out, fmt, message=f"Escalation {escalation_id} acknowledged by {by}.")


def tier3_command(
    month: MonthOpt = None,
    choose_id: Annotated[str | None, typer.Option(
        "--choose", help="The Tier 2 allocation to follow up (confirm or override).")] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why (required when overriding the proposal).")] = None,
    by: ByOpt = None, data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.tier3 import choose, propose
    from ..errors import UserError

    run = ReviewRun(config, as_of, db)
    label = run.month(month)
    with run.store() as store:
        if choose_id is None:
            out = propose(store, label)
            run.render(out, fmt, message=f"Tier 3 for {label}, from {out['source_month']}'s "
                       "completed Tier 2 audits"
                       + (f": chosen {out['chosen']['tier3_allocation_id']}"
                          if out["chosen"] else ""),
                       tables={"shortlist": ["rank", "allocation_id", "child_id",
                                             "final_grade", "escalated", "reason"]})
            return
        if by is None:
            raise UserError("Choosing the Tier 3 audit needs --by STAFF (the associate "
                            "director).")
        staff = run.load_staff(data)
        issued, due = cycle_for(run.settings, label, run.today)
        out = choose(store, label, choose_id, staff.directory, by, reason=reason,
                     issued=issued, due=due)
    run.render(out, fmt, message=f"Tier 3 for {label}: {out['tier3_allocation_id']} follows "
               f"{out['source_allocation_id']}{' (override)' if out['overridden'] else ''}, "
               f"due {out['due_date']}; S&QA moderator: "
               f"{out['moderator_id'] or 'none eligible'}.")


def family_contact_command(
    allocation_id: Annotated[str | None, typer.Argument(
        help="Allocation id; leave out to show the year's share.")] = None,
    decline: Annotated[bool, typer.Option("--decline", help="Set the flag aside.")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (for safety).")] = None,
    by: ByOpt = None, on: OnOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.family_contact import decline_family_contact, family_contact_share
    from ..errors import UserError

    run = ReviewRun(config, as_of, db)
    with run.store() as store:
        if allocation_id is None:
            with store.read() as conn:
                share = family_contact_share(conn, run.today,
                                             run.settings.audit.year_start_month)
            run.render(share, fmt)
            return
        if not decline:
            raise UserError("Add --decline --reason TEXT to set this allocation's family-"
                            "contact flag aside.")
        out = decline_family_contact(store, allocation_id, reason=reason or "",
                                     on=run.on(on), by=by)
    moved = out["moved_to"]
    run.render(out, fmt, message=f"Family contact set aside on {out['allocation_id']}; "
               + (f"the flag moved to {moved}." if moved else str(out["note"]) + "."))
