"""One KPI for one month: select the month's records, derive columns, apply the population,
not-yet-due, left-out and numerator filters, and count (records or children)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..calendar import month_end
from ..findings import Finding
from .derived import REGISTRY, Ctx
from .filters import Window, all_of, mask
from .frames import CODE, ID, Prepared, frame_base_table, month_slice, open_at
from .model import Filter, KpiDef
from .month_rows import columns_at, count_whole, needed_columns, record_rows
from .teams import teams_at

IN, OUT, NOT_YET_DUE, LEFT_OUT = "in", "out", "not_yet_due", "left_out"


@dataclass
class Figure:
    """A KPI's counts for one month (or one team of it)."""

    status: str
    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None
    num_ids: list[str] = field(default_factory=list)
    den_ids: list[str] = field(default_factory=list)
    blank_flags: int = 0
    findings: list[Finding] = field(default_factory=list)
    by_team: dict[str, Figure] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    bands: dict[str, Figure] = field(default_factory=dict)
    detail: pd.DataFrame | None = None


def value_of(k: KpiDef, num: int, den: int | None) -> float | None:
    if k.unit == "count":
        return float(num)
    if not den:
        return None
    scale = 100.0 if k.unit == "percent" else 10000.0
    return num * scale / den


def figure_from(k: KpiDef, num: int, den: int | None) -> Figure:
    if k.unit == "percent" and not den:
        return Figure("no_cases", num, den or 0, None)
    return Figure("ok", num, None if k.unit == "count" else den, value_of(k, num, den))


def window_for(first: date, as_of: date) -> Window:
    return Window(first=first, me=month_end(first), as_of=as_of)


def records_of_month(p: Prepared, k: KpiDef, w: Window) -> pd.DataFrame:
    """The month's records of the KPI's frame, every column (explain shows any of them)."""
    if k.period.type == "in_month":
        assert k.period.date is not None
        return month_slice(p, k.source, k.period.date, w.first, w.me)
    f = p.frame(k.source)
    if k.period.type == "open_at_me":
        return f[open_at(f, w.me, k.period.start, k.period.end)]
    return f


def derive(f: pd.DataFrame, p: Prepared, k: KpiDef, w: Window,
           rows: np.ndarray | None = None) -> pd.DataFrame:
    """The KPI's derived columns added to ``f`` (``rows``: the positions of f's rows in the
    KPI's frame, when known: some derived columns then read memoised per-row values)."""
    f = f.copy(deep=False)  # copy-on-write: the month's cached rows are never changed
    if f.empty:  # nothing to derive from: empty columns compare as "no rows"
        return f.assign(**{d.name: pd.Series([], dtype=object) for d in k.derived})
    ctx = Ctx(prepared=p, window=w, source=k.source, rows=rows)
    for d in k.derived:
        f[d.name] = REGISTRY[d.fn].fn(f, ctx, **d.args)
    return f


def evaluate(p: Prepared, k: KpiDef, first: date, *, options: dict[str, Any] | None = None,
             detail: bool = False, by_team: bool = False, ids: bool = False) -> Figure:
    """The KPI's figure for the month starting ``first``."""
    w = window_for(first, p.as_of)
    if any(not p.extract.has(t) for t in k.requires):
        return Figure("no_data")
    columns = None if detail else needed_columns(k, ids)
    rows_named, rows = record_rows(p, k, w.first, w.me)
    f = records_of_month(p, k, w) if columns is None else \
        columns_at(p, k.source, columns, rows_named, rows)
    f = derive(f, p, k, w, rows)
    pop_masks = [mask(f, flt, w) for flt in k.population]
    pop = np.ones(len(f), dtype=bool)
    for m in pop_masks:
        pop &= m
    nyd = pop & all_of(f, k.not_yet_due, w) if k.not_yet_due else np.zeros(len(f), dtype=bool)
    left = np.zeros(len(f), dtype=bool)
    for col in k.left_out_blank:
        left |= f[col].isna().to_numpy()
    left &= pop & ~nyd
    den = pop & ~nyd & ~left
    numerator = list(k.numerator or [])
    numerator += _recency(k, options or {})
    num = den & all_of(f, numerator, w) if k.numerator is not None else den
    want = ids or detail
    fig = _count(p, k, f, den, num, want)
    if k.rate_denominator is not None:
        fig = _rate(p, k, w, fig)
    fig.blank_flags, fig.findings = _blank_flags(k, f, den, left, detail, pop_masks)
    fig.extras = _extras(p, k, w)
    for band in k.bands:
        bmask = all_of(f, band.filters, w)
        fig.bands[band.name] = _count(p, k, f, den & bmask, num & bmask, want)
    if by_team and k.team_split:
        fig.by_team = _by_team(p, k, w, f, den, num)
    if detail:
        state = np.where(num, IN, np.where(den, OUT, np.where(nyd, NOT_YET_DUE,
                                                               np.where(left, LEFT_OUT, ""))))
        f = f.assign(_state=state)
        fig.detail = f[f["_state"] != ""]
    return fig


