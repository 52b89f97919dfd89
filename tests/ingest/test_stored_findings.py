"""Findings served from a cache entry: made on first use, and then a list like any other."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cfcs_qa.config import Settings
from cfcs_qa.findings import Finding
from cfcs_qa.ingest import load
from cfcs_qa.ingest.cache_files import StoredFindings, read_findings, write_findings

from .conftest import AS_OF, write

FOUND = [
    Finding("orphan-child", "warning", "contacts", 3, "child_id", "C9", "no such child"),
    Finding("invalid-date", "error", "children", 2, "date_of_birth", "bad", "not a date"),
    Finding("missing-table", "warning", "visits", None, None, None, "absent"),
]


def test_made_on_first_use_and_equal_to_what_was_written(tmp_path: Path) -> None:
    write_findings(tmp_path / "f.arrow", FOUND)
    stored = read_findings(tmp_path / "f.arrow")
    assert stored._made is None  # nothing made yet
    assert len(stored) == 3
    assert stored == FOUND and FOUND == stored
    assert list(stored) == FOUND and stored[1] == FOUND[1] and stored[-1:] == FOUND[-1:]
    assert [f.code for f in stored if f.level == "error"] == ["invalid-date"]


def test_a_list_in_every_other_way(tmp_path: Path) -> None:
    write_findings(tmp_path / "f.arrow", FOUND)
    stored = read_findings(tmp_path / "f.arrow")
    assert stored.copy() == FOUND and stored + FOUND[:1] == [*FOUND, FOUND[0]]
    assert FOUND[0] in stored and stored.count(FOUND[0]) == 1 and stored.index(FOUND[2]) == 2
    assert json.dumps([f.to_dict() for f in stored]) == json.dumps([f.to_dict() for f in FOUND])
    stored.append(FOUND[0])
    assert len(stored) == 4
    assert StoredFindings(FOUND) == FOUND  # made from findings, as UserList's copies are
    assert read_findings(tmp_path / "f.arrow") != FOUND[:2]


def test_no_findings(tmp_path: Path) -> None:
    write_findings(tmp_path / "f.arrow", [])
    stored = read_findings(tmp_path / "f.arrow")
    assert stored == [] and not stored


def test_served_findings_survive_the_entry_being_removed(tmp_path: Path) -> None:
    files = {"children.csv": "child_id,date_of_birth\nC1,01/02/2010\nC2,bad\n",
             "contacts.csv": "contact_id,child_id,received_date\nK1,C9,01/01/2026\n"}
    data, cache = write(tmp_path / "x", files), tmp_path / "cache"
    first = load(data, Settings(), AS_OF, cache_dir=cache)
    served = load(data, Settings(), AS_OF, cache_dir=cache)
    assert isinstance(served.findings, StoredFindings) and served.findings._made is None
    shutil.rmtree(cache)  # pruned, or replaced by another run, before the findings are used
    assert served.findings == first.findings
    assert {f.code for f in served.findings} >= {"orphan-child", "invalid-date"}
