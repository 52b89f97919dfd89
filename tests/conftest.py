"""Shared fixtures. The PostgreSQL tests run against a real server when CFCS_QA_TEST_PG_URL is
set (``.ci/run`` starts one); CI sets CFCS_QA_REQUIRE_PG=1 so they can never skip there.

Audit-store fixtures used by several test folders:

- ``sqlite_url``: a SQLite store in the test's tmp folder;
- ``pg_schema_url``: a PostgreSQL URL whose search_path is a fresh schema, dropped after the test;
- ``store_url``: runs a test twice, on SQLite and on PostgreSQL (marked ``postgres``);
- ``run_cli``: runs ``cfcs-qa ARGS`` in-process and returns (exit code, stdout, stderr).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parent.parent

# Locally, hypothesis explores new examples on every run (and keeps failures in .hypothesis/).
# In CI (CI=true) the examples are derandomised, so a run of the same commit gives the same
# result; a bug found locally is pinned with @example before it lands.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get("CFCS_QA_TEST_PG_URL")
    if not url:
        if os.environ.get("CFCS_QA_REQUIRE_PG"):
            pytest.fail("CFCS_QA_REQUIRE_PG is set but CFCS_QA_TEST_PG_URL is not")
        pytest.skip("no PostgreSQL server (set CFCS_QA_TEST_PG_URL)")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(pg_url)
    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield base.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(
            hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str, str]]:
    """run_cli(*args) runs ``cfcs-qa ARGS`` in-process: (exit code, stdout, stderr)."""
    from cfcs_qa.cli.main import run

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


@pytest.fixture
def run_python() -> Callable[[str], subprocess.CompletedProcess[str]]:
    """run_python(code): ``python -c code`` in a fresh interpreter (what a command does at
    start-up, untouched by what the test session has imported); fails the test if it fails."""

    def _run(code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True)

    return _run
