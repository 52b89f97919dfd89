"""Random small extracts: every KPI runs, percentages stay in 0-100 with numerator <= denominator,
team figures add up to the whole for record-level KPIs, and R12 pools event KPIs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.config import Settings
from cfcs_qa.contract import TABLES
from cfcs_qa.kpi import compute_kpis, load_definitions

from .builders import extract

KSET = load_definitions()
BASE = date(2025, 1, 1)


def _random_tables(seed: int) -> dict[str, list[dict[str, Any]]]:
    rng = np.random.default_rng(seed)
    children = [f"C{i}" for i in range(8)]
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table in TABLES.items():
        rows = []
        for i in range(int(rng.integers(0, 12))):
            row: dict[str, Any] = {}
            start = BASE + timedelta(days=int(rng.integers(0, 540)))
            for col in table.columns:
                blank = not col.required and rng.random() < 0.2
                if col.name == "child_id":
                    row[col.name] = str(rng.choice(children))
                elif blank:
                    row[col.name] = None
                elif col.name == "date_of_birth":
                    row[col.name] = BASE - timedelta(days=int(rng.integers(0, 8000)))
                elif col.type == "date":
                    later = col.name in table.end_dates or col.name in ("start_date",
                                                                        "conference_date")
                    row[col.name] = start + timedelta(days=int(rng.integers(0, 120))) \
                        if later else start
                elif col.type == "bool":
                    row[col.name] = bool(rng.random() < 0.6)
                elif col.type == "int":
                    row[col.name] = 2025 + i if col.name == "year" else int(rng.integers(1, 9999))
                elif col.type in ("enum", "code"):
                    row[col.name] = str(rng.choice(list(col.values)))
                elif col.name == "team":
                    row[col.name] = str(rng.choice(["Team A", "Team B"]))
                else:
                    row[col.name] = f"{name[:2]}{i}"
            rows.append(row)
        out[name] = rows
    out["children"] = [{"child_id": c, "date_of_birth": BASE - timedelta(days=400 * j)}
                       for j, c in enumerate(children)]
    return out


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10**6))
def test_random_extracts_keep_the_invariants(seed: int) -> None:
    ex = extract(date(2026, 7, 15), **_random_tables(seed))
    month = compute_kpis(ex, Settings(), date(2026, 3, 1), by_team=True, kset=KSET,
                         with_ids=True, history=2)
    for k in month.kpis:
        if k.unit == "percent" and k.status == "ok":
            assert 0 <= k.value <= 100 and 0 <= k.numerator <= k.denominator
            assert len(k.ids["numerator"]) == k.numerator
            assert set(k.ids["numerator"]) <= set(k.ids["denominator"])
        if k.by_team and KSET.find(k.number).count == "records" and k.status == "ok":
            assert sum(t["numerator"] for t in k.by_team.values()) == k.numerator
        assert k.history[-1]["value"] == k.value


# R12 evaluates every event KPI twelve times (about 1.2 s an extract, whatever its size), so it
# has its own test with fewer examples; the month invariants above keep eight.
@settings(max_examples=4, deadline=None)
@given(st.integers(0, 10**6))
def test_r12_pools_event_kpis_and_keeps_snapshots(seed: int) -> None:
    ex = extract(date(2026, 7, 15), **_random_tables(seed))
    month = compute_kpis(ex, Settings(), date(2026, 3, 1), kset=KSET)
    r12 = compute_kpis(ex, Settings(), date(2026, 3, 1), period="r12", kset=KSET)
    for k, pooled in zip(month.kpis, r12.kpis, strict=True):
        kind = KSET.find(k.number).kind
        if kind == "snapshot":
            assert (pooled.value, pooled.snapshot) == (k.value, True)
        if pooled.unit == "percent" and pooled.status == "ok":
            assert 0 <= pooled.value <= 100 and 0 <= pooled.numerator <= pooled.denominator
            if kind == "event" and k.status == "ok":  # the 12 months include this one
                assert pooled.numerator >= k.numerator
                assert pooled.denominator >= k.denominator
