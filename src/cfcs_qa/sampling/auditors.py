"""Who audits, and which cases each auditor must not get (``docs/audit-cycle.md``, "Who audits").

Tier 2 auditors: active staff with role team_manager, deputy_manager, service_manager, csm or
iro, and anyone flagged ``auditor``; minus the staff excluded for the month (``--exclude``,
recorded as exemptions). A blank ``active`` means active.

Conflicts, each with a reason a person can read (child ids only, never names):

* ``own_team``: the case is held by the auditor's team (teams compared trimmed, any case);
* ``held``: the auditor was the case's worker (``allocations.worker_id``) on an allocation
  open at any time in the ``lookback_months`` before Day 1;
* ``managed``: a team_manager or deputy_manager whose team held the case in that time;
* ``chaired``: the auditor chaired the child's CP conference or CIC review in that time;
* ``role_rule``: the site's ``audit.role_teams`` says the auditor's role may audit only some
  teams, and the case's team is not one of them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..contract import TIER2_AUDITOR_ROLES

if TYPE_CHECKING:
    import pandas as pd

    from ..ingest.model import Extract

AUDITOR_ROLES = tuple(sorted(TIER2_AUDITOR_ROLES))
MANAGER_ROLES = ("team_manager", "deputy_manager")
COORDINATOR_ROLE = "pdqa_coordinator"
AUDITOR_COLUMNS = ["staff_id", "role", "team", "display_name", "email"]
CONFLICT_COLUMNS = ["child_id", "staff_id", "rule", "reason"]
RULES = ("own_team", "held", "managed", "chaired", "role_rule")
"""Conflict rules in the order their reasons are listed."""


def norm_team(series: pd.Series) -> pd.Series:
    """Teams compared trimmed and case-insensitively (``docs/data-contract.md``)."""
    return series.astype("str").str.strip().str.casefold()


def _active(staff: pd.DataFrame) -> pd.Series:
    return staff["active"].fillna(True).astype(bool)


def available_auditors(staff: pd.DataFrame, exclude: list[str] | tuple[str, ...] = ()
                       ) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Tier 2 auditors sorted by staff_id, and the exemptions for ``exclude``.

    Each exemption is ``{"staff_id", "reason"}``; an excluded id that is not an available
    auditor is still recorded (its reason says so), so nothing the user typed is lost.
    """
    eligible = _active(staff) & (staff["role"].isin(AUDITOR_ROLES)
                                 | staff["auditor"].fillna(False).astype(bool))
    pool = staff.loc[eligible]
    wanted = sorted(set(exclude))
    exemptions = []
    known = set(pool["staff_id"])
    for staff_id in wanted:
        note = "" if staff_id in known else "; not an available Tier 2 auditor anyway"
        exemptions.append({"staff_id": staff_id,
                           "reason": f"excluded for the month (--exclude){note}"})
    pool = pool.loc[~pool["staff_id"].isin(wanted)]
    return _auditor_frame(pool), exemptions


