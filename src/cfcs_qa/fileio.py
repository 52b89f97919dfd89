"""Writing files safely: atomically, owner-only when they hold case-level data, and with
spreadsheet cells protected against formula injection."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

PRIVATE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def safe_cell(value: Any) -> Any:
    """A value safe to put in an Excel or CSV cell: text that a spreadsheet would read as a
    formula (starting = + - @, tab or CR) is prefixed with an apostrophe. Numbers, dates and
    booleans pass through; negative numbers are numbers, not text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, private: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename.

    ``private``: the file is created owner-only (0600) and stays so. Case-level outputs must
    use the default.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, PRIVATE_MODE if private else 0o644)
        yield tmp_path
        os.chmod(tmp_path, PRIVATE_MODE if private else 0o644)
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def write_bytes(path: str | os.PathLike[str], data: bytes, *, private: bool = True) -> Path:
    with atomic_path(path, private=private) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str, *, private: bool = True) -> Path:
    return write_bytes(path, text.encode("utf-8"), private=private)


def write_with(
    path: str | os.PathLike[str], writer: Callable[[IO[Any]], None], *, private: bool = True,
    binary: bool = False,
) -> Path:
    """Call ``writer(fileobj)`` on a temporary file, then rename it into place."""
    with atomic_path(path, private=private) as tmp:
        mode = "wb" if binary else "w"
        kwargs: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
        with open(tmp, mode, **kwargs) as fh:
            writer(fh)
    return Path(path)


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Create a folder for case-level files, owner-only. An existing folder is left as the
    user made it (we never change the permissions of a folder we did not create)."""
    p = Path(path)
    if not p.exists():
        p.mkdir(parents=True, mode=PRIVATE_DIR_MODE)
        os.chmod(p, PRIVATE_DIR_MODE)
    return p
