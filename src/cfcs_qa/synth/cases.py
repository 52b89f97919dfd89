"""From family journeys to each child's records: who in the family is involved, and the
child-level limits (18th birthday, birth for care, the extract date)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .draw import YEAR, birthday, expand
from .journeys import Draws
from .people import Pool

SPELLS = (("eh_s", "eh_e"), ("as_s", "as_e"), ("s47_s", "s47_e"), ("cp_s", "cp_e"),
          ("cin_s", "cin_e"), ("cic_s", "cic_e"), ("cds_s", "cds_e"), ("re_as_s", "re_as_e"))
EVENTS = ("referral", "strat", "icpc", "re_contact", "re_referral")
OPEN_ENDS = ("completed", "decision", "re_decision")


@dataclass
class Cases:
    """One row per child journey: ``child`` (pool index), ``journey`` (family-journey
    index), and the dates of ``timeline`` limited to the child (NaN = none or still open)."""

    child: np.ndarray
    journey: np.ndarray
    dates: dict[str, np.ndarray]
    raw_cp_end: np.ndarray
    """The family plan's end before the 18th-birthday and extract-date limits."""

    def __len__(self) -> int:
        return int(self.child.size)

    def has(self, stage: str) -> np.ndarray:
        return ~np.isnan(self.dates[stage])


def child_journeys(pool: Pool, family: np.ndarray, draws: Draws,
                   dates: dict[str, np.ndarray], anchor: float) -> Cases:
    """Children aged -5 months to 17 at the journey's contact take part (only disabled
    children in a disability-service journey)."""
    members, pos = expand(pool.family_size[family])
    child = pool.family_first[family[members]] + pos
    age = dates["contact"][members] - pool.dob[child]
    ok = (age >= -150) & (age < 18 * YEAR - 30)
    # pre-birth work for some unborn children only; the disability service after birth
    ok &= (age >= 0) | (np.random.Generator(np.random.PCG64(child.size)).random(child.size)
                        < 0.35)
    ok &= ~draws.cds[members] | (pool.disabled[child] & (age >= 0))
    journey, child = members[ok], child[ok]
    d = {k: v[journey] for k, v in dates.items()}
    raw_cp_end = d["cp_e"].copy()
    dob = pool.dob[child]
    adult = birthday(dob, 18)
    d["cic_s"] = np.where(d["cic_s"] < dob, dob, d["cic_s"])  # placed at birth
    unborn_stay = d["cic_e"] < d["cic_s"]  # a stay that would have ended before birth
    d["cic_s"] = np.where(unborn_stay, np.nan, d["cic_s"])
    d["cic_e"] = np.where(unborn_stay, np.nan, d["cic_e"])
    for s, e in SPELLS:
        gone = d[s] >= adult
        d[s] = np.where(gone, np.nan, d[s])
        d[e] = np.where(gone, np.nan, np.fmin(d[e], adult))
    for s, e in SPELLS:
        late = ~(d[s] <= anchor)
        d[s] = np.where(late, np.nan, d[s])
        d[e] = np.where(late | (d[e] > anchor), np.nan, d[e])
    for k in EVENTS:
        d[k] = np.where(d[k] <= anchor, d[k], np.nan)
    for k in OPEN_ENDS:
        d[k] = np.where(d[k] <= anchor, d[k], np.nan)
    d["strat"] = np.where(np.isnan(d["s47_s"]), np.nan, d["strat"])
    d["icpc"] = np.where(np.isnan(d["strat"]), np.nan, d["icpc"])
    d["re_contact"] = np.where(d["re_contact"] >= adult, np.nan, d["re_contact"])
    d["re_referral"] = np.where(np.isnan(d["re_contact"]), np.nan, d["re_referral"])
    d["re_as_s"] = np.where(np.isnan(d["re_referral"]), np.nan, d["re_as_s"])
    d["re_as_e"] = np.where(np.isnan(d["re_referral"]), np.nan, d["re_as_e"])
    d["end"] = np.fmin(d["end"], anchor)
    return Cases(child=child, journey=journey, dates=d, raw_cp_end=raw_cp_end)
