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
    warn,
)

STATUS_FORMATS = ("table", "json", "csv", "xlsx")
CHANGE_FORMATS = ("table", "json")
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept in the change log).")]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="Who makes the change (default: your login name).")
]
FormatOpt = Annotated[str | None, typer.Option("--format", help="table or json.")]


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


def _settings(config: Path | None) -> Any:
    from ..config import load_settings
    from .main import global_config

    return load_settings(config or global_config())


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
    from ..audit.store import open_store
    from ..errors import UserError
    from .common import parse_month, resolve_db

    chosen = choose(fmt, STATUS_FORMATS)
    if chosen == "xlsx" and output is None:
        raise UserError("--format xlsx writes a workbook: give --output FILE.xlsx too.")
    settings = _settings(config)
    day = as_of_date(as_of)
    year, mon = parse_month(month) if month else (day.year, day.month)
    label = f"{year:04d}-{mon:02d}"
    extract = load_extract(data, settings, day, required=False)
    synthetic = bool(getattr(extract, "synthetic", False))
    with open_store(resolve_db(db, settings), create=False) as store, store.read() as conn:
        status = build_status(conn, label, day, calendar_for(settings), settings, extract,
                              synthetic)
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


def _done(result: dict[str, Any], fmt: str | None, message: str) -> None:
    if choose(fmt, CHANGE_FORMATS) == "json":
        emit(json.dumps(result, indent=2), None)
    else:
        emit(message, None)


def reassign_command(
    allocation_id: Annotated[str, typer.Argument(help="Allocation id, e.g. 2026-11-003.")],
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
    from ..audit.staff_roles import directory_from_frame
    from ..audit.store import current_actor, open_store
    from ..errors import UserError
    from .common import resolve_db

    settings = _settings(config)
    day = as_of_date(as_of)
    extract = load_extract(data, settings, day, required=True)
    if not extract.has("staff"):
        raise UserError("The extract has no usable staff table, so the new auditor cannot be "
                        "checked. Point --data at an extract with staff.csv.")
    staff = directory_from_frame(extract.get("staff"))
    with open_store(resolve_db(db, settings), create=False) as store:
        result = reassign(store, allocation_id, to, reason, actor=current_actor(by),
                          staff=staff, extract=extract, as_of=day, settings=settings)
    others = [a for a in result["auditor_open_allocations"] if a != result["allocation_id"]]
    note = f" {result['to']} also has {', '.join(others)} open this month." if others else ""
    _done(result, fmt, f"{result['allocation_id']} reassigned from {result['from']} to "
          f"{result['to']}. The same toolkit stays valid: send it to the new auditor.{note}")


def withdraw_command(
    allocation_id: Annotated[str, typer.Argument(help="Allocation id, e.g. 2026-11-003.")],
    reason: ReasonOpt,
    by: ByOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = None,
    config: ConfigOpt = None,
) -> None:
    from ..audit.changes import withdraw
    from ..audit.store import current_actor, open_store
    from .common import resolve_db

    settings = _settings(config)
    with open_store(resolve_db(db, settings), create=False) as store:
        result = withdraw(store, allocation_id, reason, actor=current_actor(by))
    moved = result["family_contact_moved_to"]
    note = f" Its family-contact flag moved to {moved}." if moved else ""
    _done(result, fmt, f"{result['allocation_id']} withdrawn.{note}")


def replace_command(
    allocation_id: Annotated[str, typer.Argument(help="Allocation id, e.g. 2026-11-003.")],
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
    from ..audit.store import current_actor, open_store
    from .common import resolve_db

    settings = _settings(config)
    with open_store(resolve_db(db, settings), create=False) as store:
        result = replace(store, allocation_id, reason, actor=current_actor(by),
                         as_of=as_of_date(as_of),
                         lookback_months=settings.audit.lookback_months,
                         toolkit_dir=toolkits)
    where = f" New toolkit: {result['toolkit']}." if result["toolkit"] else ""
    _done(result, fmt, f"{result['allocation_id']} replaced by {result['replaced_by']} "
          f"(child {result['child_id']}, same auditor {result['auditor_id']}, due "
          f"{result['due_date']}). The old toolkit is void.{where}")
