"""Validating one table: header findings, typing, row rules, the accepted frame."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..config import Settings
from ..contract import Table
from ..findings import Finding
from ..ingest.model import TableReport
from .columns import type_columns
from .frames import accepted_frame
from .headers import FREE, ColumnPlan
from .parallel import each
from .raw import Header, RawTable
from .rules import date_pairs, duplicate_keys, future_dates
from .sink import Sink, quoted
from .uniques import stripped, trimmed, trimmed_coded

REFERENCED = frozenset({"children", "cin_plans", "s47_enquiries", "staff"})
"""Tables other tables refer to by their key (orphan checks)."""


@dataclass
class TableOutcome:
    report: TableReport
    findings: list[Finding]
    frame: pd.DataFrame | None = None
    ids: pa.Array | None = None
    """Distinct valid values of the table's single key over every row read (orphan checks)."""
    finding_children: dict[int, str] = field(default_factory=dict)
    """Row -> child_id of rows with findings (to place findings with a team)."""


def check_table(
    table: Table, source: str, header: Header, raw: RawTable, plan: ColumnPlan,
    settings: Settings, as_of: dt.date,
) -> TableOutcome:
    report = TableReport(table=table.name, source=source, present=True)
    findings = _header_findings(table, header, raw, plan, report)
    findings += _malformed(table.name, raw)
    rows = raw.rows

    def trim(item: tuple[int, str]) -> pa.Array:
        pos, name = item
        kind, arr = table.column(name).type, raw.columns[pos]
        if kind in FREE:
            return trimmed(arr)
        if kind == "date" and not pa.types.is_dictionary(arr.type):
            return stripped(arr)  # nearly all different (date-times): no dictionary
        return trimmed_coded(arr)

    kept = list(plan.keep.items())
    text = dict(zip([n for _, n in kept], each(trim, kept, len(rows)), strict=True))
    blank_rows = _all_blank(text, len(rows))
    if blank_rows is not None:
        keep_rows = pa.array(~blank_rows)
        text = {k: v.filter(keep_rows) for k, v in text.items()}
        rows = rows[~blank_rows]
    n = len(rows)
    report.rows_read = n + len(raw.malformed)
    missing = [c for c in table.required if c not in plan.present]
    if missing:
        for column in missing:
            findings.append(Finding.make(
                "missing-column", "error",
                f"{table.name} has no {column} column, which is required: the table cannot "
                "be used (map the site's header under 'columns' in cfcs-qa.yaml)",
                table=table.name, row=header.row, column=column,
            ))
        report.rows_rejected = report.rows_read
        return TableOutcome(report=report, findings=findings)

    sink = Sink(table.name, rows)
    reject = np.zeros(n, dtype=bool)
    typed = type_columns(table, text, settings, sink, reject)
    future_dates(table, typed, as_of, sink, reject)
    date_pairs(table, typed, sink, reject)
    duplicate_keys(table, typed, sink, reject)

    keep = ~reject
    report.rows_accepted = int(keep.sum())
    report.rows_rejected = report.rows_read - report.rows_accepted
    outcome = TableOutcome(report=report, findings=findings + sink.findings)
    outcome.frame = accepted_frame(table, typed, rows, keep)
    if table.name in REFERENCED and table.key[0] in typed.strings:
        present = typed.strings[table.key[0]].drop_null()
        repeated = typed.repeats.get(table.key[0])
        # no repeats found: the values are their own distinct values, in the same order
        distinct = repeated is not None and len(repeated[0]) == 0
        outcome.ids = present if distinct else pc.unique(present)
    flagged = sink.flagged_positions()
    if len(flagged) and "child_id" in typed.strings:
        children = typed.strings["child_id"].take(pa.array(flagged)).to_pylist()
        outcome.finding_children = {
            int(r): c for r, c in zip(rows[flagged].tolist(), children, strict=True) if c
        }
    return outcome


def _header_findings(
    table: Table, header: Header, raw: RawTable, plan: ColumnPlan, report: TableReport
) -> list[Finding]:
    out: list[Finding] = []
    name = table.name

    def warn(column: str | None, message: str) -> None:
        out.append(Finding.make("unknown-column", "warning", message, table=name,
                                row=header.row, column=column))

    for _pos, written in plan.unknown:
        report.columns_dropped.append(written)
        warn(written, f"column {quoted(written)!r} is not in the contract for {name}: dropped")
    for _pos, canonical in plan.duplicates:
        report.columns_dropped.append(canonical)
        warn(canonical, f"a second {canonical} column: dropped (the first one is used)")
    for pos in plan.blank:
        if pc.any(pc.not_equal(pc.utf8_trim_whitespace(raw.columns[pos]), "")).as_py():
            label = f"(column {pos + 1}, no header)"
            report.columns_dropped.append(label)
            warn(label, f"column {pos + 1} has values but no header: dropped")
    if plan.name_columns:
        report.name_columns_dropped = plan.name_columns
        warn(None, f"{plan.name_columns} column(s) holding people's names dropped at load: "
                   "cfcs-qa never reads names")
    return out


def _malformed(table: str, raw: RawTable) -> list[Finding]:
    expected = raw.expected_fields
    return [
        Finding.make(
            "malformed-row", "error",
            f"this row has {fields} fields where the header has {expected} (a stray comma or "
            "quote?): the row is not read",
            table=table, row=row, value=f"{fields} fields, expected {expected}",
        )
        for row, fields in raw.malformed
    ]


def _all_blank(text: dict[str, pa.Array], n: int) -> np.ndarray | None:
    """Rows with no value in any contract column: blank lines, not records."""
    if not text or n == 0:
        return None
    blank = np.ones(n, dtype=bool)
    for arr in text.values():
        if arr.null_count == 0:
            return None
        blank &= np.asarray(pc.is_null(arr).to_numpy(zero_copy_only=False))
    return blank if blank.any() else None
