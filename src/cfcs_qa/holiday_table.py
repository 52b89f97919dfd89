"""Guernsey's public holidays, from the ``holidays`` package, remembered on disk.

Importing ``holidays`` loads every country it knows (about 0.2 s); the table itself takes
milliseconds. A run that has a cache folder keeps the table there, named by the installed
``holidays`` version and the years, so later runs read a small JSON file instead. A new
``holidays`` release is a new file; a file that cannot be read is simply made again.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date
from pathlib import Path

COUNTRY = "GG"


def public_holidays(first_year: int, last_year: int,
                    memo_dir: Path | None = None) -> dict[date, str]:
    """Guernsey's public holidays of the years, by date (``holidays.country_holidays``)."""
    memo = _memo_path(memo_dir, first_year, last_year)
    if memo is not None:
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            days = json.loads(memo.read_text(encoding="utf-8"))["days"]
            return {date.fromisoformat(d): str(name) for d, name in days.items()}
    table = _computed(first_year, last_year)
    if memo is not None:
        _remember(memo, table)
    return table


def _computed(first_year: int, last_year: int) -> dict[date, str]:
    import holidays

    gg = holidays.country_holidays(COUNTRY, years=range(first_year, last_year + 1))
    return {d: str(name) for d, name in sorted(gg.items())}


def _memo_path(memo_dir: Path | None, first_year: int, last_year: int) -> Path | None:
    """Where the table is kept: only in a folder that already exists (the cache folder is
    made, owner-only, by the loader), and only when the ``holidays`` version is known."""
    if memo_dir is None or not memo_dir.is_dir():
        return None
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("holidays")
    except PackageNotFoundError:
        return None
    safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in release)
    return memo_dir / f"holidays-{COUNTRY}-{safe}-{first_year}-{last_year}.json"


def _remember(memo: Path, table: dict[date, str]) -> None:
    """Best effort: a table not written is computed again next run."""
    from .fileio import write_text

    with contextlib.suppress(OSError):
        write_text(memo, json.dumps({"country": COUNTRY,
                                     "days": {d.isoformat(): n for d, n in table.items()}},
                                    sort_keys=True))
