"""``cfcs-qa audits moderation-sample | moderate | agreement | meeting | dispute``; this
module's ``register`` also loads ``audits_followup`` (escalate, acknowledge, tier3,
family-contact) and ``audits_actions`` (actions, reaudit). Each command parses options, calls
one library function in ``cfcs_qa.audit``, renders."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AsOfOpt, ConfigOpt, DataOpt, DbOpt
from .review_support import (
    AllocationArg,
    ByOpt,
    ByRequired,
    FormatOpt,
    MonthOpt,
    OnOpt,
    ReviewRun,
)


def register(audits_app: typer.Typer) -> None:
    from . import audits_actions, audits_followup

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
    ):
        audits_app.command(name, help=text)(func)
    audits_followup.register(audits_app)
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

    run = ReviewRun(config, as_of, db)
    staff = run.load_staff(data)
    label = run.month(month)
    share = run.settings.audit.moderation_share
    with run.store() as store:
        rows = moderation_sample(store, label, share=share, staff=staff.directory,
                                 allocate=allocate, unavailable=tuple(exclude or ()), by=by)
    run.render({"month": label, "share": share, "allocated": allocate, "moderations": rows},
               fmt, message=f"Moderation sample for {label}"
               + ("" if allocate else " (proposal: --allocate stores it)"),
               tables={"moderations": None})


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
    run = ReviewRun(config, as_of, db)
    staff = run.load_staff(data)
    moderator = lookup(staff.directory, by)
    with run.store() as store:
        out = record_moderation(store, allocation_id, moderator, grade=parse_grade(grade),
                                agree=agree, notes=notes, on=run.on(on))
    run.render(out, fmt, message=f"{out['allocation_id']} moderated by {out['moderator_id']}: "
               f"{out['grade']} ({'agrees' if agree else 'disagrees'} with the auditor's "
               f"{out['auditor_grade'] or 'grade'}). The final grade is now {out['grade']}.")


def agreement_command(
    as_staff: Annotated[str, typer.Option("--as", help="Your staff id (PDQA co-ordinator).")],
    month: Annotated[str | None, typer.Option("--month", help="One month, YYYY-MM.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="A whole calendar year.")] = None,
    data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
    config: ConfigOpt = None,
) -> None:
    from ..audit.moderation_store import agreement_report

    run = ReviewRun(config, as_of, db)
    staff = run.load_staff(data)
    if month:
        span = (run.month(month),) * 2
    else:
        y = year or run.today.year
        span = (f"{y:04d}-01", f"{y:04d}-12")
    with run.store() as store:
        report = agreement_report(store, as_staff, staff.directory, (span[0], span[1]))
    run.render(report, fmt, tables={"by_month": None, "by_auditor": None, "by_tier": None})


def meeting_command(
    allocation_id: AllocationArg,
    held: Annotated[bool, typer.Option("--held/--not-held", help="Was the meeting held?")],
    held_on: Annotated[str | None, typer.Option("--date", help="When, YYYY-MM-DD.")] = None,
    who: Annotated[list[str] | None, typer.Option(
        "--who", help="Who attended: staff id or role (repeatable).")] = None,
    joint: Annotated[bool | None, typer.Option(
        "--joint/--separate", help="Worker and manager together, or separately.")] = None,
    worker_comments: Annotated[str | None, typer.Option(
        "--worker-comments", help="The worker's comments on the audit, in their words.")] = None,
    manager_comments: Annotated[str | None, typer.Option(
        "--manager-comments", help="The manager's comments on the audit, in their words.")] = None,
    minutes: Annotated[str | None, typer.Option("--minutes", help="Minutes (Tier 3).")] = None,
    by: ByOpt = None, as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None,
    config: ConfigOpt = None,
) -> None:
    from ..audit.disputes import record_meeting

    run = ReviewRun(config, as_of, db)
    day = run.on(held_on, "--date") if held_on else None
    with run.store() as store:
        out = record_meeting(store, allocation_id, held=held, held_on=day,
                             attendees=list(who or ()), joint=joint,
                             worker_comments=worker_comments,
                             manager_comments=manager_comments, minutes=minutes, by=by)
    run.render(out, fmt, message=f"Meeting recorded for {out['allocation_id']} "
               f"({'held ' + str(out['held_on']) if held else 'not held'}).")


def dispute_command(
    allocation_id: AllocationArg,
    by: ByRequired,
    decide: Annotated[bool, typer.Option("--decide", help="Decide the open dispute.")] = False,
    evidence: Annotated[str | None, typer.Option("--evidence", help="Raising: why.")] = None,
    outcome: Annotated[str | None, typer.Option(
        "--outcome", help="Deciding: upheld, partly_upheld or not_upheld.")] = None,
    grade_after: Annotated[str | None, typer.Option(
        "--grade-after", help="With --decide: the grade after the dispute (outstanding, "
        "good, requires_improvement, inadequate; 'RI' accepted).")] = None,
    on: OnOpt = None, data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.disputes import decide_dispute, raise_dispute
    from ..audit.review_rules import parse_grade
    from ..audit.staff_roles import lookup
    from ..errors import UserError

    run = ReviewRun(config, as_of, db)
    staff = run.load_staff(data)
    day = run.on(on)
    with run.store() as store:
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
    run.render(out, fmt, message=text)
