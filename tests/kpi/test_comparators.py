"""England comparators and LA quartiles read from the shipped DfE files (reference/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfcs_qa.errors import ConfigError, UserError
from cfcs_qa.kpi import comparators, dfe_files
from cfcs_qa.kpi.comparators import ATTRIBUTION, comparators_for, quartile
from cfcs_qa.paths import resource

# The figures the spec (docs/kpis.md) quotes for England, latest DfE year (2025).
PUBLISHED = {
    1: [("England 2025", 22.6)],
    2: [("England 2025", 31.3)],
    3: [("England 2025 (second or subsequent plan ever — not the same measure)", 24.5)],
    4: [("England 2025", 2.3)],
    17: [("England 2025", 81.4)],
    21: [("England 2025", 10.0)],
    28: [("England 2025 (aged 17–18)", 64.0), ("England 2025 (aged 19–21)", 54.0)],
}
MARKERS = ["c", "x", "z", "low", "u", "k", ":"]


@pytest.fixture
def fake_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A benchmarks folder of our own; the real files' caches are cleared on both sides."""
    comparators.clear_cache()
    monkeypatch.setattr(dfe_files, "benchmarks_dir", lambda: tmp_path)
    yield tmp_path
    comparators.clear_cache()


@pytest.mark.parametrize("number", sorted(PUBLISHED))
def test_england_figures_computed_from_the_files_match_the_published_ones(number: int) -> None:
    found = comparators_for(number)
    assert [(c["name"], c["value"]) for c in found] == PUBLISHED[number]
    for comparator in found:
        assert set(comparator) == {"name", "value", "source", "note"}
        assert comparator["source"].startswith("DfE Children ")
        assert "2025" in comparator["source"]


def test_sources_and_notes_say_what_the_figures_are() -> None:
    assert comparators_for(1)[0]["source"] == "DfE Children in need 2025, table C1"
    assert comparators_for(17)[0]["source"] == "DfE Children in need 2025, table C4"
    assert "2 years" in comparators_for(3)[0]["note"]
    (rate,) = comparators_for(14)
    assert rate["value"] == 67.0 and "10,000" in rate["name"] and "count" in rate["note"]
    assert quartile(14, 50.0) is None  # KPI 14 is a count: no ranking against LA rates


def test_results_are_fresh_copies_so_callers_cannot_corrupt_the_cache() -> None:
    comparators_for(1)[0]["value"] = -1
    assert comparators_for(1)[0]["value"] == 22.6


def test_configured_comparators_come_after_the_file_ones_in_order() -> None:
    extra = [
        {"name": "England 2024", "value": 85.7, "source": "DfE CIN 2024, table C2"},
        {"name": "Wales 2024", "value": 80, "source": "StatsWales", "note": "approximate"},
    ]
    assert comparators_for(30, extra) == [
        {"name": "England 2024", "value": 85.7, "source": "DfE CIN 2024, table C2", "note": None},
        {"name": "Wales 2024", "value": 80.0, "source": "StatsWales", "note": "approximate"},
    ]
    assert [c["name"] for c in comparators_for(1, extra[:1])] == ["England 2025", "England 2024"]


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "England", "source": "DfE"},
        {"name": "E", "value": "85", "source": "DfE"},
        {"name": "E", "value": True, "source": "DfE"},
        {"value": 1.0, "source": "DfE"},
    ],
)
def test_an_incomplete_configured_comparator_is_a_config_error(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match="KPI 24"):
        comparators_for(24, [bad])


@pytest.mark.parametrize("number", [0, 5, 12, 30, 31, 99, -1])
def test_kpis_without_a_dfe_file_have_no_comparator_or_quartile(number: int) -> None:
    assert comparators_for(number) == []
    assert quartile(number, 20.0) is None


def test_a_missing_value_has_no_quartile() -> None:
    assert quartile(1, None) is None
    assert quartile(1, float("nan")) is None


