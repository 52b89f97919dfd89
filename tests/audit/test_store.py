"""The audit store: opening, creating, transactions, the change log and migrations, on SQLite
and PostgreSQL; concurrent processes migrating and writing at once."""

from __future__ import annotations

import multiprocessing as mp
import os
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cfcs_qa.audit import migrations
from cfcs_qa.audit import schema as s
from cfcs_qa.audit.store import next_allocation_id, normalise_url, open_store
from cfcs_qa.errors import StoreError, UserError


def _allocation(conn, allocation_id: str, month: str = "2026-11") -> None:
    from cfcs_qa.audit.store import utcnow

    conn.execute(s.allocations.insert().values(
        allocation_id=allocation_id, month=month, tier=2, child_id="C1", category="cp",
        team="Team A", auditor_id="S1", issued_date=date(2026, 11, 2),
        due_date=date(2026, 11, 19), state="issued", created_at=utcnow()))


def test_creates_sqlite_owner_only_and_read_only_open_needs_it(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    with pytest.raises(UserError, match="run `cfcs-qa sample` first"):
        open_store(f"sqlite:///{path}", create=False)
    assert not path.exists()  # a read-only command never creates the store
    open_store(f"sqlite:///{path}", create=True).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    open_store(str(path), create=False).close()  # a bare path means SQLite


def test_missing_folder_and_bad_urls_are_one_paragraph(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(f"sqlite:///{tmp_path / 'nope' / 'a.db'}", create=True)
    with pytest.raises(StoreError, match="SQLite or PostgreSQL"):
        open_store("mysql://u:hunter2@localhost/x", create=True)
    with pytest.raises(StoreError) as err:
        open_store("postgresql://u:hunter2@127.0.0.1:1/x", create=False)
    assert "hunter2" not in err.value.message
    assert "\n" not in err.value.message


def test_postgresql_url_as_typed_uses_psycopg() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"


def test_transaction_commits_with_its_log_or_rolls_back_both(store_url: str) -> None:
    with open_store(store_url, create=True) as store:
        with store.transaction() as conn:
            _allocation(conn, "2026-11-001")
            store.log(conn, "alice", "allocations", "2026-11-001", "issued",
                      details={"due": date(2026, 11, 19)})
        with pytest.raises(RuntimeError), store.transaction() as conn:
            _allocation(conn, "2026-11-002")
            store.log(conn, "alice", "allocations", "2026-11-002", "issued")
            raise RuntimeError("boom")
        with store.read() as conn:
            ids = conn.execute(select(s.allocations.c.allocation_id)).scalars().all()
            log = conn.execute(select(s.change_log)).mappings().all()
            assert next_allocation_id(conn, "2026-11") == "2026-11-002"
            assert next_allocation_id(conn, "2026-12") == "2026-12-001"
    assert ids == ["2026-11-001"]
    assert [(r["actor"], r["entity_id"], r["details"]) for r in log] == [
        ("alice", "2026-11-001", {"due": "2026-11-19"})]
    assert log[0]["at"].tzinfo is not None


def test_migrations_idempotent_and_upgrade_an_older_store(store_url: str) -> None:
    open_store(store_url, create=True).close()
    with open_store(store_url, create=False) as store:
        with store.transaction() as conn:
            assert migrations.migrate(conn) == []
            versions = conn.execute(select(s.schema_version.c.version)).scalars().all()
            assert sorted(versions) == [st.version for st in migrations.STEPS]
            # Pretend the store predates every step after the first.
            conn.execute(s.schema_version.delete().where(s.schema_version.c.version > 1))
    with open_store(store_url, create=False) as store, store.read() as conn:
        assert migrations.current_version(conn) == migrations.latest_version()


def test_a_store_from_a_newer_version_is_refused(store_url: str) -> None:
    from cfcs_qa.audit.store import utcnow

    with open_store(store_url, create=True) as store, store.transaction() as conn:
        conn.execute(s.schema_version.insert().values(
            version=999, description="future", applied_at=utcnow()))
    with pytest.raises(StoreError, match="newer than this cfcs-qa"):
        open_store(store_url, create=True)


def _worker(url: str, n: int, queue: mp.Queue, start: Any) -> None:  # type: ignore[type-arg]
    try:
        start.wait(timeout=60)  # all open the fresh store at the same moment
        with open_store(url, create=True) as store:
            for _ in range(n):
                with store.transaction() as conn:
                    new_id = next_allocation_id(conn, "2026-11")
                    _allocation(conn, new_id)
                    store.log(conn, f"pid{os.getpid()}", "allocations", new_id, "issued")
        queue.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        queue.put(f"{type(exc).__name__}: {exc}")


def test_processes_migrating_and_writing_at_once_serialise(store_url: str) -> None:
    # fork: the workers start without re-importing anything (they open their own engines)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    queue, start = ctx.Queue(), ctx.Barrier(4)
    procs = [ctx.Process(target=_worker, args=(store_url, 5, queue, start)) for _ in range(4)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert results == ["ok"] * 4
    with open_store(store_url, create=False) as store, store.read() as conn:
        ids = conn.execute(select(s.allocations.c.allocation_id)).scalars().all()
        logged = conn.execute(select(func.count()).select_from(s.change_log)).scalar()
        versions = conn.execute(select(s.schema_version.c.version)).scalars().all()
    assert sorted(ids) == [f"2026-11-{i:03d}" for i in range(1, 21)]
    assert logged == 20
    assert sorted(versions) == [st.version for st in migrations.STEPS]


def test_in_memory_sqlite_keeps_its_tables_across_transactions() -> None:
    with open_store("sqlite://", create=True) as store:
        with store.transaction() as conn:
            _allocation(conn, "2026-11-001")
        with store.read() as conn:
            assert conn.execute(select(func.count()).select_from(s.allocations)).scalar() == 1
