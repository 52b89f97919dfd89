"""Child-id work done while other tables are still being read.

Looking up every table's child ids among the children file's (``child_codes.first_pass``) and
the ``orphan-child`` / ``before-birth`` checks need only the children table and the table
itself. The loader reads ``children`` first, so each later table does this work in its own
thread, beside the reading of others, instead of after every table is read. Whatever is not
done here (children not read yet, or read sequentially after the table) is done afterwards
the usual way, with the same result: codes of orphans are left at -1 until the last pass,
and -1 reads no date of birth, exactly as an orphan's final code does.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pyarrow as pa

from .child_codes import FirstPass, first_pass
from .crosscheck import ChildChecks, birth_by_code, table_child_checks
from .id_lookup import IdLookup

if TYPE_CHECKING:
    import numpy as np

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

    def table_read(self, name: str, outcome: TableOutcome | None) -> None:
        """Called in the table's thread once it is read."""
        frame = outcome.frame if outcome is not None else None
        if outcome is None or frame is None or "child_id" not in frame.columns:
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
        with self._lock:
            self.passes[name] = done
            self.checks[name] = checks
