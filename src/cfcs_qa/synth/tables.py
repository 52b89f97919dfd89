"""Internal table shape shared by the builders and the writer.

A table is a ``dict`` of equal-length numpy arrays named as the contract's columns:
``child_id`` holds pool indices (-1 = none), dates are float day numbers (NaN = blank),
booleans are floats 1/0 (NaN = blank), ids are int64 and text is ``str`` ('' = blank).
"""

from __future__ import annotations

import numpy as np

Frame = dict[str, np.ndarray]


def number(frame: Frame, key: str, base: int, by: str) -> Frame:
    """Sort rows by the date ``by`` (then child) and give ``key`` ids rising with time, as
    a case-management system does."""
    order = np.lexsort((frame["child_id"], frame[by])) if frame[by].size else np.arange(0)
    out = {k: compact(v[order]) for k, v in frame.items()}
    out[key] = base + np.arange(order.size, dtype=np.int64)
    return out


def compact(values: np.ndarray) -> np.ndarray:
    """Day numbers and flags fit float32 exactly (whole numbers far below 2**24), pool
    indices int32: halves what millions of finished rows hold in memory."""
    if values.dtype == np.float64:
        return values.astype(np.float32)
    if values.dtype == np.int64 and values.size and values.max() < 2**31 and values.min() >= -1:
        return values.astype(np.int32)
    return values


def flag(rng: np.random.Generator, p_yes: np.ndarray | float, size: int,
         p_blank: float = 0.0) -> np.ndarray:
    """1.0 with probability ``p_yes``, else 0.0; a share ``p_blank`` left blank (NaN)."""
    out = (rng.random(size) < p_yes).astype(float)
    if p_blank:
        out[rng.random(size) < p_blank] = np.nan
    return out


def concat(*frames: Frame) -> Frame:
    keys = frames[0].keys()
    return {k: np.concatenate([f[k] for f in frames]) for k in keys}


def take(frame: Frame, keep: np.ndarray) -> Frame:
    return {k: v[keep] for k, v in frame.items()}
