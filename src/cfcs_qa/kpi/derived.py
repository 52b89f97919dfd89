"""The registry of named derived columns: what structured filters cannot say.

Each entry is a vectorised function ``fn(frame, ctx, **args)`` returning one value per row,
and a parameter spec the definition checker uses (which arguments name columns of the KPI's
frame, which name a table or a frame and its columns, which are month references).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .dates import (
    NS,
    add_days_many,
    add_months_many,
    age_many,
    age_on,
    birth_parts,
    birthday_many,
)
from .filters import Window, is_ref, resolve_ref
from .frames import CODE, NAT_INT, Prepared
from .latest import DateRanks, stable_argsort


@dataclass
class Ctx:
    prepared: Prepared
    window: Window
    source: str
    rows: np.ndarray | None = None
    """Positions of the frame's rows in ``prepared.frame(source)``, when known."""

    def at(self, f: pd.DataFrame, value: Any) -> Any:
        """A month reference as a date, or a column of ``f`` as datetime64 values."""
        if is_ref(value):
            return resolve_ref(value, self.window)
        return f[value].to_numpy(dtype=NS)


Kind = str
"""field (a column of the KPI frame), date_or_field, frame (a frame/table name), table_field
(a column of the frame named by ``frame``/``table``), int, ref, filters, map."""


@dataclass(frozen=True)
class Spec:
    fn: Callable[..., Any]
    params: dict[str, Kind]
    optional: frozenset[str] = field(default_factory=frozenset)


REGISTRY: dict[str, Spec] = {}


def register(name: str, params: dict[str, Kind], optional: tuple[str, ...] = ()) -> Callable[
        [Callable[..., Any]], Callable[..., Any]]:
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY[name] = Spec(fn, params, frozenset(optional))
        return fn
    return deco


def _days(at: Any, n: int) -> np.ndarray:
    if isinstance(at, date):
        return np.full(n, np.datetime64(at, "ns"))
    return np.asarray(at, dtype=NS)

@register("working_days_between", {"start": "date_or_field", "end": "date_or_field"})
def working_days_between(f: pd.DataFrame, ctx: Ctx, start: Any, end: Any) -> np.ndarray:
    """wd(start, end): working days d with start' < d <= end (start moved to a working day)."""
    a = _days(ctx.at(f, start), len(f))
    b = _days(ctx.at(f, end), len(f))
    return np.asarray(ctx.prepared.calendar.wd_many(a, b))


