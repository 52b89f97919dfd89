"""Review commands a new user trips on: the message says what, where and how to fix."""

from __future__ import annotations

import json
from pathlib import Path

from tests.audit_review.conftest import STAFF_ROWS, build_october

from .conftest import one_paragraph_error


def _extract(folder: Path) -> Path:
    folder.mkdir()
    (folder / "children.csv").write_text("child_id,date_of_birth\nC001,2015-01-01\n")
    lines = ["staff_id,role,team,active,email,display_name"]
    lines += [f"{sid},{role},{team},,{sid.lower()}@example.gg,Person {sid}"
              for sid, role, team in STAFF_ROWS]
    (folder / "staff.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_acknowledge_before_identified_says_how_to_fix(trial_cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       sqlite_url: str) -> None:
    build_october(sqlite_url)
    data = str(_extract(tmp_path / "extract"))
    common = ["--db", sqlite_url, "--data", data, "--format", "json"]
    code, out, err = trial_cli("audits", "escalate", "2026-10-007", "--identified", "2026-10-30",
                               "--told", "S010", "--told-on", "2026-11-02", "--as-of",
                               "2026-11-05", *common)
    assert code == 0, err
    number = str(json.loads(out)["escalation_id"])
    code, _, err = trial_cli("audits", "acknowledge", number, "--by", "S001", "--on",
                             "2026-10-29", *common)
    assert code == 2
    line = one_paragraph_error(err)
    assert "2026-10-29" in line and "2026-10-30" in line and "--on" in line
