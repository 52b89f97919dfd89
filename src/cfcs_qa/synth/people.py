"""The people of a synthetic extract: the pool of children in families, the staff roster
(every audit role), the teams and the resident population."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .draw import YEAR, choice
from .options import GUERNSEY_POPULATION_0_17, SynthOptions

TEAMS = (
    "MASH",
    "Assessment Team",
    "Family Support Team",
    "Child Protection Team",
    "Children in Care Team",
    "Leaving Care Team",
    "Children's Disability Service",
)
ETHNICITY = (
    ["White British", "White Other", "White Portuguese", "White Latvian", "Mixed",
     "Asian or Asian British", "Black or Black British", "Other", "Not recorded"],
    [0.66, 0.08, 0.08, 0.02, 0.06, 0.03, 0.01, 0.02, 0.04],
)
_FIRST = ("Alex Sam Jo Chris Morgan Jamie Robin Kim Lee Pat Charlie Taylor Jordan Casey Drew "
          "Frankie Hayden Jesse Kerry Leslie Max Nicky Quinn Reese Rowan Sandy Terry Vic").split()
_LAST = ("Le Page|De Garis|Ogier|Brehaut|Le Tissier|Mauger|Robilliard|Bichard|Tostevin|Le Prevost|"
         "Falla|Dorey|Le Noury|Martel|Queripel|Gallienne|Le Cheminant|Torode|Ozanne|Guille|"
         "Domaille|Le Sauvage|Renouf|Allez|Bougourd|Carre|Duquemin|Enevoldsen|Froome").split("|")


@dataclass
class Pool:
    """Children as parallel arrays (index = position in the pool)."""

    dob: np.ndarray          # day numbers
    family: np.ndarray       # family index, children of a family contiguous
    disabled: np.ndarray     # bool
    gender: np.ndarray
    ethnicity: np.ndarray
    family_first: np.ndarray  # per family: index of its first child
    family_size: np.ndarray   # per family: number of children

    @property
    def size(self) -> int:
        return int(self.dob.size)


def make_pool(rng: np.random.Generator, opts: SynthOptions, history_start: float,
              anchor: float, pool_factor: float) -> Pool:
    """Families of 1–5 children born 1–6 years apart; everyone is under 22 at the start of
    the history or not yet born (up to five months after the extract date)."""
    n = round(opts.children * pool_factor)
    sizes = rng.choice(np.arange(1, 6), size=n, p=[0.5, 0.27, 0.13, 0.06, 0.04])
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    sizes[-1] -= int(sizes.sum()) - n
    families = sizes.size
    family = np.repeat(np.arange(families), sizes)
    first = np.cumsum(sizes) - sizes
    pos = np.arange(n) - first[family]
    lo, hi = history_start - 21 * YEAR, anchor + 150
    base = rng.uniform(lo, hi, families)
    gaps = np.where(pos == 0, 0.0, rng.uniform(1.0, 6.0, n) * YEAR)
    offset = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[first] - gaps[first], sizes)
    span = np.repeat(np.bincount(family, weights=gaps), sizes)
    # spread the family so it sits inside [lo, hi]: shift back when the youngest is too late
    dob = np.floor(np.minimum(base[family], hi - span) + offset)
    dob = np.maximum(dob, lo)
    gender = choice(rng, ["male", "female", "other", "unknown"], [0.51, 0.485, 0.002, 0.003], n)
    ethnicity = choice(rng, ETHNICITY[0], ETHNICITY[1], n)
    disabled = rng.random(n) < 0.06
    return Pool(dob=dob, family=family, disabled=disabled, gender=gender, ethnicity=ethnicity,
                family_first=first, family_size=sizes)


def make_staff(rng: np.random.Generator, opts: SynthOptions) -> pd.DataFrame:
    """A roster with every audit role: per team a team manager, senior practitioners and
    social workers (more with scale), a few deputies, service managers, CSMs, IROs, the
    PDQA coordinator, the information officer and the associate director. About 14 active
    Tier 2 auditors at the default scale; some staff have left (active = N)."""
    scale = max(opts.scale, 1.0)
    workers = {"MASH": 4, "Assessment Team": 6, "Family Support Team": 6,
               "Child Protection Team": 5, "Children in Care Team": 5, "Leaving Care Team": 3,
               "Children's Disability Service": 3}
    rows: list[tuple[str, str, str, str]] = []  # role, team, active, auditor
    for team in TEAMS:
        rows.append(("team_manager", team, "Y", "N"))
        if team in ("Assessment Team", "Child Protection Team"):
            rows.append(("deputy_manager", team, "Y" if team == "Assessment Team" else "N", "N"))
        n_sp = max(1, round(scale * (2 if workers[team] >= 5 else 1)))
        n_sw = max(2, round(scale * workers[team]))
        for i in range(n_sp):
            rows.append(("senior_practitioner", team, "Y", "Y" if (i == 0 and team in (
                "Family Support Team",)) else "N"))
        for i in range(n_sw):
            rows.append(("social_worker", team, "N" if i == n_sw - 1 else "Y", "N"))
    rows += [("service_manager", "", "Y", "N"), ("service_manager", "", "Y", "N"),
             ("team_manager", "Child Protection Team", "N", "N")]
    chairs = max(2, round(2 * scale))
    rows += [("csm", "", "Y", "N")] * chairs + [("iro", "", "Y", "N")] * chairs
    rows += [("iro", "", "N", "N"), ("pdqa_coordinator", "", "Y", "N"),
             ("information_officer", "", "Y", "N"), ("associate_director", "", "Y", "N")]
    n = len(rows)
    first = np.asarray(_FIRST)[rng.integers(0, len(_FIRST), n)]
    last = np.asarray(_LAST)[rng.integers(0, len(_LAST), n)]
    display = [f"{f} {s}" for f, s in zip(first, last, strict=True)]
    ids = [f"S{i + 1:03d}" for i in range(n)]
    email = [f"{f.lower()}.{s.lower().replace(' ', '')}{i[1:]}@gov.gg"
             for f, s, i in zip(first, last, ids, strict=True)]
    frame = pd.DataFrame(rows, columns=["role", "team", "active", "auditor"])
    frame.insert(0, "staff_id", ids)
    frame["email"] = email
    frame["display_name"] = display
    return frame


def make_population(opts: SynthOptions, first_year: int, last_year: int) -> pd.DataFrame:
    """Resident children aged 0–17 by year: about 11,500 in Guernsey, slowly falling."""
    years = np.arange(first_year, last_year + 1)
    base = GUERNSEY_POPULATION_0_17 * opts.scale
    values = np.round(base * (1 - 0.004 * (years - last_year))).astype(np.int64)
    return pd.DataFrame({"year": years, "population_0_17": values})
