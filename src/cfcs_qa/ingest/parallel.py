"""Column work on two cores: pyarrow's kernels release the GIL, so columns of a large table
are trimmed and typed side by side. Small tables stay sequential (threads cost more there).
And background threads (the cache being written) at a lower CPU priority."""

from __future__ import annotations

import contextlib
import os
import threading
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


BACKGROUND_NICE = 10
"""How much less CPU priority background threads have than the command's own work."""


def background_priority() -> None:
    """Lower the calling thread's CPU priority (Linux gives each thread a nice value of its
    own, and threads it starts inherit it): work in the background (the cache being written)
    yields a core to the command's own work when both want one, and runs whenever a core is
    free. Elsewhere, or when not allowed, nothing changes."""
    with contextlib.suppress(AttributeError, OSError):
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me,
                       min(os.getpriority(os.PRIO_PROCESS, me) + BACKGROUND_NICE, 19))
