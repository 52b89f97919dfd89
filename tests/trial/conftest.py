"""Fixtures for the new-user trial tests: run ``cfcs-qa`` in-process like a person would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def trial_cli(run_cli: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch,
              tmp_path: Path) -> Callable[..., tuple[int, str, str]]:
    """trial_cli(*args): (exit code, stdout, stderr) of ``cfcs-qa ARGS`` run in tmp_path, with
    no store URL from the environment and a cache of its own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CFCS_QA_DB", raising=False)
    monkeypatch.setenv("CFCS_QA_CACHE", str(tmp_path / ".cache"))
    return run_cli


def one_paragraph_error(err: str) -> str:
    """The ``Error:`` paragraph of stderr; fails on a traceback or a second error."""
    assert "Traceback" not in err and "Exception ignored" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, err
    return errors[0]
