"""`cfcs-qa sample-data`: writes, refuses to overwrite other people's folders, checks its
options."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cfcs_qa.cli.main import app
from cfcs_qa.errors import UserError


def _run(*args: str):  # noqa: ANN202 - click Result
    return CliRunner().invoke(app, ["sample-data", *args])


def test_writes_a_small_clean_extract(tmp_path: Path) -> None:
    out = tmp_path / "d"
    result = _run("--output-dir", str(out), "--children", "300", "--months", "12", "--clean")
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC SAMPLE DATA" in result.stdout
    assert "deliberate" not in result.stdout
    assert (out / "_SYNTHETIC").read_text("utf-8").splitlines()[-1] == "clean: true"
    assert "None: generated with `--clean`." in (out / "README.md").read_text("utf-8")
    assert not list(out.glob(".*.tmp"))  # atomic writes leave nothing behind


def test_rewrites_a_previous_output_but_not_another_folder(tmp_path: Path) -> None:
    out = tmp_path / "d"
    assert _run("--output-dir", str(out), "--children", "200", "--months", "6").exit_code == 0
    again = _run("--output-dir", str(out), "--children", "200", "--months", "6", "--seed", "3")
    assert again.exit_code == 0, again.output

    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    refused = _run("--output-dir", str(other), "--children", "200", "--months", "6")
    assert isinstance(refused.exception, UserError)
    assert "--force" in refused.exception.message
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]
    forced = _run("--output-dir", str(other), "--children", "200", "--months", "6", "--force")
    assert forced.exit_code == 0, forced.output
    assert (other / "notes.txt").read_text() == "keep me"
    assert (other / "children.csv").is_file()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--anchor", "20/11/2026"], "--anchor"),
        (["--children", "10"], "--children"),
        (["--months", "0"], "--months"),
        (["--seed", "-1"], "--seed"),
    ],
)
def test_bad_options_are_user_errors(tmp_path: Path, args: list[str], words: str) -> None:
    result = _run("--output-dir", str(tmp_path / "d"), *args)
    assert isinstance(result.exception, UserError)
    assert words in result.exception.message
    assert not (tmp_path / "d").exists()


def test_output_dir_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file.csv"
    target.write_text("x")
    result = _run("--output-dir", str(target))
    assert isinstance(result.exception, UserError)
    assert target.read_text() == "x"
