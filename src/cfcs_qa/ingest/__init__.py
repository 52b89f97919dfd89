"""Reading a site's extract into typed frames plus findings (``docs/data-contract.md``).

Importing this package stays light (no pandas): ``load`` defers to ``ingest.loader``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import default_cache_dir
from .model import Extract, KeptFrames, TableReport
from .report import finding_places, validation_report

if TYPE_CHECKING:
    from ..config import Settings

__all__ = [
    "Extract",
    "KeptFrames",
    "TableReport",
    "default_cache_dir",
    "finding_places",
    "load",
    "prefetch",
    "validation_report",
]


def load(
    path: Path,
    settings: Settings,
    as_of: date,
    *,
    synthetic: bool = False,
    cache_dir: Path | None = None,
    order_columns: Mapping[str, Collection[str]] | None = None,
    keep: KeptFrames | None = None,
) -> Extract:
    """See :func:`cfcs_qa.ingest.loader.load`."""
    from .loader import load as _load

    return _load(path, settings, as_of, synthetic=synthetic, cache_dir=cache_dir,
                 order_columns=order_columns, keep=keep)


def prefetch(path: Path, settings: Settings, as_of: date, *, synthetic: bool = False,
             cache_dir: Path | None = None) -> None:
    """Begin, in the background, the hashing a cached ``load`` of ``path`` will need. Call it
    before importing pandas: the hashing then runs beside the imports. Never raises."""
    if cache_dir is not None:
        from .cache import prefetch as _prefetch

        _prefetch(Path(path), settings, as_of, synthetic, Path(cache_dir))
