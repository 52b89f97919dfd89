"""Read through the real loader: --clean has no data-quality errors, the default has exactly
the deliberate problems its README lists, and the headline numbers look like Guernsey's."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cfcs_qa.config import Settings
from cfcs_qa.ingest.loader import load
from cfcs_qa.synth.options import DEFAULT_ANCHOR

AS_OF = DEFAULT_ANCHOR
ME = pd.Timestamp(date(2026, 10, 31))


@pytest.fixture(scope="module")
def clean(clean_extract: Path):  # noqa: ANN201 - an Extract
    return load(clean_extract, Settings(), AS_OF)


@pytest.fixture(scope="module")
def default(default_extract: Path):  # noqa: ANN201
    return load(default_extract, Settings(), AS_OF)


def test_clean_extract_has_no_errors_and_only_pre_birth_warnings(clean) -> None:
    assert clean.errors == []
    assert {f.code for f in clean.warnings} <= {"before-birth"}
    assert len(clean.warnings) < 150
    for report in clean.reports.values():
        assert report.rows_rejected == 0


def test_default_extract_has_exactly_the_listed_problems(default, default_extract) -> None:
    readme = (default_extract / "README.md").read_text("utf-8")
    listed = set(re.findall(r"^\| (\w+) \| (\d+) \| (\w+) \| ([\w-]+) \|", readme, re.M))
    found = {(f.table, str(f.row), f.column, f.code) for f in default.findings
             if f.code not in ("before-birth", "unknown-column")}
    assert found == listed
    codes = Counter(f.code for f in default.findings)
    for code in ("invalid-date", "unknown-code", "duplicate-key", "end-before-start",
                 "orphan-child", "future-date", "missing-value", "unknown-team"):
        assert codes[code] == 1, code
    assert default.reports["children"].name_columns_dropped == 1 or codes["unknown-column"] == 1


def _open_at(frame: pd.DataFrame, day: pd.Timestamp, start: str = "start_date",
             end: str = "end_date") -> pd.Series:
    return (frame[start] <= day) & (frame[end].isna() | (frame[end] > day))


def test_headline_numbers_are_guernsey_sized(clean) -> None:
    t = clean.tables
    cp = t["cp_plans"]
    on_cp = cp.loc[_open_at(cp, ME), "child_id"].nunique()
    cic = t["cic_episodes"]
    in_care = cic.loc[_open_at(cic, ME) & (cic["full_time"] != False), "child_id"].nunique()  # noqa: E712
    refs = t["referrals"]
    year = refs["referral_date"] > pd.Timestamp(AS_OF) - pd.Timedelta(days=365)
    assert 30 <= on_cp <= 65
    assert 55 <= in_care <= 100
    assert 480 <= int(year.sum()) <= 720
    assert 2_000 <= len(t["children"]) <= 4_000
    population = t["population"].set_index("year")["population_0_17"]
    assert 11_000 <= population.loc[2026] <= 12_000


def test_rates_are_near_england(clean) -> None:
    t = clean.tables
    refs = t["referrals"].sort_values(["child_id", "referral_date"])
    previous = refs.groupby("child_id")["referral_date"].shift()
    repeat = (refs["referral_date"] - previous) <= pd.Timedelta(days=365)
    assert 0.12 <= repeat.mean() <= 0.3
    visits = t["visits"]
    cp = visits[visits["visit_type"] == "cp"]
    assert cp["seen"].mean() > 0.9
    seen = cp[cp["seen"] == True]  # noqa: E712
    assert 0.6 < seen["seen_alone"].mean() < 0.95
    missing = t["missing_episodes"].dropna(subset=["return_interview_date"])
    within = (missing["return_interview_date"] - missing["return_date"]).dt.days <= 3
    assert 0.5 < within.mean() < 0.95
    reviews = t["cic_reviews"]["participation"].dropna()
    assert set(reviews) <= {f"PN{i}" for i in range(8)} and "PN0" in set(reviews)


def test_records_are_consistent(clean) -> None:
    t = clean.tables
    children = set(t["children"]["child_id"])
    for name, frame in t.items():
        if "child_id" in frame and name != "practice_reviews" and name != "complaints":
            assert set(frame["child_id"]) <= children, name
    # conferences after their enquiry's strategy discussion
    conf = t["cp_conferences"].merge(t["s47_enquiries"], on="enquiry_id", suffixes=("", "_s"))
    assert (conf["conference_date"] >= conf["strategy_date"]).all()
    assert (conf["child_id"] == conf["child_id_s"]).all()
    # placements inside a period of care
    place = t["placements"]
    cic = t["cic_episodes"][t["cic_episodes"]["full_time"] == True]  # noqa: E712
    span = cic.groupby("child_id").agg(first=("start_date", "min"))
    joined = place.join(span, on="child_id")
    assert (joined["start_date"] >= joined["first"]).all()
    # cp visits during a plan
    visits = t["visits"][t["visits"]["visit_type"] == "cp"]
    plans = t["cp_plans"].groupby("child_id").agg(first=("start_date", "min"))
    joined = visits.join(plans, on="child_id")
    assert (joined["visit_date"] >= joined["first"]).all()
    # care leavers are in children with a date of birth, aged 16-25
    leavers = t["care_leavers"].merge(t["children"], on="child_id")
    age = (pd.Timestamp(AS_OF) - leavers["date_of_birth"]).dt.days / 365.25
    assert len(leavers) == len(t["care_leavers"]) and age.between(16, 26).all()
    # at most one allocation open on any day
    alloc = t["allocations"].sort_values(["child_id", "start_date"])
    nxt = alloc.groupby("child_id")["start_date"].shift(-1)
    assert (alloc["end_date"].isna() & nxt.notna()).sum() == 0
    assert (alloc["end_date"] < nxt).where(nxt.notna(), True).all()


def test_staff_roster_has_every_audit_role(clean) -> None:
    staff = clean.tables["staff"]
    from cfcs_qa.contract import ROLES

    assert set(staff["role"]) == set(ROLES)
    active = staff["active"] != False  # noqa: E712
    tier2 = staff["role"].isin(["team_manager", "deputy_manager", "service_manager", "csm",
                                "iro"]) | (staff["auditor"] == True)  # noqa: E712
    assert 12 <= int((active & tier2).sum()) <= 15
    assert staff["email"].str.endswith("@gov.gg").all()
    teams = set(clean.tables["allocations"]["team"])
    assert {"MASH", "Child Protection Team", "Children in Care Team"} <= teams
    assert np.all(staff.loc[staff["role"] == "team_manager", "team"].notna())
    families = clean.tables["children"]["family_id"].value_counts()
    assert (families > 1).sum() > 100  # sibling groups
