"""Build every table of a synthetic extract in memory (no files): ``build(options)``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..calendar import add_months
from . import care as care_mod
from . import front_door, protection, services
from .cases import child_journeys
from .draw import YEAR, day
from .journeys import WARM_UP_YEARS, family_journeys, journey_rate, pool_factor
from .options import SynthOptions
from .people import Pool, make_pool, make_population, make_staff
from .tables import Frame, concat, number


@dataclass
class Built:
    """The generated tables (internal shape, see ``tables``) and what the writer needs."""

    frames: dict[str, Frame]
    staff: pd.DataFrame
    population: pd.DataFrame
    pool: Pool
    children: np.ndarray
    """Pool indices of the children the extract mentions, sorted."""
    anchor: float


def build(opts: SynthOptions) -> Built:
    rng = np.random.Generator(np.random.PCG64(opts.seed))
    anchor = day(opts.anchor)
    history = day(add_months(opts.anchor, -opts.months))
    start = history - WARM_UP_YEARS * YEAR
    pool = make_pool(rng, opts, history, anchor, pool_factor(opts.months))
    staff = make_staff(rng, opts)
    family, draws, dates = family_journeys(rng, pool, start, anchor,
                                           journey_rate(opts.months))
    cases = child_journeys(pool, family, draws, dates, anchor)
    del dates, family  # the children's copies are all that is needed from here
    csm = staff.loc[(staff["role"] == "csm"), "staff_id"].to_numpy()
    iro = staff.loc[(staff["role"] == "iro") & (staff["active"] == "Y"), "staff_id"].to_numpy()

    f: dict[str, Frame] = {}
    f["contacts"] = front_door.contacts(rng, cases, draws, anchor)
    f["referrals"] = front_door.referrals(rng, cases)
    f["assessments"] = front_door.assessments(rng, cases, pool)
    f["early_help"] = front_door.early_help(rng, cases)
    f["s47_enquiries"] = front_door.s47_enquiries(cases, draws)
    f.update(protection.cp_records(rng, pool, cases, draws, f["s47_enquiries"], csm, anchor))
    f.update(protection.cin_records(rng, cases, anchor))

    periods = care_mod.periods(cases)
    f["foster_households"] = care_mod.foster_households(rng, opts.scale, start, anchor)
    f["placements"] = care_mod.placements(rng, periods, f["foster_households"], anchor)
    f.update(care_mod.reviews_and_plans(rng, pool, periods, iro, anchor))
    f["missing_episodes"] = care_mod.missing_episodes(rng, pool, periods, anchor)
    f["care_leavers"], leaver_visits = care_mod.care_leavers(rng, pool, periods, anchor)
    f.update(services.disability(rng, cases, anchor))
    f["cic_episodes"] = care_mod.all_episodes(care_mod.episodes(rng, periods, anchor),
                                              f.pop("short_break_episodes"))
    cp_on = cases.has("cp_s")
    cin_on = cases.has("cin_s")
    f["visits"] = number(concat(
        protection.visits(rng, pool, cases.child[cp_on], cases.dates["cp_s"][cp_on],
                          cases.dates["cp_e"][cp_on], anchor, kind="cp", first=(1, 9),
                          gap=(4, 13), late=(0.05, 15, 24), seen=0.96, alone=0.83),
        protection.visits(rng, pool, cases.child[cin_on], cases.dates["cin_s"][cin_on],
                          cases.dates["cin_e"][cin_on], anchor, kind="cin", first=(5, 20),
                          gap=(15, 35), late=(0.05, 40, 60), seen=0.92, alone=0.62),
        care_mod.cic_visits(rng, pool, periods, anchor),
        leaver_visits,
    ), "visit_id", 20_000_001, "visit_date")
    f["allocations"] = services.allocations(rng, pool, cases, periods, f["care_leavers"], staff,
                                            anchor)
    f["practice_reviews"] = services.practice_reviews(rng, opts.scale, f["cp_plans"], history,
                                                      anchor)
    f["complaints"] = services.complaints(rng, opts.scale, f["allocations"], pool.dob,
                                          history, anchor)
    for name in list(f):  # one table at a time: the unfiltered copy is freed as we go
        f[name] = _within_history(name, f.pop(name), history)
    children = _mentioned(f)
    first_year = opts.anchor.year - (opts.months + 11) // 12
    population = make_population(opts, first_year, opts.anchor.year)
    return Built(frames=f, staff=staff, population=population, pool=pool, children=children,
                 anchor=anchor)


_EVENT_DATE = {"contacts": "received_date", "referrals": "referral_date",
               "cp_conferences": "conference_date",
               "visits": "visit_date", "cin_reviews": "review_date", "cic_reviews": "review_date",
               "care_plans": "plan_date", "pathway_plans": "plan_date",
               "assessments": "completed_date", "missing_episodes": "start_date"}
_SPELL_END = {"early_help": "end_date", "cp_plans": "end_date", "cin_plans": "end_date",
              "cic_episodes": "_period_end", "placements": "_period_end",
              "allocations": "end_date",
              "cds_involvements": "end_date", "short_breaks": "end_date",
              "foster_households": "deregistration_date"}


def _within_history(name: str, frame: Frame, history: float) -> Frame:
    """Events dated in the history; spells still open at its start (or later)."""
    if name == "s47_enquiries":  # keep those behind a conference in the history
        keep = frame["strategy_date"] >= history - 90
    elif name in _EVENT_DATE:
        column = frame[_EVENT_DATE[name]]
        keep = (column >= history) | (np.isnan(column) if name == "assessments" else False)
    elif name in _SPELL_END:
        column = frame[_SPELL_END[name]]
        keep = np.isnan(column) | (column >= history)
    else:
        return frame
    return {k: v[keep] for k, v in frame.items()}


def _mentioned(frames: dict[str, Frame]) -> np.ndarray:
    ids = [f["child_id"] for f in frames.values() if "child_id" in f]
    every = np.unique(np.concatenate(ids))
    return every[every >= 0]
