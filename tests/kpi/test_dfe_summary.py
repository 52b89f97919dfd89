"""``reference/dfe-benchmarks/_summary.json`` (the files' latest years, picked out so a run need
not parse every year since 2013) matches the CSV files, and is ignored for any file whose bytes
or columns it was not made from."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cfcs_qa.kpi import comparators, dfe_files

REGENERATE = ('out of date: run .venv/bin/python -c "from cfcs_qa.kpi.comparators import '
              'write_summary; write_summary()" and commit reference/dfe-benchmarks/_summary.json')


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    comparators.clear_cache()
    yield
    comparators.clear_cache()


def test_summary_matches_the_shipped_files() -> None:
    summary = json.loads((dfe_files.benchmarks_dir() / dfe_files.SUMMARY).read_text("utf-8"))
    assert sorted(summary) == sorted(comparators._COLUMNS), REGENERATE
    for name, columns in comparators._COLUMNS.items():
        assert summary[name] == dfe_files.summary_entry(name, columns), f"{name}: {REGENERATE}"
        path = dfe_files.benchmarks_dir() / name
        assert dfe_files.latest(name, columns) == dfe_files._read(path, name, columns)


def test_summary_is_used_only_for_the_bytes_it_was_made_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "c4.csv"
    columns = comparators._COLUMNS[name]
    shutil.copy(dfe_files.benchmarks_dir() / name, tmp_path / name)
    monkeypatch.setattr(dfe_files, "benchmarks_dir", lambda: tmp_path)
    dfe_files.write_summary({name: columns})
    year = dfe_files.latest(name, columns).year
    # a newer release replaces the file: a later year appears, the summary is stale
    text = (tmp_path / name).read_text(encoding="utf-8-sig")
    header, *rows = text.splitlines()
    at = header.split(",").index("time_period")
    newest = [r for r in rows if r.split(",")[at] == max(r.split(",")[at] for r in rows)]
    later = [",".join(c if i != at else "2099" for i, c in enumerate(r.split(",")))
             for r in newest]
    (tmp_path / name).write_text("\n".join([header, *rows, *later]) + "\n", encoding="utf-8")
    dfe_files.clear_cache()
    assert year != "2099"
    assert dfe_files.latest(name, columns).year == "2099"
    # asked for other columns: the summary entry does not answer either
    dfe_files.write_summary({name: columns})
    fewer = columns[:1]
    assert dfe_files.latest(name, fewer) == dfe_files._read(tmp_path / name, name, fewer)
