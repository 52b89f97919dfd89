"""Opening the audit store and writing to it safely.

API (everything that touches the database goes through here)::

    from cfcs_qa.audit.store import open_store, current_actor, next_allocation_id
    from cfcs_qa.audit import schema as s

    store = open_store(url, create=True)       # writers; create=False for read-only commands
    with store.transaction() as conn:          # ONE write transaction, serialised
        conn.execute(s.allocations.update().where(...).values(...))
        store.log(conn, current_actor(by), "allocations", "2026-11-001", "withdrawn",
                  reason="case closed", details={"before": "issued"})
    with store.read() as conn:                 # a consistent read, no write lock
        rows = conn.execute(select(s.allocations)).mappings().all()
    store.close()

- ``url``: ``sqlite:///path.db`` (relative to the working folder), ``sqlite:////abs/path.db``,
  ``postgresql://user:pass@host/db`` (mapped to the psycopg 3 driver), or a bare file path
  (read as SQLite). A new SQLite file is created owner-only (0600).
- ``create=False``: a store that does not exist yet is a ``UserError`` ("run ``cfcs-qa
  sample`` first"); only commands that write create the store.
- Opening applies any pending migrations (``migrations.py``) under the write lock.
- Writers are serialised: SQLite ``BEGIN IMMEDIATE`` with a 30 s busy timeout; PostgreSQL
  a transaction-scoped advisory lock (``pg_advisory_xact_lock``) taken first thing in every
  write transaction, so read-check-write sequences (next allocation id, "already imported?")
  never race. Reads use a snapshot and never wait for the lock.
- Connection problems become ``StoreError`` (one paragraph, the URL without its password,
  no traceback).
- ``Store.log`` writes the ``change_log`` row for a change, in the caller's transaction.
  Dates in ``details`` are stored as ISO text.
"""

from __future__ import annotations

import contextlib
import getpass
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from ..errors import StoreError, UserError
from . import migrations, schema

WRITE_LOCK_KEY = 0x43464353_5141  # "CFCSQA": the one advisory lock every writer takes
BUSY_TIMEOUT_S = 30


def utcnow() -> datetime:
    return datetime.now(UTC)


def current_actor(by: str | None = None) -> str:
    """Who made a change: ``--by`` when given, else the operating-system user."""
    if by and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def next_allocation_id(conn: Connection, month: str) -> str:
    """The next free ``YYYY-MM-NNN`` for ``month`` (call inside a write transaction)."""
    ids = conn.execute(
        select(schema.allocations.c.allocation_id).where(schema.allocations.c.month == month)
    ).scalars()
    numbers = [int(i.rsplit("-", 1)[1]) for i in ids if i.rsplit("-", 1)[1].isdigit()]
    return f"{month}-{max(numbers, default=0) + 1:03d}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


class Store:
    def __init__(self, engine: Engine, display_url: str) -> None:
        self.engine = engine
        self.url = display_url
        """The URL with any password hidden: safe to print."""
        self.dialect = engine.dialect.name

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction, serialised with every other writer; commits on success."""
        with self._errors(), self.engine.connect() as conn:
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
                yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent read-only view (rolled back at the end)."""
        with self._errors(), self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            else:
                conn = conn.execution_options(cfcs_read=True)
            with conn.begin() as tx:
                yield conn
                tx.rollback()

    def log(self, conn: Connection, actor: str, entity: str, entity_id: str | int | None,
            action: str, reason: str | None = None,
            details: dict[str, Any] | None = None) -> None:
        conn.execute(schema.change_log.insert().values(
            at=utcnow(), actor=actor, entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            action=action, reason=reason, details=_jsonable(details) if details else None,
        ))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except UserError:
            raise
        except OperationalError as exc:
            raise StoreError(_unusable(self.url, exc)) from None