@register("add_working_days", {"date": "field", "days": "int"})
def add_working_days(f: pd.DataFrame, ctx: Ctx, date: str, days: int) -> np.ndarray:
    """The ``days``-th working day after ``date``'s working day (the deadline of KPI 7)."""
    d = f[date].to_numpy(dtype="datetime64[D]")
    out = np.full(len(f), np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~np.isnat(d)
    hol: Any = ctx.prepared.calendar._busday_holidays  # the calendar's own holiday array
    rolled = np.busday_offset(d[ok], 0, roll="forward", holidays=hol)
    out[ok] = np.busday_offset(rolled, days, roll="forward", holidays=hol)
    return out.astype(NS)


@register("add_months", {"date": "field", "months": "int"})
def add_months(f: pd.DataFrame, ctx: Ctx, date: str, months: int) -> np.ndarray:
    return add_months_many(f[date], months)


@register("add_days", {"date": "field", "days": "int"})
def add_days(f: pd.DataFrame, ctx: Ctx, date: str, days: int) -> np.ndarray:
    return add_days_many(f[date], days)


@register("days_between", {"start": "date_or_field", "end": "date_or_field"})
def days_between(f: pd.DataFrame, ctx: Ctx, start: Any, end: Any) -> np.ndarray:
    a = _days(ctx.at(f, start), len(f))
    b = _days(ctx.at(f, end), len(f))
    return ((b - a) / np.timedelta64(1, "D")).astype("float64")


def _dob(f: pd.DataFrame, ctx: Ctx) -> np.ndarray:
    p = ctx.prepared
    return p.date_of_birth_by_code()[p.child_codes(f)]


@register("date_of_birth", {})
def date_of_birth(f: pd.DataFrame, ctx: Ctx) -> np.ndarray:
    """The child's date of birth from ``children`` (blank: unborn or unknown)."""
    return _dob(f, ctx)


@register("age_at", {"at": "date_or_field"})
def age_at(f: pd.DataFrame, ctx: Ctx, at: Any) -> np.ndarray:
    """Completed years at ``at``; NaN for an unborn child (left out of age filters)."""
    when = ctx.at(f, at)
    if isinstance(when, date):  # the parts of every child's birth date, once per run
        p = ctx.prepared
        if "birth-parts" not in p.cache:
            p.cache["birth-parts"] = birth_parts(p.date_of_birth_by_code())
        codes = p.child_codes(f)
        return age_on(tuple(part[codes] for part in p.cache["birth-parts"]), when)
    return age_many(_dob(f, ctx), when)


@register("birthday", {"years": "int"})
def birthday(f: pd.DataFrame, ctx: Ctx, years: int) -> np.ndarray:
    return birthday_many(_dob(f, ctx), years)


@register("previous_date", {"date": "field"})
def previous_date(f: pd.DataFrame, ctx: Ctx, date: str) -> np.ndarray:
    """The latest ``date`` of the same child's other records strictly before this one's."""
    full = ctx.prepared.frame(ctx.source)
    return _asof(ctx.prepared, f, f[date], full, full[date], allow_exact=False)


@register("previous_end", {"start": "field"})
def previous_end(f: pd.DataFrame, ctx: Ctx, start: str) -> np.ndarray:
    """The latest end_date of the child's other records that ended before ``start``."""
    full = ctx.prepared.frame(ctx.source)
    return _asof(ctx.prepared, f, f[start], full, full["end_date"], allow_exact=False)


def _asof(p: Prepared, f: pd.DataFrame, left_on: pd.Series, right: pd.DataFrame,
          right_on: pd.Series, allow_exact: bool, value: pd.Series | None = None) -> np.ndarray:
    """For each row, ``value`` (default: right_on) of the child's right row with the greatest
    right_on before (or at, with allow_exact) left_on. Ties: the right row sorted last.

    Integer work: the right side (a whole table, the same for every month) is keyed once per
    run by child code and the rank of its date (``latest.DateRanks``), and sorted; a left
    row's key is its child code and the number of ranks before (or at) its own date, and
    one binary search finds the child's latest right row at or below it."""
    out = np.full(len(f), np.datetime64("NaT"), dtype=NS) if value is None else \
        np.full(len(f), None, dtype=object)
    # ``right_on`` and ``value`` are columns of ``right`` (by name); the memos hold ``right``
    # itself, so its id cannot be reused while an entry lives. The keys are shared by every
    # ``value`` read through them.
    memo = ("asof-right", id(right), right_on.name)
    held = p.cache.get(memo)
    if held is None or held[0] is not right:
        codes = p.child_codes(right).astype(np.int64)
        on = right_on.to_numpy(dtype=NS).view(np.int64)
        keep = np.flatnonzero((on != NAT_INT) & (codes >= 0))
        codes, on = codes[keep], on[keep]
        dates = DateRanks(on)
        key = codes * dates.width + dates.ranks()
        order = stable_argsort(key)
        held = p.cache[memo] = (right, key[order], codes[order], keep[order], dates)
    _, right_key, right_codes, right_rows, dates = held
    values_memo = (*memo, None if value is None else value.name)
    values_held = p.cache.get(values_memo)
    if values_held is None or values_held[0] is not right:
        values = (right_on if value is None else value).to_numpy()[right_rows]
        values_held = p.cache[values_memo] = (right, values)
    right_values = values_held[1]
    codes = p.child_codes(f).astype(np.int64)
    on = left_on.to_numpy(dtype=NS).view(np.int64)
    rows = np.flatnonzero((on != NAT_INT) & (codes >= 0))
    if len(rows) == 0 or len(right_key) == 0:
        return out
    before = dates.before(on[rows], inclusive=allow_exact)
    at = np.searchsorted(right_key, codes[rows] * dates.width + before, side="right") - 1
    found = (at >= 0) & (right_codes[np.maximum(at, 0)] == codes[rows])
    picked = right_values[at[found]]
    present = ~pd.isna(picked)
    out[rows[found][present]] = picked[present]
    return out



@register("previous_record", {"date": "field", "tiebreak": "field", "column": "field"})
def previous_record(f: pd.DataFrame, ctx: Ctx, date: str, tiebreak: str, column: str) -> Any:
    """``column`` of the child's latest record dated before this one (ties on date: the higher
    ``tiebreak``, compared as numbers when they are digits)."""
    full = ctx.prepared.frame(ctx.source)
    memo = ("ranked", ctx.source, date, tiebreak)
    if memo not in ctx.prepared.cache:  # once per run: the rows in (date, tiebreak) order
        order = ranked_order(full[date], full[tiebreak])
        ctx.prepared.cache[memo] = (order, pd.DataFrame(
            {CODE: full[CODE].to_numpy()[order], date: full[date].to_numpy()[order]}))
    order, ranked = ctx.prepared.cache[memo]
    if column not in ranked.columns:  # the ranked rows carry only the columns asked for
        ranked[column] = full[column].array.take(order)
    values = _asof(ctx.prepared, f, f[date], ranked, ranked[date], allow_exact=False,
                   value=ranked[column])
    if full[column].dtype.kind == "M":
        return pd.to_datetime(pd.Series(values, index=f.index))
    return pd.Series(values, index=f.index).astype("string")


def ranked_order(dates: pd.Series, tiebreak: pd.Series) -> np.ndarray:
    """Row positions sorted by date, then the tiebreak's length, then the tiebreak as text
    (stable; blanks last in each), as pandas' ``sort_values(kind="stable")`` sorts them, by
    one pyarrow sort."""
    text = tiebreak.astype("str")
    table = pa.table({"d": pa.array(dates, from_pandas=True),
                      "n": pa.array(text.str.len(), from_pandas=True),
                      "k": pa.array(text, from_pandas=True)})
    order = pc.sort_indices(table, sort_keys=[(c, "ascending", "at_end") for c in "dnk"])
    out: np.ndarray = np.asarray(order.to_numpy(), dtype=np.intp)
    return out


@register("add_months_by", {"date": "field", "by": "field", "months": "map"})
def add_months_by(f: pd.DataFrame, ctx: Ctx, date: str, by: str, months: dict[str, int]) -> Any:
    """``date`` + months chosen by the value of ``by`` (e.g. initial: 3, review: 6)."""
    lookup = {str(k).lower(): v for k, v in months.items()}
    n = f[by].astype("string").str.lower().map(lookup).astype("float64").to_numpy()
    return add_months_many(f[date], n)


# Cross-table derived columns register themselves on import.
from . import derived_related  # noqa: E402, F401
