"""A completed toolkit opened and saved again by LibreOffice (as a manager without Excel
would) still imports, with the same answers. Runs only where ``soffice`` is installed
(scripts/check_workbooks_libreoffice.py runs the wider checks by hand)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from cfcs_qa.audit.importing import import_toolkits
from cfcs_qa.audit.store import open_store
from cfcs_qa.sampling.toolkit_fill import fill_toolkit
from cfcs_qa.sampling.toolkit_reader import read_toolkit

from .conftest import make_allocation, seed_allocation

SOFFICE = shutil.which("soffice")
CONCERN = {"grade": "Inadequate", "concern.found": "Yes", "concern.identified_on":
           date(2026, 11, 10), "concern.told": "S002", "concern.told_on": date(2026, 11, 11),
           "action.1.what": "See the child alone this week.", "action.1.owner": "S001",
           "action.1.due": date(2026, 11, 30), "completed_on": date(2026, 11, 18)}


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_toolkit_saved_by_libreoffice_imports_the_same(
        write: Callable[..., tuple[Path, str]], sqlite_url: str, tmp_path: Path) -> None:
    over = {"category": "cp", "family_contact": True}
    path, checksum = write(**over)
    seed_allocation(sqlite_url, make_allocation(**over), checksum)
    fill_toolkit(path, CONCERN, seed=11)
    saved = tmp_path / "saved"
    done = subprocess.run(
        [str(SOFFICE), "--headless", "--norestore",
         f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
         "--convert-to", "xlsx", "--outdir", str(saved), str(path)],
        capture_output=True, text=True, timeout=120, check=False)
    again = saved / path.name
    assert again.is_file(), done.stdout + done.stderr
    before, after = read_toolkit(path), read_toolkit(again)
    assert before.ok and after.ok, [str(p) for p in after.problems]
    assert after.fields == before.fields and after.checksum == checksum
    with open_store(sqlite_url, create=False) as store:
        [out] = [o.as_dict() for o in import_toolkits(store, [again], as_of=date(2026, 11, 26),
                                                      by="tester")]
    assert out["status"] == "stored" and out["problems"] == []
    assert out["grade"] == "inadequate" and out["escalation"] is True
