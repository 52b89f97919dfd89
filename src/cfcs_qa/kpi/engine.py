"""The KPI engine: pure functions of (validated extract, month, extract date, settings).

``prepare`` builds the month-independent frames once; ``compute_kpis`` evaluates each
enabled KPI for the month (and the previous month, the R12 window, ``--history`` months) over
that one preparation, memoising every (KPI, month) figure so nothing is evaluated twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..calendar import add_months, make_calendar, month_end
from ..config import Settings
from ..findings import Finding
from ..ingest.model import Extract
from .comparator_bridge import comparators_for, quartile_for
from .definitions import kpi_options, load_definitions
from .evaluate import Figure, evaluate, value_of
from .frames import Prepared
from .model import KpiDef, KpiSet
from .rag import direction, rag


def prepare(extract: Extract, settings: Settings, as_of: date | None = None,
            memo_dir: Path | None = None) -> Prepared:
    """``memo_dir``: a folder where the public-holiday table may be kept between runs."""
    cal = make_calendar(settings.calendar.closures, settings.calendar.removed, memo_dir)
    return Prepared(extract=extract, calendar=cal, as_of=as_of or extract.as_of)


@dataclass
class KpiResult:
    number: int
    id: str
    title: str
    group: str
    unit: str
    polarity: str
    status: str
    provisional: bool
    value: float | int | None
    numerator: int | None
    denominator: int | None
    target: float | None
    target_is_default: bool | None
    rag: str | None
    previous: float | int | None
    direction: str | None
    comparators: list[dict[str, Any]]
    quartile: dict[str, Any] | None
    blank_flags: int
    snapshot: bool
    ids: dict[str, list[str]]
    extras: dict[str, Any] = field(default_factory=dict)
    bands: dict[str, dict[str, Any]] | None = None
    by_team: dict[str, dict[str, Any]] | None = None
    history: list[dict[str, Any]] | None = None
    findings: list[Finding] = field(default_factory=list)
    by_team_requested: bool = False
    """``--by team`` was asked for: KPIs without a team split (8, 19, 20, 27) show null."""

    def to_dict(self, with_ids: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            k: getattr(self, k) for k in (
                "number", "id", "title", "group", "unit", "polarity", "status", "provisional",
                "value", "numerator", "denominator", "target", "target_is_default", "rag",
                "previous", "direction", "comparators", "quartile", "blank_flags", "snapshot")
        }
        out.update(self.extras)
        if self.bands is not None:
            out["bands"] = self.bands
        if self.by_team is not None or self.by_team_requested:
            out["by_team"] = self.by_team
        if self.history is not None:
            out["history"] = self.history
        if with_ids:
            out["ids"] = self.ids
            out["findings"] = [f.to_dict() for f in self.findings]
        return out


@dataclass
class KpiReport:
    month: str
    period: str
    as_of: date
    synthetic: bool
    provisional: bool
    kpis: list[KpiResult]

    def to_dict(self, with_ids: bool = False) -> dict[str, Any]:
        return {"month": self.month, "period": self.period, "as_of": self.as_of.isoformat(),
                "synthetic": self.synthetic, "provisional": self.provisional,
                "kpis": [k.to_dict(with_ids) for k in self.kpis]}

    @property
    def findings(self) -> list[Finding]:
        return [f for k in self.kpis for f in k.findings]


class Evaluator:
    """Memoised (KPI, month) figures over one preparation."""

    def __init__(self, prepared: Prepared, settings: Settings, by_team: bool = False,
                 ids: bool = False) -> None:
        self.p = prepared
        self.settings = settings
        self.by_team = by_team
        self.ids = ids
        self._memo: dict[tuple[int, date, bool], Figure] = {}

    def month(self, k: KpiDef, first: date, detail: bool = False) -> Figure:
        key = (k.number, first, detail)
        if key not in self._memo:
            self._memo[key] = evaluate(self.p, k, first, detail=detail, by_team=self.by_team,
                                       ids=self.ids,
                                       options=kpi_options(self.settings, k.number, k.id))
        return self._memo[key]

    def period(self, k: KpiDef, first: date, period: str, detail: bool = False) -> Figure:
        if period == "month" or k.kind == "snapshot":
            return self.month(k, first, detail)
        months = [add_months(first, -i) for i in range(11, -1, -1)]
        return pool(k, [self.month(k, m, detail) for m in months])


def pool(k: KpiDef, figs: list[Figure]) -> Figure:
    """R12 for event KPIs: sum of numerators over sum of denominators (ids united)."""
    if any(f.status == "no_data" for f in figs):
        return Figure("no_data")
    num = sum(f.numerator or 0 for f in figs)
    den = sum(f.denominator or 0 for f in figs) if k.unit != "count" else None
    out = _figure(k, num, den)
    out.num_ids = sorted({i for f in figs for i in f.num_ids})
    out.den_ids = sorted({i for f in figs for i in f.den_ids})
    out.blank_flags = sum(f.blank_flags for f in figs)
    out.findings = [x for f in figs for x in f.findings]
    last = figs[-1]
    out.extras = {name: (last.extras[name] if name.startswith("open") else
                         sum(f.extras.get(name, 0) for f in figs)) for name in last.extras}
    for attr in ("by_team", "bands"):
        merged: dict[str, list[Figure]] = {}
        for f in figs:
            for name, sub in getattr(f, attr).items():
                merged.setdefault(name, []).append(sub)
        setattr(out, attr, {name: pool(k, subs) for name, subs in sorted(merged.items())})
    return out


def _figure(k: KpiDef, num: int, den: int | None) -> Figure:
    if k.unit == "percent" and not den:
        return Figure("no_cases", num, den or 0)
    return Figure("ok", num, den, value_of(k, num, den))


def _published(k: KpiDef, value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(round(value)) if k.unit == "count" else value


def _small(k: KpiDef, f: Figure) -> dict[str, Any]:
    return {"value": _published(k, f.value), "numerator": f.numerator,
            "denominator": None if k.unit == "count" else f.denominator}


def result_for(ev: Evaluator, kset: KpiSet, k: KpiDef, first: date, period: str,
               history: int = 0, detail: bool = False) -> KpiResult:
    fig = ev.period(k, first, period, detail=detail)
    prev = ev.period(k, add_months(first, -1), period)
    value = _published(k, fig.value) if fig.status == "ok" else None
    previous = _published(k, prev.value) if prev.status == "ok" else None
    denominator = None if k.unit == "count" else fig.denominator
    res = KpiResult(
        number=k.number, id=k.id, title=k.title, group=k.group, unit=k.unit,
        polarity=k.polarity, status=fig.status, provisional=month_end(first) > ev.p.as_of,
        value=value, numerator=fig.numerator, denominator=denominator,
        target=k.target.value if k.target else None,
        target_is_default=k.target.default if k.target else None,
        rag=rag(k, fig.value if fig.status == "ok" else None, fig.denominator,
                kset.tolerance(k), kset.min_denominator(k)),
        previous=previous, direction=direction(k, value, previous),
        comparators=comparators_for(k.number, [c.model_dump() for c in k.comparators]),
        quartile=quartile_for(k.number, fig.value) if fig.status == "ok" else None,
        blank_flags=fig.blank_flags, snapshot=period == "r12" and k.kind == "snapshot",
        ids={"numerator": fig.num_ids, "denominator": fig.den_ids},
        extras=dict(fig.extras), findings=fig.findings, by_team_requested=ev.by_team,
    )
    if k.bands:
        res.bands = {name: _small(k, b) for name, b in fig.bands.items()}
    if ev.by_team and k.team_split:
        res.by_team = {name: _small(k, t) for name, t in fig.by_team.items()}
    if history:
        months = [add_months(first, -i) for i in range(history - 1, -1, -1)]
        res.history = [{"month": m.strftime("%Y-%m"), **_small(k, ev.period(k, m, period))}
                       for m in months]
    return res


def compute_kpis(extract: Extract, settings: Settings, month: date, *, as_of: date | None = None,
                 period: str = "month", by_team: bool = False, history: int = 0,
                 with_ids: bool = False, findings: bool = False, kset: KpiSet | None = None,
                 prepared: Prepared | None = None, memo_dir: Path | None = None) -> KpiReport:
    """Every enabled KPI for the month starting ``month`` (any day of it).

    ``with_ids``: keep the ids behind each numerator and denominator; ``findings``: build the
    blank-flag findings one by one (their count is always there); ``memo_dir``: see
    ``prepare``."""
    first = month.replace(day=1)
    kset = kset or load_definitions(settings)
    p = prepared or prepare(extract, settings, as_of, memo_dir)
    ev = Evaluator(p, settings, by_team=by_team, ids=with_ids)
    results = [result_for(ev, kset, k, first, period, history, detail=findings)
               for k in kset.kpis if k.enabled]
    return KpiReport(month=first.strftime("%Y-%m"), period=period, as_of=p.as_of,
                     synthetic=extract.synthetic, provisional=month_end(first) > p.as_of,
                     kpis=results)
