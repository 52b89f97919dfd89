"""Writing one Tier 2 audit toolkit (an .xlsx workbook) for one allocation.

The layout comes from ``toolkit_layout.build_layout``; this module only renders it: styles,
protection, drop-downs, print setup and the hidden ``_meta`` sheet. ``cfcs-qa sample`` calls
``write_toolkit`` once per allocation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..fileio import atomic_path, safe_cell
from .standards import Standard, ToolkitGuide, load_guide, standards_for
from .toolkit_layout import (
    CATEGORY_LABELS,
    COLUMN_WIDTHS,
    META_SHEET,
    SHEET,
    SHORT_TEXT_MAX,
    TITLE_ROWS,
    Layout,
    TemplateSpec,
    build_layout,
)
from .toolkit_meta import meta_rows

REQUIRED_KEYS = (
    "allocation_id", "child_id", "category", "team", "worker_id", "supervising_manager",
    "legal_status", "placement", "audit_window_start", "audit_window_end", "issued_date",
    "due_date", "auditor_id", "auditor_name", "family_contact",
)
DATE_FORMAT = "[$-809]ddd dd mmm yyyy"
"""Date input cells. The en-GB tag makes LibreOffice read a typed 19/11/2026 day first
whatever its own language (else an en-US install keeps it as text and the date check refuses
it); the month spelt out ("Thu 19 Nov 2026") shows at once a date read month first."""
_FILLS = {"title": "1F3864", "heading": "D9E1F2", "colhead": "EDEDED", "banner": "F4B183",
          "input": "FFF2CC", "danger": "FBE5D6"}


def template_spec(category: str, standards: list[Standard], guide: ToolkitGuide, *,
                  family_contact: bool, synthetic: bool) -> TemplateSpec:
    """The template for ``category``: its standards (filtered from ``standards``) and the
    toolkit guide (key questions, grades, indicators of good)."""
    chosen = standards_for(category, standards)
    return TemplateSpec(
        category=category,
        standards=tuple((s.id, s.section, s.text, s.heading) for s in chosen),
        key_questions=tuple((q.id, q.text, q.prompt) for q in guide.key_questions),
        judgement_choices=tuple(guide.judgement_choices),
        grades=tuple((g.id, g.label) for g in guide.grades),
        indicators=tuple(guide.indicators_of_good),
        family_contact=family_contact,
        synthetic=synthetic,
    )


def _day(d: Any) -> str:
    """``Thu 19 Nov 2026``: the actual date, never "Day 21"."""
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return d.strftime("%a %d %b %Y") if isinstance(d, date) else "not recorded"


def header_values(allocation: dict[str, Any]) -> dict[str, str]:
    """The allocation's values as the toolkit shows them (text). Child identifier only."""
    def text(v: Any) -> str:
        return "not recorded" if v is None or str(v).strip() == "" else str(v).strip()

    category = str(allocation["category"])
    return {
        "allocation_id": text(allocation["allocation_id"]),
        "child_id": text(allocation["child_id"]),
        "due_date": _day(allocation["due_date"]),
        "issued_date": _day(allocation["issued_date"]),
        "auditor": f"{text(allocation['auditor_name'])} ({text(allocation['auditor_id'])})",
        "category": f"{category}: {CATEGORY_LABELS.get(category, category)}",
        "team": text(allocation["team"]),
        "worker": text(allocation["worker_id"]),
        "supervising_manager": text(allocation["supervising_manager"]),
        "legal_status": text(allocation["legal_status"]),
        "placement": text(allocation["placement"]),
        "audit_window": f"{_day(allocation['audit_window_start'])} to "
                        f"{_day(allocation['audit_window_end'])}",
    }


