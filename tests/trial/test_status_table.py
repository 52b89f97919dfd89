"""audits status (table): the year's expected audits read as a person writes them (125, not
125.0)."""

from __future__ import annotations

import re

from tests.audit_review.conftest import build_october


def test_expected_to_date_has_no_trailing_zero(trial_cli, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    build_october(sqlite_url)
    code, out, err = trial_cli("audits", "status", "--month", "2026-12", "--as-of", "2026-12-31",
                               "--db", sqlite_url, "--format", "table")
    assert code == 0, err
    found = re.search(r"expected by now: ([0-9.]+)\)", " ".join(out.split()))
    assert found is not None, out
    assert found.group(1) == "125"
