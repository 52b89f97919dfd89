"""What the command line sets for its process before anything heavy is imported: the cycle
collector's thresholds, pydantic's plugins off, numpy's BLAS threads, and the allocators'
freed memory (``freed_memory``). ``prepare`` runs once, first: from ``entry.run`` (the
``cfcs-qa`` script), and when ``main`` is imported in-process."""

from __future__ import annotations

import gc
import os

GC_THRESHOLDS = (50_000, 20, 20)
"""A command runs for seconds and leaves little cyclic garbage, but imports and the KPI engine
make hundreds of thousands of objects: at Python's default thresholds (700, 10, 10) the
cycle collector ran about 300 times in a cached ``kpis`` run on a large extract (0.1-0.2 s,
rescanning every object of pandas each time); at these it runs a handful of times."""

_prepared: list[bool] = []


def prepare() -> None:
    """Set up the process for one command (once; later calls do nothing). Call it before
    pydantic, numpy or pyarrow is imported and before any thread starts."""
    if _prepared:
        return
    _prepared.append(True)
    gc.set_threshold(*GC_THRESHOLDS)
    # Pydantic plugins are switched off, before pydantic is imported. A plugin sees every
    # value pydantic validates, and here those are children's records and site settings, so
    # none that happens to be installed beside cfcs-qa may watch them. It also spares every
    # command pydantic's scan of each installed package's entry points, about 0.1 s.
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    # No command multiplies matrices, but numpy's OpenBLAS starts a thread per core when numpy
    # is imported, and they spin for a while (about 0.1 s of CPU on a 2-core machine, taken
    # from the threads that hash and parse the extract). A value set by the user is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from .freed_memory import keep_freed_memory

    keep_freed_memory()
