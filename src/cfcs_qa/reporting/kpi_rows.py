"""The KPI report as flat rows (one per KPI, then per team, band and history month), shared by
the CSV and Excel renderers."""

from __future__ import annotations

from typing import Any

from .kpi_format import fmt_comparators

COLUMNS = ("section", "month", "number", "id", "title", "group", "breakdown", "unit",
           "polarity", "status", "provisional", "value", "numerator", "denominator", "target",
           "target_is_default", "rag", "previous", "direction", "blank_flags", "comparators")


def kpi_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for k in report["kpis"]:
        base = {c: k.get(c) for c in COLUMNS}
        base.update(section="kpi", month=report["month"], breakdown="",
                    comparators=fmt_comparators(k))
        rows.append(base)
        subs = [("band", name, b) for name, b in (k.get("bands") or {}).items()]
        subs += [("team", name, t) for name, t in (k.get("by_team") or {}).items()]
        for section, name, sub in subs:
            rows.append({**_blank(k, report["month"]), "section": section, "breakdown": name,
                         **sub})
        for name in ("completed", "open_at_me"):
            if name in k:
                rows.append({**_blank(k, report["month"]), "section": "extra",
                             "breakdown": name, "value": k[name], "numerator": k[name]})
        for h in k.get("history") or []:
            rows.append({**_blank(k, h["month"]), "section": "history", **h})
    return rows


def _blank(k: dict[str, Any], month: str) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(month=month, number=k["number"], id=k["id"], title=k["title"], group=k["group"],
               unit=k["unit"], polarity=k["polarity"])
    return row
