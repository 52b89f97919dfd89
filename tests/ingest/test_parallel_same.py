"""Typing columns in threads (large tables) gives exactly what the sequential path gives."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cfcs_qa.config import Settings
from cfcs_qa.ingest import load

from .conftest import AS_OF, write

MESSY = {
    "children.csv": "child_id,date_of_birth,gender,disability\nC1,01/02/2010,Male,Y\n"
                    "C2,31/02/2011,x,maybe\n,01/01/2012,female,\nC1,01/01/2013,other,N\n",
    "contacts.csv": "contact_id,child_id,received_date,completed_date,outcome\n"
                    "K1,C1,05/01/2026,04/01/2026,referral\nK2,C9,05/01/2026,,NFA\n"
                    "K3,C2,2026-01-07T10:00,2099-01-01,Early Help\nK4,C2,1/9/26\n"
                    "K5,C2,46326,,advice\nK1,C1,10/31/2026,,other\n K6 ,C1,01/01/2026,,\n",
    "population.csv": "year,population_0_17\n2025,\"11,512\"\n2026,x\n",
}


def test_threads_change_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = write(tmp_path / "x", MESSY)
    sequential = load(data, Settings(), AS_OF)
    monkeypatch.setattr("cfcs_qa.ingest.parallel.PARALLEL_ROWS", 0)
    threaded = load(data, Settings(), AS_OF)
    assert threaded.findings == sequential.findings
    assert threaded.reports == sequential.reports
    assert threaded.child_of_row == sequential.child_of_row
    for name, frame in sequential.tables.items():
        pd.testing.assert_frame_equal(threaded.tables[name], frame)
    assert len(sequential.findings) > 10
