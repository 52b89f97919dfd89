"""Writing files safely: atomically, owner-only when they hold case-level data, and with
spreadsheet cells protected against formula injection."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import UserError

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


class FileWriteError(UserError, OSError):
    """A file or folder cfcs-qa was asked to write cannot be written (read-only or missing
    folder, no permission, disk full). A ``UserError`` (one paragraph, exit 2) that is still
    an ``OSError``, so callers that add their own wording keep working."""


def _cannot_write(target: Path, exc: OSError) -> FileWriteError:
    blocker = next((p for p in (target, *target.parents) if p.exists()), None)
    if blocker is not None and blocker != target and not blocker.is_dir():
        why = f"{blocker} is a file, not a folder"
    else:
        why = exc.strerror or str(exc)
    err = FileWriteError(
        f"Could not write {target}: {why}. Choose a folder you can write to (check the path "
        "and its permissions) and run again; nothing was written."
    )
    err.strerror = why  # callers that word their own message use the short reason
    return err


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, private: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename.

    ``private``: the file is created owner-only (0600) and stays so. Case-level outputs must
    use the default.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, PRIVATE_MODE if private else 0o644)
        yield tmp_path
        os.chmod(tmp_path, PRIVATE_MODE if private else 0o644)
        try:
            os.replace(tmp_path, target)
        except OSError as exc:  # e.g. the target is a folder, or a file we may not replace
            raise _cannot_write(target, exc) from exc
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


def ensure_dir(path: str | os.PathLike[str]) -> Path:
    """Create a folder (and its parents) for files that hold no case data; a folder that
    cannot be made is a ``FileWriteError`` naming it."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise FileWriteError(
            f"Could not write into {p}: it is a file, not a folder. Give a folder (new or "
            "existing) and run again; nothing was written."
        )
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(p, exc) from exc
    return p


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Create a folder for case-level files, owner-only. An existing folder is left as the
    user made it (we never change the permissions of a folder we did not create)."""
    p = Path(path)
    if not p.exists():
        try:
            p.mkdir(parents=True, mode=PRIVATE_DIR_MODE)
            os.chmod(p, PRIVATE_DIR_MODE)
        except OSError as exc:
            raise _cannot_write(p, exc) from exc
    elif not p.is_dir():
        raise FileWriteError(
            f"Could not write into {p}: it is a file, not a folder. Give a folder (new or "
            "existing) and run again; nothing was written."
        )
    return p
