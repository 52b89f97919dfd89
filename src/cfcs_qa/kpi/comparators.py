"""England comparators and local-authority quartiles for the KPIs, read from the DfE files.

Every figure is computed from the latest ``time_period`` of the shipped file, never typed in,
so a new DfE release only needs the files replaced. Suppressed cells are left out. Quartile 1 is
the best quarter of English local authorities in the KPI's direction; a value on a boundary
counts in the better quartile. Context KPIs are placed by value ascending.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from statistics import quantiles
from typing import Any

from cfcs_qa.errors import ConfigError
from cfcs_qa.kpi import dfe_files
from cfcs_qa.kpi.dfe_files import Row, number

ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."

LOWER, HIGHER, CONTEXT = "lower_is_better", "higher_is_better", "context"

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
C4 = "c4.csv"
D3 = "d3_cpps_subsequent_plan_2013_to_2025.csv"
D5 = "d5_cpps_at31march_by_duration_2013_to_2025.csv"
CLA_RATE = "cla_number_and_rate_per_10k_children.csv"
STABILITY = "la_cla_placement_stability.csv"
LEAVERS = "la_care_leavers_activity.csv"

# The columns read from each file: one tuple per file, so each file is read once per process.
_COLUMNS: dict[str, tuple[str, ...]] = {
    C1: ("rereferral_percent",),
    C4: ("Section47", "ICPC", "Duration_0-10_days", "Duration_11-15_days"),
    D3: ("CPP_subsequent_percent",),
    D5: ("2_years_or_more_percent",),
    CLA_RATE: ("population_type", "rate_per_10000"),
    STABILITY: ("cla_group", "placement_stability", "children_percent"),
    LEAVERS: ("care_leaver_age", "breakdown", "care_leaver_count", "care_leaver_percent"),
}

CIN = "DfE Children in need {year}"
CLA = "DfE Children looked after in England {year}"
EET = "Total in education, employment or training"


def _column(name: str) -> Callable[[Sequence[Row]], float | None]:
    return lambda rows: number(rows[0][name]) if len(rows) == 1 else None


def _percent(top: Sequence[str], bottom: str) -> Callable[[Sequence[Row]], float | None]:
    """100 × sum(top) / bottom for a one-row area; None if any cell is suppressed or bottom 0."""

    def compute(rows: Sequence[Row]) -> float | None:
        if len(rows) != 1:
            return None
        parts = [number(rows[0][name]) for name in top]
        total = number(rows[0][bottom])
        if total is None or total <= 0 or any(part is None for part in parts):
            return None
        return 100 * sum(part for part in parts if part is not None) / total

    return compute


def _pick(value_column: str, **match: str) -> Callable[[Sequence[Row]], float | None]:
    """The ``value_column`` of the one row whose columns equal ``match``."""

    def compute(rows: Sequence[Row]) -> float | None:
        hits = [row for row in rows if all(row[k] == v for k, v in match.items())]
        return number(hits[0][value_column]) if len(hits) == 1 else None

    return compute


def _leavers_eet(ages: Sequence[str]) -> Callable[[Sequence[Row]], float | None]:
    """Care leavers in EET over all care leavers, pooled over the age bands from the counts."""

    def compute(rows: Sequence[Row]) -> float | None:
        def count(age: str, breakdown: str) -> float | None:
            return _pick("care_leaver_count", care_leaver_age=age, breakdown=breakdown)(rows)

        eet = [count(age, EET) for age in ages]
        total = [count(age, "Total") for age in ages]
        if any(v is None for v in eet + total):
            return None
        denominator = sum(v for v in total if v is not None)
        if denominator <= 0:
            return None
        return 100 * sum(v for v in eet if v is not None) / denominator

    return compute


@dataclass(frozen=True)
class Measure:
    number: int
    file: str
    source: str  # with {year}
    value: Callable[[Sequence[Row]], float | None]
    direction: str
    label: str = ""  # appended to "England {year}" in the comparator's name
    note: str | None = None  # shown with the comparator
    rank_note: str | None = None  # shown with the quartile
    band: str | None = None  # KPI 28's age band; None = the KPI as a whole
    comparator: bool = True  # shown as an England comparator
    ranked: bool = True  # local authorities ranked for a quartile


_EVER = (
    "DfE counts plans that follow any earlier plan; KPI 3 counts only repeats within 2 years "
    "of the previous plan ending, so it should read lower."
)
_LEAVERS_SOURCE = CLA + ", care leavers' activity"
MEASURES: tuple[Measure, ...] = (
    Measure(1, C1, CIN + ", table C1", _column("rereferral_percent"), LOWER),
    Measure(
        2,
        C4,
        CIN + ", table C4",
        _percent(["ICPC"], "Section47"),
        CONTEXT,
        rank_note="Context: quartile by value, lowest first; neither end is better.",
    ),
    Measure(
        3,
        D3,
        CIN + ", table D3",
        _column("CPP_subsequent_percent"),
        LOWER,
        label=" (second or subsequent plan ever — not the same measure)",
        note=_EVER,
        rank_note=_EVER,
    ),
    Measure(
        4,
        D5,
        CIN + ", table D5",
        _column("2_years_or_more_percent"),
        LOWER,
        rank_note="Authorities whose count is suppressed (small numbers, so usually low "
        "percentages) are left out, which pushes the boundaries up.",
    ),
    Measure(
        14,
        CLA_RATE,
        CLA + ", numbers and rates per 10,000",
        _pick("rate_per_10000", population_type="Children looked after on 31 March each year"),
        CONTEXT,
        label=" (rate per 10,000 children)",
        ranked=False,
        note="A rate per 10,000 children under 18, not a count: compare with the site's rate.",
    ),
    Measure(
        17,
        C4,
        CIN + ", table C4",
        _percent(["Duration_0-10_days", "Duration_11-15_days"], "ICPC"),
        HIGHER,
    ),
    Measure(
        21,
        STABILITY,
        CLA + ", placement stability",
        _pick(
            "children_percent",
            cla_group="CLA on 31 March",
            placement_stability="With 3 or more placements during the year",
        ),
        LOWER,
    ),
    Measure(
        28,
        LEAVERS,
        _LEAVERS_SOURCE,
        _leavers_eet(["17 to 18 years", "19 to 21 years"]),
        HIGHER,
        comparator=False,
        rank_note="Care leavers aged 17–21, both age bands pooled.",
    ),
    Measure(
        28,
        LEAVERS,
        _LEAVERS_SOURCE,
        _pick("care_leaver_percent", care_leaver_age="17 to 18 years", breakdown=EET),
        HIGHER,
        label=" (aged 17–18)",
        band="17-18",
        ranked=False,
    ),
    Measure(
        28,
        LEAVERS,
        _LEAVERS_SOURCE,
        _pick("care_leaver_percent", care_leaver_age="19 to 21 years", breakdown=EET),
        HIGHER,
        label=" (aged 19–21)",
        band="19-21",
        ranked=False,
    ),
)


def _latest(measure: Measure) -> dfe_files.LatestYear:
    return dfe_files.latest(measure.file, _COLUMNS[measure.file])


@lru_cache(maxsize=64)
def _england(number: int) -> tuple[tuple[str, float, str, str | None], ...]:
    found = []
    for measure in MEASURES:
        if measure.number != number or not measure.comparator:
            continue
        data = _latest(measure)
        value = measure.value(data.national)
        if value is not None:
            name = f"England {data.year}{measure.label}"
            found.append(
                (name, round(value, 1), measure.source.format(year=data.year), measure.note)
            )
    return tuple(found)


def _configured(number: int, extra: Mapping[str, Any]) -> dict[str, Any]:
    name, value, source = extra.get("name"), extra.get("value"), extra.get("source")
    note = extra.get("note")
    if (
        not isinstance(name, str)
        or not isinstance(source, str)
        or isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (note is None or isinstance(note, str))
    ):
        raise ConfigError(
            f"A comparator configured for KPI {number} is incomplete: each needs a name (text), "
            "a value (a number), a source (text) and optionally a note (text). Fix the "
            "comparators entry for that KPI in kpi_definitions.yaml or the site's KPI file."
        )
    return {"name": name, "value": float(value), "source": source, "note": note}


def comparators_for(
    number: int, configured: Iterable[Mapping[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The England comparators for KPI ``number``: those read from the DfE files, in a fixed
    order, then any ``configured`` ones (from kpi_definitions.yaml) in the order given.
    Unknown KPIs, or KPIs without a file or configured comparator, give []."""
    found: list[dict[str, Any]] = [
        {"name": name, "value": value, "source": source, "note": note}
        for name, value, source, note in _england(number)
    ]
    found.extend(_configured(number, extra) for extra in configured or ())
    return found


