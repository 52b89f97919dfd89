"""Reading the DfE benchmark files shipped under ``reference/dfe-benchmarks``.

The files come from the DfE's published statistics and have quirks we must tolerate: a UTF-8
byte-order mark before the header in some, quoted empty strings, columns in different orders
(``la_name`` / ``new_la_code`` swapped) and suppression markers instead of numbers. Only the
latest ``time_period`` is kept, only the columns asked for, and each file is read at most once
per process (``lru_cache``).

``_summary.json`` beside the files holds each file's latest-year rows, already picked out (about
ten times faster to load than parsing the CSVs, which hold every year since 2013). An entry is
used only when the file's SHA-256 and the columns asked for match it; otherwise the file is read
as before. ``write_summary`` rebuilds it; a test fails when it is out of date.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cfcs_qa.errors import UserError
from cfcs_qa.paths import resource

# Markers the DfE uses instead of a number: c = suppressed (small numbers), x = not available,
# z = not applicable, low = rounds to zero, u = low reliability, k = fewer than 0.5, : = n/a.
SUPPRESSED = frozenset({"c", "x", "z", "low", "u", "k", ":", ".", "..", "-", ""})

NATIONAL = "National"
LOCAL_AUTHORITY = "Local authority"
_KEY_COLUMNS = ("time_period", "geographic_level", "new_la_code", "la_name")
SUMMARY = "_summary.json"

Row = dict[str, str]


@dataclass(frozen=True)
class LatestYear:
    """The rows of one file for its latest ``time_period``: England's, and each LA's (an LA's
    rows listed under its code, or its name where the code is blank)."""

    year: str  # the calendar year the DfE year ends in (31 March), e.g. "2025"
    national: tuple[Row, ...]
    local: dict[str, tuple[Row, ...]]


def benchmarks_dir() -> Path:
    return resource("reference") / "dfe-benchmarks"


def number(cell: str | None) -> float | None:
    """The cell as a number, or None for a suppression marker, blank or anything non-numeric."""
    if cell is None:
        return None
    text = cell.strip().replace(",", "")
    if text.lower() in SUPPRESSED:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN is not a figure


def year_label(time_period: str) -> str:
    """``2025`` -> ``2025``; an academic-style ``202425`` -> ``2025`` (the year ending 31 March)."""
    text = time_period.strip()
    if len(text) == 6 and text.isdigit():
        return text[:2] + text[4:]
    return text


def _period_key(time_period: str) -> int:
    text = year_label(time_period)
    return int(text) if text.isdigit() else -1


@lru_cache(maxsize=64)
def latest(filename: str, columns: tuple[str, ...]) -> LatestYear:
    """The latest year's National and Local authority rows of ``filename``, holding only
    ``columns`` (plus the area keys). Raises UserError when the file or a column is missing:
    these files ship with the package, so that means a broken installation."""
    path = benchmarks_dir() / filename
    summarised = _from_summary(filename, columns, path)
    return summarised if summarised is not None else _read(path, filename, columns)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@lru_cache(maxsize=1)
def _summary() -> dict[str, Any]:
    try:
        loaded = json.loads((benchmarks_dir() / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _from_summary(filename: str, columns: tuple[str, ...], path: Path) -> LatestYear | None:
    """The file's entry in ``_summary.json`` when it was made from these very bytes and
    columns; None sends the caller to the file itself."""
    entry = _summary().get(filename)
    if not isinstance(entry, dict) or entry.get("columns") != list(columns):
        return None
    if entry.get("sha256") != _digest(path):
        return None
    return LatestYear(
        year=entry["year"],
        national=tuple(entry["national"]),
        local={area: tuple(rows) for area, rows in entry["local"].items()},
    )


def summary_entry(filename: str, columns: tuple[str, ...]) -> dict[str, Any]:
    """``_summary.json``'s entry for one file, read from the file itself."""
    path = benchmarks_dir() / filename
    data = _read(path, filename, columns)
    return {"columns": list(columns), "sha256": _digest(path), "year": data.year,
            "national": list(data.national),
            "local": {area: list(rows) for area, rows in data.local.items()}}


def write_summary(files: dict[str, tuple[str, ...]]) -> Path:
    """Rebuild ``_summary.json`` for ``files`` (file name -> columns), e.g. after a file in
    ``reference/dfe-benchmarks`` is replaced by a newer DfE release."""
    target = benchmarks_dir() / SUMMARY
    body = {name: summary_entry(name, columns) for name, columns in sorted(files.items())}
    target.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    clear_cache()
    return target


def _read(path: Path, filename: str, columns: tuple[str, ...]) -> LatestYear:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise UserError(
            f"The DfE benchmark file {filename} could not be read from {path.parent} ({exc}). "
            "It ships with cfcs-qa under reference/dfe-benchmarks; reinstall the package or "
            "restore the file from the repository."
        ) from exc
    with handle:
        reader = csv.reader(handle)
        header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
        wanted = tuple(dict.fromkeys(_KEY_COLUMNS + columns))
        missing = [name for name in wanted if name not in header]
        if missing:
            raise UserError(
                f"The DfE benchmark file {path} has no column(s) {', '.join(missing)}. "
                "Restore the file shipped with cfcs-qa (reference/dfe-benchmarks)."
            )
        index = [header.index(name) for name in wanted]
        width = max(index) + 1
        at = header.index("time_period")
        kept = [row for row in reader if len(row) >= width]
    # only the newest year's rows become dicts (these files hold many years)
    stated = {row[at].strip() for row in kept}
    periods = {p for p in stated if _period_key(p) >= 0}
    if not periods:
        raise UserError(f"The DfE benchmark file {path} has no rows with a time_period.")
    newest = max(periods, key=_period_key)
    current = [
        {name: row[i].strip() for name, i in zip(wanted, index, strict=True)}
        for row in kept
        if row[at].strip() == newest
    ]
    local: dict[str, list[Row]] = {}
    for row in current:
        if row["geographic_level"] == LOCAL_AUTHORITY:
            local.setdefault(row["new_la_code"] or row["la_name"], []).append(row)
    return LatestYear(
        year=year_label(newest),
        national=tuple(row for row in current if row["geographic_level"] == NATIONAL),
        local={area: tuple(area_rows) for area, area_rows in local.items()},
    )


def clear_cache() -> None:
    """Forget every file read (tests point ``benchmarks_dir`` elsewhere)."""
    latest.cache_clear()
    _summary.cache_clear()