def _unusable(display_url: str, exc: DBAPIError | Exception, password: str | None = None) -> str:
    orig = getattr(exc, "orig", exc)
    reason = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    if password:
        reason = reason.replace(password, "***")
    if "locked" in reason or "could not obtain lock" in reason:
        return (f"The audit store {display_url} stayed locked by another cfcs-qa for more than "
                f"{BUSY_TIMEOUT_S} seconds ({reason}). Wait for it to finish and run again.")
    return (f"Could not use the audit store {display_url}: {reason}. Check that the server is "
            "running and that the address, database, user and password are right (give them "
            "in --db, the config's 'store' or CFCS_QA_DB).")


def normalise_url(url: str) -> URL:
    """Parse a store URL as a user types it; ``postgresql://`` means psycopg 3."""
    text = url.strip()
    if "://" not in text:
        text = "sqlite:///" + text
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise StoreError(
            f"--db {_hide_password(text)!r} is not a database URL. Use sqlite:///cfcs-qa.db "
            "for a file, or postgresql://user:password@host/database for a shared install."
        ) from None
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"The audit store must be SQLite or PostgreSQL, not {parsed.get_backend_name()!r} "
            f"({parsed.render_as_string(hide_password=True)})."
        )
    return parsed


def _hide_password(text: str) -> str:
    head, sep, tail = text.partition("@")
    if not sep or "://" not in head:
        return text
    scheme, _, cred = head.partition("://")
    user = cred.split(":", 1)[0]
    return f"{scheme}://{user}:***@{tail}" if ":" in cred else text


def _sqlite_file(url: URL, create: bool) -> Path | None:
    """The SQLite file (None: in memory); created owner-only when ``create``."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    if path.exists():
        return path
    if not create:
        raise UserError(
            f"There is no audit store at {path}: run `cfcs-qa sample` first (it creates the "
            "store), or point --db (or the config's 'store', or CFCS_QA_DB) at the store "
            "you use."
        )
    if not path.parent.is_dir():
        raise StoreError(
            f"Cannot create the audit store {path}: the folder {path.parent} does not exist. "
            "Create the folder or give another --db."
        )
    try:
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise StoreError(
            f"Cannot create the audit store {path}: {exc.strerror or exc}. Give --db a "
            "sqlite:/// path in a folder you can write to (or a postgresql:// URL)."
        ) from None
    return path


def _sqlite_engine(url: URL, in_memory: bool = False) -> Engine:
    if in_memory:  # one shared connection, or every checkout would see an empty database
        from sqlalchemy.pool import StaticPool

        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S,
                                                  "check_same_thread": False},
                               poolclass=StaticPool)
    else:
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get("cfcs_read", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def open_store(url: str, *, create: bool) -> Store:
    """Open (and, when ``create``, create) the audit store at ``url``, migrated to date."""
    parsed = normalise_url(url)
    display = parsed.render_as_string(hide_password=True)
    password = parsed.password if isinstance(parsed.password, str) else None
    try:
        if parsed.get_backend_name() == "sqlite":
            in_memory = _sqlite_file(parsed, create) is None
            engine = _sqlite_engine(parsed, in_memory)
        else:
            engine = create_engine(parsed, connect_args={"connect_timeout": 10},
                                   pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError):
        raise StoreError(
            "PostgreSQL needs the psycopg driver: pip install 'cfcs-qa[postgres]', then run "
            "again."
        ) from None
    store = Store(engine, display)
    try:
        _ensure_schema(store, create)
    except UserError:
        store.close()
        raise
    except DBAPIError as exc:
        store.close()
        raise StoreError(_unusable(display, exc, password)) from None
    return store


def _ensure_schema(store: Store, create: bool) -> None:
    with store.read() as conn:
        version = migrations.current_version(conn)
    if version == migrations.latest_version():
        return
    if version is None and not create:
        raise UserError(
            f"There is no audit store at {store.url} yet (no cfcs-qa tables): run "
            "`cfcs-qa sample` first, or point --db at the store you use."
        )
    with store.transaction() as conn:  # re-checked under the lock: one process migrates
        migrations.migrate(conn)
