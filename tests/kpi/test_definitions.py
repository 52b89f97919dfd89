"""kpi_definitions.yaml: the bundled file, line-numbered errors (golden), site files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cfcs_qa.config import Settings
from cfcs_qa.kpi import compute_kpis, load_definitions, parse_definitions
from cfcs_qa.kpi.definitions import DefinitionsError
from cfcs_qa.kpi.model import GROUPS
from golden_check import assert_golden

from .builders import extract

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "kpi"

DEFAULT_TARGETS = {1: 20, 3: 10, 4: 2, 5: 95, 6: 90, 7: 95, 15: 20, 16: 95, 17: 90, 18: 95,
                   21: 10, 22: 15, 23: 90, 24: 80, 25: 90, 26: 95, 28: 60, 29: 95, 30: 90,
                   31: 75}


def test_bundled_definitions_match_kpis_md() -> None:
    kset = load_definitions()
    assert [k.number for k in kset.kpis] == list(range(1, 32))
    assert {k.group for k in kset.kpis} == set(GROUPS)
    for k in kset.kpis:
        if k.number in DEFAULT_TARGETS:
            assert k.target is not None and k.target.value == DEFAULT_TARGETS[k.number]
            assert k.target.default
        else:
            assert k.target is None
    context = {k.number for k in kset.kpis if k.polarity == "context"}
    assert context == {2, 8, 9, 10, 11, 12, 13, 14, 19, 20}
    assert {k.number for k in kset.kpis if not k.team_split} == {8, 19, 20, 27}
    assert (kset.defaults.tolerance, kset.defaults.min_denominator) == (5, 5)


HEAD = """version: 1
kpis:
  - number: 1
    id: sample
    title: Sample
    group: Safeguarding and Children in Need
    unit: percent
"""

BROKEN = {
    "bad_yaml": "version: 1\nkpis:\n  - number: 1\n   id: x\n",
    "structure": HEAD + """    polarity: sideways
    kind: event
    requires: [referrals]
    source: referrals
    period: {type: in_month, date: referral_date}
    numerator: [{field: decision_date, op: not_null}]
    colour: blue
""",
    "direction": HEAD + """    polarity: higher_is_better
    kind: event
    requires: [referrals]
    source: referrals
    period: {type: in_month, date: referral_date}
    numerator: [{field: decision_date, op: not_null}]
    target: {value: 90, direction: at_most}
""",
    "meaning": HEAD + """    polarity: context
    kind: event
    requires: [referals]
    source: referrals
    period: {type: in_month, date: referal_date}
    derived:
      - {name: wd, fn: working_days_between, args: {start: referral_date, end: $MONTH}}
      - {name: magic, fn: crystal_ball}
    population:
      - {field: outcome, op: eq, value: icpc}
      - {field: referral_date, op: in, value: $ME}
    numerator:
      - {field: wd, op: le}
    target: {value: 150}
""",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_errors_name_the_line(name: str) -> None:
    with pytest.raises(DefinitionsError) as info:
        parse_definitions(BROKEN[name], "kpi_definitions.yaml")
    text = info.value.message + "\n"
    assert_golden(GOLDEN / f"{name}.txt", text)
    for line in info.value.problems:
        assert line.startswith("kpi_definitions.yaml:")


def test_site_file_extends_bundled_with_its_own_kpi(tmp_path: Path) -> None:
    site = tmp_path / "our_kpis.yaml"
    site.write_text("""extends: bundled
kpis:
  - number: 32
    id: referrals_from_schools
    title: Referrals from schools
    group: Safeguarding and Children in Need
    unit: count
    polarity: context
    kind: event
    requires: [referrals]
    source: referrals
    period: {type: in_month, date: referral_date}
    population: [{field: source, op: eq, value: School}]
""", encoding="utf-8")
    settings = Settings(kpi_definitions=str(site))
    kset = load_definitions(settings)
    assert [k.number for k in kset.kpis][-2:] == [31, 32]
    ex = extract(date(2026, 6, 10), referrals=[
        {"referral_id": "R1", "child_id": "C1", "referral_date": "2026-05-02", "source": "school"},
        {"referral_id": "R2", "child_id": "C1", "referral_date": "2026-05-02", "source": "police"}])
    report = compute_kpis(ex, settings, date(2026, 5, 1), kset=kset)
    assert report.kpis[-1].value == 1


def test_missing_site_file_is_a_user_error(tmp_path: Path) -> None:
    from cfcs_qa.errors import ConfigError

    with pytest.raises(ConfigError, match="Could not read the KPI definitions file"):
        load_definitions(Settings(kpi_definitions=str(tmp_path / "nope.yaml")))
