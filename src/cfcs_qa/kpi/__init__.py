"""The KPI engine: declarative definitions (``kpi_definitions.yaml``) evaluated over a
validated extract. Entry points: ``load_definitions``, ``compute_kpis``, ``explain_kpi``."""

from .definitions import load_definitions, parse_definitions
from .engine import KpiReport, KpiResult, compute_kpis, prepare
from .explain import explain_kpi

__all__ = [
    "KpiReport",
    "KpiResult",
    "compute_kpis",
    "explain_kpi",
    "load_definitions",
    "parse_definitions",
    "prepare",
]
