"""Reading one value as its type (``docs/data-contract.md``, "Reading values").

Each parser takes one trimmed, non-blank text and returns ``(value, None)`` or
``(None, reason)``. They run once per distinct value of a column (see ``uniques.py``), so a
5-million-row column with a few thousand distinct dates costs a few thousand calls.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_TIME = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME)
_SHORT_YEAR = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}(?:\s.*)?")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_WHOLE = re.compile(r"[+-]?\d+(?:\.0+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")

EXAMPLE = "write 31/10/2026 or 2026-10-31"

TRUE_WORDS = frozenset({"y", "yes", "true", "1"})
FALSE_WORDS = frozenset({"n", "no", "false", "0"})


def parse_date(text: str) -> tuple[dt.date | None, str | None]:
    """ISO ``2026-10-31`` or UK ``31/10/2026`` (day first), optionally with a time (dropped)."""
    match = _ISO.fullmatch(text)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _UK.fullmatch(text)
        if not match:
            return None, _why_not_a_date(text)
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    hour, minute, second = match[4], match[5], match[6]
    if hour is not None and (int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59):
        return None, f"{hour}:{minute} is not a time of day"
    if not 1 <= month <= 12:
        if 1 <= day <= 12 and 13 <= month <= 31:
            return None, f"there is no month {month}: dates are read day first, {EXAMPLE}"
        return None, f"there is no month {month}"
    if year < 1900:
        return None, f"year {year} is too early"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        suffix = f" {year}" if month == 2 and day == 29 else ""
        return None, f"day {day} of {name}{suffix}"
    return dt.date(year, month, day), None


def _why_not_a_date(text: str) -> str:
    if _SHORT_YEAR.fullmatch(text):
        return "a two-digit year: write the year in full, e.g. 31/10/2026"
    if _NUMBER.fullmatch(text):
        return f"a bare number: format the column as a date, or {EXAMPLE}"
    return EXAMPLE


def parse_bool(text: str) -> tuple[bool | None, str | None]:
    word = text.casefold()
    if word in TRUE_WORDS:
        return True, None
    if word in FALSE_WORDS:
        return False, None
    return None, "write Y/N, Yes/No, TRUE/FALSE or 1/0"


def parse_int(text: str) -> tuple[int | None, str | None]:
    if _THOUSANDS.fullmatch(text):
        return int(text.replace(",", "")), None
    if _WHOLE.fullmatch(text):
        return int(text.split(".")[0]), None
    return None, "not a whole number"


def parse_choice(text: str, allowed: tuple[str, ...], upper: bool) -> tuple[str | None, str | None]:
    """An enumeration (stored lower-case) or a code (stored upper-case)."""
    value = text.upper() if upper else text.lower()
    if value in allowed:
        return value, None
    return None, "not one of " + ", ".join(allowed)
