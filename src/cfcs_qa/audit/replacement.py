"""``audits replace``: a new case for an allocation, drawn reproducibly from the same stratum.

The candidates are the children of the sample's stored Day 1 population (``run_population``)
in the same category and team that were eligible then, are not in the month's sample (in any
state), have no allocation open or issued in the look-back window since, and belong to no
family still in the sample. One is chosen with the generator derived from (run seed,
"replace", allocation id), over the candidates sorted by child_id
(``sampling.changes.replacement_draw``): the same store always gives the same case. The old
allocation becomes ``replaced`` (its toolkit is void: import refuses it); the new one keeps
the auditor, the due date and any family-contact flag.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from ..calendar import add_months
from ..errors import UserError
from . import schema as s
from .changes import load_allocation, require_open, set_state
from .store import Store, next_allocation_id, utcnow


def _candidates_frame(conn: Connection, run_id: int) -> Any:
    import pandas as pd

    rows = conn.execute(select(
        s.run_population.c.child_id, s.run_population.c.family_id,
        s.run_population.c.category, s.run_population.c.team, s.run_population.c.worker_id,
        s.run_population.c.eligible).where(s.run_population.c.run_id == run_id)).all()
    cols = ["child_id", "family_id", "category", "team", "worker_id", "eligible"]
    return pd.DataFrame([tuple(r) for r in rows], columns=cols)


def _recently_allocated(conn: Connection, as_of: date, lookback_months: int) -> set[str]:
    since = add_months(as_of, -lookback_months)
    ids = conn.execute(select(s.allocations.c.child_id).where(
        s.allocations.c.state.notin_(("withdrawn", "replaced")),
        s.allocations.c.issued_date >= since)).scalars()
    return set(map(str, ids))


def replace(store: Store, allocation_id: str, reason: str, *, actor: str, as_of: date,
            lookback_months: int = 12, toolkit_dir: Path | None = None,
            synthetic: bool = False, write: bool = True) -> dict[str, Any]:
    """Replace ``allocation_id``'s case. The new toolkit is written to ``toolkit_dir``, else
    beside the old toolkit; with neither known the call is refused before anything changes
    (``write=False`` skips the toolkit, for callers that write it themselves)."""
    from ..sampling.changes import replacement_draw

    with store.transaction() as conn:
        old = load_allocation(conn, allocation_id)
        require_open(old, "replaced")
        if old["run_id"] is None:
            raise UserError(
                f"Allocation {old['allocation_id']} was not drawn in a monthly sample (Tier 3 "
                "or re-audit), so there is no stratum to draw a replacement from. Withdraw it "
                "instead (`cfcs-qa audits withdraw`)."
            )
        if write and toolkit_dir is None and not old.get("toolkit_path"):
            raise UserError(
                f"No toolkit folder is recorded for {old['allocation_id']}, so the new "
                "toolkit has nowhere to go. Give --toolkits DIR (the folder you send toolkits "
                "from) and run again; nothing was changed."
            )
        run = conn.execute(select(s.sampling_runs).where(
            s.sampling_runs.c.id == old["run_id"])).mappings().one()
        population = _candidates_frame(conn, run["id"])
        sample = [dict(r) for r in conn.execute(select(
            s.allocations.c.child_id, s.allocations.c.state).where(
            s.allocations.c.run_id == run["id"])).mappings()]
        staying = {str(a["child_id"]) for a in sample
                   if a["state"] not in ("withdrawn", "replaced")} - {str(old["child_id"])}
        families = population.loc[population["child_id"].isin(staying), "family_id"].dropna()
        child = replacement_draw(
            population, [a["child_id"] for a in sample], str(old["category"]),
            str(old["team"]), int(run["seed"]), str(old["allocation_id"]),
            also_exclude=_recently_allocated(conn, as_of, lookback_months),
            sample_family_ids=families.astype(str).tolist())
        if child is None:
            raise UserError(
                f"No case is left to replace {old['allocation_id']} from the same stratum "
                f"({old['category']}, {old['team']}): every eligible child there is in the "
                "sample, was audited recently, or has a sibling in the sample. Withdraw the "
                "allocation instead (`cfcs-qa audits withdraw`)."
            )
        new_id = next_allocation_id(conn, str(old["month"]))
        picked = population.loc[population["child_id"] == child].iloc[0]
        new = {k: old[k] for k in (
            "run_id", "month", "tier", "category", "team", "supervising_manager_id", "stratum",
            "auditor_id", "auditor_name", "auditor_role", "auditor_team", "auditor_email",
            "due_date", "family_contact", "moderation_required")}
        worker = picked["worker_id"]
        new.update(allocation_id=new_id, child_id=child, replaces=old["allocation_id"],
                   worker_id=None if worker is None or worker != worker else str(worker),
                   issued_date=max(as_of, old["issued_date"]), state="issued",
                   created_at=utcnow(), created_by=actor)
        conn.execute(s.allocations.insert().values(**new))
        set_state(conn, old["allocation_id"], actor, state="replaced", state_reason=reason,
                      replaced_by=new_id)
        store.log(conn, actor, "allocations", old["allocation_id"], "replaced", reason,
                  {"replaced_by": new_id, "toolkit": "void"})
        store.log(conn, actor, "allocations", new_id, "issued", f"replaces {old['allocation_id']}",
                  {"child_id": child, "stratum": old["stratum"], "seed": int(run["seed"])})
        toolkit = (_write_toolkit(new, old, run["day1"], lookback_months, toolkit_dir,
                                  synthetic or bool(run["synthetic"])) if write else None)
        if toolkit is not None:
            conn.execute(s.allocations.update().where(
                s.allocations.c.allocation_id == new_id).values(
                toolkit_path=str(toolkit[0]), template_checksum=toolkit[1]))
    return {"allocation_id": old["allocation_id"], "action": "replaced", "reason": reason,
            "replaced_by": new_id, "child_id": child, "auditor_id": new["auditor_id"],
            "due_date": new["due_date"].isoformat(),
            "toolkit": str(toolkit[0]) if toolkit else None}


def _write_toolkit(new: dict[str, Any], old: dict[str, Any], day1: date, lookback: int,
                   folder: Path | None, synthetic: bool) -> tuple[Path, str] | None:
    """The replacement's toolkit, beside the old one unless ``folder`` says otherwise."""
    if folder is None and old.get("toolkit_path"):
        folder = Path(str(old["toolkit_path"])).parent
    if folder is None:
        return None
    from ..sampling.standards import load_standards
    from ..sampling.toolkit_writer import write_toolkit

    path = Path(folder) / f"{new['allocation_id']}.xlsx"
    checksum = write_toolkit(path, {
        **new, "supervising_manager": new.get("supervising_manager_id"),
        "legal_status": None, "placement": None,
        "audit_window_start": add_months(day1, -lookback), "audit_window_end": day1,
    }, load_standards(), synthetic=synthetic)
    return path, checksum
