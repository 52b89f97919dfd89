"""Contacts, referrals, single assessments, early help and section 47 enquiries."""

from __future__ import annotations

import numpy as np

from .cases import Cases
from .draw import choice, expand, pick
from .journeys import Draws
from .people import Pool
from .tables import Frame, flag, number

SOURCES = (
    ["Police", "Education", "Health", "Individual (self or family)", "Other individual",
     "Anonymous", "Housing", "Other legal agency", "Early Help", "Other"],
    [0.28, 0.2, 0.15, 0.1, 0.05, 0.03, 0.03, 0.06, 0.05, 0.05],
)
EH_END = (["completed", "step_up", "disengaged", "moved_away", "other"],
          [0.6, 0.12, 0.15, 0.05, 0.08])


def contacts(rng: np.random.Generator, cases: Cases, draws: Draws, anchor: float) -> Frame:
    """The journey's contact, plus contacts received while a case is open (notifications
    that lead nowhere new)."""
    d = cases.dates
    outcome = draws.outcome[cases.journey]
    outcome = np.where(np.isnan(d["completed"]), "", outcome)
    span = np.maximum(d["end"] - d["contact"], 0)
    parent, _ = expand(rng.poisson(np.where(span > 60, span / 365 * 0.8, 0)))
    received = np.floor(d["contact"][parent] + rng.uniform(1, np.maximum(span[parent], 2)))
    completed = received + pick(rng, [0.6, 0.3, 0.1], parent.size)
    extra_outcome = choice(rng, ["advice", "nfa", "other"], [0.4, 0.35, 0.25], parent.size)
    open_ = completed > anchor
    again = cases.has("re_contact")
    re_done = d["re_referral"][again]
    frame = {
        "child_id": np.r_[cases.child, cases.child[parent], cases.child[again]],
        "received_date": np.r_[d["contact"], received, d["re_contact"][again]],
        "completed_date": np.r_[d["completed"], np.where(open_, np.nan, completed), re_done],
        "outcome": np.r_[outcome, np.where(open_, "", extra_outcome),
                         np.where(np.isnan(re_done), "", "referral")],
    }
    keep = frame["received_date"] <= anchor
    frame = {k: v[keep] for k, v in frame.items()}
    n = frame["child_id"].size
    office = np.floor(rng.uniform(8 * 60, 18 * 60, n))
    frame["_minutes_received_date"] = np.where(rng.random(n) < 0.9, office,
                                               np.floor(rng.uniform(0, 24 * 60, n)))
    return number(frame, "contact_id", 5_000_001, "received_date")


def referrals(rng: np.random.Generator, cases: Cases) -> Frame:
    d = cases.dates
    has, again = cases.has("referral"), cases.has("re_referral")
    child = np.r_[cases.child[has], cases.child[again]]
    decision = np.r_[d["decision"][has], d["re_decision"][again]]
    decision[rng.random(child.size) < 0.01] = np.nan  # never authorised on the system
    frame = {"child_id": child, "referral_date": np.r_[d["referral"][has], d["re_referral"][again]],
             "decision_date": decision, "source": choice(rng, *SOURCES, child.size)}
    return number(frame, "referral_id", 2_000_001, "referral_date")


def assessments(rng: np.random.Generator, cases: Cases, pool: Pool) -> Frame:
    d = cases.dates
    has, again = cases.has("as_s"), cases.has("re_as_s")
    child = np.r_[cases.child[has], cases.child[again]]
    needs = np.where(pool.disabled[child], 1.0, flag(rng, 0.12, child.size))
    needs[rng.random(child.size) < 0.03] = np.nan
    frame = {"child_id": child, "start_date": np.r_[d["as_s"][has], d["re_as_s"][again]],
             "completed_date": np.r_[d["as_e"][has], d["re_as_e"][again]],
             "additional_needs": needs}
    return number(frame, "assessment_id", 3_000_001, "start_date")


def early_help(rng: np.random.Generator, cases: Cases) -> Frame:
    d = cases.dates
    has = cases.has("eh_s")
    end = d["eh_e"][has]
    reason = np.where(np.isnan(end), "", choice(rng, *EH_END, end.size))
    frame = {"child_id": cases.child[has], "start_date": d["eh_s"][has], "end_date": end,
             "end_reason": reason}
    return number(frame, "episode_id", 4_000_001, "start_date")


def s47_enquiries(cases: Cases, draws: Draws) -> Frame:
    d = cases.dates
    has = cases.has("strat")
    end = d["s47_e"][has]
    outcome = np.where(np.isnan(end), "", draws.s47_out[cases.journey[has]])
    frame = {"child_id": cases.child[has], "strategy_date": d["strat"][has],
             "start_date": d["s47_s"][has], "end_date": end, "outcome": outcome,
             "_case": np.flatnonzero(has)}
    return number(frame, "enquiry_id", 6_000_001, "strategy_date")
