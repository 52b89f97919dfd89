"""``cfcs-qa kpis`` and ``cfcs-qa explain``: the KPI set for a month, and the cases behind one
figure. Thin: parse options, load the extract, call the engine, render, exit."""

from __future__ import annotations

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
    MonthOpt,
    OutputOpt,
    as_of_date,
    choose,
    emit,
    resolve_data,
    resolve_month,
    settings_for,
    warn,
)

FORMATS = ("table", "json", "csv", "xlsx", "md")
NoCacheOpt = Annotated[
    bool,
    typer.Option("--no-cache", help="Do not read or write the validated-table cache "
                 "(.cfcs-qa-cache/, or $CFCS_QA_CACHE)."),
]
EXPLAIN_FORMATS = ("table", "json")


def register(app: typer.Typer) -> None:
    app.command(
        "kpis",
        help="The 31 KPIs for the month, with RAG, previous month, direction and England "
        "comparators. Example: cfcs-qa kpis --month 2026-10 --by team --format xlsx "
        "--output kpis-2026-10.xlsx",
    )(kpis_command)
    app.command(
        "explain",
        help="The cases behind one KPI figure (number or id): each record, in or out of the "
        "numerator, not yet due or left out, with its dates and the rule that decided it. "
        "Example: cfcs-qa explain 7 --month 2026-10",
    )(explain_command)


def _source(settings: Any, data: Path | None, as_of: str | None,
            no_cache: bool) -> tuple[Any, Any, Path | None]:
    """Where the extract is, the extract date and the cache folder; starts the cache's hashing
    in the background, so call it before importing the KPI engine (pandas): the two overlap."""
    from ..ingest import default_cache_dir, prefetch

    when = as_of_date(as_of)
    source = resolve_data(data, settings)
    cache_dir = None if no_cache else default_cache_dir()
    prefetch(source.path, settings, when, synthetic=source.synthetic, cache_dir=cache_dir)
    return source, when, cache_dir


def _load(settings: Any, source: Any, when: Any, cache_dir: Path | None, kset: Any) -> Any:
    """The extract; meanwhile, in the background, the holiday table of the working-day KPIs
    (started once pandas and the loader are imported, so the two threads never import the
    same modules at once). Of the date columns, the loader sorts (for the cache to keep) only
    those the KPIs of ``kset`` search by month; the entry also keeps the continuous
    records the engine makes from the extract."""
    from ..holiday_table import warm
    from ..ingest import load
    from ..ingest import loader as _loader  # noqa: F401 - imported before the warm-up starts
    from ..kpi.kept import frames_to_keep
    from ..kpi.month_rows import searched_columns

    warm(cache_dir)
    return load(source.path, settings, when, synthetic=source.synthetic, cache_dir=cache_dir,
                order_columns=searched_columns(kset.kpis), keep=frames_to_keep())


