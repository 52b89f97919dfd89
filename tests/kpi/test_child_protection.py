"""KPIs 3-6, 13, 15-20: CP plans (continuous), visits, CIN plans, conferences (hand-computed)."""

from __future__ import annotations

from datetime import date

from .builders import extract, kids, kpi

AS_OF = date(2026, 6, 10)


def _plan(pid: str, child: str, start: str, end: str | None = None,
          category: str = "neglect") -> dict[str, object]:
    return {"plan_id": pid, "child_id": child, "start_date": start, "end_date": end,
            "category": category}


def test_kpi3_repeat_within_2_years_and_category_change_is_not_a_new_plan() -> None:
    plans = [
        _plan("A1", "C1", "2023-01-01", "2024-06-15"), _plan("A2", "C1", "2026-05-10"),  # repeat
        _plan("B1", "C2", "2022-01-01", "2024-05-09"), _plan("B2", "C2", "2026-05-10"),  # 2y + 1d
        _plan("D1", "C3", "2026-04-01", "2026-05-05"),
        _plan("D2", "C3", "2026-05-06", category="emotional"),  # touching: same plan, from April
        _plan("E1", "C4", "2026-05-20"),  # first plan
    ]
    r = kpi(extract(AS_OF, children=kids(("C1", "2015-01-01")), cp_plans=plans), 3, "2026-05")
    assert r.ids == {"numerator": ["A2"], "denominator": ["A2", "B2", "E1"]}
    assert abs(r.value - 100 / 3) < 1e-9


def test_kpi4_two_years_forward_from_start_and_plan_ending_on_me() -> None:
    plans = [
        _plan("A1", "C1", "2024-05-31", "2025-01-10", "physical"),
        _plan("A2", "C1", "2025-01-11", None, "emotional"),  # continuous since 31 May 2024
        _plan("B1", "C2", "2024-06-01"),
        _plan("C1", "C3", "2020-01-01", "2026-05-31"),  # ends on ME: not open at ME
        _plan("D1", "C5", "2023-01-01"), _plan("D2", "C5", "2023-03-01"),  # two open: one child
    ]
    r = kpi(extract(AS_OF, cp_plans=plans), 4, "2026-05")
    assert r.ids == {"numerator": ["C1", "C5"], "denominator": ["C1", "C2", "C5"]}
    assert kpi(extract(AS_OF, cp_plans=plans), 13, "2026-05").value == 3


def _visit(vid: str, child: str, day: str, vtype: str = "cp", seen: bool | None = True,
           alone: bool | None = None) -> dict[str, object]:
    return {"visit_id": vid, "child_id": child, "visit_date": day, "visit_type": vtype,
            "seen": seen, "seen_alone": alone}


def test_kpi5_february_window_not_yet_due_unborn_blank_seen() -> None:
    children = kids(*[(f"C{i}", "2020-01-01") for i in (1, 2, 3, 4, 6, 7)], ("C5", None))
    plans = [_plan(f"P{i}", f"C{i}", "2025-01-01") for i in (1, 2, 5, 6, 7)]
    plans += [_plan("P3", "C3", "2026-02-20"), _plan("P4", "C4", "2026-02-20")]
    visits = [
        _visit("V1", "C1", "2026-02-15"),  # first day of [ME-13, ME]
        _visit("V2", "C2", "2026-02-14"),  # the day before the window
        _visit("V4", "C4", "2026-02-21"),  # new plan, already seen
        _visit("V6", "C6", "2026-02-20", seen=None),  # blank seen: not met, flagged
        _visit("V7", "C7", "2026-02-25", vtype="cin"),  # not a cp visit
    ]
    r = kpi(extract(date(2026, 3, 10), children=children, cp_plans=plans, visits=visits),
            5, "2026-02")
    assert r.ids == {"numerator": ["C1", "C4"], "denominator": ["C1", "C2", "C4", "C6", "C7"]}
    assert (r.value, r.blank_flags, r.rag) == (40.0, 1, "red")


def test_kpi6_aged_3_at_me_seen_alone_at_one_visit() -> None:
    children = kids(("C1", "2023-05-31"), ("C2", "2023-06-01"), ("C3", "2016-01-01"),
                    ("C4", "2016-01-01"), ("C5", "2016-01-01"), ("C6", "2016-01-01"))
    plans = [_plan(f"P{i}", f"C{i}", "2025-01-01") for i in range(1, 6)]
    plans.append(_plan("P6", "C6", "2025-01-01", "2026-05-31"))
    visits = [
        _visit("V1", "C1", "2026-05-10", alone=True),  # turns 3 on ME
        _visit("V2", "C2", "2026-05-10", alone=True),  # 2 at ME
        _visit("V3a", "C3", "2026-05-03", alone=False),
        _visit("V3b", "C3", "2026-05-20", alone=True),
        _visit("V4", "C4", "2026-05-10", alone=None),  # blank: not met, flagged
        _visit("V5", "C5", "2026-05-10", seen=False, alone=True),  # not seen: not in the base
        _visit("V6", "C6", "2026-05-10", alone=True),  # plan ended on ME
        _visit("V7", "C1", "2026-04-30", alone=True),  # not in M
    ]
    r = kpi(extract(AS_OF, children=children, cp_plans=plans, visits=visits), 6, "2026-05")
    assert r.ids == {"numerator": ["C1", "C3"], "denominator": ["C1", "C3", "C4"]}
    assert r.blank_flags == 1


