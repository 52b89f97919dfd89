"""The practice standards: string ids, the sections each category scores, line-aware errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfcs_qa.errors import UserError
from cfcs_qa.sampling.standards import Standard, load_guide, load_standards, standards_for


def _sections(chosen: list[Standard]) -> set[str]:
    return {s.id.split(".")[0] for s in chosen}


def test_ids_are_strings_and_1_10_is_not_1_1(standards: list[Standard]) -> None:
    ids = [s.id for s in standards]
    assert all(isinstance(i, str) for i in ids)
    assert len(ids) == len(set(ids)) == 77
    assert "1.10" in ids and "1.1" in ids
    by_id = {s.id: s for s in standards}
    assert by_id["1.10"].text.startswith("I have held a Child in Need Planning meeting")
    assert by_id["1.1"].text.startswith("I have clearly recorded the reasons")
    # numeric order, not text order: 1.9 before 1.10, 1.20 last in its section
    section1 = [s.id for s in standards if s.id.startswith("1.")]
    assert section1[8:11] == ["1.9", "1.10", "1.11"] and section1[-1] == "1.20"


def test_text_is_plain(standards: list[Standard]) -> None:
    assert not [s.id for s in standards if "<" in s.text or ">" in s.text]
    icpc = next(s for s in standards if s.id == "2.12")
    assert icpc.heading == "Initial Child Protection Conference (ICPC)"
    assert icpc.section == "2.0 Child Protection Enquiries"


@pytest.mark.parametrize(("category", "sections", "count"), [
    ("cin", {"1", "5"}, 28), ("cp", {"2", "3", "5"}, 35), ("cic", {"4", "5"}, 30),
    ("care_leaver", {"4", "5"}, 30), ("assessment", {"1", "2", "5"}, 41), ("cds", {"1", "5"}, 28),
])
def test_categories(standards: list[Standard], category: str, sections: set[str],
                    count: int) -> None:
    chosen = standards_for(category, standards)
    assert _sections(chosen) == sections
    assert len(chosen) == count


def test_unknown_category_is_a_user_error(standards: list[Standard]) -> None:
    with pytest.raises(UserError, match="'youth_justice'.*Known categories: assessment"):
        standards_for("youth_justice", standards)


def test_unquoted_id_is_refused_with_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "9-extra.yaml"
    f.write_text('section: "9.0 Extra"\nstandards:\n  - id: "9.1"\n    text: A\n'
                 "    applies_to: [cin]\n  - id: 9.10\n    text: B\n    applies_to: [cin]\n")
    with pytest.raises(UserError) as err:
        load_standards(tmp_path)
    assert "9-extra.yaml:6: standards.1.id" in err.value.message
    assert "must be quoted" in err.value.message


def test_duplicate_and_missing_fields(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text('section: "9.0 X"\nstandards:\n  - id: "9.1"\n    text: A\n'
                 "    applies_to: [cin]\n  - id: \"9.1\"\n    text: B\n    applies_to: [cin]\n")
    with pytest.raises(UserError, match=r"a.yaml:6: standard 9.1 is defined twice"):
        load_standards(tmp_path)
    f.write_text('section: "9.0 X"\nstandards:\n  - id: "9.1"\n    applies_to: [CIN]\n')
    with pytest.raises(UserError) as err:
        load_standards(tmp_path)
    assert "a.yaml:3: standards.0.text: Field required" in err.value.message
    assert "a.yaml:4: standards.0.applies_to" in err.value.message


def test_guide_has_five_key_questions_and_four_grades() -> None:
    guide = load_guide()
    assert [q.id for q in guide.key_questions] == ["safe", "better_off", "voice", "drift",
                                                    "oversight"]
    assert [g.id for g in guide.grades] == ["outstanding", "good", "requires_improvement",
                                            "inadequate"]
    assert len(guide.indicators_of_good) >= 5
