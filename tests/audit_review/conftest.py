"""Fixtures for the review stage: a staff directory and a store holding October 2026's Tier 2
sample, inserted straight through the store (no sampler needed). ``store_url`` (tests/conftest.py)
runs a test on SQLite and on PostgreSQL (each PostgreSQL test in its own schema, dropped
afterwards)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cfcs_qa.audit.staff_roles import StaffMember

STAFF_ROWS = [
    ("S001", "associate_director", "Directorate"),
    ("S002", "pdqa_coordinator", "S&QA"),
    ("S003", "service_manager", "S&QA"),
    ("S004", "service_manager", "Area Services"),
    ("S010", "team_manager", "Team A"),
    ("S011", "team_manager", "Team B"),
    ("S012", "team_manager", "Team C"),
    ("S013", "deputy_manager", "Team A"),
    ("S014", "team_manager", "Team D"),
    ("S020", "csm", "S&QA"),
    ("S021", "iro", "S&QA"),
    ("S030", "information_officer", "S&QA"),
    ("W1", "social_worker", "Team A"),
    ("W2", "social_worker", "Team B"),
    ("W3", "social_worker", "Team C"),
]
STAFF = {sid: StaffMember(sid, role, team, display_name=f"Person {sid}",
                          email=f"{sid.lower()}@example.gg")
         for sid, role, team in STAFF_ROWS}
MANAGER = {"Team A": "S010", "Team B": "S011", "Team C": "S012"}
WORKER = {"Team A": "W1", "Team B": "W2", "Team C": "W3"}

# allocation, child, case team, auditor, state, grade (None: not back), completed
OCTOBER = [
    ("2026-10-001", "C001", "Team A", "S011", "completed", "inadequate", date(2026, 10, 14)),
    ("2026-10-002", "C002", "Team B", "S010", "completed", "outstanding", date(2026, 10, 15)),
    ("2026-10-003", "C003", "Team C", "S020", "completed", "good", date(2026, 10, 16)),
    ("2026-10-004", "C004", "Team A", "S021", "completed", "requires_improvement",
     date(2026, 10, 19)),
    ("2026-10-005", "C005", "Team B", "S012", "completed", "good", date(2026, 10, 20)),
    ("2026-10-006", "C006", "Team C", "S013", "completed", "good", date(2026, 10, 20)),
    ("2026-10-007", "C007", "Team A", "S004", "issued", None, None),
    ("2026-10-008", "C008", "Team B", "S003", "withdrawn", None, None),
]
SEED = 1234
DUE = date(2026, 10, 21)


def add_run(conn: Any, month: str, seed: int, auditors: list[str],
            exemptions: dict[str, str] | None = None) -> int:
    from cfcs_qa.audit import schema as s
    from cfcs_qa.audit.store import utcnow

    year, mon = int(month[:4]), int(month[5:])
    run_id = conn.execute(s.sampling_runs.insert().values(
        month=month, seed=seed, as_of=date(year, mon, 1), day1=date(year, mon, 1),
        issued_date=date(year, mon, 1), due_date=DUE, size=len(auditors),
        drawn_at=utcnow(), drawn_by="tester", synthetic=True, settings={},
        population={"total": 0}, status="active")).inserted_primary_key[0]
    for sid in auditors + sorted(exemptions or {}):
        m = STAFF[sid]
        conn.execute(s.run_auditors.insert().values(
            run_id=run_id, staff_id=sid, display_name=m.display_name, role=m.role,
            team=m.team, email=m.email, available=sid not in (exemptions or {})))
    for sid, why in (exemptions or {}).items():
        conn.execute(s.auditor_exemptions.insert().values(
            run_id=run_id, staff_id=sid, reason="excluded", detail=why))
    return int(run_id)


def add_allocation(conn: Any, allocation_id: str, child: str, team: str, auditor: str, *,
                   run_id: int | None, state: str = "issued", family_contact: bool = False,
                   issued: date = date(2026, 10, 1), due: date = DUE, tier: int = 2) -> None:
    from cfcs_qa.audit import schema as s
    from cfcs_qa.audit.store import utcnow

    a = STAFF[auditor]
    conn.execute(s.allocations.insert().values(
        allocation_id=allocation_id, run_id=run_id, month=allocation_id[:7], tier=tier,
        child_id=child, category="cp", team=team, worker_id=WORKER.get(team),
        supervising_manager_id=MANAGER.get(team), stratum=f"cp|{team}", auditor_id=auditor,
        auditor_name=a.display_name, auditor_role=a.role, auditor_team=a.team,
        auditor_email=a.email, issued_date=issued, due_date=due,
        family_contact=family_contact, state=state, created_at=utcnow(), created_by="tester"))


def add_audit(conn: Any, allocation_id: str, grade: str, completed: date, auditor: str,
              scores: dict[str, str] | None = None, family_contact_done: bool | None = None
              ) -> int:
    from cfcs_qa.audit import schema as s
    from cfcs_qa.audit.store import utcnow

    audit_id = conn.execute(s.audits.insert().values(
        allocation_id=allocation_id, imported_at=utcnow(), imported_by="tester",
        file_name=f"{allocation_id}.xlsx", file_sha256="0" * 64, auditor_id=auditor,
        completed_date=completed, grade=grade, current=True,
        family_contact_done=family_contact_done)).inserted_primary_key[0]
    for sid, score in (scores or {}).items():
        conn.execute(s.audit_scores.insert().values(audit_id=audit_id, standard_id=sid,
                                                    score=score))
    return int(audit_id)


def build_october(url: str) -> None:
    """October 2026: eight allocations, six audits back, one late, one withdrawn."""
    from cfcs_qa.audit.store import open_store

    with open_store(url, create=True) as store, store.transaction() as conn:
        run_id = add_run(conn, "2026-10", SEED,
                         sorted({row[3] for row in OCTOBER}),
                         exemptions={"S014": "on leave (--exclude)"})
        for aid, child, team, auditor, state, grade, done in OCTOBER:
            add_allocation(conn, aid, child, team, auditor, run_id=run_id, state=state,
                           family_contact=aid in ("2026-10-003",))
            if grade is not None and done is not None:
                add_audit(conn, aid, grade, done, auditor,
                          scores={"2.1": "not_met", "2.10": "partly_met", "5.1": "met"},
                          family_contact_done=aid == "2026-10-003")


@pytest.fixture
def october(store_url: str) -> str:
    build_october(store_url)
    return store_url
