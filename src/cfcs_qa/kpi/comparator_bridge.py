"""Calls into ``kpi.comparators`` (the DfE benchmark files) defensively: while that module is
absent, or when its files cannot be read, a KPI shows only its configured comparators."""

from __future__ import annotations

from typing import Any

from ..errors import UserError


def comparators_for(number: int, configured: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """File-based England comparators first, then those configured in the definitions."""
    fallback = [{"name": c["name"], "value": float(c["value"]), "source": c.get("source"),
                 "note": c.get("note")} for c in configured]
    try:
        from .comparators import comparators_for as _for
    except ImportError:
        return fallback
    try:
        return list(_for(number, configured))
    except UserError:
        raise
    except Exception:  # noqa: BLE001 - a benchmark problem must never stop the KPI run
        return fallback


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