def coordinators(staff: pd.DataFrame, exclude: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """Active pdqa_coordinators not excluded: they take the extra cases first."""
    pool = staff.loc[_active(staff) & staff["role"].eq(COORDINATOR_ROLE)
                     & ~staff["staff_id"].isin(list(exclude))]
    return _auditor_frame(pool)


def _auditor_frame(pool: pd.DataFrame) -> pd.DataFrame:
    out = pool.reindex(columns=AUDITOR_COLUMNS).sort_values("staff_id", kind="mergesort")
    return out.reset_index(drop=True)


def _window_start(day1: date, months: int) -> date:
    from ..calendar import add_months

    return add_months(day1, -months)


def conflicts(cases: pd.DataFrame, auditors: pd.DataFrame, extract: Extract, day1: date,
              settings: Any = None) -> pd.DataFrame:
    """Every (case, auditor) conflict: ``child_id, staff_id, rule, reason``, sorted by case,
    auditor and rule (in ``RULES`` order).

    ``cases`` needs ``child_id, team``; ``auditors`` needs ``staff_id, role, team``.
    A pair absent from the result may be allocated.
    """
    import pandas as pd

    audit = getattr(settings, "audit", settings)
    months = int(getattr(audit, "lookback_months", 12))
    role_teams: dict[str, list[str]] = dict(getattr(audit, "role_teams", {}) or {})
    since = pd.Timestamp(_window_start(day1, months))
    until = pd.Timestamp(day1)
    span = f"in the {months} months before Day 1"
    ids = cases[["child_id", "team"]].assign(case_team=lambda f: norm_team(f["team"]))
    people = auditors[["staff_id", "role", "team"]].assign(
        own_team=lambda f: norm_team(f["team"].fillna("")))
    pairs = ids.merge(people, how="cross", suffixes=("", "_auditor"))
    found: list[pd.DataFrame] = []

    own = pairs.loc[pairs["case_team"].eq(pairs["own_team"]) & pairs["own_team"].ne("")]
    found.append(own.assign(
        rule="own_team",
        reason="works in " + own["team_auditor"].astype("str") + ", the team holding the case"))

    if extract.has("allocations"):
        alloc = extract.get("allocations")
        window = alloc.loc[alloc["child_id"].isin(ids["child_id"]) & (alloc["start_date"] <= until)
                           & (alloc["end_date"].isna() | (alloc["end_date"] >= since))]
        held = pairs.merge(window[["child_id", "worker_id"]].dropna().drop_duplicates(),
                           left_on=["child_id", "staff_id"], right_on=["child_id", "worker_id"])
        found.append(held.assign(rule="held", reason=f"was the case's worker {span}"))
        teams = window[["child_id", "team"]].assign(held_team=lambda f: norm_team(f["team"]))
        managers = pairs.loc[pairs["role"].isin(MANAGER_ROLES)]
        managed = managers.merge(teams[["child_id", "held_team"]].drop_duplicates(),
                                 left_on=["child_id", "own_team"],
                                 right_on=["child_id", "held_team"])
        found.append(managed.assign(
            rule="managed", reason="manages " + managed["team_auditor"].astype("str")
            + f", which held the case {span}"))

    for table, column, what in (("cp_conferences", "conference_date", "CP conference"),
                                ("cic_reviews", "review_date", "CIC review")):
        if not extract.has(table):
            continue
        events = extract.get(table)
        events = events.loc[events["child_id"].isin(ids["child_id"]) & events["chair_id"].notna()
                            & events[column].between(since, until)]
        chaired = pairs.merge(events[["child_id", "chair_id", column]],
                              left_on=["child_id", "staff_id"], right_on=["child_id", "chair_id"])
        found.append(chaired.assign(
            rule="chaired",
            reason=f"chaired this child's {what} on " + chaired[column].dt.strftime("%Y-%m-%d")))

    for role, allowed in sorted(role_teams.items()):
        permitted = {t.strip().casefold() for t in allowed}
        barred = pairs.loc[pairs["role"].eq(role) & ~pairs["case_team"].isin(permitted)]
        found.append(barred.assign(
            rule="role_rule",
            reason=f"a {role} may audit only {', '.join(sorted(allowed))} (audit.role_teams)"))

    frames = [f[CONFLICT_COLUMNS] for f in found if not f.empty]
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in CONFLICT_COLUMNS})
    out = pd.concat(frames, ignore_index=True).drop_duplicates()
    out["_rank"] = out["rule"].map({r: i for i, r in enumerate(RULES)})
    out = out.sort_values(["child_id", "staff_id", "_rank", "reason"], kind="mergesort")
    return out[CONFLICT_COLUMNS].reset_index(drop=True)


def conflict_map(table: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """``{(child_id, staff_id): [reason, ...]}`` from :func:`conflicts`."""
    out: dict[tuple[str, str], list[str]] = {}
    for child, staff_id, reason in zip(table["child_id"], table["staff_id"], table["reason"],
                                       strict=True):
        out.setdefault((str(child), str(staff_id)), []).append(str(reason))
    return out

