"""One canonical spelling per team.

The site's ``teams`` map is applied first (keys matched trimmed and case-insensitively), then
names that differ only in case or surrounding spaces are one team. Its spelling is the map's
target when there is one, else the spelling used most often (ties: alphabetical first).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

TEAM_TABLES = ("allocations", "staff", "complaints")


def team_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def canonical_teams(frames: dict[str, pd.DataFrame], site_map: dict[str, str]) -> None:
    """Rewrite every ``team`` column in place to its canonical spelling."""
    aliases = {team_key(k): v.strip() for k, v in site_map.items()}
    targets = {team_key(v): v.strip() for v in site_map.values()}
    counts: Counter[str] = Counter()
    written: dict[str, list[str]] = {}  # each table's distinct spellings
    for table in TEAM_TABLES:
        if table in frames and len(frames[table]):
            found = frames[table]["team"].value_counts(dropna=True)
            written[table] = [str(name) for name in found.index]
            for name, count in zip(written[table], found.tolist(), strict=True):
                counts[aliases.get(team_key(name), name.strip())] += int(count)
    spelling: dict[str, str] = {}
    for name, _count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        spelling.setdefault(team_key(name), name)
    spelling.update(targets)

    def canonical(raw: str) -> str:
        mapped = aliases.get(team_key(raw), raw.strip())
        return spelling.get(team_key(mapped), mapped)

    for table, uniques in written.items():
        frame = frames[table]
        lookup = {u: canonical(u) for u in uniques}
        if any(u != c for u, c in lookup.items()):  # most extracts are spelled one way already
            frame["team"] = frame["team"].map(lookup).astype("str")
