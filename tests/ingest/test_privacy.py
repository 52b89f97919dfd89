"""Names planted in an extract never reach any output: JSON, table, workbook, cache, findings."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pyarrow.feather as feather
import pytest

from cfcs_qa.config import Settings
from cfcs_qa.ingest import load

from .conftest import AS_OF, write

NAMES = ("Zebedee", "Quentin", "Ermintrude", "Florence")
FILES = {
    "children.csv": "child_id,Forename,SURNAME,date_of_birth,Mother Name\n"
                    "C1,Zebedee,Quentin,01/02/2010,Ermintrude\n"
                    "C2,Florence,Quentin,bad date,Ermintrude\n"
                    "C3,Zebedee,Quentin,01/01/2012,Florence,extra\n",   # malformed
    "contacts.csv": "contact_id,child_id,received_date,first_name,last_name\n"
                    "K1,C1,01/01/2026,Zebedee,Quentin\nK2,C9,02/01/2026,Florence,Quentin\n"
                    "K3,,03/01/2026,Ermintrude,Quentin\n",
}


def _no_names(text: str, where: str) -> None:
    for name in NAMES:
        assert name not in text, f"{name} leaked into {where}"
        assert name.lower() not in text.lower(), f"{name} leaked into {where}"


def test_names_never_reach_any_output(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from cfcs_qa.cli.main import run

    data = write(tmp_path / "extract", FILES)
    monkeypatch.chdir(tmp_path)
    outputs: list[str] = []
    for fmt in ("json", "table"):
        monkeypatch.setattr(sys, "argv", ["cfcs-qa", "validate", "--data", str(data),
                                          "--as-of", AS_OF.isoformat(), "--format", fmt])
        with pytest.raises(SystemExit):
            run()
        out, err = capsys.readouterr()
        outputs += [out, err]
    monkeypatch.setattr(sys, "argv", ["cfcs-qa", "validate", "--data", str(data), "--as-of",
                                      AS_OF.isoformat(), "--format", "xlsx", "--output", "dq.xlsx"])
    with pytest.raises(SystemExit):
        run()
    outputs += list(capsys.readouterr())
    assert '"name_columns_dropped": 2' in outputs[0]  # the fact is reported, as a count
    for i, text in enumerate(outputs):
        _no_names(text, f"output {i}")
    wb = openpyxl.load_workbook(tmp_path / "dq.xlsx")
    cells = " ".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row)
    _no_names(cells, "the workbook")

    cache = tmp_path / ".cfcs-qa-cache"
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert any(p.suffix == ".arrow" for p in files)
    for path in files:
        _no_names(path.read_bytes().decode("latin-1"), str(path))
        if path.suffix == ".arrow":
            _no_names(str(feather.read_table(path).to_pylist()), str(path))


def test_names_are_not_in_frames_or_findings(tmp_path: Path) -> None:
    result = load(write(tmp_path / "extract", FILES), Settings(), AS_OF)
    _no_names(repr(result.findings), "findings")
    for frame in result.tables.values():
        _no_names(frame.to_csv(), "frames")
    assert result.reports["children"].name_columns_dropped == 3
    assert result.reports["contacts"].name_columns_dropped == 2
    assert result.reports["contacts"].columns_dropped == []
