"""``explain``: every record behind a KPI figure for a month, with its dates and the rule that
decided it (in, out, not yet due, left out for a blank). Reasons come from the KPI's
``explain`` templates in ``kpi_definitions.yaml``."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..calendar import WorkingCalendar, month_end
from ..config import Settings
from ..errors import UserError
from ..ingest.model import Extract
from ..ingest.sources import WORKBOOK_SUFFIXES
from .definitions import load_definitions
from .engine import Evaluator, _published, prepare
from .evaluate import IN, LEFT_OUT, NOT_YET_DUE, OUT
from .frames import ID
from .model import KpiDef, KpiSet

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)(?::([A-Za-z0-9_]+):([A-Za-z0-9_]+))?\}")
_ONE = re.compile(r"(?<![\d.])1 (working day|day|placement|visit)s\b")


def short_date(d: date, year: int | None = None) -> str:
    """``Fri 8 May``, as people write it in case notes; the year is added when it is not
    ``year`` (the explained month's)."""
    text = f"{d:%a} {d.day} {d:%b}"
    return text if year is None or d.year == year else f"{text} {d.year}"


def _fmt(value: Any, year: int | None = None) -> str | None:
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | date):
        return short_date(value, year)
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def holidays_between(cal: WorkingCalendar, a: Any, b: Any) -> str:
    """``; 9 May Liberation Day`` for the public holidays and closures in (a, b]."""
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return ""
    start, end = pd.Timestamp(a).date(), pd.Timestamp(b).date()
    names = []
    d = start + timedelta(days=1)
    while d <= end:
        name = cal.holiday_name(d)
        if name:
            names.append(f"{d.day} {d:%b} {name}")
        d += timedelta(days=1)
    return "; " + ", ".join(names) if names else ""


def render(template: str, row: dict[str, Any], cal: WorkingCalendar,
           year: int | None = None) -> str:
    """The first ``||`` alternative whose placeholders all have values (else the last)."""
    alternatives = [t.strip() for t in template.split("||")]
    for i, alt in enumerate(alternatives):
        missing = False

        def sub(m: re.Match[str], alt_row: dict[str, Any] = row) -> str:
            nonlocal missing
            if m.group(2):
                return holidays_between(cal, alt_row.get(m.group(2)), alt_row.get(m.group(3)))
            text = _fmt(alt_row.get(m.group(1)), year)
            if text is None:
                missing = True
                return "none"
            return text

        out = _ONE.sub(r"1 \1", _PLACEHOLDER.sub(sub, alt))
        if not missing or i == len(alternatives) - 1:
            return out
    return ""


def _template(k: KpiDef, state: str) -> str:
    if k.numerator is None and state in (IN, OUT):
        return k.explain.counted
    return {IN: k.explain.met, OUT: k.explain.not_met, NOT_YET_DUE: k.explain.not_yet_due,
            LEFT_OUT: k.explain.left_out}[state]


def explain_kpi(extract: Extract, settings: Settings, key: str | int, month: date, *,
                as_of: date | None = None, kset: KpiSet | None = None,
                memo_dir: Path | None = None) -> dict[str, Any]:
    """``{"number", "id", "title", "month", "status", "value", "numerator", "denominator",
    "records": [{"id", "child_id", "in_denominator", "in_numerator", "reason", "dates"}],
    "missing_tables", "no_data_reason", "no_data_fix"}`` (the last three say, for a ``no_data``
    KPI, which tables it lacks and how to supply them; ``[]``/None otherwise)."""
    kset = kset or load_definitions(settings)
    k = kset.find(key)
    if k is None:
        raise UserError(f"There is no KPI {key!r}. Give a number from 1 to 31 or an id such as "
                        "repeat_referrals (cfcs-qa kpis lists them).")
    p = prepare(extract, settings, as_of, memo_dir)
    first = month.replace(day=1)
    fig = Evaluator(p, settings).month(k, first, detail=True)
    records: list[dict[str, Any]] = []
    if fig.detail is not None:
        records = _records(k, fig.detail, p.calendar, first.year)
    doc = {"number": k.number, "id": k.id, "title": k.title, "month": first.strftime("%Y-%m"),
           "as_of": p.as_of.isoformat(), "provisional": month_end(first) > p.as_of,
           "status": fig.status, "value": _published(k, fig.value), "numerator": fig.numerator,
           "denominator": fig.denominator, "blank_flags": fig.blank_flags, "records": records}
    doc.update(no_data_help(k, extract, first) if fig.status == "no_data" else
               {"missing_tables": [], "no_data_reason": None, "no_data_fix": None})
    return doc


