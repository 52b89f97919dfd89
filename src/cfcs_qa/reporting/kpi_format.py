"""Plain formatting shared by the KPI renderers: values as people read them (percentages to
one decimal place), RAG and direction words, comparators in one line, Appendix 2 grouping."""

from __future__ import annotations

from typing import Any

GROUP_ORDER = (
    "Safeguarding and Children in Need",
    "Looked After Children",
    "Fostering",
    "Care Leavers",
    "LDD and SEN",
)
ARROWS = {"improving": "▲ improving", "worsening": "▼ worsening", "same": "= same",
          "up": "↑ up", "down": "↓ down"}
SYNTHETIC_LINE = "SYNTHETIC SAMPLE DATA: no real child is described."


def fmt_value(unit: str, value: float | int | None) -> str:
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rate_per_10000":
        return f"{value:.1f}"
    return f"{int(value)}"


def fmt_target(k: dict[str, Any]) -> str:
    if k.get("target") is None:
        return ""
    sign = "≥" if k["polarity"] == "higher_is_better" else "≤"
    text = f"{sign} {fmt_value(k['unit'], k['target'])}"
    return text + (" (default)" if k.get("target_is_default") else "")


def fmt_fraction(k: dict[str, Any]) -> str:
    if k["unit"] == "count" or k.get("numerator") is None:
        return ""
    return f"{k['numerator']}/{k['denominator']}"


def fmt_status(k: dict[str, Any]) -> str:
    return {"no_cases": "no cases", "no_data": "no data"}.get(k["status"], "")


def fmt_target_short(k: dict[str, Any]) -> str:
    if k.get("target") is None:
        return ""
    sign = "≥" if k["polarity"] == "higher_is_better" else "≤"
    star = "*" if k.get("target_is_default") else ""
    return f"{sign}{fmt_value(k['unit'], k['target'])}{star}"


def fmt_comparators_short(k: dict[str, Any]) -> str:
    """Values only (names are in the JSON, CSV and Markdown), plus the quartile."""
    parts = [f"{c['value']:g} per 10k" if "per 10,000" in c["name"] else
             fmt_value(k["unit"], c["value"]) for c in k.get("comparators", [])]
    text = " / ".join(parts)
    q = k.get("quartile")
    if q:
        text += f" Q{q['quartile']}/{q['of']}"
    return text


def fmt_comparators(k: dict[str, Any]) -> str:
    parts = [f"{c['name']} {fmt_value(k['unit'], c['value'])}" for c in k.get("comparators", [])]
    q = k.get("quartile")
    if q:
        parts.append(f"quartile {q['quartile']} of {q['of']} LAs")
    return "; ".join(parts)


def grouped(kpis: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """KPIs under their Appendix 2 group headings, in the Appendix's order."""
    out = []
    for group in GROUP_ORDER + tuple(sorted({k["group"] for k in kpis} - set(GROUP_ORDER))):
        members = sorted((k for k in kpis if k["group"] == group), key=lambda k: k["number"])
        if members:
            out.append((group, members))
    return out


def banners(report: dict[str, Any]) -> list[str]:
    lines = []
    if report.get("synthetic"):
        lines.append(SYNTHETIC_LINE)
    if report.get("provisional"):
        lines.append(f"PROVISIONAL: {report['month']} ends after the extract date "
                     f"({report['as_of']}); figures will change as records are completed.")
    return lines


def title_line(report: dict[str, Any]) -> str:
    period = "rolling 12 months ending" if report["period"] == "r12" else "month"
    return f"KPIs for {period} {report['month']} (extract date {report['as_of']})"
