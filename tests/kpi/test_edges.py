"""Edges the other fixtures do not reach: 30-day months, a 16th birthday on month end, a
29 February birthday in a KPI, site calendar closures, a legal-status change in KPI 26."""

from __future__ import annotations

from datetime import date

from cfcs_qa.config import CalendarSettings, Settings

from .builders import extract, kids, kpi


def test_30_day_month_end_open_and_ending() -> None:
    plans = [{"plan_id": "P1", "child_id": "C1", "start_date": "2024-06-30"},
             {"plan_id": "P2", "child_id": "C2", "start_date": "2024-07-01"},
             {"plan_id": "P3", "child_id": "C3", "start_date": "2024-01-01",
              "end_date": "2026-06-30"}]
    r = kpi(extract(date(2026, 7, 10), cp_plans=plans), 4, "2026-06")
    assert r.ids == {"numerator": ["C1"], "denominator": ["C1", "C2"]}


def test_kpi29_child_turning_16_on_month_end_is_not_yet_eligible() -> None:
    children = kids(("C1", "2010-06-30"), ("C2", "2010-03-30"))
    eps = [{"episode_id": f"E{i}", "child_id": f"C{i}", "start_date": "2024-01-01",
            "full_time": True} for i in (1, 2)]
    plans = [{"plan_id": "PP2", "child_id": "C2", "plan_date": "2026-05-01"}]
    r = kpi(extract(date(2026, 7, 10), children=children, cic_episodes=eps,
                    pathway_plans=plans), 29, "2026-06")
    assert r.ids == {"numerator": ["C2"], "denominator": ["C2"]}  # 30 Mar + 3 months = 30 Jun


def test_29_february_birthday_turns_3_on_1_march() -> None:
    children = kids(("C1", "2024-02-29"))
    plans = [{"plan_id": "P1", "child_id": "C1", "start_date": "2026-01-01"}]
    visits = [{"visit_id": f"V{m}", "child_id": "C1", "visit_date": d, "visit_type": "cp",
               "seen": True, "seen_alone": True} for m, d in ((2, "2027-02-10"),
                                                              (3, "2027-03-10"))]
    ex = extract(date(2027, 4, 10), children=children, cp_plans=plans, visits=visits)
    assert kpi(ex, 6, "2027-02").status == "no_cases"  # 2 on 28 Feb 2027
    assert kpi(ex, 6, "2027-03").value == 100.0


def test_site_closure_and_worked_holiday_change_working_days() -> None:
    refs = [{"referral_id": "R1", "child_id": "C1", "referral_date": "2026-05-08",
             "decision_date": "2026-05-12"},  # Fri -> Tue: 2 working days
            {"referral_id": "R2", "child_id": "C2", "referral_date": "2026-04-02",
             "decision_date": "2026-04-07"}]  # over Easter: 1 working day
    ex = extract(date(2026, 6, 10), referrals=refs)
    closed = Settings(calendar=CalendarSettings(closures=[date(2026, 5, 11)]))
    assert kpi(ex, 7, "2026-05").value == 0.0
    assert kpi(ex, 7, "2026-05", settings=closed).value == 100.0  # Mon closed: 1
    worked = Settings(calendar=CalendarSettings(removed=[date(2026, 4, 6)]))
    assert kpi(ex, 7, "2026-04").value == 100.0
    assert kpi(ex, 7, "2026-04", settings=worked).value == 0.0  # Easter Monday worked: 2


def test_kpi26_period_of_care_starts_at_the_first_legal_status() -> None:
    eps = [{"episode_id": "E1", "child_id": "C1", "start_date": "2026-05-01",
            "end_date": "2026-05-19", "legal_status": "V2", "full_time": True},
           {"episode_id": "E2", "child_id": "C1", "start_date": "2026-05-20",
            "legal_status": "C2", "full_time": True}]
    plans = [{"plan_id": "K1", "child_id": "C1", "plan_date": "2026-05-05"}]
    r = kpi(extract(date(2026, 6, 10), cic_episodes=eps, care_plans=plans), 26, "2026-05")
    assert r.ids == {"numerator": ["C1"], "denominator": ["C1"]}  # in care since 1 May
