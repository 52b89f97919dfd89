"""A small month in the audit store, and an extract to check it against (helpers for the
audit tests; a unique module name so it never clashes with another folder's helpers)."""

from __future__ import annotations

# ---- a small month in the store, and an extract to check it against ------------------------

MONTH = "2026-11"
SEED = 20261102


def seed_month(url: str) -> None:
    """A November 2026 sample: strata cp|Team A (C01-C06; C01 and C02 siblings, C06
    excluded) and cin|Team B (C10-C12); auditors S1 (Team B), S2 (Team C), S3 (Team D)
    available, S4 excluded; allocations 001 (C01, S2, family contact), 002 (C10, S3),
    003 (C03, S1)."""
    from datetime import date

    from cfcs_qa.audit import schema as s
    from cfcs_qa.audit.store import open_store, utcnow

    pop = [("C01", "F1", "cp", "Team A", "W1"), ("C02", "F1", "cp", "Team A", "W1"),
           ("C03", None, "cp", "Team A", "W2"), ("C04", None, "cp", "Team A", "W2"),
           ("C05", "F5", "cp", "Team A", "W1"), ("C06", None, "cp", "Team A", "W2"),
           ("C10", None, "cin", "Team B", "W3"), ("C11", None, "cin", "Team B", "W3"),
           ("C12", None, "cin", "Team B", "W3")]
    with open_store(url, create=True) as store, store.transaction() as conn:
        run_id = conn.execute(s.sampling_runs.insert().values(
            month=MONTH, seed=SEED, as_of=date(2026, 10, 30), day1=date(2026, 11, 2),
            issued_date=date(2026, 11, 2), due_date=date(2026, 11, 19), size=3,
            drawn_at=utcnow(), drawn_by="tester", synthetic=False, settings={},
            population={"total": 9}, status="active")).inserted_primary_key[0]
        conn.execute(s.run_population.insert(), [
            {"run_id": run_id, "child_id": c, "family_id": f, "category": cat, "team": t,
             "worker_id": w, "stratum": f"{cat}|{t}", "eligible": c != "C06"}
            for c, f, cat, t, w in pop])
        conn.execute(s.sample_exclusions.insert().values(
            run_id=run_id, child_id="C06", reason="recently_audited"))
        conn.execute(s.run_auditors.insert(), [
            {"run_id": run_id, "staff_id": sid, "display_name": f"Auditor {sid}",
             "role": "team_manager", "team": team, "email": f"{sid.lower()}@example.gg",
             "available": sid != "S4"}
            for sid, team in (("S1", "Team B"), ("S2", "Team C"), ("S3", "Team D"),
                              ("S4", "Team E"))])
        conn.execute(s.auditor_exemptions.insert().values(
            run_id=run_id, staff_id="S4", reason="excluded", detail="on leave"))
        for n, (child, cat, team, auditor, aud_team, flag) in enumerate([
                ("C01", "cp", "Team A", "S2", "Team C", True),
                ("C10", "cin", "Team B", "S3", "Team D", False),
                ("C03", "cp", "Team A", "S1", "Team B", False)], start=1):
            conn.execute(s.allocations.insert().values(
                allocation_id=f"{MONTH}-{n:03d}", run_id=run_id, month=MONTH, tier=2,
                child_id=child, category=cat, team=team, worker_id="W1",
                stratum=f"{cat}|{team}", auditor_id=auditor, auditor_name=f"Auditor {auditor}",
                auditor_role="team_manager", auditor_team=aud_team,
                auditor_email=f"{auditor.lower()}@example.gg", issued_date=date(2026, 11, 2),
                due_date=date(2026, 11, 19), family_contact=flag, state="issued",
                created_at=utcnow(), created_by="tester"))


def complete(url: str, allocation_id: str, on: str = "2026-11-16", grade: str = "good") -> None:
    from datetime import date

    from cfcs_qa.audit import schema as s
    from cfcs_qa.audit.store import open_store, utcnow

    with open_store(url, create=False) as store, store.transaction() as conn:
        conn.execute(s.audits.insert().values(
            allocation_id=allocation_id, imported_at=utcnow(), imported_by="tester",
            file_name=f"{allocation_id}.xlsx", file_sha256="0" * 64,
            completed_date=date.fromisoformat(on), grade=grade, current=True))
        conn.execute(s.allocations.update().where(
            s.allocations.c.allocation_id == allocation_id).values(state="completed"))


def make_extract(staff_rows: list[tuple], alloc_rows: list[tuple], as_of: str = "2026-11-23"):
    """An Extract with staff (id, role, team, active) and allocations (child, team, worker,
    start, end) typed as the loader types them."""
    from datetime import date

    import pandas as pd

    from cfcs_qa.ingest.model import Extract

    staff = pd.DataFrame(staff_rows, columns=["staff_id", "role", "team", "active"]).assign(
        auditor=False, email=None, display_name=None)
    staff["active"] = staff["active"].astype("boolean")
    staff["auditor"] = staff["auditor"].astype("boolean")
    alloc = pd.DataFrame(alloc_rows, columns=["child_id", "team", "worker_id", "start_date",
                                              "end_date"])
    for col in ("start_date", "end_date"):
        alloc[col] = pd.to_datetime(alloc[col])
    return Extract(tables={"staff": staff, "allocations": alloc}, reports={}, findings=[],
                   as_of=date.fromisoformat(as_of))


STAFF = [("S1", "team_manager", "Team B", True), ("S2", "team_manager", "Team C", False),
         ("S3", "team_manager", "Team D", True), ("S5", "iro", "Team E", True),
         ("S6", "team_manager", "Team A", True), ("S7", "social_worker", "Team F", True)]
HELD = [("C01", "Team B", "W1", "2025-01-01", None),  # 001 (S2): transferred; S2 inactive
        ("C10", "Team B", "W3", "2025-01-01", "2026-11-10"),  # 002: closed
        ("C03", "Team A", "W2", "2025-01-01", "2026-11-05"),
        ("C03", "Team B", "S5", "2026-11-05", None),  # 003 (S1, Team B): now S1's team
        ("C04", "Team A", "W2", "2025-01-01", None)]
