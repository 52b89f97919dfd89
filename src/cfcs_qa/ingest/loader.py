"""``load()``: a site's extract -> typed frames + findings (``docs/data-contract.md``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..config import Settings
from ..contract import REQUIRED_TABLES, TABLES
from ..date_order import date_column_orders
from ..errors import DataError
from ..findings import Finding
from . import cache
from .child_codes import assign_child_codes, children_ids
from .child_work import ChildWork
from .crosscheck import cross_checks
from .csv_reader import CsvFile
from .early_read import EarlyRead, discard, take
from .headers import check_site_maps, coded_positions, plan_columns, positions_to_read
from .model import Extract, KeptFrames, TableReport
from .sources import Layout, Located, locate
from .table import TableOutcome, check_table
from .teams import canonical_teams
from .xlsx_reader import Sheet, open_workbook

TABLE_WORKERS = 2
"""Tables of a CSV folder read side by side (two cores is the machine this is sized for)."""

_ALL_DATES: Mapping[str, Collection[str]] = MappingProxyType({})
"""``_load(orders=...)``: sort every date column of every table (told apart by identity)."""


def load(
    path: Path,
    settings: Settings,
    as_of: dt.date,
    *,
    synthetic: bool = False,
    cache_dir: Path | None = None,
    order_columns: Mapping[str, Collection[str]] | None = None,
    keep: KeptFrames | None = None,
) -> Extract:
    """Read, map and validate the extract at ``path`` (a folder of CSVs or one workbook).

    Bad data becomes findings; only an unusable extract (unreadable file, no ``children``)
    raises ``DataError``. With ``cache_dir``, validated tables are kept there (Arrow files,
    keyed by the files' content hashes, the settings, ``as_of`` and the loader's version; see
    ``cache``) and served again only for files with the same content.

    ``order_columns``: the date columns, by table, whose row order the KPIs will search (see
    ``kpi.month_rows.searched_columns``); when the cache will be written the loader sorts only
    those (``None``: every date column) and the entry keeps their orders. ``keep``: frames
    a later stage makes from the extract, kept in the entry beside it (``KeptFrames``).
    """
    try:
        return _cached_or_read(path, settings, as_of, synthetic, cache_dir, order_columns, keep)
    finally:
        discard()  # a file read ahead and not taken (the cache answered, or an error)


def _cached_or_read(
    path: Path, settings: Settings, as_of: dt.date, synthetic: bool, cache_dir: Path | None,
    order_columns: Mapping[str, Collection[str]] | None, keep: KeptFrames | None,
) -> Extract:
    check_site_maps(settings)
    path = Path(path)
    workbook = None
    if path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        workbook = open_workbook(path)
        layout = locate(path, settings, list(workbook.sheet_names))
    else:
        layout = locate(path, settings)
    for required in REQUIRED_TABLES:
        if required not in layout.tables:
            where = "sheet" if layout.kind == "workbook" else "file"
            books = sorted(p.name for p in path.glob("*.xls*")) if path.is_dir() else []
            hint = (f" The folder holds {books[0]!r}: if the extract is that workbook, give its "
                    "path as --data." if books else "")
            raise DataError(
                f"{path} has no {required} table (looked for a {where} named "
                f"{settings.tables.get(required, required + ('.csv' if where == 'file' else ''))!r}"
                f"). It is the one table cfcs-qa needs: add it, or name the site's {where} under "
                f"'tables: {required}:' in cfcs-qa.yaml.{hint}"
            )
    key = None
    if cache_dir is not None:
        try:
            key = cache.key_for(layout, settings, as_of, synthetic)
        except OSError:
            key = None  # a file cannot be read: reading it below says which, and why
        hit = cache.fetch(Path(cache_dir), key, keep) if key else None
        if hit is not None:
            if key and keep is not None and not hit.kept_frames:  # an entry without them
                cache.keep_soon(Path(cache_dir), key, hit, keep)
            return hit
    ordering = cache_dir is not None and key is not None
    extract = _load(layout, workbook, settings, as_of, synthetic,
                    orders=(_ALL_DATES if order_columns is None else order_columns) if ordering
                    else None)
    if cache_dir is not None and key is not None and cache.still_current(key, layout, settings,
                                                                         as_of, synthetic):
        cache.store_soon(Path(cache_dir), key, extract, keep)
    return extract


def _load(
    layout: Layout, workbook: Any, settings: Settings, as_of: dt.date, synthetic: bool,
    orders: Mapping[str, Collection[str]] | None = None,
) -> Extract:
    """``orders``: also sort these date columns of each table (``Extract.date_orders``;
    ``_ALL_DATES``: every one), in the table's own thread while others are read; the cache
    keeps them and the KPI engine uses them, so a run that will write the cache sorts once,
    not twice."""
    reports: dict[str, TableReport] = {}
    findings: list[Finding] = []
    outcomes: dict[str, TableOutcome] = {}

    work = ChildWork()
    date_orders: dict[str, dict[str, Any]] = {}

    def one(name: str) -> tuple[TableReport, list[Finding], TableOutcome | None]:
        result = _load_table(name, layout, workbook, settings, as_of)
        outcome = result[2]
        work.table_read(name, outcome)
        if orders is not None and outcome is not None and outcome.frame is not None:
            date_orders[name] = date_column_orders(
                outcome.frame, None if orders is _ALL_DATES else orders.get(name, ()))
        return result

    names = list(TABLES)
    for name, (report, found, outcome) in zip(names, _each_table(one, names, layout),
                                              strict=True):
        reports[name] = report
        findings += found
        if outcome is not None:
            outcomes[name] = outcome
    frames = {n: o.frame for n, o in outcomes.items() if o.frame is not None}
    canonical_teams(frames, settings.teams)
    ids = {n: o.ids for n, o in outcomes.items() if o.ids is not None}
    child_of_row = {n: dict(o.finding_children) for n, o in outcomes.items()}
    known = ids.get("children")
    if known is not None and known is work.known:
        child_ids = assign_child_codes(frames, known, work.lookup, work.passes)
        done, overlaps = work.checks, work.overlaps
    else:
        child_ids = assign_child_codes(
            frames, known if known is not None else children_ids(frames.get("children")))
        done, overlaps = {}, None
    for finding, child in cross_checks(frames, ids, child_ids, done, work.references,
                                       overlaps):
        findings.append(finding)
        if child and finding.table and finding.row is not None:
            child_of_row.setdefault(finding.table, {})[finding.row] = child
    findings.sort(key=_finding_order)
    return Extract(
        tables=frames, reports=reports, findings=findings, as_of=as_of, synthetic=synthetic,
        source=str(layout.path), child_of_row={k: v for k, v in child_of_row.items() if v},
        child_ids=child_ids, date_orders=date_orders,
    )


def _finding_order(f: Finding) -> tuple[str, int, str, str]:
    """``Finding.sort_key``, spelled out (tens of thousands of findings are sorted)."""
    return (f.table or "", f.row or 0, f.column or "", f.code)


def _each_table(fn: Any, names: list[str], layout: Layout) -> Any:
    """``fn`` over the tables, two at a time for a folder of CSVs (parsing and typing mostly
    release the GIL, so a small table is read beside a large one); ``children`` first (the
    others' child-id work starts once it is read), then largest files first. Results come
    back in ``names`` order, and the first error in that order is the one raised."""
    if layout.kind != "folder" or TABLE_WORKERS < 2:
        return [fn(n) for n in names]
    size = layout.sizes()
    order = sorted(names, key=lambda n: (n != "children", -size.get(n, 0)))
    with ThreadPoolExecutor(max_workers=TABLE_WORKERS, thread_name_prefix="cfcs-qa-table") as pool:
        futures = {n: pool.submit(fn, n) for n in order}
        return [futures[n].result() for n in names]


def _load_table(
    name: str, layout: Layout, workbook: Any, settings: Settings, as_of: dt.date
) -> tuple[TableReport, list[Finding], TableOutcome | None]:
    """One table: its report, its findings, and its outcome when it was read."""
    table = TABLES[name]
    located = layout.tables.get(name)
    if located is None:
        return TableReport(table=name, source=None, present=False), [], None
    header_rows = settings.header_rows.get(name, 0)
    early = take(located.path, header_rows) if layout.kind == "folder" else None
    reader: EarlyRead | CsvFile | Sheet = (
        early if early is not None else _open(located, layout, workbook, header_rows))
    if reader.empty or reader.header is None:
        if name in REQUIRED_TABLES:
            raise DataError(
                f"{located.path if layout.kind == 'folder' else located.name} is empty, but "
                f"the {name} table is required. Export it again and run again."
            )
        return TableReport(table=name, source=located.name, present=False), [Finding.make(
            "empty-file", "warning", f"{located.name} is empty: the {name} table is "
            "treated as absent", table=name,
        )], None
    plan = plan_columns(table, reader.header.cells, settings)
    if name in REQUIRED_TABLES and not set(table.required) <= plan.present:
        missing = ", ".join(c for c in table.required if c not in plan.present)
        first = reader.header.cells[0] if reader.header.cells else ""
        odd = next((d for d in (";", "\t", "|") if d in first), None)
        hint = (f" The header seems to use {odd!r} between values: export the report "
                "comma-separated." if odd else "")
        if not odd and sum(1 for c in reader.header.cells if str(c or "").strip()) <= 1:
            hint = (" Its first line looks like a report title, not the header: give the "
                    f"number of lines above the header under 'header_rows: {name}:' in "
                    "cfcs-qa.yaml.")
        raise DataError(
            f"{located.name} has no {missing} column, so the {name} table cannot be used. "
            "Map the site's header under 'columns' in cfcs-qa.yaml, or export the report "
            f"with that column.{hint}"
        )
    header = reader.header
    raw = reader.read(positions_to_read(plan), coded_positions(table, plan))
    del reader  # the file's bytes are no longer needed
    outcome = check_table(table, located.name, header, raw, plan, settings, as_of)
    return outcome.report, outcome.findings, outcome


def _open(located: Located, layout: Layout, workbook: Any, header_rows: int) -> CsvFile | Sheet:
    if layout.kind == "workbook":
        return Sheet(workbook, located.name, layout.path, header_rows)
    return CsvFile(located.path, header_rows)
