"""The validated-table cache: served only when nothing changed, owner-only, never altered."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

from cfcs_qa.config import Settings, parse_settings
from cfcs_qa.ingest import load

from .conftest import AS_OF, write

FILES = {
    "children.csv": "child_id,date_of_birth,disability,family_id\nC1,01/02/2010,Y,F1\n"
                    "C2,bad,N,\n",
    "population.csv": "year,population_0_17\n2026,11512\n",
    "contacts.csv": "contact_id,child_id,received_date,outcome\nK1,C1,01/01/2026,nfa\n"
                    "K2,C9,02/01/2026,\n",
}


def entries(cache: Path) -> list[Path]:
    return [p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")]


def test_second_load_is_served_from_the_cache_unchanged(tmp_path: Path) -> None:
    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    first = load(data, Settings(), AS_OF, cache_dir=cache)
    (entry,) = entries(cache)
    stamp = (entry / "meta.json").stat().st_mtime_ns
    second = load(data, Settings(), AS_OF, cache_dir=cache)
    assert (entry / "meta.json").stat().st_mtime_ns == stamp  # read, not rewritten
    assert second.findings == first.findings
    assert second.reports == first.reports
    assert second.child_of_row == first.child_of_row
    assert set(second.tables) == set(first.tables)
    for name, frame in first.tables.items():
        pd.testing.assert_frame_equal(second.tables[name], frame)


def test_owner_only(tmp_path: Path) -> None:
    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    load(data, Settings(), AS_OF, cache_dir=cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    for path in cache.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_any_change_is_a_new_key(tmp_path: Path) -> None:
    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    load(data, Settings(), AS_OF, cache_dir=cache)
    load(data, Settings(), AS_OF + dt.timedelta(days=1), cache_dir=cache)
    load(data, parse_settings("teams:\n  A: B\n", "x"), AS_OF, cache_dir=cache)
    (data / "contacts.csv").write_text(FILES["contacts.csv"] + "K3,C1,03/01/2026,nfa\n")
    fresh = load(data, Settings(), AS_OF, cache_dir=cache)
    assert list(fresh.get("contacts")["contact_id"]) == ["K1", "K2", "K3"]
    assert len(entries(cache)) == 4


def test_altered_entry_is_never_served(tmp_path: Path) -> None:
    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    first = load(data, Settings(), AS_OF, cache_dir=cache)
    (entry,) = entries(cache)
    frame = first.get("contacts").copy()
    frame.loc[0, "child_id"] = "TAMPERED"
    feather.write_feather(frame, entry / "contacts.arrow", compression="uncompressed")
    again = load(data, Settings(), AS_OF, cache_dir=cache)
    assert list(again.get("contacts")["child_id"]) == ["C1", "C9"]
    meta = entry / "meta.json"
    assert "C9" in meta.read_text()
    meta.write_text(meta.read_text().replace("C9", "C8"))
    assert [f.value for f in load(data, Settings(), AS_OF, cache_dir=cache).findings
            if f.code == "orphan-child"] == ["C9"]
    (entry,) = entries(cache)
    kept = feather.read_table(entry / "_findings.arrow")
    assert "C9" in kept.column("value").to_pylist()
    feather.write_feather(kept.set_column(5, "value", pa.array(["C8"] * kept.num_rows)),
                          entry / "_findings.arrow", compression="uncompressed")
    served = load(data, Settings(), AS_OF, cache_dir=cache)
    assert served.findings == first.findings


def test_a_folder_others_can_read_is_not_used(tmp_path: Path) -> None:
    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    cache.mkdir()
    os.chmod(cache, 0o755)
    load(data, Settings(), AS_OF, cache_dir=cache)
    assert list(cache.iterdir()) == []


def test_no_cache_dir_writes_nothing(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = write(tmp_path / "x", FILES)
    monkeypatch.chdir(tmp_path)
    load(data, Settings(), AS_OF)
    assert not (tmp_path / ".cfcs-qa-cache").exists()


def test_prefetched_digests_are_used_and_a_changed_file_is_hashed_again(tmp_path: Path) -> None:
    from cfcs_qa.ingest import cache as cache_module
    from cfcs_qa.ingest import prefetch

    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    first = load(data, Settings(), AS_OF, cache_dir=cache)
    prefetch(data, Settings(), AS_OF, cache_dir=cache)
    again = load(data, Settings(), AS_OF, cache_dir=cache)
    assert again.child_ids is not None and first.child_ids is not None
    assert again.child_ids.ids.equals(first.child_ids.ids)
    for name, frame in first.tables.items():
        pd.testing.assert_frame_equal(again.get(name), frame)
    contacts = data / "contacts.csv"
    cache_module._hash_all([contacts])  # its digest is now known to this process
    contacts.write_text(FILES["contacts.csv"] + "K3,C2,03/01/2026,nfa\n")
    prefetch(data, Settings(), AS_OF, cache_dir=cache)
    fresh = load(data, Settings(), AS_OF, cache_dir=cache)
    assert list(fresh.get("contacts")["contact_id"]) == ["K1", "K2", "K3"]
    assert fresh.get("contacts")["_c"].tolist() == [0, 2, 1]  # C1, C9 (orphan), C2


def test_prefetch_of_a_missing_folder_is_silent(tmp_path: Path) -> None:
    from cfcs_qa.ingest import prefetch

    prefetch(tmp_path / "nowhere", Settings(), AS_OF, cache_dir=tmp_path / "cache")


def test_cache_key_covers_every_module_the_loader_imports() -> None:
    """A change to any cfcs_qa module that shapes loaded data changes ``code_version``: each
    ``from ..name import`` in ingest/ is hashed (LOADER_MODULES) or keyed another way."""
    import re

    from cfcs_qa.ingest import cache as cache_module

    package = Path(cache_module.__file__).resolve().parent
    imported = {m for path in package.glob("*.py")
                for m in re.findall(r"from \.\.(\w+) import", path.read_text(encoding="utf-8"))}
    assert imported <= set(cache_module.LOADER_MODULES) | set(cache_module.KEYED_ELSEWHERE)


def _hashed_entry_files(monkeypatch, cache: Path) -> list[str]:  # type: ignore[no-untyped-def]
    from cfcs_qa.ingest import cache as cache_module

    seen: list[str] = []
    real = cache_module._file_hash

    def spy(path: Path) -> str:
        if cache in path.parents:
            seen.append(path.name)
        return real(path)

    monkeypatch.setattr(cache_module, "_file_hash", spy)
    cache_module._digests.clear()
    return seen


def test_an_entry_is_judged_by_identity_not_hashed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    seen = _hashed_entry_files(monkeypatch, cache)
    first = load(data, Settings(), AS_OF, cache_dir=cache)
    again = load(data, Settings(), AS_OF, cache_dir=cache)
    assert seen == []  # the entry's files are never hashed (only the extract's files are)
    pd.testing.assert_frame_equal(again.get("contacts"), first.get("contacts"))


def test_a_file_rewritten_with_its_old_size_and_times_is_caught(tmp_path: Path) -> None:
    import time

    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    load(data, Settings(), AS_OF, cache_dir=cache)
    (entry,) = entries(cache)
    meta = entry / "meta.json"
    before = meta.stat()
    time.sleep(0.05)  # past the file clock's tick, as any later write is
    meta.write_text(meta.read_text().replace("C9", "C8"))  # same size
    os.utime(meta, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert meta.stat().st_size == before.st_size
    assert meta.stat().st_mtime_ns == before.st_mtime_ns
    again = load(data, Settings(), AS_OF, cache_dir=cache)
    assert [f.value for f in again.findings if f.code == "orphan-child"] == ["C9"]
    assert "C9" in meta.read_text()  # its change time moved: not served, rebuilt


def test_a_copied_entry_is_rebuilt(tmp_path: Path) -> None:
    import shutil

    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    first = load(data, Settings(), AS_OF, cache_dir=cache)
    (entry,) = entries(cache)
    moved = tmp_path / "copy"
    shutil.copytree(entry, moved, copy_function=shutil.copy2)
    shutil.rmtree(entry)
    moved.rename(entry)  # same bytes and modification times, new inodes
    copied = (entry / "meta.json").stat().st_ino
    again = load(data, Settings(), AS_OF, cache_dir=cache)
    (entry,) = entries(cache)
    assert (entry / "meta.json").stat().st_ino != copied  # not trusted: written again
    assert again.findings == first.findings


def test_date_orders_are_kept_and_equal_a_fresh_sort(tmp_path: Path) -> None:
    import numpy as np

    from cfcs_qa.date_order import stable_order

    files = {**FILES, "contacts.csv": "contact_id,child_id,received_date,outcome\n"  # K3 rejected
             "K1,C1,03/01/2026,nfa\nK2,C9,01/01/2026,\nK3,C1,,nfa\nK4,C2,01/01/2026,nfa\n"}
    data, cache = write(tmp_path / "x", files), tmp_path / "cache"
    assert load(data, Settings(), AS_OF).date_orders == {}  # no cache: the engine sorts
    first = load(data, Settings(), AS_OF, cache_dir=cache)  # sorted by the loader, then kept
    again = load(data, Settings(), AS_OF, cache_dir=cache)
    assert first.date_orders["contacts"]["received_date"].tolist() == \
        again.date_orders["contacts"]["received_date"].tolist()
    kept = again.date_orders["contacts"]["received_date"]
    values = first.get("contacts")["received_date"].to_numpy(dtype="datetime64[ns]")
    assert kept.tolist() == stable_order(values.view("int64")).tolist() == [1, 2, 0]
    assert "children" not in again.date_orders  # one child: already in order, none kept
    assert np.asarray(kept).dtype == np.int32


def test_background_threads_yield_the_cpu_to_the_command() -> None:
    import threading

    from cfcs_qa.ingest.parallel import BACKGROUND_NICE, background_priority

    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    main = nice()
    seen: dict[str, int] = {}

    def work() -> None:
        background_priority()
        seen["thread"] = nice()
        child = threading.Thread(target=lambda: seen.setdefault("started by it", nice()))
        child.start()
        child.join()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen["thread"] == min(main + BACKGROUND_NICE, 19)
    assert seen["started by it"] == seen["thread"]
    assert nice() == main  # the command's own thread keeps its priority


def test_the_store_thread_runs_in_the_background(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from cfcs_qa.ingest import cache as cache_module

    calls: list[str] = []
    monkeypatch.setattr(cache_module, "BACKGROUND_ROWS", 0)  # store even this small extract
    monkeypatch.setattr(cache_module, "background_priority", lambda: calls.append("lowered"))
    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    load(data, Settings(), AS_OF, cache_dir=cache)
    cache_module.wait_for_stores()
    assert calls == ["lowered"] and len(entries(cache)) == 1


def test_an_extract_file_is_known_by_the_blake3_hash_of_its_bytes(tmp_path: Path) -> None:
    from cfcs_qa.ingest import cache as cache_module

    (tmp_path / "abc.csv").write_bytes(b"abc")
    (tmp_path / "empty.csv").write_bytes(b"")
    assert cache_module._file_hash(tmp_path / "abc.csv") == (  # the BLAKE3 test vector
        "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85")
    assert cache_module._file_hash(tmp_path / "empty.csv") == (
        "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")


def test_a_file_written_to_while_it_is_loaded_leaves_no_entry(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The key is made from the files' hashes before they are read: a file changed in between
    (an export overwriting it) would leave an entry holding other bytes than its key names."""
    from cfcs_qa.ingest import cache as cache_module
    from cfcs_qa.ingest import loader

    data, cache = write(tmp_path / "x", FILES), tmp_path / "cache"
    real = loader._load

    def overwritten_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        extract = real(*args, **kwargs)
        (data / "contacts.csv").write_text(FILES["contacts.csv"] + "K3,C2,03/01/2026,nfa\n")
        return extract

    monkeypatch.setattr(loader, "_load", overwritten_meanwhile)
    first = load(data, Settings(), AS_OF, cache_dir=cache)
    cache_module.wait_for_stores()
    assert not cache.exists() or entries(cache) == []
    assert list(first.get("contacts")["contact_id"]) == ["K1", "K2"]
    monkeypatch.setattr(loader, "_load", real)
    again = load(data, Settings(), AS_OF, cache_dir=cache)  # the new bytes, and an entry
    cache_module.wait_for_stores()
    assert list(again.get("contacts")["contact_id"]) == ["K1", "K2", "K3"]
    assert len(entries(cache)) == 1
