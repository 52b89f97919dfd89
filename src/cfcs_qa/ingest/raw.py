"""What a reader hands to validation: text columns and the row each record is found on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


@dataclass
class RawTable:
    """One table as read, before any typing.

    ``columns`` holds only the raw positions asked for, as pyarrow string arrays (untrimmed,
    blank = ""), one entry per record; a column of few distinct values may instead be
    dictionary-encoded (``dictionary<int32, string>``, same values). ``rows`` gives the
    row a person finds each record on.
    ``malformed`` lists (row, fields found) for records with the wrong number of fields; they
    are not in ``columns``.
    """

    columns: dict[int, pa.Array]
    rows: np.ndarray
    expected_fields: int
    malformed: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Header:
    """The header record of a table: its cells as written and the row it is on."""

    cells: list[str]
    row: int
