"""``make bench``'s cold runs: a cache folder emptied of its entries, its holiday table kept."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cfcs_qa.holiday_table import memo_name

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cold_runs_find_no_entry_but_keep_the_holiday_table(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    entry = cache / ("ab" * 32)
    (entry / "kept").mkdir(parents=True)
    (entry / "visits.arrow").write_bytes(b"x")
    (cache / ".tmp-entry").mkdir()
    (cache / "stray.txt").write_text("x")
    table = memo_name("0.109", 2000, 2045)  # the name the holiday table is kept under
    (cache / table).write_text("{}")
    (cache / (table + ".tmp")).write_text("{}")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("x")
    (cache / "link").symlink_to(elsewhere, target_is_directory=True)

    _bench().without_entries(cache)

    assert sorted(p.name for p in cache.iterdir()) == [table]
    assert (elsewhere / "keep.txt").exists()  # a link is removed, not followed


def test_a_missing_cache_folder_is_left_missing(tmp_path: Path) -> None:
    _bench().without_entries(tmp_path / "none")
    assert not (tmp_path / "none").exists()
