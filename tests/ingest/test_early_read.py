"""The largest CSV file read ahead, while the program imports (``ingest.early_read``): the
load is the same as without it, a changed or unreadable file is read (and reported) by the
loader itself, and nothing is read when the cache will answer."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from cfcs_qa.config import Settings
from cfcs_qa.errors import DataError
from cfcs_qa.ingest import early_read, load, prefetch
from cfcs_qa.ingest.sources import locate

from .conftest import AS_OF, write
from .test_parallel_same import MESSY

VISITS = ("visit_id,child_id,visit_date,visit_type,seen,seen_alone\n"
          + "".join(f"V{i},C{1 + i % 2},0{1 + i % 9}/10/2026,cp,Y,N\n" for i in range(400))
          + "V900,C9,30/09/2026,cic,Y,\nV901,C1,31/09/2026,cin,maybe,N\n"
          + "V9,C2,01/10/2026,cp,Y,Y\n")


@pytest.fixture(autouse=True)
def _any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read ahead whatever the size (the real threshold keeps small extracts in line)."""
    monkeypatch.setattr(early_read, "EARLY_BYTES", 0)
    early_read.discard()


def _same(one, other) -> None:  # type: ignore[no-untyped-def]
    assert one.findings == other.findings
    assert one.reports == other.reports
    assert one.child_of_row == other.child_of_row
    for name, frame in one.tables.items():
        pd.testing.assert_frame_equal(other.tables[name], frame)


def test_a_load_with_the_largest_file_read_ahead_is_the_same(tmp_path: Path) -> None:
    data = write(tmp_path / "x", {**MESSY, "visits.csv": VISITS})
    plain = load(data, Settings(), AS_OF)
    prefetch(data, Settings(), AS_OF)
    taken: list[Path] = []
    real_take = early_read.take

    def spy(path: Path, header_rows: int) -> early_read.EarlyRead | None:
        found = real_take(path, header_rows)
        if found is not None:
            taken.append(path)
        return found

    import cfcs_qa.ingest.loader as loader

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(loader, "take", spy)
        ahead = load(data, Settings(), AS_OF)
    assert [p.name for p in taken] == ["visits.csv"]
    _same(plain, ahead)
    assert {"invalid-date", "invalid-boolean", "duplicate-key", "orphan-child"} <= {
        f.code for f in ahead.findings if f.table == "visits"}


def test_a_file_changed_after_it_was_read_ahead_is_read_again(tmp_path: Path) -> None:
    data = write(tmp_path / "x", {"children.csv": MESSY["children.csv"], "visits.csv": VISITS})
    prefetch(data, Settings(), AS_OF)
    layout = locate(data, Settings())
    early = early_read.take(layout.tables["visits"].path, 0)  # wait for it, then put it back
    assert early is not None and early.raw is not None
    early_read._reads[(data / "visits.csv").resolve()] = _done(early)
    (data / "visits.csv").write_text(VISITS + "V999,C1,02/10/2026,cp,Y,Y\n")
    fresh = load(data, Settings(), AS_OF)
    assert "V999" in set(fresh.get("visits")["visit_id"])


def _done(value: object):  # type: ignore[no-untyped-def]
    from concurrent.futures import Future

    future: Future[object] = Future()
    future.set_result(value)
    return future


def test_other_columns_asked_for_are_read_from_the_file(tmp_path: Path) -> None:
    data = write(tmp_path / "x", {"visits.csv": VISITS})
    early_read.start(locate(data, Settings()), Settings())
    early = early_read.take(data / "visits.csv", 0)
    assert early is not None and early.header is not None
    assert early.read([0], ()).columns[0].to_pylist()[:2] == ["V0", "V1"]  # not what was read
    assert early.header.cells[:2] == ["visit_id", "child_id"]
    assert early_read.take(data / "visits.csv", 0) is None  # taken once


def test_an_unreadable_largest_file_is_reported_by_the_loader(tmp_path: Path) -> None:
    data = write(tmp_path / "x", {"children.csv": MESSY["children.csv"],
                                  "visits.csv": VISITS.replace(",", "\t") + "\t" * 400})
    prefetch(data, Settings(), AS_OF)
    with pytest.raises(DataError, match="tab-separated"):
        load(data, Settings(), AS_OF)
    assert not early_read._reads


def test_nothing_is_read_ahead_when_the_cache_will_answer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, cache = write(tmp_path / "x", {**MESSY, "visits.csv": VISITS}), tmp_path / "cache"
    first = load(data, Settings(), AS_OF, cache_dir=cache)
    read: list[str] = []
    monkeypatch.setattr(early_read, "_read", lambda name, *a: read.append(name))
    prefetch(data, Settings(), AS_OF, cache_dir=cache)
    again = load(data, Settings(), AS_OF, cache_dir=cache)
    _same(first, again)
    assert read == [] and not early_read._reads
    (data / "contacts.csv").write_text(MESSY["contacts.csv"] + "K7,C1,01/01/2026,,\n")
    prefetch(data, Settings(), AS_OF, cache_dir=cache)
    assert early_read.take(data / "visits.csv", 0) is None  # waits for the thread
    assert read == ["visits"]


def test_the_reading_thread_imports_nothing(tmp_path: Path, run_python) -> None:  # type: ignore[no-untyped-def]
    """A module imported by two threads at once can deadlock: every module the read ahead
    uses is imported before its thread starts (the CLI imports pandas meanwhile)."""
    data = write(tmp_path / "x", {**MESSY, "visits.csv": VISITS})
    code = textwrap.dedent(f"""
        import sys, threading, datetime
        imported = []
        class Spy:
            def find_spec(self, name, path=None, target=None):
                if threading.current_thread() is not threading.main_thread():
                    imported.append((threading.current_thread().name, name))
                return None
        sys.meta_path.insert(0, Spy())
        from pathlib import Path
        from cfcs_qa.config import Settings
        from cfcs_qa.ingest import early_read, prefetch
        early_read.EARLY_BYTES = 0
        prefetch(Path({str(data)!r}), Settings(), datetime.date(2026, 11, 26),
                 cache_dir=Path({str(tmp_path / "cache")!r}))
        found = early_read.take(Path({str(data / "visits.csv")!r}), 0)
        assert found is not None and found.raw is not None, found
        print(imported)
    """)
    assert run_python(code).stdout.strip() == "[]"


def test_a_command_that_stops_before_taking_the_read_ends_cleanly(tmp_path: Path) -> None:
    """No children file: the command stops with its message while the visits file may still
    be being read ahead; the process waits for that read and exits with the error's code."""
    import os
    import subprocess
    import sys

    data = write(tmp_path / "x", {"visits.csv": VISITS * 50})
    code = textwrap.dedent(f"""
        import sys
        from cfcs_qa.ingest import early_read
        early_read.EARLY_BYTES = 0
        from cfcs_qa.cli.main import run
        sys.argv = ["cfcs-qa", "kpis", "--data", {str(data)!r}, "--month", "2026-10",
                    "--as-of", "2026-11-20"]
        run()
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "CFCS_QA_CACHE": str(tmp_path / "c")})
    assert done.returncode == 2, done.stderr
    assert "has no children table" in done.stderr
    assert "Traceback" not in done.stderr and "Fatal" not in done.stderr
