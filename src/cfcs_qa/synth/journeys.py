"""Family journeys: what happens after a contact, as one vectorised path per family.

A family journey starts with a contact and may go on to a referral, a single assessment,
a section 47 enquiry and initial conference, a CP plan, a CIN plan, a period of care,
early help or the disability service. Its path and durations are drawn per family, so
siblings share dates (one conference for a sibling group, records per child). A family's
next journey starts only after the last one ended, so plans and periods of care never
overlap; repeat referrals come from short journeys close together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .draw import YEAR, add_working_days, expand, pick, uniform_days
from .people import Pool

JOURNEY_RATE = 0.113
"""Family journeys a year per family at the default history, before the family's own
propensity (gamma, mean 1)."""
POOL_PER_CHILD = 5.5
"""Pool size per child asked for at the default history: about 1 in 5.5 pool children has a
record in 36 months."""
POOL_HISTORY_EXPONENT = 0.5
"""A longer history touches more of the pool; the pool shrinks as (36 / months) ** this and
the journey rate grows to match, so yearly volumes and the number of children stay near what
was asked whatever the history length."""


def pool_factor(months: int) -> float:
    return POOL_PER_CHILD * (36 / months) ** POOL_HISTORY_EXPONENT


def journey_rate(months: int) -> float:
    return JOURNEY_RATE * POOL_PER_CHILD / pool_factor(months)


WARM_UP_YEARS = 8
"""Years simulated before the history so long periods of care and plans are open at its start."""

CONTACT_OUTCOMES = ["referral", "early_help", "advice", "nfa", "other"]
S47_OUTCOMES = ["icpc", "cin", "nfa", "other"]
CP_CATEGORIES = ["neglect", "emotional", "physical", "sexual", "multiple"]


@dataclass
class Draws:
    """Everything random about a family journey, drawn once before its start is known."""

    n: int
    cc: np.ndarray
    outcome: np.ndarray
    referral: np.ndarray
    dec_k: np.ndarray
    s47: np.ndarray
    asmt: np.ndarray
    cds: np.ndarray
    as_start: np.ndarray
    as_wd: np.ndarray
    strat: np.ndarray
    s47_start: np.ndarray
    s47_len: np.ndarray
    s47_out: np.ndarray
    icpc_wd: np.ndarray
    plan: np.ndarray
    category: np.ndarray
    review_gaps: np.ndarray  # (n, 6): days from plan start / previous review
    n_reviews: np.ndarray
    after_cp: np.ndarray     # 0 none, 1 cin, 2 cic
    after_asmt: np.ndarray   # 0 none, 1 early help, 2 cin, 3 cic
    cin_len: np.ndarray
    cin_to_cic: np.ndarray
    emergency: np.ndarray    # s47 outcome "other": taken into care at once
    cic_delay: np.ndarray
    cic_len: np.ndarray
    eh_delay: np.ndarray
    eh_len: np.ndarray
    cds_len: np.ndarray
    gap: np.ndarray
    again: np.ndarray        # re-referred within a year after a quick no-further-action
    again_delay: np.ndarray
    again_cc: np.ndarray
    again_dec_k: np.ndarray
    again_wd: np.ndarray


def draw_paths(rng: np.random.Generator, n: int, family_disabled: np.ndarray) -> Draws:
    u = rng.random
    outcome = np.asarray(CONTACT_OUTCOMES)[pick(rng, [0.43, 0.13, 0.22, 0.18, 0.04], n)]
    cds = family_disabled & (u(n) < 0.3)
    outcome[cds] = "referral"
    referral = outcome == "referral"
    s47 = referral & ~cds & (u(n) < 0.28)
    s47_out = np.where(s47, np.asarray(S47_OUTCOMES)[pick(rng, [0.40, 0.30, 0.25, 0.05], n)], "")
    plan = (s47_out == "icpc") & (u(n) < 0.87)
    gaps = np.empty((n, 6))
    gaps[:, 0] = np.where(u(n) < 0.95, uniform_days(rng, 76, 91, n), uniform_days(rng, 93, 115, n))
    for j in range(1, 6):
        gaps[:, j] = np.where(u(n) < 0.96, uniform_days(rng, 165, 182, n),
                              uniform_days(rng, 185, 210, n))
    slow = u(n)
    after_asmt = np.where(referral & ~s47 & ~cds, pick(rng, [0.46, 0.12, 0.39, 0.03], n), 0)
    return Draws(
        n=n,
        cc=np.asarray([0, 1, 2, 3, 5], float)[pick(rng, [0.55, 0.25, 0.1, 0.06, 0.04], n)],
        outcome=outcome,
        referral=referral,
        dec_k=pick(rng, [0.62, 0.31, 0.04, 0.02, 0.01], n).astype(float) + 0,
        s47=s47,
        asmt=referral & ((u(n) < 0.92) | s47 | cds),
        cds=cds,
        as_start=np.asarray([0, 1, 1, 2, 3], float)[pick(rng, [1, 1, 1, 1, 1], n)],
        as_wd=np.where(slow < 0.72, uniform_days(rng, 5, 35, n),
                       np.where(slow < 0.9, uniform_days(rng, 36, 45, n),
                                uniform_days(rng, 46, 80, n))),
        strat=np.asarray([0, 0, 1, 2], float)[pick(rng, [1, 1, 1, 1], n)],
        s47_start=np.asarray([0, 1, 2], float)[pick(rng, [1, 1, 1], n)],
        s47_len=uniform_days(rng, 5, 25, n),
        s47_out=s47_out,
        icpc_wd=np.where(u(n) < 0.83, uniform_days(rng, 6, 15, n), uniform_days(rng, 16, 30, n)),
        plan=plan,
        category=np.asarray(CP_CATEGORIES)[pick(rng, [0.45, 0.3, 0.12, 0.05, 0.08], n)],
        review_gaps=gaps,
        n_reviews=1 + pick(rng, [0.22, 0.40, 0.22, 0.09, 0.05, 0.02], n),
        after_cp=pick(rng, [0.33, 0.53, 0.14], n),
        after_asmt=after_asmt,
        cin_len=np.where(u(n) < 0.92, uniform_days(rng, 60, 330, n),
                         uniform_days(rng, 366, 700, n)),
        cin_to_cic=u(n) < 0.03,
        emergency=(s47_out == "other") & (u(n) < 0.6),
        cic_delay=uniform_days(rng, 5, 60, n),
        cic_len=np.where(slow < 0.3, uniform_days(rng, 20, 180, n),
                         np.where(slow < 0.62, uniform_days(rng, 181, 730, n),
                                  uniform_days(rng, 731, 4000, n))),
        eh_delay=uniform_days(rng, 3, 20, n),
        eh_len=uniform_days(rng, 60, 300, n),
        cds_len=uniform_days(rng, 365, 2500, n),
        gap=uniform_days(rng, 14, 120, n),
        again=(referral & ~cds & ((~s47 & (after_asmt <= 1)) | (s47_out == "nfa")))
        & (u(n) < 0.15),
        again_delay=uniform_days(rng, 20, 330, n),
        again_cc=np.asarray([0, 1, 2], float)[pick(rng, [0.6, 0.3, 0.1], n)],
        again_dec_k=pick(rng, [0.62, 0.31, 0.04, 0.02, 0.01], n).astype(float),
        again_wd=uniform_days(rng, 5, 40, n),
    )


def _wd(start: np.ndarray, k: np.ndarray, exact: bool) -> np.ndarray:
    if exact:
        return add_working_days(start, k)
    return start + np.ceil(k * 1.4) + 6  # an upper bound, before the start is known


def timeline(d: Draws, t0: np.ndarray, exact: bool) -> dict[str, np.ndarray]:
    """Every date of each family journey (NaN where the stage does not happen)."""
    nan = np.full(d.n, np.nan)
    out: dict[str, np.ndarray] = {"contact": t0, "completed": t0 + d.cc}
    ref = np.where(d.referral, t0 + d.cc, nan)
    out["referral"] = ref
    out["decision"] = _wd(ref, d.dec_k, exact)
    as_s = np.where(d.asmt, ref + d.as_start, nan)
    out["as_s"], out["as_e"] = as_s, _wd(as_s, d.as_wd, exact)
    strat = np.where(d.s47, ref + d.strat, nan)
    out["strat"], out["s47_s"] = strat, strat + d.s47_start
    out["s47_e"] = out["s47_s"] + d.s47_len
    icpc = np.where(d.s47_out == "icpc", _wd(strat, d.icpc_wd, exact), nan)
    out["icpc"] = icpc
    cp_s = np.where(d.plan, icpc, nan)
    cum = np.cumsum(d.review_gaps, axis=1)
    out["cp_s"] = cp_s
    out["cp_e"] = cp_s + cum[np.arange(d.n), d.n_reviews - 1]
    cin_s = np.where(d.plan & (d.after_cp == 1), out["cp_e"], nan)
    from_s47 = d.s47 & ((d.s47_out == "cin") | ((d.s47_out == "icpc") & ~d.plan))
    cin_s = np.where(from_s47, np.fmax(out["s47_e"], icpc), cin_s)
    cin_s = np.where(d.after_asmt == 2, out["as_e"], cin_s)
    out["cin_s"], out["cin_e"] = cin_s, cin_s + d.cin_len
    cic_s = np.where(d.plan & (d.after_cp == 2), out["cp_e"], nan)
    cic_s = np.where(d.emergency, out["s47_s"], cic_s)
    cic_s = np.where(d.after_asmt == 3, as_s + d.cic_delay, cic_s)
    cic_s = np.where(~np.isnan(cin_s) & d.cin_to_cic, out["cin_e"], cic_s)
    out["cic_s"], out["cic_e"] = cic_s, cic_s + d.cic_len
    eh_s = np.where(d.outcome == "early_help", out["completed"] + d.eh_delay, nan)
    eh_s = np.where(d.after_asmt == 1, out["as_e"] + d.eh_delay, eh_s)
    out["eh_s"], out["eh_e"] = eh_s, eh_s + d.eh_len
    cds_s = np.where(d.cds, out["as_e"], nan)
    out["cds_s"], out["cds_e"] = cds_s, cds_s + d.cds_len
    again = np.where(d.again, np.fmax(out["as_e"], out["s47_e"]) + d.again_delay, nan)
    out["re_contact"] = again
    out["re_referral"] = again + d.again_cc
    out["re_decision"] = _wd(out["re_referral"], d.again_dec_k, exact)
    out["re_as_s"] = out["re_referral"] + 1
    out["re_as_e"] = _wd(out["re_as_s"], d.again_wd, exact)
    ends = np.column_stack([out[k] for k in ("completed", "decision", "as_e", "s47_e", "cp_e",
                                             "cin_e", "cic_e", "eh_e", "cds_e", "re_as_e")])
    out["end"] = np.nanmax(ends, axis=1)
    return out


def family_journeys(rng: np.random.Generator, pool: Pool, start: float, anchor: float,
                    rate: float) -> tuple[np.ndarray, Draws, dict[str, np.ndarray]]:
    """(family of each journey, its draws, its dates) for journeys starting by ``anchor``."""
    first, size = pool.family_first, pool.family_size
    last = first + size - 1
    lo = np.maximum(pool.dob[first] - 150, start)
    hi = np.minimum(pool.dob[last] + 18 * YEAR - 30, anchor)
    years = np.maximum(hi - lo, 0) / YEAR
    propensity = rng.gamma(0.3, 1 / 0.3, size.size)
    counts = rng.poisson(rate * propensity * years)
    family, _ = expand(counts)
    raw = rng.uniform(lo[family], hi[family])
    order = np.lexsort((raw, family))
    family, raw = family[order], np.floor(raw[order])
    pos = np.arange(family.size) - np.repeat(np.cumsum(counts) - counts, counts)
    disabled = np.bincount(pool.family, weights=pool.disabled, minlength=size.size) > 0
    draws = draw_paths(rng, family.size, disabled[family])
    length = timeline(draws, np.zeros(family.size), exact=False)["end"] + draws.gap
    # next journey starts after the previous ended: t_j = max(raw_j, t_{j-1} + length_{j-1})
    total = np.cumsum(length)
    before = total - length
    base = before - before[np.repeat(np.cumsum(counts) - counts, counts)] if family.size else before
    shifted = raw - base
    group_start = np.maximum.accumulate(np.where(pos == 0, np.arange(pos.size), 0))
    t0 = _group_cummax(shifted, group_start) + base
    keep = t0 <= anchor
    family, t0 = family[keep], t0[keep]
    draws = _subset(draws, keep)
    return family, draws, timeline(draws, t0, exact=True)


def _group_cummax(values: np.ndarray, group_start: np.ndarray) -> np.ndarray:
    """Running maximum restarting at each group (groups contiguous, in order)."""
    if values.size == 0:
        return values
    # offset each group far above the previous ones, so one global running max works
    group_id = np.cumsum(np.r_[1, np.diff(group_start) != 0]) - 1
    lift = group_id * 1e7
    return np.maximum.accumulate(values - values.min() + lift) - lift + values.min()


def _subset(d: Draws, keep: np.ndarray) -> Draws:
    values = {k: (v[keep] if isinstance(v, np.ndarray) else v) for k, v in vars(d).items()}
    values["n"] = int(keep.sum())
    return Draws(**values)
