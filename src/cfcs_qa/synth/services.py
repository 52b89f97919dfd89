"""Who holds each case (allocations), the disability service and short breaks, practice
reviews and complaints."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cases import Cases
from .draw import YEAR, add_working_days, birthday, choice, pick, recurring, uniform_days
from .people import TEAMS, Pool
from .tables import Frame, number, take


def allocations(rng: np.random.Generator, pool: Pool, cases: Cases, care: Frame,
                leavers: Frame, staff: pd.DataFrame, anchor: float) -> Frame:
    """One segment per service the child passes through; where segments meet, the later one
    takes over the day after, so at most one allocation is open on any day."""
    d = cases.dates
    c = cases.child
    dob_c = pool.dob[care["child_id"]]
    b16 = birthday(dob_c, 16)
    left = leavers["status"] != "eligible"
    last_care = np.full(pool.size, np.nan)
    stop = np.where(np.isnan(care["end_date"]), np.inf, care["end_date"])
    np.fmax.at(last_care, care["child_id"], stop)
    lc_child = leavers["child_id"][left]
    # the assessment team holds the case until a plan or care begins (an emergency
    # placement before the assessment starts: the care team holds it from the start)
    main = np.fmin(np.fmin(d["cp_s"], d["cin_s"]), d["cic_s"])
    as_start = np.where(main <= d["as_s"], np.nan, d["as_s"])
    as_end = np.where(main > d["as_s"], np.fmin(d["as_e"], main - 1), d["as_e"])
    parts = [
        (c, d["contact"], np.where(cases.has("referral"), d["decision"], d["contact"] - 1), 0),
        (c, as_start, as_end, 1),
        (c, d["re_contact"], np.where(cases.has("re_referral"), d["re_decision"], np.nan), 0),
        (c, d["re_as_s"], d["re_as_e"], 1),
        (c, d["cin_s"], d["cin_e"], 2),
        (c, d["cp_s"], d["cp_e"], 3),
        (care["child_id"], care["start_date"], np.fmin(care["end_date"], b16), 4),
        (care["child_id"], np.fmax(care["start_date"], b16), care["end_date"], 5),
        (lc_child, last_care[lc_child] + 1, birthday(pool.dob[lc_child], 21), 5),
        (c, d["cds_s"], d["cds_e"], 6),
    ]
    # team index: MASH, Assessment, Family Support, CP, CIC, Leaving Care, CDS = 0..6
    kept = [(who, s, np.broadcast_to(e, who.shape), i) for who, s, e, i in parts]
    kept = [(who[ok], s[ok], e[ok], i) for who, s, e, i in kept
            for ok in [~np.isnan(s) & (s <= anchor) & ~(e < s)]]
    child = np.concatenate([p[0] for p in kept])
    start = np.concatenate([p[1] for p in kept])
    end = np.concatenate([p[2] for p in kept])
    team = np.concatenate([np.full(p[0].size, p[3], dtype=np.int8) for p in kept])
    order = np.lexsort((team, start, child))
    child, start, end, team = child[order], start[order], end[order], team[order]
    same_next = np.r_[(child[1:] == child[:-1]) & (start[1:] == start[:-1]), False]
    keep = ~same_next  # of segments starting the same day, the later service wins
    child, start, end, team = child[keep], start[keep], end[keep], team[keep]
    nxt = np.r_[np.where(child[1:] == child[:-1], start[1:], np.inf), np.inf]
    end = np.where(np.isnan(end) | (end >= nxt), nxt - 1, end)
    end = np.where(np.isinf(end) | (end > anchor), np.nan, end)
    valid = np.isnan(end) | (end >= start)
    child, start, end, team = child[valid], start[valid], end[valid], team[valid]
    worker = _workers(rng, staff, team, np.isnan(end))
    names = np.asarray(TEAMS, dtype=object)  # one pointer a row, not 29 characters
    frame = {"child_id": child, "team": names[team], "worker_id": worker, "start_date": start,
             "end_date": end}
    return frame


def _workers(rng: np.random.Generator, staff: pd.DataFrame, team: np.ndarray,
             still_open: np.ndarray) -> np.ndarray:
    """A practitioner of the team; open cases only with staff still in post."""
    out = np.full(team.size, "", dtype=object)
    casework = staff[staff["role"].isin(["social_worker", "senior_practitioner"])]
    for i, name in enumerate(TEAMS):
        members = casework[casework["team"] == name]
        ids = members["staff_id"].to_numpy()
        current = members.loc[members["active"] == "Y", "staff_id"].to_numpy()
        mine = team == i
        out[mine] = ids[rng.integers(0, ids.size, int(mine.sum()))]
        now = mine & still_open
        out[now] = current[rng.integers(0, current.size, int(now.sum()))]
    out[rng.random(team.size) < 0.03] = ""
    return out.astype(str)


def disability(rng: np.random.Generator, cases: Cases, anchor: float) -> dict[str, Frame]:
    """CDS involvements; about three in four have short-break arrangements, and some of
    those are overnight short-break care (part-time care episodes)."""
    has = cases.has("cds_s")
    inv = {"child_id": cases.child[has], "start_date": cases.dates["cds_s"][has],
           "end_date": cases.dates["cds_e"][has]}
    takes = rng.random(inv["child_id"].size) < 0.78
    stop = np.where(np.isnan(inv["end_date"]), anchor + 1, inv["end_date"])
    parent, start = recurring(rng, inv["start_date"], np.where(takes, stop, 0), first=(20, 120),
                              gap=(200, 420))
    length = uniform_days(rng, 150, 400, parent.size)
    same = np.r_[parent[1:] == parent[:-1], False]
    nxt = np.r_[start[1:], np.inf]
    end = np.fmin(start + length, np.where(same, nxt - 1, stop[parent]))
    end = np.where(end > anchor, np.nan, end)
    end = np.where(np.isnan(inv["end_date"][parent]) & ~same & (rng.random(parent.size) < 0.7),
                   np.nan, end)
    breaks = {"child_id": inv["child_id"][parent], "start_date": start, "end_date": end}
    overnight = rng.random(parent.size) < 0.3
    episodes = {"child_id": breaks["child_id"][overnight],
                "start_date": start[overnight], "end_date": end[overnight],
                "legal_status": np.full(int(overnight.sum()), "Short break care"),
                "full_time": np.zeros(int(overnight.sum())), "_period_end": end[overnight]}
    by_start = {"cds_involvements": inv, "short_breaks": breaks}
    out = {k: take(v, np.lexsort((v["start_date"], v["child_id"]))) for k, v in by_start.items()}
    out["short_break_episodes"] = episodes
    return out


def practice_reviews(rng: np.random.Generator, scale: float, cp_plans: Frame, start: float,
                     anchor: float) -> Frame:
    """Rare: about 1.5 a year at the default scale, most of them rapid reviews."""
    n = max(1, rng.poisson(1.5 * scale * (anchor - start) / YEAR))
    when = np.floor(rng.uniform(start, anchor, n))
    kind = choice(rng, ["rapid_review", "cspr", "serious_case_review", "other"],
                  [0.65, 0.15, 0.05, 0.15], n)
    child = cp_plans["child_id"][rng.integers(0, max(cp_plans["child_id"].size, 1), n)] \
        if cp_plans["child_id"].size else np.full(n, -1)
    child = np.where(rng.random(n) < 0.2, -1, child)
    frame = {"child_id": child, "review_type": kind, "start_date": when}
    return number(frame, "review_id", 501, "start_date")


def complaints(rng: np.random.Generator, scale: float, allocated: Frame, pool_dob: np.ndarray,
               start: float, anchor: float) -> Frame:
    """About 40 a year at the default scale, answered within 20 working days mostly."""
    n = rng.poisson(40 * scale * (anchor - start) / YEAR)
    received = np.floor(rng.uniform(start, anchor, n))
    row = rng.integers(0, allocated["child_id"].size, n)
    born = pool_dob[allocated["child_id"][row]] <= received
    child = np.where((rng.random(n) < 0.75) & born, allocated["child_id"][row], -1)
    team = allocated["team"][row]
    due = add_working_days(received, np.full(n, 20))
    kind = pick(rng, [0.8, 0.2], n)
    responded = received + np.where(kind == 0, uniform_days(rng, 3, 27, n),
                                    uniform_days(rng, 30, 60, n))
    responded = np.where(responded > anchor, np.nan, responded)
    outcome = np.where(np.isnan(responded), "",
                       choice(rng, ["upheld", "partly_upheld", "not_upheld", "withdrawn"],
                              [0.2, 0.3, 0.4, 0.1], n))
    category = choice(rng, ["Communication", "Quality of service", "Staff conduct",
                            "Decision-making", "Delay", "Other"],
                      [0.3, 0.2, 0.12, 0.18, 0.12, 0.08], n)
    frame = {"child_id": child, "received_date": received, "team": team, "category": category,
             "response_due_date": due, "responded_date": responded, "outcome": outcome}
    return number(frame, "complaint_id", 90_001, "received_date")

