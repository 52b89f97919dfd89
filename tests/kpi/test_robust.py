"""Every KPI runs on odd but valid extracts: each table in turn empty while the others hold a
row, so a derived column never meets an empty partner table unprepared."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cfcs_qa.config import Settings
from cfcs_qa.contract import TABLES
from cfcs_qa.kpi import compute_kpis, load_definitions

from .builders import extract

KSET = load_definitions()


def _row(table: str) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for col in TABLES[table].columns:
        if col.name == "child_id":
            row[col.name] = "C1"
        elif col.name == "date_of_birth":
            row[col.name] = "2010-01-01"
        elif col.type == "date":
            row[col.name] = "2026-05-10" if col.name not in TABLES[table].end_dates else None
        elif col.type == "bool":
            row[col.name] = True
        elif col.type == "int":
            row[col.name] = 2026 if col.name == "year" else 10000
        elif col.type in ("enum", "code"):
            row[col.name] = col.values[0]
        else:
            row[col.name] = "X1"
    return row


@pytest.mark.parametrize("empty", sorted(TABLES))
def test_each_table_empty_in_turn(empty: str) -> None:
    tables = {name: ([] if name == empty else [_row(name)]) for name in TABLES}
    if empty == "children":
        tables["children"] = [{"child_id": "C9"}]
    ex = extract(date(2026, 6, 10), **tables)
    report = compute_kpis(ex, Settings(), date(2026, 5, 1), by_team=True, kset=KSET,
                          with_ids=True, findings=True)
    assert len(report.kpis) == 31
    for k in report.kpis:
        assert k.status in ("ok", "no_cases", "no_data")
        if k.status != "ok":
            assert k.value is None
