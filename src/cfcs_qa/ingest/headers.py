"""Matching a site's headers, file names and sheet names to the canonical contract.

Headers match case-insensitively, trimmed, with inner spaces or hyphens read as underscores
(``" Received Date "`` = ``received_date``). A site's ``columns`` map is applied first. Name
columns are dropped and only counted; other unknown columns are dropped and listed by header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import Settings
from ..contract import TABLES, Table, is_name_column
from ..errors import ConfigError

_SEPARATORS = re.compile(r"[\s\-]+")
FREE = ("key", "text")
"""Column types with many distinct values; the others are worked on per distinct value."""


def normalise(header: str) -> str:
    """``" Received-Date "`` -> ``received_date``."""
    return _SEPARATORS.sub("_", header.replace("\ufeff", "").strip()).casefold()


@dataclass
class ColumnPlan:
    """Which raw column (by position) becomes which canonical column, and what is dropped."""

    keep: dict[int, str] = field(default_factory=dict)
    """Raw position -> canonical column name."""
    unknown: list[tuple[int, str]] = field(default_factory=list)
    """(position, header as written) of columns the contract does not list."""
    blank: list[int] = field(default_factory=list)
    """Positions of columns with no header at all."""
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    """(position, canonical name) of a second column mapping to the same canonical name."""
    name_columns: int = 0

    @property
    def present(self) -> set[str]:
        return set(self.keep.values())


def plan_columns(table: Table, headers: list[str], settings: Settings) -> ColumnPlan:
    """Map raw headers onto ``table``'s columns. Name columns are never kept."""
    site = {normalise(v): k for k, v in settings.columns.get(table.name, {}).items()}
    wanted = set(table.column_names)
    plan = ColumnPlan()
    for pos, raw in enumerate(headers):
        norm = normalise(raw)
        if not norm:
            plan.blank.append(pos)
            continue
        canonical = site.get(norm, norm)
        if is_name_column(table.name, norm) and canonical == norm:
            plan.name_columns += 1
            continue
        if canonical not in wanted:
            plan.unknown.append((pos, raw.strip()))
            continue
        if canonical in plan.present:
            plan.duplicates.append((pos, canonical))
            continue
        plan.keep[pos] = canonical
    return plan


def positions_to_read(plan: ColumnPlan) -> list[int]:
    """The raw positions a reader reads: kept columns, and blank-headed ones (checked empty)."""
    return sorted([*plan.keep, *plan.blank])


def coded_positions(table: Table, plan: ColumnPlan) -> set[int]:
    """Positions of columns worked on per distinct value (not keys or free text)."""
    return {pos for pos, name in plan.keep.items() if table.column(name).type not in FREE}


def match_name(candidates: list[str], table: str, settings: Settings, *, suffix: str) -> list[str]:
    """The candidates (file or sheet names) that hold ``table``.

    With a ``tables`` entry: that exact name, else the same name matched like a header (with or
    without ``suffix``). Without one: the name whose stem, matched like a header, is the table.
    """
    wanted = settings.tables.get(table)
    if wanted is not None:
        exact = [c for c in candidates if c == wanted]
        if exact:
            return exact
        target = normalise(_strip_suffix(wanted, suffix))
    else:
        target = table
    return [c for c in candidates if normalise(_strip_suffix(c, suffix)) == target]


def _strip_suffix(name: str, suffix: str) -> str:
    return name[: -len(suffix)] if suffix and name.lower().endswith(suffix) else name


def check_site_maps(settings: Settings) -> None:
    """Refuse maps that name tables or columns the contract does not have (typos), and maps
    that would load a name column under a canonical name."""
    problems: list[str] = []
    for section in ("tables", "header_rows", "columns", "values"):
        for table in getattr(settings, section):
            if table not in TABLES:
                problems.append(f"{section}.{table}: no such table in the contract")
    for table, cols in settings.columns.items():
        if table not in TABLES:
            continue
        for canonical, site_header in cols.items():
            if not TABLES[table].has(canonical):
                problems.append(f"columns.{table}.{canonical}: {table} has no column {canonical}")
            elif is_name_column(table, normalise(site_header)) and (table, canonical) != (
                "staff",
                "display_name",
            ):
                problems.append(
                    f"columns.{table}.{canonical}: the site column looks like a person's name, "
                    "which cfcs-qa never loads"
                )
    for table, by_column in settings.values.items():
        if table not in TABLES:
            continue
        for column in by_column:
            if not TABLES[table].has(column):
                problems.append(f"values.{table}.{column}: {table} has no column {column}")
    for table, rows in settings.header_rows.items():
        if rows < 0:
            problems.append(f"header_rows.{table}: must be 0 or more")
    if problems:
        where = settings.source or "the settings"
        bullets = "\n".join(f"  - {p}" for p in problems)
        raise ConfigError(
            f"{where} has maps cfcs-qa cannot use:\n{bullets}\n"
            "Use the canonical table and column names of docs/data-contract.md on the left of "
            "each map, and run again."
        )
