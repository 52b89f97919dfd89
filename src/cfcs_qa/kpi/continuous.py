"""Continuous records: touching rows of one child (CP plans, CIN plans, periods of care;
placements with the same carer) merged into one record, as ``docs/kpis.md`` counts them.

Vectorised: one stable sort, then the records are runs of the sorted rows, so every step per
record is a numpy scan, not a pandas groupby.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import CHILD_CODE
from ..date_order import DAY_NS, NAT_INT

ID = "_id"
"""The column holding each record's id (its key; several key columns joined by "/")."""
CODE = CHILD_CODE


def continuous(rows: pd.DataFrame, by: tuple[str, ...] = ("child_id",),
               child_rank: np.ndarray | None = None) -> pd.DataFrame:
    """Merge touching rows into continuous records (vectorised).

    Sorted by child and start, a row starts a new record when its start is after the day after
    the latest end so far (cumulative max of end within the child; blank end = open).
    Start = first start, end = latest end (blank if any is blank); other columns come from the
    record's latest row (e.g. the current category), ``_id`` and ``_row`` from its first.

    One stable sort (``_record_order``); the groups are then runs of the sorted rows, so
    every per-group step is a numpy scan, not a pandas groupby.
    """
    if rows.empty:
        return rows.assign(_members=pd.Series(dtype="Int64"))
    far = np.datetime64("2262-01-01", "ns")
    order, same = _record_order(rows, by, child_rank)
    n = len(rows)
    end = rows["end_date"].to_numpy(dtype="datetime64[ns]")[order]
    end = np.where(np.isnat(end), far, end)
    cummax = _running_max_within(end, np.cumsum(~same))
    prev_max = np.roll(cummax, 1)
    start = rows["start_date"].to_numpy(dtype="datetime64[ns]")[order]
    touches = same & (start <= prev_max + np.timedelta64(1, "D"))
    touches[0] = False
    first = np.flatnonzero(~touches)
    last = np.append(first[1:] - 1, n - 1)
    # only the records' rows are taken from the frame, not the whole frame in sorted order
    out = rows.take(order[last]).reset_index(drop=True)
    at_first = order[first]
    out["start_date"] = rows["start_date"].to_numpy()[at_first]
    max_end = np.maximum.reduceat(end, first)
    out["end_date"] = pd.Series(np.where(max_end == far, np.datetime64("NaT"), max_end),
                                dtype="datetime64[ns]").to_numpy()
    out[ID] = rows[ID].array.take(at_first)
    out["_row"] = rows["_row"].to_numpy()[at_first]
    out["_members"] = np.diff(np.append(first, n))
    return out


def _record_order(rows: pd.DataFrame, by: tuple[str, ...],
                  child_rank: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The stable order of rows by (*by, start_date), blanks last as pandas sorts, and for
    each sorted row whether its ``by`` values equal the previous row's.

    By child alone, with ``child_rank`` (each child code's place among the ids in text
    order): one numpy sort of an integer key, child rank then start day. Otherwise one
    pyarrow sort of the columns themselves."""
    n = len(rows)
    same = np.ones(n, dtype=bool)
    same[0] = False
    if by == ("child_id",) and child_rank is not None and CODE in rows.columns:
        codes = rows[CODE].to_numpy()
        rank = child_rank[codes].astype(np.int64)  # code -1 (blank) has the last rank
        start = rows["start_date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        blank = start == NAT_INT
        days = start // DAY_NS
        low = int(days[~blank].min()) if (~blank).any() else 0
        offset = np.where(blank, 0, days - low)
        width = int(offset.max()) + 2
        if len(child_rank) * width < 1 << 62 and not (start[~blank] % DAY_NS).any():
            key = rank * width + np.where(blank, width - 1, offset)
            order: np.ndarray = np.argsort(key, kind="stable")
            sorted_codes = codes[order]
            same[1:] = sorted_codes[1:] == sorted_codes[:-1]
            return order, same
    keys = [*by, "start_date"]
    sort_table = pa.table({c: pa.array(rows[c]) for c in keys})
    order = pc.sort_indices(sort_table, sort_keys=[(c, "ascending", "at_end") for c in keys]
                            ).to_numpy()
    for c in by:
        same[1:] &= _equal_to_previous(sort_table.column(c).take(order))
    return order, same


def _equal_to_previous(sorted_values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """For rows 1..n-1: the value equals the one before (two blanks are equal: one group)."""
    values = sorted_values.combine_chunks() if isinstance(
        sorted_values, pa.ChunkedArray) else sorted_values
    later, earlier = values.slice(1), values.slice(0, len(values) - 1)
    equal = pc.fill_null(pc.equal(later, earlier), False)
    both_blank = pc.and_(pc.is_null(later), pc.is_null(earlier))
    return np.asarray(pc.or_(equal, both_blank).to_numpy(zero_copy_only=False), dtype=bool)


def _running_max_within(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Cumulative max of ``values`` (datetime64[ns]) restarting at each new (ascending,
    contiguous) group: values offset so that every later group outranks every earlier one,
    then one ``maximum.accumulate``. Whole days (every date here) are offset as day numbers;
    anything else by rank."""
    group = group.astype(np.int64)
    ns = values.view(np.int64)
    if len(ns) and not (ns % DAY_NS).any():
        days = ns // DAY_NS
        low = int(days.min())
        width = int(days.max()) - low + 1
        if width * (int(group.max()) + 1) < 1 << 62:
            offset = group * width
            running = np.maximum.accumulate(offset + (days - low)) - offset + low
            out: np.ndarray = (running * DAY_NS).view(values.dtype)
            return out
    uniques, rank = np.unique(values, return_inverse=True)
    rank = rank.reshape(-1).astype(np.int64)
    width = len(uniques)
    ranked = np.maximum.accumulate(group * width + rank)
    by_rank: np.ndarray = uniques[ranked - group * width]
    return by_rank


def merge_placements(rows: pd.DataFrame) -> pd.DataFrame:
    """Each row is a placement, unless ``carer_id`` is given: touching rows with the same
    carer are one placement."""
    if "carer_id" not in rows.columns or rows["carer_id"].isna().all():
        return rows
    with_carer = rows[rows["carer_id"].notna()]
    merged = continuous(with_carer, by=("child_id", "carer_id"))
    rest = rows[rows["carer_id"].isna()]
    return pd.concat([merged, rest], ignore_index=True)
