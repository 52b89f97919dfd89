"""Engine conventions: RAG, direction, R12 pooling, snapshots, provisional months, history,
--by team, site overrides."""

from __future__ import annotations

from datetime import date

import pytest

from cfcs_qa.config import KpiOverride, Settings
from cfcs_qa.errors import ConfigError
from cfcs_qa.kpi import compute_kpis, load_definitions
from cfcs_qa.kpi.rag import direction, rag

from .builders import extract, kids, kpi


def _def(number: int):  # type: ignore[no-untyped-def]
    k = load_definitions().find(number)
    assert k is not None
    return k


@pytest.mark.parametrize(("number", "value", "den", "expected"), [
    (7, 95.0, 20, "green"), (7, 90.0, 20, "amber"), (7, 89.999, 20, "red"),
    (7, 99.0, 4, None),  # below the minimum denominator
    (1, 20.0, 50, "green"), (1, 25.0, 50, "amber"), (1, 25.0001, 50, "red"),
    (2, 50.0, 50, None),  # context: no target
    (7, None, 50, None),
])
def test_rag_on_unrounded_value(number: int, value: float | None, den: int,
                                expected: str | None) -> None:
    assert rag(_def(number), value, den, 5, 5) == expected


def test_direction_by_polarity() -> None:
    assert direction(_def(7), 90, 80) == "improving"
    assert direction(_def(1), 90, 80) == "worsening"
    assert direction(_def(2), 90, 80) == "up"
    assert direction(_def(2), 80, 80) == "same"
    assert direction(_def(7), None, 80) is None


def _referrals(months: dict[str, tuple[int, int]]) -> list[dict[str, object]]:
    """Per month: (decided on the day, decided late) referrals."""
    rows = []
    for month, (good, late) in months.items():
        for i in range(good + late):
            day = f"{month}-0{3 + (i % 3)}"
            decided = day if i < good else f"{month}-25"
            rows.append({"referral_id": f"{month}-{i}", "child_id": f"C{month}{i}",
                         "referral_date": day, "decision_date": decided})
    return rows


def test_r12_pools_events_and_previous_and_history() -> None:
    months = {f"2025-{m:02d}": (m, 1) for m in range(6, 13)}
    months.update({f"2026-{m:02d}": (m, 2) for m in range(1, 6)})
    ex = extract(date(2026, 6, 10), referrals=_referrals(months))
    r12 = kpi(ex, 7, "2026-05", period="r12")
    good = sum(g for g, _ in months.values())
    total = sum(g + b for g, b in months.values())
    assert (r12.numerator, r12.denominator) == (good, total)
    assert r12.value == good * 100 / total and r12.snapshot is False
    month = kpi(ex, 7, "2026-05", history=3)
    assert (month.numerator, month.denominator) == (5, 7)
    assert month.previous == 4 * 100 / 6 and month.direction == "improving"
    assert [h["month"] for h in month.history] == ["2026-03", "2026-04", "2026-05"]
    assert month.history[0] == {"month": "2026-03", "value": 60.0, "numerator": 3,
                                "denominator": 5}


def test_r12_snapshot_kpi_gives_month_end_value() -> None:
    plans = [{"plan_id": "P1", "child_id": "C1", "start_date": "2025-01-01",
              "end_date": "2026-01-31"},
             {"plan_id": "P2", "child_id": "C2", "start_date": "2025-01-01"}]
    r = kpi(extract(date(2026, 6, 10), cp_plans=plans), 13, "2026-05", period="r12")
    assert (r.value, r.snapshot) == (1, True)


def test_provisional_when_month_end_after_extract_date_and_no_cases() -> None:
    ex = extract(date(2026, 5, 20), referrals=[])
    r = kpi(ex, 7, "2026-05")
    assert (r.provisional, r.status, r.value, r.rag, r.denominator) == \
        (True, "no_cases", None, None, 0)
    assert kpi(ex, 7, "2026-04").provisional is False


