"""The second pass over KPI definitions: meaning. Every field exists in the contract (or is a
derived column declared earlier), derived functions exist with the arguments they take,
references are well formed, and targets agree with polarity and unit.

Each problem is ``(path, message)``; the loader turns the path into a line number.
"""

from __future__ import annotations

from typing import Any

from ..contract import TABLES
from .derived import REGISTRY
from .filters import is_ref, ref_error
from .frames import CONTINUOUS, frame_base_table
from .model import NO_VALUE_OPS, Filter, KpiDef

Problem = tuple[tuple[Any, ...], str]
INTERNAL = ("_id", "_row")


def frame_columns(name: str) -> set[str] | None:
    base = frame_base_table(name)
    if base not in TABLES:
        return None
    cols = set(TABLES[base].column_names) | set(INTERNAL)
    if name in CONTINUOUS:
        cols.add("_members")
    return cols


def check_kpis(kpis: list[KpiDef], where: tuple[Any, ...] = ("kpis",)) -> list[Problem]:
    problems: list[Problem] = []
    seen_numbers: dict[int, int] = {}
    seen_ids: dict[str, int] = {}
    for i, k in enumerate(kpis):
        at = (*where, i)
        if k.number in seen_numbers:
            problems.append(((*at, "number"), f"KPI number {k.number} is used twice "
                             f"(also the KPI at position {seen_numbers[k.number] + 1})"))
        if k.id in seen_ids:
            problems.append(((*at, "id"), f"KPI id {k.id!r} is used twice"))
        seen_numbers.setdefault(k.number, i)
        seen_ids.setdefault(k.id, i)
        problems += check_kpi(k, at)
    return problems


def check_kpi(k: KpiDef, at: tuple[Any, ...]) -> list[Problem]:
    p: list[Problem] = []
    for j, t in enumerate(k.requires):
        if t not in TABLES:
            p.append(((*at, "requires", j), f"{t!r} is not a table of the data contract"))
    cols = frame_columns(k.source)
    if cols is None:
        p.append(((*at, "source"), f"{k.source!r} is neither a contract table nor one of the "
                  f"continuous-record frames ({', '.join(sorted(CONTINUOUS))})"))
        return p
    base = frame_base_table(k.source)
    if base not in k.requires:
        p.append(((*at, "requires"), f"requires must list {base!r}, the table behind the source"))
    period = k.period
    if period.type == "in_month" and not period.date:
        p.append(((*at, "period"), "an in_month period needs the date that places a record in M"))
    for key in ("date", "start", "end"):
        col = getattr(period, key)
        if col and (period.type != "all") and (key == "date" or period.type == "open_at_me") \
                and col not in cols:
            p.append(((*at, "period", key), _no_column(col, k.source)))
    for j, d in enumerate(k.derived):
        p += _check_derived(d.fn, d.args, cols, (*at, "derived", j))
        if d.name in cols:
            p.append(((*at, "derived", j, "name"), f"{d.name!r} is already a column of {k.source}"))
        cols.add(d.name)
    for section in ("population", "not_yet_due", "numerator"):
        for j, f in enumerate(getattr(k, section) or []):
            p += _check_filter(f, cols, (*at, section, j), k.source)
    for j, col in enumerate(k.left_out_blank):
        if col not in cols:
            p.append(((*at, "left_out_blank", j), _no_column(col, k.source)))
    for j, bf in enumerate(k.blank_flags):
        if bool(bf.field) == bool(bf.count):
            p.append(((*at, "blank_flags", j), "give exactly one of field or count"))
        for col in (bf.field, bf.count):
            if col and col not in cols:
                p.append(((*at, "blank_flags", j), _no_column(col, k.source)))
    for j, band in enumerate(k.bands):
        for m, f in enumerate(band.filters):
            p += _check_filter(f, cols, (*at, "bands", j, "filters", m), k.source)
    base_cols = frame_columns(k.source) or set()
    for j, extra in enumerate(k.extras):
        for m, f in enumerate(extra.filters):
            p += _check_filter(f, base_cols, (*at, "extras", j, "filters", m), k.source)
    p += _check_targets(k, at)
    if k.unit == "percent" and k.numerator is None:
        p.append(((*at, "numerator"), "a percent KPI needs a numerator"))
    if (k.unit == "rate_per_10000") != (k.rate_denominator is not None):
        p.append(((*at, "unit"), "rate_per_10000 goes with rate_denominator (and only with it)"))
    if k.recency:
        if set(k.recency) != {"field", "option"} or k.recency.get("field") not in cols:
            p.append(((*at, "recency"), "recency takes {field: a date column, option: name}"))
    return p


