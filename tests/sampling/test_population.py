from datetime import date

import pandas as pd

from cfcs_qa.config import AuditSettings, Settings
from cfcs_qa.sampling.population import build_population, current_allocations, merge_continuous

from .fixtures import extract, frame

DAY1 = date(2026, 11, 2)


def test_merge_continuous_touching_rows_form_one_record():
    plans = frame("cp_plans", [
        {"plan_id": "1", "child_id": "A", "start_date": "2026-01-01", "end_date": "2026-03-01"},
        {"plan_id": "2", "child_id": "A", "start_date": "2026-03-02", "end_date": "2026-05-01"},
        {"plan_id": "3", "child_id": "A", "start_date": "2026-05-03"},  # gap of one day
        {"plan_id": "4", "child_id": "B", "start_date": "2025-01-01"},
        {"plan_id": "5", "child_id": "B", "start_date": "2025-02-01", "end_date": "2025-03-01"},
        {"plan_id": "6", "child_id": "B", "start_date": "2026-02-01", "end_date": "2026-03-01"},
    ])
    merged = merge_continuous(plans)
    got = [(r.child_id, r.start_date.date().isoformat(),
            None if pd.isna(r.end_date) else r.end_date.date().isoformat())
           for r in merged.itertuples()]
    assert got == [("A", "2026-01-01", "2026-05-01"), ("A", "2026-05-03", None),
                   ("B", "2025-01-01", None)]


def test_current_allocation_is_the_one_that_started_last_and_end_day_is_closed():
    alloc = frame("allocations", [
        {"child_id": "A", "team": " Team A ", "start_date": "2025-01-01"},
        {"child_id": "A", "team": "Team B", "start_date": "2026-06-01"},
        {"child_id": "B", "team": "Team A", "start_date": "2025-01-01", "end_date": "2026-11-02"},
        {"child_id": "C", "team": "Team C", "start_date": "2026-11-02"},
        {"child_id": "D", "team": "Team C", "start_date": "2026-11-03"},
    ])
    got = current_allocations(alloc, DAY1)
    assert dict(zip(got["child_id"], got["team"], strict=True)) == {"A": "Team B", "C": "Team C"}


def _base(**extra):
    children = [{"child_id": c, "family_id": "F" + c} for c in "ABCDEFGH"]
    alloc = [{"child_id": c, "team": "Team B" if c in "AB" else "Team A",
              "start_date": "2025-01-01"} for c in "ABCDEFG"]
    tables = dict(
        children=children, allocations=alloc,
        cp_plans=[{"plan_id": "p1", "child_id": "A", "start_date": "2026-01-01",
                   "end_date": "2026-06-01"},
                  {"plan_id": "p2", "child_id": "A", "start_date": "2026-06-02"},
                  {"plan_id": "p3", "child_id": "D", "start_date": "2026-01-01",
                   "end_date": "2026-11-02"}],
        cic_episodes=[{"episode_id": "e1", "child_id": "A", "start_date": "2026-01-01",
                       "full_time": True},
                      {"episode_id": "e2", "child_id": "B", "start_date": "2026-01-01",
                       "end_date": "2026-05-01", "full_time": True},
                      {"episode_id": "e3", "child_id": "B", "start_date": "2026-05-02"},
                      {"episode_id": "e4", "child_id": "C", "start_date": "2026-01-01",
                       "full_time": False}],
        cin_plans=[{"plan_id": "n1", "child_id": c, "start_date": "2026-01-01"} for c in "ABH"],
        care_leavers=[{"child_id": "E", "status": "relevant"}],
        cds_involvements=[{"child_id": "F", "start_date": "2026-01-01"},
                          {"child_id": "G", "start_date": "2025-01-01",
                           "end_date": "2026-01-01"}],
    )
    tables.update(extra)
    return extract(**tables)


def test_population_categories_priority_and_sort_order():
    pop = build_population(_base(), DAY1, Settings())
    # A: cp (beats cic and cin); B: cic via a touching row with blank full_time; C: short-break
    # care only; D: plan ended on Day 1; H: no allocation.
    assert pop[["child_id", "category", "team"]].values.tolist() == [
        ["B", "cic", "Team B"], ["A", "cp", "Team B"]]
    assert pop["family_id"].tolist() == ["FB", "FA"]
    assert list(pop.columns) == ["child_id", "category", "team", "worker_id", "family_id"]


def test_extra_categories_from_settings():
    settings = Settings(audit=AuditSettings(extra_categories=["care_leaver", "cds"]))
    pop = build_population(_base(), DAY1, settings)
    assert dict(zip(pop["child_id"], pop["category"], strict=True)) == {
        "A": "cp", "B": "cic", "E": "care_leaver", "F": "cds"}


def test_no_allocations_table_gives_an_empty_population():
    ex = extract(children=[{"child_id": "A"}],
                 cp_plans=[{"plan_id": "p", "child_id": "A", "start_date": "2026-01-01"}])
    assert build_population(ex, DAY1, None).empty
