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
from cfcs_qa.kpi.kept import CHILD_RANK, frames_to_keep
from cfcs_qa.paths import sample_data_dir

AS_OF = date(2026, 11, 20)


def _twice(cache: Path, keep: KeptFrames) -> tuple[object, object]:
    settings = load_settings(None)
    first = load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=keep)
    again = load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=keep)
    return first, again


def test_kept_frames_equal_the_ones_the_engine_makes(tmp_path: Path) -> None:
    first, again = _twice(tmp_path / "cache", frames_to_keep())
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
    _twice(cache, frames_to_keep())
    (meta,) = cache.glob("*/meta.json")
    stamp = meta.stat().st_mtime_ns
    other = replace(frames_to_keep(), version="some other engine")
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


def test_the_locks_of_an_extract_go_with_it() -> None:
    import gc

    from cfcs_qa.ingest.model import Extract
    from cfcs_qa.kpi import kept

    def used() -> int:
        extract = Extract(tables={}, reports={}, findings=[], as_of=AS_OF)
        kept.made_once(extract, "f", lambda: pd.DataFrame({"x": [1]}))
        assert [k for k in kept._locks if k[0] == id(extract)]
        return id(extract)

    gone = used()
    gc.collect()
    assert not [k for k in kept._locks if k[0] == gone]


def _entry(cache: Path) -> Path:
    (entry,) = [p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return entry


def test_an_entry_written_without_them_gets_them_from_the_first_kpi_run(tmp_path: Path) -> None:
    import stat

    from cfcs_qa.ingest import cache as cache_module

    cache, settings = tmp_path / "cache", load_settings(None)
    load(sample_data_dir(), settings, AS_OF, cache_dir=cache)  # as `validate` writes it
    entry = _entry(cache)
    assert not (entry / "kept").exists()
    stamp = (entry / "meta.json").stat().st_mtime_ns
    load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=frames_to_keep())
    cache_module.wait_for_stores()  # the frames are added in the background
    assert (entry / "kept").is_dir() and (entry / "meta.json").stat().st_mtime_ns == stamp
    assert stat.S_IMODE((entry / "kept").stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in (entry / "kept").iterdir())
    again = load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=frames_to_keep())
    assert set(again.kept_frames) == {CHILD_RANK, *CONTINUOUS}
    rank = child_rank_of(again)
    for name in CONTINUOUS:
        pd.testing.assert_frame_equal(again.kept_frames[name],
                                      derived_frame(again, name, lambda: rank), check_exact=True)
    assert not list(cache.glob(".tmp-*"))  # nothing half-written left behind


def test_altered_or_foreign_kept_frames_are_removed_and_the_entry_still_served(
        tmp_path: Path) -> None:
    import time

    from cfcs_qa.ingest import cache as cache_module

    cache, settings = tmp_path / "cache", load_settings(None)
    load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=frames_to_keep())
    entry = _entry(cache)
    kept_file = entry / "kept" / "cin_plans_continuous.arrow"
    time.sleep(0.05)
    with open(kept_file, "r+b") as fh:  # one byte changed in place: a new change time
        fh.seek(100)
        byte = fh.read(1)
        fh.seek(100)
        fh.write(bytes([byte[0] ^ 1]))
    stamp = (entry / "meta.json").stat().st_mtime_ns
    altered = kept_file.stat().st_ino
    served = load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=frames_to_keep())
    assert (entry / "meta.json").stat().st_mtime_ns == stamp  # the entry itself was served
    cache_module.wait_for_stores()
    fresh = load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=frames_to_keep())
    assert set(fresh.kept_frames) == {CHILD_RANK, *CONTINUOUS}  # written again, whole
    assert kept_file.stat().st_ino != altered  # the altered folder was removed, not served
    pd.testing.assert_frame_equal(fresh.kept_frames["cin_plans_continuous"],
                                  served.kept_frames["cin_plans_continuous"])
    other = replace(frames_to_keep(), version="another engine")
    load(sample_data_dir(), settings, AS_OF, cache_dir=cache, keep=other)  # not served them
    cache_module.wait_for_stores()
    meta = (entry / "kept" / "meta.json").read_text()
    assert "another engine" in meta  # the other version's frames replaced them
