"""What people read from `cfcs-qa calendar`, compared with golden files
(CFCS_QA_UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cfcs_qa.audit.cycle_dates import cycle_dates
from cfcs_qa.audit.ics import cycle_ics
from cfcs_qa.calendar import make_calendar
from cfcs_qa.cli.main import app
from golden_check import assert_golden

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "calendar"


def _check(name: str, text: str) -> None:
    assert_golden(GOLDEN / name, text)


@pytest.mark.parametrize("month, fmt", [("2026-11", "table"), ("2026-12", "table"),
                                        ("2026-12", "json")])
def test_calendar_output_matches_golden(month: str, fmt: str, tmp_path: Path,
                                        monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no site config
    result = CliRunner().invoke(app, ["calendar", "--month", month, "--format", fmt])
    assert result.exit_code == 0, result.output
    _check(f"{month}.{'txt' if fmt == 'table' else fmt}", result.stdout)


def test_ics_matches_golden() -> None:
    text = cycle_ics(cycle_dates(make_calendar(), 2026, 12),
                     datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    _check("2026-12.ics", text)
