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
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from ..calendar import add_months
from .frames import NAT_INT
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


def mask(f: pd.DataFrame, filt: Filter, w: Window) -> np.ndarray:
    """Boolean array (no NA) for one filter."""
    col = f[filt.field]
    m = _fast_mask(col, f, filt, w)
    if m is None:
        m = _mask(col, f, filt, w)
    if filt.or_null:
        m = m | _blank(col)
    return m


def _blank(col: pd.Series) -> np.ndarray:
    """``col.isna()`` as an array; a numpy date column's NaT read as its int64 directly."""
    if isinstance(col.dtype, np.dtype) and col.dtype.kind == "M":
        out: np.ndarray = col.to_numpy().view(np.int64) == NAT_INT
        return out
    return col.isna().to_numpy()


_BOOL_OPS = ("is_true", "is_false", "not_true", "not_false")
_COMPARE = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
            "gt": np.greater, "ge": np.greater_equal}


def _fast_mask(col: pd.Series, f: pd.DataFrame, filt: Filter, w: Window) -> np.ndarray | None:
    """The same mask as ``_mask`` straight from the column's arrays, for the common cases (a
    boolean column, text against text literals, numbers against a number); None otherwise.
    Pandas' per-call overhead (new Series, ``astype("boolean")``, ``.str`` accessors) is most
    of a small month's cost, so these skip it."""
    op, arr = filt.op, col.array
    if op in _BOOL_OPS:
        true, na = _truth(col)
        if true is None:
            return None
        return {"is_true": true, "is_false": ~(true | na), "not_true": ~true,
                "not_false": true | na}[op]
    if isinstance(arr, ArrowStringArray):
        text = _text_values(filt)
        if text is None:
            return None
        lowered = pc.utf8_lower(pa.array(arr))
        if op in ("in", "not_in"):
            hit = _bool(pc.is_in(lowered, value_set=pa.array(text, type=lowered.type)))
            return hit if op == "in" else (~hit & ~_bool(pc.is_null(lowered)))
        if op in ("eq", "ne"):
            fn = pc.equal if op == "eq" else pc.not_equal
            return _bool(pc.fill_null(fn(lowered, text[0]), False))
        return None
    value = filt.value
    if op in _COMPARE and col.dtype.kind == "M" and isinstance(col.dtype, np.dtype) and \
            is_ref(value):
        # a date against a month reference: int64 comparisons in the column's unit; NaT
        # (the smallest int64) fails ge/gt/eq by itself, the others need it masked out
        left = col.to_numpy()
        right = np.datetime64(resolve_ref(value, w)).astype(left.dtype).view(np.int64)
        ints = left.view(np.int64)
        out = np.asarray(_COMPARE[op](ints, right))
        if op in ("lt", "le", "ne"):
            out &= ints != NAT_INT
        return out
    if op in _COMPARE and isinstance(col.dtype, np.dtype) and col.dtype.kind in "if" \
            and _is_number(value):
        values = col.to_numpy()
        out = np.asarray(_COMPARE[op](values, value))
        if col.dtype.kind == "f":
            out &= ~np.isnan(values)
        return out
    return None


def _truth(col: pd.Series) -> tuple[np.ndarray | None, np.ndarray]:
    """(true, blank) of a boolean column (numpy bool or nullable boolean); (None, _) else."""
    if isinstance(col.dtype, np.dtype) and col.dtype.kind == "b":
        values: np.ndarray = col.to_numpy()
        return values, np.zeros(len(values), dtype=bool)
    if isinstance(col.dtype, pd.BooleanDtype):
        arr = col.array
        return arr.to_numpy(dtype=bool, na_value=False), np.asarray(arr.isna())
    return None, np.zeros(0, dtype=bool)


def _text_values(filt: Filter) -> list[str] | None:
    """The filter's literal(s), lowered, when every one is text (else None: the plain path)."""
    if filt.op in ("in", "not_in"):
        values = filt.value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return None
        return [v.lower() for v in values]
    if isinstance(filt.value, str) and not is_ref(filt.value):
        return [filt.value.lower()]
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bool(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=bool)


def _mask(col: pd.Series, f: pd.DataFrame, filt: Filter, w: Window) -> np.ndarray:
    op = filt.op
    if op == "is_null":
        return col.isna().to_numpy()
    if op == "not_null":
        return col.notna().to_numpy()
    if op in _BOOL_OPS:
        b = col.astype("boolean")
        true = b.to_numpy(dtype=bool, na_value=False)
        false = (~b).to_numpy(dtype=bool, na_value=False)
        return {"is_true": true, "is_false": false, "not_true": ~true, "not_false": ~false}[op]
    if op in ("in", "not_in"):
        values = [str(v).lower() if isinstance(v, str) else v for v in filt.value]
        hit = _lower(col).isin(values).to_numpy(dtype=bool, na_value=False)
        return hit if op == "in" else (~hit & col.notna().to_numpy())
    other = _operand(f, filt.value, w)
    if col.dtype.kind == "M" and (isinstance(other, pd.Timestamp) or (
            isinstance(other, pd.Series) and other.dtype.kind == "M")):
        # dates: plain datetime64 comparisons in the column's own unit (no converted copy of
        # the column); blanks are masked out
        left = col.to_numpy()
        if isinstance(other, pd.Series):
            right = other.to_numpy()
            valid = ~np.isnat(left) & ~np.isnat(right)
        else:
            right = np.datetime64(other.to_datetime64()).astype(left.dtype)
            valid = ~np.isnat(left)
        return np.asarray(_COMPARE[op](left, right)) & valid
    valid = col.notna().to_numpy()
    if isinstance(other, pd.Series):
        valid = valid & other.notna().to_numpy()
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
    return pd.Series(result, index=f.index).to_numpy(dtype=bool, na_value=False) & valid


def all_of(f: pd.DataFrame, filters: list[Filter], w: Window) -> np.ndarray:
    """Rows meeting every filter (a plain boolean array)."""
    out = np.ones(len(f), dtype=bool)
    for filt in filters:
        out &= mask(f, filt, w)
    return out
