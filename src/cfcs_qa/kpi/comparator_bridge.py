"""Calls into ``kpi.comparators`` (the DfE benchmark files) defensively: while that module is
absent, or when its files cannot be read, a KPI simply has no file-based comparators."""

from __future__ import annotations

from typing import Any


def comparators_for(number: int) -> list[dict[str, Any]]:
    try:
        from .comparators import comparators_for as _for
    except ImportError:
        return []
    try:
        return list(_for(number))
    except Exception:  # noqa: BLE001 - a benchmark problem must never stop the KPI run
        return []


def quartile_for(number: int, value: float | None) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        from .comparators import quartile as _quartile
    except ImportError:
        return None
    try:
        return _quartile(number, value)
    except Exception:  # noqa: BLE001 - as above
        return None
