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
    """Begin, in the background, the hashing a cached ``load`` of ``path`` will need, and the
    reading of its largest CSV file unless the cache will answer (``early_read``). Call it
    before importing pandas: both then run beside the imports. Never raises."""
    import contextlib

    from .cache import answers, hash_soon
    from .sources import locate

    path = Path(path)
    with contextlib.suppress(Exception):
        if not path.is_dir():  # a workbook: its key needs the sheet names, read with it
            if cache_dir is not None:
                hash_soon([path])
            return
        layout = locate(path, settings)
        if cache_dir is not None:
            hash_soon(sorted({loc.path for loc in layout.tables.values()}))
        from . import early_read  # imports numpy and pyarrow here, not in its thread

        if cache_dir is None:
            early_read.start(layout, settings)
        else:
            root = Path(cache_dir)
            early_read.start(layout, settings,
                             lambda: not answers(root, layout, settings, as_of, synthetic))
