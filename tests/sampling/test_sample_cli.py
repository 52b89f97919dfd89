"""``cfcs-qa sample`` end to end on SQLite and PostgreSQL: the JSON shape of docs/cli.md, one
stored sample per month, redraw rules, unmatched cases (exit 1), toolkits, concurrency."""

from __future__ import annotations

import json
import math
import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cfcs_qa.audit import schema as s
from cfcs_qa.audit.store import open_store
from golden_check import GOLDEN, assert_golden

from .conftest import write_extract

AS_OF = "2026-10-30"


def sample(cli, url: str, data: Path, *args: str) -> tuple[int, dict, str]:
    code, out, err = cli("sample", "--data", str(data), "--as-of", AS_OF, "--db", url,
                         "--format", "json", "--by", "tester", *args)
    assert "Traceback" not in err
    return code, (json.loads(out) if out.strip() else {}), err


def count(url: str, table) -> int:  # type: ignore[no-untyped-def]
    with open_store(url, create=False) as store, store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_draw_stores_everything_and_prints_the_documented_shape(cli, store_url, extract_dir,
                                                                tmp_path):
    code, out, err = sample(cli, store_url, extract_dir, "--seed", "1234", "--toolkits", "tk",
                            "--exclude", "CSM1")
    assert code == 0, err
    assert {"month", "seed", "issued_date", "due_date", "population", "allocations",
            "unmatched"} <= set(out)
    assert (out["month"], out["seed"], out["issued_date"], out["due_date"]) == (
        "2026-11", 1234, "2026-11-02", "2026-11-19")
    pop = out["population"]
    assert pop["total"] == 30 and set(pop["excluded"]) == {
        "recently_audited", "open_audit", "sibling_in_sample"}
    assert {"category", "team", "cases", "drawn"} <= set(pop["strata"][0])
    assert sum(st["cases"] for st in pop["strata"]) == 30
    # five auditors after excluding CSM1; OLD is inactive
    allocations = out["allocations"]
    assert len(allocations) == 5 and out["unmatched"] == []
    assert [a["allocation_id"] for a in allocations] == [f"2026-11-00{i}" for i in range(1, 6)]
    assert {"allocation_id", "child_id", "category", "team", "auditor_id", "family_contact",
            "moderation", "toolkit"} <= set(allocations[0])
    assert sum(a["family_contact"] for a in allocations) == math.ceil(0.1 * 5)
    assert {a["auditor_id"] for a in allocations} == {"TM_A", "TM_B", "TM_C", "IRO1", "IRO2"}
    for a in allocations:
        assert a["team"].replace("Team ", "TM_") != a["auditor_id"]  # never their own team
        if a["child_id"] == "C001":
            assert a["auditor_id"] != "IRO1"  # chaired C001's conference
        path = tmp_path / a["toolkit"]
        assert a["toolkit"] == f"tk/{a['allocation_id']}.xlsx" and path.is_file()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert count(store_url, s.sampling_runs) == 1
    assert count(store_url, s.run_population) == 30
    assert count(store_url, s.allocations) == 5
    with open_store(store_url, create=False) as store, store.read() as conn:
        run = conn.execute(select(s.sampling_runs)).mappings().one()
        assert run["drawn_by"] == "tester" and run["settings"]["options"]["exclude"] == ["CSM1"]
        exempt = conn.execute(select(s.auditor_exemptions)).mappings().all()
        assert [(e["staff_id"], e["reason"]) for e in exempt] == [("CSM1", "excluded")]
        row = conn.execute(select(s.allocations).where(
            s.allocations.c.allocation_id == "2026-11-001")).mappings().one()
        assert row["auditor_name"].startswith("Person ") and row["template_checksum"]
        assert row["supervising_manager_id"] == row["team"].replace("Team ", "TM_")
        actions = conn.execute(select(s.change_log.c.action)).scalars().all()
        assert actions.count("drawn") == 1 and actions.count("issued") == 5


def test_second_run_shows_the_stored_sample_and_rewrites_nothing(cli, store_url, extract_dir,
                                                                 tmp_path):
    code, first, _ = sample(cli, store_url, extract_dir, "--toolkits", "tk")
    assert code == 0 and first["status"] == "drawn"
    mtimes = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "tk").iterdir()}
    code, again, err = sample(cli, store_url, extract_dir, "--toolkits", "tk", "--seed", "99")
    assert code == 0 and again["status"] == "stored" and "already drawn" in err
    assert {k: v for k, v in again.items() if k != "status"} == {
        k: v for k, v in first.items() if k != "status"}
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "tk").iterdir()} == mtimes
    assert count(store_url, s.sampling_runs) == 1 and count(store_url, s.allocations) == 5 + 1


