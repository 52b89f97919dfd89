"""Freed memory kept in the process for reuse, for the command line's one short run.

A cold ``kpis`` on a large extract frees and allocates about a gigabyte more than it ever holds
at once. By default both allocators hand freed memory back to the kernel: glibc's (numpy's and
pandas' arrays) unmaps every block above its threshold (128 KiB, rising to at most 32 MiB) as
it is freed, and mimalloc (pyarrow's) returns freed pages after 10 ms. Each later allocation
then faults in fresh pages that the kernel must clear first. On the benchmark's 2-core virtual
machine, kept and reused, they saved 0.4-0.9 s of system time a run. The cost is a higher peak
(about 0.15 GiB there); the process gives everything back when it exits.

Settings the user made are kept: ``MIMALLOC_PURGE_DELAY``, and glibc's ``MALLOC_*_`` variables
or ``GLIBC_TUNABLES``. Elsewhere than Linux with glibc, nothing is changed.
"""

from __future__ import annotations

import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""``mallopt`` parameters (glibc's malloc.h)."""
KEPT_BLOCKS = 1 << 30
"""Blocks below 1 GiB come from the heap rather than their own map, and up to 1 GiB free at
the heap's top stays there."""
USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")


def keep_freed_memory() -> bool:
    """Ask both allocators to keep what is freed; call before pyarrow is imported (mimalloc
    reads its settings when the library loads). True when glibc took the settings."""
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
    return bool(mallopt(M_MMAP_THRESHOLD, KEPT_BLOCKS) and mallopt(M_TRIM_THRESHOLD, KEPT_BLOCKS))
