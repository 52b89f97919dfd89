"""The files of a cache entry: Arrow IPC, uncompressed, read through a memory map.

One file per table, ``<table>.orders.arrow`` beside it (the stable row order of each of its
date columns), ``_child_ids.arrow`` (the dictionary of the child codes) and
``_findings.arrow`` (one column per field of ``Finding``). No pickle. ``cache`` decides when
an entry is written, trusted and served.
"""

from __future__ import annotations

import threading
from collections import UserList
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..findings import Finding
from .model import Extract

CHILD_IDS = "_child_ids.arrow"
FINDINGS = "_findings.arrow"
ORDERS = ".orders.arrow"
"""``<table>.orders.arrow``: the stable row order of each of the table's date columns."""
FINDING_FIELDS = ("code", "level", "table", "row", "column", "value", "message")
"""``Finding``'s fields in order: findings are kept as columns and rebuilt positionally."""


def read_arrow(path: Path) -> Any:
    """An IPC file as a pyarrow table whose buffers are the memory-mapped file (no copy)."""
    import pyarrow as pa

    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


def read_table(path: Path) -> Any:
    # split_blocks: one block per column, as stored (no copy to gather columns of a dtype)
    return read_arrow(path).to_pandas(split_blocks=True)


class StoredFindings(UserList[Finding]):
    """An entry's findings, a list made on first use from the Arrow table, already read.

    ``kpis`` never looks at the loader's findings, and a large extract has tens of thousands
    (about 0.1 s to make); ``validate`` and the cleansing workbook read them all. The table's
    memory map is taken when the entry is read and trusted, so a later prune or rewrite of the
    entry cannot change what is served."""

    def __init__(self, findings: Iterable[Finding] = (), *, table: Any = None) -> None:
        # ``table``: the Arrow table of ``write_findings``; else the findings themselves (as
        # ``UserList``'s own methods make copies)
        self._table: Any = table
        self._made: list[Finding] | None = None if table is not None else list(findings)

    @property
    def data(self) -> list[Finding]:
        if self._made is None:
            # columns to Python lists in C, then positional construction: several times
            # faster than JSON objects
            columns = [self._table.column(name).to_pylist() for name in FINDING_FIELDS]
            self._made = list(map(Finding, *columns))
            self._table = None
        return self._made

    @data.setter
    def data(self, value: list[Finding]) -> None:
        self._made, self._table = value, None


def read_findings(path: Path) -> StoredFindings:
    """The findings, in order, made into ``Finding`` objects only when first used."""
    return StoredFindings(table=read_arrow(path))


def write_findings(path: Path, findings: Sequence[Finding]) -> None:
    import pyarrow as pa

    types = {"row": pa.int64()}
    write_arrow(path, pa.table({
        name: pa.array([getattr(f, name) for f in findings], type=types.get(name, pa.string()))
        for name in FINDING_FIELDS}))


def write_arrow(target: Path, table: Any) -> None:
    import pyarrow as pa

    with pa.OSFile(str(target), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def write_table(target: Path, frame: Any, orders: dict[str, Any] | None = None) -> None:
    """The table, and beside it (``ORDERS``) the stable order of each of its date columns
    (``orders`` when the loader has sorted them already)."""
    import pyarrow as pa

    from ..date_order import date_column_orders

    # nthreads=1: no executor (one would refuse work once the interpreter begins to exit);
    # one chunk per column: the KPI engine takes rows from these frames hundreds of times,
    # and a take over one chunk is several times faster than over many
    table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1).combine_chunks()
    write_arrow(target, table)
    if orders is None:
        orders = date_column_orders(frame)
    if orders:
        write_arrow(orders_path(target), pa.table(orders))


def orders_path(table_path: Path) -> Path:
    return table_path.with_name(table_path.stem + ORDERS)


def read_orders(path: Path) -> dict[str, Any]:
    """Each date column's order as a numpy array over the memory-mapped file (no copy)."""
    table = read_arrow(path)
    return {name: table.column(name).chunk(0).to_numpy() for name in table.column_names}


def write_tables(folder: Path, extract: Extract) -> None:
    """Every table as Arrow IPC, by two plain threads taking the largest tables first (plain
    threads: an executor refuses work once the interpreter begins to exit, and a background
    store may still be running then)."""
    todo = sorted(extract.tables, key=lambda n: len(extract.tables[n]))
    lock = threading.Lock()
    failed: list[OSError] = []

    def work() -> None:
        while True:
            with lock:
                if not todo or failed:
                    return
                name = todo.pop()
            try:
                write_table(folder / f"{name}.arrow", extract.tables[name],
                             extract.date_orders.get(name))
            except OSError as exc:
                failed.append(exc)

    helper = threading.Thread(target=work, name="cfcs-qa-arrow")
    helper.start()
    work()
    helper.join()
    if failed:
        raise failed[0]
