"""Outputs that cannot be written (read-only folder, a file where a folder should be, a folder
where a file should be) are one paragraph and exit 2, never an internal error or traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from cfcs_qa.errors import UserError
from cfcs_qa.fileio import FileWriteError, atomic_path, ensure_dir, private_dir, write_text

from .conftest import one_paragraph_error

AS_OF = "2026-11-20"


def _read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new file fails as on a read-only file system (root ignores chmod, so patch)."""
    def refuse(*_a: object, **_k: object) -> None:
        raise OSError(30, "Read-only file system")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)


def test_parent_is_a_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(FileWriteError) as info:
        write_text(tmp_path / "afile" / "k.csv", "a")
    assert isinstance(info.value, UserError) and isinstance(info.value, OSError)
    assert "afile is a file, not a folder" in info.value.message
    assert info.value.strerror.endswith("is a file, not a folder")


def test_target_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match="Is a directory"):
        write_text(tmp_path, "a")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no debris


def test_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _read_only(monkeypatch)
    with pytest.raises(FileWriteError, match="Read-only file system"):
        with atomic_path(tmp_path / "x.json"):
            pass


def test_dirs(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    for make in (ensure_dir, private_dir):
        with pytest.raises(FileWriteError, match="a file, not a folder"):
            make(tmp_path / "f")
        with pytest.raises(FileWriteError, match="is a file, not a folder"):
            make(tmp_path / "f" / "sub")
    assert ensure_dir(tmp_path / "a" / "b").is_dir()


@pytest.mark.parametrize("args", [
    ["calendar", "--as-of", AS_OF, "--format", "ics", "--output", "ro/c.ics"],
    ["explain", "1", "--as-of", AS_OF, "--output", "ro/e.json"],
    ["validate", "--as-of", AS_OF, "--format", "xlsx", "--output", "ro/v.xlsx"],
    ["sample-data", "--children", "60", "--months", "3", "--output-dir", "ro/sd"],
])
def test_commands_on_read_only_folder(args: list[str], trial_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _read_only(monkeypatch)
    code, _, err = trial_cli(*args)
    assert code == 2
    line = one_paragraph_error(err)
    assert "Read-only file system" in line and "internal error" not in line


def test_output_under_a_file(trial_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "afile").write_text("x")
    code, _, err = trial_cli("calendar", "--as-of", AS_OF, "--format", "json",
                             "--output", "afile/c.json")
    assert code == 2
    assert "afile is a file, not a folder" in one_paragraph_error(err)


def test_sqlite_store_in_read_only_folder(trial_cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    real_open = os.open

    def refuse(path, flags, *a):  # type: ignore[no-untyped-def]
        if str(path).endswith("store.db"):
            raise OSError(30, "Read-only file system", str(path))
        return real_open(path, flags, *a)

    monkeypatch.setattr(os, "open", refuse)
    code, _, err = trial_cli("sample", "--as-of", AS_OF, "--db",
                             f"sqlite:///{tmp_path / 'store.db'}", "--toolkits", "tk")
    assert code == 2
    line = one_paragraph_error(err)
    assert "Cannot create the audit store" in line and "Read-only file system" in line


def test_unexpected_os_error_names_the_file(trial_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The last line of defence: an OSError with a file name is a user's problem."""

    def boom(*_a: object, **_k: object) -> None:
        raise PermissionError(13, "Permission denied", "/some/where.ics")

    import cfcs_qa.fileio as fileio
    monkeypatch.setattr(fileio, "write_bytes", boom)
    monkeypatch.setattr(fileio, "write_text", boom)
    code, _, err = trial_cli("calendar", "--as-of", AS_OF, "--format", "ics",
                             "--output", "c.ics")
    assert code == 2
    line = one_paragraph_error(err)
    assert "/some/where.ics" in line and "Permission denied" in line
