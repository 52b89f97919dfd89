"""The data-quality workbook for cleansing: a summary, findings by table and by team.

Built from the plain ``validation_report`` dict plus each finding's child_id and team, so it
never sees a frame. Every cell goes through ``safe_cell``; the file is written atomically and
owner-only (it holds child identifiers).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from ..fileio import safe_cell, write_with

SYNTHETIC_LINE = "SYNTHETIC SAMPLE DATA: no real child is described in this workbook."
FINDING_COLUMNS = ("level", "code", "table", "row", "column", "value", "message", "child_id")
SUMMARY_COLUMNS = (
    "table", "source", "rows read", "rows accepted", "rows rejected", "columns dropped",
    "name columns dropped",
)
MAX_ROWS = 1_000_000
"""Findings listed per sheet at most (Excel stops at 1,048,576 rows); JSON lists them all."""
_WIDTHS = {"message": 70, "value": 24, "column": 20, "table": 18, "team": 24, "code": 22,
           "source": 28, "columns dropped": 30}


def write_validation_xlsx(
    report: dict[str, Any], places: list[tuple[str | None, str]], path: Path
) -> Path:
    """``places``: (child_id, team) per finding, in the report's order."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)  # streams rows: fast and light for long reports
    synthetic = bool(report.get("synthetic"))
    _summary(wb.create_sheet("Summary"), report, synthetic)
    rows = [
        [f[c] for c in FINDING_COLUMNS[:-1]] + [child, team]
        for f, (child, team) in zip(report["findings"], places, strict=True)
    ]
    if len(rows) > MAX_ROWS:
        rows = sorted(rows, key=lambda r: r[0] != "error")[:MAX_ROWS]  # errors first
    by_table = sorted(rows, key=lambda r: (r[2] or "", r[3] or 0, r[4] or "", r[1]))
    _findings_sheet(wb.create_sheet("By table"), [*FINDING_COLUMNS, "team"], by_table, synthetic)
    by_team = sorted(
        ([r[-1], *r[:-1]] for r in rows), key=lambda r: (r[0], r[3] or "", r[4] or 0, r[2])
    )
    _findings_sheet(wb.create_sheet("By team"), ["team", *FINDING_COLUMNS], by_team, synthetic)
    try:
        return write_with(path, wb.save, binary=True)
    except BaseException:
        _discard(wb)
        raise


def _discard(wb: Any) -> None:
    """Close a write-only workbook that was never saved (say, the output folder is read-only):
    left to the garbage collector, openpyxl prints a spurious traceback at exit."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            ws.close()


def _banner(ws: Any, synthetic: bool) -> int:
    """Write the synthetic line when needed; return the row the content starts on."""
    if synthetic:
        ws.append([SYNTHETIC_LINE])
        return 2
    return 1


def _summary(ws: Any, report: dict[str, Any], synthetic: bool) -> None:
    _widths(ws, SUMMARY_COLUMNS)
    _banner(ws, synthetic)
    findings = report["findings"]
    errors = sum(1 for f in findings if f["level"] == "error")
    ws.append(["Extract date", report["as_of"]])
    ws.append(["Valid", "yes" if report["valid"] else "no"])
    ws.append(["Errors", errors])
    ws.append(["Warnings", len(findings) - errors])
    if len(findings) > MAX_ROWS:
        ws.append([f"Only the first {MAX_ROWS:,} findings (errors first) are listed: Excel "
                   "holds no more. cfcs-qa validate --format json lists every one."])
    ws.append([])
    ws.append(_bold(ws, SUMMARY_COLUMNS))
    for name, t in report["tables"].items():
        ws.append([safe_cell(v) for v in (
            name, t["source"], t["rows_read"], t["rows_accepted"], t["rows_rejected"],
            ", ".join(t["columns_dropped"]), t["name_columns_dropped"],
        )])


def _findings_sheet(ws: Any, columns: list[str], rows: list[list[Any]], synthetic: bool) -> None:
    from openpyxl.utils import get_column_letter

    _widths(ws, columns)
    header = 2 if synthetic else 1
    ws.freeze_panes = f"A{header + 1}"
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(columns))}{header + len(rows)}"
    _banner(ws, synthetic)
    ws.append(_bold(ws, columns))
    for row in rows:
        ws.append([safe_cell(v) for v in row])


def _bold(ws: Any, names: Any) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _widths(ws: Any, columns: Any) -> None:
    from openpyxl.utils import get_column_letter

    for i, name in enumerate(columns, start=1):  # never narrower than the (bold) header
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(name, max(12, len(name) + 3))
