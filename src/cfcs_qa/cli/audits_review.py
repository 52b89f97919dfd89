"""``cfcs-qa audits moderate | moderation-sample | agreement | meeting | dispute | escalate |
acknowledge | tier3 | family-contact`` (and, from ``audits_actions``, ``actions`` and
``reaudit``). Each parses options, calls one library function in ``cfcs_qa.audit``, renders."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AsOfOpt, ConfigOpt, DataOpt, DbOpt, as_of_date
from .review_support import (
    ByOpt,
    ByRequired,
    FormatOpt,
    OnOpt,
    Staff,
    event_date,
    month_label,
    open_review_store,
    render,
    settings_for,
)

AllocationArg = Annotated[str, typer.Argument(help="Allocation id, e.g. 2026-11-003.")]
MonthOpt = Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: this month).")]


def register(audits_app: typer.Typer) -> None:
    from . import audits_actions

    for name, func, text in (
        ("moderation-sample", moderation_sample_command,
         "The month's audits to moderate (every inadequate and outstanding one plus a seeded "
         "share of the rest) with a moderator outside the auditor's and the case's team; "
         "--allocate stores them. Example: cfcs-qa audits moderation-sample --month 2026-11 "
         "--allocate --by S002"),
        ("moderate", moderate_command,
         "Record a moderation: the moderated grade (the final grade), agreement and notes. "
         "Example: cfcs-qa audits moderate 2026-11-003 --by S004 --grade good --agree "
         "--notes 'grading consistent with the evidence'"),
        ("agreement", agreement_command,
         "Moderation agreement rates (PDQA co-ordinator only). Example: cfcs-qa audits "
         "agreement --as S002 --month 2026-11"),
        ("meeting", meeting_command,
         "Record the meeting with the worker and manager. Example: cfcs-qa audits meeting "
         "2026-11-003 --held --date 2026-11-12 --who S021 --who W1 --joint "
         "--worker-comments 'agreed' --by S021"),
        ("dispute", dispute_command,
         "Raise a dispute about a grade (worker or manager), or --decide it (the S&QA "
         "service manager). Example: cfcs-qa audits dispute 2026-11-003 --by W1 --evidence "
         "'plan reviewed on time'; cfcs-qa audits dispute 2026-11-003 --decide --by S003 "
         "--outcome upheld --grade-after good"),
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
    audits_actions.register(audits_app)


def moderation_sample_command(
    month: MonthOpt = None,
    allocate: Annotated[bool, typer.Option("--allocate", help="Store the new picks.")] = False,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="Staff id not available to moderate this month (repeatable).")] = None,
    by: ByOpt = None, data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.moderation_store import moderation_sample

    settings = settings_for(config)
    today = as_of_date(as_of)
    staff = Staff(data, settings, today)
    label = month_label(month, today)
    with open_review_store(db, settings) as store:
        rows = moderation_sample(store, label, share=settings.audit.moderation_share,
                                 staff=staff.directory, allocate=allocate,
                                 unavailable=tuple(exclude or ()), by=by)
    render({"month": label, "share": settings.audit.moderation_share, "allocated": allocate,
            "moderations": rows}, fmt, message=f"Moderation sample for {label}"
           + ("" if allocate else " (proposal: --allocate stores it)"),
           tables={"moderations": None}, synthetic=staff.synthetic)


def moderate_command(
    allocation_id: AllocationArg,
    by: ByRequired,
    grade: Annotated[str, typer.Option("--grade", help="The moderated grade.")],
    agree: Annotated[bool | None, typer.Option(
        "--agree/--disagree", help="Whether the moderator agrees with the auditor.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Moderation notes.")] = None,
    on: OnOpt = None, data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.moderation_store import record_moderation
    from ..audit.review_rules import parse_grade
    from ..audit.staff_roles import lookup
    from ..errors import UserError

    if agree is None:
        raise UserError("Say whether the moderator agrees with the auditor: --agree or "
                        "--disagree.")
    settings = settings_for(config)
    today = as_of_date(as_of)
    staff = Staff(data, settings, today)
    moderator = lookup(staff.directory, by)
    with open_review_store(db, settings) as store:
        out = record_moderation(store, allocation_id, moderator, grade=parse_grade(grade),
                                agree=agree, notes=notes, on=event_date(on, "--on", today))
    render(out, fmt, message=f"{out['allocation_id']} moderated by {out['moderator_id']}: "
           f"{out['grade']} ({'agrees' if agree else 'disagrees'} with the auditor's "
           f"{out['auditor_grade'] or 'grade'}). The final grade is now {out['grade']}.",
           synthetic=staff.synthetic)


def agreement_command(
    as_staff: Annotated[str, typer.Option("--as", help="Your staff id (PDQA co-ordinator).")],
    month: Annotated[str | None, typer.Option("--month", help="One month, YYYY-MM.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="A whole calendar year.")] = None,
    data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
    config: ConfigOpt = None,
) -> None:
    from ..audit.moderation_store import agreement_report

    settings = settings_for(config)
    today = as_of_date(as_of)
    staff = Staff(data, settings, today)
    if month:
        span = (month_label(month, today),) * 2
    else:
        y = year or today.year
        span = (f"{y:04d}-01", f"{y:04d}-12")
    with open_review_store(db, settings) as store:
        report = agreement_report(store, as_staff, staff.directory, (span[0], span[1]))
    render(report, fmt, tables={"by_month": None, "by_auditor": None, "by_tier": None},
           synthetic=staff.synthetic)


def meeting_command(
    allocation_id: AllocationArg,
    held: Annotated[bool, typer.Option("--held/--not-held", help="Was the meeting held?")],
    held_on: Annotated[str | None, typer.Option("--date", help="When, YYYY-MM-DD.")] = None,
    who: Annotated[list[str] | None, typer.Option(
        "--who", help="Who attended: staff id or role (repeatable).")] = None,
    joint: Annotated[bool | None, typer.Option(
        "--joint/--separate", help="Worker and manager together, or separately.")] = None,
    worker_comments: Annotated[str | None, typer.Option("--worker-comments")] = None,
    manager_comments: Annotated[str | None, typer.Option("--manager-comments")] = None,
    minutes: Annotated[str | None, typer.Option("--minutes", help="Minutes (Tier 3).")] = None,
    by: ByOpt = None, as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
    config: ConfigOpt = None,
) -> None:
    from ..audit.disputes import record_meeting

    settings = settings_for(config)
    today = as_of_date(as_of)
    day = event_date(held_on, "--date", today) if held_on else None
    with open_review_store(db, settings) as store:
        out = record_meeting(store, allocation_id, held=held, held_on=day,
                             attendees=list(who or ()), joint=joint,
                             worker_comments=worker_comments,
                             manager_comments=manager_comments, minutes=minutes, by=by)
    render(out, fmt, message=f"Meeting recorded for {out['allocation_id']} "
           f"({'held ' + str(out['held_on']) if held else 'not held'}).")


def dispute_command(
    allocation_id: AllocationArg,
    by: ByRequired,
    decide: Annotated[bool, typer.Option("--decide", help="Decide the open dispute.")] = False,
    evidence: Annotated[str | None, typer.Option("--evidence", help="Raising: why.")] = None,
    outcome: Annotated[str | None, typer.Option(
        "--outcome", help="Deciding: upheld, partly_upheld or not_upheld.")] = None,
    grade_after: Annotated[str | None, typer.Option("--grade-after")] = None,
    on: OnOpt = None, data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.disputes import decide_dispute, raise_dispute
    from ..audit.review_rules import parse_grade
    from ..audit.staff_roles import lookup
    from ..errors import UserError

    settings = settings_for(config)
    today = as_of_date(as_of)
    staff = Staff(data, settings, today)
    day = event_date(on, "--on", today)
    with open_review_store(db, settings) as store:
        if decide:
            if outcome is None:
                raise UserError("Deciding a dispute needs --outcome (upheld, partly_upheld "
                                "or not_upheld).")
            out = decide_dispute(store, allocation_id, staff.directory, by, outcome=outcome,
                                 grade_after=parse_grade(grade_after, "--grade-after")
                                 if grade_after else None, on=day)
            text = (f"Dispute on {out['allocation_id']} {out['outcome']}: "
                    f"{out['grade_before']} -> {out['grade_after']}.")
        else:
            out = raise_dispute(store, allocation_id, lookup(staff.directory, by),
                                evidence=evidence or "", on=day)
            text = (f"Dispute {out['dispute_id']} raised on {out['allocation_id']} (grade "
                    f"{out['grade_before']}); the S&QA service manager decides it.")
    render(out, fmt, message=text, synthetic=staff.synthetic)


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

    settings = settings_for(config)
    today = as_of_date(as_of)
    staff = Staff(data, settings, today)
    with open_review_store(db, settings) as store:
        out = record_escalation(
            store, target, calendar_for(settings), staff.directory,
            identified=event_date(identified, "--identified", today), told_id=told,
            told_on=event_date(told_on, "--told-on", today), summary=summary, by=by)
    late = (" LATE: told more than one working day after it was identified."
            if out["late"] else "")
    render(out, fmt, message=f"Escalation {out['escalation_id']} recorded for "
           f"{out['allocation_id'] or out['child_id']}; listed in status until the associate "
           f"director acknowledges it.{late}", synthetic=staff.synthetic)


def acknowledge_command(
    escalation_id: Annotated[int, typer.Argument(help="Escalation number (from status).")],
    by: ByRequired,
    on: OnOpt = None, data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.escalation import acknowledge

    settings = settings_for(config)
    today = as_of_date(as_of)
    staff = Staff(data, settings, today)
    with open_review_store(db, settings) as store:
        out = acknowledge(store, escalation_id, staff.directory, by,
                          on=event_date(on, "--on", today))
    render(out, fmt, message=f"Escalation {escalation_id} acknowledged by {by}.",
           synthetic=staff.synthetic)


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
    from .review_support import cycle_for

    settings = settings_for(config)
    today = as_of_date(as_of)
    label = month_label(month, today)
    with open_review_store(db, settings) as store:
        if choose_id is None:
            out = propose(store, label)
            render(out, fmt, message=f"Tier 3 for {label}, from {out['source_month']}'s "
                   "completed Tier 2 audits" + (f": chosen {out['chosen']['tier3_allocation_id']}"
                                                if out["chosen"] else ""),
                   tables={"shortlist": ["rank", "allocation_id", "child_id",
                                         "final_grade", "escalated", "reason"]})
            return
        if by is None:
            raise UserError("Choosing the Tier 3 audit needs --by STAFF (the associate "
                            "director).")
        staff = Staff(data, settings, today)
        issued, due = cycle_for(settings, label, today)
        out = choose(store, label, choose_id, staff.directory, by, reason=reason,
                     issued=issued, due=due)
    render(out, fmt, message=f"Tier 3 for {label}: {out['tier3_allocation_id']} follows "
           f"{out['source_allocation_id']}{' (override)' if out['overridden'] else ''}, due "
           f"{out['due_date']}; S&QA moderator: {out['moderator_id'] or 'none eligible'}.",
           synthetic=staff.synthetic)


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

    settings = settings_for(config)
    today = as_of_date(as_of)
    with open_review_store(db, settings) as store:
        if allocation_id is None:
            with store.read() as conn:
                share = family_contact_share(conn, today, settings.audit.year_start_month)
            render(share, fmt)
            return
        if not decline:
            raise UserError("Add --decline --reason TEXT to set this allocation's family-"
                            "contact flag aside.")
        out = decline_family_contact(store, allocation_id, reason=reason or "",
                                     on=event_date(on, "--on", today), by=by)
    moved = out["moved_to"]
    render(out, fmt, message=f"Family contact set aside on {out['allocation_id']}; "
           + (f"the flag moved to {moved}." if moved else str(out["note"]) + "."))