@lru_cache(maxsize=64)
def _la_values(number: int, band: str | None) -> tuple[str, str, tuple[float, ...]] | None:
    for measure in MEASURES:
        if measure.number == number and measure.band == band and measure.ranked:
            data = _latest(measure)
            values = (measure.value(rows) for rows in data.local.values())
            ranked = tuple(sorted(v for v in values if v is not None))
            return (data.year, measure.direction, ranked) if len(ranked) >= 4 else None
    return None


def quartile(number: int, value: float | None, *, band: str | None = None) -> dict[str, Any] | None:
    """Where ``value`` would sit among English local authorities in the latest DfE year:
    quartile 1 is the best quarter in the KPI's direction (context KPIs: lowest values). A value
    on a boundary goes to the better quartile. Boundaries are the 25th, 50th and 75th
    percentiles (inclusive method). None for a None/NaN value or a KPI without LA figures."""
    if value is None or value != value:
        return None
    found = _la_values(number, band)
    if found is None:
        return None
    year, direction, ranked = found
    q1, median, q3 = quantiles(ranked, n=4, method="inclusive")
    if direction == HIGHER:
        position = 1 if value >= q3 else 2 if value >= median else 3 if value >= q1 else 4
    else:
        position = 1 if value <= q1 else 2 if value <= median else 3 if value <= q3 else 4
    note = next(
        (m.rank_note for m in MEASURES if m.number == number and m.band == band and m.ranked),
        None,
    )
    return {
        "quartile": position,
        "of": len(ranked),
        "year": year,
        "boundaries": [round(q1, 2), round(median, 2), round(q3, 2)],
        "direction": direction,
        "note": note,
    }


def clear_cache() -> None:
    """Forget every figure and file read (after replacing the files, or in tests)."""
    _england.cache_clear()
    _la_values.cache_clear()
    dfe_files.clear_cache()


def write_summary() -> Path:
    """Rebuild ``reference/dfe-benchmarks/_summary.json`` (the files' latest years, picked out)
    after a benchmark file is replaced: ``python -c "from cfcs_qa.kpi.comparators import
    write_summary; write_summary()"``."""
    clear_cache()
    return dfe_files.write_summary(_COLUMNS)
