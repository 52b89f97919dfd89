"""``run_sample``: the month's Tier 2 sample from extract to store (what ``cfcs-qa sample`` runs).

Everything is decided and written inside ONE store transaction, which holds the store's write
lock: the audit history is read, the sample drawn and matched, the run, its population,
exclusions, auditors, exemptions and allocations stored, and the toolkits written. Two runs
for the same month at once therefore give one sample: the second finds the first's and shows
it (the partial unique index on active runs per month backs this up). A month that already has
a sample is shown, never drawn again, unless ``redraw`` (with a reason) and no toolkit of it
has been imported; the old run is then ``superseded`` and its open allocations withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError

if TYPE_CHECKING:
    from ..audit.store import Store
    from ..config import Settings
    from ..ingest.model import Extract


@dataclass
class SampleOptions:
    year: int
    month: int
    size: int | None = None
    seed: int | None = None
    exclude: tuple[str, ...] = ()
    redraw: bool = False
    reason: str | None = None
    toolkits: Path | None = None
    actor: str = "unknown"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def show_sample(store: Store, month: str) -> dict[str, Any] | None:
    """The month's stored sample (``sample --format json`` shape), or None."""
    from .stored import stored_sample

    with store.read() as conn:
        found = stored_sample(conn, month)
    return None if found is None else {**found, "status": "stored"}


def check_options(options: SampleOptions) -> None:
    if options.redraw and not (options.reason and options.reason.strip()):
        raise UserError("--redraw needs --reason TEXT saying why the sample is drawn again "
                        "(it is recorded with the new sample).")
    if options.reason and not options.redraw:
        raise UserError("--reason goes with --redraw. To draw the month's sample again, give "
                        "both; to see the stored sample, give neither.")
    if options.size is not None and options.size < 1:
        raise UserError(f"--size {options.size} must be a whole number of cases, 1 or more.")


def run_sample(store: Store, extract: Extract, settings: Settings,
               options: SampleOptions) -> dict[str, Any]:
    """Draw, match and store the month's sample; returns the ``sample --format json`` dict
    plus ``status`` (``drawn``, ``redrawn`` or ``stored`` when the month already had one)."""
    from ..audit.cycle_dates import calendar_for, cycle_dates
    from ..audit.store import utcnow
    from .stored import (
        active_run,
        drawn_this_year,
        history_frame,
        imported_count,
        stored_sample,
        supersede,
    )

    check_options(options)
    dates = cycle_dates(calendar_for(settings), options.year, options.month, settings.audit)
    with store.transaction() as conn:
        existing = active_run(conn, options.label)
        if existing is not None and not options.redraw:
            found = stored_sample(conn, options.label)
            assert found is not None
            return {**found, "status": "stored"}
        if existing is not None and imported_count(conn, int(existing["id"])):
            raise UserError(
                f"The {options.label} sample cannot be redrawn: toolkits of it have already "
                "been imported. Change single allocations instead (`cfcs-qa audits reassign`, "
                "`withdraw` or `replace`).")
        history = history_frame(conn, skip_run=int(existing["id"]) if existing else None)
        year_start = _audit_year_start(options.year, options.month,
                                       settings.audit.year_start_month)
        so_far = drawn_this_year(conn, options.label, year_start)
        plan = plan_sample(extract, settings, options, dates.day1, history, so_far)
        now = utcnow()
        withdrawn: list[str] = []
        if existing is not None:
            withdrawn = supersede(conn, int(existing["id"]), str(options.reason), options.actor,
                                  now)
        from .writing import write_sample

        run_id = write_sample(store, conn, plan, extract, settings, options, dates, now,
                              replaces_run=int(existing["id"]) if existing else None)
        if existing is not None:
            from ..audit import schema as s

            conn.execute(s.sampling_runs.update().where(
                s.sampling_runs.c.id == existing["id"]).values(superseded_by=run_id))
            store.log(conn, options.actor, "sampling_runs", existing["id"], "superseded",
                      options.reason, {"superseded_by": run_id, "withdrawn": withdrawn})
        found = stored_sample(conn, options.label)
        assert found is not None
    if existing is None:
        return {**found, "status": "drawn"}
    return {**found, "status": "redrawn", "withdrawn": withdrawn}


def _audit_year_start(year: int, month: int, start_month: int) -> str:
    start_year = year if month >= start_month else year - 1
    return f"{start_year:04d}-{start_month:02d}"


@dataclass
class Plan:
    """Everything decided before writing (pure)."""

    seed: int
    population: Any
    draw: Any
    auditors: Any
    coordinators: Any
    exemptions: list[dict[str, str]]
    matching: Any
    flagged_positions: set[int]
    """Positions (in allocation order) of the allocations flagged for family contact."""


def plan_sample(extract: Extract, settings: Settings, options: SampleOptions, day1: date,
                history: Any, so_far: dict[tuple[str, str], int]) -> Plan:
    """Population, exclusions, draw, conflicts, matching and family-contact flags."""
    import pandas as pd

    from .auditors import available_auditors, conflicts, coordinators
    from .changes import flag_family_contact
    from .draw import draw_sample
    from .match import match_cases
    from .population import build_population
    from .seeding import check_seed, generator, new_seed

    if not extract.has("staff"):
        raise UserError("The extract has no staff table, so cfcs-qa cannot tell who audits. "
                        "Add staff.csv (staff_id, role, team, active, auditor, email, "
                        "display_name) and run again.")
    population = build_population(extract, day1, settings)
    if population.empty:
        raise UserError(
            f"No child is in the audit population on Day 1 ({day1.isoformat()}): none has an "
            "open allocation together with an open CP plan, period of care or CIN plan. Check "
            "--data and --as-of (the extract must be taken just before Day 1).")
    staff = extract.get("staff")
    pool, exemptions = available_auditors(staff, options.exclude)
    coords = coordinators(staff, options.exclude)
    n = options.size if options.size is not None else len(pool)
    if n < 1:
        raise UserError("No Tier 2 auditor is available this month (active team managers, "
                        "deputy managers, service managers, CSMs, IROs and nominated auditors, "
                        "less --exclude). Check the staff table, or give --size to draw cases "
                        "for the pdqa_coordinator.")
    seed = check_seed(options.seed) if options.seed is not None else new_seed()
    rng = generator(seed)
    draw = draw_sample(population, history, day1, n=n, rng=rng, drawn_so_far=so_far,
                       lookback_months=settings.audit.lookback_months)
    people = pd.concat([pool, coords], ignore_index=True).drop_duplicates("staff_id")
    table = conflicts(draw.drawn, people, extract, day1, settings)
    note = ""
    if draw.size < n:
        note = f"Only {draw.size} case(s) could be drawn after exclusions."
    elif options.size is not None and options.size < len(pool):
        note = f"--size {options.size} is below the number of auditors."
    matching = match_cases(draw.drawn, pool, coords, table, rng, population_note=note)
    matched = [c for c in draw.drawn["child_id"] if c in matching.assignments]
    flags = flag_family_contact([f"{i:06d}" for i in range(len(matched))], draw.size,
                                settings.audit.family_contact_share, rng)
    return Plan(seed=seed, population=population, draw=draw, auditors=pool,
                coordinators=coords, exemptions=exemptions, matching=matching,
                flagged_positions={int(f) for f in flags})
