"""What the loader hands to everything downstream."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..findings import Finding

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .child_codes import ChildIds


@dataclass
class TableReport:
    """Per-table accounting: rows_read == rows_accepted + rows_rejected, always."""

    table: str
    source: str | None
    """File or sheet the table came from (None: absent)."""
    present: bool
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    columns_dropped: list[str] = field(default_factory=list)
    """Unknown columns dropped (names only). Name columns are counted, never listed by value."""
    name_columns_dropped: int = 0


@dataclass
class Extract:
    """Validated, typed tables of one extract.

    ``tables`` holds only the tables that are present and usable, each typed as
    ``cfcs_qa.contract`` says, rejected rows removed, with a ``_row`` column giving the row a
    person finds the record on. Team names are already mapped and canonical.
    """

    tables: dict[str, pd.DataFrame]
    reports: dict[str, TableReport]
    findings: Sequence[Finding]
    """In the order found (a list; from the cache, one made on first use)."""
    as_of: date
    synthetic: bool = False
    source: str = ""
    child_of_row: dict[str, dict[int, str]] = field(default_factory=dict)
    """Per table, row -> child_id of the rows that have findings (to place each finding with
    the child's team in the cleansing workbook). Identifiers only, never names."""
    child_ids: ChildIds | None = None
    """The dictionary of the ``_c`` child codes every table with a child_id carries (set by
    the loader; ``None`` for an extract built by hand, which the KPI engine then codes)."""
    date_orders: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    """Per table, per date column: the rows' stable order by that date
    (``date_order.stable_order``), when the cache kept it; the KPI engine sorts otherwise."""
    kept_frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Frames a later stage makes from this extract alone (``KeptFrames``): as the cache
    entry kept them, when it was written for the same ``KeptFrames.version``, or as made in
    this run, once (``kpi.kept.made_once``)."""

    def has(self, name: str) -> bool:
        return name in self.tables

    def get(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]


@dataclass(frozen=True)
class KeptFrames:
    """Frames a later stage makes from a loaded extract alone (the KPI engine's continuous
    records), to be kept in its cache entry: ``make`` runs in the thread that writes the
    entry, and a run served by the entry finds them in ``Extract.kept_frames`` when
    ``version`` (a hash of the code that makes them) is the one they were made by."""

    version: str
    make: Callable[[Extract], dict[str, pd.DataFrame]]
