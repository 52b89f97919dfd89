"""The continuous records the cache entry keeps for the KPI engine: equal to those the engine
makes, served only to the code version that made them, never needed for a right answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from cfcs_qa.config import load_settings
from cfcs_qa.ingest import KeptFrames, load
from cfcs_qa.kpi.engine import prepare
from cfcs_qa.kpi.frames import CHILD_RANK, CONTINUOUS, child_rank_of, derived_frame, kept_frames
from cfcs_qa.paths import sample_data_dir

AS_OF = date(2026, 11, 20)


def _twice(cache: Path, keep: KeptFrames) -> tuple[object, object]:
    settings = load_settings(None)
    first = load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=keep)
    again = load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=keep)
    return first, again


def test_kept_frames_equal_the_ones_the_engine_makes(tmp_path: Path) -> None:
    first, again = _twice(tmp_path / "cache", kept_frames())
    assert first.kept_frames == {}  # the run that writes the entry makes its own
    assert set(again.kept_frames) == {CHILD_RANK, *CONTINUOUS}
    rank = child_rank_of(first)
    assert again.kept_frames[CHILD_RANK][CHILD_RANK].to_numpy().tolist() == rank.tolist()
    for name in CONTINUOUS:
        made = derived_frame(first, name, lambda: rank)
        assert len(made) > 0
        pd.testing.assert_frame_equal(again.kept_frames[name], made, check_exact=True)
    p = prepare(again, load_settings(None), AS_OF)
    assert p.frame("cin_plans_continuous") is again.kept_frames["cin_plans_continuous"]
    assert p.child_rank().tolist() == rank.tolist()


def test_served_only_to_the_version_that_made_them(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _twice(cache, kept_frames())
    (meta,) = cache.glob("*/meta.json")
    stamp = meta.stat().st_mtime_ns
    other = replace(kept_frames(), version="some other engine")
    served = load(sample_data_dir(), load_settings(None), AS_OF, cache_dir=cache, keep=other)
    assert meta.stat().st_mtime_ns == stamp  # served by the entry, not written again
    assert served.kept_frames == {}
    p = prepare(served, load_settings(None), AS_OF)
    assert len(p.frame("cin_plans_continuous")) > 0  # made by the engine instead


def test_frames_that_cannot_be_made_leave_the_entry_without_them(tmp_path: Path) -> None:
    def broken(extract: object) -> dict[str, pd.DataFrame]:
        raise RuntimeError("no")

    first, again = _twice(tmp_path / "cache", KeptFrames(version="v", make=broken))
    assert again.kept_frames == {}
    assert set(again.tables) == set(first.tables)  # the entry itself was written and served
