"""KPIs 14, 21-31: periods of care, placements, missing, reviews, plans, care leavers, CDS."""

from __future__ import annotations

from datetime import date

from cfcs_qa.config import KpiOverride, Settings

from .builders import extract, kids, kpi

AS_OF = date(2026, 6, 10)


def _ep(eid: str, child: str, start: str, end: str | None = None, full_time: bool | None = True,
        status: str = "C2") -> dict[str, object]:
    return {"episode_id": eid, "child_id": child, "start_date": start, "end_date": end,
            "full_time": full_time, "legal_status": status}


def _pl(pid: str, child: str, start: str, end: str | None = None, off: bool | None = False,
        carer: str | None = None) -> dict[str, object]:
    return {"placement_id": pid, "child_id": child, "start_date": start, "end_date": end,
            "off_island": off, "carer_id": carer}


def test_kpi14_period_of_care_legal_status_change_short_breaks_blank_full_time() -> None:
    eps = [
        _ep("E1", "C1", "2025-01-01", "2025-06-30", status="V2"),
        _ep("E2", "C1", "2025-07-01", status="C2"),  # legal status change: same period
        _ep("E3", "C2", "2025-01-01", full_time=False),  # short-break care only
        _ep("E4", "C3", "2025-01-01", full_time=None),  # blank = not false: full-time
        _ep("E5", "C4", "2025-01-01", "2026-05-31"),  # ends on ME
    ]
    r = kpi(extract(AS_OF, cic_episodes=eps), 14, "2026-05")
    assert (r.value, r.ids["numerator"]) == (2, ["C1", "C3"])


def test_kpi21_placements_overlapping_12_months_and_same_carer_merged() -> None:
    eps = [_ep(f"E{i}", f"C{i}", "2024-01-01") for i in (1, 2, 3)]
    pls = [
        _pl("A1", "C1", "2025-01-01", "2025-06-01"),  # ends on the window's first day: overlaps
        _pl("A2", "C1", "2025-06-02", "2026-01-01"), _pl("A3", "C1", "2026-01-02"),
        _pl("B1", "C2", "2025-01-01", "2025-05-31"),  # ends before the window
        _pl("B2", "C2", "2025-06-01", "2025-12-01"), _pl("B3", "C2", "2025-12-02"),
        _pl("D1", "C3", "2025-07-01", "2025-09-30", carer="F1"),
        _pl("D2", "C3", "2025-10-01", "2025-12-31", carer="F1"),
        _pl("D3", "C3", "2026-01-01", carer="F1"),  # one placement with carer F1
    ]
    r = kpi(extract(AS_OF, cic_episodes=eps, placements=pls), 21, "2026-05")
    assert r.ids == {"numerator": ["C1"], "denominator": ["C1", "C2", "C3"]}


def test_kpi22_off_island_blank_left_out_and_reported() -> None:
    eps = [_ep(f"E{i}", f"C{i}", "2024-01-01") for i in (1, 2, 3, 4)]
    pls = [_pl("P1", "C1", "2025-01-01", off=True), _pl("P2", "C2", "2025-01-01", off=False),
           _pl("P3", "C3", "2025-01-01", off=None),
           _pl("P4", "C4", "2025-01-01", "2026-05-31", off=True)]
    r = kpi(extract(AS_OF, cic_episodes=eps, placements=pls), 22, "2026-05")
    assert r.ids == {"numerator": ["C1"], "denominator": ["C1", "C2"]}
    assert r.blank_flags == 1 and r.findings[0].column == "off_island_at_me"


def test_kpi23_cic_visits_age_at_visit() -> None:
    children = kids(("C1", "2023-05-10"), ("C2", "2023-05-11"), ("C3", "2015-01-01"),
                    ("C4", "2015-01-01"))
    visits = [
        {"visit_id": "V1", "child_id": "C1", "visit_date": "2026-05-10", "visit_type": "cic",
         "seen": True, "seen_alone": True},  # third birthday on the visit
        {"visit_id": "V2", "child_id": "C2", "visit_date": "2026-05-10", "visit_type": "cic",
         "seen": True, "seen_alone": True},  # 2 at the visit
        {"visit_id": "V3", "child_id": "C3", "visit_date": "2026-05-10", "visit_type": "cic",
         "seen": True, "seen_alone": None},
        {"visit_id": "V4", "child_id": "C4", "visit_date": "2026-05-10", "visit_type": "cic",
         "seen": False, "seen_alone": None},
        {"visit_id": "V6", "child_id": "C4", "visit_date": "2026-05-11", "visit_type": "cic",
         "seen": None, "seen_alone": None},  # seen blank: not in the base, but flagged
        {"visit_id": "V5", "child_id": "C4", "visit_date": "2026-05-10", "visit_type": "cp",
         "seen": True, "seen_alone": True},
    ]
    r = kpi(extract(AS_OF, children=children, visits=visits), 23, "2026-05")
    assert r.ids == {"numerator": ["V1"], "denominator": ["V1", "V3"]}
    assert r.blank_flags == 2
    assert sorted(f.column for f in r.findings) == ["seen", "seen_alone"]


