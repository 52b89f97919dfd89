"""The deliberate data-quality problems of the default sample (left out with ``--clean``),
so ``cfcs-qa validate`` has something to find. Each is one cell or row, placed at a fixed
position so the README can say exactly where it is."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FAKE_NAMES = ("Fakename Alpha", "Fakename Bravo", "Fakename Charlie", "Fakename Delta",
              "Fakename Echo", "Fakename Foxtrot", "Fakename Golf", "Fakename Hotel")
ORPHAN_CHILD_ID = "99999"


@dataclass(frozen=True)
class Problem:
    table: str
    line: int
    """CSV line of the record (header = line 1); 0 = the whole column."""
    column: str
    value: str
    code: str
    level: str
    note: str


def _set(table: pa.Table, column: str, row: int, value: str | None) -> pa.Table:
    """``value`` in one cell (None or "" = blank)."""
    index = table.schema.get_field_index(column)
    current = pc.cast(table.column(column), pa.string())
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[row] = True
    replaced = pc.if_else(pa.array(mask), pa.scalar(value or None, pa.string()), current)
    return table.set_column(index, column, replaced)


def _row_where(table: pa.Table, column: str, start: int) -> int:
    """First row at or after ``start`` whose ``column`` is filled."""
    valid = np.asarray(table.column(column).is_valid())
    rows = np.flatnonzero(valid[start:])
    return int(start + rows[0]) if rows.size else start


def inject(name: str, table: pa.Table) -> tuple[pa.Table, list[Problem]]:
    """Add this table's problems to the rendered table; returns it and what was done."""
    found: list[Problem] = []

    def put(t: pa.Table, column: str, row: int, value: str, code: str, level: str,
            note: str) -> pa.Table:
        found.append(Problem(name, row + 2, column, value, code, level, note))
        return _set(t, column, row, value)

    n = table.num_rows
    if name == "children":
        names = pa.array([FAKE_NAMES[i % len(FAKE_NAMES)] for i in range(n)])
        table = table.append_column("preferred_name", names)
        found.append(Problem(name, 0, "preferred_name", "Fakename …", "name column", "dropped",
                             "a name column with obviously fake values: dropped at load, "
                             "counted, never shown"))
    elif name == "contacts":
        table = put(table, "received_date", n // 3, "31/02/2026", "invalid-date", "error",
                    "31 February does not exist")
    elif name == "cp_plans":
        table = put(table, "category", n // 2, "Domestic abuse", "unknown-code", "error",
                    "not one of the CP categories")
    elif name == "assessments":
        table = put(table, "start_date", n // 4, "", "missing-value", "error",
                    "a required date left blank")
    elif name == "visits":
        table = put(table, "seen", n // 5, "Maybe", "invalid-boolean", "error",
                    "not a yes/no value")
        table = put(table, "visit_date", n // 2, "14/10/2062", "future-date", "error",
                    "a year typed as 2062 instead of 2026")
        table = put(table, "child_id", n * 2 // 3, ORPHAN_CHILD_ID, "orphan-child", "warning",
                    "a child who is not in children.csv")
    elif name == "cin_plans":
        row = _row_where(table, "end_date", n // 3)
        start, end = table.column("start_date")[row].as_py(), table.column("end_date")[row].as_py()
        table = _set(_set(table, "start_date", row, end), "end_date", row, start)
        found.append(Problem(name, row + 2, "end_date", str(start), "end-before-start", "error",
                             "start and end dates swapped"))
    elif name == "referrals":
        row = n // 2
        found.append(Problem(name, row + 3, "referral_id",
                             str(table.column("referral_id")[row].as_py()), "duplicate-key",
                             "error", "the row above exported twice"))
        table = pa.concat_tables([table.slice(0, row + 1), table.slice(row, 1),
                                  table.slice(row + 1)])
    elif name == "staff":
        roles = np.asarray(pc.cast(table.column("role"), pa.string()).to_pylist(), dtype=object)
        teams = np.asarray(table.column("team").to_pylist(), dtype=object)
        row = int(np.flatnonzero((roles == "social_worker") &
                                 (teams == "Child Protection Team"))[0])
        table = put(table, "team", row, "Child Protection Tm", "unknown-team", "warning",
                    "a misspelt team name")
    return table, found
