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
from .frames import overlaps
from .key_codes import encode, lookup
from .latest import latest_by_key
from .model import Filter
from .month_rows import columns_at, open_positions
from .open_lookup import OpenLookup, open_lookup


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
            codes = p.child_codes(other)[open_positions(p, frame, when)]
            flags = np.zeros(p.n_children + 1, dtype=bool)  # last slot: code -1, never open
            flags[codes[codes >= 0]] = True
            p.cache[key] = flags
        open_flags: np.ndarray = p.cache[key]
        return open_flags[p.child_codes(f)]
    memo = ("open-lookup", frame)
    if memo not in p.cache:  # once per run: the frame's records by (child, start)
        p.cache[memo] = open_lookup(p.child_codes(other), other["start_date"].to_numpy(dtype=NS),
                                   other["end_date"].to_numpy(dtype=NS))
    lookup: OpenLookup = p.cache[memo]
    return lookup.open_at(p.child_codes(f), when)


@register("value_at", {"frame": "frame", "column": "table_field", "at": "ref"})
def value_at(f: pd.DataFrame, ctx: Ctx, frame: str, column: str, at: Any) -> pd.Series:
    """``column`` of the child's ``frame`` record open at ``at`` (the one started last)."""
    other = _frame(ctx, frame)
    if other is None:
        return pd.Series([pd.NA] * len(f), index=f.index)
    p = ctx.prepared
    when = resolve_ref(at, ctx.window)
    key = ("open-latest-row", frame, when)
    if key not in p.cache:  # each child's open record that started last (ties: the later row)
        pos = open_positions(p, frame, when)
        starts = other["start_date"].to_numpy(dtype=NS).view(np.int64)[pos]
        rows = pos[np.argsort(starts, kind="stable")]
        p.cache[key] = p.by_child(p.child_codes(other)[rows], rows, -1)
    latest_row: np.ndarray = p.cache[key]
    picked = latest_row[p.child_codes(f)]
    out = np.full(len(f), None, dtype=object)
    has = picked >= 0
    out[has] = other[column].iloc[picked[has]].astype(object).to_numpy()
    out[pd.isna(out)] = None
    return pd.Series(out, index=f.index, dtype=object)


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
    if memo not in ctx.prepared.cache:  # once per run: each key's first row's value, by code
        dictionary, codes = encode(other[key])
        valid = np.flatnonzero(codes >= 0)
        distinct, first = np.unique(codes[valid], return_index=True)
        by_code = np.full(len(dictionary) + 1, np.datetime64("NaT"), dtype=NS)  # last: -1
        by_code[distinct] = other[value].to_numpy(dtype=NS)[valid[first]]
        ctx.prepared.cache[memo] = (dictionary, by_code)
    dictionary, by_code = ctx.prepared.cache[memo]
    linked = by_code[_codes_in(ctx, f, link, memo, dictionary)]
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
        # once per run: integer codes for the key, and the rows ordered by (code, date)
        if key == "child_id":
            dictionary, codes = None, p.child_codes(other).astype(np.int64)
        else:
            dictionary, codes = encode(other[key])
        p.cache[memo] = (dictionary, latest_by_key(codes, other[date].to_numpy(dtype=NS)))
    dictionary, latest = p.cache[memo]
    if dictionary is None:
        wanted = p.child_codes(f).astype(np.int64)
    else:
        wanted = _codes_in(ctx, f, key, memo, dictionary)
    limit = np.datetime64(resolve_ref(on_or_before, ctx.window), "ns")
    return latest.at(wanted, limit)


def _codes_in(ctx: Ctx, f: pd.DataFrame, column: str, memo: Any, dictionary: Any) -> np.ndarray:
    """Codes of ``f[column]`` in ``dictionary``: looked up once per run for the whole source
    frame when f's rows are known positions of it, else for f's rows."""
    if ctx.rows is None:
        return lookup(f[column], dictionary)
    key = ("codes-in", ctx.source, column, memo)
    if key not in ctx.prepared.cache:
        ctx.prepared.cache[key] = lookup(ctx.prepared.frame(ctx.source)[column], dictionary)
    codes: np.ndarray = ctx.prepared.cache[key]
    return codes[ctx.rows]


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
    p = ctx.prepared
    if end is None:
        rows: tuple[Any, ...] = ("in", date, w1, w2)
        pos = p.positions(table, date, w1, w2)
    else:
        rows = ("overlap", date, end, w1, w2)
        pos = np.flatnonzero(overlaps(other, w1, w2, start=date, end=end))
    codes = p.child_codes(other)[pos]
    if flt:  # the rows' filtered columns only, not the whole rows
        used = {x.field for x in flt} | {str(x.value["field"]) for x in flt
                                         if isinstance(x.value, dict) and "field" in x.value}
        codes = codes[all_of(columns_at(p, table, used, rows, pos), flt, ctx.window)]
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
    # each child's birthday by code (code -1 and children not in f: NaT, so no days), then
    # one pass over the other frame's rows: no merge
    codes = p.child_codes(f)
    start_by_code = np.full(p.n_children + 1, np.datetime64("NaT"), dtype=NS)
    start_by_code[codes] = birthday_many(_dob(f, ctx), years)
    start_by_code[-1] = np.datetime64("NaT")
    spans = ("spans", frame)
    if spans not in p.cache:  # the other frame's codes, starts and ends, once per run
        p.cache[spans] = (p.child_codes(other), other["start_date"].to_numpy(dtype=NS),
                          other["end_date"].to_numpy(dtype=NS))
    other_codes, start, end = p.cache[spans]
    lo = np.maximum(start, start_by_code[other_codes])
    last64 = np.datetime64(last.to_datetime64(), "ns")
    hi = np.minimum(np.where(np.isnat(end), last64, end), last64)
    days = np.clip((hi - lo) / np.timedelta64(1, "D"), 0, None)
    days = np.where(np.isnan(days), 0, days)
    total = np.bincount(np.where(other_codes >= 0, other_codes, p.n_children), weights=days,
                        minlength=p.n_children + 1)
    total[-1] = 0
    return total[codes]
