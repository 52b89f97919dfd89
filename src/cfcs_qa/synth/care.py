"""Children in care: episodes (with changes of legal status), placements, reviews, care and
pathway plans, visits, missing episodes, care leavers and foster households."""

from __future__ import annotations

import numpy as np

from .cases import Cases
from .draw import YEAR, birthday, choice, expand, pick, recurring, uniform_days
from .people import Pool
from .protection import visits
from .tables import Frame, concat, flag, number

PLACEMENT_TYPES = (
    ["Foster care (in-house)", "Foster care (family and friends)", "Residential (on island)",
     "Residential (off island)", "Supported lodgings", "Placed with parents",
     "Secure unit (off island)", "Other"],
    [0.45, 0.2, 0.12, 0.06, 0.05, 0.07, 0.01, 0.04],
)
FOSTER = ("Foster care (in-house)", "Foster care (family and friends)")
LEGAL = (["Interim Care Order", "Voluntary Accommodation", "Emergency Protection Order",
          "Care Order"], [0.35, 0.45, 0.1, 0.1])


def periods(cases: Cases) -> Frame:
    has = cases.has("cic_s")
    return {"child_id": cases.child[has], "start_date": cases.dates["cic_s"][has],
            "end_date": cases.dates["cic_e"][has]}


def episodes(rng: np.random.Generator, care: Frame, anchor: float) -> Frame:
    """Full-time episodes; an interim care order or emergency protection order later becomes
    a care order: a second row touching the first (one period of care)."""
    n = care["child_id"].size
    legal = choice(rng, *LEGAL, n)
    stop = np.where(np.isnan(care["end_date"]), anchor, care["end_date"])
    change = care["start_date"] + np.where(legal == "Emergency Protection Order",
                                           uniform_days(rng, 7, 28, n),
                                           uniform_days(rng, 90, 300, n))
    split = np.isin(legal, ["Interim Care Order", "Emergency Protection Order"]) & (change < stop)
    return {
        "child_id": np.r_[care["child_id"], care["child_id"][split]],
        "start_date": np.r_[care["start_date"], change[split]],
        "end_date": np.r_[np.where(split, change, care["end_date"]), care["end_date"][split]],
        "legal_status": np.r_[legal, np.full(int(split.sum()), "Care Order")],
        "full_time": np.ones(n + int(split.sum())),
        "_period_end": np.r_[care["end_date"], care["end_date"][split]],
    }


def placements(rng: np.random.Generator, care: Frame, households: Frame,
               anchor: float) -> Frame:
    """Each period split into 1–4 consecutive placements."""
    count = 1 + pick(rng, [0.55, 0.28, 0.11, 0.06], care["child_id"].size)
    parent, pos = expand(count)
    start, end = care["start_date"][parent], care["end_date"][parent]
    stop = np.where(np.isnan(end), anchor, end)  # placements end with the period
    cut = np.floor(start + rng.uniform(0, 1, parent.size) * (stop - start))
    cut = np.where(pos == 0, start, cut)
    order = np.lexsort((cut, parent))
    parent, cut = parent[order], cut[order]
    nxt = np.r_[cut[1:], np.nan]
    last = np.r_[parent[1:] != parent[:-1], True]
    p_end = np.where(last, care["end_date"][parent], nxt)
    keep = last | (nxt > cut)  # drop empty placements (two cuts on one day)
    kind = choice(rng, *PLACEMENT_TYPES, parent.size)
    off = np.where(np.char.find(kind.astype(str), "off island") >= 0, 1.0,
                   flag(rng, 0.02, parent.size))
    off[rng.random(parent.size) < 0.02] = np.nan
    approved = np.sort(households["approval_date"])
    n_known = np.searchsorted(approved, cut, side="right")
    pick_h = np.floor(rng.random(parent.size) * n_known).astype(np.int64)
    order_h = np.argsort(households["approval_date"], kind="stable")
    ids = households["household_id"][order_h] if order_h.size else np.full(1, -1)
    carer = np.where((n_known > 0) & np.isin(kind, FOSTER),
                     ids[np.clip(pick_h, 0, ids.size - 1)], -1)
    frame = {"child_id": care["child_id"][parent], "start_date": cut, "end_date": p_end,
             "placement_type": kind, "off_island": off, "carer_id": carer,
             "_period_end": care["end_date"][parent]}
    frame = {k: v[keep] for k, v in frame.items()}
    return number(frame, "placement_id", 11_000_001, "start_date")


def foster_households(rng: np.random.Generator, scale: float, start: float,
                      anchor: float) -> Frame:
    """About 60 approved households at the default scale, each staying ~8 years."""
    years = (anchor - start) / YEAR + 8
    n = rng.poisson(7.5 * scale * years)
    approval = np.floor(rng.uniform(anchor - years * YEAR, anchor, n))
    leave = approval + np.floor(rng.exponential(8 * YEAR, n))
    dereg = np.where(leave <= anchor, leave, np.nan)
    keep = np.isnan(dereg) | (dereg >= start)
    frame = {"approval_date": approval[keep], "deregistration_date": dereg[keep],
             "child_id": np.zeros(int(keep.sum()), dtype=np.int64)}
    frame = number(frame, "household_id", 1001, "approval_date")
    del frame["child_id"]
    return frame


