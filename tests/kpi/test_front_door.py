"""KPIs 1, 2, 7, 9-12: referrals, contacts, early help and s47 outcomes (hand-computed)."""

from __future__ import annotations

from datetime import date

from .builders import extract, kids, kpi

CHILDREN = kids(("C1", "2015-01-01"), ("C2", "2015-01-01"), ("C3", "2015-01-01"),
                ("C4", "2015-01-01"), ("C5", None))


def _ref(rid: str, child: str, day: str, decided: str | None = None) -> dict[str, object]:
    return {"referral_id": rid, "child_id": child, "referral_date": day, "decision_date": decided}


def test_kpi1_repeat_referrals_forward_12_months_and_same_day() -> None:
    ex = extract(date(2026, 6, 10), children=CHILDREN, referrals=[
        _ref("A0", "C1", "2025-05-31"), _ref("A1", "C1", "2026-05-31"),  # exactly 12 months: repeat
        _ref("B0", "C2", "2025-05-30"), _ref("B1", "C2", "2026-05-31"),  # 12 months + 1 day: not
        _ref("D1", "C4", "2026-05-10"), _ref("D2", "C4", "2026-05-10"),  # same day: neither earlier
    ])
    r = kpi(ex, 1, "2026-05")
    assert (r.numerator, r.denominator) == (1, 4)
    assert r.value == 25.0
    assert r.ids["numerator"] == ["A1"]
    assert r.rag is None  # 4 cases: below the minimum denominator of 5, no RAG


def test_kpi1_leap_day_referral_plus_12_months_is_28_february() -> None:
    ex = extract(date(2025, 3, 10), children=CHILDREN, referrals=[
        _ref("A0", "C1", "2024-02-29"), _ref("A1", "C1", "2025-02-28"),
        _ref("B0", "C2", "2024-02-28"), _ref("B1", "C2", "2025-03-01"),
    ])
    assert kpi(ex, 1, "2025-02").ids["numerator"] == ["A1"]
    assert kpi(ex, 1, "2025-03").ids["numerator"] == []


def test_kpi7_liberation_day_saturday_and_working_days() -> None:
    ex = extract(date(2026, 6, 10), children=CHILDREN, referrals=[
        _ref("R1", "C1", "2026-05-08", "2026-05-12"),  # Fri -> Tue: 2 working days, late
        _ref("R2", "C2", "2026-05-08", "2026-05-11"),  # Fri -> Mon: 1
        _ref("R3", "C3", "2026-05-09", "2026-05-11"),  # Sat (Liberation Day) -> Mon: 0
        _ref("R6", "C4", "2026-05-28", "2026-06-01"),  # decided after ME: counts, 2 wd, late
        _ref("R7", "C5", "2026-05-29", "2026-06-01"),  # Fri -> Mon after ME: 1, met
    ])
    r = kpi(ex, 7, "2026-05")
    assert r.ids["numerator"] == ["R2", "R3", "R7"]
    assert (r.numerator, r.denominator) == (3, 5)
    assert r.value == 60.0
    assert r.rag == "red"


def test_kpi7_easter_and_not_yet_due() -> None:
    ex = extract(date(2026, 5, 31), children=CHILDREN, referrals=[
        _ref("E1", "C1", "2026-04-02", "2026-04-07"),  # Thu -> Tue over Good Friday/Easter Monday
        _ref("N1", "C2", "2026-05-29"),  # Fri, no decision: due Mon 1 Jun > extract date
        _ref("N2", "C3", "2026-05-27"),  # Wed, no decision: due Thu 28 May, failed
    ])
    assert kpi(ex, 7, "2026-04").ids["numerator"] == ["E1"]
    may = kpi(ex, 7, "2026-05")
    assert may.ids["denominator"] == ["N2"]
    assert (may.numerator, may.denominator, may.value) == (0, 1, 0.0)
    assert may.provisional is False


def test_kpi7_deadline_on_the_extract_date_is_due() -> None:
    ex = extract(date(2026, 6, 1), children=CHILDREN, referrals=[_ref("N1", "C2", "2026-05-29")])
    assert kpi(ex, 7, "2026-05").denominator == 1


def test_kpi2_outcome_blank_is_not_and_flagged() -> None:
    rows = [
        {"enquiry_id": "S1", "child_id": "C1", "strategy_date": "2026-04-01",
         "end_date": "2026-05-31", "outcome": "icpc"},
        {"enquiry_id": "S2", "child_id": "C2", "strategy_date": "2026-04-01",
         "end_date": "2026-05-01", "outcome": None},
        {"enquiry_id": "S3", "child_id": "C3", "strategy_date": "2026-04-01",
         "end_date": "2026-05-15", "outcome": "nfa"},
        {"enquiry_id": "S4", "child_id": "C4", "strategy_date": "2026-04-01",
         "end_date": "2026-06-01", "outcome": "icpc"},
    ]
    r = kpi(extract(date(2026, 6, 10), children=CHILDREN, s47_enquiries=rows), 2, "2026-05")
    assert (r.numerator, r.denominator, r.blank_flags) == (1, 3, 1)
    assert r.rag is None and r.polarity == "context"
    assert [f.code for f in r.findings] == ["blank-flag"]
    assert r.findings[0].row == 3 and r.findings[0].column == "outcome"


