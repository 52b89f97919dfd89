from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.sampling.draw import draw_sample, history_exclusions
from cfcs_qa.sampling.quotas import largest_remainder
from cfcs_qa.sampling.seeding import generator

DAY1 = date(2026, 11, 2)


def population(sizes: list[int], families: bool = False) -> pd.DataFrame:
    rows = []
    for s, size in enumerate(sizes):
        category = ("cp", "cic", "cin")[s % 3]
        for i in range(size):
            child = f"C{s:02d}{i:03d}"
            rows.append({"child_id": child, "category": category, "team": f"Team {s // 3}",
                         "worker_id": "W", "family_id": f"F{i // 2}" if families else child})
    columns = ["child_id", "category", "team", "worker_id", "family_id"]
    return pd.DataFrame(rows, columns=columns).astype("str")


def history(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["allocation_id", "child_id", "tier", "state",
                                        "issued_date", "completed_date"])
    for col in ("issued_date", "completed_date"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


@given(sizes=st.lists(st.integers(0, 15), min_size=1, max_size=8), n=st.integers(0, 40),
       seed=st.integers(0, 2**32))
@settings(max_examples=30, deadline=None)
def test_sizes_sum_to_n_capped_by_the_eligible_population(sizes, n, seed):
    pop = population(sizes)
    draw = draw_sample(pop, None, DAY1, n=n, rng=generator(seed))
    expected = min(n, len(pop))
    assert len(draw.drawn) == expected == draw.size
    assert int(draw.strata["drawn"].sum()) == expected
    assert (draw.strata["drawn"] <= draw.strata["eligible"]).all()
    assert draw.drawn["child_id"].is_unique


@given(sizes=st.lists(st.integers(1, 40), min_size=1, max_size=7), n=st.integers(1, 12),
       seed=st.integers(0, 2**32))
@settings(max_examples=12, deadline=None)
def test_every_stratum_stays_within_one_case_of_its_share_over_a_year(sizes, n, seed):
    pop = population(sizes)
    total = len(pop)
    n = min(n, total // 12) or 1
    so_far: dict[tuple[str, str], int] = {}
    rng_seeds = np.random.SeedSequence(seed).generate_state(12)
    for month in range(12):
        draw = draw_sample(pop, None, DAY1, n=n, rng=generator(int(rng_seeds[month])),
                           drawn_so_far=so_far)
        for row in draw.strata.itertuples():
            so_far[(row.category, row.team)] = so_far.get((row.category, row.team), 0) + row.drawn
        drawn_total = sum(so_far.values())
        for row in draw.strata.itertuples():
            share = row.cases / total * drawn_total
            assert abs(so_far[(row.category, row.team)] - share) < 1 + 1e-9, (month, row)


def test_first_month_is_plain_largest_remainder():
    pop = population([5, 3, 2])  # shares 0.5, 0.3, 0.2 of n = 4 -> 2, 1.2, 0.8 -> 2, 1, 1
    draw = draw_sample(pop, None, DAY1, n=4, rng=generator(7))
    assert draw.strata["drawn"].tolist() == [2, 1, 1] or draw.strata.sort_values(
        "cases")["drawn"].tolist() == [1, 1, 2]
    by_cases = dict(zip(draw.strata["cases"], draw.strata["drawn"], strict=True))
    assert by_cases == {5: 2, 3: 1, 2: 1}


def test_shortfall_moves_cases_to_a_stratum_behind_its_share():
    pop = population([5, 5])
    keys = [(r.category, r.team) for r in draw_sample(pop, None, DAY1, n=0,
                                                       rng=generator(1)).strata.itertuples()]
    draw = draw_sample(pop, None, DAY1, n=2, rng=generator(1),
                       drawn_so_far={keys[0]: 4, keys[1]: 0})
    # entitlement by the end: 0.5 x 6 = 3 each; the first already had 4
    assert dict(zip(keys, draw.strata["drawn"], strict=True)) == {keys[0]: 0, keys[1]: 2}


def test_largest_remainder_ties_go_by_the_seeded_rank_and_caps_redistribute():
    assert largest_remainder([0.5, 0.5], [5, 5], 1, [1, 0]).tolist() == [0, 1]
    assert largest_remainder([0.5, 0.5], [5, 5], 1, [0, 1]).tolist() == [1, 0]
    assert largest_remainder([3.0, 1.0], [1, 5], 4, [0, 1]).tolist() == [1, 3]


@given(seed=st.integers(0, 2**63 - 1))
@settings(max_examples=25, deadline=None)
def test_same_inputs_and_seed_give_the_same_sample(seed):
    pop = population([7, 4, 9, 1], families=True)
    shuffled = pop.sample(frac=1, random_state=3)  # input order must not matter
    a = draw_sample(pop, None, DAY1, n=5, rng=generator(seed))
    b = draw_sample(shuffled, None, DAY1, n=5, rng=generator(seed))
    assert a.drawn["child_id"].tolist() == b.drawn["child_id"].tolist()
    assert a.exclusions.equals(b.exclusions)


def test_different_seeds_usually_differ():
    pop = population([30, 30])
    samples = {tuple(draw_sample(pop, None, DAY1, n=4, rng=generator(s)).drawn["child_id"])
               for s in range(10)}
    assert len(samples) > 5


@given(sizes=st.lists(st.integers(1, 12), min_size=1, max_size=5), n=st.integers(1, 30),
       seed=st.integers(0, 2**32))
@settings(max_examples=50, deadline=None)
def test_at_most_one_child_per_family_and_siblings_recorded(sizes, n, seed):
    pop = population(sizes, families=True)
    draw = draw_sample(pop, None, DAY1, n=n, rng=generator(seed))
    families = pop.set_index("child_id")["family_id"]
    drawn_families = families[draw.drawn["child_id"]].tolist()
    assert len(drawn_families) == len(set(drawn_families))
    assert len(draw.drawn) == min(n, families.nunique())
    sib = draw.exclusions.loc[draw.exclusions["reason"] == "sibling_in_sample", "child_id"]
    expected = set(pop.loc[pop["family_id"].isin(drawn_families)
                           & ~pop["child_id"].isin(draw.drawn["child_id"]), "child_id"])
    assert set(sib) == expected


def test_history_exclusions_each_rule():
    pop = population([10])
    ids = pop["child_id"].tolist()
    hist = history([
        # open allocation from long ago: open_audit
        {"allocation_id": "2024-01-001", "child_id": ids[0], "tier": 2, "state": "issued",
         "issued_date": "2024-01-02"},
        # completed 11 months before Day 1: recently audited
        {"allocation_id": "2025-12-001", "child_id": ids[1], "tier": 2, "state": "completed",
         "issued_date": "2025-11-03", "completed_date": "2025-12-02"},
        # completed 13 months before: eligible again
        {"allocation_id": "2025-10-001", "child_id": ids[2], "tier": 2, "state": "completed",
         "issued_date": "2025-09-01", "completed_date": "2025-10-01"},
        # allocated in the window and not withdrawn (Tier 3): recently audited
        {"allocation_id": "2026-06-001", "child_id": ids[3], "tier": 3, "state": "completed",
         "issued_date": "2026-06-01"},
        # allocated in the window but withdrawn / replaced: eligible
        {"allocation_id": "2026-06-002", "child_id": ids[4], "tier": 2, "state": "withdrawn",
         "issued_date": "2026-06-01"},
        {"allocation_id": "2026-06-003", "child_id": ids[5], "tier": 2, "state": "replaced",
         "issued_date": "2026-06-01"},
        # exactly 12 months before Day 1: still inside
        {"allocation_id": "2025-11-001", "child_id": ids[6], "tier": 2, "state": "completed",
         "issued_date": "2025-10-01", "completed_date": "2025-11-02"},
        # a child not in the population is ignored
        {"allocation_id": "2026-06-004", "child_id": "ZZZ", "tier": 2, "state": "issued",
         "issued_date": "2026-06-01"},
    ])
    out = history_exclusions(pop, hist, DAY1)
    assert dict(zip(out["child_id"], out["reason"], strict=True)) == {
        ids[0]: "open_audit", ids[1]: "recently_audited", ids[3]: "recently_audited",
        ids[6]: "recently_audited"}
    assert "2025-12-001" in out.set_index("child_id").loc[ids[1], "detail"]
    draw = draw_sample(pop, hist, DAY1, n=10, rng=generator(3))
    assert len(draw.drawn) == 6
    assert not set(draw.drawn["child_id"]) & set(out["child_id"])
    assert draw.strata["eligible"].tolist() == [6]
    assert draw.population["eligible"].sum() == 6
