"""The date columns the loader sorts for the cache are the ones the KPI engine searches, and
a run served with those orders (rows out of date order) equals a run without the cache."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cfcs_qa.config import load_settings
from cfcs_qa.ingest import load
from cfcs_qa.kpi import compute_kpis, load_definitions
from cfcs_qa.kpi.frames import Prepared
from cfcs_qa.kpi.month_rows import searched_columns
from cfcs_qa.paths import sample_data_dir

RunCli = Callable[..., tuple[int, str, str]]
AS_OF = date(2026, 11, 20)


def _shuffled_copy(dest: Path) -> Path:
    """The sample extract with every table's rows in a random order (same rows, same bytes
    per row), so that no date column is already in order."""
    shutil.copytree(sample_data_dir(), dest)
    rng = random.Random(20261126)
    for path in dest.glob("*.csv"):
        header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
        rng.shuffle(rows)
        path.write_text(header + "".join(rows), encoding="utf-8")
    return dest


def test_the_searched_columns_are_the_ones_the_engine_searches(
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(None)
    kset = load_definitions(settings)
    extract = load(sample_data_dir(), settings, AS_OF)
    searched: set[tuple[str, str]] = set()
    original = Prepared._date_order

    def recording(self: Prepared, name: str, column: str) -> Any:
        searched.add((name, column))
        return original(self, name, column)

    monkeypatch.setattr(Prepared, "_date_order", recording)
    for period in ("month", "r12"):
        compute_kpis(extract, settings, date(2026, 10, 1), as_of=AS_OF, period=period,
                     by_team=True, history=3, kset=kset)
    expected = {(t, c) for t, columns in searched_columns(kset.kpis).items() for c in columns}
    derived = {"cp_plans_continuous", "cin_plans_continuous", "periods_of_care",
               "placements_merged"}
    assert {(t, c) for t, c in searched if t not in derived} == expected
    assert ("visits", "visit_date") in expected and ("referrals", "referral_date") in expected


def test_only_enabled_kpis_count() -> None:
    kset = load_definitions(load_settings(None))
    for k in kset.kpis:
        k.enabled = k.id == "contacts_received"  # KPI 11, and its extras
    assert searched_columns(kset.kpis) == {"contacts": {"received_date", "completed_date"}}
    for k in kset.kpis:
        k.enabled = False
    assert searched_columns(kset.kpis) == {}


def test_only_searched_columns_are_sorted_and_kept(tmp_path: Path) -> None:
    data = _shuffled_copy(tmp_path / "x")
    settings = load_settings(None)
    wanted = {"contacts": {"received_date"}, "visits": {"visit_date"}}
    cache = tmp_path / "cache"
    first = load(data, settings, AS_OF, cache_dir=cache, order_columns=wanted)
    again = load(data, settings, AS_OF, cache_dir=cache, order_columns=wanted)
    for extract in (first, again):
        assert {t: set(o) for t, o in extract.date_orders.items() if o} == wanted


def test_a_run_served_with_kept_orders_equals_one_without_the_cache(
        run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = ("--data", str(_shuffled_copy(tmp_path / "x")))
    monkeypatch.setenv("CFCS_QA_CACHE", str(tmp_path / "cache"))
    args = ("kpis", "--format", "json", "--history", "12", "--by", "team", "--with-ids",
            "--month", "2026-10", "--as-of", "2026-11-20")
    plain = run_cli(*args, *data, "--no-cache")
    first = run_cli(*args, *data)  # sorts the searched columns, writes the entry
    served = run_cli(*args, *data)  # reads the orders back
    assert plain[0] == first[0] == served[0] == 0
    assert plain[1] == first[1] == served[1]
