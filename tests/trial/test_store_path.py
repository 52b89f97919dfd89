"""A relative SQLite ``store`` in cfcs-qa.yaml is read from the config file's folder (as ``data``
is), so running with --config from another folder finds the same audit store."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfcs_qa.config import parse_settings


@pytest.mark.parametrize(("store", "expected"), [
    ("sqlite:///audit.db", "sqlite:///{base}/audit.db"),
    ("sqlite:///sub/audit.db?timeout=5", "sqlite:///{base}/sub/audit.db?timeout=5"),
    ("sqlite+pysqlite:///audit.db", "sqlite+pysqlite:///{base}/audit.db"),
    ("sqlite:////abs/audit.db", "sqlite:////abs/audit.db"),
    ("sqlite://", "sqlite://"),
    ("sqlite:///:memory:", "sqlite:///:memory:"),
    ("postgresql://u@h/db", "postgresql://u@h/db"),
])
def test_store_url(tmp_path: Path, store: str, expected: str) -> None:
    settings = parse_settings(f'store: "{store}"\n', str(tmp_path / "cfcs-qa.yaml"))
    assert settings.store_url() == expected.format(base=tmp_path)


def test_cli_finds_the_store_beside_the_config(trial_cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    config = site / "cfcs-qa.yaml"
    config.write_text('store: "sqlite:///audit.db"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, _, err = trial_cli("--config", str(config), "sample", "--as-of", "2026-11-20",
                             "--format", "json", "--size", "2", "--seed", "1")
    assert code in (0, 1), err
    assert (site / "audit.db").is_file() and not (elsewhere / "audit.db").exists()
