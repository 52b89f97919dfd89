"""``cfcs-qa calendar``: the month's audit-cycle dates."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .common import AsOfOpt, ConfigOpt, OutputOpt, as_of_date, choose, emit, settings_for

FORMATS = ("table", "json", "ics")


def register(app: typer.Typer) -> None:
    app.command(
        "calendar",
        help="The month's cycle dates: Day 1 (sample), due date, PIM report date, governance "
        "week, working days and holidays. Example: cfcs-qa calendar --month 2026-11 "
        "--format ics --output cycle.ics",
    )(calendar_command)


def calendar_command(
    month: Annotated[
        str | None,
        typer.Option("--month", help="YYYY-MM (default: the month of the next Day 1 on or "
                     "after --as-of)."),
    ] = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", help="table, json or ics.")] = None,
    output: OutputOpt = None,
    config: ConfigOpt = None,
) -> None:
    from datetime import UTC, datetime

    from ..audit.cycle_dates import calendar_for, cycle_dates, next_cycle_month
    from ..audit.ics import cycle_ics
    from .common import parse_month

    chosen = choose(fmt, FORMATS)
    settings = settings_for(config)
    cal = calendar_for(settings)
    year, mon = parse_month(month) if month else next_cycle_month(cal, as_of_date(as_of))
    dates = cycle_dates(cal, year, mon, settings.audit)
    if chosen == "json":
        emit(json.dumps(dates.to_dict(), indent=2), output, private=False)
    elif chosen == "ics":
        emit(cycle_ics(dates, datetime.now(UTC)), output, private=False)
    else:
        emit(_table(dates.to_dict()), output, private=False)


def _day(iso: str) -> str:
    from datetime import date

    return date.fromisoformat(iso).strftime("%a %d %b %Y")


def _table(d: dict[str, object]) -> str:
    gov = d["governance_week"]
    assert isinstance(gov, dict)
    holidays = d["holidays"]
    assert isinstance(holidays, list)
    lines = [
        f"Audit cycle for {d['month']}",
        f"  Day 1 (sample drawn, toolkits sent)  {_day(str(d['day1']))}",
        f"  Audits due                           {_day(str(d['due_date']))}"
        f"  ({d['working_days_after_due']} working days follow it)",
        f"  Last working day                     {_day(str(d['last_working_day']))}",
        f"  PIM report due by                    {_day(str(d['pim_report_date']))}",
        f"  Governance week                      {_day(str(gov['start']))} to "
        f"{_day(str(gov['end']))}",
        f"  Working days in the month            {d['working_days']}",
    ]
    if holidays:
        lines.append("  Holidays and closures (weekdays):")
        lines += [f"    {_day(h['date'])}  {h['name']}" for h in holidays]
    else:
        lines.append("  Holidays and closures (weekdays): none")
    return "\n".join(lines) + "\n"
