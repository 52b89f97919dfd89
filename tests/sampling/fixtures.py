"""Typed extract fixtures for the sampling tests (frames as the loader types them)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from cfcs_qa.contract import TABLES
from cfcs_qa.ingest.model import Extract

DTYPES = {"key": "str", "text": "str", "enum": "str", "code": "str", "date": "datetime64[ns]",
          "bool": "boolean", "int": "Int64"}


def frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A frame typed per the contract; missing columns are blank."""
    spec = TABLES[table]
    data: dict[str, pd.Series] = {}
    for col in spec.columns:
        values = [r.get(col.name) for r in rows]
        dtype = DTYPES[col.type]
        if col.type == "date":
            data[col.name] = pd.Series(pd.to_datetime(values), dtype=dtype)
        else:
            data[col.name] = pd.Series(values, dtype=dtype)
    out = pd.DataFrame(data)
    out["_row"] = range(2, len(rows) + 2)
    return out


def extract(as_of: date = date(2026, 10, 30), **tables: list[dict[str, Any]]) -> Extract:
    return Extract(tables={name: frame(name, rows) for name, rows in tables.items()},
                   reports={}, findings=[], as_of=as_of)


def staff_row(staff_id: str, role: str = "team_manager", team: str | None = None,
              **kw: Any) -> dict[str, Any]:
    return {"staff_id": staff_id, "role": role, "team": team, **kw}
