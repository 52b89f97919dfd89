"""``cfcs-qa sample``: draw and allocate the month's Tier 2 sample (thin: options -> run_sample
-> render -> exit). Exit 1 when some case or auditor could not be matched (still stored)."""

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
)

FORMATS = ("table", "json")


def register(app: typer.Typer) -> None:
    app.command(
        "sample",
        help="Draw and allocate the month's Tier 2 audit sample, store it and write one "
        "toolkit per case. Drawing again for the same month shows the stored sample. "
        "Example: cfcs-qa sample --month 2026-11 --exclude S014 --toolkits toolkits/",
    )(sample_command)


def sample_command(
    config: ConfigOpt = None,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
    month: Annotated[str | None, typer.Option(
        "--month", help="YYYY-MM (default: the month of the next Day 1 on or after --as-of)."
    )] = None,
    size: Annotated[int | None, typer.Option(
        "--size", help="Cases to draw (default: one per available auditor). Extra cases go "
        "to the pdqa_coordinator, then round the auditors again.")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed for the draw (default: a new one, printed and stored).")] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="STAFF_ID of an auditor away this month (repeatable); recorded as "
        "an exemption.")] = None,
    redraw: Annotated[bool, typer.Option(
        "--redraw", help="Replace the month's stored sample (only while no toolkit of it is "
        "imported); needs --reason.")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why the sample is redrawn.")
                      ] = None,
    toolkits: Annotated[Path | None, typer.Option(
        "--toolkits", help="Folder for the toolkit workbooks, one per allocation.")] = None,
    include_category: Annotated[list[str] | None, typer.Option(
        "--include-category", help="Also sample this category (care_leaver, assessment, cds; "
        "repeatable), as the config's audit.extra_categories does.")] = None,
    db: DbOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", help="table or json.")] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Who is drawing (default: the operating-system user).")] = None,
    output: OutputOpt = None,
) -> None:
    from ..audit.cycle_dates import calendar_for, next_cycle_month
    from ..audit.store import current_actor, open_store
    from ..sampling.run import SampleOptions, check_options, run_sample, show_sample
    from .common import parse_month, resolve_data, resolve_db

    chosen = choose(fmt, FORMATS)
    settings = settings_for(config)
    if include_category:
        extra = sorted(set(settings.audit.extra_categories) | set(include_category))
        settings = settings.model_copy(update={
            "audit": settings.audit.model_copy(update={"extra_categories": extra})})
    when = as_of_date(as_of)
    year, mon = parse_month(month) if month else next_cycle_month(calendar_for(settings), when)
    options = SampleOptions(year=year, month=mon, size=size, seed=seed,
                            exclude=tuple(exclude or ()), redraw=redraw, reason=reason,
                            toolkits=toolkits, actor=current_actor(by))
    check_options(options)
    with open_store(resolve_db(db, settings), create=True) as store:
        result = None if redraw else show_sample(store, options.label)
        if result is None:
            from ..ingest import load

            source = resolve_data(data, settings)
            extract = load(source.path, settings, when, synthetic=source.synthetic)
            result = run_sample(store, extract, settings, options)
    if result["status"] == "stored":
        from .common import warn

        warn(f"The {options.label} sample was already drawn (seed {result['seed']}, by "
             f"{result['drawn_by']}); showing it, nothing was changed. Use --redraw --reason "
             "to draw it again.")
    if result["status"] == "redrawn" and result.get("withdrawn"):
        from .common import warn

        void = result["withdrawn"]
        warn(f"The previous draw's {len(void)} allocation(s) ({void[0]} to {void[-1]}) were "
             "withdrawn: their toolkits are void and `cfcs-qa audits import` refuses them. "
             "Delete those files from the toolkit folder so nobody fills them in.")
    emit(json.dumps(result, indent=2) if chosen == "json" else render_table(result), output)
    if result["unmatched"]:
        raise typer.Exit(1)


def render_table(result: dict[str, Any]) -> str:
    pop = result["population"]
    excluded = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in pop["excluded"].items())
    lines = [
        f"Tier 2 sample for {result['month']}" + ("  (SYNTHETIC SAMPLE DATA)"
                                                    if result.get("synthetic") else ""),
        f"  Seed {result['seed']}; issued {result['issued_date']}; due {result['due_date']}",
        f"  Population on Day 1: {pop['total']} (excluded: {excluded})",
        "",
        "  Strata (category, team: cases / eligible / drawn)",
    ]
    lines += [f"    {s['category']:<12} {s['team']:<28} {s['cases']:>5} {s['eligible']:>5} "
              f"{s['drawn']:>5}" for s in pop["strata"]]
    lines += ["", "  Allocations"]
    for a in result["allocations"]:
        flag = "  family contact" if a["family_contact"] else ""
        state = "" if a.get("state") in (None, "issued") else f"  [{a['state']}]"
        lines.append(f"    {a['allocation_id']}  {a['child_id']:<10} {a['category']:<12} "
                     f"{a['team']:<24} -> {a['auditor_id']}{flag}{state}")
    if result.get("exemptions"):
        lines += ["", "  Exempt this month"]
        lines += [f"    {e['staff_id']}: {e['reason']}" for e in result["exemptions"]]
    if result["unmatched"]:
        lines += ["", "  Could not be matched"]
        for u in result["unmatched"]:
            who = f"case {u['child_id']}" if "child_id" in u else f"auditor {u['auditor_id']}"
            lines.append(f"    {who}: {u['reason']}")
    return "\n".join(lines)