def reviews_and_plans(rng: np.random.Generator, pool: Pool, care: Frame, irs: np.ndarray,
                      anchor: float) -> dict[str, Frame]:
    child = care["child_id"]
    stop = np.where(np.isnan(care["end_date"]), anchor + 1, care["end_date"])
    parent, when = recurring(rng, care["start_date"], stop, first=(18, 28), gap=(120, 182),
                             late=(0.04, 190, 230))
    who = child[parent]
    age = (when - pool.dob[who]) / YEAR
    code = np.asarray([f"PN{i}" for i in range(1, 8)])[
        pick(rng, [0.3, 0.2, 0.15, 0.12, 0.07, 0.05, 0.11], when.size)]
    code = np.where(age < 4, "PN0", code)
    code[rng.random(when.size) < 0.02] = ""
    reviews = number({"child_id": who, "review_date": when, "participation": code,
                      "chair_id": irs[who % irs.size]}, "review_id", 12_000_001, "review_date")
    parent, when = recurring(rng, care["start_date"], stop, first=(0, 10), gap=(100, 170),
                             late=(0.05, 190, 240))
    care_plans = number({"child_id": child[parent], "plan_date": when}, "plan_id", 13_000_001,
                        "plan_date")
    b16, b18 = birthday(pool.dob[child], 16), birthday(pool.dob[child], 18)
    begin = np.fmax(care["start_date"], b16 + uniform_days(rng, 30, 80, child.size))
    parent, when = recurring(rng, begin, np.fmin(stop, b18), first=(0, 10), gap=(100, 170),
                             late=(0.05, 190, 240))
    pathway = number({"child_id": child[parent], "plan_date": when}, "plan_id", 14_000_001,
                     "plan_date")
    return {"cic_reviews": reviews, "care_plans": care_plans, "pathway_plans": pathway}


def missing_episodes(rng: np.random.Generator, pool: Pool, care: Frame, anchor: float) -> Frame:
    child = care["child_id"]
    begin = np.fmax(care["start_date"], birthday(pool.dob[child], 11))
    stop = np.where(np.isnan(care["end_date"]), anchor, care["end_date"])
    span = np.maximum(stop - begin, 0)
    count = np.where((span > 0) & (rng.random(child.size) < 0.35),
                     1 + rng.poisson(4 * np.minimum(span / YEAR, 3)), 0)
    parent, _ = expand(count)
    start = np.floor(begin[parent] + rng.random(parent.size) * span[parent])
    ret = start + pick(rng, [0.45, 0.35, 0.15, 0.05], parent.size)
    offered = flag(rng, 0.95, parent.size, 0.03)
    delay = np.where(rng.random(parent.size) < 0.7, uniform_days(rng, 0, 3, parent.size),
                     uniform_days(rng, 4, 10, parent.size))
    interview = np.where((offered == 1) & (rng.random(parent.size) < 0.92), ret + delay, np.nan)
    frame = {"child_id": child[parent], "start_date": start,
             "return_date": np.where(ret <= anchor, ret, np.nan),
             "return_interview_date": np.where(interview <= anchor, interview, np.nan),
             "interview_offered": offered}
    frame["return_interview_date"] = np.where(np.isnan(frame["return_date"]), np.nan,
                                              frame["return_interview_date"])
    return number(frame, "episode_id", 15_000_001, "start_date")


def care_leavers(rng: np.random.Generator, pool: Pool, care: Frame, anchor: float
                 ) -> tuple[Frame, Frame]:
    """Status from time in care since 14 (≥ 13 weeks, still in care at 16) and age at the
    extract date; activity mostly education, employment or training. Also their visits."""
    child = care["child_id"]
    dob = pool.dob[child]
    stop = np.where(np.isnan(care["end_date"]), anchor, care["end_date"])
    since14 = np.maximum(stop - np.fmax(care["start_date"], birthday(dob, 14)), 0)
    at16 = stop >= birthday(dob, 16)
    n = pool.size
    days = np.bincount(child, weights=since14, minlength=n)
    was16 = np.bincount(child, weights=at16, minlength=n) > 0
    in_care = np.bincount(child, weights=np.isnan(care["end_date"]), minlength=n) > 0
    left = np.full(n, -np.inf)
    np.maximum.at(left, child, stop)
    age = (anchor - pool.dob) / YEAR
    qualifies = (days >= 91) & was16 & (age >= 16) & (age < 26)
    status = np.where(age >= 18, "former_relevant", np.where(in_care, "eligible", "relevant"))
    who = np.flatnonzero(qualifies)
    status = status[who]
    activity = np.where(status == "eligible",
                        choice(rng, ["education", "training", "neet", "unknown"],
                               [0.85, 0.05, 0.07, 0.03], who.size),
                        choice(rng, ["education", "employment", "training", "neet", "unknown"],
                               [0.3, 0.22, 0.1, 0.3, 0.08], who.size))
    when = np.where(activity == "unknown", np.nan,
                    anchor - uniform_days(rng, 0, 120, who.size))
    leavers = {"child_id": who, "status": status, "activity": activity, "activity_date": when}
    after = status != "eligible"
    seen = visits(rng, pool, who[after], left[who][after],
                  np.fmin(birthday(pool.dob[who[after]], 21), anchor + 1), anchor,
                  kind="care_leaver", first=(10, 40), gap=(40, 70), late=(0, 0, 0), seen=0.9,
                  alone=0.95)
    return leavers, seen


def cic_visits(rng: np.random.Generator, pool: Pool, care: Frame, anchor: float) -> Frame:
    return visits(rng, pool, care["child_id"], care["start_date"], care["end_date"], anchor,
                  kind="cic", first=(3, 10), gap=(20, 42), late=(0.05, 45, 70), seen=0.97,
                  alone=0.86)


def all_episodes(*frames: Frame) -> Frame:
    return number(concat(*frames), "episode_id", 10_000_001, "start_date")
