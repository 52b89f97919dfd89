"""Typed fixture frames built directly (dtypes per contract.py), wrapped in an Extract."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from cfcs_qa.contract import TABLES
from cfcs_qa.ingest.model import Extract, TableReport


def frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    spec = TABLES[table]
    data: dict[str, Any] = {}
    for col in spec.columns:
        values = [r.get(col.name) for r in rows]
        if col.type == "date":
            data[col.name] = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
        elif col.type == "bool":
            data[col.name] = pd.Series(values, dtype="boolean")
        elif col.type == "int":
            data[col.name] = pd.Series(values, dtype="Int64")
        else:
            data[col.name] = pd.Series(values, dtype="str")
    out = pd.DataFrame(data)
    out["_row"] = range(2, len(rows) + 2)
    return out


def extract(as_of: date, synthetic: bool = False, **tables: list[dict[str, Any]]) -> Extract:
    tables.setdefault("children", [])
    frames = {name: frame(name, rows) for name, rows in tables.items()}
    reports = {name: TableReport(name, f"{name}.csv", True, len(f), len(f))
               for name, f in frames.items()}
    return Extract(tables=frames, reports=reports, findings=[], as_of=as_of, synthetic=synthetic)


def kpi(ex: Extract, number: int, month: str, settings: Any = None, **kw: Any) -> Any:
    """The KpiResult of one KPI for ``month`` (YYYY-MM)."""
    from cfcs_qa.config import Settings
    from cfcs_qa.kpi import compute_kpis, load_definitions

    settings = settings or Settings()
    kset = load_definitions(settings)
    kset.kpis = [k for k in kset.kpis if k.number == number]
    year, mon = (int(x) for x in month.split("-"))
    kw.setdefault("with_ids", True)
    kw.setdefault("findings", True)
    report = compute_kpis(ex, settings, date(year, mon, 1), kset=kset, **kw)
    return report.kpis[0]


def kids(*rows: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"child_id": c, "date_of_birth": d} for c, d in rows]
