"""Fixtures for the new-user trial tests: run ``cfcs-qa`` in-process like a person would."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def trial_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
              tmp_path: Path) -> Callable[..., tuple[int, str, str]]:
    """trial_cli(*args): (exit code, stdout, stderr) of ``cfcs-qa ARGS`` run in tmp_path."""
    from cfcs_qa.cli.main import run

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CFCS_QA_DB", raising=False)
    monkeypatch.setenv("CFCS_QA_CACHE", str(tmp_path / ".cache"))

    def _run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["cfcs-qa", *args])
        code = 0
        try:
            run()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def one_paragraph_error(err: str) -> str:
    """The ``Error:`` paragraph of stderr; fails on a traceback or a second error."""
    assert "Traceback" not in err and "Exception ignored" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, err
    return errors[0]
