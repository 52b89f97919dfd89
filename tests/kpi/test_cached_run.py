"""A run answered by the validated-table cache (memory-mapped Arrow files, child codes kept)
gives exactly what a run without the cache gives: every KPI, by team and over 12 months, and
the records behind figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cfcs_qa.paths import sample_data_dir

RunCli = Callable[..., tuple[int, str, str]]
COMMON = ("--month", "2026-10", "--as-of", "2026-11-20")


@pytest.mark.parametrize("args", [
    ("kpis", "--format", "json", "--by", "team", "--history", "12", "--with-ids"),
    ("kpis", "--format", "json", "--period", "r12"),
    ("explain", "6", "--format", "json"),
    ("explain", "16", "--format", "json"),
])
def test_cached_run_equals_uncached(args: tuple[str, ...], run_cli: RunCli, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("CFCS_QA_CACHE", str(cache))
    data = ("--data", str(sample_data_dir()))
    plain = run_cli(*args, *data, *COMMON, "--no-cache")
    assert not cache.exists()
    first = run_cli(*args, *data, *COMMON)  # loads, and writes the entry
    (entry,) = [p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if args[0] == "kpis":  # working-day KPIs: the holiday table is kept beside the entries
        assert [p.name.split("-")[:2] for p in cache.glob("*.json")] == [["holidays", "GG"]]
    stamp = (entry / "manifest.json").stat().st_mtime_ns
    cached = run_cli(*args, *data, *COMMON)  # served by the entry
    assert (entry / "manifest.json").stat().st_mtime_ns == stamp
    assert plain[0] == first[0] == cached[0] == 0
    assert plain[1] == first[1] == cached[1]
