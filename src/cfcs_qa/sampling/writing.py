"""Storing a planned sample (inside the caller's transaction) and writing its toolkits."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..audit import schema as s
from .stored import EXCLUSION_KEYS, insert_rows, insert_run

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from ..audit.store import Store
    from ..config import Settings
    from ..ingest.model import Extract
    from .run import Plan, SampleOptions


def _value(v: Any) -> Any:
    """pandas' NA/NaN/NaT as None; numpy scalars as Python ones."""
    import pandas as pd

    if v is None:
        return None
    if not isinstance(v, str | list | dict) and pd.isna(v):
        return None
    return v.item() if hasattr(v, "item") else v


def _records(frame: Any, columns: list[str]) -> list[dict[str, Any]]:
    return [{k: _value(v) for k, v in row.items()} for row in frame[columns].to_dict("records")]


def case_details(extract: Extract, child_ids: list[str], day1: date) -> dict[str, dict[str, Any]]:
    """Legal status (open full-time-care episode) and placement type open on Day 1, if known."""
    from .population import open_at

    out: dict[str, dict[str, Any]] = {c: {"legal_status": None, "placement": None}
                                      for c in child_ids}
    for table, column, key in (("cic_episodes", "legal_status", "legal_status"),
                               ("placements", "placement_type", "placement")):
        if not extract.has(table):
            continue
        frame = extract.get(table)
        frame = frame.loc[frame["child_id"].isin(child_ids)]
        frame = frame.loc[open_at(frame, day1)].sort_values(["child_id", "start_date"])
        for child, value in frame.drop_duplicates("child_id", keep="last")[
                ["child_id", column]].itertuples(index=False):
            out[str(child)][key] = _value(value)
    return out


