"""Golden files: what people read (screens, error lists, Markdown) compared byte for byte.

``assert_golden(path, text)`` fails when the text differs or the file is missing;
``CFCS_QA_UPDATE_GOLDEN=1`` rewrites the file instead (review the diff before committing).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(path: Path, text: str) -> None:
    if os.environ.get("CFCS_QA_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(f"missing golden file {path} (CFCS_QA_UPDATE_GOLDEN=1 writes it)")
    assert text == path.read_bytes().decode("utf-8")
