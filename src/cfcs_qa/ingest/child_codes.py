"""One integer code per child id, shared by every table of an extract.

Child ids are text and join most of the KPI work (a child's plans, visits, team, date of
birth). Coding them once at load turns every later join into integer indexing, and the codes
are kept in the cache with the tables, so a cached run never repeats the work.

The codes index a dictionary of ids: first every id of the ``children`` file (rejected rows
included, in the order pyarrow's ``unique`` gives them), then each id found only in other
tables (an orphan), once, in table order. Equal ids always get equal codes; a blank id gets
``-1``, which indexes nothing (arrays indexed by code keep one extra slot at the end for it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import CHILD_CODE
from .id_lookup import IdLookup
from .parallel import each

CODE_DTYPE = np.int32


@dataclass(frozen=True)
class ChildIds:
    """The dictionary the codes index: ``ids[code]`` is the child id."""

    ids: pa.Array
    known: int
    """How many of ``ids`` come from the children file: a code >= ``known`` is an orphan."""

    def __len__(self) -> int:
        return len(self.ids)


def children_ids(children: pd.DataFrame | None) -> pa.Array:
    """The distinct ids of an accepted ``children`` table (when the file's own are not known)."""
    if children is None or "child_id" not in children:
        return pa.array([], type=pa.string())
    return pc.unique(pa.array(children["child_id"], type=pa.string()).drop_null())


FirstPass = tuple[np.ndarray, pa.Array, np.ndarray]
"""One table's child ids looked up among the known ones: (code per row, -1 when blank or not
known; the ids as text; mask of orphans: ids given but not known)."""


def first_pass(lookup: IdLookup, frame: pd.DataFrame) -> FirstPass:
    values = pa.array(frame["child_id"], type=pa.string())
    codes = lookup.positions(values)
    valid = np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)
    orphan = valid & (codes < 0)
    return codes, values, orphan


def assign_child_codes(
    frames: dict[str, pd.DataFrame], known: pa.Array, lookup: IdLookup | None = None,
    done: dict[str, FirstPass] | None = None,
) -> ChildIds:
    """Add a ``CHILD_CODE`` column to every frame with a ``child_id`` (in place) and return the
    dictionary. ``known``: distinct non-blank ids of the children file; ``lookup``: an
    ``IdLookup(known)`` already built, and ``done``: first passes already made with it (the
    loader makes them while other tables are still being read)."""
    names = [n for n, f in frames.items() if "child_id" in f.columns]
    lookup = lookup if lookup is not None else IdLookup(known)
    done = done or {}
    todo = [n for n in names if n not in done]
    made = dict(zip(todo, each(lambda name: first_pass(lookup, frames[name]), todo,
                               sum(len(frames[n]) for n in todo)), strict=True))
    passes = [done[n] if n in done else made[n] for n in names]
    orphan_values = [values.filter(pa.array(orphan)) for _, values, orphan in passes
                     if orphan.any()]
    extra = (pc.unique(pa.chunked_array(orphan_values, type=pa.string()))
             if orphan_values else pa.array([], type=pa.string()))
    if isinstance(extra, pa.ChunkedArray):
        extra = extra.combine_chunks()
    if len(known) + len(extra) >= np.iinfo(CODE_DTYPE).max:
        raise ValueError("more distinct child ids than a child code can hold")
    orphans = IdLookup(extra) if len(extra) else None
    for name, (codes, values, orphan) in zip(names, passes, strict=True):
        if orphans is not None and orphan.any():
            codes[orphan] = len(known) + orphans.positions(values.filter(pa.array(orphan)))
        frames[name][CHILD_CODE] = codes.astype(CODE_DTYPE)
    ids = pa.concat_arrays([_plain(known), _plain(extra)]) if len(extra) else _plain(known)
    return ChildIds(ids=ids, known=len(known))


def _plain(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    out = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return out.cast(pa.string())
