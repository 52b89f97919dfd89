"""Column work on two cores: pyarrow's kernels release the GIL, so columns of a large table
are trimmed and typed side by side. Small tables stay sequential (threads cost more there)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_ROWS = 100_000


def each(fn: Callable[[T], R], items: Sequence[T], rows: int) -> list[R]:
    """``[fn(item) for item in items]``, in threads when the table is large."""
    workers = min(len(items), os.cpu_count() or 1, 4)
    if rows < PARALLEL_ROWS or workers < 2:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cfcs-qa-column") as pool:
        return list(pool.map(fn, items))