def test_kpi24_return_interviews_72_hours_not_yet_due() -> None:
    eps = [_ep("E1", "C1", "2025-01-01"), _ep("E5", "C5", "2026-05-02"),
           _ep("E6", "C6", "2025-01-01", "2026-05-01")]

    def miss(eid: str, child: str, start: str, ret: str, interview: str | None = None) -> dict:
        return {"episode_id": eid, "child_id": child, "start_date": start, "return_date": ret,
                "return_interview_date": interview}

    rows = [
        miss("M1", "C1", "2026-05-09", "2026-05-10", "2026-05-13"),  # 3 days: met
        miss("M2", "C1", "2026-05-09", "2026-05-10", "2026-05-14"),  # 4 days
        miss("M3", "C1", "2026-05-30", "2026-05-31"),  # due 3 Jun, after the extract date
        miss("M4", "C1", "2026-05-19", "2026-05-20"),  # due 23 May: failed
        miss("M5", "C5", "2026-05-01", "2026-05-02", "2026-05-02"),  # care began next day
        miss("M6", "C6", "2026-05-01", "2026-05-02", "2026-05-02"),  # care ended that day
    ]
    r = kpi(extract(date(2026, 6, 2), cic_episodes=eps, missing_episodes=rows), 24, "2026-05")
    assert r.ids == {"numerator": ["M1"], "denominator": ["M1", "M2", "M4"]}
    assert any(c["value"] == 63 for c in r.comparators)


def test_kpi25_participation_codes_pn0_out_blank_flagged_case_insensitive() -> None:
    rows = [{"review_id": f"R{i}", "child_id": "C1", "review_date": "2026-05-10",
             "participation": code} for i, code in enumerate(["PN0", "PN1", "PN7", None, "pn3"])]
    r = kpi(extract(AS_OF, cic_reviews=rows), 25, "2026-05")
    assert r.ids == {"numerator": ["R1", "R4"], "denominator": ["R1", "R2", "R3", "R4"]}
    assert r.blank_flags == 1


def test_kpi26_ten_working_days_in_care_and_care_plan_6_months() -> None:
    eps = [_ep("E1", "C1", "2026-05-15"), _ep("E2", "C2", "2026-05-14"),
           _ep("E3", "C3", "2026-05-13"), _ep("E4", "C4", "2025-01-01"),
           _ep("E5", "C5", "2025-01-01")]
    plans = [{"plan_id": "K4", "child_id": "C4", "plan_date": "2025-11-30"},
             {"plan_id": "K5", "child_id": "C5", "plan_date": "2025-12-01"},
             {"plan_id": "K6", "child_id": "C4", "plan_date": "2026-06-01"}]  # after ME
    r = kpi(extract(AS_OF, cic_episodes=eps, care_plans=plans), 26, "2026-05")
    assert r.ids == {"numerator": ["C5"], "denominator": ["C3", "C4", "C5"]}


def test_kpi27_foster_households_open_at_me() -> None:
    rows = [{"household_id": "H1", "approval_date": "2026-05-31"},
            {"household_id": "H2", "approval_date": "2020-01-01",
             "deregistration_date": "2026-05-31"},
            {"household_id": "H3", "approval_date": "2026-06-01"},
            {"household_id": "H4", "approval_date": "2020-01-01",
             "deregistration_date": "2026-06-01"}]
    r = kpi(extract(AS_OF, foster_households=rows), 27, "2026-05", by_team=True)
    assert (r.value, r.ids["numerator"], r.by_team) == (2, ["H1", "H4"], None)
    assert r.to_dict()["by_team"] is None  # asked for, but KPI 27 has no team split


