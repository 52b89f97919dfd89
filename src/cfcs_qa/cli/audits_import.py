"""``cfcs-qa audits import FILE...``: store completed toolkits, or say exactly what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from .common import AsOfOpt, ConfigOpt, DbOpt, OutputOpt, as_of_date, choose, emit, settings_for

FORMATS = ("table", "json")


def register(audits_app: typer.Typer) -> None:
    audits_app.command(
        "import",
        help="Import completed audit toolkits. Each file is validated completely and stored "
        "in one transaction, or refused with every problem (sheet, cell, why). A toolkit is "
        "recognised by its allocation id and template checksum, not its file name. Exit 1 if "
        "any file was refused (the others are stored). Example: cfcs-qa audits import "
        "returned/*.xlsx --db sqlite:///cfcs-qa.db",
    )(import_command)


def import_command(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="Completed toolkit workbooks (.xlsx), "
                                   "or a folder of them (Excel's ~$ lock files are skipped).")
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace an audit already imported for the same "
                           "allocation (the earlier one is kept as history).")
    ] = False,
    by: Annotated[
        str | None, typer.Option("--by", help="Who is importing (default: the OS user).")
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="table or json.")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    as_of: AsOfOpt = None,
    output: OutputOpt = None,
) -> None:
    from ..audit.importing import import_toolkits
    from ..audit.store import open_store
    from .common import resolve_db

    chosen = choose(fmt, FORMATS)
    settings = settings_for(config)
    day = as_of_date(as_of)
    with open_store(resolve_db(db, settings), create=False) as store:
        outcomes = [o.as_dict() for o in import_toolkits(store, expand_folders(files),
                                                         as_of=day, by=by, replace=replace)]
    refused = sum(o["status"] == "refused" for o in outcomes)
    report = {"as_of": day.isoformat(), "stored": len(outcomes) - refused, "refused": refused,
              "files": outcomes}
    emit(json.dumps(report, indent=2) if chosen == "json" else render_table(report), output)
    if refused:
        raise typer.Exit(1)


def expand_folders(paths: list[Path]) -> list[Path]:
    """A folder stands for the workbooks in it (sorted), leaving out Excel's ``~$`` lock files
    and hidden files: auditors return toolkits to a shared folder, often with one still open.
    A toolkit saved as LibreOffice's .ods is taken too, to be refused with how to save it as
    .xlsx, rather than passed over in silence."""
    from ..errors import UserError

    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        found = sorted(p for p in path.iterdir() if p.is_file()
                       and p.suffix.lower() in (".xlsx", ".xlsm", ".ods")
                       and not p.name.startswith(("~$", ".")))
        if not found:
            raise UserError(f"The folder {path} holds no .xlsx toolkits. Give the completed "
                            "toolkit files, or the folder they were returned to.")
        out += found
    return out


def render_table(report: dict[str, Any]) -> str:
    files = report["files"]
    lines = [f"Imported {report['stored']} of {len(files)} toolkit(s); "
             f"{report['refused']} refused."]
    width = max((len(f["file"]) for f in files), default=4)
    for f in files:
        head = f"  {f['file']:<{width}}  {f['allocation_id'] or '-':<11}  {f['status']:<8}"
        if f["status"] != "refused":
            extra = f"  {f['grade']}, completed {f['completed_date']}, {f['actions']} action(s)"
            if f["escalation"]:
                extra += ", immediate concern recorded as an escalation"
            head += extra
        lines.append(head.rstrip())
        for p in f["problems"]:
            where = "!".join(x for x in (p["sheet"], p["cell"]) if x) or "file"
            lines.append(f"      {where}: {p['why']}")
    return "\n".join(lines)
