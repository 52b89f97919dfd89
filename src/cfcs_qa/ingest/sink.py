"""Collecting findings for one table from vectorised masks.

Checks work on whole columns and hand over the positions that failed; only those positions
become ``Finding`` objects. Messages are built once per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from ..findings import Finding, Level, clip_value


class Sink:
    def __init__(self, table: str, rows: np.ndarray) -> None:
        self.table = table
        self.rows = rows
        self.findings: list[Finding] = []
        self._flagged: list[np.ndarray] = []

    def add(
        self,
        code: str,
        level: Level,
        column: str | None,
        positions: np.ndarray,
        values: pa.Array | None,
        message: Callable[[str | None], str],
    ) -> None:
        """One finding per position; ``values`` is the column the value is shown from."""
        if len(positions) == 0:
            return
        self._flagged.append(positions)
        rows = self.rows[positions].tolist()
        shown = (
            values.take(pa.array(positions)).to_pylist() if values is not None
            else [None] * len(rows)
        )
        cache: dict[str | None, str] = {}
        make = Finding.make
        table = self.table
        for row, value in zip(rows, shown, strict=True):
            text = cache.get(value)
            if text is None:
                text = cache[value] = message(value)
            self.findings.append(
                make(code, level, text, table=table, row=row, column=column, value=value)
            )

    def add_each(
        self, code: str, level: Level, column: str, positions: np.ndarray, values: pa.Array,
        messages: list[str],
    ) -> None:
        """One finding per position, each with its own message."""
        if len(positions) == 0:
            return
        self._flagged.append(positions)
        rows = self.rows[positions].tolist()
        shown = values.take(pa.array(positions)).to_pylist()
        for row, value, message in zip(rows, shown, messages, strict=True):
            self.findings.append(Finding.make(
                code, level, message, table=self.table, row=row, column=column, value=value
            ))

    def flagged_positions(self) -> np.ndarray:
        if not self._flagged:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(self._flagged))


def quoted(value: str | None) -> str:
    """A value for a message: clipped to 40 characters like the finding's value."""
    return clip_value(value) or ""


def fixed(message: str) -> Callable[[str | None], str]:
    """The same message whatever the value."""
    return lambda _value: message


def about(template: str) -> Callable[[str | None], str]:
    """A message naming the value: ``template`` with ``{v}`` replaced by the clipped value."""
    return lambda value: template.replace("{v}", quoted(value))
