"""The KPI report as Markdown, through ``templates/kpis.md.j2``."""

from __future__ import annotations

from typing import Any

from .kpi_format import (
    ARROWS,
    banners,
    fmt_comparators,
    fmt_fraction,
    fmt_status,
    fmt_target,
    fmt_value,
    grouped,
    title_line,
)


def _cell(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def kpi_markdown(report: dict[str, Any]) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from ..paths import resource

    env = Environment(loader=FileSystemLoader(str(resource("templates"))), autoescape=False,
                      undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["cell"] = _cell
    groups = []
    for group, members in grouped(report["kpis"]):
        rows = []
        for k in members:
            value = fmt_value(k["unit"], k["value"]) if k["status"] == "ok" else fmt_status(k)
            rows.append({
                "number": k["number"], "title": k["title"], "value": value,
                "fraction": fmt_fraction(k), "target": fmt_target(k), "rag": k.get("rag") or "",
                "previous": fmt_value(k["unit"], k.get("previous")),
                "travel": ARROWS.get(k.get("direction") or "", ""),
                "comparators": fmt_comparators(k), "blank_flags": k["blank_flags"],
                "breakdowns": [
                    (f"aged {n}" if n in (k.get("bands") or {}) else n,
                     fmt_value(k["unit"], b["value"]), fmt_fraction({**k, **b}))
                    for n, b in [*(k.get("bands") or {}).items(),
                                 *(k.get("by_team") or {}).items()]],
            })
        groups.append({"name": group, "rows": rows})
    history = _history(report)
    return env.get_template("kpis.md.j2").render(
        banners=banners(report), title=title_line(report), groups=groups, history=history)


def _history(report: dict[str, Any]) -> dict[str, Any] | None:
    with_history = [k for k in report["kpis"] if k.get("history")]
    if not with_history:
        return None
    months = [h["month"] for h in with_history[0]["history"]]
    rows = [{"number": k["number"], "title": k["title"],
             "cells": [fmt_value(k["unit"], h["value"]) for h in k["history"]]}
            for k in sorted(with_history, key=lambda k: k["number"])]
    return {"months": months, "rows": rows}