def test_by_team_allocation_open_at_reference_date_started_last() -> None:
    refs = [{"referral_id": f"R{i}", "child_id": c, "referral_date": d, "decision_date": d}
            for i, (c, d) in enumerate([("C1", "2026-05-10"), ("C2", "2026-05-10"),
                                        ("C3", "2026-05-10"), ("C4", "2026-05-10")])]
    alloc = [
        {"child_id": "C1", "team": "Team A", "start_date": "2026-01-01"},
        {"child_id": "C1", "team": "Team B", "start_date": "2026-03-01"},  # overlapping, later
        {"child_id": "C2", "team": "Team A", "start_date": "2026-01-01",
         "end_date": "2026-05-10"},  # ended on the referral date: not open
        {"child_id": "C3", "team": "Team A", "start_date": "2026-05-11"},  # starts after
        {"child_id": "C4", "team": "Team A", "start_date": "2026-05-10"},
    ]
    ex = extract(date(2026, 6, 10), referrals=refs, allocations=alloc)
    r = kpi(ex, 12, "2026-05", by_team=True)
    assert r.by_team == {"Team A": {"value": 1, "numerator": 1, "denominator": None},
                         "Team B": {"value": 1, "numerator": 1, "denominator": None},
                         "unallocated": {"value": 2, "numerator": 2, "denominator": None}}
    assert kpi(ex, 12, "2026-05").by_team is None


def test_site_overrides_switch_off_change_target_and_errors() -> None:
    settings = Settings(kpis={"19": KpiOverride(enabled=False),
                              "referral_decisions_1wd": KpiOverride(target=50, tolerance=1)})
    kset = load_definitions(settings)
    report = compute_kpis(extract(date(2026, 6, 10)), settings, date(2026, 5, 1), kset=kset)
    numbers = [k.number for k in report.kpis]
    assert 19 not in numbers and len(numbers) == 30
    seven = next(k for k in report.kpis if k.number == 7)
    assert (seven.target, seven.target_is_default) == (50, False)
    with pytest.raises(ConfigError, match="context KPI"):
        load_definitions(Settings(kpis={"2": KpiOverride(target=10)}))
    with pytest.raises(ConfigError, match="no KPI has number or id '99'"):
        load_definitions(Settings(kpis={"99": KpiOverride(enabled=False)}))


def test_every_result_carries_the_documented_fields() -> None:
    ex = extract(date(2026, 6, 10), children=kids(("C1", "2015-01-01")))
    report = compute_kpis(ex, Settings(), date(2026, 5, 1))
    assert [k.number for k in report.kpis] == list(range(1, 32))
    doc = report.to_dict(with_ids=True)
    for k in doc["kpis"]:
        assert {"number", "id", "title", "group", "unit", "polarity", "status", "provisional",
                "value", "numerator", "denominator", "target", "rag", "previous", "direction",
                "comparators", "blank_flags", "ids"} <= set(k)
    statuses = {k["number"]: k["status"] for k in doc["kpis"]}
    assert statuses[1] == "no_data" and statuses[28] == "no_data"


def test_history_prepares_continuous_records_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from cfcs_qa.kpi import frames

    calls: list[int] = []
    real = frames.continuous

    def counting(rows, by=("child_id",), child_rank=None):  # type: ignore[no-untyped-def]
        calls.append(len(rows))
        return real(rows, by, child_rank)

    monkeypatch.setattr(frames, "continuous", counting)
    plans = [{"plan_id": "P1", "child_id": "C1", "start_date": "2025-01-01"}]
    cin = [{"plan_id": "N1", "child_id": "C2", "start_date": "2025-01-01"}]
    eps = [{"episode_id": "E1", "child_id": "C3", "start_date": "2025-01-01", "full_time": True}]
    ex = extract(date(2026, 6, 10), cp_plans=plans, cin_plans=cin, cic_episodes=eps)
    report = compute_kpis(ex, Settings(), date(2026, 5, 1), history=12)
    assert len(calls) == 3  # CP plans, CIN plans, periods of care: once each for 13 months
    thirteen = next(k for k in report.kpis if k.number == 13)
    assert [h["value"] for h in thirteen.history] == [1] * 12


def test_every_table_present_but_empty_gives_no_cases_or_zero() -> None:
    from cfcs_qa.contract import TABLES

    ex = extract(date(2026, 6, 10), **{name: [] for name in TABLES})
    report = compute_kpis(ex, Settings(), date(2026, 5, 1), by_team=True, history=2,
                          period="r12", with_ids=True, findings=True)
    for k in report.kpis:
        if k.unit == "count":
            assert (k.status, k.value) == ("ok", 0), k.number
        elif k.number == 8:
            assert k.status == "no_data"  # no population figures
        else:
            assert (k.status, k.value, k.rag) == ("no_cases", None, None), k.number
