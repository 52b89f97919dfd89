import pandas as pd

from cfcs_qa.sampling.changes import (
    family_contact_count,
    flag_family_contact,
    move_family_contact,
    replacement_draw,
)
from cfcs_qa.sampling.seeding import derived_seed, generator


def test_family_contact_count_is_the_ceiling_of_the_share():
    assert [family_contact_count(n, 0.10) for n in (0, 1, 9, 10, 11, 20, 30)] == [
        0, 1, 1, 1, 2, 2, 3]
    assert family_contact_count(10, 0.0) == 0


def test_flags_are_seeded_and_capped_by_the_allocations():
    ids = [f"2026-11-{i:03d}" for i in range(1, 12)]
    a = flag_family_contact(ids, 11, 0.1, generator(4))
    assert a == flag_family_contact(list(reversed(ids)), 11, 0.1, generator(4))
    assert len(a) == 2 and a <= set(ids)
    assert len(flag_family_contact(ids[:1], 30, 0.1, generator(4))) == 1


def _rows():
    return [
        {"allocation_id": "2026-11-001", "family_contact": True, "state": "issued"},
        {"allocation_id": "2026-11-002", "family_contact": False, "state": "issued"},
        {"allocation_id": "2026-11-003", "family_contact": False, "state": "withdrawn"},
        {"allocation_id": "2026-11-004", "family_contact": False, "state": "reassigned"},
        {"allocation_id": "2026-11-005", "family_contact": False, "state": "issued",
         "family_contact_declined_reason": "safety"},
        {"allocation_id": "2026-11-006", "family_contact": True, "state": "issued"},
    ]


def test_a_declined_flag_moves_reproducibly_to_an_open_unflagged_allocation():
    moved = {move_family_contact(_rows(), "2026-11-001", seed) for seed in range(40)}
    assert moved == {"2026-11-002", "2026-11-004"}
    assert move_family_contact(_rows(), "2026-11-001", 7) == move_family_contact(
        list(reversed(_rows())), "2026-11-001", 7)
    only_flagged = [r for r in _rows() if r["family_contact"]]
    assert move_family_contact(only_flagged, "2026-11-001", 7) is None


def test_replacement_comes_from_the_same_stratum_reproducibly():
    pop = pd.DataFrame({
        "child_id": ["A", "B", "C", "D", "E", "F"],
        "family_id": ["F1", "F2", "F3", "F3", None, "F9"],
        "category": ["cp", "cp", "cp", "cp", "cp", "cin"],
        "team": ["Team A", "team a ", "Team A", "Team A", "Team A", "Team A"],
        "eligible": [True, True, True, True, False, True],
    })
    # A is being replaced; D's sibling C stays in the sample; E was not eligible; F is cin
    picks = {replacement_draw(pop, ["A", "C"], "cp", "Team A", seed, "2026-11-001",
                              sample_family_ids=["F3"]) for seed in range(30)}
    assert picks == {"B"}
    assert replacement_draw(pop, ["A", "B", "C"], "cp", "Team A", 1, "2026-11-001",
                            sample_family_ids=["F3"]) is None
    assert replacement_draw(pop, ["A"], "cp", "Team A", 3, "x") == replacement_draw(
        pop.iloc[::-1], ["A"], "cp", "Team A", 3, "x")


def test_derived_seeds_are_stable_and_distinct():
    assert derived_seed(1234, "replace", "2026-11-001") == derived_seed(1234, "replace",
                                                                        "2026-11-001")
    assert derived_seed(1234, "replace", "2026-11-001") != derived_seed(1234, "replace",
                                                                        "2026-11-002")
    assert 0 <= derived_seed(2**63 - 1, "family-contact", "x") < 2**63
