"""explain shows a count KPI as a whole number, as `kpis` does (cli.md: counts are integers)."""

from __future__ import annotations

import json


def test_count_kpi_value_is_an_integer(trial_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = trial_cli("explain", "13", "--as-of", "2026-11-20", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert isinstance(doc["value"], int) and doc["value"] == doc["numerator"]
    code, out, _ = trial_cli("explain", "13", "--as-of", "2026-11-20", "--format", "table")
    assert f": {doc['value']}, status" in out
