"""Derived columns that look across tables: is the child open in another frame at a date,
what value does their open record carry, how many related rows fall in a window, the
latest related date, days in care since a birthday. Registered into ``derived.REGISTRY``."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .dates import NS, birthday_many
from .derived import Ctx, _asof, _dob, register
from .filters import all_of, resolve_ref
from .frames import last_by_code, month_slice, open_at, overlaps
from .model import Filter


def _frame(ctx: Ctx, name: str) -> pd.DataFrame | None:
    return ctx.prepared.frame(name) if ctx.prepared.has(name) else None


@register("child_open_in", {"frame": "frame", "at": "date_or_field"})
def child_open_in(f: pd.DataFrame, ctx: Ctx, frame: str, at: Any) -> np.ndarray:
    """The child has a record of ``frame`` open at ``at`` (absent table: no)."""
    other = _frame(ctx, frame)
    if other is None or f.empty:
        return np.zeros(len(f), dtype=bool)
    p = ctx.prepared
    when = ctx.at(f, at)
    if isinstance(when, date):
        key = ("open", frame, when)
        if key not in p.cache:
            live = other[open_at(other, when)]
            p.cache[key] = p.by_child(p.child_codes(live), np.ones(len(live), bool), False)
        flags: np.ndarray = p.cache[key]
        return flags[p.child_codes(f)]
    left = pd.DataFrame({"_c": p.child_codes(f), "_at": when, "_i": np.arange(len(f))})
    right = pd.DataFrame({"_c": p.child_codes(other), "start_date": other["start_date"],
                          "end_date": other["end_date"]})
    m = left[left["_c"] >= 0].merge(right[right["_c"] >= 0], on="_c")
    hit = (m["start_date"] <= m["_at"]) & (m["end_date"].isna() | (m["end_date"] > m["_at"]))
    out = np.zeros(len(f), dtype=bool)
    out[m.loc[hit, "_i"].to_numpy()] = True
    return out


@register("value_at", {"frame": "frame", "column": "table_field", "at": "ref"})
def value_at(f: pd.DataFrame, ctx: Ctx, frame: str, column: str, at: Any) -> pd.Series:
    """``column`` of the child's ``frame`` record open at ``at`` (the one started last)."""
    other = _frame(ctx, frame)
    if other is None:
        return pd.Series([pd.NA] * len(f), index=f.index)
    p = ctx.prepared
    when = resolve_ref(at, ctx.window)
    live = other[open_at(other, when)].sort_values("start_date", kind="stable")
    values = live[column].astype(object).to_numpy()
    by_code = p.by_child(p.child_codes(live), values, None)  # the latest start wins
    out = pd.Series(by_code[p.child_codes(f)], index=f.index, dtype=object)
    return out.where(out.notna(), None)


@register("record_id_at", {"frame": "frame", "at": "ref"})
def record_id_at(f: pd.DataFrame, ctx: Ctx, frame: str, at: Any) -> pd.Series:
    """The id of the child's ``frame`` record open at ``at`` (for explain)."""
    return value_at(f, ctx, frame, "_id", at)


@register("linked_or_latest", {"table": "frame", "link": "field", "key": "table_field",
                               "value": "table_field", "on_or_before": "field"})
def linked_or_latest(f: pd.DataFrame, ctx: Ctx, table: str, link: str, key: str, value: str,
                     on_or_before: str) -> np.ndarray:
    """``value`` of the ``table`` row whose ``key`` = this row's ``link``; else the child's
    latest ``value`` on or before ``on_or_before``; none found = blank."""
    other = _frame(ctx, table)
    if other is None:
        return np.full(len(f), np.datetime64("NaT"), dtype=NS)
    memo = ("link", table, key, value)
    if memo not in ctx.prepared.cache:
        firsts = other[other[key].notna()].drop_duplicates(key)
        ctx.prepared.cache[memo] = (pd.Index(firsts[key].to_numpy(dtype=object)),
                                    np.append(firsts[value].to_numpy(dtype=NS),
                                              np.datetime64("NaT", "ns")))
    index, values = ctx.prepared.cache[memo]
    linked = values[np.asarray(index.get_indexer(f[link].to_numpy(dtype=object)))]
    latest = _asof(ctx.prepared, f, f[on_or_before], other, other[value], allow_exact=True)
    return np.where(np.isnat(linked), latest, linked)


@register("latest_related", {"table": "frame", "key": "field", "date": "table_field",
                             "on_or_before": "ref"})
