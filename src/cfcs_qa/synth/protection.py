"""Child protection and children in need: conferences, CP plans, CIN plans and reviews,
and the visits made while a plan is open."""

from __future__ import annotations

import numpy as np

from .cases import Cases
from .draw import YEAR, choice, expand, recurring
from .journeys import CP_CATEGORIES, Draws
from .people import Pool
from .tables import Frame, compact, concat, flag, number


def visits(rng: np.random.Generator, pool: Pool, child: np.ndarray, start: np.ndarray,
           end: np.ndarray, anchor: float, *, kind: str, first: tuple[float, float],
           gap: tuple[float, float], late: tuple[float, float, float], seen: float,
           alone: float) -> Frame:
    """Visits of ``kind`` from ``start`` (not before birth) to ``end`` (open: the extract
    date). The child is seen with probability ``seen``; seen alone (aged 3+) ``alone``."""
    dob = pool.dob[child]
    begin = np.fmax(start, dob)
    stop = np.where(np.isnan(end), anchor + 1, np.fmin(end, anchor + 1))
    parent, when = recurring(rng, begin, stop, first=first, gap=gap, late=late)
    who = child[parent]
    age = (when - pool.dob[who]) / YEAR
    was_seen = flag(rng, seen, when.size, p_blank=0.005)
    was_alone = np.where(was_seen == 1, flag(rng, np.where(age >= 3, alone, 0.02), when.size),
                         0.0)
    was_alone[rng.random(when.size) < 0.01] = np.nan
    return {"child_id": compact(who), "visit_date": compact(when),
            "visit_type": np.full(when.size, kind, dtype=object),
            "seen": compact(was_seen), "seen_alone": compact(was_alone)}


def cp_records(rng: np.random.Generator, pool: Pool, cases: Cases, draws: Draws,
               enquiries: Frame, chairs: np.ndarray, anchor: float) -> dict[str, Frame]:
    d = cases.dates
    enquiry_of_case = np.full(len(cases), -1, dtype=np.int64)
    enquiry_of_case[enquiries["_case"]] = enquiries["enquiry_id"]
    chair = chairs[cases.journey % chairs.size]
    # initial conferences
    ini = cases.has("icpc")
    age = (d["icpc"] - pool.dob[cases.child]) / YEAR
    initial = {
        "child_id": cases.child[ini],
        "conference_type": np.full(int(ini.sum()), "initial"),
        "conference_date": d["icpc"][ini],
        "enquiry_id": enquiry_of_case[ini],
        "plan_outcome": draws.plan[cases.journey[ini]].astype(float),
        "age": age[ini],
        "chair_id": chair[ini],
    }
    # review conferences: the family's schedule, cut at the child's plan end or the extract
    on_plan = np.flatnonzero(cases.has("cp_s"))
    parent, pos = expand(draws.n_reviews[cases.journey[on_plan]])
    case = on_plan[parent]
    gaps = draws.review_gaps[cases.journey[case]]
    offset = np.cumsum(gaps, axis=1)[np.arange(case.size), pos]
    when = d["cp_s"][case] + offset
    plan_end = d["cp_e"][case]
    keep = (when <= anchor) & (np.isnan(plan_end) | (when <= plan_end))
    case, when = case[keep], when[keep]
    review = {
        "child_id": cases.child[case],
        "conference_type": np.full(case.size, "review"),
        "conference_date": when,
        "enquiry_id": np.full(case.size, -1, dtype=np.int64),
        "plan_outcome": (when != cases.raw_cp_end[case]).astype(float),
        "age": (when - pool.dob[cases.child[case]]) / YEAR,
        "chair_id": chair[case],
    }
    conf = concat(initial, review)
    n = conf["child_id"].size
    conf["child_attended"] = flag(rng, np.where(conf["age"] >= 12, 0.45, 0.0), n, 0.01)
    conf["child_views_presented"] = flag(rng, np.where(conf["age"] >= 5, 0.85, 0.3), n, 0.02)
    conf["parents_attended"] = flag(rng, 0.86, n, 0.01)
    del conf["age"]
    conferences = number(conf, "conference_id", 7_000_001, "conference_date")
    plans = _cp_plans(rng, cases, draws, on_plan, anchor)
    return {"cp_conferences": conferences, "cp_plans": plans}


def _cp_plans(rng: np.random.Generator, cases: Cases, draws: Draws, on_plan: np.ndarray,
              anchor: float) -> Frame:
    """One row per plan; about 6% change category at the first review (two touching rows)."""
    d = cases.dates
    start, end = d["cp_s"][on_plan], d["cp_e"][on_plan]
    category = draws.category[cases.journey[on_plan]]
    first_review = start + draws.review_gaps[cases.journey[on_plan], 0]
    split = (rng.random(on_plan.size) < 0.06) & (first_review < np.where(np.isnan(end), anchor,
                                                                         end))
    other = choice(rng, CP_CATEGORIES, [1, 1, 1, 1, 1], on_plan.size)
    frame = {
        "child_id": np.r_[cases.child[on_plan], cases.child[on_plan][split]],
        "start_date": np.r_[start, first_review[split]],
        "end_date": np.r_[np.where(split, first_review, end), end[split]],
        "category": np.r_[category, np.where(other == category, "multiple", other)[split]],
    }
    return number(frame, "plan_id", 8_000_001, "start_date")


def cin_records(rng: np.random.Generator, cases: Cases, anchor: float) -> dict[str, Frame]:
    d = cases.dates
    has = np.flatnonzero(cases.has("cin_s"))
    plans = number({"child_id": cases.child[has], "start_date": d["cin_s"][has],
                    "end_date": d["cin_e"][has]}, "plan_id", 9_000_001, "start_date")
    stop = np.where(np.isnan(plans["end_date"]), anchor + 1, plans["end_date"])
    parent, when = recurring(rng, plans["start_date"], stop, first=(50, 90), gap=(80, 100),
                             late=(0.04, 190, 230))
    reviews = number({"plan_id": plans["plan_id"][parent], "child_id": plans["child_id"][parent],
                      "review_date": when}, "review_id", 9_500_001, "review_date")
    return {"cin_plans": plans, "cin_reviews": reviews}
