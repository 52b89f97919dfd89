"""``audits import FOLDER``: the workbooks in it, without Excel's ~$ lock files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfcs_qa.cli.audits_import import expand_folders
from cfcs_qa.errors import UserError


def test_folder_expands_to_its_workbooks(tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    for name in ("2026-12-002.xlsx", "2026-12-001.XLSX", "~$2026-12-001.xlsx", ".hidden.xlsx",
                 "notes.txt"):
        (folder / name).write_bytes(b"x")
    (folder / "sub.xlsx").mkdir()
    single = tmp_path / "2026-12-009.xlsx"
    assert expand_folders([folder, single]) == [
        folder / "2026-12-001.XLSX", folder / "2026-12-002.xlsx", single]


def test_empty_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="holds no .xlsx toolkits"):
        expand_folders([tmp_path])
