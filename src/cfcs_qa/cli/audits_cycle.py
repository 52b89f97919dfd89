"""``cfcs-qa audits status | reassign | withdraw | replace``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from .common import (
    AsOfOpt,
    ConfigOpt,
    DataOpt,
    DbOpt,
    OutputOpt,
    as_of_date,
    choose,
    emit,
    settings_for,
    warn,
)
from .review_support import (
    AllocationArg,
    FormatOpt,
    ReviewRun,
    open_review_store,
    render,
)

STATUS_FORMATS = ("table", "json", "csv", "xlsx")
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept in the change log).")]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="Who makes the change (default: your login name).")
]
NO_STAFF_FOR_REASSIGN = ("The extract has no usable staff table, so the new auditor cannot be "
                         "checked. Point --data at an extract with staff.csv.")


def register(audits_app: typer.Typer) -> None:
    audits_app.command(
        "status",
        help="Where the month's audits stand: auditor, email, due date, working days to due, "
        "state; late audits, non-compliance, escalations, actions, progress to the yearly "
        "target, and checks against the latest extract. Example: cfcs-qa audits status "
        "--month 2026-11 --format csv --output mailmerge.csv",
    )(status_command)
    audits_app.command(
        "reassign",
        help="Give an open audit to another auditor (checked for conflicts). Example: "
        "cfcs-qa audits reassign 2026-11-003 --to S014 --reason 'auditor off sick'",
    )(reassign_command)
    audits_app.command(
        "withdraw",
        help="Withdraw an open audit (case closed or transferred before audit). Example: "
        "cfcs-qa audits withdraw 2026-11-003 --reason 'case closed 5 Nov'",
    )(withdraw_command)
    audits_app.command(
        "replace",
        help="Replace an open audit's case with one drawn reproducibly from the same stratum; "
        "the old toolkit becomes void. Example: cfcs-qa audits replace 2026-11-003 "
        "--reason 'case transferred to Jersey'",
    )(replace_command)


def load_extract(data: Path | None, settings: Any, as_of: Any, *, required: bool) -> Any:
    """The latest extract (None when not ``required`` and none is configured or given)."""
    from .common import resolve_data

    if data is None and settings.data_path() is None and not required:
        warn("No --data given and no 'data' in the config: the checks against the latest "
             "extract (closed, transferred, conflicts, inactive auditors) were skipped.")
        return None
    source = resolve_data(data, settings)
    from ..ingest import load

    return load(source.path, settings, as_of, synthetic=source.synthetic)


StatusDataOpt = Annotated[Path | None, typer.Option(
    "--data", help="The latest extract (a folder of CSV files or one .xlsx workbook), checked "
    "against the open audits: cases since closed or transferred, new conflicts, auditors no "
    "longer active. Default: the config's 'data'; with neither, these checks are skipped "
    "(the bundled sample data is not used).")]


def status_command(
    month: Annotated[str | None, typer.Option(
        "--month", help="YYYY-MM (default: the month of --as-of).")] = None,
    as_of: AsOfOpt = None,
    data: StatusDataOpt = None,
    db: DbOpt = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="table, json, csv (mail merge) or xlsx (needs --output).")] = None,
    output: OutputOpt = None,
    fail_on_overdue: Annotated[bool, typer.Option(
        "--fail-on-overdue", help="Exit 1 on a late audit, an overdue action or an "
        "unacknowledged escalation.")] = False,
    config: ConfigOpt = None,
) -> None:
    from ..audit.cycle_dates import calendar_for
    from ..audit.status import build_status, needs_attention
    from ..errors import UserError

    chosen = choose(fmt, STATUS_FORMATS)
    if chosen == "xlsx" and output is None:
        raise UserError("--format xlsx writes a workbook: give --output FILE.xlsx too.")
    run = ReviewRun(config, as_of, db)
    label = run.month(month)
    extract = load_extract(data, run.settings, run.today, required=False)
    synthetic = bool(getattr(extract, "synthetic", False))
    with run.store() as store, store.read() as conn:
        status = build_status(conn, label, run.today, calendar_for(run.settings), run.settings,
                              extract, synthetic)
    if chosen == "json":
        emit(json.dumps(status, indent=2), output)
    elif chosen == "csv":
        from ..audit.status_export import status_csv

        emit(status_csv(status), output)
    elif chosen == "xlsx":
        from ..audit.status_export import status_xlsx
        from ..fileio import write_bytes

        assert output is not None
        write_bytes(output, status_xlsx(status))
    else:
        from .audits_status_table import render_status

        emit(render_status(status), output)
    if fail_on_overdue and needs_attention(status):
        raise typer.Exit(1)


def reassign_command(
    allocation_id: AllocationArg,
    to: Annotated[str, typer.Option("--to", help="Staff id of the new auditor.")],
    reason: ReasonOpt,
    by: ByOpt = None,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = None,
    config: ConfigOpt = None,
) -> None:
    from ..audit.changes import reassign
    from ..audit.store import current_actor

    run = ReviewRun(config, as_of, db)
    staff = run.load_staff(data, NO_STAFF_FOR_REASSIGN)
    with run.store() as store:
        result = reassign(store, allocation_id, to, reason, actor=current_actor(by),
                          staff=staff.directory, extract=staff.extract, as_of=run.today,
                          settings=run.settings)
    others = [a for a in result["auditor_open_allocations"] if a != result["allocation_id"]]
    note = f" {result['to']} also has {', '.join(others)} open this month." if others else ""
    # Not run.render: these change commands never marked their JSON as synthetic.
    render(result, fmt, message=f"{result['allocation_id']} reassigned from {result['from']} "
           f"to {result['to']}. The same toolkit stays valid: send it to the new auditor.{note}")


def withdraw_command(
    allocation_id: AllocationArg,
    reason: ReasonOpt,
    by: ByOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = None,
    config: ConfigOpt = None,
) -> None:
    from ..audit.changes import withdraw
    from ..audit.store import current_actor

    with open_review_store(db, settings_for(config)) as store:
        result = withdraw(store, allocation_id, reason, actor=current_actor(by))
    moved = result["family_contact_moved_to"]
    note = f" Its family-contact flag moved to {moved}." if moved else ""
    render(result, fmt, message=f"{result['allocation_id']} withdrawn.{note}")


def replace_command(
    allocation_id: AllocationArg,
    reason: ReasonOpt,
    by: ByOpt = None,
    toolkits: Annotated[Path | None, typer.Option(
        "--toolkits", help="Folder for the new toolkit (default: beside the old one).")] = None,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = None,
    config: ConfigOpt = None,
) -> None:
    from ..audit.replacement import replace
    from ..audit.store import current_actor

    settings = settings_for(config)
    # --as-of is read once the store is open, as it always was (the order errors come in).
    with open_review_store(db, settings) as store:
        result = replace(store, allocation_id, reason, actor=current_actor(by),
                         as_of=as_of_date(as_of),
                         lookback_months=settings.audit.lookback_months,
                         toolkit_dir=toolkits)
    where = f" New toolkit: {result['toolkit']}." if result["toolkit"] else ""
    render(result, fmt, message=f"{result['allocation_id']} replaced by "
           f"{result['replaced_by']} (child {result['child_id']}, same auditor "
           f"{result['auditor_id']}, due {result['due_date']}). The old toolkit is void.{where}")
