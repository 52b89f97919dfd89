"""``cfcs-qa validate``: exit codes, error screens and outputs (golden files under
tests/golden/validate/; CFCS_QA_UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from cfcs_qa.config import Settings
from cfcs_qa.ingest import load, validation_report
from golden_check import assert_golden

GOLDEN = Path(__file__).parent / "golden" / "validate"
AS_OF = "2026-11-26"
EXTRACT = {
    "children.csv": "child_id,date_of_birth,gender,forename\nC1,01/02/2010,male,Zebedee\n"
                    "C2,31/02/2011,female,Florence\n",
    "allocations.csv": "child_id,team,worker_id,start_date,end_date\n"
                       "C1,Team A,W1,01/01/2026,\nC2,Team B,W1,01/01/2026,\n",
    "contacts.csv": "contact_id,child_id,received_date,outcome,notes\n"
                    "K1,C1,05/01/2026,NFA,\nK2,C1,1/9/26,nfa,\nK3,C7,06/01/2026,advice,\n",
}
CLEAN = {"children.csv": "child_id,date_of_birth\nC1,01/02/2010\n"}


def make(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run cfcs-qa in-process from an empty working folder: (exit code, stdout, stderr)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("CFCS_QA_CACHE", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        from cfcs_qa.cli.main import run as main

        monkeypatch.setattr(sys, "argv", ["cfcs-qa", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out.replace(str(tmp_path), "<tmp>"), err.replace(str(tmp_path), "<tmp>")

    return run


def golden(name: str, text: str) -> None:
    assert_golden(GOLDEN / name, text)


def test_json_is_the_library_report(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = make(tmp_path / "extract", EXTRACT)
    code, out, err = cli("validate", "--data", str(data), "--as-of", AS_OF, "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc == validation_report(load(data, Settings(), dt.date(2026, 11, 26)))
    assert list(doc)[:3] == ["as_of", "valid", "synthetic"]
    assert doc["synthetic"] is False and doc["valid"] is False
    golden("report.json", out)
    assert err.startswith("Not valid: 2 error(s)")


def test_table(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = make(tmp_path / "extract", EXTRACT)
    code, out, _ = cli("validate", "--data", str(data), "--as-of", AS_OF, "--format", "table")
    assert code == 1
    golden("report.txt", out)
    code, out, _ = cli("validate", "--data", str(data), "--as-of", AS_OF, "--format", "table",
                       "--output", str(tmp_path / "dq.txt"))
    assert code == 1 and out == ""
    golden("report_file.txt", (tmp_path / "dq.txt").read_text())


def test_exit_codes_and_strict(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clean = make(tmp_path / "clean", CLEAN)
    assert cli("validate", "--data", str(clean), "--as-of", AS_OF, "--format", "json")[0] == 0
    warned = make(tmp_path / "warned", {**CLEAN, "contacts.csv":
                                        "contact_id,child_id,received_date\nK1,C9,01/01/2026\n"})
    code, out, _ = cli("validate", "--data", str(warned), "--as-of", AS_OF, "--format", "json")
    assert code == 0 and json.loads(out)["valid"] is True
    code, _, err = cli("validate", "--data", str(warned), "--as-of", AS_OF, "--format", "json",
                       "--strict")
    assert code == 1 and "--strict" in err


ERRORS = {
    "missing_data.txt": lambda t: ["--data", str(t / "nowhere")],
    "no_children.txt": lambda t: ["--data", str(make(t / "nokids", {"contacts.csv": "a\n"}))],
    "unreadable.txt": lambda t: ["--data", str(make(t / "bin", CLEAN)), "--as-of", AS_OF],
    "xlsx_without_output.txt": lambda t: ["--data", str(t), "--format", "xlsx"],
    "bad_as_of.txt": lambda t: ["--data", str(t), "--as-of", "26/11/2026"],
    "bad_format.txt": lambda t: ["--data", str(t), "--format", "pdf"],
    "unwritable_output.txt": lambda t: ["--data", str(make(t / "ok", CLEAN)), "--format",
                                        "json", "--output", str(_config(t, "") / "out.json")],
    "bad_map.txt": lambda t: ["--config", str(_config(t, "columns:\n  contacts:\n    x: Y\n")),
                              "--data", str(make(t / "ok", CLEAN))],
}


def _config(folder: Path, text: str) -> Path:
    path = folder / "cfcs-qa.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_screens(cli, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    args = ERRORS[name](tmp_path)
    if name == "unreadable.txt":
        (tmp_path / "bin" / "contacts.csv").write_bytes(b"\x00\x01\x02binary")
    code, out, err = cli("validate", *args)
    assert code == 2 and out == ""
    assert "Traceback" not in err and err.startswith("Error: ")
    golden(name, err)


def test_xlsx_by_table_and_team(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = make(tmp_path / "extract", EXTRACT)
    target = tmp_path / "dq.xlsx"
    code, out, _ = cli("validate", "--data", str(data), "--as-of", AS_OF, "--format", "xlsx",
                       "--output", str(target))
    assert code == 1 and out == ""
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Summary", "By table", "By team"]
    for ws in wb:  # headers readable as opened (LibreOffice cut "name columns dropped")
        header = next(r for r in ws.iter_rows() if r[0].value in ("table", "level", "team"))
        for cell in header:
            assert ws.column_dimensions[cell.column_letter].width > len(cell.value), cell.value
    by_team = wb["By team"]
    assert by_team.auto_filter.ref == "A1:I6"
    rows = [r for r in by_team.iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("(no current allocation)", "unknown-column", "children", 1),
        ("(no current allocation)", "unknown-column", "contacts", 1),
        ("(no current allocation)", "orphan-child", "contacts", 4),
        ("Team A", "invalid-date", "contacts", 3),
        ("Team B", "invalid-date", "children", 3),
    ]
    assert wb["By table"].auto_filter.ref == "A1:I6"
    assert rows[3][8] == "C1" and rows[4][8] == "C2"  # child ids, never names


def test_synthetic_sample_says_so_everywhere(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sample = make(tmp_path / "sample", EXTRACT)
    monkeypatch.setattr("cfcs_qa.paths.sample_data_dir", lambda: sample)
    code, out, err = cli("validate", "--as-of", AS_OF, "--format", "json")
    assert "SYNTHETIC SAMPLE DATA" in err
    doc = json.loads(out)
    assert doc["synthetic"] is True and doc["notice"].startswith("SYNTHETIC SAMPLE DATA")
    cli("validate", "--as-of", AS_OF, "--format", "table", "--output", str(tmp_path / "t.txt"))
    assert (tmp_path / "t.txt").read_text().startswith("SYNTHETIC SAMPLE DATA")
    cli("validate", "--as-of", AS_OF, "--format", "xlsx", "--output", str(tmp_path / "s.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    for ws in wb:
        assert str(ws["A1"].value).startswith("SYNTHETIC SAMPLE DATA"), ws.title


def test_cache_by_default_and_no_cache(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = make(tmp_path / "extract", CLEAN)
    cli("validate", "--data", str(data), "--as-of", AS_OF, "--format", "json", "--no-cache")
    assert not Path(".cfcs-qa-cache").exists()
    cli("validate", "--data", str(data), "--as-of", AS_OF, "--format", "json")
    assert len(list(Path(".cfcs-qa-cache").iterdir())) == 1


def test_help_imports_nothing_heavy(
        run_python: Callable[[str], subprocess.CompletedProcess[str]]) -> None:
    probe = (
        "import sys\n"
        "from cfcs_qa.cli.main import run\n"
        "for args in (['--help'], ['validate', '--help']):\n"
        "    sys.argv = ['cfcs-qa', *args]\n"
        "    try:\n        run()\n    except SystemExit:\n        pass\n"
        "heavy = [m for m in ('pandas', 'numpy', 'openpyxl', 'sqlalchemy', 'pyarrow')"
        " if m in sys.modules]\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    done = run_python(probe)
    assert "validate" in done.stdout
    assert done.stderr.strip() == "[]"
