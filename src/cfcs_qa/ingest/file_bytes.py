"""A text file's bytes as UTF-8, whatever the export wrote: UTF-8 with or without BOM,
Windows-1252, or UTF-16 (Excel's "Unicode text", some MOSAIC exports); and a fast count of
its lines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import DataError

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_SNIFF = 4096
"""Bytes looked at to recognise UTF-16 written without a BOM."""


STEP = 1 << 24
"""Bytes compared at a time when scanning a file: 16 MiB, written into one reused array. A
fresh array per slice, or one the size of the file, is memory the kernel must clear first
(that made counting lines several times slower in a real load than alone). Slices much
smaller are as quick alone but not beside a thread running Python: after each numpy call a
scanning thread waits for the GIL, up to the 5 ms switch interval, so a 120 MB file in 256 KiB
slices took 5 s to scan beside a busy thread, and 0.3 s in 16 MiB slices (0.1 s alone either
way). The largest file is scanned while the command still imports (see ``early_read``)."""


def _hits(view: np.ndarray, byte: int, start: int,
          step: int) -> Iterator[tuple[int, np.ndarray]]:
    """(offset, where the slice equals ``byte``) for each slice of ``view`` from ``start``:
    one reused array, so the result of each comparison stays in the CPU's cache."""
    hits = np.empty(min(step, max(len(view) - start, 0)), dtype=bool)
    for i in range(start, len(view), step):
        part = view[i:i + step]
        found = hits[:len(part)]
        np.equal(part, byte, out=found)
        yield i, found


def newlines(data: bytes, start: int = 0, step: int = STEP) -> int:
    """``data.count(b"\\n", start)`` by numpy, a slice at a time (about twice as fast on a
    large file, and numpy's comparison lets the other reading thread run)."""
    view = np.frombuffer(data, dtype=np.uint8)
    return sum(int(np.count_nonzero(found)) for _i, found in _hits(view, 10, start, step))


def byte_positions(view: np.ndarray, byte: int, step: int = STEP) -> np.ndarray:
    """``np.flatnonzero(view == byte)`` (int64), a slice at a time (see ``STEP``)."""
    parts = [np.zeros(0, dtype=np.int64)]
    parts += [np.flatnonzero(found) + i for i, found in _hits(view, byte, 0, step)]
    return np.concatenate(parts)


def read_bytes(path: Path) -> bytes:
    """The file as UTF-8 bytes (BOM removed); DataError when it is not a text file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"Could not read {path}: {exc.strerror or exc}.") from None
    marked = True  # a byte-order mark says what the text is
    if data.startswith(_BOM):
        data = data[3:]
    elif data[:2] in _UTF16_BOMS:
        data = _from_utf16(path, data[2:], _UTF16_BOMS[data[:2]])
    else:
        marked = False
    binary, ascii_only = nul_and_ascii(data)
    if binary and not marked and (order := utf16_without_bom(data)) is not None:
        data = _from_utf16(path, data, order)
        binary, ascii_only = nul_and_ascii(data)
    if binary:
        hint = " It looks like an Excel workbook renamed .csv;" if data[:2] == b"PK" else ""
        raise DataError(
            f"{path} is not a CSV file (it holds binary data).{hint} Export the report as "
            "CSV (UTF-8 or Windows-1252), or give the .xlsx workbook itself as --data."
        )
    if b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")  # old Mac line endings (still ASCII if it was)
    if ascii_only:
        return data
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        raise DataError(
            f"{path} is neither UTF-8 nor Windows-1252 text. Save it again as 'CSV UTF-8' "
            "and run again."
        ) from None


def nul_and_ascii(data: bytes) -> tuple[bool, bool]:
    """Whether the bytes hold a NUL, and whether they are all ASCII: ``b"\\x00" in data`` and
    ``data.isascii()``, by numpy's least and greatest byte, which let the other threads run
    (the two ``bytes`` scans hold the GIL: about 0.1 s for the benchmark extract, beside the
    other reading thread and the main thread's imports)."""
    if not data:
        return False, True
    view = np.frombuffer(data, dtype=np.uint8)
    return int(view.min()) == 0, int(view.max()) < 0x80


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the first few KB are unmistakably UTF-16 text with no BOM:
    nearly every byte on one side of each pair is NUL and almost none on the other (text in
    Latin scripts). Anything less clear (a workbook, a zip, a database file) is None."""
    head = np.frombuffer(data[: min(len(data), _SNIFF) & ~1], dtype=np.uint8)
    if len(head) < 4:
        return None
    even = np.count_nonzero(head[0::2] == 0) / (len(head) // 2)
    odd = np.count_nonzero(head[1::2] == 0) / (len(head) // 2)
    if odd >= 0.95 and even <= 0.01:
        return "utf-16-le"
    if even >= 0.95 and odd <= 0.01:
        return "utf-16-be"
    return None


def _from_utf16(path: Path, data: bytes, codec: str) -> bytes:
    try:
        return data.decode(codec).encode("utf-8")
    except UnicodeError:
        raise DataError(
            f"{path} starts like UTF-16 text but is not valid UTF-16. Save it again as "
            "'CSV UTF-8 (Comma delimited)' and run again."
        ) from None
