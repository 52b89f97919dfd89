"""Which extract a command reads, and as of which date: the few answers both the command and
``early_start`` need, without typer (``early_start`` runs before typer is imported)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import UserError


def parse_date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"{option} {text!r} is not a date. Write it as YYYY-MM-DD, e.g. {option} 2026-11-03."
        ) from None


def as_of_date(text: str | None) -> date:
    return parse_date(text, "--as-of") or date.today()


@dataclass
class DataSource:
    path: Path
    synthetic: bool


def data_source(data: Path | None, settings: Any) -> DataSource:
    """--data, else the config's data, else the bundled synthetic sample (``synthetic``)."""
    from ..paths import sample_data_dir

    if data is not None:
        return DataSource(Path(data), synthetic=False)
    configured = settings.data_path()
    if configured is not None:
        return DataSource(configured, synthetic=False)
    return DataSource(sample_data_dir(), synthetic=True)
