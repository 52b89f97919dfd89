"""The KPI report as CSV (every cell through ``safe_cell``; a banner line first when the data
are synthetic)."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..fileio import safe_cell
from .kpi_format import SYNTHETIC_LINE
from .kpi_rows import COLUMNS, kpi_rows


def kpi_csv(report: dict[str, Any]) -> str:
    buf = io.StringIO()
    if report.get("synthetic"):
        buf.write(SYNTHETIC_LINE + "\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in kpi_rows(report):
        writer.writerow([_cell(row.get(c)) for c in COLUMNS])
    return buf.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(value)
