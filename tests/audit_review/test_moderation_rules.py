"""The moderation sample (reproducible, incremental) and the team rule for moderators."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.audit.moderation import (
    AuditForModeration,
    ModerationPick,
    allocate_moderators,
    moderator_conflict,
    sampled_count,
    select_for_moderation,
)
from cfcs_qa.audit.staff_roles import StaffMember, same_team

from .conftest import STAFF

TEAMS = ["Team A", "Team B", "Team C"]


def _audits(n: int, grades: list[str | None]) -> list[AuditForModeration]:
    return [AuditForModeration(f"2026-10-{i + 1:03d}", grades[i % len(grades)], "S010",
                               "Team A", TEAMS[i % 3], "W1") for i in range(n)]


def test_sampled_count_rounds_up() -> None:
    assert sampled_count(0, 0.1) == 0
    assert sampled_count(9, 0.1) == 1
    assert sampled_count(10, 0.1) == 1
    assert sampled_count(30, 0.1) == 3  # 0.1 * 30 is 3.0000000000000004 in floats
    assert sampled_count(11, 0.1) == 2
    assert sampled_count(5, 0) == 0


def test_all_inadequate_and_outstanding_plus_share_of_rest() -> None:
    audits = _audits(24, ["good", "inadequate", "requires_improvement", "outstanding",
                          "good", "good"])
    picks = select_for_moderation(audits, share=0.1, seed=5, key="2026-10")
    must = {a.allocation_id for a in audits if a.grade in ("inadequate", "outstanding")}
    assert must <= {p.allocation_id for p in picks}
    sampled = [p for p in picks if p.reason == "sampled"]
    assert len(sampled) == 2  # 16 others: ceil(1.6)
    assert all(p.allocation_id not in must for p in sampled)


def test_not_completed_audits_are_not_picked() -> None:
    audits = _audits(6, [None, "inadequate"])
    picks = select_for_moderation(audits, share=1.0, seed=1)
    assert {p.allocation_id for p in picks} == {a.allocation_id for a in audits if a.grade}


def test_reproducible_and_independent_of_input_order() -> None:
    audits = _audits(40, ["good", "requires_improvement"])
    one = select_for_moderation(audits, share=0.1, seed=42, key="2026-10")
    shuffled = audits[:]
    random.Random(3).shuffle(shuffled)
    assert select_for_moderation(shuffled, share=0.1, seed=42, key="2026-10") == one
    others = {tuple(p.allocation_id for p in select_for_moderation(
        audits, share=0.1, seed=s, key="2026-10")) for s in range(20)}
    assert len(others) > 1  # the seed matters


def test_incremental_keeps_earlier_choices() -> None:
    month_ids = [f"2026-10-{i:03d}" for i in range(1, 31)]
    early = [AuditForModeration(i, "good", "S010", "Team A", "Team B") for i in month_ids[:12]]
    first = select_for_moderation(early, share=0.1, seed=8, key="2026-10",
                                  month_allocation_ids=month_ids)
    later = early + [AuditForModeration(i, "good", "S010", "Team A", "Team B")
                     for i in month_ids[12:]]
    again = select_for_moderation(later, share=0.1, seed=8, key="2026-10",
                                  month_allocation_ids=month_ids,
                                  already_sampled=[p.allocation_id for p in first])
    assert {p.allocation_id for p in first} <= {p.allocation_id for p in again}
    assert len(again) == 3


def test_conflicts_team_auditor_worker_role_and_tier3() -> None:
    audit = AuditForModeration("2026-10-001", "good", "S011", "Team B", "Team A", "W1")
    assert moderator_conflict(STAFF["S010"], audit) == "is in the case's team (Team A)"
    assert "auditor's team" in (moderator_conflict(
        StaffMember("X", "team_manager", " team b "), audit) or "")
    assert moderator_conflict(STAFF["S011"], audit) == "is the auditor of this audit"
    assert "social_worker" in (moderator_conflict(STAFF["W2"], audit) or "")
    assert moderator_conflict(STAFF["S003"], audit) is None
    tier3 = AuditForModeration("2026-11-009", None, "S001", "Directorate", "Team A", "W1", 3)
    assert "S&QA" in (moderator_conflict(STAFF["S003"], tier3) or "")
    assert moderator_conflict(STAFF["S020"], tier3) is None
    inactive = StaffMember("S099", "service_manager", "Area", active=False)
    assert moderator_conflict(inactive, audit) == "is not active in the staff table"


def test_allocation_prefers_service_managers_and_spreads_load() -> None:
    audits = {a.allocation_id: a for a in _audits(4, ["good"])}
    picks = [ModerationPick(i, "sampled") for i in audits]
    out = allocate_moderators(picks, audits, STAFF.values())
    assert [a.moderator_id for a in out][:2] == ["S003", "S004"]
    assert len({a.moderator_id for a in out}) == 4  # one each before anyone gets two
    assert allocate_moderators(picks, audits, STAFF.values()) == out


def test_nobody_eligible_is_reported() -> None:
    audit = AuditForModeration("2026-10-001", "good", "S010", "Team A", "Team A")
    out = allocate_moderators([ModerationPick("2026-10-001", "sampled")],
                              {"2026-10-001": audit}, [STAFF["S010"], STAFF["S013"]])
    assert out[0].moderator_id is None and "nobody eligible" in out[0].reason


staff_st = st.builds(
    StaffMember,
    staff_id=st.sampled_from([f"S{i:03d}" for i in range(30)]),
    role=st.sampled_from(["team_manager", "deputy_manager", "service_manager", "csm", "iro",
                          "pdqa_coordinator", "associate_director", "social_worker"]),
    team=st.sampled_from(TEAMS + ["S&QA", None]),
    active=st.booleans(),
)
audit_st = st.builds(
    AuditForModeration,
    allocation_id=st.sampled_from([f"2026-10-{i:03d}" for i in range(1, 15)]),
    grade=st.sampled_from(["good", "inadequate"]),
    auditor_id=st.sampled_from([f"S{i:03d}" for i in range(30)]),
    auditor_team=st.sampled_from(TEAMS + ["S&QA"]),
    case_team=st.sampled_from(TEAMS),
    worker_id=st.sampled_from([f"S{i:03d}" for i in range(30)] + [None]),
    tier=st.sampled_from([2, 3]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(staff_st, max_size=12), st.lists(audit_st, max_size=10))
def test_team_rule_always_holds(staff: list[StaffMember],
                                audits: list[AuditForModeration]) -> None:
    by_id = {a.allocation_id: a for a in audits}
    people = {m.staff_id: m for m in staff}
    picks = [ModerationPick(i, "sampled") for i in by_id]
    for a in allocate_moderators(picks, by_id, people.values()):
        if a.moderator_id is None:
            continue
        m, audit = people[a.moderator_id], by_id[a.allocation_id]
        assert m.active and m.staff_id != audit.auditor_id
        assert not same_team(m.team, audit.auditor_team)
        assert not same_team(m.team, audit.case_team)
        if audit.tier == 3:
            assert m.role in ("csm", "iro", "pdqa_coordinator")
