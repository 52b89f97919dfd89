import functools
from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.config import AuditSettings, Settings
from cfcs_qa.sampling.auditors import available_auditors, conflicts, coordinators
from cfcs_qa.sampling.match import match_cases
from cfcs_qa.sampling.seeding import generator

from .fixtures import extract, frame, staff_row

DAY1 = date(2026, 11, 2)


def cases(ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"child_id": ids, "team": ["T"] * len(ids)}, dtype="str")


def people(ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"staff_id": ids, "role": ["iro"] * len(ids), "team": [None] * len(ids)},
                        dtype="str")


def conflict_table(pairs: set[tuple[str, str]]) -> pd.DataFrame:
    rows = sorted(pairs)
    return pd.DataFrame({"child_id": [c for c, _ in rows], "staff_id": [a for _, a in rows],
                         "rule": "held", "reason": "was the case's worker"}, dtype="str")


NO_COORD = people([])


def brute_force(case_ids, auditor_ids, banned) -> int:
    """The largest allocation by trying everything, each auditor taking as many cases as the
    rounds give them (one each unless there are more cases than auditors)."""
    if not auditor_ids:
        return 0
    rounds = 1 + max(0, -(-(len(case_ids) - len(auditor_ids)) // len(auditor_ids)))

    @functools.cache
    def best(i: int, capacity: tuple[int, ...]) -> int:
        if i == len(case_ids):
            return 0
        options = [best(i + 1, capacity)]
        for j, a in enumerate(auditor_ids):
            if capacity[j] and (case_ids[i], a) not in banned:
                left = capacity[:j] + (capacity[j] - 1,) + capacity[j + 1:]
                options.append(1 + best(i + 1, left))
        return max(options)

    return best(0, (rounds,) * len(auditor_ids))


@given(n_cases=st.integers(0, 6), n_auditors=st.integers(0, 6),
       banned_bits=st.lists(st.booleans(), min_size=36, max_size=36), seed=st.integers(0, 999))
@settings(max_examples=150, deadline=None)
def test_matching_is_maximum_and_never_allocates_a_conflict(n_cases, n_auditors, banned_bits,
                                                           seed):
    case_ids = [f"C{i}" for i in range(n_cases)]
    auditor_ids = [f"S{j}" for j in range(n_auditors)]
    banned = {(c, a) for i, c in enumerate(case_ids) for j, a in enumerate(auditor_ids)
              if banned_bits[i * 6 + j]}
    result = match_cases(cases(case_ids), people(auditor_ids), NO_COORD, conflict_table(banned),
                         generator(seed))
    assert not set(result.assignments.items()) & banned
    if n_cases <= n_auditors:
        assert len(set(result.assignments.values())) == len(result.assignments)  # one case each
    assert len(result.assignments) == brute_force(case_ids, auditor_ids, banned)
    unmatched_cases = {u["child_id"] for u in result.unmatched if "child_id" in u}
    assert unmatched_cases == set(case_ids) - set(result.assignments)


def test_greedy_would_fail_but_the_matching_does_not():
    # C0 may go to S0 or S1, C1 only to S0: taking S0 for C0 first (greedy) strands C1.
    banned = {("C1", "S1")}
    for seed in range(20):
        result = match_cases(cases(["C0", "C1"]), people(["S0", "S1"]), NO_COORD,
                             conflict_table(banned), generator(seed))
        assert result.assignments == {"C0": "S1", "C1": "S0"}
        assert result.unmatched == []


def test_reasons_for_what_cannot_be_matched():
    banned = {("C0", "S0"), ("C0", "S1"), ("C1", "S1")}
    result = match_cases(cases(["C0", "C1"]), people(["S0", "S1"]), NO_COORD,
                         conflict_table(banned), generator(1))
    assert result.assignments == {"C1": "S0"}
    assert result.unmatched == [
        {"child_id": "C0",
         "reason": "every available auditor has a conflict: S0, S1 was the case's worker"},
        {"auditor_id": "S1", "reason": "has a conflict with every case left without an auditor: "
                                       "C0 (was the case's worker)"}]


def test_auditors_without_a_case_when_the_sample_is_small():
    result = match_cases(cases(["C0"]), people(["S0", "S1"]), NO_COORD, conflict_table(set()),
                         generator(2))
    assert len(result.assignments) == 1
    [left] = result.unmatched
    assert left["reason"].startswith("no case for them: the sample has 1 case(s) for 2")


def test_extra_cases_go_to_the_coordinator_first_then_round_the_auditors():
    result = match_cases(cases(["C0", "C1", "C2", "C3"]), people(["S0", "S1"]), people(["P"]),
                         conflict_table(set()), generator(5))
    counts = pd.Series(list(result.assignments.values())).value_counts().to_dict()
    assert counts["P"] == 1 and sorted(counts.values()) == [1, 1, 2]
    assert len(result.assignments) == 4 and result.unmatched == []


def test_same_seed_same_allocation():
    ids = [f"C{i}" for i in range(6)]
    auditors = [f"S{i}" for i in range(6)]
    a = match_cases(cases(ids), people(auditors), NO_COORD, conflict_table(set()), generator(9))
    b = match_cases(cases(ids), people(auditors), NO_COORD, conflict_table(set()), generator(9))
    assert a.assignments == b.assignments


def _conflict_extract():
    return extract(
        allocations=[
            {"child_id": "A", "team": "Team A ", "worker_id": "W1", "start_date": "2026-01-01"},
            {"child_id": "B", "team": "team b", "worker_id": "W2", "start_date": "2025-01-01",
             "end_date": "2026-02-01"},
            {"child_id": "B", "team": "Team C", "worker_id": "W3", "start_date": "2026-02-01"},
            {"child_id": "C", "team": "Team B", "worker_id": "W4", "start_date": "2024-01-01",
             "end_date": "2025-10-01"},  # ended 13 months before Day 1
            {"child_id": "C", "team": "Team C", "worker_id": "W3", "start_date": "2025-10-01"},
        ],
        staff=[staff_row("TM_A", "team_manager", "TEAM A"),
               staff_row("TM_B", "team_manager", "Team B"),
               staff_row("W2", "social_worker", "Team D", auditor=True),
               staff_row("W4", "social_worker", "Team D", auditor=True),
               staff_row("IRO", "iro"),
               staff_row("CSM", "csm"),
               staff_row("OFF", "iro", active=False),
               staff_row("SW", "social_worker", "Team A"),
               staff_row("P", "pdqa_coordinator")],
        cp_conferences=[{"conference_id": "k1", "child_id": "A", "conference_type": "initial",
                         "conference_date": "2026-03-01", "chair_id": "IRO"},
                        {"conference_id": "k2", "child_id": "B", "conference_type": "initial",
                         "conference_date": "2025-10-01", "chair_id": "IRO"}],
        cic_reviews=[{"review_id": "r1", "child_id": "C", "review_date": "2026-10-01",
                      "chair_id": "CSM"}],
    )


def test_available_auditors_and_exemptions():
    ex = _conflict_extract()
    pool, exemptions = available_auditors(ex.get("staff"), ["CSM", "NOBODY"])
    assert pool["staff_id"].tolist() == ["IRO", "TM_A", "TM_B", "W2", "W4"]
    assert [e["staff_id"] for e in exemptions] == ["CSM", "NOBODY"]
    assert "not an available" in exemptions[1]["reason"]
    assert coordinators(ex.get("staff"))["staff_id"].tolist() == ["P"]


def test_every_conflict_rule():
    ex = _conflict_extract()
    pool, _ = available_auditors(ex.get("staff"))
    pool = pd.concat([pool, available_auditors(
        frame("staff", [staff_row("CSM", "csm")]))[0]], ignore_index=True)
    drawn = pd.DataFrame({"child_id": ["A", "B", "C"], "team": ["Team A", "Team C", "Team C"]})
    settings = Settings(audit=AuditSettings(role_teams={"csm": ["Team A"]}))
    table = conflicts(drawn, pool, ex, DAY1, settings)
    got = {(r.child_id, r.staff_id, r.rule) for r in table.itertuples()}
    assert got == {
        ("A", "TM_A", "own_team"),      # trimmed, case-insensitive
        ("A", "TM_A", "managed"),
        ("A", "IRO", "chaired"),        # conference 8 months ago
        ("B", "W2", "held"),            # allocation ended 9 months ago
        ("B", "TM_B", "managed"),       # Team B held B in the last 12 months
        ("C", "CSM", "chaired"),
        ("B", "CSM", "role_rule"), ("C", "CSM", "role_rule"),
    }
    reasons = dict(((r.child_id, r.staff_id, r.rule), r.reason) for r in table.itertuples())
    assert reasons[("A", "IRO", "chaired")] == "chaired this child's CP conference on 2026-03-01"
    # the Team B worker W4 left C 13 months ago and the Oct 2025 conference is out of the window
    assert not {("C", "W4"), ("B", "IRO")} & {(c, s) for c, s, _ in got}