def _ids(k: KpiDef, f: pd.DataFrame, m: np.ndarray) -> list[str]:
    col = "child_id" if k.count == "children" else ID
    return sorted(pd.unique(f.loc[m, col].astype(str)))


def _n(p: Prepared, k: KpiDef, f: pd.DataFrame, m: np.ndarray) -> int:
    if k.count == "children":  # distinct child codes: one per distinct id, -1 for a blank
        codes = f[CODE].to_numpy()[m]
        return distinct_codes(codes[codes >= 0], p.n_children)
    return int(np.count_nonzero(m))


def distinct_codes(codes: np.ndarray, size: int) -> int:
    """How many distinct codes in [0, size): a flag per code for many (no sort), else
    ``np.unique``."""
    if len(codes) < 4096:
        return len(np.unique(codes))
    seen = np.zeros(size, dtype=bool)
    seen[codes] = True
    return int(np.count_nonzero(seen))


def _count(p: Prepared, k: KpiDef, f: pd.DataFrame, den: np.ndarray, num: np.ndarray,
           want_ids: bool = False) -> Figure:
    """Counts (records, or children once each); the ids only when someone will read them."""
    fig = figure_from(k, _n(p, k, f, num), _n(p, k, f, den))
    if want_ids:
        fig.den_ids, fig.num_ids = _ids(k, f, den), _ids(k, f, num)
    return fig


def _rate(p: Prepared, k: KpiDef, w: Window, fig: Figure) -> Figure:
    rd = k.rate_denominator
    assert rd is not None
    if not p.extract.has(rd.table):
        return Figure("no_data")
    pop = p.extract.get(rd.table)
    years = pop[pop[rd.year] <= w.me.year]
    if years.empty:
        return Figure("no_data", fig.numerator)
    latest = years.sort_values(rd.year).iloc[-1]
    den = int(latest[rd.value])
    out = Figure("ok" if den else "no_cases", fig.numerator, den,
                 (fig.numerator or 0) * 10000 / den if den else None)
    out.num_ids, out.den_ids = fig.num_ids, []
    return out


def _recency(k: KpiDef, options: dict[str, Any]) -> list[Filter]:
    """KPI 28's optional recency limit: activity older than N months before ME is not met."""
    if not k.recency or options.get(k.recency["option"]) is None:
        return []
    months = int(options[k.recency["option"]])
    return [Filter(field=k.recency["field"], op="ge", value={"ref": "ME", "months": -months})]


def _blank_flags(k: KpiDef, f: pd.DataFrame, den: np.ndarray, left: np.ndarray,
                 detail: bool, pop_masks: list[np.ndarray]) -> tuple[int, list[Finding]]:
    """Blank flags counted (and, for detail, one finding each); ``pop_masks``: the mask of
    each population filter, in order."""
    table = frame_base_table(k.source)
    total = 0
    findings: list[Finding] = []
    checks = []
    for bf in k.blank_flags:
        if not bf.field:
            continue
        if bf.scope == "population":
            others = np.ones(len(f), dtype=bool)
            for flt, m in zip(k.population, pop_masks, strict=True):
                if flt.field != bf.field:
                    others &= m
            checks.append((bf.field, others & f[bf.field].isna().to_numpy()))
        else:
            checks.append((bf.field, den & f[bf.field].isna().to_numpy()))
    checks += [(col, left & f[col].isna()) for col in k.left_out_blank]
    for col, m in checks:
        total += int(np.count_nonzero(m))
        if detail and m.any():
            verdict = "left out" if col in k.left_out_blank else "counted as not met"
            for rid, row in zip(f.loc[m, ID], f.loc[m, "_row"], strict=True):
                findings.append(Finding.make(
                    "blank-flag", "warning",
                    f"KPI {k.number}: {col} is blank on {rid}, {verdict}",
                    table=table, row=int(row) if pd.notna(row) else None, column=col))
    for bf in k.blank_flags:
        if bf.count:
            counts = f.loc[den, bf.count]
            total += int(counts.sum())
            if detail:
                for rid, n in zip(f.loc[den, ID], counts, strict=True):
                    if n:
                        findings.append(Finding.make(
                            "blank-flag", "warning",
                            f"KPI {k.number}: {int(n)} related record(s) of {rid} have a blank "
                            f"flag ({bf.count}), counted as not met", table=table, column=bf.count))
    return total, findings


def _extras(p: Prepared, k: KpiDef, w: Window) -> dict[str, Any]:
    if not k.extras:
        return {}
    return {e.name: count_whole(p, k.source, e.filters, w) for e in k.extras}


def _by_team(p: Prepared, k: KpiDef, w: Window, f: pd.DataFrame, den: np.ndarray,
             num: np.ndarray) -> dict[str, Figure]:
    if k.kind == "event" and k.period.type == "in_month" and k.period.date:
        ref = f[k.period.date].to_numpy(dtype="datetime64[ns]")
    else:
        ref = np.full(len(f), np.datetime64(w.me, "ns"))
    team = teams_at(p, p.child_codes(f), ref)
    out: dict[str, Figure] = {}
    for name in sorted(set(team[den])):
        t = team == name
        out[name] = _count(p, k, f, den & t, num & t)
    return out
