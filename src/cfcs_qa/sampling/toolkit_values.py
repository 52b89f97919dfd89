"""Reading what an auditor typed into one toolkit cell: choices in their common spellings
("RI", "Req. improvement", "inad", "N/A", "partially met"), yes/no, real dates, plain text.

Each parser returns ``(value, why)``: ``why`` is None when the cell is usable, else one
sentence saying what is wrong. Values typed by auditors are echoed only for short choice and
date cells, never for free text (it may hold case detail).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from .toolkit_layout import CONTACT_METHODS, MEETING_FORMATS, SCORES

_ECHO_MAX = 30

SCORE_SPELLINGS = {
    **{" ".join(re.findall(r"[a-z0-9]+", k.lower())): v for k, v in SCORES.items()},
    "partially met": "partly_met", "partly": "partly_met", "part met": "partly_met",
    "partial": "partly_met", "no evidence": "not_evidenced", "not evident": "not_evidenced",
    "n a": "not_applicable", "na": "not_applicable", "not relevant": "not_applicable",
}
GRADE_SPELLINGS = {
    "outstanding": "outstanding", "o": "outstanding", "out": "outstanding",
    "good": "good", "g": "good",
    "requires improvement": "requires_improvement",
    "requires improvement to be good": "requires_improvement",
    "requires improvements": "requires_improvement", "ri": "requires_improvement",
    "req improvement": "requires_improvement", "req imp": "requires_improvement",
    "requires imp": "requires_improvement", "require improvement": "requires_improvement",
    "inadequate": "inadequate", "inad": "inadequate", "inadeq": "inadequate",
    "i": "inadequate",
}
JUDGEMENT_SPELLINGS = {
    "yes": "yes", "y": "yes", "no": "no", "n": "no", "partly": "partly",
    "partially": "partly", "partial": "partly", "in part": "partly",
    "not evidenced": "not_evidenced", "no evidence": "not_evidenced",
    "unclear": "not_evidenced", "not evident": "not_evidenced",
}
YES_NO_SPELLINGS = {"yes": True, "y": True, "true": True, "1": True,
                    "no": False, "n": False, "false": False, "0": False}
FORMAT_SPELLINGS = {"joint": True, "together": True, "separate": False, "separately": False}
METHOD_SPELLINGS = {
    **{" ".join(re.findall(r"[a-z0-9]+", m.lower())): m for m in CONTACT_METHODS},
    "face to face": "In person", "home visit": "In person", "visit": "In person",
    "phone": "Telephone", "telephone call": "Telephone", "phone call": "Telephone",
    "video": "Video call", "teams": "Video call", "letter": "Letter or email",
    "email": "Letter or email", "e mail": "Letter or email",
}


def norm(text: str) -> str:
    """Lower case, words only: "Req. Improvement" -> "req improvement"."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def echo(value: Any) -> str:
    text = str(value).strip()
    return repr(text) if len(text) <= _ECHO_MAX else "the value typed"


def is_formula(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return not isinstance(value, int | float | date | datetime | bool | type(None))


def text(value: Any) -> str | None:
    """Plain text, or None when blank."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date().isoformat()
    result = str(value).strip()
    return result or None


def choice(value: Any, spellings: dict[str, Any], shown: tuple[str, ...],
           ) -> tuple[Any, str | None]:
    raw = text(value)
    if raw is None:
        return None, None
    found = spellings.get(norm(raw))
    if found is None:
        return None, f"{echo(raw)} is not one of: {', '.join(shown)}"
    return found, None


def score(value: Any) -> tuple[str | None, str | None]:
    return choice(value, SCORE_SPELLINGS, tuple(SCORES))


def grade(value: Any, labels: tuple[str, ...]) -> tuple[str | None, str | None]:
    return choice(value, GRADE_SPELLINGS, labels)


def judgement(value: Any, shown: tuple[str, ...]) -> tuple[str | None, str | None]:
    return choice(value, JUDGEMENT_SPELLINGS, shown)


def yes_no(value: Any) -> tuple[bool | None, str | None]:
    if isinstance(value, bool):
        return value, None
    return choice(value, YES_NO_SPELLINGS, ("Yes", "No"))


def meeting_format(value: Any) -> tuple[bool | None, str | None]:
    """True: joint, False: separate."""
    return choice(value, FORMAT_SPELLINGS, MEETING_FORMATS)


def method(value: Any) -> tuple[str | None, str | None]:
    return choice(value, METHOD_SPELLINGS, CONTACT_METHODS)


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")


def real_date(value: Any) -> tuple[date | None, str | None]:
    """A date typed as a date, dd/mm/yyyy, yyyy-mm-dd or an Excel serial; between 2000 and
    2099 (anything else is a typing slip)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    found: date | None = None
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        try:
            converted = from_excel(value)
            found = converted.date() if isinstance(converted, datetime) else None
        except (ValueError, OverflowError, TypeError):
            found = None
    elif isinstance(value, str):
        found = _parse_text_date(value.strip())
    if found is None or not 2000 <= found.year <= 2099:
        return None, f"{echo(value)} is not a real date: type it as 19/11/2026"
    return found, None


def _parse_text_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    m = _DMY.match(raw)
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None