def test_kpi9_step_ups_children_once() -> None:
    eh = [
        {"episode_id": "E1", "child_id": "C1", "start_date": "2026-01-01", "end_date": "2026-05-02",
         "end_reason": "step_up"},
        {"episode_id": "E2", "child_id": "C1", "start_date": "2026-05-03", "end_date": "2026-05-31",
         "end_reason": "step_up"},
        {"episode_id": "E3", "child_id": "C2", "start_date": "2026-01-01", "end_date": "2026-05-10",
         "end_reason": "completed"},
        {"episode_id": "E4", "child_id": "C3", "start_date": "2026-01-01", "end_date": "2026-06-01",
         "end_reason": "step_up"},
    ]
    r = kpi(extract(date(2026, 6, 10), children=CHILDREN, early_help=eh), 9, "2026-05")
    assert (r.value, r.numerator, r.denominator) == (1, 1, None)


def _contact(cid: str, received: str, completed: str | None, outcome: str | None) -> dict:
    return {"contact_id": cid, "child_id": "C1", "received_date": received,
            "completed_date": completed, "outcome": outcome}


CONTACTS = [
    _contact("K1", "2026-04-28", "2026-05-01", "referral"),  # completed in May
    _contact("K2", "2026-05-01", "2026-05-31", "nfa"),  # received and completed in May
    _contact("K3", "2026-05-20", None, None),  # open at ME
    _contact("K4", "2026-05-31", "2026-06-01", None),  # open at ME (completed after)
    _contact("K5", "2026-05-10", "2026-05-11", None),  # blank outcome
    _contact("K6", "2026-03-01", None, None),  # still open from March
]


def test_kpi10_contacts_completed_leading_to_referral() -> None:
    r = kpi(extract(date(2026, 6, 10), children=CHILDREN, contacts=CONTACTS), 10, "2026-05")
    assert (r.numerator, r.denominator, r.blank_flags) == (1, 3, 1)
    assert abs(r.value - 100 / 3) < 1e-9


def test_kpi11_received_completed_open_at_me() -> None:
    r = kpi(extract(date(2026, 6, 10), children=CHILDREN, contacts=CONTACTS), 11, "2026-05")
    assert r.value == 4
    assert r.extras == {"completed": 3, "open_at_me": 3}
    assert r.to_dict()["completed"] == 3


def test_kpi12_referrals_received_and_absent_table() -> None:
    ex = extract(date(2026, 6, 10), children=CHILDREN, referrals=[
        _ref("R1", "C1", "2026-05-01"), _ref("R2", "C1", "2026-05-31"),
        _ref("R3", "C1", "2026-04-30"), _ref("R4", "C2", "2026-06-01")])
    assert kpi(ex, 12, "2026-05").value == 2
    none = kpi(extract(date(2026, 6, 10), children=CHILDREN), 12, "2026-05")
    assert (none.status, none.value) == ("no_data", None)


def test_kpi8_rate_latest_population_year_and_ages() -> None:
    eh = [
        {"episode_id": "E1", "child_id": "A17", "start_date": "2026-01-01"},
        {"episode_id": "E2", "child_id": "A18", "start_date": "2026-01-01"},  # 18 on ME
        {"episode_id": "E3", "child_id": "UNB", "start_date": "2026-01-01"},  # unborn
        {"episode_id": "E4", "child_id": "END", "start_date": "2026-01-01",
         "end_date": "2026-05-31"},  # ended on ME
        {"episode_id": "E5", "child_id": "TWO", "start_date": "2026-01-01"},
        {"episode_id": "E6", "child_id": "TWO", "start_date": "2026-02-01"},
    ]
    children = kids(("A17", "2008-06-01"), ("A18", "2008-05-31"), ("UNB", None),
                    ("END", "2015-01-01"), ("TWO", "2015-01-01"))
    pop = [{"year": 2025, "population_0_17": 10000}, {"year": 2027, "population_0_17": 1}]
    r = kpi(extract(date(2026, 6, 10), children=children, early_help=eh, population=pop),
            8, "2026-05")
    assert (r.numerator, r.denominator, r.value) == (2, 10000, 2.0)
    assert r.ids["numerator"] == ["A17", "TWO"]
    early = kpi(extract(date(2026, 6, 10), children=children, early_help=eh,
                        population=[{"year": 2027, "population_0_17": 5}]), 8, "2026-05")
    assert (early.status, early.value) == ("no_data", None)
