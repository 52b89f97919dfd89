"""One type for every data-quality problem: bad data becomes a finding, never an exception."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Level = Literal["error", "warning"]

MAX_VALUE_CHARS = 40


def clip_value(value: object) -> str | None:
    """The value as a person sees it, at most 40 characters (longer values end with '…')."""
    if value is None:
        return None
    text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        return text[: MAX_VALUE_CHARS - 1] + "…"
    return text


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found in the extract or in a definition file.

    ``row`` is where a person finds it: the CSV line on which the record starts (header = 1)
    or the sheet row of a workbook; ``None`` for table-level findings.
    """

    code: str
    level: Level
    table: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str

    @classmethod
    def make(
        cls,
        code: str,
        level: Level,
        message: str,
        *,
        table: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> Finding:
        return cls(code, level, table, row, column, clip_value(value), message)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.table or "", self.row or 0, self.column or "", self.code)
