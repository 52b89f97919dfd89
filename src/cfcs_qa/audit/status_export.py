"""``audits status`` as CSV (the mail-merge list: one row per allocation) and as an Excel
workbook (a sheet per section). Every cell goes through ``fileio.safe_cell``."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..fileio import safe_cell

SYNTHETIC_LINE = "SYNTHETIC SAMPLE DATA: no real child is described"
MAX_WIDTH = 60

ALLOCATION_COLUMNS = [
    "allocation_id", "month", "tier", "auditor_id", "auditor_name", "auditor_email",
    "child_id", "category", "team", "issued_date", "due_date", "days_to_due", "state",
    "completed_date", "family_contact", "checks",
]
SECTIONS = {
    "Non-compliance": ("non_compliance", ["staff_id", "name", "role", "team", "email", "reason"]),
    "Escalations": ("escalations", [
        "escalation_id", "allocation_id", "child_id", "identified_on", "told_staff_id",
        "told_on", "working_days_to_tell", "late", "acknowledged", "acknowledged_on"]),
    "Actions": ("actions", ["action_id", "allocation_id", "child_id", "what", "owner_id",
                            "due_date", "completed_on", "state"]),
    "Checks": ("checks", ["allocation_id", "child_id", "auditor_id", "check", "detail"]),
}


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    return safe_cell(value)


def column_widths(table: list[list[Any]]) -> list[int]:
    """Each column as wide as its longest cell (header included), between 8 and MAX_WIDTH:
    at the default width allocation ids, e-mail addresses and dates were cut short."""
    return [min(max([8, *(len(str(v)) for v in column if v is not None)]) + 2, MAX_WIDTH)
            for column in zip(*table, strict=True)]


def allocation_table(status: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [list(ALLOCATION_COLUMNS)]
    rows += [[_cell(r.get(c)) for c in ALLOCATION_COLUMNS] for r in status["allocations"]]
    return rows


def status_csv(status: dict[str, Any]) -> str:
    out = io.StringIO()
    if status.get("synthetic"):
        out.write(SYNTHETIC_LINE + "\r\n")
    writer = csv.writer(out)
    writer.writerows(allocation_table(status))
    return out.getvalue()


def status_xlsx(status: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Allocations"
    sheets: list[tuple[Any, list[list[Any]]]] = [(ws, allocation_table(status))]
    for title, (key, columns) in SECTIONS.items():
        table = [list(columns)] + [[_cell(r.get(c)) for c in columns] for r in status[key]]
        sheets.append((wb.create_sheet(title), table))
    for sheet, table in sheets:
        if status.get("synthetic"):
            sheet.append([SYNTHETIC_LINE])
        for row in table:
            sheet.append(row)
        header = 2 if status.get("synthetic") else 1
        sheet.freeze_panes = f"A{header + 1}"
        for cell in sheet[header]:
            cell.font = Font(bold=True)
        for i, width in enumerate(column_widths(table), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
