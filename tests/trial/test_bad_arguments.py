"""Bad --month / --as-of: exactly one paragraph on stderr (no synthetic-data banner before it),
exit 2, whichever command the user typed."""

from __future__ import annotations

import pytest

from .conftest import one_paragraph_error

CASES = [
    (["kpis", "--month", "2026-13"], "--month '2026-13' is not a month"),
    (["explain", "7", "--month", "2026-13"], "--month '2026-13' is not a month"),
    (["kpis", "--as-of", "31/10/2026"], "--as-of '31/10/2026' is not a date"),
    (["explain", "7", "--as-of", "31/10/2026"], "--as-of '31/10/2026' is not a date"),
    (["validate", "--as-of", "31/10/2026"], "--as-of '31/10/2026' is not a date"),
    (["sample", "--month", "2026-13"], "--month '2026-13' is not a month"),
    (["calendar", "--month", "2026-13"], "--month '2026-13' is not a month"),
]


@pytest.mark.parametrize(("args", "needle"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_one_paragraph_and_exit_2(trial_cli, args: list[str], needle: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = trial_cli(*args)
    assert code == 2 and out == ""
    assert needle in one_paragraph_error(err)
    assert len(err.strip().splitlines()) == 1, err  # nothing else, not even the banner


def test_with_ids_outside_json_says_where_the_ids_are(trial_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = trial_cli("kpis", "--as-of", "2026-11-20", "--format", "csv", "--with-ids")
    assert code == 0 and out.strip()
    assert "--with-ids adds the ids to JSON only" in " ".join(err.split())
    code, out, err = trial_cli("kpis", "--as-of", "2026-11-20", "--format", "json",
                               "--with-ids")
    assert code == 0 and '"ids"' in out and "--with-ids adds" not in err
