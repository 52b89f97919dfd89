"""A month's records of a KPI's frame, narrowed to the columns the KPI reads.

Taking a month's rows out of a wide frame copies every column, text columns included (a
pyarrow take, slow), though a KPI reads only a few of them. Outside ``explain`` (which shows
any column in its sentences) the engine takes just the columns a KPI names: its period date,
the fields of its filters and blank flags, the columns its derived functions read (the
registry's ``field``/``date_or_field`` parameters) and the child code; the ids when asked for.
Each (frame, column, rows) take is memoised per run, so KPIs sharing a month share it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from .filters import Window, all_of, is_ref, resolve_ref
from .frames import CODE, ID, Prepared, open_at
from .model import Filter, KpiDef


def needed_columns(k: KpiDef, ids: bool) -> set[str]:
    """Every column of the KPI's frame that its evaluation (not explain) reads."""
    from .derived import REGISTRY  # derived imports this module (through derived_related)

    cols = {CODE}
    if k.period.type == "in_month" and k.period.date:
        cols.add(k.period.date)
    filters: Iterable[Filter] = chain(k.population, k.not_yet_due, k.numerator or [],
                                      *(b.filters for b in k.bands))
    for flt in filters:
        cols.add(flt.field)
        if isinstance(flt.value, dict) and "field" in flt.value:
            cols.add(str(flt.value["field"]))
    if k.recency:
        cols.add(str(k.recency.get("field")))
    cols.update(k.left_out_blank)
    for bf in k.blank_flags:
        cols.update(c for c in (bf.field, bf.count) if c)
    for d in k.derived:
        spec = REGISTRY[d.fn]
        for name, kind in spec.params.items():
            value = d.args.get(name)
            if kind == "field" or (kind == "date_or_field" and not is_ref(value)):
                if isinstance(value, str):
                    cols.add(value)
    if ids:
        cols.update((ID, "child_id"))
    return cols


def searched_columns(kpis: Iterable[KpiDef]) -> dict[str, set[str]]:
    """The date columns, by contract table, that evaluating ``kpis`` finds month windows in
    through ``Prepared.positions`` (and so through the column's row order): a KPI's period
    date, the date of its ``count_related`` rows, and the date column its extras bound by
    ``ge`` and ``le``. The loader sorts only these when the cache will keep their orders; a
    column missed here is still right, only sorted by the engine instead."""
    from .frames import CONTINUOUS

    found: dict[str, set[str]] = {}

    def add(table: Any, column: Any) -> None:
        if isinstance(table, str) and isinstance(column, str) and table not in CONTINUOUS:
            found.setdefault(table, set()).add(column)

    for k in kpis:
        if not k.enabled:
            continue
        if k.period.type == "in_month":
            add(k.source, k.period.date)
        for d in k.derived:
            if d.fn == "count_related" and d.args.get("end") is None:
                add(d.args.get("table"), d.args.get("date"))
        for extra in k.extras:
            lower = {x.field for x in extra.filters if x.op == "ge" and is_ref(x.value)}
            for upper in extra.filters:
                if upper.op == "le" and upper.field in lower and is_ref(upper.value):
                    add(k.source, upper.field)
    return found


def record_rows(p: Prepared, k: KpiDef, first: date,
                me: date) -> tuple[tuple[Any, ...], np.ndarray | None]:
    """(a name for the rows, their positions in the KPI's frame) of the month's records, as
    ``evaluate.records_of_month`` selects them (positions None: every row)."""
    if k.period.type == "in_month":
        assert k.period.date is not None
        return ("in", k.period.date, first, me), p.positions(k.source, k.period.date, first, me)
    if k.period.type == "open_at_me":
        return (("open", k.period.start, k.period.end, me),
                open_positions(p, k.source, me, k.period.start, k.period.end))
    return ("all",), None


def columns_at(p: Prepared, name: str, columns: set[str], rows: tuple[Any, ...],
               pos: np.ndarray | None) -> pd.DataFrame:
    """Rows ``pos`` of frame ``name`` (all rows: None), only ``columns`` (those it has, in its
    order), with a fresh 0..n-1 index. ``rows`` names the rows (the memo key of each column's
    take: the same ``rows`` must always mean the same ``pos``)."""
    full = p.frame(name)
    data = {c: _column(p, name, full, c, rows, pos) for c in full.columns if c in columns}
    # column names as a plain object Index: pandas 3 rebuilds a text Index (a pyarrow
    # array) on every column a KPI derives, three times slower
    return pd.DataFrame(data, index=pd.RangeIndex(len(full) if pos is None else len(pos)),
                        columns=pd.Index(list(data), dtype=object), copy=False)


def open_positions(p: Prepared, name: str, at: date, start: str = "start_date",
                   end: str = "end_date") -> np.ndarray:
    """Row positions of ``name`` open at ``at`` (``frames.open_at``), memoised per run."""
    key = ("open-rows", name, start, end, at)
    if key not in p.cache:
        p.cache[key] = np.flatnonzero(open_at(p.frame(name), at, start, end))
    out: np.ndarray = p.cache[key]
    return out


def _column(p: Prepared, name: str, full: pd.DataFrame, column: str, rows: tuple[Any, ...],
            pos: np.ndarray | None) -> Any:
    if pos is None:
        return full[column].array
    key = ("rows-of", name, column, rows)
    if key not in p.cache:
        p.cache[key] = full[column].array.take(pos)
    return p.cache[key]


def count_whole(p: Prepared, name: str, filters: list[Filter], w: Window) -> int:
    """How many rows of the whole frame meet every filter (a KPI's extras, e.g. contacts
    completed in M). A date column held between two month references (``ge`` and ``le``)
    is answered from the column sorted once per run (``Prepared.positions``, which the KPI
    placing records by that column shares); the other filters then read those rows only,
    not the whole table each month."""
    bounded = _bounded(p.frame(name), filters, w)
    if bounded is None:
        return int(np.count_nonzero(all_of(p.frame(name), filters, w)))
    column, first, last, rest = bounded
    pos = p.positions(name, column, first, last)
    if not rest:
        return len(pos)
    used = {x.field for x in rest} | {str(x.value["field"]) for x in rest
                                      if isinstance(x.value, dict) and "field" in x.value}
    rows = columns_at(p, name, used, ("in", column, first, last), pos)
    return int(np.count_nonzero(all_of(rows, rest, w)))


def _bounded(f: pd.DataFrame, filters: list[Filter],
             w: Window) -> tuple[str, date, date, list[Filter]] | None:
    """(column, first, last, the other filters) when some date column has a ``ge`` and an
    ``le`` filter against month references (blank not allowed); else None."""
    for i, lower in enumerate(filters):
        column = lower.field
        if lower.op != "ge" or lower.or_null or not is_ref(lower.value) or \
                column not in f.columns or not isinstance(f[column].dtype, np.dtype) or \
                f[column].dtype.kind != "M":
            continue
        for j, upper in enumerate(filters):
            if upper.field == column and upper.op == "le" and not upper.or_null and \
                    is_ref(upper.value):
                rest = [x for m, x in enumerate(filters) if m not in (i, j)]
                return column, resolve_ref(lower.value, w), resolve_ref(upper.value, w), rest
    return None
