"""``explain`` as plain text: the figure, then one line per record with the rule that decided
it (child identifiers only, never names)."""

from __future__ import annotations

from typing import Any

from .kpi_format import SYNTHETIC_LINE

ORDER = {"met": 0, "counted": 0, "not met": 1, "not yet due": 2, "left out": 3}


def explain_text(doc: dict[str, Any]) -> str:
    lines = [SYNTHETIC_LINE] if doc.get("synthetic") else []
    value = doc.get("value")
    figure = "no figure" if value is None else f"{value:.1f}" if isinstance(value, float) \
        else str(value)
    fraction = (f" ({doc['numerator']}/{doc['denominator']})"
                if doc.get("denominator") is not None else "")
    lines.append(f"KPI {doc['number']} {doc['title']}, {doc['month']}: {figure}{fraction}, "
                 f"status {doc['status']}, {doc.get('blank_flags', 0)} blank flag(s)")
    records = sorted(doc["records"], key=lambda r: (ORDER.get(r["decision"], 9),
                                                    r["child_id"] or "", r["id"]))
    if doc.get("no_data_reason"):
        lines.append(f"  no data: {doc['no_data_reason']}")
        if doc.get("no_data_fix"):
            lines.append(f"  to fix: {doc['no_data_fix']}")
    elif not records:
        lines.append("  no records")
    for r in records:
        lines.append(f"  {r['decision']:<12} {r['id']:<14} child {r['child_id'] or '-':<10} "
                     f"{r['reason']}")
    return "\n".join(lines) + "\n"
