"""Pure rules of the review stage: final grades, escalation timing on working days, actions,
the Tier 3 shortlist order and re-audit comparisons."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfcs_qa.audit.review_rules import (
    Tier3Candidate,
    action_state,
    check_complete,
    check_sign_off,
    compare_scores,
    escalation_is_late,
    grade_change,
    parse_grade,
    resolve_final_grade,
    tier3_shortlist,
    told_working_days,
)
from cfcs_qa.calendar import make_calendar
from cfcs_qa.errors import UserError

CAL = make_calendar()


def test_final_grade_dispute_beats_moderation_beats_auditor() -> None:
    assert resolve_final_grade("good", "requires_improvement", "inadequate") == (
        "inadequate", "dispute")
    assert resolve_final_grade("good", "requires_improvement", None) == (
        "requires_improvement", "moderation")
    assert resolve_final_grade("good") == ("good", "auditor")
    assert resolve_final_grade(None) == (None, "none")


def test_grade_spellings() -> None:
    assert parse_grade("RI") == "requires_improvement"
    assert parse_grade("Req. improvement") == "requires_improvement"
    assert parse_grade(" Good ") == "good"
    with pytest.raises(UserError, match="not a grade"):
        parse_grade("fine")


def test_friday_to_monday_is_one_working_day_not_late() -> None:
    fri, mon, tue = date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 24)
    assert told_working_days(CAL, fri, mon) == 1
    assert not escalation_is_late(CAL, fri, mon)
    assert escalation_is_late(CAL, fri, tue)


def test_liberation_day_is_not_counted() -> None:
    # Thursday 8 May 2025 -> Monday 12 May: Friday 9 May is Liberation Day, so one working day
    assert told_working_days(CAL, date(2025, 5, 8), date(2025, 5, 12)) == 1
    assert not escalation_is_late(CAL, date(2025, 5, 8), date(2025, 5, 12))
    assert escalation_is_late(CAL, date(2025, 5, 8), date(2025, 5, 13))
    # identified on Liberation Day itself: the count starts on Monday
    assert told_working_days(CAL, date(2025, 5, 9), date(2025, 5, 13)) == 1


def test_site_closure_counts_as_non_working() -> None:
    closed = make_calendar(closures=[date(2026, 11, 23)])
    assert escalation_is_late(CAL, date(2026, 11, 20), date(2026, 11, 24))
    assert not escalation_is_late(closed, date(2026, 11, 20), date(2026, 11, 24))


def test_told_before_identified_is_refused() -> None:
    with pytest.raises(UserError, match="before --identified"):
        told_working_days(CAL, date(2026, 11, 20), date(2026, 11, 19))


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_same_day_and_next_working_day_are_never_late(d: date) -> None:
    assert not escalation_is_late(CAL, d, d)
    assert not escalation_is_late(CAL, d, CAL.add_working_days(d, 1))
    assert escalation_is_late(CAL, d, CAL.add_working_days(d, 2))


def test_action_states() -> None:
    as_of = date(2026, 11, 10)
    assert action_state(date(2026, 11, 11), None, None, as_of) == "open"
    assert action_state(date(2026, 11, 10), None, None, as_of) == "open"
    assert action_state(date(2026, 11, 9), None, None, as_of) == "overdue"
    assert action_state(date(2026, 11, 9), date(2026, 11, 9), None, as_of) == "completed"
    assert action_state(None, as_of, as_of, as_of) == "signed_off"


def test_action_transitions_refused() -> None:
    d = date(2026, 11, 10)
    with pytest.raises(UserError, match="already completed"):
        check_complete(1, d, None)
    with pytest.raises(UserError, match="not completed yet"):
        check_sign_off(1, None, None)
    with pytest.raises(UserError, match="cannot be signed off twice"):
        check_sign_off(1, d, d)
    check_sign_off(1, d, None)  # completed, not signed off: fine


def _c(aid: str, grade: str | None, esc: bool = False) -> Tier3Candidate:
    return Tier3Candidate(aid, "C" + aid[-3:], grade, esc)


def test_tier3_order_escalations_then_inadequate_then_ri() -> None:
    cands = [_c("2026-10-001", "good"), _c("2026-10-002", "requires_improvement"),
             _c("2026-10-003", "inadequate"), _c("2026-10-004", "outstanding", esc=True),
             _c("2026-10-005", "inadequate"), _c("2026-10-006", "good")]
    ranked = tier3_shortlist(cands, seed=7, key="2026-11")
    assert ranked[0].allocation_id == "2026-10-004"
    assert {r.allocation_id for r in ranked[1:3]} == {"2026-10-003", "2026-10-005"}
    assert ranked[3].allocation_id == "2026-10-002"
    assert len(ranked) == 4  # the good ones are not shortlisted when there are priorities
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert tier3_shortlist(list(reversed(cands)), seed=7, key="2026-11") == ranked


def test_tier3_random_when_nothing_stands_out_is_seeded() -> None:
    cands = [_c(f"2026-10-{i:03d}", "good") for i in range(1, 9)]
    first = tier3_shortlist(cands, seed=99, key="2026-11", limit=3)
    assert len(first) == 3 and all("random" in r.reason for r in first)
    assert tier3_shortlist(cands, seed=99, key="2026-11", limit=3) == first
    picks = {tier3_shortlist(cands, seed=s, key="2026-11", limit=1)[0].allocation_id
             for s in range(30)}
    assert len(picks) > 1  # really random across seeds
    assert tier3_shortlist([], seed=1) == []


def test_reaudit_comparison_per_standard() -> None:
    rows = compare_scores({"2.1": "not_met", "2.10": "met", "5.1": "not_applicable"},
                          {"2.1": "partly_met", "2.10": "partly_met", "2.2": "met"})
    assert [r["standard"] for r in rows] == ["2.1", "2.2", "2.10", "5.1"]
    change = {r["standard"]: r["change"] for r in rows}
    assert change == {"2.1": "improved", "2.2": "not comparable", "2.10": "declined",
                      "5.1": "not comparable"}
    assert grade_change("inadequate", "good") == "improved"
    assert grade_change("good", "good") == "same"
