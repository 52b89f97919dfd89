"""Freed memory kept in the process for reuse, for the command line's one short run.

A cold ``kpis`` on a large extract frees and allocates about a gigabyte more than it ever holds
at once. By default both allocators hand freed memory back to the kernel: glibc's (numpy's and
pandas' arrays) unmaps every block above its threshold (128 KiB, rising to at most 32 MiB) as
it is freed, and mimalloc (pyarrow's) returns freed pages after 10 ms. Each later allocation
then faults in fresh pages that the kernel must clear first. On the benchmark's 2-core virtual
machine, kept and reused, they saved 0.4-0.9 s of system time a run.

glibc also gets one arena: by default each thread that allocates gets an arena of its own (up
to eight per core), and memory freed in one (a table read by a loader thread) is never reused
by another (the KPI engine on the main thread), so it stays unused while the other faults in
fresh pages. Python's own objects do not come from these arenas, and small blocks come from
each thread's cache, so the threads seldom wait for one another. With one arena, a cold
``kpis`` on the benchmark extract faulted in about 0.45 GB less and peaked about 0.25 GiB lower
(1.2 GiB). The process gives everything back when it exits.

Settings the user made are kept: ``MIMALLOC_PURGE_DELAY``, and for glibc any of
``USER_SETTINGS`` (one of them set leaves glibc wholly to the user). Elsewhere than Linux with
glibc, nothing is changed.
"""

from __future__ import annotations

import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
"""``mallopt`` parameters (glibc's malloc.h)."""
KEPT_BLOCKS = 1 << 30
"""Blocks below 1 GiB come from the heap rather than their own map, and up to 1 GiB free at
the heap's top stays there."""
ARENAS = 1
"""glibc arenas shared by every thread (see the module's docstring)."""
USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_ARENA_MAX",
                 "GLIBC_TUNABLES")


def keep_freed_memory() -> bool:
    """Ask both allocators to keep what is freed; call before pyarrow is imported (mimalloc
    reads its settings when the library loads) and before any other thread starts (glibc
    sizes its arenas when a second thread first allocates). True when glibc took the
    settings."""
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "-1")
    if not sys.platform.startswith("linux") or any(k in os.environ for k in USER_SETTINGS):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False  # not glibc (musl has no libc.so.6)
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, KEPT_BLOCKS) and mallopt(M_TRIM_THRESHOLD, KEPT_BLOCKS)
                and mallopt(M_ARENA_MAX, ARENAS))
