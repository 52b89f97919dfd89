"""The team a record counts under for ``--by team``: the team of the child's allocation open at
the record's reference date (the date that places it in M, or ME for snapshots); with
overlapping allocations the one that started last; none = "unallocated"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import Prepared

UNALLOCATED = "unallocated"


def teams_at(p: Prepared, codes: np.ndarray, ref_dates: np.ndarray) -> np.ndarray:
    """One team name per (child code, reference date) pair."""
    out = np.full(len(codes), UNALLOCATED, dtype=object)
    if not p.extract.has("allocations") or len(codes) == 0:
        return out
    if "alloc" not in p.cache:
        a = p.frame("allocations")
        p.cache["alloc"] = pd.DataFrame({"_c": p.child_codes(a), "team": a["team"],
                                         "start_date": a["start_date"],
                                         "end_date": a["end_date"]})
    alloc: pd.DataFrame = p.cache["alloc"]
    left = pd.DataFrame({"_c": codes, "_at": ref_dates,
                         "_i": np.arange(len(codes))})
    m = left[left["_c"] >= 0].merge(alloc, on="_c")
    live = m[(m["start_date"] <= m["_at"]) & (m["end_date"].isna() | (m["end_date"] > m["_at"]))]
    live = live.sort_values(["_i", "start_date"], kind="stable").drop_duplicates("_i", keep="last")
    out[live["_i"].to_numpy()] = live["team"].astype(str).to_numpy()
    return out
