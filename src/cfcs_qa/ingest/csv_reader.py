"""Reading one CSV file fast, with the line each record starts on.

pyarrow parses; a numpy scan of the bytes finds where each record starts (newlines inside
quotes do not end a record, but they do count as lines). When the two disagree (stray quotes
inside unquoted fields, old Mac line endings) the file is parsed again with Python's csv
module, which is slower but exact. Files are UTF-8 (with or without BOM), Windows-1252, or
UTF-16 (Excel's "Unicode text", some MOSAIC exports), which is turned into UTF-8 first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..errors import DataError
from .file_bytes import byte_positions, newlines, read_bytes
from .file_bytes import utf16_without_bom as utf16_without_bom  # re-exported
from .raw import Header, RawTable

BLOCK_SIZE = 16 << 20
"""pyarrow parses in blocks of this size: large blocks mean fewer chunks to join."""
CODED = pa.dictionary(pa.int32(), pa.string())
SAMPLE = 1 << 18
"""Bytes of a large file's body looked at to decide which coded columns repeat."""
REPEATS = 0.5
"""A coded column is read dictionary-encoded when its sample has at most this many distinct
values per record (dates, flags, codes: yes; date-times, nearly all different: no)."""


class CsvFile:
    """A CSV file opened for reading: the header first, then the columns asked for."""

    def __init__(self, path: Path, header_rows: int) -> None:
        self.path = path
        self._data = read_bytes(path)
        self.empty = not self._data or self._data.isspace()
        self.header: Header | None = None
        self._body_start = 0
        self._body_line = 2
        self._lines: np.ndarray | None = None  # start line of each data record (non-empty)
        self._quoted_newlines = False
        self._simple = False
        if not self.empty:
            self._find_header(header_rows)

    # -- locating records -------------------------------------------------------------
    def _find_header(self, header_rows: int) -> None:
        data = self._data
        if b'"' not in data:
            self._find_header_simple(header_rows)
            return
        self._find_header_scanned(header_rows)

    def _find_header_scanned(self, header_rows: int) -> None:
        data = self._data
        starts, lines, ends, empty, self._quoted_newlines = _records(data)
        index = header_rows
        while index < len(starts) and (empty[index] or data[starts[index]:ends[index]].isspace()):
            index += 1
        if index >= len(starts):
            self.empty = True
            return
        self._set_header(data[starts[index]:ends[index]], int(lines[index]))
        self._body_start = min(int(ends[index]) + 1, len(data))
        self._body_line = int(lines[index]) + data.count(b"\n", starts[index], ends[index]) + 1
        body = ~empty[index + 1 :]
        self._lines = lines[index + 1 :][body]

    def _find_header_simple(self, header_rows: int) -> None:
        """No quotes: every non-empty line is one record. Lines are first assumed all
        non-empty (no scan); ``read`` rescans when pyarrow skipped empty lines."""
        self._simple = True
        data = self._data
        start, line, skipped = 0, 1, 0
        while start < len(data):
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            if skipped >= header_rows and not data[start:end].isspace() and end > start:
                self._set_header(data[start:end], line)
                self._body_start = min(end + 1, len(data))
                self._body_line = line + 1
                tail = len(data) > self._body_start and not data.endswith(b"\n")
                count = newlines(data, self._body_start) + int(tail)
                self._lines = np.arange(line + 1, line + 1 + count, dtype=np.int64)
                return
            skipped += 1
            start, line = end + 1, line + 1
        self.empty = True

    def _set_header(self, record: bytes, line: int) -> None:
        text = record.decode("utf-8").rstrip("\r")
        cells = next(csv.reader(io.StringIO(text, newline="")), [])
        if "\t" in text and text.count("\t") >= len(cells):  # more tabs than commas
            raise DataError(
                f"{self.path} is tab-separated (as Excel's 'Unicode Text' saves it); cfcs-qa "
                "reads comma-separated files only. In Excel, use Save As 'CSV UTF-8 (Comma "
                "delimited)' and run again."
            )
        self.header = Header(cells=cells, row=line)

    # -- reading ----------------------------------------------------------------------
    def read(self, positions: list[int], coded: Collection[int] = ()) -> RawTable:
        """The columns at ``positions``; those in ``coded`` (columns of few distinct values)
        may come back dictionary-encoded, which pyarrow's reader does on every core."""
        assert self.header is not None and self._lines is not None
        width = len(self.header.cells)
        try:
            table = self._read_arrow(positions, width, self._repetitive(coded, width))
        except pa.ArrowInvalid:
            table = None
        if table is None:
            return self._read_python(positions, width)
        return table

    def _repetitive(self, coded: Collection[int], width: int) -> set[int]:
        """The ``coded`` positions worth reading dictionary-encoded. A small file: all of
        them. A large one: those whose first ``SAMPLE`` bytes of records repeat values."""
        wanted = {p for p in coded if p < width}
        body = len(self._data) - self._body_start
        if not wanted or body <= 4 * SAMPLE:
            return wanted
        head = self._data[self._body_start:self._body_start + SAMPLE]
        head = head[:head.rfind(b"\n") + 1]
        names = [f"f{i}" for i in range(width)]
        try:
            sample = pacsv.read_csv(
                pa.py_buffer(head),
                read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=self._quoted_newlines,
                    invalid_row_handler=lambda _row: "skip",
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={names[p]: pa.string() for p in wanted},
                    include_columns=[names[p] for p in sorted(wanted)],
                ),
            )
        except pa.ArrowInvalid:
            return wanted  # a cut inside quotes: keep them all coded (right, maybe slower)
        if sample.num_rows == 0:
            return wanted
        return {p for p in wanted
                if pc.count_distinct(sample.column(names[p])).as_py()
                <= REPEATS * sample.num_rows}

    def _read_arrow(self, positions: list[int], width: int, coded: set[int]) -> RawTable | None:
        assert self._lines is not None
        names = [f"f{i}" for i in range(width)]
        invalid: list[tuple[int, int]] = []
        blank_invalid: list[int] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            if not row.text.strip():
                blank_invalid.append(row.number)  # a line of spaces: not a record
            else:
                invalid.append((row.number, row.actual_columns))
            return "skip"

        def parse(threads: bool) -> pa.Table:
            return pacsv.read_csv(
                pa.py_buffer(self._data)[self._body_start :],
                read_options=pacsv.ReadOptions(
                    column_names=names, use_threads=threads, block_size=BLOCK_SIZE
                ),
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=self._quoted_newlines, invalid_row_handler=on_invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: CODED if i in coded else pa.string()
                                  for i, n in enumerate(names)},
                    include_columns=[names[p] for p in positions],
                    # an empty cell is null from the start, so a coded column's indices
                    # need no remapping of an empty value (one take a column); "NA", "NULL"
                    # and the like stay text, and the checks report them
                    null_values=[""],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=False,
                    check_utf8=False,  # read_bytes has made sure the bytes are UTF-8
                ),
            )

        table = parse(threads=True)
        if invalid or blank_invalid:  # row numbers are only known single-threaded
            invalid.clear()
            blank_invalid.clear()
            table = parse(threads=False)
        records = table.num_rows + len(invalid) + len(blank_invalid)
        if records != len(self._lines) and self._simple:
            self._lines = self._scanned_lines()  # there were empty lines: find them
        lines = self._lines
        if records != len(lines):
            return None  # pyarrow and the line scan disagree: use the exact, slower path
        if invalid or blank_invalid:
            skipped = np.array([n for n, _ in invalid] + blank_invalid, dtype=np.int64) - 1
            keep = np.ones(len(lines), dtype=bool)
            keep[skipped] = False
            rows = lines[keep]
        else:
            rows = lines
        # each column joined into one array while the table's other chunks wait, then its
        # chunks let go: at most one column is held twice (pyarrow gives a chunk per block)
        chunked = {p: table.column(names[p]) for p in positions}
        del table
        columns = {p: _one_array(chunked.pop(p)) for p in positions}
        malformed = [(int(lines[n - 1]), actual) for n, actual in invalid]
        return RawTable(columns=columns, rows=rows, expected_fields=width, malformed=malformed)

    def _scanned_lines(self) -> np.ndarray:
        starts, lines, _ends, empty, _quoted = _records(self._data)
        body = (starts >= self._body_start) & ~empty
        return lines[body]

    def _read_python(self, positions: list[int], width: int) -> RawTable:
        assert self.header is not None
        text = self._data[self._body_start :].decode("utf-8")
        reader = csv.reader(io.StringIO(text, newline=""))
        first_line = self._body_line
        values: list[list[str]] = [[] for _ in positions]
        rows: list[int] = []
        malformed: list[tuple[int, int]] = []
        line = first_line
        try:
            for record in reader:
                start = line
                line = first_line + reader.line_num
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue
                if len(record) != width:
                    malformed.append((start, len(record)))
                    continue
                rows.append(start)
                for out, p in zip(values, positions, strict=True):
                    out.append(record[p])
        except csv.Error as exc:
            raise DataError(
                f"{self.path} cannot be read as CSV ({exc}). Check the quoting near the end of "
                "the file, or export the report again."
            ) from None
        columns = {p: pa.array(v, type=pa.string()) for p, v in zip(positions, values, strict=True)}
        return RawTable(
            columns=columns, rows=np.array(rows, dtype=np.int64), expected_fields=width,
            malformed=malformed,
        )


def _one_array(column: pa.ChunkedArray) -> pa.Array:
    """The column as one array: a single chunk as it is (``combine_chunks`` would copy it)."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _records(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """Byte start, line, byte end (exclusive) and emptiness of every record; and whether any
    newline sits inside quotes. A newline inside quotes does not end a record."""
    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = byte_positions(buf, 10)
    quoted = False
    if b'"' in data:
        quotes = byte_positions(buf, 34)
        inside = (np.searchsorted(quotes, newlines) % 2).astype(bool)
        quoted = bool(inside.any())
        enders = np.flatnonzero(~inside)
    else:
        enders = np.arange(len(newlines))
    starts = np.concatenate(([0], newlines[enders] + 1)).astype(np.int64)
    lines = np.concatenate(([1], enders + 2)).astype(np.int64)
    ends = np.concatenate((newlines[enders], [len(data)])).astype(np.int64)
    length = ends - starts
    last = np.clip(ends - 1, 0, max(len(data) - 1, 0))
    length = length - ((length > 0) & (buf[last] == 13))
    empty = length <= 0
    return starts, lines, ends, empty, quoted
