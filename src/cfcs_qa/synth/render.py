"""Turn internal tables into the text a case-management export would hold: MOSAIC-style
UK dates (dd/mm/yyyy) for most tables, ISO dates for the fostering, complaints and
practice-review systems, Y/N flags (Yes/No on the conference report), blank for unknown."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import TABLES
from ..fileio import safe_cell
from .tables import Frame

CHILD_ID_BASE = 100_000
FAMILY_ID_BASE = 700_000
ISO_TABLES = frozenset({"foster_households", "complaints", "practice_reviews"})
YES_NO_TABLES = frozenset({"cp_conferences"})
_CLOCK = pa.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)])


class DateText:
    """Day number -> text, by table through one lookup array (fast on millions of rows)."""

    def __init__(self, days: list[np.ndarray]) -> None:
        finite = [d[~np.isnan(d)] for d in days if d.size]
        values = np.concatenate(finite) if finite else np.zeros(1)
        self.lo = int(values.min()) if values.size else 0
        hi = int(values.max()) if values.size else 0
        span = np.arange(self.lo, hi + 1).astype("datetime64[D]")
        iso = np.datetime_as_string(span, unit="D").astype("U10")
        self.iso = pa.array(iso)
        uk = np.char.add(np.char.add(np.char.add(np.char.add(
            _part(iso, 8, 10), "/"), _part(iso, 5, 7)), "/"), _part(iso, 0, 4))
        self.uk = pa.array(uk)

    def render(self, days: np.ndarray, iso: bool) -> pa.Array:
        missing = np.isnan(days)
        index = np.where(missing, 0, days - self.lo).astype(np.int64)
        return (self.iso if iso else self.uk).take(pa.array(index, mask=missing))


def _part(values: np.ndarray, a: int, b: int) -> np.ndarray:
    return values.view("U1").reshape(values.size, -1)[:, a:b].copy().view(f"U{b - a}").ravel()


def _text(values: np.ndarray) -> pa.Array:
    """Few distinct values over many rows: encode once, write each through ``safe_cell``."""
    import pandas as pd

    codes, uniques = pd.factorize(values)
    safe = [safe_cell(str(u)) for u in uniques]
    blank = np.asarray([u == "" for u in uniques] + [True])[codes]  # code -1 (None) is blank
    return pa.array(safe or [""], type=pa.string()).take(
        pa.array(np.maximum(codes, 0), mask=blank))


def _flag(values: np.ndarray, words: tuple[str, str]) -> pa.Array:
    missing = np.isnan(values)
    return pa.array(list(words)).take(pa.array(np.where(missing, 0, values).astype(np.int64),
                                               mask=missing))


def _ids(values: np.ndarray, base: int = 0) -> pa.Array:
    missing = values < 0
    return pa.array(np.where(missing, 0, values + base).astype(np.int64), mask=missing)


def render_table(name: str, frame: Frame, dates: DateText) -> pa.Table:
    """The table's contract columns, in contract order, as Arrow text/integer columns."""
    table = TABLES[name]
    columns: dict[str, pa.Array] = {}
    for col in table.columns:
        values = frame[col.name]
        if col.name == "child_id":
            columns[col.name] = _ids(values, CHILD_ID_BASE)
        elif col.name == "family_id":
            columns[col.name] = _ids(values, FAMILY_ID_BASE)
        elif col.type == "date":
            columns[col.name] = dates.render(values, name in ISO_TABLES)
            minutes = frame.get(f"_minutes_{col.name}")
            if minutes is not None:  # a date and time, as the MASH system records it
                times = _CLOCK.take(pa.array(minutes.astype(np.int64)))
                columns[col.name] = pc.binary_join_element_wise(columns[col.name], times, " ")
        elif col.type == "bool":
            words = ("No", "Yes") if name in YES_NO_TABLES else ("N", "Y")
            columns[col.name] = _flag(values, words)
        elif col.type == "int" or (col.type == "key" and values.dtype.kind in "iu"):
            columns[col.name] = _ids(values)
        else:
            columns[col.name] = _text(values)
    return pa.table(columns)
