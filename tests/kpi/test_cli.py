"""``cfcs-qa kpis`` / ``explain``: the JSON equals the library's result; other formats carry
the same figures. The loader is replaced by a typed fixture extract (tests stay independent
of the loader's own behaviour)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cfcs_qa.cli.main import app
from cfcs_qa.config import Settings
from cfcs_qa.errors import UserError
from cfcs_qa.kpi import compute_kpis
from golden_check import assert_golden

from .builders import extract, kids

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "kpi"
AS_OF = date(2026, 6, 10)


def _extract(synthetic: bool = False):  # type: ignore[no-untyped-def]
    refs = [
        ("R1", "C1", "2026-05-08", "2026-05-12"), ("R2", "C2", "2026-05-08", "2026-05-11"),
        ("R3", "C3", "2026-05-09", "2026-05-11"), ("R4", "C4", "2026-05-20", "2026-05-27"),
        ("R5", "C5", "2026-05-21", "2026-05-28"), ("R6", "C1", "2026-04-01", "2026-04-01"),
    ]
    return extract(
        AS_OF, synthetic=synthetic,
        children=kids(*[(f"C{i}", "2015-03-01") for i in range(1, 6)]),
        referrals=[{"referral_id": r, "child_id": c, "referral_date": d, "decision_date": x}
                   for r, c, d, x in refs],
        allocations=[{"child_id": "C1", "team": "Team A", "start_date": "2026-01-01"},
                     {"child_id": "C2", "team": "Team B", "start_date": "2026-01-01"}],
        cp_plans=[{"plan_id": "P1", "child_id": "C1", "start_date": "2024-01-01"}],
    )


@pytest.fixture
def fake_load(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    seen: dict[str, object] = {}

    def load(path: Path, settings: Settings, as_of: date, *, synthetic: bool = False,
             cache_dir: Path | None = None,
             order_columns: object = None,
             keep: object = None):  # type: ignore[no-untyped-def]
        seen.update(path=path, as_of=as_of, synthetic=synthetic, order_columns=order_columns)
        return _extract(synthetic)

    monkeypatch.setattr("cfcs_qa.ingest.load", load)
    monkeypatch.chdir(Path(__file__).parent)  # no ./cfcs-qa.yaml here
    return seen


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "160"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


BASE = ("kpis", "--data", ".", "--as-of", "2026-06-10", "--month", "2026-05")


def test_json_equals_library_result(fake_load: dict[str, object]) -> None:
    code, out = _run(*BASE, "--format", "json", "--by", "team", "--history", "2", "--with-ids")
    assert code == 0
    expected = compute_kpis(_extract(), Settings(), date(2026, 5, 1), as_of=AS_OF,
                            by_team=True, history=2, with_ids=True,
                            findings=True).to_dict(with_ids=True)
    assert json.loads(out) == json.loads(json.dumps(expected))
    assert fake_load["as_of"] == AS_OF
    # the loader is told which date columns the KPIs search (to sort only those for the cache)
    assert fake_load["order_columns"]["referrals"] == {"referral_date"}  # type: ignore[index]
    seven = next(k for k in expected["kpis"] if k["number"] == 7)
    assert (seven["numerator"], seven["denominator"], seven["value"]) == (2, 5, 40.0)
    assert seven["by_team"]["Team A"] == {"value": 0.0, "numerator": 0, "denominator": 1}


def test_fail_on_red(fake_load: dict[str, object]) -> None:
    assert _run(*BASE, "--format", "json", "--fail-on-red")[0] == 1
    assert _run(*BASE, "--format", "json")[0] == 0


def test_bad_period_is_a_user_error(fake_load: dict[str, object]) -> None:
    with pytest.raises(UserError, match="--period"):
        _run(*BASE, "--period", "quarter")


def test_markdown_golden(fake_load: dict[str, object], tmp_path: Path) -> None:
    out = tmp_path / "kpis.md"
    assert _run(*BASE, "--format", "md", "--history", "2", "--output", str(out))[0] == 0
    text = out.read_text(encoding="utf-8")
    assert_golden(GOLDEN / "kpis.md", text)
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_table_csv_and_xlsx_carry_the_figures(fake_load: dict[str, object],
                                              tmp_path: Path) -> None:
    code, table = _run(*BASE, "--format", "table")
    assert code == 0
    assert "Safeguarding and Children in Need" in table and "40.0%" in table
    code, text = _run(*BASE, "--format", "csv")
    row = next(line for line in text.splitlines() if ",referral_decisions_1wd," in line)
    assert ",40.0,2,5,95.0," in row
    xlsx = tmp_path / "k.xlsx"
    assert _run(*BASE, "--format", "xlsx", "--output", str(xlsx))[0] == 0
    from openpyxl import load_workbook

    ws = load_workbook(xlsx)["KPIs"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "section")
    seven = next(r for r in rows[header + 1:] if r[3] == "referral_decisions_1wd")
    assert dict(zip(rows[header], seven, strict=True))["value"] == 40.0


def test_synthetic_banner_in_files(fake_load: dict[str, object]) -> None:
    code, text = _run("kpis", "--as-of", "2026-06-10", "--month", "2026-05", "--format", "csv")
    assert code == 0 and fake_load["synthetic"] is True
    assert text.startswith("SYNTHETIC SAMPLE DATA")
    code, out = _run("kpis", "--as-of", "2026-06-10", "--format", "json")
    assert json.loads(out)["synthetic"] is True and json.loads(out)["month"] == "2026-05"


def test_explain_json_shape_and_reason(fake_load: dict[str, object]) -> None:
    code, out = _run("explain", "7", "--data", ".", "--as-of", "2026-06-10", "--month",
                     "2026-05", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["number"], doc["month"]) == (7, "2026-05")
    r1 = next(r for r in doc["records"] if r["id"] == "R1")
    assert r1 == {
        "id": "R1", "child_id": "C1", "in_denominator": True, "in_numerator": False,
        "decision": "not met",
        "reason": "decided 2 working days after referral "
                  "(Fri 8 May → Tue 12 May; 9 May Liberation Day)",
        "dates": {"referral_date": "2026-05-08", "decision_date": "2026-05-12",
                  "deadline": "2026-05-11"},
    }
    code, text = _run("explain", "referral_decisions_1wd", "--data", ".", "--as-of",
                      "2026-06-10", "--month", "2026-05", "--format", "table")
    assert "KPI 7" in text and "met" in text
    with pytest.raises(UserError, match="no KPI"):
        _run("explain", "99", "--data", ".", "--as-of", "2026-06-10", "--format", "json")


def test_explain_lists_not_yet_due_and_left_out_records() -> None:
    from cfcs_qa.kpi import explain_kpi

    ex = extract(date(2026, 5, 31), referrals=[
        {"referral_id": "N1", "child_id": "C2", "referral_date": "2026-05-29"},
        {"referral_id": "D1", "child_id": "C3", "referral_date": "2026-05-27",
         "decision_date": "2026-05-28"}])
    doc = explain_kpi(ex, Settings(), "7", date(2026, 5, 1))
    by_id = {r["id"]: r for r in doc["records"]}
    assert by_id["N1"]["decision"] == "not yet due" and not by_id["N1"]["in_denominator"]
    assert by_id["N1"]["reason"] == "no decision yet; due by Mon 1 Jun, after the extract date"
    assert by_id["D1"]["reason"] == "decided 1 working day after referral (Wed 27 May → Thu 28 May)"
    eps = [{"episode_id": "E1", "child_id": "C1", "start_date": "2024-01-01", "full_time": True}]
    pls = [{"placement_id": "P1", "child_id": "C1", "start_date": "2025-01-01"}]
    doc = explain_kpi(extract(AS_OF, cic_episodes=eps, placements=pls), Settings(),
                      "cic_off_island", date(2026, 5, 1))
    assert [(r["decision"], r["reason"]) for r in doc["records"]] == [
        ("left out", "placement P1: off_island is blank (left out and reported)")]
    assert doc["blank_flags"] == 1


def test_explain_child_level_counts_the_child_once() -> None:
    from cfcs_qa.kpi import explain_kpi

    visits = [{"visit_id": v, "child_id": "C1", "visit_date": d, "visit_type": "cp",
               "seen": True, "seen_alone": a}
              for v, d, a in (("V1", "2026-05-03", False), ("V2", "2026-05-20", True))]
    ex = extract(AS_OF, children=kids(("C1", "2016-01-01")), visits=visits,
                 cp_plans=[{"plan_id": "P1", "child_id": "C1", "start_date": "2025-01-01"}])
    doc = explain_kpi(ex, Settings(), 6, date(2026, 5, 1))
    assert (doc["numerator"], doc["denominator"]) == (1, 1)
    v1 = next(r for r in doc["records"] if r["id"] == "V1")
    assert v1["in_numerator"] and v1["decision"] == "not met"
    assert v1["reason"].endswith("(the child is counted as met through another record)")