def missing_tables(k: KpiDef, extract: Extract) -> list[str]:
    """The tables KPI ``k`` needs that the extract lacks (absent, empty or unusable), in the
    order the definition lists them."""
    needed = list(k.requires)
    if k.rate_denominator is not None:
        needed.append(k.rate_denominator.table)
    return [t for t in dict.fromkeys(needed) if not extract.has(t)]


def _names(tables: list[str], joiner: str = "and") -> str:
    return tables[0] if len(tables) == 1 else f"{', '.join(tables[:-1])} {joiner} {tables[-1]}"


def no_data_help(k: KpiDef, extract: Extract, month: date) -> dict[str, Any]:
    """Why KPI ``k`` has no figure and what to do: ``{"missing_tables", "no_data_reason",
    "no_data_fix"}``. A table is absent (export it, or map the site's file name under
    ``tables:``), empty (export again), or present but unusable (``validate`` says why)."""
    missing = missing_tables(k, extract)
    workbook = extract.source.lower().endswith(WORKBOOK_SUFFIXES)
    absent: list[str] = []
    empty: list[str] = []
    unusable: list[str] = []
    for t in missing:
        report = extract.reports.get(t)
        if report is None or report.source is None:
            absent.append(t)
        elif not report.present:
            empty.append(t)
        else:
            unusable.append(t)
    source = {t: f"{t} ({extract.reports[t].source})" for t in empty + unusable}
    needs = (f"KPI {k.number} needs the {_names(list(dict.fromkeys(k.requires)))} "
             f"table{'s' if len(set(k.requires)) > 1 else ''}")
    reasons, fixes = [], []
    if absent:
        reasons.append(f"the extract has no {_names(absent, 'or')} table")
        place = (f"a sheet named {_names(absent)} in the workbook" if workbook else
                 f"{_names([f'{t}.csv' for t in absent])} in the data folder")
        fixes.append(f"Export {_names(absent)} as {place}, or map the site's "
                     f"{'sheet' if workbook else 'file'} name under `tables:` in cfcs-qa.yaml "
                     f'(e.g. `tables: {{{absent[0]}: "Your report name'
                     f'{"" if workbook else ".csv"}"}}`).')
    if empty:
        reasons.append(f"{_names([source[t] for t in empty])} "
                       f"{'is' if len(empty) == 1 else 'are'} empty")
        fixes.append(f"Export {_names(empty)} again with {'its' if len(empty) == 1 else 'their'} "
                     "rows.")
    if unusable:
        reasons.append(f"{_names([source[t] for t in unusable])} "
                       f"{'was' if len(unusable) == 1 else 'were'} found but cannot be used")
        fixes.append(f"Run `cfcs-qa validate` to see why {_names(unusable)} cannot be used "
                     "(usually a required column is missing: map the site's header under "
                     "`columns:` in cfcs-qa.yaml).")
    if not missing and k.rate_denominator is not None:
        rd = k.rate_denominator
        reasons.append(f"the {rd.table} table has no {rd.year} up to {month.year}")
        fixes.append(f"Add the {rd.value} figure for {month.year} (or an earlier year) to the "
                     f"{rd.table} table.")
    reason = f"{needs}: {'; '.join(reasons)}." if reasons else f"{needs}."
    fix = " ".join(fixes + ["Then run again."]) if fixes else None
    return {"missing_tables": missing, "no_data_reason": reason, "no_data_fix": fix}


def _records(k: KpiDef, detail: pd.DataFrame, cal: WorkingCalendar,
             year: int) -> list[dict[str, Any]]:
    date_cols = [c for c in detail.columns
                 if not c.startswith("_") and detail[c].dtype.kind == "M"]
    out: list[dict[str, Any]] = []
    ordered = detail.sort_values(["child_id", ID], kind="stable") if "child_id" in detail \
        else detail.sort_values(ID, kind="stable")
    met_children: set[str] = set()
    if k.count == "children":
        met_children = set(ordered.loc[ordered["_state"] == IN, "child_id"].astype(str))
    for row in ordered.to_dict("records"):
        state = row["_state"]
        child = None if pd.isna(row.get("child_id")) else str(row.get("child_id"))
        reason = render(_template(k, state), row, cal, year)
        in_numerator = state == IN
        if state == OUT and child in met_children:
            # child-level KPI: the child counts once, met through another of their records
            in_numerator = True
            reason += " (the child is counted as met through another record)"
        dates = {c: (None if pd.isna(row[c]) else pd.Timestamp(row[c]).date().isoformat())
                 for c in date_cols}
        out.append({
            "id": str(row[ID]),
            "child_id": child,
            "in_denominator": state in (IN, OUT),
            "in_numerator": in_numerator,
            "decision": {IN: "met" if k.numerator is not None else "counted", OUT: "not met",
                         NOT_YET_DUE: "not yet due", LEFT_OUT: "left out"}[state],
            "reason": reason,
            "dates": dates,
        })
    return out
