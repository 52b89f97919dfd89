"""The Tier 2 audit population on Day 1 (``docs/audit-cycle.md``, "Which cases").

A child is in the population when, on Day 1, they have an open allocation (its team holds
the case; with overlapping allocations the one that started last) and one of:

* an open continuous CP plan (touching ``cp_plans`` rows merged) -> category ``cp``;
* an open period of full-time care (touching full-time ``cic_episodes`` merged) -> ``cic``;
* an open CIN plan -> ``cin``;
* with ``AuditSettings.extra_categories``: a ``care_leavers`` row -> ``care_leaver``, an open
  single assessment -> ``assessment``, an open ``cds_involvements`` row -> ``cds``.

The first that applies in that order is the child's category. "Open at d" everywhere means
``start <= d`` and (``end`` blank or ``end > d``), as in ``docs/kpis.md``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ..ingest.model import Extract

BASE_CATEGORIES = ("cp", "cic", "cin")
EXTRA_CATEGORIES = ("care_leaver", "assessment", "cds")
CATEGORY_ORDER = BASE_CATEGORIES + EXTRA_CATEGORIES
POPULATION_COLUMNS = ["child_id", "category", "team", "worker_id", "family_id"]


def open_at(frame: pd.DataFrame, d: date, start: str = "start_date", end: str = "end_date") -> Any:
    """Boolean mask: the record is open at ``d`` (start <= d and (end blank or end > d))."""
    import pandas as pd

    ts = pd.Timestamp(d)
    return (frame[start] <= ts) & (frame[end].isna() | (frame[end] > ts))


def merge_continuous(frame: pd.DataFrame, start: str = "start_date",
                     end: str = "end_date") -> pd.DataFrame:
    """Merge each child's touching rows into continuous records (``docs/kpis.md``).

    Rows touch when the next starts on or before the day after the latest end so far; a blank
    end is still open. Returns ``child_id, start_date, end_date`` (end NaT when open).
    """
    import pandas as pd

    if frame.empty:
        return pd.DataFrame({"child_id": pd.Series([], dtype="str"),
                             "start_date": pd.Series([], dtype="datetime64[ns]"),
                             "end_date": pd.Series([], dtype="datetime64[ns]")})
    rows = frame[["child_id", start, end]].rename(columns={start: "start_date", end: "end_date"})
    rows = rows.sort_values(["child_id", "start_date"], kind="mergesort").reset_index(drop=True)
    far = pd.Timestamp.max.normalize()
    ends = rows["end_date"].astype("datetime64[ns]").fillna(far)
    latest = ends.groupby(rows["child_id"]).cummax()
    previous_latest = latest.groupby(rows["child_id"]).shift(1)
    new_child = rows["child_id"].ne(rows["child_id"].shift(1))
    # "start <= latest end + 1 day" written without adding to the far-future sentinel
    gap = (rows["start_date"] - pd.Timedelta(days=1)) > previous_latest
    group = (new_child | gap.fillna(False)).cumsum()
    merged = pd.DataFrame({"child_id": rows["child_id"], "start_date": rows["start_date"],
                           "end_date": ends, "group": group})
    out = merged.groupby("group", sort=True).agg(
        child_id=("child_id", "first"), start_date=("start_date", "min"),
        end_date=("end_date", "max"))
    out["end_date"] = out["end_date"].where(out["end_date"] < far)
    return out.reset_index(drop=True)


def current_allocations(allocations: pd.DataFrame, d: date) -> pd.DataFrame:
    """Each child's allocation open at ``d``; with overlaps, the one that started last."""
    open_rows = allocations.loc[open_at(allocations, d)]
    open_rows = open_rows.sort_values(["child_id", "start_date"], kind="mergesort")
    latest = open_rows.drop_duplicates("child_id", keep="last")
    out = latest[["child_id", "team", "worker_id", "start_date"]].copy()
    out["team"] = out["team"].str.strip()
    return out.reset_index(drop=True)


def _children_open(extract: Extract, table: str, d: date, *, merge: bool = False,
                   full_time_only: bool = False, end: str = "end_date") -> set[str]:
    if not extract.has(table):
        return set()
    frame = extract.get(table)
    if full_time_only:
        frame = frame.loc[frame["full_time"].fillna(True).astype(bool)]
    if merge:
        frame = merge_continuous(frame, end=end)
        end = "end_date"
    return set(frame.loc[open_at(frame, d, end=end), "child_id"].astype(str))


def _category_members(extract: Extract, d: date, category: str) -> set[str]:
    if category == "cp":
        return _children_open(extract, "cp_plans", d, merge=True)
    if category == "cic":
        return _children_open(extract, "cic_episodes", d, merge=True, full_time_only=True)
    if category == "cin":
        return _children_open(extract, "cin_plans", d)
    if category == "care_leaver":
        return set(extract.get("care_leavers")["child_id"].astype(str)) if extract.has(
            "care_leavers") else set()
    if category == "assessment":
        return _children_open(extract, "assessments", d, end="completed_date")
    if category == "cds":
        return _children_open(extract, "cds_involvements", d)
    raise ValueError(f"unknown category {category!r}")


def population_categories(extra: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The categories in priority order: cp, cic, cin, then the site's extras in fixed order."""
    return BASE_CATEGORIES + tuple(c for c in EXTRA_CATEGORIES if c in set(extra))


def build_population(extract: Extract, day1: date, settings: Any = None) -> pd.DataFrame:
    """The Day 1 population: ``child_id, category, team, worker_id, family_id``.

    Sorted by (category, team, child_id) as plain text: the order the draw relies on.
    ``settings`` is a :class:`cfcs_qa.config.Settings` (or its ``audit``), or None.
    """
    import pandas as pd

    audit = getattr(settings, "audit", settings)
    extra = list(getattr(audit, "extra_categories", []) or [])
    unknown = sorted(set(extra) - set(EXTRA_CATEGORIES))
    if unknown:
        from ..errors import UserError

        raise UserError(
            f"audit.extra_categories lists {', '.join(unknown)}, which cfcs-qa cannot sample. "
            f"Use only: {', '.join(EXTRA_CATEGORIES)}.")
    empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in POPULATION_COLUMNS})
    if not extract.has("allocations"):
        return empty
    held = current_allocations(extract.get("allocations"), day1)
    categories = population_categories(extra)
    category = pd.Series(pd.NA, index=held.index, dtype="str")
    for name in reversed(categories):  # highest priority written last
        members = _category_members(extract, day1, name)
        category = category.mask(held["child_id"].isin(members), name)
    held = held.assign(category=category).dropna(subset=["category"])
    if extract.has("children"):
        families = extract.get("children")[["child_id", "family_id"]].drop_duplicates("child_id")
        held = held.merge(families, on="child_id", how="left")
    else:
        held["family_id"] = pd.NA
    held = held.sort_values(["category", "team", "child_id"], kind="mergesort")
    out = held[POPULATION_COLUMNS].reset_index(drop=True)
    return out.astype({"child_id": "str", "category": "str", "team": "str",
                       "worker_id": "str", "family_id": "str"})
