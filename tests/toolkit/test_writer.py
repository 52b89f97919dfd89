"""A written toolkit: protection, drop-downs, print setup, unlocked input cells only, the
hidden _meta sheet, the checksum, safe cells and owner-only files."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from cfcs_qa.sampling.standards import Standard, load_guide
from cfcs_qa.sampling.toolkit_layout import META_SHEET, SHEET, build_layout
from cfcs_qa.sampling.toolkit_writer import template_spec

from .conftest import make_allocation

Write = Callable[..., tuple[Path, str]]


def _layout(standards: list[Standard], category: str = "cin", family: bool = False,
            synthetic: bool = False) -> Any:
    spec = template_spec(category, standards, load_guide(), family_contact=family,
                         synthetic=synthetic)
    return build_layout(spec)


def _validated_cells(ws: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = range_boundaries(str(rng))
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    out[ws.cell(r, c).coordinate] = dv.type
    return out


def test_protection_and_only_input_cells_unlocked(write: Write,
                                                  standards: list[Standard]) -> None:
    path, _ = write(family_contact=True)
    wb = load_workbook(path)
    ws = wb[SHEET]
    layout = _layout(standards, family=True)
    inputs = {c.ref for c in layout.cells if c.kind == "input"}
    for c in layout.cells:  # a merged input cell covers its neighbours too
        if c.kind == "input" and c.merge_to:
            inputs.add(c.merge_to)
    assert ws.protection.sheet is True
    assert wb.security.lockStructure is True
    unlocked = {c.coordinate for row in ws.iter_rows(max_row=layout.last_row + 5, max_col=8)
                for c in row if c.protection.locked is False}
    assert unlocked == inputs
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert wb[META_SHEET].protection.sheet is True


def test_every_choice_cell_has_a_drop_down(write: Write, standards: list[Standard]) -> None:
    path, _ = write(category="cp", family_contact=True)
    ws = load_workbook(path)[SHEET]
    layout = _layout(standards, "cp", family=True)
    validated = _validated_cells(ws)
    for cell in layout.cells:
        if cell.input == "choice":
            assert validated.get(cell.ref) == "list", cell.field
        elif cell.input == "date":
            assert validated.get(cell.ref) == "date", cell.field
    score = next(c for c in layout.cells if c.field == "standard.2.10.score")
    dv = next(d for d in ws.data_validations.dataValidation if score.ref in d.sqref)
    assert dv.formula1 == '"Met,Partly met,Not met,Not evidenced,Not applicable"'
    assert dv.showErrorMessage


def test_date_cells_read_day_first_and_show_the_month(write: Write,
                                                      standards: list[Standard]) -> None:
    """LibreOffice reads what is typed by the language of the cell's format: without the
    en-GB tag an en-US install keeps 19/11/2026 as text (then refused by the date check) and
    reads 05/01/2027 as 1 May; a spelt-out month makes such a slip visible."""
    from openpyxl.styles.numbers import is_date_format

    path, _ = write(family_contact=True)
    ws = load_workbook(path)[SHEET]
    dates = [c.ref for c in _layout(standards, family=True).cells if c.input == "date"]
    assert len(dates) > 10
    for ref in dates:
        fmt = ws[ref].number_format
        assert is_date_format(fmt) and fmt.startswith("[$-809]") and "mmm" in fmt, ref


def test_print_setup(write: Write, standards: list[Standard]) -> None:
    path, _ = write()
    ws = load_workbook(path)[SHEET]
    last = _layout(standards).last_row
    assert ws.print_area == f"'{SHEET}'!$A$1:$F${last}"
    assert ws.print_title_rows == "$1:$3"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.row_breaks.brk  # page 1 stands alone


def test_page_one_header_and_meta(write: Write) -> None:
    path, checksum = write(category="cic", placement="foster care (in Guernsey)")
    wb = load_workbook(path)
    ws = wb[SHEET]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "raise it NOW with the case manager" in text
    assert "Thu 19 Nov 2026" in text and "Day 21" not in text
    assert "2026-11-001" in text and "C0001" in text and "foster care (in Guernsey)" in text
    assert "4.22" in text and "5.8" in text and "1.10" not in text
    assert "Indicators of a \"good\" grade" in text
    assert "Requires improvement to be good" not in text  # only in the drop-down
    assert "Contact with the family" not in text  # not flagged
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta["allocation_id"] == "2026-11-001" and meta["checksum"] == checksum
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_checksum_is_the_templates_not_the_files(write: Write, standards: list[Standard],
                                                 tmp_path: Path) -> None:
    _, a = write(allocation_id="2026-11-001", child_id="C1")
    _, b = write(allocation_id="2026-11-002", child_id="C2", team="Team B")
    _, c = write(allocation_id="2026-11-003", category="cp")
    _, d = write(allocation_id="2026-11-004", family_contact=True)
    assert a == b == _layout(standards).checksum()
    assert len({a, c, d}) == 3
    edited = [s.model_copy(update={"text": s.text + " (edited)"}) if s.id == "1.10" else s
              for s in standards]
    assert _layout(edited).checksum() != a


def test_header_values_are_safe_cells(write: Write) -> None:
    path, _ = write(team="=HYPERLINK(\"http://x\")", worker_id="+S001")
    ws = load_workbook(path)[SHEET]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://x\")" in values and "'+S001" in values
    assert not [v for v in values if v.startswith(("=", "+"))]


def test_synthetic_banner(write: Write, standards: list[Standard], tmp_path: Path) -> None:
    from cfcs_qa.sampling.toolkit_writer import write_toolkit

    path = tmp_path / "s.xlsx"
    write_toolkit(path, make_allocation(), standards, synthetic=True)
    ws = load_workbook(path)[SHEET]
    assert str(ws["A3"].value).startswith("SYNTHETIC SAMPLE DATA")
    assert "SYNTHETIC" in ws.oddHeader.center.text


def test_missing_allocation_key(standards: list[Standard], tmp_path: Path) -> None:
    from cfcs_qa.sampling.toolkit_writer import write_toolkit

    alloc = make_allocation()
    del alloc["due_date"]
    with pytest.raises(ValueError, match="due_date"):
        write_toolkit(tmp_path / "x.xlsx", alloc, standards)
    assert not list(tmp_path.iterdir())
