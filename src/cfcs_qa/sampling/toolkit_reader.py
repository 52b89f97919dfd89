"""Reading a completed toolkit: ``read_toolkit(path) -> ToolkitResult``.

Pure: it opens the workbook, rebuilds the cell map from the hidden ``_meta`` sheet, checks the
template checksum, compares every cell outside the input cells with what the writer wrote
(anything added or changed is a problem and is not read), then reads and validates every
input. Nothing is stored; ``audit.importing`` decides what to do with the result.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..fileio import safe_cell
from .toolkit_layout import META_SHEET, SHEET, Layout, build_layout
from .toolkit_meta import Meta, parse_meta
from .toolkit_validate import validate_inputs


@dataclass(frozen=True)
class Problem:
    sheet: str | None
    cell: str | None
    why: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = "!".join(p for p in (self.sheet, self.cell) if p)
        return f"{where}: {self.why}" if where else self.why


@dataclass
class ToolkitResult:
    """What a toolkit says. ``problems`` empty = complete and valid. When ``readable`` is
    False (not a toolkit, damaged, checksum mismatch) no field was read."""

    file_name: str
    readable: bool = False
    allocation_id: str | None = None
    checksum: str | None = None
    category: str | None = None
    child_id: str | None = None
    family_contact: bool = False
    fields: dict[str, Any] = field(default_factory=dict)
    """Parsed inputs: see ``toolkit_validate.validate_inputs``."""
    problems: list[Problem] = field(default_factory=list)
    input_refs: dict[str, str] = field(default_factory=dict)
    """Input field -> its cell (e.g. ``completed_on`` -> ``C120``), for later problems."""

    @property
    def ok(self) -> bool:
        return self.readable and not self.problems


def read_toolkit(path: str | Path) -> ToolkitResult:
    path = Path(path)
    result = ToolkitResult(file_name=path.name)
    if not path.is_file():
        result.problems.append(Problem(None, None, "there is no such file"))
        return result
    workbook = _open(path, result)
    if workbook is None:
        return result
    meta = _meta(workbook, result)
    if meta is None:
        return result
    layout = build_layout(meta.spec)
    result.allocation_id = meta.allocation_id
    result.checksum = meta.checksum
    result.category = meta.spec.category
    result.child_id = meta.values.get("child_id")
    result.family_contact = meta.spec.family_contact
    if layout.checksum() != meta.checksum:
        result.problems.append(Problem(
            META_SHEET, "B3", "the template checksum does not match the toolkit's layout: the "
            "file was altered or not written by cfcs-qa, so it cannot be read. Ask for the "
            "issued toolkit again"))
        return result
    result.readable = True
    sheet = workbook[SHEET]
    result.problems.extend(_outside_inputs(sheet, layout, meta))
    result.problems.extend(_other_sheets(workbook))
    result.input_refs = {name: cell.ref for name, cell in layout.inputs.items()}
    raw = {name: sheet[cell.ref].value for name, cell in layout.inputs.items()}
    fields, problems = validate_inputs(raw, layout, meta.spec)
    result.fields = fields
    result.problems.extend(Problem(SHEET, ref, why) for ref, why in problems)
    return result


ODS_PROBLEM = ("saved in LibreOffice's own format (.ods), which cfcs-qa does not read: open it "
               "in LibreOffice, use File > Save As with the file type 'Excel 2007-365 (.xlsx)', "
               "and import the .xlsx file")


def _open(path: Path, result: ToolkitResult) -> Any:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if path.suffix.lower() == ".ods":
        result.problems.append(Problem(None, None, ODS_PROBLEM))
        return None
    try:
        return load_workbook(path, data_only=False)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError, TypeError):
        result.problems.append(Problem(None, None, "not an Excel workbook (.xlsx) that can be "
                                       "opened: not a toolkit"))
        return None


def _meta(workbook: Any, result: ToolkitResult) -> Meta | None:
    if META_SHEET not in workbook.sheetnames or SHEET not in workbook.sheetnames:
        result.problems.append(Problem(None, None, f"not a cfcs-qa toolkit: it has no "
                                       f"'{SHEET}' sheet with its hidden '{META_SHEET}' sheet"))
        return None
    rows = [["" if v is None else str(v) for v in row]
            for row in workbook[META_SHEET].iter_rows(values_only=True)]
    try:
        return parse_meta(rows)
    except ValueError as exc:
        result.problems.append(Problem(META_SHEET, None, f"not a usable toolkit: {exc}"))
        return None


def _expected(layout: Layout, meta: Meta) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for cell in layout.cells:
        if cell.kind == "label":
            out[cell.ref] = safe_cell(cell.text)
        elif cell.kind == "value":
            out[cell.ref] = meta.values.get(cell.field, "")
    return out


def _same(found: Any, wanted: Any) -> bool:
    if isinstance(found, str) and isinstance(wanted, str):
        return found.strip() == wanted.strip()
    return bool(found == wanted)


def _outside_inputs(sheet: Any, layout: Layout, meta: Meta) -> list[Problem]:
    """Every cell that is not an input must hold exactly what the writer put there."""
    from openpyxl.cell.cell import MergedCell

    expected = _expected(layout, meta)
    inputs = {c.ref for c in layout.cells if c.kind == "input"}
    problems: list[Problem] = []
    last_row = max(sheet.max_row, layout.last_row)
    last_col = max(sheet.max_column, 6)
    for row in sheet.iter_rows(min_row=1, max_row=last_row, max_col=last_col):
        for cell in row:
            ref = cell.coordinate
            if ref in inputs or isinstance(cell, MergedCell):
                continue
            value = cell.value
            blank = value is None or (isinstance(value, str) and not value.strip())
            if ref not in expected:
                if not blank:
                    problems.append(Problem(SHEET, ref, "content typed outside the input "
                                            "(yellow) cells is not read: move it into an "
                                            "input cell or delete it"))
            elif not _same(value, expected[ref]):
                problems.append(Problem(SHEET, ref, "this printed cell of the toolkit was "
                                        "changed or cleared: put back the issued text"))
    return problems


def _other_sheets(workbook: Any) -> list[Problem]:
    problems = []
    for ws in workbook.worksheets:
        if ws.title in (SHEET, META_SHEET):
            continue
        filled = [c.coordinate for row in ws.iter_rows() for c in row if c.value is not None]
        if filled:
            problems.append(Problem(ws.title, filled[0], f"this sheet is not part of the "
                                    f"toolkit; its content ({len(filled)} cells) is not read"))
    return problems


def fields_summary(result: ToolkitResult) -> dict[str, Any]:
    """A JSON-ready view of the result (dates as ISO text) for --format json and tests."""
    def plain(v: Any) -> Any:
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    return {"file": result.file_name, "allocation_id": result.allocation_id,
            "readable": result.readable, "fields": plain(result.fields),
            "problems": [p.as_dict() for p in result.problems]}
