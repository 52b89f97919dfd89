"""`audits import`: the happy path, void / unknown / already-imported refusals, --replace
keeping history, and the command's exit codes and output (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cfcs_qa.audit import schema as s
from cfcs_qa.audit.importing import import_toolkits
from cfcs_qa.audit.store import open_store
from cfcs_qa.sampling.toolkit_fill import fill_toolkit

from .conftest import check_golden, make_allocation, seed_allocation

Write = Callable[..., tuple[Path, str]]
AS_OF = date(2026, 11, 26)
CONCERN = {"grade": "Inadequate", "concern.found": "Yes", "concern.identified_on":
           date(2026, 11, 10), "concern.told": "S002", "concern.told_on": date(2026, 11, 10),
           "action.1.what": "See the child alone this week.", "action.1.owner": "S001",
           "action.1.due": date(2026, 11, 30), "completed_on": date(2026, 11, 18)}


def _ready(write: Write, url: str, answers: dict[str, Any] | None = None, seed: int = 5,
           state: str = "issued", **over: Any) -> Path:
    path, checksum = write(**over)
    seed_allocation(url, make_allocation(**over), checksum, state=state)
    fill_toolkit(path, answers, seed=seed)
    return path


def _count(url: str, table: Any, *where: Any) -> int:
    with open_store(url, create=False) as store, store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where))
                   .scalar_one())


def _run(url: str, paths: list[Path], replace: bool = False) -> list[dict[str, Any]]:
    with open_store(url, create=False) as store:
        return [o.as_dict() for o in import_toolkits(store, paths, as_of=AS_OF, by="tester",
                                                     replace=replace)]


def test_happy_path_stores_everything(write: Write, store_url: str) -> None:
    path = _ready(write, store_url, CONCERN, category="cp", family_contact=True)
    renamed = path.with_name("my audit (final v2).xlsx")  # known by its allocation id
    path.rename(renamed)
    [out] = _run(store_url, [renamed])
    assert out["status"] == "stored" and out["problems"] == []
    assert out["allocation_id"] == "2026-11-001"
    assert out["grade"] == "inadequate" and out["escalation"] is True
    with open_store(store_url, create=False) as store, store.read() as conn:
        audit = conn.execute(select(s.audits)).mappings().one()
        alloc = conn.execute(select(s.allocations)).mappings().one()
        scores = {r[0]: r[1] for r in conn.execute(
            select(s.audit_scores.c.standard_id, s.audit_scores.c.score))}
        questions = conn.execute(select(s.audit_questions)).mappings().all()
        esc = conn.execute(select(s.escalations)).mappings().one()
        actions = conn.execute(select(s.actions)).mappings().all()
        meeting = conn.execute(select(s.meetings)).mappings().one()
        log = conn.execute(select(s.change_log.c.action)).scalars().all()
    assert audit["current"] and audit["grade"] == "inadequate"
    assert audit["completed_date"] == date(2026, 11, 18) and audit["imported_by"] == "tester"
    assert audit["immediate_concern"] and audit["family_contact_done"] is not None
    assert alloc["state"] == "completed"
    assert len(scores) == 35 and "2.10" in scores and "2.1" in scores
    assert {q["question"] for q in questions} == {"safe", "better_off", "voice", "drift",
                                                  "oversight"}
    assert esc["child_id"] == "C0001" and esc["told_staff_id"] == "S002"
    assert esc["identified_on"] == date(2026, 11, 10)
    assert any(a["description"] == "See the child alone this week." and a["owner_id"] == "S001"
               for a in actions)
    assert meeting["audit_id"] == audit["id"]
    assert "imported" in log and "escalated" in log


@pytest.mark.parametrize("state", ["replaced", "withdrawn"])
def test_void_allocation_is_refused(write: Write, store_url: str, state: str) -> None:
    path = _ready(write, store_url, state=state)
    [out] = _run(store_url, [path])
    assert out["status"] == "refused"
    assert f"was {state}, so its toolkit is void" in out["problems"][0]["why"]
    assert _count(store_url, s.audits) == 0


def test_unknown_allocation_is_refused(write: Write, sqlite_url: str) -> None:
    path = _ready(write, sqlite_url)
    other, _ = write(allocation_id="2026-11-009")
    fill_toolkit(other, seed=5)
    outcomes = _run(sqlite_url, [other])
    check_golden("import_unknown_allocation", outcomes)
    assert path.exists() and _count(sqlite_url, s.audits) == 0


def test_invalid_toolkit_is_refused_and_nothing_is_written(write: Write,
                                                           sqlite_url: str) -> None:
    path = _ready(write, sqlite_url, {"standard.1.1.score": None})
    [out] = _run(sqlite_url, [path])
    assert out["status"] == "refused" and out["problems"][0]["why"] == "standard 1.1 has no score"
    assert _count(sqlite_url, s.audits) == 0 and _count(sqlite_url, s.change_log) == 0


def test_checksum_not_the_one_issued(write: Write, sqlite_url: str) -> None:
    path, _ = write()
    seed_allocation(sqlite_url, make_allocation(), "f" * 64)
    fill_toolkit(path, seed=5)
    [out] = _run(sqlite_url, [path])
    assert "not the one issued" in out["problems"][0]["why"]


def test_already_imported_then_replace_keeps_history(write: Write, store_url: str) -> None:
    path = _ready(write, store_url, {"grade": "Good"})
    assert _run(store_url, [path])[0]["status"] == "stored"
    again = _run(store_url, [path])[0]
    assert again["status"] == "refused" and "already imported" in again["problems"][0]["why"]
    fill_toolkit(path, {"grade": "RI"}, seed=6)
    replaced = _run(store_url, [path], replace=True)[0]
    assert replaced["status"] == "replaced" and replaced["grade"] == "requires_improvement"
    with open_store(store_url, create=False) as store, store.read() as conn:
        rows = conn.execute(select(s.audits.c.id, s.audits.c.current, s.audits.c.grade)
                            .order_by(s.audits.c.id)).all()
        per_audit = {r[0]: r[1] for r in conn.execute(
            select(s.audit_scores.c.audit_id, func.count())
            .group_by(s.audit_scores.c.audit_id))}
        log = conn.execute(select(s.change_log.c.action).order_by(s.change_log.c.id)
                           ).scalars().all()
    assert [(cur, grade) for _, cur, grade in rows] == [(False, "good"),
                                                         (True, "requires_improvement")]
    assert set(per_audit.values()) == {28} and len(per_audit) == 2  # old scores kept
    assert log == ["imported", "superseded", "reimported"]


def test_command_mixed_files_exit_1_and_json(write: Write, sqlite_url: str,
                                             tmp_path: Path) -> None:
    from cfcs_qa.cli.audits_import import render_table
    from cfcs_qa.cli.main import app

    good = _ready(write, sqlite_url, seed=11)
    bad, checksum = write(allocation_id="2026-11-002", child_id="C0002")
    seed_allocation(sqlite_url, make_allocation(allocation_id="2026-11-002", child_id="C0002"),
                    checksum)
    fill_toolkit(bad, {"grade": "Satisfactory", "standard.5.8.score": None}, seed=11)
    runner = CliRunner()
    args = ["audits", "import", str(good), str(bad), "--db", sqlite_url, "--as-of",
            AS_OF.isoformat(), "--by", "tester"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert (report["stored"], report["refused"]) == (1, 1)
    assert [f["status"] for f in report["files"]] == ["stored", "refused"]
    check_golden("import_mixed_files", report)
    check_golden("import_mixed_files_table", render_table(report).splitlines())
    again = runner.invoke(app, [*args, "--format", "table"])  # both refused now
    assert again.exit_code == 1
    assert again.stdout.startswith("Imported 0 of 2 toolkit(s); 2 refused.")
    assert "already imported" in again.stdout


def test_a_toolkit_saved_as_ods_is_refused_with_how_to_save_it(write: Write, sqlite_url: str,
                                                               tmp_path: Path) -> None:
    """A manager who saves in LibreOffice's own format is told how to save it as .xlsx; a
    folder holding one does not pass over it in silence."""
    from cfcs_qa.cli.audits_import import expand_folders
    from cfcs_qa.cli.main import app
    from cfcs_qa.sampling.toolkit_reader import ODS_PROBLEM

    _ready(write, sqlite_url, seed=12)  # a store with an allocation
    folder = tmp_path / "returned"
    folder.mkdir()
    ods = folder / "2026-11-001.ods"
    ods.write_bytes(b"PK\x03\x04 not really an OpenDocument file")
    (folder / ".~lock.2026-11-001.ods#").write_text("lock")  # LibreOffice's lock file
    assert expand_folders([folder]) == [ods]
    result = CliRunner().invoke(app, ["audits", "import", str(folder), "--db", sqlite_url,
                                      "--as-of", AS_OF.isoformat(), "--format", "json"])
    assert result.exit_code == 1, result.output
    (only,) = json.loads(result.stdout)["files"]
    assert only["status"] == "refused"
    assert ODS_PROBLEM in json.dumps(only)
    assert "Save As" in ODS_PROBLEM and ".xlsx" in ODS_PROBLEM