def latest_related(f: pd.DataFrame, ctx: Ctx, table: str, key: str, date: str,
                   on_or_before: Any) -> np.ndarray:
    """The latest ``date`` of ``table`` rows sharing ``key`` with this row, on or before."""
    other = _frame(ctx, table)
    if other is None:
        return np.full(len(f), np.datetime64("NaT"), dtype=NS)
    p = ctx.prepared
    memo = ("latest", table, key, date)
    if memo not in p.cache:
        # once per run: the table in date order, with integer codes for the key
        ordered = other[other[date].notna()].sort_values(date, kind="stable")
        if key == "child_id":
            index, codes = None, p.child_codes(ordered)
        else:
            codes, uniques = pd.factorize(ordered[key])
            index = pd.Index(np.asarray(uniques, dtype=object))
        p.cache[memo] = (ordered[date].to_numpy(dtype=NS), np.asarray(codes), index)
    dates, codes, index = p.cache[memo]
    limit = np.datetime64(resolve_ref(on_or_before, ctx.window), "ns")
    hi = int(np.searchsorted(dates, limit, side="right"))
    size = (p.n_children if index is None else len(index)) + 1
    latest = last_by_code(codes[:hi], dates[:hi], size, np.datetime64("NaT", "ns"))
    wanted = p.child_codes(f) if index is None else \
        np.asarray(index.get_indexer(f[key].to_numpy(dtype=object)))
    return latest[wanted]


@register("count_related", {"table": "frame", "date": "table_field", "from": "ref", "to": "ref",
                            "filters": "filters", "end": "table_field"},
          optional=("filters", "end"))
def count_related(f: pd.DataFrame, ctx: Ctx, table: str, date: str, to: Any,
                  filters: list[dict[str, Any]] | None = None, end: str | None = None,
                  **kw: Any) -> np.ndarray:
    """How many of the child's ``table`` rows (matching ``filters``) are dated in [from, to],
    or, with ``end``, overlap [from, to] (start <= to and (end blank or end >= from))."""
    other = _frame(ctx, table)
    if other is None:
        return np.zeros(len(f))
    w1 = resolve_ref(kw["from"], ctx.window)
    w2 = resolve_ref(to, ctx.window)
    flt = [Filter.model_validate(x) for x in (filters or [])]
    if end is None:
        sel = month_slice(ctx.prepared, table, date, w1, w2)
    else:
        sel = other[overlaps(other, w1, w2, start=date, end=end)]
    if flt:
        sel = sel[all_of(sel, flt, ctx.window)]
    p = ctx.prepared
    codes = p.child_codes(sel)
    counts = np.bincount(codes[codes >= 0], minlength=p.n_children + 1).astype("float64")
    counts[-1] = 0  # code -1: a child seen nowhere else
    return counts[p.child_codes(f)]


@register("care_days_since_birthday", {"frame": "frame", "years": "int", "until": "ref"})
def care_days_since_birthday(f: pd.DataFrame, ctx: Ctx, frame: str, years: int,
                             until: Any) -> np.ndarray:
    """Days d from the ``years``-th birthday to ``until`` on which a ``frame`` record is open
    (start <= d < end)."""
    other = _frame(ctx, frame)
    if other is None or f.empty:
        return np.zeros(len(f))
    p = ctx.prepared
    last = pd.Timestamp(resolve_ref(until, ctx.window)) + pd.Timedelta(days=1)
    kids = pd.DataFrame({"_c": p.child_codes(f),
                         "_from": birthday_many(_dob(f, ctx), years)}).drop_duplicates("_c")
    right = pd.DataFrame({"_c": p.child_codes(other), "start_date": other["start_date"],
                          "end_date": other["end_date"]})
    m = kids[kids["_c"] >= 0].merge(right, on="_c")
    lo = np.maximum(m["start_date"].to_numpy(dtype=NS), m["_from"].to_numpy(dtype=NS))
    hi_end = m["end_date"].fillna(last).to_numpy(dtype=NS)
    hi = np.minimum(hi_end, np.datetime64(last.to_datetime64(), "ns"))
    days = np.clip((hi - lo) / np.timedelta64(1, "D"), 0, None)
    days = np.where(np.isnan(days), 0, days)
    total = np.bincount(m["_c"].to_numpy(), weights=days, minlength=p.n_children + 1)
    total[-1] = 0
    return total[p.child_codes(f)]
