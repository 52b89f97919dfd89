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


def inject(tables: dict[str, pa.Table]) -> tuple[dict[str, pa.Table], list[Problem]]:
    """Add the problems to rendered tables; returns the new tables and what was done."""
    t = dict(tables)
    found: list[Problem] = []

    def put(name: str, column: str, row: int, value: str, code: str, level: str,
            note: str) -> None:
        t[name] = _set(t[name], column, row, value)
        found.append(Problem(name, row + 2, column, value, code, level, note))

    children = t["children"]
    names = pa.array([FAKE_NAMES[i % len(FAKE_NAMES)] for i in range(children.num_rows)])
    t["children"] = children.append_column("forename", names)
    found.append(Problem("children", 0, "forename", "Fakename …", "name column", "dropped",
                         "a name column with obviously fake values: dropped at load, counted, "
                         "never shown"))
    put("contacts", "received_date", t["contacts"].num_rows // 3, "31/02/2026", "invalid-date",
        "error", "31 February does not exist")
    put("cp_plans", "category", t["cp_plans"].num_rows // 2, "Domestic abuse", "unknown-code",
        "error", "not one of the CP categories")
    put("assessments", "start_date", t["assessments"].num_rows // 4, "", "missing-value",
        "error", "a required date left blank")
    put("visits", "seen", t["visits"].num_rows // 5, "Maybe", "invalid-boolean", "error",
        "not a yes/no value")
    put("visits", "visit_date", t["visits"].num_rows // 2, "14/10/2062", "future-date", "error",
        "a year typed as 2062 instead of 2026")
    put("visits", "child_id", t["visits"].num_rows * 2 // 3, ORPHAN_CHILD_ID, "orphan-child",
        "warning", "a child who is not in children.csv")
    cin = t["cin_plans"]
    row = _row_where(cin, "end_date", cin.num_rows // 3)
    start, end = cin.column("start_date")[row].as_py(), cin.column("end_date")[row].as_py()
    cin = _set(_set(cin, "start_date", row, end), "end_date", row, start)
    t["cin_plans"] = cin
    found.append(Problem("cin_plans", row + 2, "end_date", str(start), "end-before-start",
                         "error", "start and end dates swapped"))
    refs = t["referrals"]
    row = refs.num_rows // 2
    t["referrals"] = pa.concat_tables([refs.slice(0, row + 1), refs.slice(row, 1),
                                       refs.slice(row + 1)])
    found.append(Problem("referrals", row + 3, "referral_id",
                         str(refs.column("referral_id")[row].as_py()), "duplicate-key", "error",
                         "the row above exported twice"))
    staff = t["staff"]
    roles = np.asarray(pc.cast(staff.column("role"), pa.string()).to_pylist(), dtype=object)
    teams = np.asarray(staff.column("team").to_pylist(), dtype=object)
    row = int(np.flatnonzero((roles == "social_worker") & (teams == "Child Protection Team"))[0])
    put("staff", "team", row, "Child Protection Tm", "unknown-team", "warning",
        "a misspelt team name")
    return t, found
