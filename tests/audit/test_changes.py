"""reassign, withdraw and replace: happy paths, refusals, the change log, reproducibility."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from audit_fixtures import HELD, MONTH, SEED, STAFF, complete, make_extract, seed_month
from sqlalchemy import select
from typer.testing import CliRunner

from cfcs_qa.audit import schema as s
from cfcs_qa.audit.changes import reassign, withdraw
from cfcs_qa.audit.replacement import replace
from cfcs_qa.audit.staff_roles import directory_from_frame
from cfcs_qa.audit.store import open_store
from cfcs_qa.cli.main import app
from cfcs_qa.errors import UserError
from cfcs_qa.sampling.changes import replacement_draw

AS_OF = date(2026, 11, 9)


def _row(url: str, allocation_id: str) -> dict:
    with open_store(url, create=False) as store, store.read() as conn:
        return dict(conn.execute(select(s.allocations).where(
            s.allocations.c.allocation_id == allocation_id)).mappings().one())


def _log(url: str) -> list[tuple]:
    with open_store(url, create=False) as store, store.read() as conn:
        return [tuple(r) for r in conn.execute(select(
            s.change_log.c.actor, s.change_log.c.entity_id, s.change_log.c.action,
            s.change_log.c.reason).order_by(s.change_log.c.id))]


def _reassign(url: str, allocation_id: str, to: str) -> dict:
    extract = make_extract(STAFF, HELD, AS_OF.isoformat())
    with open_store(url, create=False) as store:
        return reassign(store, allocation_id, to, "auditor off sick", actor="qa",
                        staff=directory_from_frame(extract.get("staff")), extract=extract,
                        as_of=AS_OF)


def test_reassign_keeps_history_and_snapshot(store_url: str) -> None:
    seed_month(store_url)
    result = _reassign(store_url, "2026-11-001", "S3")
    assert result["from"] == "S2" and result["to"] == "S3"
    assert result["auditor_open_allocations"] == ["2026-11-001", "2026-11-002"]
    row = _row(store_url, "2026-11-001")
    assert (row["state"], row["auditor_id"], row["auditor_team"]) == ("reassigned", "S3",
                                                                      "Team D")
    with open_store(store_url, create=False) as store, store.read() as conn:
        history = conn.execute(select(s.allocation_reassignments)).mappings().one()
    assert (history["from_staff_id"], history["to_staff_id"]) == ("S2", "S3")
    assert _log(store_url) == [("qa", "2026-11-001", "reassigned", "auditor off sick")]


@pytest.mark.parametrize("allocation_id, to, expected", [
    ("2026-11-099", "S3", "no allocation 2026-11-099"),
    ("2026-11-001", "S9", "no such staff member"),
    ("2026-11-001", "S2", "already the auditor"),
    ("2026-11-003", "S2", "not active"),
    ("2026-11-001", "S1", "works in Team B, the team holding the case"),
    ("2026-11-003", "S5", "was the case's worker"),
    ("2026-11-003", "S6", "manages Team A"),
    ("2026-11-002", "S7", "not an auditor"),
])
def test_reassign_refusals(sqlite_url: str, allocation_id: str, to: str, expected: str) -> None:
    seed_month(sqlite_url)
    with pytest.raises(UserError, match=expected):
        _reassign(sqlite_url, allocation_id, to)
    assert _log(sqlite_url) == []  # nothing changed


def test_withdraw_moves_family_contact_and_refuses_closed(store_url: str) -> None:
    seed_month(store_url)
    with open_store(store_url, create=False) as store:
        result = withdraw(store, "2026-11-001", "case closed", actor="qa")
        assert result["family_contact_moved_to"] in ("2026-11-002", "2026-11-003")
        with pytest.raises(UserError, match="was withdrawn"):
            withdraw(store, "2026-11-001", "again", actor="qa")
        with pytest.raises(UserError, match="no allocation"):
            withdraw(store, "2026-11-404", "typo", actor="qa")
    complete(store_url, "2026-11-002")
    with open_store(store_url, create=False) as store, pytest.raises(
            UserError, match="already completed"):
        withdraw(store, "2026-11-002", "too late", actor="qa")
    row = _row(store_url, "2026-11-001")
    assert (row["state"], row["state_reason"], row["family_contact"]) == (
        "withdrawn", "case closed", False)
    assert [a for _, _, a, _ in _log(store_url)] == ["withdrawn", "family_contact_moved"]


def test_replace_draws_reproducibly_from_the_same_stratum(store_url: str) -> None:
    seed_month(store_url)
    with open_store(store_url, create=False) as store:
        result = replace(store, "2026-11-003", "case transferred", actor="qa", as_of=AS_OF,
                         write=False)
    # Candidates: cp|Team A eligible, not in the sample, no sibling of C01 (so not C02), not
    # C06 (excluded at the draw): C04 and C05, chosen by the seeded generator.
    import pandas as pd

    pop = pd.DataFrame({"child_id": ["C01", "C02", "C03", "C04", "C05", "C06"],
                        "family_id": ["F1", "F1", None, None, "F5", None],
                        "category": "cp", "team": "Team A",
                        "eligible": [True, True, True, True, True, False]})
    expected = replacement_draw(pop, ["C01", "C10", "C03"], "cp", "Team A", SEED,
                                "2026-11-003", sample_family_ids=["F1"])
    assert result["child_id"] == expected and expected in ("C04", "C05")
    assert result["replaced_by"] == "2026-11-004"
    old, new = _row(store_url, "2026-11-003"), _row(store_url, "2026-11-004")
    assert (old["state"], old["replaced_by"]) == ("replaced", "2026-11-004")
    assert (new["state"], new["replaces"], new["auditor_id"], new["due_date"]) == (
        "issued", "2026-11-003", "S1", date(2026, 11, 19))
    assert [(e, a) for _, e, a, _ in _log(store_url)] == [
        ("2026-11-003", "replaced"), ("2026-11-004", "issued")]
    with open_store(store_url, create=False) as store, pytest.raises(
            UserError, match="was replaced by 2026-11-004"):
        replace(store, "2026-11-003", "again", actor="qa", as_of=AS_OF, write=False)


def test_replace_same_store_same_case_and_exhausted_stratum(tmp_path: Path) -> None:
    picks = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.db"
        seed_month(url)
        with open_store(url, create=False) as store:
            picks.append(replace(store, "2026-11-002", "closed", actor="qa", as_of=AS_OF,
                                 write=False)["child_id"])
            second = replace(store, f"{MONTH}-004", "closed too", actor="qa", as_of=AS_OF,
                             write=False)
            assert {picks[-1], second["child_id"]} == {"C11", "C12"}
            with pytest.raises(UserError, match="No case is left"):
                replace(store, f"{MONTH}-005", "and again", actor="qa", as_of=AS_OF,
                        write=False)
    assert picks[0] == picks[1]


def test_replace_writes_the_new_toolkit_or_refuses_without_a_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    seed_month(url)
    with open_store(url, create=False) as store:
        with pytest.raises(UserError, match="--toolkits DIR"):
            replace(store, "2026-11-003", "x", actor="qa", as_of=AS_OF)
        result = replace(store, "2026-11-003", "x", actor="qa", as_of=AS_OF,
                         toolkit_dir=tmp_path / "toolkits")
    path = Path(result["toolkit"])
    assert path == tmp_path / "toolkits" / "2026-11-004.xlsx" and path.is_file()
    assert (path.stat().st_mode & 0o077) == 0
    assert _row(url, "2026-11-004")["template_checksum"]


def test_cli_withdraw_and_replace_json(tmp_path: Path, monkeypatch) -> None:
    import json

    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    seed_month(url)
    runner = CliRunner()
    out = runner.invoke(app, ["audits", "withdraw", "2026-11-002", "--reason", "closed",
                              "--by", "Jo QA", "--db", url, "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["action"] == "withdrawn"
    assert _log(url)[0][0] == "Jo QA"
    out = runner.invoke(app, ["audits", "replace", "2026-11-003", "--reason", "moved",
                              "--db", url, "--toolkits", str(tmp_path / "tk"), "--as-of",
                              "2026-11-09", "--format", "table"])
    assert out.exit_code == 0, out.output
    assert "replaced by 2026-11-004" in out.stdout
