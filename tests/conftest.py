"""Shared fixtures. The PostgreSQL tests run against a real server when CFCS_QA_TEST_PG_URL is
set (``.ci/run`` starts one); CI sets CFCS_QA_REQUIRE_PG=1 so they can never skip there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get("CFCS_QA_TEST_PG_URL")
    if not url:
        if os.environ.get("CFCS_QA_REQUIRE_PG"):
            pytest.fail("CFCS_QA_REQUIRE_PG is set but CFCS_QA_TEST_PG_URL is not")
        pytest.skip("no PostgreSQL server (set CFCS_QA_TEST_PG_URL)")
    return url
