"""Structured filters ``{field, op, value}`` evaluated over a frame, vectorised.

A value is a literal (text compares case-insensitively), a list (``in``/``not_in``), a
reference to the month (``$ME``, ``$M1`` = first day of M, ``$AS_OF`` = extract date, or
``{ref: ME, days: -13, months: 0}``) or another column (``{field: name}``). Blank values never
satisfy a comparison; ``not_true``/``not_false`` treat blank as "not true"/"not false".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..calendar import add_months
from .model import Filter

REFS = ("ME", "M1", "AS_OF")


@dataclass(frozen=True)
class Window:
    """The month being evaluated and the extract date."""

    first: date
    me: date
    as_of: date

    def ref(self, name: str) -> date:
        return {"ME": self.me, "M1": self.first, "AS_OF": self.as_of}[name]


def is_ref(value: Any) -> bool:
    if isinstance(value, str) and value.startswith("$"):
        return True
    return isinstance(value, dict) and "ref" in value


def resolve_ref(value: Any, w: Window) -> date:
    """``$ME`` / ``{ref: ME, days: d, months: m}`` -> a date (months first, forward)."""
    if isinstance(value, str):
        return w.ref(value[1:])
    d = w.ref(str(value["ref"]).lstrip("$"))
    if value.get("months"):
        d = add_months(d, int(value["months"]))
    if value.get("days"):
        d = d + timedelta(days=int(value["days"]))
    return d


def ref_error(value: Any) -> str | None:
    """Why a reference is malformed (None when fine)."""
    if isinstance(value, str):
        if value[1:] in REFS:
            return None
        return f"unknown reference {value!r} (use $ME, $M1 or $AS_OF)"
    extra = set(value) - {"ref", "days", "months"}
    if extra:
        return f"a date reference takes ref, days and months, not {', '.join(sorted(extra))}"
    if str(value["ref"]).lstrip("$") not in REFS:
        return f"unknown reference {value['ref']!r} (use ME, M1 or AS_OF)"
    for k in ("days", "months"):
        if k in value and not isinstance(value[k], int):
            return f"{k} must be a whole number"
    return None


def _operand(f: pd.DataFrame, value: Any, w: Window) -> Any:
    if isinstance(value, dict) and "field" in value:
        return f[value["field"]]
    if is_ref(value):
        return pd.Timestamp(resolve_ref(value, w))
    return value


def _lower(s: pd.Series) -> pd.Series:
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        return s.str.lower()
    return s


def mask(f: pd.DataFrame, filt: Filter, w: Window) -> pd.Series:
    """Boolean Series (no NA) for one filter."""
    m = _mask(f, filt, w)
    if filt.or_null:
        m = m | f[filt.field].isna()
    return m


def _mask(f: pd.DataFrame, filt: Filter, w: Window) -> pd.Series:
    col = f[filt.field]
    op = filt.op
    if op == "is_null":
        return col.isna()
    if op == "not_null":
        return col.notna()
    if op in ("is_true", "is_false", "not_true", "not_false"):
        b = col.astype("boolean")
        if op == "is_true":
            return b.fillna(False).astype(bool)
        if op == "is_false":
            return (~b).fillna(False).astype(bool)
        if op == "not_true":
            return (~b.fillna(False)).astype(bool)
        return b.fillna(True).astype(bool)
    if op in ("in", "not_in"):
        values = [str(v).lower() if isinstance(v, str) else v for v in filt.value]
        hit = _lower(col).isin(values)
        hit = hit.fillna(False).astype(bool)
        return hit if op == "in" else (~hit & col.notna())
    other = _operand(f, filt.value, w)
    if isinstance(other, str):
        other = other.lower()
        col = _lower(col)
    result = {
        "eq": lambda: col == other,
        "ne": lambda: col != other,
        "lt": lambda: col < other,
        "le": lambda: col <= other,
        "gt": lambda: col > other,
        "ge": lambda: col >= other,
    }[op]()
    valid = col.notna()
    if isinstance(other, pd.Series):
        valid &= other.notna()
    return (pd.Series(result, index=f.index).fillna(False).astype(bool) & valid).astype(bool)


def all_of(f: pd.DataFrame, filters: list[Filter], w: Window) -> pd.Series:
    out = pd.Series(np.ones(len(f), dtype=bool), index=f.index)
    for filt in filters:
        out &= mask(f, filt, w)
    return out
