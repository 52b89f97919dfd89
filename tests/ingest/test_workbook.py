"""One .xlsx workbook, a sheet per table: real date cells, sheet rows, title rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from cfcs_qa.config import Settings, parse_settings
from cfcs_qa.errors import DataError
from cfcs_qa.ingest import load

AS_OF = dt.date(2026, 11, 26)


def workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    kids = wb.active
    kids.title = "Children"
    kids.append(["Child ID", "Date of Birth", "Disability", "Forename"])
    kids.append(["C1", dt.date(2010, 2, 1), True, "Zebedee"])
    kids.append([123.0, dt.datetime(2011, 3, 4, 14, 5), 0, "Ermintrude"])
    kids.append(["C3", 46326, "maybe", "Dougal"])        # a number in a date column
    kids.append([None, None, None, None])                 # blank row: not a record
    kids.append(["C4", "31/10/2020", None, None])         # text date in a workbook
    contacts = wb.create_sheet("MASH report")
    contacts.append(["MASH contacts"])
    contacts.append([])
    contacts.append(["contact_id", "child_id", "received_date"])
    contacts.append(["K1", "C1", dt.date(2026, 1, 5)])
    contacts.append(["K2", "C1", dt.date(2027, 1, 5)])
    contacts.append(["K3", "C1", dt.date(2026, 1, 6), "extra"])
    wb.save(path)
    return path


def test_workbook_with_real_dates(tmp_path: Path) -> None:
    site = parse_settings("tables:\n  contacts: MASH report\nheader_rows:\n  contacts: 2\n", "x")
    r = load(workbook(tmp_path / "extract.xlsx"), site, AS_OF)
    kids = r.get("children")
    assert list(kids["child_id"]) == ["C1", "123", "C4"]
    assert [d.date() for d in kids["date_of_birth"]] == [dt.date(2010, 2, 1),
                                                        dt.date(2011, 3, 4), dt.date(2020, 10, 31)]
    assert list(kids["disability"].astype(object).fillna("?")) == [True, False, "?"]
    assert list(kids["_row"]) == [2, 3, 6]
    found = [(f.code, f.table, f.row, f.column, f.value) for f in r.findings]
    assert found == [
        ("unknown-column", "children", 1, None, None),
        ("invalid-date", "children", 4, "date_of_birth", "46326"),
        ("invalid-boolean", "children", 4, "disability", "maybe"),
        ("future-date", "contacts", 5, "received_date", "2027-01-05"),
        ("malformed-row", "contacts", 6, None, "4 fields, expected 3"),
    ]
    assert r.reports["contacts"].source == "MASH report"
    assert list(r.get("contacts")["_row"]) == [4]
    assert "Zebedee" not in repr(r.findings) + repr(r.tables)


def test_unreadable_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "extract.xlsx"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(DataError, match=r"extract\.xlsx cannot be read as an Excel workbook"):
        load(bad, Settings(), AS_OF)


def test_workbook_without_children(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "contacts"
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(DataError, match="has no children table"):
        load(tmp_path / "x.xlsx", Settings(), AS_OF)
