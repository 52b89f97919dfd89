"""``explain`` for a ``no_data`` KPI says which tables it lacks and how to supply them, in the
table output and in JSON (``missing_tables``, ``no_data_reason``, ``no_data_fix``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from cfcs_qa.config import Settings
from cfcs_qa.ingest import load
from cfcs_qa.kpi import explain_kpi
from cfcs_qa.reporting.kpi_explain import explain_text
from golden_check import GOLDEN, assert_golden

from .builders import extract, kids

AS_OF = date(2026, 6, 10)
MAY = date(2026, 5, 1)
CHILDREN = "child_id,date_of_birth\nC1,01/02/2015\nC2,03/04/2016\n"
CIN_PLANS = "plan_id,child_id,start_date\nN1,C1,01/01/2025\nN2,C2,01/03/2026\n"
CP_PLANS = "plan_id,child_id,start_date\nP1,C2,01/01/2024\n"


def _folder(root: Path, files: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


Cli = Callable[..., tuple[int, str, str]]


def test_cli_names_the_missing_table_in_table_and_json(
        tmp_path: Path, run_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _folder(tmp_path / "extract", {"children.csv": CHILDREN, "cin_plans.csv": CIN_PLANS,
                                          "cp_plans.csv": CP_PLANS})  # no cic_episodes
    monkeypatch.chdir(tmp_path)  # no ./cfcs-qa.yaml
    args = ("explain", "15", "--data", str(data), "--as-of", "2026-06-10", "--month", "2026-05",
            "--no-cache", "--format")
    code, out, err = run_cli(*args, "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["status"] == "no_data" and doc["records"] == []
    assert doc["missing_tables"] == ["cic_episodes"]
    assert "the extract has no cic_episodes table" in doc["no_data_reason"]
    assert "cic_episodes.csv" in doc["no_data_fix"] and "`tables:`" in doc["no_data_fix"]
    code, out, err = run_cli(*args, "table")
    assert code == 0, err
    assert_golden(GOLDEN / "kpi" / "explain_no_data.txt", out)


def test_empty_and_unusable_tables_are_told_apart(tmp_path: Path) -> None:
    data = _folder(tmp_path / "extract", {
        "children.csv": CHILDREN, "cin_plans.csv": CIN_PLANS,
        "cp_plans.csv": "",                                   # empty
        "cic_episodes.csv": "episode_id,child_id\nE1,C1\n",   # no start_date: unusable
    })
    doc = explain_kpi(load(data, Settings(), AS_OF), Settings(), 15, MAY)
    assert doc["missing_tables"] == ["cp_plans", "cic_episodes"]
    assert doc["no_data_reason"] == (
        "KPI 15 needs the cin_plans, cp_plans and cic_episodes tables: cp_plans (cp_plans.csv) "
        "is empty; cic_episodes (cic_episodes.csv) was found but cannot be used.")
    assert "Export cp_plans again" in doc["no_data_fix"]
    assert "`cfcs-qa validate` to see why cic_episodes cannot be used" in doc["no_data_fix"]


def test_workbook_extract_asks_for_a_sheet() -> None:
    ex = extract(AS_OF, children=kids(("C1", "2015-02-01")))
    ex.source = "/data/MOSAIC extract.xlsx"
    doc = explain_kpi(ex, Settings(), "referral_decisions_1wd", MAY)
    assert doc["missing_tables"] == ["referrals"]
    assert doc["no_data_fix"].startswith(
        "Export referrals as a sheet named referrals in the workbook, or map the site's sheet "
        "name under `tables:` in cfcs-qa.yaml")


def test_rate_kpi_without_a_population_year() -> None:
    eh = [{"episode_id": "E1", "child_id": "C1", "start_date": "2026-01-01"}]
    ex = extract(AS_OF, children=kids(("C1", "2015-02-01")), early_help=eh,
                 population=[{"year": 2030, "population_0_17": 12000}])
    doc = explain_kpi(ex, Settings(), 8, MAY)
    assert doc["status"] == "no_data" and doc["missing_tables"] == []
    assert doc["no_data_reason"].endswith("the population table has no year up to 2026.")
    assert "for 2026 (or an earlier year)" in doc["no_data_fix"]


def test_a_kpi_with_its_tables_has_no_help() -> None:
    refs = [{"referral_id": "R1", "child_id": "C1", "referral_date": "2026-05-08",
             "decision_date": "2026-05-11"}]
    doc = explain_kpi(extract(AS_OF, children=kids(("C1", "2015-02-01")), referrals=refs),
                      Settings(), 7, MAY)
    assert doc["status"] != "no_data"
    assert (doc["missing_tables"], doc["no_data_reason"], doc["no_data_fix"]) == ([], None, None)
    assert "no data:" not in explain_text(doc)
