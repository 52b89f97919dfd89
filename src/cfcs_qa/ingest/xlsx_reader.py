"""Reading sheets of one workbook with calamine (much faster than openpyxl).

Cells become text the same way a CSV would hold them, so one validation serves both: real
date cells become ISO dates (``2026-10-31``, time kept for the parser to drop), whole numbers
lose Excel's ``.0``, booleans become ``TRUE``/``FALSE``. Row numbers are sheet rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..errors import DataError
from .raw import Header, RawTable


def open_workbook(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for bad files
        raise DataError(
            f"{path} cannot be read as an Excel workbook ({type(exc).__name__}). Save it "
            "again from Excel as .xlsx, or give a folder of CSV files as --data."
        ) from None


def cell_text(value: Any) -> str:
    """A cell as the text a CSV export would hold."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Sheet:
    """One sheet opened for reading: the header first, then the columns asked for."""

    def __init__(self, workbook: Any, name: str, path: Path, header_rows: int) -> None:
        self.name = name
        try:
            self._cells: list[list[Any]] = workbook.get_sheet_by_name(name).to_python(
                skip_empty_area=False
            )
        except Exception as exc:  # noqa: BLE001
            raise DataError(
                f"Sheet {name!r} of {path} cannot be read ({type(exc).__name__}). Save the "
                "workbook again from Excel and run again."
            ) from None
        self.header: Header | None = None
        self._first = 0
        index = header_rows
        while index < len(self._cells) and all(_blank(v) for v in self._cells[index]):
            index += 1
        self.empty = index >= len(self._cells)
        if not self.empty:
            cells = [cell_text(v).strip() for v in self._cells[index]]
            while cells and not cells[-1]:
                cells.pop()
            self.header = Header(cells=cells, row=index + 1)
            self._first = index + 1

    def read(self, positions: list[int], coded: Collection[int] = ()) -> RawTable:
        """The columns at ``positions``, as plain text (``coded`` is for the CSV reader)."""
        assert self.header is not None
        width = len(self.header.cells)
        rows: list[int] = []
        records: list[list[Any]] = []
        malformed: list[tuple[int, int]] = []
        for offset, record in enumerate(self._cells[self._first :]):
            row = self._first + offset + 1
            size = len(record)
            if record.count("") + record.count(None) == size:
                continue  # an empty row is not a record
            if size > width and record[width:].count("") + record[width:].count(None) != (
                size - width
            ):
                last = max(i for i, v in enumerate(record) if not _blank(v))
                malformed.append((row, last + 1))
                continue
            rows.append(row)
            records.append(record)
        columns = {p: _texts([r[p] if p < len(r) else "" for r in records]) for p in positions}
        self._cells = []  # the sheet is read once; free it
        return RawTable(
            columns=columns, rows=np.array(rows, dtype=np.int64), expected_fields=width,
            malformed=malformed,
        )


def _texts(cells: list[Any]) -> pa.Array:
    """A column of cells as text; a column of text cells goes straight to pyarrow."""
    if set(map(type, cells)) <= {str}:
        return pa.array(cells, type=pa.string())
    return pa.array([v if type(v) is str else cell_text(v) for v in cells], type=pa.string())
