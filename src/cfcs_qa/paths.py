"""Where the editable resources live: the checkout's top level, or the copies a wheel ships."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def resource(name: str) -> Path:
    """Path of a top-level resource (``standards``, ``kpi_definitions.yaml``, ``templates``,
    ``sample_data``, ``reference``): the checkout's copy when running from source, else the
    copy the installed package carries."""
    shipped = _PACKAGE / "_data" / name
    if shipped.exists():
        return shipped
    return _CHECKOUT / name


def sample_data_dir() -> Path:
    return resource("sample_data")
