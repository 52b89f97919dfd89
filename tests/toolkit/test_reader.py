"""Write -> fill -> read round trips, grade spellings, and broken toolkits with golden error
lists (tests/golden/toolkit/broken_*.json)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cfcs_qa.sampling.toolkit_fill import fill_toolkit
from cfcs_qa.sampling.toolkit_layout import META_SHEET, SHEET
from cfcs_qa.sampling.toolkit_reader import read_toolkit

from .conftest import check_golden

Write = Callable[..., tuple[Path, str]]


def _edit(path: Path, sheet: str, cells: dict[str, Any]) -> None:
    """Change cells directly, as someone with Excel (and protection removed) could."""
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref].value = value
    wb.save(path)


def _ref(path: Path, field: str) -> str:
    result = read_toolkit(path)
    return result.input_refs[field]


@pytest.mark.parametrize(("category", "family"), [("cin", False), ("cp", True), ("cic", True)])
def test_round_trip(write: Write, category: str, family: bool) -> None:
    path, checksum = write(category=category, family_contact=family)
    answers = fill_toolkit(path, seed=7)
    result = read_toolkit(path)
    assert result.ok, [str(p) for p in result.problems]
    assert result.allocation_id == "2026-11-001" and result.checksum == checksum
    assert result.category == category and result.child_id == "C0001"
    f = result.fields
    labels = {"Outstanding": "outstanding", "Good": "good", "Inadequate": "inadequate",
              "Requires improvement to be good": "requires_improvement"}
    assert f["grade"] == labels[answers["grade"]]
    scores = {s["standard_id"]: s["score"] for s in f["scores"]}
    assert scores["5.8"] == answers["standard.5.8.score"].lower().replace(" ", "_")
    assert [q["question"] for q in f["questions"]] == ["safe", "better_off", "voice", "drift",
                                                       "oversight"]
    assert isinstance(f["completed_on"], date)
    assert (f["family"] is not None) == family


def test_reading_changes_nothing(write: Write) -> None:
    path, _ = write()
    fill_toolkit(path, seed=2)
    before = path.read_bytes()
    read_toolkit(path)
    assert path.read_bytes() == before


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_any_seeded_fill_reads_back_valid(write: Write, seed: int) -> None:
    path, _ = write(category="cp", family_contact=True)
    answers = fill_toolkit(path, seed=seed)
    result = read_toolkit(path)
    assert result.ok, [str(p) for p in result.problems]
    assert len(result.fields["actions"]) == sum(k.endswith(".what") for k in answers)
    assert result.fields["concern"]["found"] == (answers["concern.found"] == "Yes")


@pytest.mark.parametrize(("typed", "grade"), [
    ("RI", "requires_improvement"), ("Req. improvement", "requires_improvement"),
    ("Requires Improvement", "requires_improvement"),
    ("requires-improvement", "requires_improvement"),
    ("Good", "good"), ("  good ", "good"), ("outstanding", "outstanding"),
    ("Inadequate", "inadequate"), ("inad", "inadequate"),
])
def test_grade_spellings(write: Write, typed: str, grade: str) -> None:
    path, _ = write()
    fill_toolkit(path, {"grade": typed}, seed=1)
    result = read_toolkit(path)
    assert result.ok and result.fields["grade"] == grade


def test_other_spellings_and_text_dates(write: Write) -> None:
    path, _ = write()
    fill_toolkit(path, {"standard.1.1.score": "N/A", "standard.1.2.score": "partially met",
                        "standard.1.2.evidence": "x", "question.safe.judgement": "y",
                        "meeting.held": "yes", "meeting.format": "joint",
                        "meeting.attendees": "SW; TM",
                        "meeting.held_on": "18/11/2026", "completed_on": "2026-11-18"}, seed=1)
    result = read_toolkit(path)
    assert result.ok, [str(p) for p in result.problems]
    scores = {s["standard_id"]: s["score"] for s in result.fields["scores"]}
    assert scores["1.1"] == "not_applicable" and scores["1.2"] == "partly_met"
    assert result.fields["meeting"]["held_on"] == date(2026, 11, 18)


def _problems(path: Path) -> list[dict[str, Any]]:
    return [p.as_dict() for p in read_toolkit(path).problems]


def test_broken_missing_scores(write: Write) -> None:
    path, _ = write()
    fill_toolkit(path, {"standard.1.3.score": None, "standard.1.10.score": None,
                        "standard.5.2.score": None}, seed=3)
    check_golden("broken_missing_scores", _problems(path))


def test_broken_bad_grade_and_incomplete_sections(write: Write) -> None:
    path, _ = write(family_contact=True)
    fill_toolkit(path, {"grade": "Satisfactory", "rationale": None,
                        "concern.found": "Yes", "concern.identified_on": "31/02/2026",
                        "concern.told": None, "meeting.held": "No",
                        "meeting.not_held_reason": None, "family.done": "Yes",
                        "family.by_role": None, "action.1.what": "Update the chronology",
                        "action.1.owner": None, "action.1.due": "next week"}, seed=3)
    check_golden("broken_bad_grade", _problems(path))


def test_broken_evidence_missing(write: Write) -> None:
    path, _ = write()
    fill_toolkit(path, {"standard.1.4.score": "Not met", "standard.1.4.evidence": None,
                        "standard.1.5.score": "Not applicable", "standard.1.5.evidence": None,
                        "question.voice.evidence": None}, seed=3)
    check_golden("broken_evidence_missing", _problems(path))


def test_broken_text_outside_input_cells(write: Write) -> None:
    path, _ = write()
    fill_toolkit(path, seed=3)
    _edit(path, SHEET, {"H40": "note to self", "B25": "I have clearly recorded (edited)",
                        "C14": "C9999"})
    problems = _problems(path)
    check_golden("broken_text_outside_inputs", problems)
    assert read_toolkit(path).fields["grade"] is not None  # the inputs are still read


def test_broken_formula_injection(write: Write) -> None:
    path, _ = write()
    fill_toolkit(path, seed=3)
    ref = _ref(path, "standard.1.1.evidence")
    _edit(path, SHEET, {ref: '=HYPERLINK("http://example.invalid","click")',
                        _ref(path, "strengths"): "=1+1"})
    check_golden("broken_formula_injection", _problems(path))
    fields = read_toolkit(path).fields
    assert fields["scores"][0]["evidence"] is None and fields["strengths"] is None


def test_broken_tampered_checksum(write: Write) -> None:
    path, _ = write()
    fill_toolkit(path, seed=3)
    _edit(path, META_SHEET, {"B3": "0" * 64})
    result = read_toolkit(path)
    assert not result.readable and result.fields == {}
    check_golden("broken_tampered_checksum", _problems(path))


def test_broken_tampered_standard_text_in_meta(write: Write) -> None:
    path, _ = write()
    wb = load_workbook(path)
    meta = wb[META_SHEET]
    row = next(r for r in meta.iter_rows() if r[0].value == "standard" and r[1].value == "1.10")
    row[3].value = "I have done whatever I liked."
    wb.save(path)
    assert "checksum does not match" in str(read_toolkit(path).problems[0])


@pytest.mark.parametrize("case", ["not_xlsx", "no_meta", "no_allocation_id", "missing"])
def test_not_a_toolkit_is_refused(write: Write, tmp_path: Path, case: str) -> None:
    from openpyxl import Workbook

    path, _ = write()
    if case == "not_xlsx":
        path.write_text("child_id,grade\nC1,good\n")
    elif case == "no_meta":
        wb = Workbook()
        wb.active.title = SHEET
        wb.save(path)
    elif case == "no_allocation_id":
        _edit(path, META_SHEET, {"B2": None})
    else:
        path = tmp_path / "nowhere.xlsx"
    result = read_toolkit(path)
    assert not result.readable and result.problems
    check_golden(f"refused_{case}", _problems(path))