def write_sample(store: Store, conn: Connection, plan: Plan, extract: Extract,
                 settings: Settings, options: SampleOptions, dates: Any,
                 now: datetime, *, replaces_run: int | None = None) -> int:
    """Insert the run and everything with it; write the toolkits. Returns the run id."""
    from ..audit.staff_roles import directory_from_frame, supervising_manager
    from ..audit.store import next_allocation_id
    from ..calendar import add_months

    draw, matching = plan.draw, plan.matching
    counts = draw.exclusions["reason"].value_counts().to_dict()
    strata = [{"category": r["category"], "team": r["team"], "cases": int(r["cases"]),
               "eligible": int(r["eligible"]), "drawn": int(r["drawn"])}
              for r in draw.strata.to_dict("records")]
    population = {"total": len(draw.population),
                  "excluded": {k: int(counts.get(k, 0)) for k in EXCLUSION_KEYS},
                  "strata": strata, "unmatched": matching.unmatched}
    run_settings = {
        "audit": settings.audit.model_dump(mode="json"),
        "options": {"size": options.size, "exclude": sorted(options.exclude),
                    "toolkits": None if options.toolkits is None else str(options.toolkits),
                    **options.extra},
        "exemptions": plan.exemptions,
        "auditors_available": len(plan.auditors),
    }
    run_id = insert_run(conn, {
        "month": options.label, "seed": plan.seed, "as_of": extract.as_of, "day1": dates.day1,
        "issued_date": dates.day1, "due_date": dates.due_date, "size": int(draw.size),
        "drawn_at": now, "drawn_by": options.actor, "data_source": extract.source or None,
        "synthetic": bool(extract.synthetic), "settings": run_settings,
        "population": population, "status": "active",
        "redraw_reason": options.reason if replaces_run is not None else None,
    })
    pop = draw.population
    insert_rows(conn, s.run_population, [
        {"run_id": run_id, **r} for r in _records(
            pop, ["child_id", "family_id", "category", "team", "worker_id", "stratum",
                  "eligible"])])
    insert_rows(conn, s.sample_exclusions, [
        {"run_id": run_id, **r} for r in _records(draw.exclusions, ["child_id", "reason",
                                                                   "detail"])])
    staff = extract.get("staff")
    directory = directory_from_frame(staff)
    exempt_ids = [e["staff_id"] for e in plan.exemptions]
    auditors = [{"run_id": run_id, "available": True, **r} for r in _records(
        plan.auditors, ["staff_id", "display_name", "role", "team", "email"])]
    for staff_id in exempt_ids:
        member = directory.get(staff_id)
        auditors.append({"run_id": run_id, "staff_id": staff_id, "available": False,
                         "display_name": member.display_name if member else None,
                         "role": member.role if member else None,
                         "team": member.team if member else None,
                         "email": member.email if member else None})
    insert_rows(conn, s.run_auditors, auditors)
    insert_rows(conn, s.auditor_exemptions, [
        {"run_id": run_id, "staff_id": e["staff_id"], "reason": "excluded", "detail": e["reason"]}
        for e in plan.exemptions] + [
        {"run_id": run_id, "staff_id": u["auditor_id"], "reason": "unmatched",
         "detail": u["reason"]} for u in matching.unmatched if "auditor_id" in u])

    drawn = draw.drawn.loc[draw.drawn["child_id"].isin(list(matching.assignments))]
    first = int(next_allocation_id(conn, options.label).rsplit("-", 1)[1])
    details = case_details(extract, drawn["child_id"].tolist(), dates.day1)
    window_start = add_months(dates.day1, -settings.audit.lookback_months)
    rows: list[dict[str, Any]] = []
    for position, case in enumerate(_records(drawn, ["child_id", "category", "team",
                                                     "worker_id"])):
        auditor = directory[matching.assignments[case["child_id"]]]
        manager = supervising_manager(directory, case["team"])
        rows.append({
            "allocation_id": f"{options.label}-{first + position:03d}", "run_id": run_id,
            "month": options.label, "tier": 2, **case,
            "supervising_manager_id": manager.staff_id if manager else None,
            "stratum": f"{case['category']}|{case['team']}",
            **details[case["child_id"]],
            "auditor_id": auditor.staff_id, "auditor_name": auditor.display_name,
            "auditor_role": auditor.role, "auditor_team": auditor.team,
            "auditor_email": auditor.email, "issued_date": dates.day1,
            "due_date": dates.due_date, "family_contact": position in plan.flagged_positions,
            "moderation_required": False, "state": "issued", "created_at": now,
            "created_by": options.actor,
        })
    if options.toolkits is not None:
        _write_toolkits(rows, options, window_start, dates.day1, bool(extract.synthetic))
    insert_rows(conn, s.allocations, rows)
    action = "redrawn" if replaces_run is not None else "drawn"
    store.log(conn, options.actor, "sampling_runs", run_id, action, options.reason, {
        "month": options.label, "seed": plan.seed, "size": int(draw.size),
        "replaces_run": replaces_run,
        "allocations": len(rows), "unmatched": len(matching.unmatched)})
    for row in rows:
        store.log(conn, options.actor, "allocations", row["allocation_id"], "issued", None, {
            "run_id": run_id, "child_id": row["child_id"], "auditor_id": row["auditor_id"],
            "family_contact": row["family_contact"]})
    return run_id


def _write_toolkits(rows: list[dict[str, Any]], options: SampleOptions, window_start: date,
                    day1: date, synthetic: bool) -> None:
    """One workbook per allocation, ``DIR/<allocation id>.xlsx``; path and checksum stored."""
    from ..errors import UserError
    from ..fileio import private_dir
    from .standards import load_standards
    from .toolkit_writer import write_toolkit

    folder = options.toolkits
    assert folder is not None
    try:
        private_dir(folder)  # a new folder of case-level workbooks is owner-only
    except OSError as exc:
        raise UserError(f"Cannot create the toolkit folder {folder}: {exc.strerror}. Give "
                        "--toolkits a folder you can write to; nothing was stored.") from None
    standards = load_standards()
    for row in rows:
        path = folder / f"{row['allocation_id']}.xlsx"
        checksum = write_toolkit(path, {
            **row, "supervising_manager": row["supervising_manager_id"],
            "audit_window_start": window_start, "audit_window_end": day1,
        }, standards, synthetic=synthetic)
        row["toolkit_path"] = str(path)
        row["template_checksum"] = checksum
