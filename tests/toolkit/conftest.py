"""Fixtures for the toolkit tests: an allocation, a written (and filled) toolkit, an audit
store holding the allocation (the store URLs come from tests/conftest.py), golden files."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from cfcs_qa.sampling.standards import Standard, load_standards
from cfcs_qa.sampling.toolkit_writer import write_toolkit
from golden_check import assert_golden

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "toolkit"


def make_allocation(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict(
        allocation_id="2026-11-001", child_id="C0001", category="cin", team="Team A",
        worker_id="S001", supervising_manager="S002", legal_status="s17 child in need",
        placement=None, audit_window_start=date(2025, 11, 2), audit_window_end=date(2026, 11, 1),
        issued_date=date(2026, 11, 2), due_date=date(2026, 11, 19), auditor_id="S010",
        auditor_name="Alex Auditor", family_contact=False)
    base.update(over)
    return base


@pytest.fixture(scope="session")
def standards() -> list[Standard]:
    return load_standards()


@pytest.fixture
def write(tmp_path: Path, standards: list[Standard]) -> Callable[..., tuple[Path, str]]:
    """write(**allocation overrides) -> (path, checksum)."""
    def _write(**over: Any) -> tuple[Path, str]:
        alloc = make_allocation(**over)
        path = tmp_path / f"{alloc['allocation_id']}.xlsx"
        return path, write_toolkit(path, alloc, standards)
    return _write


def check_golden(name: str, data: Any) -> None:
    """Compare ``data`` with tests/golden/toolkit/NAME.json (CFCS_QA_UPDATE_GOLDEN=1 rewrites)."""
    path = GOLDEN / f"{name}.json"
    assert_golden(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def seed_allocation(url: str, alloc: dict[str, Any], checksum: str | None,
                    state: str = "issued") -> None:
    """Put one allocation in a (new) store, as `cfcs-qa sample` would."""
    from cfcs_qa.audit import schema as s
    from cfcs_qa.audit.store import open_store

    with open_store(url, create=True) as store, store.transaction() as conn:
        conn.execute(s.allocations.insert().values(
            allocation_id=alloc["allocation_id"], month=alloc["allocation_id"][:7], tier=2,
            child_id=alloc["child_id"], category=alloc["category"], team=alloc["team"],
            worker_id=alloc["worker_id"], supervising_manager_id=alloc["supervising_manager"],
            auditor_id=alloc["auditor_id"], auditor_name=alloc["auditor_name"],
            issued_date=alloc["issued_date"], due_date=alloc["due_date"],
            family_contact=alloc["family_contact"], moderation_required=False, state=state,
            template_checksum=checksum, created_at=datetime(2026, 11, 2, 8, tzinfo=UTC)))


