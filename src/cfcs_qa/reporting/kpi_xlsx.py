"""The KPI report as an Excel workbook: one sheet of KPIs (with team, band and history rows),
banners on top, every cell through ``safe_cell``."""

from __future__ import annotations

import io
from typing import Any

from ..fileio import safe_cell
from .kpi_format import banners, title_line
from .kpi_rows import COLUMNS, kpi_rows

RAG_FILL = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}
FIXED_WIDTHS = {"title": 50, "group": 32, "comparators": 60}
"""Long text columns keep these widths; every other column is as wide as its header or its
longest value shown, up to MAX_WIDTH (at the default width ids such as
``referral_decisions_1wd`` were cut short)."""
MAX_WIDTH = 40


def kpi_xlsx(report: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "KPIs"
    for line in [*banners(report), title_line(report)]:
        ws.append([safe_cell(line)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    ws.append(list(COLUMNS))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    rag_col = COLUMNS.index("rag") + 1
    shown = [COLUMNS.index(c) + 1 for c in ("value", "previous", "target")]
    rows = kpi_rows(report)
    for row in rows:
        ws.append([safe_cell(row.get(c)) for c in COLUMNS])
        if row.get("unit") != "count":
            for col in shown:  # one decimal place on screen, the unrounded value in the cell
                ws.cell(row=ws.max_row, column=col).number_format = "0.0"
        rag = row.get("rag")
        if rag in RAG_FILL:
            ws.cell(row=ws.max_row, column=rag_col).fill = PatternFill(
                "solid", start_color=RAG_FILL[rag], end_color=RAG_FILL[rag])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for i, name in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(name, rows)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _width(column: str, rows: list[dict[str, Any]]) -> int:
    if column in FIXED_WIDTHS:
        return FIXED_WIDTHS[column]
    longest = max((len(_shown(row.get(column))) for row in rows), default=0)
    return min(max(len(column), longest) + 2, MAX_WIDTH)


def _shown(value: Any) -> str:
    """Roughly what a spreadsheet shows: floats at one decimal place, booleans in capitals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "FALSE"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