def test_redraw_needs_a_reason_and_replaces_the_whole_sample(cli, store_url, extract_dir):
    _, first, _ = sample(cli, store_url, extract_dir, "--seed", "1")
    code, _, err = sample(cli, store_url, extract_dir, "--redraw")
    assert code == 2 and "--reason" in err
    code, second, err = sample(cli, store_url, extract_dir, "--redraw", "--reason",
                               "wrong extract", "--seed", "2")
    assert code == 0, err
    assert second["status"] == "redrawn" and second["seed"] == 2
    assert second["allocations"][0]["allocation_id"] == "2026-11-007"  # ids never reused
    with open_store(store_url, create=False) as store, store.read() as conn:
        runs = conn.execute(select(s.sampling_runs).order_by(s.sampling_runs.c.id)
                            ).mappings().all()
        assert [r["status"] for r in runs] == ["superseded", "active"]
        assert runs[0]["superseded_by"] == runs[1]["id"]
        assert runs[1]["redraw_reason"] == "wrong extract"
        old = conn.execute(select(s.allocations.c.state).where(
            s.allocations.c.run_id == runs[0]["id"])).scalars().all()
        assert set(old) == {"withdrawn"} and len(old) == len(first["allocations"])
        log = conn.execute(select(s.change_log).where(
            s.change_log.c.action == "superseded")).mappings().one()
        assert (log["actor"], log["reason"]) == ("tester", "wrong extract")


def test_redraw_refused_once_a_toolkit_is_imported(cli, store_url, extract_dir):
    from cfcs_qa.audit.store import utcnow

    _, first, _ = sample(cli, store_url, extract_dir)
    with open_store(store_url, create=False) as store, store.transaction() as conn:
        conn.execute(s.audits.insert().values(
            allocation_id=first["allocations"][0]["allocation_id"], imported_at=utcnow(),
            imported_by="x", file_name="t.xlsx", file_sha256="0" * 64))
    code, _, err = sample(cli, store_url, extract_dir, "--redraw", "--reason", "r")
    assert code == 2 and "already been imported" in err
    assert count(store_url, s.sampling_runs) == 1


def test_unmatched_cases_and_auditors_exit_1_and_are_stored(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'u.db'}"
    data = write_extract(tmp_path / "small", n_children=3, staff=[
        ("TM_A", "team_manager", "Team A"), ("TM_B", "team_manager", "Team B"),
        ("TM_C", "team_manager", "Team C")], siblings=False)
    # C001 is in Team A (i % 3 == 0 -> Team A), C002 Team B, C003 Team C: a 3-cycle of
    # conflicts that a matching solves...
    code, out, err = sample(cli, url, data)
    assert code == 0 and len(out["allocations"]) == 3, err
    # ...but with only Team A's manager nobody can take C001
    data = write_extract(tmp_path / "small2", n_children=1,
                         staff=[("TM_A", "team_manager", "Team A"), ("P1", "pdqa_coordinator", "")])
    url2 = f"sqlite:///{tmp_path / 'u2.db'}"
    code, out, err = sample(cli, url2, data)
    assert code == 1
    assert out["allocations"] == []
    assert out["unmatched"] == [
        {"child_id": "C001", "reason": "every available auditor has a conflict: TM_A works in "
                                       "Team A, the team holding the case and manages Team A, "
                                       "which held the case in the 12 months before Day 1"},
        {"auditor_id": "TM_A", "reason": "has a conflict with every case left without an "
                                         "auditor: C001 (works in Team A, the team holding the "
                                         "case and manages Team A, which held the case in the "
                                         "12 months before Day 1)"}]
    assert count(url2, s.sampling_runs) == 1
    code, table, _ = cli("sample", "--data", str(data), "--as-of", AS_OF, "--db", url2,
                         "--format", "table")
    assert code == 1 and "Could not be matched" in table and "case C001" in table


def test_same_seed_same_sample_on_a_fresh_store(cli, tmp_path, extract_dir):
    outs = []
    for name in ("a", "b"):
        _, out, _ = sample(cli, f"sqlite:///{tmp_path / name}.db", extract_dir, "--seed", "77")
        outs.append([(a["child_id"], a["auditor_id"], a["family_contact"])
                     for a in out["allocations"]])
    assert outs[0] == outs[1]


