"""``cfcs-qa validate``: the data-quality report. Thin: parse options, load, render, exit.

Exit 0: no errors (warnings alone pass unless ``--strict``); 1: errors (or, with
``--strict``, warnings); 2: could not run.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UserError
from .common import (
    AsOfOpt,
    ConfigOpt,
    DataOpt,
    OutputOpt,
    as_of_date,
    choose,
    emit,
    settings_for,
    warn,
)

FORMATS = ("table", "json", "xlsx")
SHOWN_FINDINGS = 200
"""The table format lists this many findings; json and xlsx list every one."""
INDENT_LIMIT = 20_000
SYNTHETIC_LINE = "SYNTHETIC SAMPLE DATA: this report describes the bundled synthetic extract."

FormatOpt = Annotated[
    str | None,
    typer.Option("--format", help="table (default on a terminal), json, or xlsx (needs --output)."),
]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")]
NoCacheOpt = Annotated[
    bool,
    typer.Option("--no-cache", help="Do not read or write the validated-table cache "
                 "(.cfcs-qa-cache/, or $CFCS_QA_CACHE)."),
]


def register(app: typer.Typer) -> None:
    app.command(
        "validate",
        help="Data-quality report on an extract: per table rows read / accepted / rejected, "
        "columns dropped, and every finding. Exit 0 when there are no errors, 1 when there "
        "are (or warnings, with --strict), 2 when it could not run. Example: cfcs-qa validate "
        "--data extract/ --as-of 2026-11-03 --format xlsx --output dq-2026-11.xlsx",
    )(validate_command)


def validate_command(
    config: ConfigOpt = None,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    strict: StrictOpt = False,
    no_cache: NoCacheOpt = False,
) -> None:
    from ..ingest import default_cache_dir, load, prefetch, validation_report
    from .common import resolve_data

    chosen = choose(fmt, FORMATS)
    if chosen == "xlsx" and output is None:
        raise UserError("--format xlsx writes a workbook: give --output FILE.xlsx as well.")
    when = as_of_date(as_of)
    settings = settings_for(config)
    source = resolve_data(data, settings)
    cache_dir = None if no_cache else default_cache_dir()
    # the cache's hashing starts now and runs while load() imports pandas
    prefetch(source.path, settings, when, synthetic=source.synthetic, cache_dir=cache_dir)
    extract = load(source.path, settings, when, synthetic=source.synthetic, cache_dir=cache_dir)
    report = validation_report(extract)
    try:
        _render(report, chosen, output, extract)
    except OSError as exc:
        raise UserError(
            f"Could not write {output}: {exc.strerror or exc}. Give --output a path in a folder "
            "you can write to."
        ) from None
    errors = sum(1 for f in report["findings"] if f["level"] == "error")
    warnings = len(report["findings"]) - errors
    failed = errors > 0 or (strict and warnings > 0)
    if output is not None or chosen != "table":
        _note(errors, warnings, strict, failed)
    if failed:
        raise typer.Exit(1)


def _render(report: dict[str, Any], chosen: str, output: Path | None, extract: Any) -> None:
    if chosen == "json":
        # Indented for people; compact (and several times faster) for very long reports.
        indent = 2 if len(report["findings"]) <= INDENT_LIMIT else None
        emit(json.dumps(report, indent=indent, ensure_ascii=False), output)
    elif chosen == "xlsx":
        from ..ingest import finding_places
        from ..reporting.validation_xlsx import write_validation_xlsx

        assert output is not None
        write_validation_xlsx(report, finding_places(extract), output)
    else:
        _render_table(report, output)


def _note(errors: int, warnings: int, strict: bool, failed: bool) -> None:
    if not failed:
        warn(f"Valid: no errors, {warnings} warning(s).")
    elif errors:
        warn(f"Not valid: {errors} error(s) and {warnings} warning(s). Rows with errors are "
             "left out of every KPI and sample; fix them in the case-management system (the "
             "findings give table, row and column) and export again.")
    else:
        warn(f"{warnings} warning(s) and --strict: treat them as errors, or drop --strict.")


def _render_table(report: dict[str, Any], output: Path | None) -> None:
    from rich.console import Console

    if output is None:
        _print(Console(file=sys.stdout), report)
        return
    buffer = io.StringIO()
    _print(Console(file=buffer, width=160, no_color=True, highlight=False), report)
    emit(buffer.getvalue(), output)


def _print(console: Any, report: dict[str, Any]) -> None:
    from rich import box
    from rich.table import Table

    if report["synthetic"]:
        console.print(SYNTHETIC_LINE, style="bold yellow", markup=False)
    findings = report["findings"]
    errors = sum(1 for f in findings if f["level"] == "error")
    wide = console.width >= 120
    summary = Table(title=f"Data quality, extract date {report['as_of']}", title_justify="left",
                    box=box.SIMPLE_HEAD)
    summary.add_column("table", no_wrap=True)
    for name in ("read", "accepted", "rejected"):
        summary.add_column(name, justify="right", no_wrap=True)
    summary.add_column("dropped", overflow="fold")
    if wide:
        summary.add_column("source", overflow="fold")
    for name, t in report["tables"].items():
        dropped = list(t["columns_dropped"])
        if t["name_columns_dropped"]:
            dropped.append(f"{t['name_columns_dropped']} name column(s)")
        cells = [name, f"{t['rows_read']:,}", f"{t['rows_accepted']:,}",
                 f"{t['rows_rejected']:,}", ", ".join(dropped) or "-"]
        summary.add_row(*cells, *([t["source"]] if wide else []))
    console.print(summary)
    if findings:
        listed = Table(title=f"Findings: {errors:,} error(s), {len(findings) - errors:,} "
                       "warning(s)", title_justify="left", box=box.SIMPLE_HEAD)
        listed.add_column("level", no_wrap=True)
        listed.add_column("code", no_wrap=True)
        listed.add_column("where", no_wrap=True)
        if wide:
            listed.add_column("column", no_wrap=True)
        listed.add_column("message", overflow="fold", ratio=1, min_width=30)
        shown = sorted(findings, key=lambda f: f["level"] != "error")[:SHOWN_FINDINGS]
        for f in shown:  # errors first, then warnings, each in table and row order
            where = f["table"] if f["row"] is None else f"{f['table']}:{f['row']}"
            cells = [f["level"], f["code"], where, *([f["column"] or ""] if wide else []),
                     f["message"]]
            listed.add_row(*cells, style="red" if f["level"] == "error" else None)
        console.print(listed)
        if len(findings) > SHOWN_FINDINGS:
            console.print(f"... and {len(findings) - SHOWN_FINDINGS:,} more: use --format json, "
                          "or --format xlsx --output FILE.xlsx, for every finding.", markup=False)
    verdict = "VALID" if not errors else "NOT VALID"
    console.print(f"{verdict}: {errors:,} error(s), {len(findings) - errors:,} warning(s).",
                  markup=False)
