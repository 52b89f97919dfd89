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
from cfcs_qa.kpi.frames import CONTINUOUS, child_rank_of, derived_frame
from cfcs_qa.kpi.kept import CHILD_RANK, kept_frames
from cfcs_qa.paths import sample_data_dir

AS_OF = date(2026, 11, 20)


def _twice(cache: Path, keep: KeptFrames) -> tuple[object, object]:
    settings = load_settings(None)
    first = load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=keep)
    again = load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=keep)
    return first, again


def test_kept_frames_equal_the_ones_the_engine_makes(tmp_path: Path) -> None:
    first, again = _twice(tmp_path / "cache", kept_frames())
    # made once for the run that wrote the entry (by the storing thread here), and its
    # engine takes those very frames instead of making them again
    assert set(first.kept_frames) == set(again.kept_frames) == {CHILD_RANK, *CONTINUOUS}
    assert prepare(first, load_settings(None), AS_OF).frame("periods_of_care") is \
        first.kept_frames["periods_of_care"]
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


def test_made_once_whichever_thread_asks_first() -> None:
    import threading
    import time

    from cfcs_qa.ingest.model import Extract
    from cfcs_qa.kpi.kept import made_once

    extract = Extract(tables={}, reports={}, findings=[], as_of=AS_OF)
    calls: list[int] = []

    def make() -> pd.DataFrame:
        calls.append(1)
        time.sleep(0.05)  # the other thread asks meanwhile, and waits
        return pd.DataFrame({"x": [1]})

    got: list[pd.DataFrame] = []
    threads = [threading.Thread(target=lambda: got.append(made_once(extract, "f", make)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(got) == 4 and all(g is got[0] for g in got)
    assert extract.kept_frames["f"] is got[0]