def test_history_excludes_last_months_children_and_default_month(cli, tmp_path, extract_dir):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    _, nov, _ = sample(cli, url, extract_dir, "--seed", "5")
    code, out, err = cli("sample", "--data", str(extract_dir), "--as-of", "2026-11-20",
                         "--db", url, "--format", "json", "--seed", "6")
    dec = json.loads(out)
    assert code == 0, err
    assert dec["month"] == "2026-12" and dec["issued_date"] == "2026-12-01"
    assert dec["population"]["excluded"]["open_audit"] == len(nov["allocations"])
    assert not {a["child_id"] for a in nov["allocations"]} & {
        a["child_id"] for a in dec["allocations"]}


def test_bad_options_exit_2_without_traceback(cli, store_url, extract_dir):
    for args, needle in ((["--reason", "x"], "--reason goes with --redraw"),
                         (["--size", "0"], "--size 0"),
                         (["--month", "2026-13"], "is not a month"),
                         (["--seed", "-1"], "out of range")):
        code, _, err = sample(cli, store_url, extract_dir, *args)
        assert code == 2 and needle in err, (args, err)
    assert "sampling_runs" not in err


def test_two_runs_at_once_give_one_sample(store_url, extract_dir):
    from datetime import date

    from cfcs_qa.config import Settings
    from cfcs_qa.ingest import load
    from cfcs_qa.sampling.run import SampleOptions, run_sample

    settings = Settings()
    extract = load(extract_dir, settings, date(2026, 10, 30))
    open_store(store_url, create=True).close()
    results: list[dict] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def go(seed: int) -> None:
        try:
            with open_store(store_url, create=False) as store:
                start.wait()
                results.append(run_sample(store, extract, settings, SampleOptions(
                    year=2026, month=11, seed=seed, actor=f"t{seed}")))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(seed,)) for seed in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(r["status"] for r in results) == ["drawn", "stored"]
    assert results[0]["allocations"] == results[1]["allocations"]
    assert count(store_url, s.sampling_runs) == 1


@pytest.mark.parametrize("args", [["--size", "8"]])
def test_size_above_auditors_gives_the_coordinator_the_first_extra(cli, store_url, extract_dir,
                                                                  args):
    code, out, err = sample(cli, store_url, extract_dir, "--seed", "3", *args)
    assert code == 0, err
    by = [a["auditor_id"] for a in out["allocations"]]
    assert len(by) == 8 and by.count("P1") >= 1
    assert max(by.count(x) for x in set(by)) == 2


def test_include_category_adds_care_leavers(cli, tmp_path, extract_dir):
    (extract_dir / "care_leavers.csv").write_text("child_id,status\nC031,relevant\n")
    with (extract_dir / "allocations.csv").open("a") as f:
        f.write("C031,Team A,W1,2025-06-01,\n")
    with (extract_dir / "children.csv").open("a") as f:
        f.write("C031,2007-01-01,G031\n")
    url = f"sqlite:///{tmp_path / 'c.db'}"
    code, out, err = sample(cli, url, extract_dir, "--include-category", "care_leaver")
    assert code == 0, err
    assert ("care_leaver", "Team A", 1) in {(st["category"], st["team"], st["cases"])
                                           for st in out["population"]["strata"]}
    code, _, err = sample(cli, f"sqlite:///{tmp_path / 'd.db'}", extract_dir,
                          "--include-category", "pets")
    assert code == 2 and "cannot sample" in err


def test_table_output_golden(cli, tmp_path, extract_dir):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    code, out, err = cli("sample", "--data", str(extract_dir), "--as-of", AS_OF, "--db", url,
                         "--format", "table", "--seed", "2026", "--exclude", "IRO2")
    assert code == 0, err
    assert_golden(GOLDEN / "sampling" / "sample_table.txt", out)


def test_output_writes_the_json_owner_only(cli, store_url, extract_dir, tmp_path):
    code, printed, _ = sample(cli, store_url, extract_dir, "--seed", "5",
                              "--output", "out/sample.json")
    written = tmp_path / "out" / "sample.json"
    assert code == 0 and printed == {}
    assert json.loads(written.read_text())["seed"] == 5
    assert written.stat().st_mode & 0o777 == 0o600
