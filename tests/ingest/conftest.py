"""Small extracts built in tmp_path: every test writes exactly the files it needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from cfcs_qa.config import Settings
from cfcs_qa.ingest import Extract, load

AS_OF = dt.date(2026, 11, 26)
CHILDREN = "child_id,date_of_birth,gender\nC1,01/02/2010,male\nC2,2011-03-04,female\n"


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return folder


@pytest.fixture
def extract(tmp_path: Path) -> Callable[..., Extract]:
    """``extract({"contacts.csv": "..."}, settings=..., as_of=...)``; children added unless
    given."""

    def build(
        files: dict[str, str | bytes], settings: Settings | None = None,
        as_of: dt.date = AS_OF, with_children: bool = True, **kwargs: object,
    ) -> Extract:
        if with_children and not any(n.lower().startswith("children") for n in files):
            files = {"children.csv": CHILDREN, **files}
        folder = write(tmp_path / "extract", files)
        return load(folder, settings or Settings(), as_of, **kwargs)  # type: ignore[arg-type]

    return build


def codes(extract: Extract, table: str | None = None) -> list[tuple[str, int | None, str | None]]:
    return [(f.code, f.row, f.column) for f in extract.findings
            if table is None or f.table == table]
