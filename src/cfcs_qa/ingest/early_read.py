"""The largest CSV file of an extract, read while the program is still importing.

A cold run spends its first half-second importing pandas and the KPI engine, on one core of
two. ``start`` reads the largest table's file meanwhile, in a thread, exactly as the loader
would (the same ``CsvFile`` read of the same columns, which pyarrow parses on every core);
the loader ``take``s the result. It reads the file itself when nothing was read early, the
early read failed, or the file has changed since. Nothing here raises: an error is met
again, and reported, by the loader's own read.

The thread imports nothing. Importing this module imports the reader's modules (numpy,
pyarrow) on the calling thread, before the thread starts; a module imported by two threads
at once can deadlock, and a test holds the thread to this.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..contract import TABLES
from .csv_reader import CsvFile
from .headers import coded_positions, plan_columns, positions_to_read
from .raw import Header, RawTable
from .sealed import identity
from .sources import Layout

EARLY_BYTES = 32 << 20
"""Files smaller than this are read by the loader in its turn (a thread is not worth it)."""

_reads: dict[Path, Future[EarlyRead | None]] = {}
_lock = threading.Lock()


@dataclass
class EarlyRead:
    """A CSV file read ahead: stands in for the ``CsvFile`` the loader would open."""

    path: Path
    header_rows: int
    identity: tuple[int, int, int, int]
    empty: bool
    header: Header | None
    positions: list[int] = field(default_factory=list)
    coded: frozenset[int] = frozenset()
    raw: RawTable | None = None

    def read(self, positions: list[int], coded: Collection[int] = ()) -> RawTable:
        """The columns read ahead when they are the ones asked for, else a fresh read."""
        raw, self.raw = self.raw, None
        if raw is not None and positions == self.positions and frozenset(coded) == self.coded:
            return raw
        return CsvFile(self.path, self.header_rows).read(positions, coded)


def start(layout: Layout, settings: Settings,
          wanted: Callable[[], bool] = lambda: True) -> None:
    """Read the largest table file of a CSV folder (of ``EARLY_BYTES`` or more) in a thread.
    ``wanted`` runs first, in that thread: when it says no (say, the cache will answer), the
    file is not read."""
    if layout.kind != "folder":
        return
    sizes = layout.sizes()
    if not sizes:
        return
    name = max(sizes, key=lambda n: sizes[n])
    if sizes[name] < EARLY_BYTES:
        return
    path = layout.tables[name].path
    header_rows = settings.header_rows.get(name, 0)
    future: Future[EarlyRead | None] = Future()
    with _lock:
        if path.resolve() in _reads:
            return
        _reads[path.resolve()] = future

    def work() -> None:
        result = None
        try:
            if wanted():
                result = _read(name, path, header_rows, settings)
        except Exception:  # noqa: BLE001 - the loader's own read reports it
            result = None
        future.set_result(result)

    # not a daemon: a command that stops early (a missing table) waits for the read to end
    # rather than leave pyarrow parsing while the interpreter shuts down
    threading.Thread(target=work, name="cfcs-qa-early-read", daemon=False).start()


def _read(name: str, path: Path, header_rows: int, settings: Settings) -> EarlyRead | None:
    before = identity(path)
    reader = CsvFile(path, header_rows)
    early = EarlyRead(path=path, header_rows=header_rows, identity=before, empty=reader.empty,
                      header=reader.header)
    if not reader.empty and reader.header is not None:
        plan = plan_columns(TABLES[name], reader.header.cells, settings)
        early.positions = positions_to_read(plan)
        early.coded = frozenset(coded_positions(TABLES[name], plan))
        early.raw = reader.read(early.positions, early.coded)
    del reader  # the file's bytes
    return early if identity(path) == before else None


def take(path: Path, header_rows: int) -> EarlyRead | None:
    """What was read ahead of ``path`` (waiting for the read to finish), if the file has not
    changed since; else None. Each read is taken once."""
    with _lock:
        future = _reads.pop(path.resolve(), None)
    if future is None:
        return None
    early = future.result()
    if early is None or early.header_rows != header_rows:
        return None
    try:
        same = identity(path) == early.identity
    except OSError:
        return None
    return early if same else None


def discard() -> None:
    """Forget every read not taken (a load served by the cache, or one that stopped)."""
    with _lock:
        _reads.clear()
