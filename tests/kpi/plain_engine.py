"""The engine's plain versions, kept as the reference its fast paths are held to.

These are the implementations the fast paths replaced (filters through pandas Series,
derived columns through merges and whole-table scans, every KPI over its full-width month
rows), verbatim but for names. ``plain_engine()`` swaps them in, so a test can compute the
same report both ways and compare."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cfcs_qa.kpi import derived, evaluate, filters
from cfcs_qa.kpi.dates import NS, age_many, birthday_many
from cfcs_qa.kpi.derived import Ctx, Spec, _asof, _dob
from cfcs_qa.kpi.filters import Window, _lower, _operand, resolve_ref
from cfcs_qa.kpi.frames import last_by_code, month_slice, open_at, overlaps
from cfcs_qa.kpi.model import Filter

_BOOL_OPS = ("is_true", "is_false", "not_true", "not_false")
_COMPARE = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
            "gt": np.greater, "ge": np.greater_equal}


def plain_mask(f: pd.DataFrame, filt: Filter, w: Window) -> np.ndarray:
    m = _plain_mask(f, filt, w)
    if filt.or_null:
        m = m | f[filt.field].isna().to_numpy()
    return m


def _plain_mask(f: pd.DataFrame, filt: Filter, w: Window) -> np.ndarray:
    col = f[filt.field]
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


def plain_all_of(f: pd.DataFrame, filters_: list[Filter], w: Window) -> np.ndarray:
    out = np.ones(len(f), dtype=bool)
    for filt in filters_:
        out &= plain_mask(f, filt, w)
    return out


def _frame(ctx: Ctx, name: str) -> pd.DataFrame | None:
    return ctx.prepared.frame(name) if ctx.prepared.has(name) else None


def child_open_in(f: pd.DataFrame, ctx: Ctx, frame: str, at: Any) -> np.ndarray:
    other = _frame(ctx, frame)
    if other is None or f.empty:
        return np.zeros(len(f), dtype=bool)
    p = ctx.prepared
    when = ctx.at(f, at)
    if isinstance(when, date):
        live = other[open_at(other, when)]
        flags = p.by_child(p.child_codes(live), np.ones(len(live), bool), False)
        return flags[p.child_codes(f)]
    left = pd.DataFrame({"_c": p.child_codes(f), "_at": when, "_i": np.arange(len(f))})
    right = pd.DataFrame({"_c": p.child_codes(other), "start_date": other["start_date"],
                          "end_date": other["end_date"]})
    m = left[left["_c"] >= 0].merge(right[right["_c"] >= 0], on="_c")
    hit = (m["start_date"] <= m["_at"]) & (m["end_date"].isna() | (m["end_date"] > m["_at"]))
    out = np.zeros(len(f), dtype=bool)
    out[m.loc[hit, "_i"].to_numpy()] = True
    return out


def value_at(f: pd.DataFrame, ctx: Ctx, frame: str, column: str, at: Any) -> pd.Series:
    other = _frame(ctx, frame)
    if other is None:
        return pd.Series([pd.NA] * len(f), index=f.index)
    p = ctx.prepared
    when = resolve_ref(at, ctx.window)
    live = other[open_at(other, when)].sort_values("start_date", kind="stable")
    values = live[column].astype(object).to_numpy()
    by_code = p.by_child(p.child_codes(live), values, None)
    out = pd.Series(by_code[p.child_codes(f)], index=f.index, dtype=object)
    return out.where(out.notna(), None)


def record_id_at(f: pd.DataFrame, ctx: Ctx, frame: str, at: Any) -> pd.Series:
    return value_at(f, ctx, frame, "_id", at)


def latest_related(f: pd.DataFrame, ctx: Ctx, table: str, key: str, date: str,
                   on_or_before: Any) -> np.ndarray:
    other = _frame(ctx, table)
    if other is None:
        return np.full(len(f), np.datetime64("NaT"), dtype=NS)
    p = ctx.prepared
    ordered = other[other[date].notna()].sort_values(date, kind="stable")
    if key == "child_id":
        index, codes = None, p.child_codes(ordered)
    else:
        codes, uniques = pd.factorize(ordered[key])
        index = pd.Index(np.asarray(uniques, dtype=object))
    dates, codes = ordered[date].to_numpy(dtype=NS), np.asarray(codes)
    limit = np.datetime64(resolve_ref(on_or_before, ctx.window), "ns")
    hi = int(np.searchsorted(dates, limit, side="right"))
    size = (p.n_children if index is None else len(index)) + 1
    latest = last_by_code(codes[:hi], dates[:hi], size, np.datetime64("NaT", "ns"))
    wanted = p.child_codes(f) if index is None else \
        np.asarray(index.get_indexer(f[key].to_numpy(dtype=object)))
    out: np.ndarray = latest[wanted]
    return out


def count_related(f: pd.DataFrame, ctx: Ctx, table: str, date: str, to: Any,
                  filters: list[dict[str, Any]] | None = None, end: str | None = None,
                  **kw: Any) -> np.ndarray:
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
        sel = sel[plain_all_of(sel, flt, ctx.window)]
    p = ctx.prepared
    codes = p.child_codes(sel)
    counts = np.bincount(codes[codes >= 0], minlength=p.n_children + 1).astype("float64")
    counts[-1] = 0
    out: np.ndarray = counts[p.child_codes(f)]
    return out


def care_days_since_birthday(f: pd.DataFrame, ctx: Ctx, frame: str, years: int,
                             until: Any) -> np.ndarray:
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
    out: np.ndarray = total[p.child_codes(f)]
    return out


def linked_or_latest(f: pd.DataFrame, ctx: Ctx, table: str, link: str, key: str, value: str,
                     on_or_before: str) -> np.ndarray:
    other = _frame(ctx, table)
    if other is None:
        return np.full(len(f), np.datetime64("NaT"), dtype=NS)
    firsts = other[other[key].notna()].drop_duplicates(key)
    index = pd.Index(firsts[key].to_numpy(dtype=object))
    values = np.append(firsts[value].to_numpy(dtype=NS), np.datetime64("NaT", "ns"))
    linked = values[np.asarray(index.get_indexer(f[link].to_numpy(dtype=object)))]
    latest = _asof(ctx.prepared, f, f[on_or_before], other, other[value], allow_exact=True)
    out: np.ndarray = np.where(np.isnat(linked), latest, linked)
    return out


def previous_record(f: pd.DataFrame, ctx: Ctx, date: str, tiebreak: str, column: str) -> Any:
    full = ctx.prepared.frame(ctx.source)
    key = full[tiebreak].astype("str")
    order = pd.DataFrame({"d": full[date], "n": key.str.len(), "k": key})
    ranked = full.loc[order.sort_values(["d", "n", "k"], kind="stable").index]
    values = _asof(ctx.prepared, f, f[date], ranked, ranked[date], allow_exact=False,
                   value=ranked[column])
    if full[column].dtype.kind == "M":
        return pd.to_datetime(pd.Series(values, index=f.index))
    return pd.Series(values, index=f.index).astype("string")


def teams_at(p: Any, codes: np.ndarray, ref_dates: np.ndarray) -> np.ndarray:
    out = np.full(len(codes), "unallocated", dtype=object)
    if not p.extract.has("allocations") or len(codes) == 0:
        return out
    a = p.frame("allocations")
    alloc = pd.DataFrame({"_c": p.child_codes(a), "team": a["team"],
                          "start_date": a["start_date"], "end_date": a["end_date"]})
    left = pd.DataFrame({"_c": codes, "_at": ref_dates, "_i": np.arange(len(codes))})
    m = left[left["_c"] >= 0].merge(alloc, on="_c")
    live = m[(m["start_date"] <= m["_at"]) & (m["end_date"].isna() | (m["end_date"] > m["_at"]))]
    live = live.sort_values(["_i", "start_date"], kind="stable").drop_duplicates("_i", keep="last")
    out[live["_i"].to_numpy()] = live["team"].astype(str).to_numpy()
    return out


def age_at(f: pd.DataFrame, ctx: Ctx, at: Any) -> np.ndarray:
    when = ctx.at(f, at)
    if isinstance(when, date):  # the one date given for each row (the array path)
        when = np.full(len(f), np.datetime64(when, "ns"))
    return age_many(_dob(f, ctx), when)


PLAIN_DERIVED = {fn.__name__: fn for fn in (child_open_in, value_at, record_id_at,
                                            latest_related, count_related,
                                            care_days_since_birthday, linked_or_latest,
                                            previous_record, age_at)}


@contextmanager
def plain_engine() -> Iterator[None]:
    """Within: the plain filters, derived columns and full-width month rows."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(filters, "mask", plain_mask)
        mp.setattr(evaluate, "mask", plain_mask)
        mp.setattr(evaluate, "needed_columns", lambda k, ids: None)
        mp.setattr(evaluate, "teams_at", teams_at)
        mp.setattr(evaluate, "distinct_codes", lambda codes, size: len(np.unique(codes)))
        mp.setattr(evaluate, "count_whole", lambda p, name, flt, w: int(
            plain_all_of(p.frame(name), flt, w).sum()))
        for name, fn in PLAIN_DERIVED.items():
            spec = derived.REGISTRY[name]
            mp.setitem(derived.REGISTRY, name, Spec(fn, spec.params, spec.optional))
        yield