LEAVERS = [("L1", "2009-05-31", "relevant", "education", None),  # 17 on ME
           ("L2", "2009-06-01", "relevant", "education", None),  # 16
           ("L3", "2004-06-01", "former_relevant", "neet", None),  # 21
           ("L4", "2004-05-31", "former_relevant", "employment", None),  # 22
           ("L5", "2008-01-01", "eligible", "education", None),
           ("L6", "2007-01-01", "relevant", None, None),  # 19, blank activity
           ("L7", "2006-01-01", "former_relevant", "employment", "2025-01-01")]  # 20


def _leavers() -> object:
    return extract(AS_OF, children=kids(*[(c, d) for c, d, *_ in LEAVERS]),
                   care_leavers=[{"child_id": c, "status": s, "activity": a, "activity_date": ad}
                                 for c, _, s, a, ad in LEAVERS])


def test_kpi28_care_leavers_eet_bands_and_blank() -> None:
    r = kpi(_leavers(), 28, "2026-05")  # type: ignore[arg-type]
    assert r.ids == {"numerator": ["L1", "L7"], "denominator": ["L1", "L3", "L6", "L7"]}
    assert r.bands == {"17-18": {"value": 100.0, "numerator": 1, "denominator": 1},
                       "19-21": {"value": 100 / 3, "numerator": 1, "denominator": 3}}
    assert r.blank_flags == 1


def test_kpi28_site_recency_limit() -> None:
    settings = Settings(kpis={"28": KpiOverride(activity_max_age_months=6)})
    r = kpi(_leavers(), 28, "2026-05", settings=settings)  # type: ignore[arg-type]
    assert r.ids["numerator"] == []  # L1 has no activity date; L7's is 17 months old


def test_kpi29_pathway_plans_91_days_since_14_and_16_plus_3_months() -> None:
    children = kids(("C1", "2010-02-28"), ("C2", "2010-03-01"), ("C3", "2010-01-01"),
                    ("C4", "2010-01-01"), ("C5", "2008-01-01"))
    eps = [
        _ep("E1", "C1", "2025-01-01"), _ep("E2", "C2", "2025-01-01"),
        _ep("E3a", "C3", "2024-01-01", "2024-03-30"), _ep("E3b", "C3", "2026-05-31"),  # 89 + 1
        _ep("E4a", "C4", "2024-01-01", "2024-03-31"), _ep("E4b", "C4", "2026-05-31"),  # 90 + 1
        _ep("E5", "C5", "2025-01-01"),
    ]
    plans = [{"plan_id": "PP1", "child_id": "C1", "plan_date": "2026-01-01"}]
    r = kpi(extract(AS_OF, children=children, cic_episodes=eps, pathway_plans=plans), 29,
            "2026-05")
    assert r.ids == {"numerator": ["C1"], "denominator": ["C1", "C4"]}


def test_kpi30_45_working_days_over_easter_may_day_and_spring_holiday() -> None:
    rows = [{"assessment_id": a, "child_id": "C1", "start_date": "2026-03-19",
             "completed_date": c, "additional_needs": n}
            for a, c, n in (("A1", "2026-05-27", True), ("A2", "2026-05-28", True),
                            ("A3", "2026-05-27", False), ("A4", "2026-05-27", None))]
    r = kpi(extract(AS_OF, assessments=rows), 30, "2026-05")
    assert r.ids == {"numerator": ["A1"], "denominator": ["A1", "A2"]}
    assert [c["value"] for c in r.comparators] == [85.7]


def test_kpi31_short_breaks_in_3_months_and_absent_table() -> None:
    cds = [{"child_id": c, "start_date": "2025-01-01"} for c in ("C1", "C2", "C4")]
    cds.append({"child_id": "C3", "start_date": "2025-01-01", "end_date": "2026-05-31"})
    breaks = [{"child_id": "C1", "start_date": "2026-01-01", "end_date": "2026-03-01"},
              {"child_id": "C2", "start_date": "2026-01-01", "end_date": "2026-02-28"},
              {"child_id": "C3", "start_date": "2026-04-01"},
              {"child_id": "C4", "start_date": "2026-05-31"}]
    r = kpi(extract(AS_OF, cds_involvements=cds, short_breaks=breaks), 31, "2026-05")
    assert r.ids == {"numerator": ["C1", "C4"], "denominator": ["C1", "C2", "C4"]}
    absent = kpi(extract(AS_OF, cds_involvements=cds), 31, "2026-05")
    assert (absent.status, absent.value, absent.rag) == ("no_data", None, None)
