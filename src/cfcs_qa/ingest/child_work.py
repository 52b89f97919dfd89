"""Cross-table work done while other tables are still being read.

Looking up every table's child ids among the children file's (``child_codes.first_pass``) and
the ``orphan-child`` / ``before-birth`` checks need only the children table and the table
itself; an ``orphan-reference`` check needs only the table and the one it refers to. The
loader reads ``children`` first, and each table, once read, does whatever of this work it
can in its own thread, beside the reading of others, instead of after every table is read.
Whatever is not done here is done afterwards the usual way, with the same result: codes of
orphans are left at -1 until the last pass, and -1 reads no date of birth, exactly as an
orphan's final code does (and ``overlapping-allocation`` is found early only when the
allocations have no orphan, so that their codes are already final).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pyarrow as pa

from .child_codes import CODE_DTYPE, FirstPass, first_pass
from .crosscheck import (
    REFERENCES,
    ChildChecks,
    Found,
    birth_by_code,
    overlapping_allocations,
    reference_checks,
    table_child_checks,
)
from .id_lookup import IdLookup

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .table import TableOutcome


class ChildWork:
    def __init__(self) -> None:
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self.known: pa.Array | None = None
        self.lookup: IdLookup | None = None
        self._born: np.ndarray | None = None
        self.passes: dict[str, FirstPass] = {}
        self.checks: dict[str, ChildChecks] = {}
        self.references: dict[str, list[Found]] = {}
        self.overlaps: list[Found] | None = None
        self._frames: dict[str, pd.DataFrame] = {}
        self._ids: dict[str, pa.Array] = {}
        self._claimed: set[str] = set()

    def table_read(self, name: str, outcome: TableOutcome | None) -> None:
        """Called in the table's thread once it is read."""
        if outcome is None or outcome.frame is None:
            return
        frame = outcome.frame
        self._references(name, frame, outcome.ids)
        if "child_id" not in frame.columns:
            return
        if name == "children":
            if outcome.ids is None:
                return  # the loader falls back to the accepted rows' ids: not done early
            known = outcome.ids
            lookup = IdLookup(known)
            done = first_pass(lookup, frame)
            self._born = birth_by_code(frame, done[0], len(known))
            with self._lock:
                self.passes[name] = done
            self.known, self.lookup = known, lookup
            self._ready.set()
            return
        if not self._ready.is_set():
            return
        assert self.lookup is not None
        done = first_pass(self.lookup, frame)
        checks = table_child_checks(name, frame, done[0], done[2], self._born)
        overlaps = None
        if name == "allocations" and not done[2].any():  # no orphan: the codes are final
            overlaps = overlapping_allocations(frame, done[0].astype(CODE_DTYPE))
        with self._lock:
            self.passes[name] = done
            self.checks[name] = checks
            if overlaps is not None:
                self.overlaps = overlaps

    def _references(self, name: str, frame: pd.DataFrame, ids: pa.Array | None) -> None:
        """The ``orphan-reference`` checks that this table completes: its own once the table
        it refers to is read, or those of tables read before it that refer to it."""
        with self._lock:
            self._frames[name] = frame
            if ids is not None:
                self._ids[name] = ids
            jobs = [(n, self._frames[n], self._ids[target]) for n, _column, target in REFERENCES
                    if n in self._frames and target in self._ids and n not in self._claimed]
            self._claimed.update(n for n, _frame, _known in jobs)
        for referring, frame, known in jobs:
            found = reference_checks(referring, frame, known)
            with self._lock:
                self.references[referring] = found