def kpis_command(
    data: DataOpt = None,
    config: ConfigOpt = None,
    as_of: AsOfOpt = None,
    month: MonthOpt = None,
    period: Annotated[str, typer.Option("--period", help="month or r12 (rolling 12 months: "
                                        "event KPIs pooled, snapshots at month end).")] = "month",
    by: Annotated[str | None, typer.Option("--by", help="team: split each KPI by the team "
                                           "holding the case.")] = None,
    history: Annotated[int, typer.Option("--history", min=0, max=120,
                                         help="Add the N months ending --month.")] = 0,
    with_ids: Annotated[bool, typer.Option(
        "--with-ids", help="Add the record or child ids behind each numerator and denominator "
        "(JSON).")] = False,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="table, json, csv, xlsx or md.")] = None,
    output: OutputOpt = None,
    fail_on_red: Annotated[bool, typer.Option("--fail-on-red", help="Exit 1 if any KPI is "
                                              "red.")] = False,
    no_cache: NoCacheOpt = False,
) -> None:
    from datetime import date

    chosen = choose(fmt, FORMATS)
    resolve_month(month, as_of_date(as_of))  # a bad --month or --as-of fails before the load
    if period not in ("month", "r12"):
        raise UserError(f"--period {period!r} is not one of: month, r12.")
    if by not in (None, "team"):
        raise UserError(f"--by {by!r} is not supported; the one split is --by team.")
    if chosen == "xlsx" and output is None:
        raise UserError("--format xlsx writes a workbook: give --output FILE.xlsx.")
    if with_ids and chosen != "json":
        warn(f"--with-ids adds the ids to JSON only; --format {chosen} leaves them out. Use "
             "--format json, or `cfcs-qa explain N` for the records behind one KPI.")
    settings = settings_for(config)
    source, when, cache_dir = _source(settings, data, as_of, no_cache)
    from ..kpi import compute_kpis, load_definitions

    kset = load_definitions(settings)  # a broken definitions file fails before the data load
    extract = _load(settings, source, when, cache_dir, kset)
    year, mon = resolve_month(month, when)
    report = compute_kpis(extract, settings, date(year, mon, 1), as_of=when, period=period,
                          by_team=by == "team", history=history, with_ids=with_ids,
                          findings=with_ids, kset=kset, memo_dir=cache_dir)
    doc = report.to_dict(with_ids=with_ids)
    if report.provisional:
        warn(f"PROVISIONAL: {doc['month']} ends after the extract date ({doc['as_of']}).")
    # Owner-only even without ids: in a small service a figure by team can point at a child.
    try:
        _render(doc, chosen, output, private=True)
    except OSError as exc:
        raise UserError(f"Could not write {output}: {exc.strerror or exc}. Give --output a path "
                        "in a folder you can write to.") from None
    if fail_on_red and any(k["rag"] == "red" for k in doc["kpis"]):
        raise typer.Exit(1)


def _render(doc: dict[str, Any], chosen: str, output: Path | None, private: bool) -> None:
    if chosen == "json":
        emit(json.dumps(doc, indent=2, ensure_ascii=False), output, private=private)
    elif chosen == "csv":
        from ..reporting.kpi_csv import kpi_csv

        emit(kpi_csv(doc), output, private=private)
    elif chosen == "md":
        from ..reporting.kpi_md import kpi_markdown

        emit(kpi_markdown(doc), output, private=private)
    elif chosen == "xlsx":
        from ..fileio import write_bytes
        from ..reporting.kpi_xlsx import kpi_xlsx

        assert output is not None
        write_bytes(output, kpi_xlsx(doc), private=private)
    else:
        from ..reporting.kpi_table import kpi_renderables, kpi_text

        if output is not None:
            emit(kpi_text(doc), output, private=private)
            return
        from rich.console import Console

        console = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 160)
        for item in kpi_renderables(doc):
            console.print(item)


def explain_command(
    kpi: Annotated[str, typer.Argument(help="KPI number (1-31) or id, e.g. 7 or "
                                       "referral_decisions_1wd.")],
    data: DataOpt = None,
    config: ConfigOpt = None,
    as_of: AsOfOpt = None,
    month: MonthOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", help="table or json.")] = None,
    output: OutputOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    from datetime import date

    chosen = choose(fmt, EXPLAIN_FORMATS)
    resolve_month(month, as_of_date(as_of))  # a bad --month or --as-of fails before the load
    settings = settings_for(config)
    source, when, cache_dir = _source(settings, data, as_of, no_cache)
    from ..kpi import explain_kpi, load_definitions

    kset = load_definitions(settings)
    if kset.find(kpi) is None:
        raise UserError(f"There is no KPI {kpi!r}. Give a number from 1 to 31 or an id such as "
                        "repeat_referrals (cfcs-qa kpis lists them).")
    extract = _load(settings, source, when, cache_dir, kset)
    year, mon = resolve_month(month, when)
    doc = explain_kpi(extract, settings, kpi, date(year, mon, 1), as_of=when, kset=kset,
                      memo_dir=cache_dir)
    doc["synthetic"] = bool(extract.synthetic)
    if chosen == "json":
        emit(json.dumps(doc, indent=2, ensure_ascii=False), output)
        return
    from ..reporting.kpi_explain import explain_text

    emit(explain_text(doc), output)