def write_toolkit(path: Path, allocation: dict[str, Any], standards: list[Standard], *,
                  synthetic: bool = False, guide: ToolkitGuide | None = None) -> str:
    """Write the toolkit workbook for one allocation to ``path`` (atomically, owner-only) and
    return the template checksum (store it with the allocation: import checks it).

    ``allocation`` keys: allocation_id, child_id, category (cin/cp/cic/... as in
    ``standards/``), team, worker_id, supervising_manager (id or name of the team's
    team_manager; None when unknown), legal_status and placement (None when unknown),
    audit_window_start and audit_window_end (dates: the 12 months audited), issued_date,
    due_date (dates), auditor_id, auditor_name, family_contact (bool: the family-contact
    section is included). ``standards``: all the standards (``load_standards()``) or just the
    category's; the category's are chosen here. ``synthetic``: a SYNTHETIC SAMPLE DATA line
    is printed on every page. Raises ``ValueError`` for a missing key and ``UserError`` for a
    category no standard applies to.
    """
    missing = [k for k in REQUIRED_KEYS if k not in allocation]
    if missing:
        raise ValueError(f"write_toolkit: allocation lacks {', '.join(missing)}")
    spec = template_spec(str(allocation["category"]), standards, guide or load_guide(),
                         family_contact=bool(allocation["family_contact"]), synthetic=synthetic)
    layout = build_layout(spec)
    checksum = layout.checksum()
    values = {k: safe_cell(v) for k, v in header_values(allocation).items()}
    workbook = _render(layout, values, spec, checksum)
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return checksum


def _render(layout: Layout, values: dict[str, str], spec: TemplateSpec, checksum: str) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.pagebreak import Break

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for col, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[col].width = width
    for cell in layout.cells:
        target = ws[cell.ref]
        if cell.kind == "label":
            target.value = safe_cell(cell.text)
        elif cell.kind == "value":
            target.value = values[cell.field]
        if cell.merge_to:
            ws.merge_cells(f"{cell.ref}:{cell.merge_to}")
        target.alignment = Alignment(wrap_text=True, vertical="top")
        bold = cell.style in ("title", "heading", "colhead", "banner", "danger", "value")
        target.font = Font(bold=bold, color="FFFFFF" if cell.style == "title" else
                           ("C00000" if cell.style == "danger" else None),
                           size=14 if cell.style == "title" else 11)
        if cell.style in _FILLS:
            target.fill = PatternFill("solid", fgColor=_FILLS[cell.style])
        if cell.kind == "input":
            target.protection = Protection(locked=False)
            if cell.input == "date":
                target.number_format = DATE_FORMAT
    for row, height in layout.heights.items():
        ws.row_dimensions[row].height = height
    _validations(ws, layout)
    ws.protection.sheet = True
    ws.protection.formatRows = False  # resizing rows/columns to read is harmless
    ws.protection.formatColumns = False
    ws.print_area = f"A1:F{layout.last_row}"
    ws.print_title_rows = TITLE_ROWS
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.row_breaks.append(Break(id=layout.page_break_after))
    ws.oddFooter.center.text = "OFFICIAL-SENSITIVE: page &P of &N"
    if spec.synthetic:
        ws.oddHeader.center.text = "SYNTHETIC SAMPLE DATA"
    ws.freeze_panes = "A4"

    meta = wb.create_sheet(META_SHEET)
    for meta_row in meta_rows(spec, values["allocation_id"], checksum, values):
        meta.append([safe_cell(v) for v in meta_row])
    meta.protection.sheet = True
    meta.sheet_state = "veryHidden"
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def _validations(ws: Any, layout: Layout) -> None:
    """A drop-down for every choice cell, a date check on date cells, a length limit on the
    short staff-id/role cells. Errors are shown as stop messages in Excel."""
    from openpyxl.worksheet.datavalidation import DataValidation

    lists: dict[tuple[str, ...], Any] = {}
    dates = DataValidation(type="date", operator="between", formula1="36526", formula2="73051",
                           allow_blank=True, showErrorMessage=True, errorTitle="Not a date",
                           error="Type a date such as 19/11/2026.")
    short = DataValidation(type="textLength", operator="lessThanOrEqual",
                           formula1=str(SHORT_TEXT_MAX), allow_blank=True,
                           showErrorMessage=True, errorTitle="Too long",
                           error="A staff ID or a role, at most 64 characters.")
    for cell in layout.cells:
        if cell.kind != "input":
            continue
        if cell.input == "choice":
            if cell.choices not in lists:
                lists[cell.choices] = DataValidation(
                    type="list", formula1='"' + ",".join(cell.choices) + '"', allow_blank=True,
                    showErrorMessage=True, errorTitle="Choose from the list",
                    error="Choose one of: " + ", ".join(cell.choices) + ".")
            lists[cell.choices].add(cell.ref)
        elif cell.input == "date":
            dates.add(cell.ref)
        elif cell.input == "text":
            short.add(cell.ref)
    for dv in (*lists.values(), dates, short):
        if dv.sqref:
            ws.add_data_validation(dv)
