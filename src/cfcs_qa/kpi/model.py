"""The shape of a KPI definition (``kpi_definitions.yaml``), checked by pydantic.

A KPI names a source (a contract table or a continuous-record frame), a period that places
records in the month, derived columns from a small Python registry, and structured filters
``{field, op, value}`` for its population, the cases not yet due, and its numerator. Nothing
here is evaluated as code.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

GROUPS = (
    "Safeguarding and Children in Need",
    "Looked After Children",
    "Fostering",
    "Care Leavers",
    "LDD and SEN",
)
Group = Literal[
    "Safeguarding and Children in Need",
    "Looked After Children",
    "Fostering",
    "Care Leavers",
    "LDD and SEN",
]
Unit = Literal["percent", "count", "rate_per_10000"]
Polarity = Literal["higher_is_better", "lower_is_better", "context"]
Op = Literal[
    "eq", "ne", "in", "not_in", "lt", "le", "gt", "ge",
    "is_null", "not_null", "is_true", "is_false", "not_true", "not_false",
]
NO_VALUE_OPS = frozenset({"is_null", "not_null", "is_true", "is_false", "not_true", "not_false"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Filter(_Strict):
    """``{field, op, value}``; value is a literal, a list (``in``), ``$ME``/``$M1``/``$AS_OF``,
    ``{field: other_column}`` or ``{ref: ME, days: -13, months: 0}``."""

    field: str
    op: Op
    value: Any = None
    or_null: bool = False
    """True: a blank value satisfies the filter too (e.g. an end date: blank = still open)."""


class Derived(_Strict):
    name: str
    fn: str
    args: dict[str, Any] = Field(default_factory=dict)


class Period(_Strict):
    type: Literal["in_month", "open_at_me", "all"]
    date: str | None = None
    """in_month: the date that places a record in M (also the team reference date)."""
    start: str = "start_date"
    end: str = "end_date"


class Target(_Strict):
    value: float
    direction: Literal["at_least", "at_most"] | None = None
    """Optional, for readers: at_least (green at or above) must go with higher_is_better,
    at_most with lower_is_better."""
    default: bool = True
    """True: the shipped default, a governance decision a site should confirm."""


class Comparator(_Strict):
    name: str
    value: float
    source: str | None = None
    note: str | None = None


class BlankFlag(_Strict):
    """A blank that counts as not met and is reported: a field of the source row, or the sum
    of a derived count column (blanks on related rows, e.g. visits with ``seen`` blank)."""

    field: str | None = None
    count: str | None = None
    scope: Literal["denominator", "population"] = "denominator"
    """denominator: blanks among the counted rows; population: blanks among rows that pass
    every population filter except those on this field (e.g. visits whose ``seen`` is blank
    cannot enter a "seen = true" base, yet they are blank flags of the KPI)."""


class Band(_Strict):
    name: str
    filters: list[Filter]


class Extra(_Strict):
    """An extra count over the whole source table (e.g. KPI 11's completed and open at ME)."""

    name: str
    filters: list[Filter]


class RateDenominator(_Strict):
    table: str = "population"
    year: str = "year"
    value: str = "population_0_17"


class Explain(_Strict):
    met: str = "met"
    not_met: str = "not met"
    not_yet_due: str = "not yet due"
    left_out: str = "left out: a value needed is blank"
    counted: str = "counted"


class KpiDef(_Strict):
    number: int = Field(ge=1)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    group: Group
    unit: Unit
    polarity: Polarity
    kind: Literal["event", "snapshot"]
    enabled: bool = True
    requires: list[str]
    source: str
    count: Literal["records", "children"] = "records"
    period: Period
    derived: list[Derived] = Field(default_factory=list)
    population: list[Filter] = Field(default_factory=list)
    not_yet_due: list[Filter] = Field(default_factory=list)
    left_out_blank: list[str] = Field(default_factory=list)
    numerator: list[Filter] | None = None
    blank_flags: list[BlankFlag] = Field(default_factory=list)
    rate_denominator: RateDenominator | None = None
    bands: list[Band] = Field(default_factory=list)
    extras: list[Extra] = Field(default_factory=list)
    recency: dict[str, str] | None = None
    """KPI 28: ``{field: activity_date, option: activity_max_age_months}`` (off unless set)."""
    target: Target | None = None
    tolerance: float | None = Field(default=None, ge=0)
    min_denominator: int | None = Field(default=None, ge=0)
    comparators: list[Comparator] = Field(default_factory=list)
    team_split: bool = True
    explain: Explain = Field(default_factory=Explain)
    note: str | None = None


class Defaults(_Strict):
    tolerance: float = Field(default=5, ge=0)
    min_denominator: int = Field(default=5, ge=0)


class DefinitionsFile(_Strict):
    version: int = 1
    extends: Literal["bundled"] | None = None
    """A site file with ``extends: bundled`` adds to (or replaces, by number) the bundled KPIs."""
    defaults: Defaults = Field(default_factory=Defaults)
    kpis: list[KpiDef]


class KpiSet(BaseModel):
    """The checked, override-applied definitions the engine runs."""

    model_config = ConfigDict(frozen=False)

    kpis: list[KpiDef]
    defaults: Defaults
    source: str

    def find(self, key: str | int) -> KpiDef | None:
        text = str(key).strip().lower()
        for k in self.kpis:
            if str(k.number) == text or k.id == text:
                return k
        return None

    def tolerance(self, k: KpiDef) -> float:
        return k.tolerance if k.tolerance is not None else self.defaults.tolerance

    def min_denominator(self, k: KpiDef) -> int:
        return k.min_denominator if k.min_denominator is not None else self.defaults.min_denominator
