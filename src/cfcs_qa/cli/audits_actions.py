"""``cfcs-qa audits actions list | add | complete | sign-off`` and ``audits reaudit``."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AsOfOpt, ConfigOpt, DataOpt, DbOpt, parse_date
from .review_support import (
    AllocationArg,
    ByOpt,
    ByRequired,
    FormatOpt,
    OnOpt,
    ReviewRun,
    cycle_for,
)

ACTION_COLUMNS = ["action_id", "allocation_id", "child_id", "what", "owner_id", "due_date",
                  "state", "completed_on", "signed_off_by", "signed_off_on"]
ActionArg = Annotated[int, typer.Argument(help="Action number (from `audits actions list`).")]


def register(audits_app: typer.Typer) -> None:
    actions_app = typer.Typer(
        name="actions", no_args_is_help=True, rich_markup_mode=None,
        help="Actions from audits, tracked until the case's supervising manager signs them "
        "off. Example: cfcs-qa audits actions list --state overdue")
    actions_app.command("list", help="List actions. Example: cfcs-qa audits actions list "
                        "--owner W1 --state open")(list_command)
    actions_app.command("add", help="Add an action to an audit. Example: cfcs-qa audits "
                        "actions add 2026-11-003 --what 'update the chronology' --owner W1 "
                        "--due 2026-12-04")(add_command)
    actions_app.command("complete", help="Mark an action done. Example: cfcs-qa audits "
                        "actions complete 12 --by W1")(complete_command)
    actions_app.command("sign-off", help="The case's supervising manager signs off a "
                        "completed action. Example: cfcs-qa audits actions sign-off 12 --by "
                        "S010")(sign_off_command)
    audits_app.add_typer(actions_app, name="actions")
    audits_app.command(
        "reaudit",
        help="Audit a named child again, linked to the earlier audit; or --compare a "
        "re-audit's grades before and after, per standard. Example: cfcs-qa audits reaudit "
        "C0042 --reason 'inadequate in October' --auditor S014 --month 2026-12",
    )(reaudit_command)


def list_command(
    owner: Annotated[str | None, typer.Option("--owner", help="Only this owner's.")] = None,
    state: Annotated[str | None, typer.Option(
        "--state", help="open, overdue, completed or signed_off.")] = None,
    allocation_id: Annotated[str | None, typer.Option(
        "--allocation", help="Only the actions of this allocation, e.g. 2026-11-003.")] = None,
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.actions import list_actions

    run = ReviewRun(config, as_of, db)
    with run.store() as store, store.read() as conn:
        rows = list_actions(conn, run.today, owner=owner, state=state,
                            allocation_id=allocation_id)
    today = run.today.isoformat()
    run.render({"as_of": today, "actions": rows}, fmt, message=f"Actions as of {today}",
               tables={"actions": ACTION_COLUMNS})


def add_command(
    allocation_id: AllocationArg,
    what: Annotated[str, typer.Option("--what", help="What is to be done (no names).")],
    owner: Annotated[str, typer.Option("--owner", help="Staff id who owns it.")],
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD.")],
    by: ByOpt = None, data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.actions import add_action

    run = ReviewRun(config, as_of, db)
    staff = run.load_staff(data)
    due_day = parse_date(due, "--due")
    assert due_day is not None
    with run.store() as store:
        out = add_action(store, allocation_id, staff.directory, what=what, owner_id=owner,
                         due=due_day, on=run.today, by=by)
    run.render(out, fmt, message=f"Action {out['action_id']} added to {out['allocation_id']}, "
               f"owner {out['owner_id']}, due {out['due_date'].isoformat()}.")


def complete_command(
    action_id: ActionArg, by: ByOpt = None, on: OnOpt = None, as_of: AsOfOpt = None,
    db: DbOpt = None, fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.actions import complete_action

    run = ReviewRun(config, as_of, db)
    with run.store() as store:
        out = complete_action(store, action_id, on=run.on(on), by=by)
    run.render(out, fmt, message=f"Action {action_id} completed; the case's supervising "
               "manager signs it off.")


def sign_off_command(
    action_id: ActionArg, by: ByRequired, on: OnOpt = None, data: DataOpt = None,
    as_of: AsOfOpt = None, db: DbOpt = None, fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.actions import sign_off_action

    run = ReviewRun(config, as_of, db)
    staff = run.load_staff(data)
    with run.store() as store:
        out = sign_off_action(store, action_id, staff.directory, by, on=run.on(on))
    run.render(out, fmt, message=f"Action {action_id} signed off by {by}.")


def reaudit_command(
    child_id: Annotated[str | None, typer.Argument(help="The child to audit again.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
    auditor: Annotated[str | None, typer.Option("--auditor", help="Staff id.")] = None,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM.")] = None,
    compare: Annotated[str | None, typer.Option(
        "--compare", help="Show a re-audit's before/after (its allocation id).")] = None,
    by: ByOpt = None, data: DataOpt = None, as_of: AsOfOpt = None, db: DbOpt = None,
    fmt: FormatOpt = None, config: ConfigOpt = None,
) -> None:
    from ..audit.reaudit import create_reaudit, reaudit_comparison
    from ..audit.staff_roles import lookup
    from ..errors import UserError

    run = ReviewRun(config, as_of, db)
    if compare is not None:
        with run.store() as store, store.read() as conn:
            cmp = reaudit_comparison(conn, compare)
        run.render(cmp, fmt, tables={"standards": None})
        return
    if child_id is None or not reason or not auditor:
        raise UserError("A re-audit needs the child id, --reason TEXT and --auditor STAFF "
                        "(or --compare ALLOCATION_ID to see one).")
    staff = run.load_staff(data)
    member = lookup(staff.directory, auditor, "--auditor")
    label = run.month(month)
    issued, due = cycle_for(run.settings, label, run.today)
    with run.store() as store:
        out = create_reaudit(store, child_id, member, reason=reason, month=label,
                             issued=issued, due=due, by=by)
    run.render(out, fmt, message=f"Re-audit {out['allocation_id']} of {out['child_id']} "
               f"added for {out['auditor_id']} (linked to {out['reaudit_of']}), due "
               f"{out['due_date']}. Write its toolkit with the sample command's toolkit writer.")
