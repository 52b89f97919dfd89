"""The cycle through the real commands: a synthetic extract, `sample`, then `audits status`,
`withdraw` and `replace` on the store `sample` wrote (so the tables the sampler fills are the
ones status and replace read)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cfcs_qa.cli.main import app


def test_sample_then_status_withdraw_replace(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'store.db'}"
    made = runner.invoke(app, ["sample-data", "--output-dir", "d", "--children", "400",
                               "--months", "14", "--anchor", "2026-10-30", "--clean"])
    assert made.exit_code == 0, made.output
    drawn = runner.invoke(app, ["sample", "--data", "d", "--as-of", "2026-10-30", "--month",
                                "2026-11", "--seed", "7", "--toolkits", "tk", "--db", url,
                                "--format", "json"])
    assert drawn.exit_code in (0, 1), drawn.output
    ids = [a["allocation_id"] for a in json.loads(drawn.stdout)["allocations"]]
    assert len(ids) >= 3

    status = runner.invoke(app, ["audits", "status", "--db", url, "--data", "d", "--as-of",
                                 "2026-11-05", "--month", "2026-11", "--format", "json"])
    assert status.exit_code == 0, status.output
    body = json.loads(status.stdout)
    assert [a["allocation_id"] for a in body["allocations"]] == ids
    assert {a["state"] for a in body["allocations"]} == {"issued"}
    assert body["checks"] == []  # same extract: nothing closed, moved or conflicted
    assert body["progress"]["caseload"] == json.loads(drawn.stdout)["population"]["total"]

    withdrawn = runner.invoke(app, ["audits", "withdraw", ids[0], "--reason", "closed",
                                    "--db", url, "--format", "json"])
    assert withdrawn.exit_code == 0, withdrawn.output
    replaced = runner.invoke(app, ["audits", "replace", ids[1], "--reason", "moved", "--db",
                                   url, "--as-of", "2026-11-05", "--format", "json"])
    if replaced.exit_code == 0:
        new = json.loads(replaced.stdout)
        assert Path(new["toolkit"]).is_file()
    else:  # the stratum may have no case left in so small an extract
        assert "No case is left" in replaced.exception.message  # type: ignore[union-attr]
    later = runner.invoke(app, ["audits", "status", "--db", url, "--as-of", "2026-11-23",
                                "--month", "2026-11", "--format", "json",
                                "--fail-on-overdue"])
    assert later.exit_code == 1
    states = {a["allocation_id"]: a["state"] for a in json.loads(later.stdout)["allocations"]}
    assert states[ids[0]] == "withdrawn" and states[ids[2]] == "late"
