"""Schema migrations: an ordered list of steps and a ``schema_version`` table.

A fresh store is created straight from ``schema.metadata`` and stamped with the latest
version. An older store gets each step after its version, in order, all in one transaction
that holds the store's write lock (SQLite ``BEGIN IMMEDIATE``; PostgreSQL
``pg_advisory_xact_lock``), so two processes starting at once cannot both migrate: the
second waits, then finds nothing left to do.

To change the schema: edit ``schema.py`` and append a ``Step`` here whose function brings a
store at the previous version to the new shape, e.g.::

    def _add_escalation_tier(conn: Connection) -> None:
        add_column(conn, "escalations", Column("tier", Integer))

    STEPS.append(Step(2, "escalations.tier", _add_escalation_tier))

Steps must be safe on both SQLite and PostgreSQL (portable types; ``add_column`` and
``Table.create(conn, checkfirst=True)`` are).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, inspect, select

from . import schema


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    schema.metadata.create_all(conn)


STEPS: list[Step] = [
    Step(1, "initial schema: sampling runs, allocations, audits, moderation, escalations, "
            "actions, tier 3, change log", _initial),
]


def _moderation_assignments(conn: Connection) -> None:
    schema.moderation_assignments.create(conn, checkfirst=True)


STEPS.append(Step(2, "moderation_assignments: who is asked to moderate which audit",
                  _moderation_assignments))


def latest_version() -> int:
    return max(step.version for step in STEPS)


def add_column(conn: Connection, table: str, column: Column[Any]) -> None:
    """``ALTER TABLE table ADD COLUMN`` unless the column is already there."""
    existing = {c["name"] for c in inspect(conn).get_columns(table)}
    if column.name in existing:
        return
    ddl = column.type.compile(dialect=conn.dialect)
    conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column.name}" {ddl}')


def current_version(conn: Connection) -> int | None:
    """The store's schema version; None when the store has no tables yet."""
    if not inspect(conn).has_table("schema_version"):
        return None
    value = conn.execute(select(schema.schema_version.c.version)
                         .order_by(schema.schema_version.c.version.desc()).limit(1)).scalar()
    return int(value) if value is not None else 0


def migrate(conn: Connection) -> list[int]:
    """Bring the store up to date inside the caller's (locked) transaction.

    Returns the versions applied (empty when already current). Refuses a store written by a
    newer cfcs-qa, so an old install cannot damage it.
    """
    from ..errors import StoreError
    from .store import utcnow

    version = current_version(conn)
    newest = latest_version()
    if version is None:
        schema.metadata.create_all(conn)
        conn.execute(schema.schema_version.insert(), [
            {"version": s.version, "description": s.description, "applied_at": utcnow()}
            for s in STEPS
        ])
        return [s.version for s in STEPS]
    if version > newest:
        raise StoreError(
            f"The audit store is at schema version {version}, newer than this cfcs-qa knows "
            f"({newest}). Upgrade cfcs-qa before using this store; nothing was changed."
        )
    applied = []
    for step in sorted(STEPS, key=lambda s: s.version):
        if step.version <= version:
            continue
        step.apply(conn)
        conn.execute(schema.schema_version.insert().values(
            version=step.version, description=step.description, applied_at=utcnow()))
        applied.append(step.version)
    return applied
