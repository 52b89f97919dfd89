"""Guernsey's public holidays, from the ``holidays`` package, remembered on disk.

Importing ``holidays`` loads every country it knows (about 0.2 s); the table itself takes
milliseconds. A run that has a cache folder keeps the table there, named by the installed
``holidays`` version and the years, so later runs read a small JSON file instead. A new
``holidays`` release is a new file; a file that cannot be read is simply made again.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import threading
from concurrent.futures import Future
from datetime import date
from pathlib import Path

COUNTRY = "GG"
FIRST_YEAR, LAST_YEAR = 2000, 2045
"""The years a working calendar covers unless told otherwise."""
MEMO_PATTERN = f"holidays-{COUNTRY}-*-*-*.json"
"""What every remembered table's file name matches (``memo_name``)."""
_warming: dict[tuple[int, int, Path | None], Future[dict[date, str]]] = {}
_warming_lock = threading.Lock()


def warm(memo_dir: Path | None, first_year: int = FIRST_YEAR,
         last_year: int = LAST_YEAR) -> None:
    """Start making the table in a background thread (a command calls this before a long load:
    the import of ``holidays`` then mostly runs while the loader waits on pyarrow). Never
    raises; ``public_holidays`` with the same arguments takes the result."""
    key = (first_year, last_year, memo_dir)
    with _warming_lock:
        if key in _warming:
            return
        future: Future[dict[date, str]] = Future()
        _warming[key] = future

    def work() -> None:
        try:
            future.set_result(_made(first_year, last_year, memo_dir))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for the table
            future.set_exception(exc)

    threading.Thread(target=work, name="cfcs-qa-holidays", daemon=True).start()


def public_holidays(first_year: int, last_year: int,
                    memo_dir: Path | None = None) -> dict[date, str]:
    """Guernsey's public holidays of the years, by date (``holidays.country_holidays``)."""
    with _warming_lock:
        future = _warming.pop((first_year, last_year, memo_dir), None)
    if future is not None:
        with contextlib.suppress(Exception):  # a failed warm-up: made again here, and raised
            table = dict(future.result())
            memo = _memo_path(memo_dir, first_year, last_year)
            if memo is not None and not memo.exists():  # the folder was made during the load
                _remember(memo, table)
            return table
    return _made(first_year, last_year, memo_dir)


def _made(first_year: int, last_year: int, memo_dir: Path | None) -> dict[date, str]:
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
    """Where the table is kept: only in a folder that already exists and that only we can
    read or write (the cache folder, made owner-only by the loader: nobody else can plant a
    table there), and only when the ``holidays`` version is known."""
    if memo_dir is None or not _private(memo_dir):
        return None
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("holidays")
    except PackageNotFoundError:
        return None
    return memo_dir / memo_name(release, first_year, last_year)


def memo_name(release: str, first_year: int, last_year: int) -> str:
    """The file name of the table of ``first_year``..``last_year`` made by ``holidays``
    ``release`` (matches ``MEMO_PATTERN``)."""
    safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in release)
    return f"holidays-{COUNTRY}-{safe}-{first_year}-{last_year}.json"


def _private(folder: Path) -> bool:
    try:
        info = folder.stat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def _remember(memo: Path, table: dict[date, str]) -> None:
    """Best effort: a table not written is computed again next run."""
    from .fileio import write_text

    with contextlib.suppress(OSError):
        write_text(memo, json.dumps({"country": COUNTRY,
                                     "days": {d.isoformat(): n for d, n in table.items()}},
                                    sort_keys=True))
