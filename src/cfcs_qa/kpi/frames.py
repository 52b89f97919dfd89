"""Month-independent frames, prepared once per run and shared by every month evaluated.

Continuous records (CP plans, periods of care, CIN plans; placements with the same carer),
tables sorted by the date that places them in a month, children's dates of birth, and the
working calendar. ``--history N`` evaluates N months over one ``Prepared``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from ..calendar import WorkingCalendar
from ..contract import TABLES
from ..date_order import NAT_INT as NAT_INT
from ..date_order import stable_order
from ..ingest.child_codes import assign_child_codes, children_ids
from ..ingest.model import Extract
from .continuous import CODE as CODE
from .continuous import ID as ID
from .continuous import continuous, merge_placements
from .kept import CHILD_RANK, made_once

CONTINUOUS: dict[str, str] = {
    "cp_plans_continuous": "cp_plans",
    "cin_plans_continuous": "cin_plans",
    "periods_of_care": "cic_episodes",
    "placements_merged": "placements",
}
"""Derived frame name -> the contract table it is built from."""


def frame_base_table(name: str) -> str:
    return CONTINUOUS.get(name, name)


def key_of(table: str) -> tuple[str, ...]:
    return TABLES[table].key


@dataclass
class Prepared:
    extract: Extract
    calendar: WorkingCalendar
    as_of: date
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    _orders: dict[tuple[str, str], tuple[np.ndarray, np.ndarray | None, str]] = field(
        default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)
    """Per-run memo for derived helpers (keyed by what they depend on)."""

    def __post_init__(self) -> None:
        if self.extract.child_ids is None:
            self.extract = with_child_codes(self.extract)

    def has(self, name: str) -> bool:
        return self.extract.has(frame_base_table(name))

    def frame(self, name: str) -> pd.DataFrame:
        """A contract table (with ``_id``) or a continuous-record frame (made once per
        extract: see ``kept.made_once``)."""
        if name not in self._frames:
            if name in CONTINUOUS:
                self._frames[name] = continuous_frame(self.extract, name)
            else:
                self._frames[name] = derived_frame(self.extract, name, self.child_rank)
        return self._frames[name]

    def positions(self, name: str, column: str, first: date, last: date) -> np.ndarray:
        """Row positions (ascending) whose ``column`` is in [first, last]: two binary searches
        through the column's order, found once per run, instead of comparing the whole column
        per month."""
        key = (name, column, first, last)
        if key not in self.cache:
            values, order, unit = self._date_order(name, column)
            lo = np.datetime64(first, "D").astype(f"datetime64[{unit}]").astype("int64")
            hi = np.datetime64(last, "D").astype(f"datetime64[{unit}]").astype("int64")
            start = int(np.searchsorted(values, lo, side="left", sorter=order))
            stop = int(np.searchsorted(values, hi, side="right", sorter=order))
            if order is None:
                self.cache[key] = np.arange(start, stop, dtype=np.intp)
            else:
                self.cache[key] = np.sort(order[start:stop])
        out: np.ndarray = self.cache[key]
        return out

    def _date_order(self, name: str, column: str) -> tuple[np.ndarray, np.ndarray | None, str]:
        """The column's int64 view in its own unit (NaT is the smallest int64: never inside a
        window), the stable row order that sorts it (None when it is already in order; the
        cache's, when it kept one: no sort, no sorted copy), and the unit."""
        key = (name, column)
        if key not in self._orders:
            series = self.frame(name)[column]
            dates = series.to_numpy() if series.dtype.kind == "M" else \
                series.to_numpy(dtype="datetime64[ns]")
            unit = np.datetime_data(dates.dtype)[0]
            values = dates.view("int64")
            order: np.ndarray | None = None
            if len(values) >= 2 and not bool(np.all(values[1:] >= values[:-1])):
                kept = self.extract.date_orders.get(name, {}).get(column)
                if kept is None:
                    kept = stable_order(dates.astype("datetime64[ns]", copy=False).view("int64"))
                order = np.asarray(kept, dtype=np.intp)
            self._orders[key] = (values, order, unit)
        out: tuple[np.ndarray, np.ndarray | None, str] = self._orders[key]
        return out

    def child_rank(self) -> np.ndarray:
        """Each child code's place among the ids in text order (pyarrow's, as the frames
        sort), with one more slot, for code -1 (a blank id), placed last."""
        if "child_rank" not in self.cache:
            self.cache["child_rank"] = ranks_frame(self.extract)[CHILD_RANK].to_numpy()
        out: np.ndarray = self.cache["child_rank"]
        return out

    def child_codes(self, f: pd.DataFrame) -> np.ndarray:
        """Child codes of a frame's rows (every table with a child_id carries them)."""
        out: np.ndarray = f[CODE].to_numpy()
        return out

    @property
    def n_children(self) -> int:
        """Size of the code dictionary; arrays by code have one more slot, for code -1."""
        assert self.extract.child_ids is not None
        return len(self.extract.child_ids)

    def by_child(self, codes: np.ndarray, values: np.ndarray, fill: Any) -> np.ndarray:
        """An array indexed by child code (+1 slot at the end for code -1, holding ``fill``);
        where a code repeats, its last value wins."""
        return last_by_code(codes, values, self.n_children + 1, fill)

    def date_of_birth_by_code(self) -> np.ndarray:
        if "dob" not in self.cache:
            children = self.extract.get("children")
            self.cache["dob"] = self.by_child(
                self.child_codes(children),
                children["date_of_birth"].to_numpy(dtype="datetime64[ns]"),
                np.datetime64("NaT", "ns"))
        arr: np.ndarray = self.cache["dob"]
        return arr


def derived_frame(extract: Extract, name: str, child_rank: Callable[[], np.ndarray]
                  ) -> pd.DataFrame:
    """A contract table with ``_id``, or the continuous-record frame ``name`` made from its
    table (``child_rank``: ``Prepared.child_rank``, called only when it is needed)."""
    base = frame_base_table(name)
    table = _with_id(extract.get(base), base)
    if name == "periods_of_care":
        full = table[table["full_time"].fillna(True).astype(bool)]
        return continuous(full, child_rank=child_rank())
    if name in ("cp_plans_continuous", "cin_plans_continuous"):
        return continuous(table, child_rank=child_rank())
    if name == "placements_merged":
        return merge_placements(table)
    return table


def continuous_frame(extract: Extract, name: str) -> pd.DataFrame:
    """The continuous-record frame ``name`` (a key of ``CONTINUOUS``), made once per extract
    by whichever thread asks first (``kept.made_once``)."""
    return made_once(extract, name, lambda: derived_frame(
        extract, name, lambda: ranks_frame(extract)[CHILD_RANK].to_numpy()))


def ranks_frame(extract: Extract) -> pd.DataFrame:
    """``child_rank_of`` as a one-column frame (``CHILD_RANK``), made once per extract."""
    return made_once(extract, CHILD_RANK,
                     lambda: pd.DataFrame({CHILD_RANK: child_rank_of(extract)}))


def child_rank_of(extract: Extract) -> np.ndarray:
    """Each child code's place among the ids in text order, and a last slot (code -1)."""
    assert extract.child_ids is not None
    ids = extract.child_ids.ids
    rank = np.empty(len(ids) + 1, dtype=np.int64)
    rank[pc.sort_indices(ids).to_numpy()] = np.arange(len(ids))
    rank[-1] = len(ids)
    return rank


def with_child_codes(extract: Extract) -> Extract:
    """An extract built by hand (tests, other callers), with the child codes the loader adds:
    shallow copies of its frames, so the caller's own are left as they were."""
    tables = {n: f.copy(deep=False) for n, f in extract.tables.items()}
    ids = assign_child_codes(tables, children_ids(tables.get("children")))
    return replace(extract, tables=tables, child_ids=ids)


def last_by_code(codes: np.ndarray, values: Any, size: int, fill: Any) -> np.ndarray:
    """``out[code] = value`` of the code's last row (codes < 0 ignored); ``fill`` elsewhere,
    including the final slot, which code -1 indexes."""
    values = np.asarray(values)
    out = np.full(size, fill, dtype=values.dtype if fill is not None else object)
    codes = np.asarray(codes)
    last = pd.Series(codes).drop_duplicates(keep="last").index.to_numpy()
    last = last[codes[last] >= 0]
    out[codes[last]] = values[last]
    return out


def _with_id(table: pd.DataFrame, name: str) -> pd.DataFrame:
    key = key_of(name)
    out = table.copy(deep=False)
    if len(key) == 1:
        out[ID] = out[key[0]]
    else:
        parts = [out[k].astype("str") if out[k].dtype.kind != "M" else
                 out[k].dt.strftime("%Y-%m-%d") for k in key]
        joined = parts[0]
        for p in parts[1:]:
            joined = joined + "/" + p
        out[ID] = joined
    return out


def month_slice(p: Prepared, name: str, column: str, first: date, last: date) -> pd.DataFrame:
    """Rows of ``name`` whose ``column`` falls in [first, last] (positions memoised per run)."""
    key = ("slice", name, column, first, last)
    if key not in p.cache:
        p.cache[key] = p.frame(name).iloc[p.positions(name, column, first, last)]
    out: pd.DataFrame = p.cache[key]
    return out


def open_at(f: pd.DataFrame, at: date, start: str = "start_date",
            end: str = "end_date") -> np.ndarray:
    """Open at a date: start <= at and (end blank or end > at)."""
    t = np.datetime64(at, "D")
    first, last = _dates_of(f[start]), _dates_of(f[end])
    return (first <= t) & (np.isnat(last) | (last > t))


def overlaps(f: pd.DataFrame, w1: date, w2: date, start: str = "start_date",
             end: str = "end_date") -> np.ndarray:
    """Overlaps [w1, w2]: start <= w2 and (end blank or end >= w1)."""
    first, last = _dates_of(f[start]), _dates_of(f[end])
    return (first <= np.datetime64(w2, "D")) & (np.isnat(last) | (last >= np.datetime64(w1, "D")))


def _dates_of(column: pd.Series) -> np.ndarray:
    """A date column as numpy datetime64 in its own unit (blank: NaT, which compares False)."""
    out: np.ndarray = column.to_numpy(dtype=column.dtype if column.dtype.kind == "M"
                                      else "datetime64[ns]")
    return out
