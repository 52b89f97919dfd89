"""A site's cfcs-qa.yaml that names a table's file or sheet wrongly stops the run (exit 2) with
the name it looked for and the nearest real one, instead of dropping the table silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import one_paragraph_error

CHILDREN = "child_id,date_of_birth\nC1,01/02/2010\n"
CONTACTS = "contact_id,child_id,received_date,outcome\nK1,C1,05/01/2026,nfa\n"


def _config(folder: Path, tables: dict[str, str]) -> Path:
    lines = ["tables:"] + [f'  {t}: "{name}"' for t, name in tables.items()]
    path = folder / "site.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_folder_file_named_wrongly(trial_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "extract"
    data.mkdir()
    (data / "Child Details.csv").write_text(CHILDREN)
    (data / "MASH Contacts Report.csv").write_text(CONTACTS)
    config = _config(tmp_path, {"children": "Child Details.csv",
                                "contacts": "MASH Contact Report.csv"})
    code, _, err = trial_cli("--config", str(config), "validate", "--data", str(data),
                             "--as-of", "2026-11-20", "--format", "json")
    assert code == 2
    line = one_paragraph_error(err)
    assert "'MASH Contact Report.csv' for the contacts table" in line
    assert "did you mean 'MASH Contacts Report.csv'" in line and "site.yaml" in line


def test_correct_names_still_load(trial_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "extract"
    data.mkdir()
    (data / "Child Details.csv").write_text(CHILDREN)
    (data / "MASH Contacts Report.csv").write_text(CONTACTS)
    config = _config(tmp_path, {"children": "Child Details.csv",
                                "contacts": "mash contacts report"})  # matched like a header
    code, out, err = trial_cli("--config", str(config), "validate", "--data", str(data),
                               "--as-of", "2026-11-20", "--format", "json")
    assert code == 0, err
    assert '"contacts"' in out


def test_workbook_sheet_named_wrongly(trial_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Child Details"
    ws.append(["child_id", "date_of_birth"])
    ws.append(["C1", "01/02/2010"])
    wb.create_sheet("Statutory Visits").append(["visit_id", "child_id", "visit_date",
                                                "visit_type"])
    path = tmp_path / "mosaic.xlsx"
    wb.save(path)
    config = _config(tmp_path, {"children": "Child Details", "visits": "Statutory visit"})
    code, _, err = trial_cli("--config", str(config), "validate", "--data", str(path),
                             "--as-of", "2026-11-20")
    assert code == 2
    assert "did you mean 'Statutory Visits'" in one_paragraph_error(err)


@pytest.mark.parametrize(("name", "hint"), [
    ("children.csv", "give its folder: --data "),
    ("extract.xls", "save it as an Excel Workbook (.xlsx)"),
])
def test_data_pointing_at_a_file_says_what_to_give(trial_cli, tmp_path: Path, name: str,  # type: ignore[no-untyped-def]
                                                   hint: str) -> None:
    (tmp_path / name).write_text(CHILDREN)
    code, _, err = trial_cli("validate", "--data", str(tmp_path / name), "--as-of", "2026-11-20")
    assert code == 2
    assert hint in one_paragraph_error(err)


def test_title_rows_without_header_rows_point_at_the_setting(trial_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "extract"
    data.mkdir()
    (data / "children.csv").write_text("Child Details - MOSAIC\r\nRun on 20/11/2026\r\n\r\n"
                                       + CHILDREN.replace("\n", "\r\n"))
    code, _, err = trial_cli("validate", "--data", str(data), "--as-of", "2026-11-20")
    assert code == 2
    assert "'header_rows: children:'" in one_paragraph_error(err)
    (tmp_path / "cfcs-qa.yaml").write_text("header_rows:\n  children: 3\n")
    code, _, err = trial_cli("validate", "--data", str(data), "--as-of", "2026-11-20",
                             "--format", "json")
    assert code == 0, err


def test_bad_setting_shows_what_the_file_has(trial_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cfcs-qa.yaml").write_text("audit:\n  monthly_target: ten\nfoo: 1\n")
    code, _, err = trial_cli("calendar", "--as-of", "2026-11-20")
    assert code == 2 and "Traceback" not in err
    assert "audit.monthly_target" in err and "(the file has 'ten')" in err
    assert "foo: not a setting cfcs-qa knows" in err
    assert "'Pointing it at your own extract'" in err  # the README section's real title
