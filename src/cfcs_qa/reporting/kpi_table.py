"""The KPI set as rich tables for a terminal: grouped as Appendix 2, RAG in colour."""

from __future__ import annotations

from typing import Any

from .kpi_format import (
    banners,
    fmt_comparators_short,
    fmt_fraction,
    fmt_status,
    fmt_target_short,
    fmt_value,
    grouped,
    title_line,
)

RAG_STYLE = {"green": "bold green", "amber": "bold yellow", "red": "bold red"}
TRAVEL = {"improving": "▲ better", "worsening": "▼ worse", "same": "=", "up": "↑", "down": "↓"}
FOOTNOTE = ("* default target (a governance decision the site confirms). England: latest DfE "
            "figure(s); Q = quartile among English LAs, 1 = best. Names and sources: --format md "
            "or json.")


def kpi_renderables(report: dict[str, Any]) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    out: list[Any] = [Text(line, style="bold yellow") for line in banners(report)]
    out.append(Text(title_line(report), style="bold"))
    for group, members in grouped(report["kpis"]):
        table = Table(title=group, title_justify="left", expand=False, show_lines=False)
        for name, justify in (("#", "right"), ("KPI", "left"), ("Value", "right"),
                              ("n/N", "right"), ("Target", "left"), ("RAG", "left"),
                              ("Prev", "right"), ("Travel", "left"), ("England", "left")):
            table.add_column(name, justify=justify,  # type: ignore[arg-type]
                             min_width=20 if name == "KPI" else None,
                             no_wrap=name not in ("KPI", "Travel", "England"))
        for k in members:
            rag = k.get("rag")
            value = fmt_value(k["unit"], k["value"]) if k["status"] == "ok" else fmt_status(k)
            title = k["title"] + (f" ({k['blank_flags']} blank)" if k["blank_flags"] else "")
            table.add_row(
                str(k["number"]), title, value, fmt_fraction(k), fmt_target_short(k),
                Text(rag or "", style=RAG_STYLE.get(rag or "", "")),
                fmt_value(k["unit"], k.get("previous")), TRAVEL.get(k.get("direction") or "", ""),
                fmt_comparators_short(k),
            )
            for name, band in (k.get("bands") or {}).items():
                table.add_row("", f"  aged {name}", fmt_value(k["unit"], band["value"]),
                              f"{band['numerator']}/{band['denominator']}", "", "", "", "", "")
            for name, team in (k.get("by_team") or {}).items():
                table.add_row("", f"  {name}", fmt_value(k["unit"], team["value"]),
                              fmt_fraction({**k, **team}), "", "", "", "", "")
            if "completed" in k:
                table.add_row("", "  completed in month / open at month end",
                              f"{k['completed']} / {k['open_at_me']}", "", "", "", "", "", "")
        out.append(table)
    out.append(Text(FOOTNOTE, style="dim"))
    return out


def kpi_text(report: dict[str, Any], width: int = 160) -> str:
    """The same tables as plain text (for --output FILE)."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False)
    for item in kpi_renderables(report):
        console.print(item)
    return buf.getvalue()