def _check_targets(k: KpiDef, at: tuple[Any, ...]) -> list[Problem]:
    p: list[Problem] = []
    if k.target is None:
        return p
    if k.polarity == "context":
        p.append(((*at, "target"), "a context KPI has no direction, so it cannot have a target "
                  "(set polarity to higher_is_better or lower_is_better, or drop the target)"))
    expected = {"higher_is_better": "at_least", "lower_is_better": "at_most"}.get(k.polarity)
    if k.target.direction and expected and k.target.direction != expected:
        p.append(((*at, "target"), f"target direction {k.target.direction} disagrees with "
                  f"polarity {k.polarity} (which means {expected})"))
    if k.unit == "percent" and not 0 <= k.target.value <= 100:
        p.append(((*at, "target"), f"a percent target must be between 0 and 100, "
                  f"not {k.target.value:g}"))
    if k.tolerance is not None and k.unit == "percent" and k.tolerance > 100:
        p.append(((*at, "tolerance"), "a percent tolerance above 100 makes every value amber"))
    return p


def _no_column(col: str, source: str) -> str:
    return f"{col!r} is not a column of {source} (nor a derived column declared above it)"


def _check_filter(f: Filter, cols: set[str], at: tuple[Any, ...], source: str) -> list[Problem]:
    p: list[Problem] = []
    if f.field not in cols:
        p.append(((*at, "field"), _no_column(f.field, source)))
    if f.op in NO_VALUE_OPS:
        if f.value is not None:
            p.append(((*at, "value"), f"op {f.op} takes no value"))
        return p
    if f.value is None:
        p.append(((*at, "value"), f"op {f.op} needs a value"))
    elif f.op in ("in", "not_in"):
        if not isinstance(f.value, list):
            p.append(((*at, "value"), f"op {f.op} needs a list of values"))
    elif isinstance(f.value, dict) and "field" in f.value:
        if set(f.value) != {"field"} or f.value["field"] not in cols:
            p.append(((*at, "value"), _no_column(str(f.value.get("field")), source)))
    elif is_ref(f.value):
        err = ref_error(f.value)
        if err:
            p.append(((*at, "value"), err))
    elif isinstance(f.value, dict | list):
        p.append(((*at, "value"), "a value is a literal, a date reference or {field: column}"))
    return p


def _check_derived(fn: str, args: dict[str, Any], cols: set[str],
                   at: tuple[Any, ...]) -> list[Problem]:
    spec = REGISTRY.get(fn)
    if spec is None:
        return [((*at, "fn"), f"{fn!r} is not a derived column cfcs-qa knows "
                 f"(known: {', '.join(sorted(REGISTRY))})")]
    p: list[Problem] = []
    for name in sorted(set(args) - set(spec.params)):
        p.append(((*at, "args", name), f"{fn} takes no argument {name!r}"))
    for name in sorted(set(spec.params) - set(args) - spec.optional):
        p.append(((*at, "args"), f"{fn} needs the argument {name!r}"))
    other = args.get("frame", args.get("table"))
    other_cols = frame_columns(other) if isinstance(other, str) else None
    for name, kind in spec.params.items():
        if name not in args:
            continue
        v, where = args[name], (*at, "args", name)
        if kind == "field" and v not in cols:
            p.append((where, _no_column(str(v), "the KPI's frame")))
        elif kind == "date_or_field":
            err = ref_error(v) if is_ref(v) else (None if v in cols else
                                                  _no_column(str(v), "the KPI's frame"))
            if err:
                p.append((where, err))
        elif kind == "ref":
            err = ref_error(v) if is_ref(v) else "needs a date reference ($ME, {ref: ME, ...})"
            if err:
                p.append((where, err))
        elif kind == "frame" and frame_columns(str(v)) is None:
            p.append((where, f"{v!r} is neither a contract table nor a continuous-record frame"))
        elif kind == "table_field" and other_cols is not None and v not in other_cols:
            p.append((where, f"{v!r} is not a column of {other}"))
        elif kind == "int" and not isinstance(v, int):
            p.append((where, "needs a whole number"))
        elif kind == "map" and not isinstance(v, dict):
            p.append((where, "needs a mapping (value: number)"))
        elif kind == "filters":
            p += _check_related_filters(v, other_cols or set(), where, str(other))
    return p


def _check_related_filters(v: Any, cols: set[str], at: tuple[Any, ...],
                           table: str) -> list[Problem]:
    if not isinstance(v, list):
        return [(at, "needs a list of filters")]
    p: list[Problem] = []
    for j, raw in enumerate(v):
        try:
            f = Filter.model_validate(raw)
        except Exception:  # noqa: BLE001 - reported as a problem, never raised
            p.append(((*at, j), "a filter is {field, op, value}"))
            continue
        p += _check_filter(f, cols, (*at, j), table)
    return p
