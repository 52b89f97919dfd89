"""Reading a site's extract into typed frames plus findings (``docs/data-contract.md``)."""

from .model import Extract, TableReport

__all__ = ["Extract", "TableReport", "load"]


def load(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See :func:`cfcs_qa.ingest.loader.load`."""
    from .loader import load as _load

    return _load(*args, **kwargs)