def test_quartile_direction_follows_the_kpi() -> None:
    assert quartile(1, 0.0)["quartile"] == 1  # type: ignore[index]
    assert quartile(1, 95.0)["quartile"] == 4  # type: ignore[index]
    late = quartile(17, 5.0)
    assert late is not None and late["quartile"] == 4 and late["direction"] == "higher_is_better"
    assert quartile(17, 100.0)["quartile"] == 1  # type: ignore[index]
    assert quartile(21, 0.0)["direction"] == "lower_is_better"  # type: ignore[index]
    assert quartile(28, 100.0)["quartile"] == 1  # type: ignore[index]
    assert quartile(28, 100.0, band="19-21") is None  # bands are comparators only
    context = quartile(2, 0.0)
    assert context is not None and context["direction"] == "context"
    assert context["quartile"] == 1 and "Context" in context["note"]


def test_quartile_boundaries_and_count_match_an_independent_reading_of_c1() -> None:
    path = resource("reference") / "dfe-benchmarks" / comparators.C1
    frame = pd.read_csv(
        path,
        usecols=["time_period", "geographic_level", "rereferral_percent"],
        dtype=str,
        keep_default_na=False,
    )
    latest = frame[(frame.time_period == frame.time_period.max())]
    values = pd.to_numeric(
        latest.loc[latest.geographic_level == "Local authority", "rereferral_percent"],
        errors="coerce",
    ).dropna()
    found = quartile(1, 22.6)
    assert found is not None
    assert found["of"] == len(values) == 153
    assert found["year"] == "2025"
    expected = [round(values.quantile(q), 2) for q in (0.25, 0.5, 0.75)]
    assert found["boundaries"] == expected
    q1, median, q3 = expected
    assert quartile(1, q1)["quartile"] == 1  # type: ignore[index]  # boundary: better side
    assert quartile(1, median + 0.01)["quartile"] == 3  # type: ignore[index]


@given(st.floats(0, 100), st.floats(0, 100))
def test_quartiles_are_monotone_in_the_value(a: float, b: float) -> None:
    low, high = sorted([a, b])
    assert quartile(1, low)["quartile"] <= quartile(1, high)["quartile"]  # type: ignore[index]
    assert quartile(17, low)["quartile"] >= quartile(17, high)["quartile"]  # type: ignore[index]


@pytest.mark.parametrize("marker", MARKERS + ["", " ", "C", "n/a"])
def test_suppression_markers_are_not_numbers(marker: str) -> None:
    assert dfe_files.number(marker) is None
    assert dfe_files.number("12.5") == 12.5 and dfe_files.number("1,130") == 1130


def test_academic_year_periods_are_named_by_the_year_they_end() -> None:
    assert dfe_files.year_label("202425") == "2025"
    assert dfe_files.year_label("2025") == "2025"


def test_quirky_file_bom_swapped_columns_quotes_and_suppression(fake_reference: Path) -> None:
    header = (
        "\ufefftime_period,time_identifier,geographic_level,country_name,la_name,new_la_code,"
        "rereferral_percent,referral_count\n"
    )
    rows = ['2024,Reporting year,National,England,"","",99.9,1\n']  # older year: ignored
    rows.append('2025,Reporting year,National,England,"","",21.5,1\n')
    rows.append('2025,Reporting year,Regional,England,"","",1.0,1\n')  # not an LA
    rows += [
        f"2025,Reporting year,Local authority,England,LA {m},E{i},{m},1\n"
        for i, m in enumerate(MARKERS)
    ]
    rows += [
        f"2025,Reporting year,Local authority,England,LA {v},F{v},{v},1\n"
        for v in (10, 20, 30, 40, 50)
    ]
    (fake_reference / comparators.C1).write_text(header + "".join(rows), encoding="utf-8")

    assert [(c["name"], c["value"]) for c in comparators_for(1)] == [("England 2025", 21.5)]
    found = quartile(1, 25.0)
    assert found is not None
    assert found["of"] == 5  # the seven suppressed LAs and the region are left out
    assert found["boundaries"] == [20.0, 30.0, 40.0]
    assert found["quartile"] == 2


def test_a_missing_file_is_a_user_error_naming_it(fake_reference: Path) -> None:
    with pytest.raises(UserError, match="d5_cpps"):
        comparators_for(4)


def test_attribution_and_licence_ship_with_the_files() -> None:
    assert ATTRIBUTION == (
        "Contains public sector information licensed under the Open Government Licence v3.0."
    )
    folder = resource("reference") / "dfe-benchmarks"
    assert ATTRIBUTION in (folder / "LICENCE.md").read_text(encoding="utf-8")
    for measure in comparators.MEASURES:
        assert (folder / measure.file).is_file()
