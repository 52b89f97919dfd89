"""Options and helpers shared by every command. Imports stay light: no pandas here."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UserError

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Site settings file (default: ./cfcs-qa.yaml if present)."),
]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="A folder of CSV files or one .xlsx workbook. Default: the config's 'data', "
        "else the bundled SYNTHETIC sample data.",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="The extract date, YYYY-MM-DD (default: today)."),
]
MonthOpt = Annotated[
    str | None,
    typer.Option("--month", help="Reporting month YYYY-MM (default: the last complete month)."),
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Audit store URL (default: config 'store', else $CFCS_QA_DB, else "
        "sqlite:///cfcs-qa.db). postgresql://... for a shared install.",
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", help="Write the output to this file (atomically).")
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Add the traceback to errors.")]

SYNTHETIC_BANNER = (
    "SYNTHETIC SAMPLE DATA: no --data given and no 'data' in the config, so this run uses the "
    "bundled synthetic extract. No real child is described."
)


def parse_date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"{option} {text!r} is not a date. Write it as YYYY-MM-DD, e.g. {option} 2026-11-03."
        ) from None


def as_of_date(text: str | None) -> date:
    return parse_date(text, "--as-of") or date.today()


def parse_month(text: str) -> tuple[int, int]:
    try:
        y, m = text.strip().split("-")
        year, month = int(y), int(m)
        if not (1 <= month <= 12 and 1900 < year < 2200) or len(y) != 4:
            raise ValueError
    except ValueError:
        raise UserError(
            f"--month {text!r} is not a month. Write it as YYYY-MM, e.g. --month 2026-10."
        ) from None
    return year, month


def last_complete_month(as_of: date) -> tuple[int, int]:
    """The last month whose last day is before the extract date."""
    import calendar

    y, m = as_of.year, as_of.month
    if as_of.day == calendar.monthrange(y, m)[1]:
        return y, m
    return (y - 1, 12) if m == 1 else (y, m - 1)


def resolve_month(text: str | None, as_of: date) -> tuple[int, int]:
    return parse_month(text) if text else last_complete_month(as_of)


@dataclass
class DataSource:
    path: Path
    synthetic: bool


def resolve_data(data: Path | None, settings: Any) -> DataSource:
    """--data, else the config's data, else the bundled synthetic sample (with a banner)."""
    from ..paths import sample_data_dir

    if data is not None:
        return DataSource(Path(data), synthetic=False)
    configured = settings.data_path()
    if configured is not None:
        return DataSource(configured, synthetic=False)
    warn(SYNTHETIC_BANNER)
    return DataSource(sample_data_dir(), synthetic=True)


def settings_for(config: Path | None) -> Any:
    """The site's settings: the command's --config, else the global one, else
    ./cfcs-qa.yaml, else the defaults."""
    from ..config import load_settings
    from .main import global_config

    return load_settings(config or global_config())


def resolve_db(db: str | None, settings: Any) -> str:
    if db:
        return db
    configured = settings.store_url()  # a relative SQLite path: from the config's folder
    if configured:
        return str(configured)
    env = os.environ.get("CFCS_QA_DB")
    if env:
        return env
    return "sqlite:///cfcs-qa.db"


def default_format() -> str:
    return "table" if sys.stdout.isatty() else "json"


def warn(message: str) -> None:
    """A line on standard error (banners, notes); never case data."""
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(message, style="yellow", markup=False)


def choose(value: str | None, allowed: tuple[str, ...], option: str = "--format") -> str:
    chosen = value or default_format()
    if chosen not in allowed:
        raise UserError(f"{option} {chosen!r} is not one of: {', '.join(allowed)}.")
    return chosen


def emit(text: str, output: Path | None, *, private: bool = True) -> None:
    """Print ``text`` or write it atomically to ``output``."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from ..fileio import write_text

    write_text(output, text, private=private)
