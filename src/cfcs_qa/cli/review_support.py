"""What the ``audits`` commands share: options, the setup every command repeats (settings, the
as-of date, the staff directory, the existing store: ``ReviewRun``), the staff directory (roles
come from the extract's staff table), dates, and rendering a result as a table or JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import UserError
from .common import (
    as_of_date,
    choose,
    emit,
    parse_date,
    parse_month,
    resolve_db,
    settings_for,
)

if TYPE_CHECKING:
    from ..audit.store import Store

FORMATS = ("table", "json")
FormatOpt = Annotated[str | None, typer.Option("--format", help="table or json.")]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="Staff id of the person doing this (also the change log's actor)."),
]
ByRequired = Annotated[
    str, typer.Option("--by", help="Staff id of the person doing this (their role is checked).")
]
OnOpt = Annotated[
    str | None, typer.Option("--on", help="When it happened, YYYY-MM-DD (default: --as-of).")
]
MonthOpt = Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: this month).")]
AllocationArg = Annotated[str, typer.Argument(help="Allocation id, e.g. 2026-11-003.")]
NO_STAFF = ("The extract has no usable staff table, so roles cannot be checked. Point --data "
            "(or the config's 'data') at an extract with its staff table.")


def open_review_store(db: str | None, settings: Any) -> Store:
    """The existing store (review commands never create one: the sample does)."""
    from ..audit.store import open_store

    return open_store(resolve_db(db, settings), create=False)


class Staff:
    """The staff directory from the extract, loaded once; remembers if it was synthetic and
    keeps the extract for commands that check more than roles. ``missing`` is the error when
    the extract has no usable staff table."""

    def __init__(self, data: Path | None, settings: Any, as_of: date,
                 missing: str = NO_STAFF) -> None:
        from ..audit.staff_roles import directory_from_frame
        from .audits_cycle import load_extract

        extract = load_extract(data, settings, as_of, required=True)
        if not extract.has("staff"):
            raise UserError(missing)
        self.extract = extract
        self.synthetic = bool(getattr(extract, "synthetic", False))
        self.directory = directory_from_frame(extract.get("staff"))


class ReviewRun:
    """The setup every ``audits`` command repeats, in the order it always ran: the site
    settings, then the as-of date ("today"), then (``load_staff``) the staff directory, and
    only then the existing store (``store()``), so a user's mistakes are reported in the
    same order. ``render`` marks the output synthetic when the staff came from sample data."""

    def __init__(self, config: Path | None, as_of: str | None, db: str | None) -> None:
        self.settings = settings_for(config)
        self.today = as_of_date(as_of)
        self._db = db
        self._staff: Staff | None = None

    def load_staff(self, data: Path | None, missing: str = NO_STAFF) -> Staff:
        self._staff = Staff(data, self.settings, self.today, missing)
        return self._staff

    def store(self) -> Store:
        return open_review_store(self._db, self.settings)

    def on(self, text: str | None, option: str = "--on") -> date:
        """An event date given with ``option`` (default: the as-of date), never after it."""
        return event_date(text, option, self.today)

    def month(self, text: str | None) -> str:
        return month_label(text, self.today)

    def render(self, payload: dict[str, Any], fmt: str | None, *, message: str | None = None,
               tables: dict[str, list[str] | None] | None = None) -> None:
        render(payload, fmt, message=message, tables=tables,
               synthetic=self._staff is not None and self._staff.synthetic)


def event_date(text: str | None, option: str, today: date) -> date:
    """An event date (default today), never in the future."""
    value = parse_date(text, option) or today
    if value > today:
        raise UserError(
            f"{option} {value.isoformat()} is after today ({today.isoformat()}): record things "
            "once they have happened."
        )
    return value


def month_label(text: str | None, today: date) -> str:
    year, month = parse_month(text) if text else (today.year, today.month)
    return f"{year:04d}-{month:02d}"


def cycle_for(settings: Any, month: str, today: date) -> tuple[date, date]:
    """(issued, due) for an allocation added to ``month``: issued today, or on Day 1 when
    that is later; due on the month's due date (or today's date if that has passed)."""
    from ..audit.cycle_dates import calendar_for, due_date

    cal = calendar_for(settings)
    year, mon = int(month[:4]), int(month[5:])
    issued = max(today, cal.first_working_day(year, mon))
    due = due_date(cal, year, mon, settings.audit.due_working_days_before_last)
    return issued, max(due, issued)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    return str(_jsonable(value))


def table_text(rows: list[dict[str, Any]], title: str | None = None,
               columns: list[str] | None = None) -> str:
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    if not rows:
        return f"{title + ': ' if title else ''}none\n"
    cols = columns or list(rows[0])
    table = Table(title=title, show_lines=False)
    for c in cols:
        table.add_column(c.replace("_", " "))
    for r in rows:
        table.add_row(*(_cell(r.get(c)) for c in cols))
    buf = StringIO()
    Console(file=buf, width=160, color_system=None).print(table)
    return buf.getvalue()


def fields_text(payload: dict[str, Any]) -> str:
    width = max((len(k) for k in payload), default=0)
    return "".join(f"{k.replace('_', ' '):<{width}}  {_cell(v)}\n" for k, v in payload.items()
                   if not isinstance(v, list | dict))


def render(payload: dict[str, Any], fmt: str | None, *, message: str | None = None,
           tables: dict[str, list[str] | None] | None = None,
           synthetic: bool = False) -> None:
    """JSON (the payload, plus ``"synthetic": true`` when roles came from synthetic data), or
    a message / the scalar fields, then one table per key in ``tables``."""
    chosen = choose(fmt, FORMATS)
    if synthetic:
        payload = {**payload, "synthetic": True}
    if chosen == "json":
        emit(json.dumps(_jsonable(payload), indent=2), None)
        return
    text = message + "\n" if message else fields_text(payload)
    for key, columns in (tables or {}).items():
        text += table_text(list(payload.get(key) or []), key.replace("_", " "), columns)
    emit(text, None)