def test_kpi15_cin_over_12_months_excluding_cp_and_care() -> None:
    cin = [
        {"plan_id": "N1", "child_id": "C1", "start_date": "2025-05-30"},  # +12m = 30 May < ME
        {"plan_id": "N2", "child_id": "C2", "start_date": "2025-05-31"},  # +12m = ME: not <
        {"plan_id": "N3", "child_id": "C3", "start_date": "2024-01-01"},  # on a CP plan
        {"plan_id": "N4", "child_id": "C4", "start_date": "2024-01-01"},  # in full-time care
        {"plan_id": "N5", "child_id": "C5", "start_date": "2025-01-01", "end_date": "2025-12-31"},
        {"plan_id": "N6", "child_id": "C5", "start_date": "2026-01-01"},  # continuous from 2025
    ]
    cic = [{"episode_id": "E4", "child_id": "C4", "start_date": "2025-01-01", "full_time": True}]
    ex = extract(AS_OF, cin_plans=cin, cp_plans=[_plan("P3", "C3", "2026-01-01")],
                 cic_episodes=cic)
    r = kpi(ex, 15, "2026-05")
    assert r.ids == {"numerator": ["C1", "C5"], "denominator": ["C1", "C2", "C5"]}
    no_cic = extract(AS_OF, cin_plans=cin, cp_plans=[_plan("P3", "C3", "2026-01-01")])
    assert kpi(no_cic, 15, "2026-05").status == "no_data"


def test_kpi16_review_forward_six_months_30_april_example() -> None:
    plans = [{"plan_id": p, "child_id": c, "start_date": s} for p, c, s in (
        ("P1", "C1", "2025-01-01"), ("P2", "C2", "2025-01-01"), ("P3", "C3", "2026-04-30"),
        ("P4", "C4", "2026-05-01"))]
    reviews = [
        {"review_id": "R1", "plan_id": "P1", "child_id": "C1", "review_date": "2026-04-30"},
        {"review_id": "R2", "plan_id": "P2", "child_id": "C2", "review_date": "2026-05-01"},
        {"review_id": "R3", "plan_id": "P1", "child_id": "C1", "review_date": "2026-11-05"},
    ]
    ex = extract(date(2026, 11, 20), cin_plans=plans, cin_reviews=reviews)
    r = kpi(ex, 16, "2026-10")
    assert r.ids == {"numerator": ["P2"], "denominator": ["P1", "P2", "P3"]}


def _conf(cid: str, child: str, ctype: str, day: str, enquiry: str | None = None) -> dict:
    return {"conference_id": cid, "child_id": child, "conference_type": ctype,
            "conference_date": day, "enquiry_id": enquiry}


def _s47(eid: str, child: str, strategy: str) -> dict[str, object]:
    return {"enquiry_id": eid, "child_id": child, "strategy_date": strategy}


def test_kpi17_fifteen_working_days_over_spring_bank_holiday() -> None:
    s47 = [_s47("S1", "C1", "2026-05-07"), _s47("S2", "C2", "2026-05-06"),
           _s47("S3", "C3", "2026-05-07"), _s47("S3b", "C3", "2026-06-01"),
           _s47("S5", "C5", "2026-05-01")]
    confs = [
        _conf("K1", "C1", "initial", "2026-05-29", "S1"),  # 15 wd (25 May holiday): met
        _conf("K2", "C2", "initial", "2026-05-29", "S2"),  # 16 wd
        _conf("K3", "C3", "initial", "2026-05-29"),  # no link: latest enquiry on/before
        _conf("K4", "C4", "initial", "2026-05-29"),  # no enquiry at all: not met
        _conf("K5", "C5", "review", "2026-05-29", "S5"),  # a review: not in KPI 17
    ]
    r = kpi(extract(AS_OF, cp_conferences=confs, s47_enquiries=s47), 17, "2026-05")
    assert r.ids == {"numerator": ["K1", "K3"], "denominator": ["K1", "K2", "K3", "K4"]}


def test_kpi18_three_or_six_months_after_previous_with_id_ties() -> None:
    confs = [
        _conf("A1", "C1", "initial", "2026-02-28"), _conf("A2", "C1", "review", "2026-05-28"),
        _conf("B1", "C2", "initial", "2026-02-27"), _conf("B2", "C2", "review", "2026-05-28"),
        _conf("D1", "C3", "review", "2025-11-30"), _conf("D2", "C3", "review", "2026-05-30"),
        _conf("CF9", "C4", "review", "2026-02-10"), _conf("CF10", "C4", "initial", "2026-02-10"),
        _conf("CF11", "C4", "review", "2026-05-20"),  # previous = CF10 (higher id): 3 months
        _conf("E1", "C5", "review", "2026-05-05"),  # no previous conference
    ]
    r = kpi(extract(AS_OF, cp_conferences=confs), 18, "2026-05")
    assert r.ids == {"numerator": ["A2", "D2"],
                     "denominator": ["A2", "B2", "CF11", "D2", "E1"]}


def test_kpi19_20_practice_reviews_counted_no_team_split() -> None:
    reviews = [{"review_id": f"PR{i}", "review_type": t, "start_date": d}
               for i, (t, d) in enumerate([("rapid_review", "2026-05-01"),
                                           ("rapid_review", "2026-06-01"),
                                           ("serious_case_review", "2026-05-31"),
                                           ("cspr", "2026-05-15"), ("other", "2026-05-15")])]
    ex = extract(AS_OF, practice_reviews=reviews)
    assert kpi(ex, 19, "2026-05", by_team=True).value == 1
    r20 = kpi(ex, 20, "2026-05", by_team=True)
    assert (r20.value, r20.by_team) == (2, None)
