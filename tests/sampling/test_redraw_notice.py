"""Toolkit files a new user handles: after ``sample --redraw`` the previous draw's toolkits are
void and the user is told which allocations were withdrawn (so the old files are not sent out or
filled in by mistake); a new toolkit folder is owner-only."""

from __future__ import annotations

import json
from pathlib import Path

AS_OF = "2026-10-30"


def test_redraw_names_the_void_allocations(cli, sqlite_url: str, extract_dir: Path) -> None:  # type: ignore[no-untyped-def]
    base = ["sample", "--data", str(extract_dir), "--as-of", AS_OF, "--db", sqlite_url,
            "--format", "json", "--by", "tester", "--toolkits", "tk"]
    code, out, err = cli(*base, "--seed", "1")
    assert code == 0, err
    first = [a["allocation_id"] for a in json.loads(out)["allocations"]]
    assert "withdrawn" not in json.loads(out)
    code, out, err = cli(*base, "--redraw", "--reason", "wrong extract", "--seed", "2")
    assert code == 0, err
    result = json.loads(out)
    assert result["withdrawn"] == first
    assert f"{first[0]} to {first[-1]}" in err and "void" in err and "Delete" in err


def test_new_toolkit_folder_is_owner_only(cli, sqlite_url: str, extract_dir: Path,  # type: ignore[no-untyped-def]
                                          tmp_path: Path) -> None:
    import stat

    code, _, err = cli("sample", "--data", str(extract_dir), "--as-of", AS_OF, "--db",
                       sqlite_url, "--format", "json", "--toolkits", "new/tk")
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "new" / "tk").stat().st_mode) == 0o700
