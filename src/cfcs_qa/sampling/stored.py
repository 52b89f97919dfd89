"""Reading and writing the month's sample in the audit store (``audit.schema``).

Reads: the audit history the draw excludes on, the strata drawn earlier in the audit year,
and a stored sample as the JSON shape of ``docs/cli.md``. Writes: one sampling run with its
population, exclusions, auditors, exemptions and allocations, always inside the caller's
``Store.transaction()``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, select

from ..audit import schema as s

if TYPE_CHECKING:
    import pandas as pd

EXCLUSION_KEYS = ("recently_audited", "open_audit", "sibling_in_sample")


def active_run(conn: Connection, month: str) -> dict[str, Any] | None:
    row = conn.execute(select(s.sampling_runs).where(
        s.sampling_runs.c.month == month, s.sampling_runs.c.status == "active")).mappings().first()
    return dict(row) if row else None


def history_frame(conn: Connection, skip_run: int | None = None) -> pd.DataFrame:
    """Every allocation (any tier) with its current audit's completed date.

    ``skip_run``: the run being redrawn, whose allocations must not exclude its own children.
    """
    import pandas as pd

    a, au = s.allocations, s.audits
    query = (select(a.c.allocation_id, a.c.child_id, a.c.tier, a.c.state, a.c.issued_date,
                    au.c.completed_date, a.c.run_id)
             .outerjoin(au, and_(au.c.allocation_id == a.c.allocation_id, au.c.current)))
    rows = [tuple(r) for r in conn.execute(query)]
    cols = ["allocation_id", "child_id", "tier", "state", "issued_date", "completed_date",
            "run_id"]
    frame = pd.DataFrame(rows, columns=cols)
    if skip_run is not None:
        frame = frame.loc[frame["run_id"].ne(skip_run)]
    frame["tier"] = pd.to_numeric(frame["tier"]).astype("int64")
    for col in ("issued_date", "completed_date"):
        frame[col] = pd.to_datetime(frame[col])
    return frame.drop(columns="run_id").reset_index(drop=True)


def drawn_this_year(conn: Connection, month: str, year_start: str) -> dict[tuple[str, str], int]:
    """Cases drawn per (category, team) by active runs of the audit year before ``month``."""
    runs = conn.execute(select(s.sampling_runs.c.population).where(
        s.sampling_runs.c.status == "active", s.sampling_runs.c.month >= year_start,
        s.sampling_runs.c.month < month)).scalars()
    out: dict[tuple[str, str], int] = {}
    for population in runs:
        for stratum in (population or {}).get("strata", []):
            key = (str(stratum["category"]), str(stratum["team"]))
            out[key] = out.get(key, 0) + int(stratum.get("drawn", 0))
    return out


def imported_count(conn: Connection, run_id: int) -> int:
    """Toolkits imported for the run's allocations (a redraw is refused when > 0)."""
    rows = conn.execute(select(s.audits.c.id).join(
        s.allocations, s.allocations.c.allocation_id == s.audits.c.allocation_id).where(
        s.allocations.c.run_id == run_id)).all()
    return len(rows)


def stored_sample(conn: Connection, month: str) -> dict[str, Any] | None:
    """The month's active sample in the ``sample --format json`` shape, or None."""
    run = active_run(conn, month)
    if run is None:
        return None
    a = s.allocations
    rows = conn.execute(select(a).where(a.c.run_id == run["id"])
                        .order_by(a.c.allocation_id)).mappings().all()
    population = dict(run["population"] or {})
    unmatched = list(population.pop("unmatched", []))
    return {
        "month": run["month"], "seed": int(run["seed"]),
        "issued_date": run["issued_date"].isoformat(), "due_date": run["due_date"].isoformat(),
        "as_of": run["as_of"].isoformat(), "synthetic": bool(run["synthetic"]),
        "drawn_by": run["drawn_by"], "drawn_at": run["drawn_at"].isoformat(),
        "size": int(run["size"]),
        "population": population,
        "exemptions": [dict(e) for e in (run["settings"] or {}).get("exemptions", [])],
        "allocations": [{
            "allocation_id": r["allocation_id"], "child_id": r["child_id"],
            "category": r["category"], "team": r["team"], "auditor_id": r["auditor_id"],
            "auditor_name": r["auditor_name"], "family_contact": bool(r["family_contact"]),
            "moderation": bool(r["moderation_required"]), "toolkit": r["toolkit_path"],
            "state": r["state"],
        } for r in rows],
        "unmatched": unmatched,
    }


def insert_run(conn: Connection, values: dict[str, Any]) -> int:
    result = conn.execute(s.sampling_runs.insert().values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def supersede(conn: Connection, run_id: int, reason: str, actor: str, when: Any) -> list[str]:
    """Mark the old run superseded and its open allocations withdrawn; returns their ids."""
    conn.execute(s.sampling_runs.update().where(s.sampling_runs.c.id == run_id).values(
        status="superseded", redraw_reason=reason))
    a = s.allocations
    ids = list(conn.execute(select(a.c.allocation_id).where(
        a.c.run_id == run_id, a.c.state.in_(s.OPEN_STATES))).scalars())
    if ids:
        conn.execute(a.update().where(a.c.allocation_id.in_(ids)).values(
            state="withdrawn", state_reason=f"sample redrawn: {reason}", state_changed_at=when,
            state_changed_by=actor))
    return ids


def insert_rows(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def as_date(value: Any) -> date | None:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()
