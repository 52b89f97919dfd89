"""RAG status and direction of travel, on unrounded values."""

from __future__ import annotations

from .model import KpiDef

_EPS = 1e-9


def rag(k: KpiDef, value: float | None, denominator: int | None, tolerance: float,
        min_denominator: int) -> str | None:
    """green when the target is met in the KPI's direction, amber within ``tolerance`` (in the
    KPI's unit), red beyond; None without a value, a target or a fair denominator."""
    if value is None or k.target is None or k.polarity == "context":
        return None
    if k.unit != "count" and denominator is not None and denominator < min_denominator:
        return None
    target = k.target.value
    gap = (target - value) if k.polarity == "higher_is_better" else (value - target)
    if gap <= _EPS:
        return "green"
    if gap <= tolerance + _EPS:
        return "amber"
    return "red"


def direction(k: KpiDef, value: float | None, previous: float | None) -> str | None:
    """improving / worsening / same for KPIs with a polarity, up / down / same for context."""
    if value is None or previous is None:
        return None
    diff = value - previous
    if abs(diff) <= _EPS:
        return "same"
    if k.polarity == "context":
        return "up" if diff > 0 else "down"
    better = diff > 0 if k.polarity == "higher_is_better" else diff < 0
    return "improving" if better else "worsening"
