"""Checks across tables, on accepted rows; all are warnings (the rows are kept).

Reference sets (children, plans, enquiries, staff) are every valid id the referenced table's
file holds, rejected rows included: an orphan means "not in the file", not "in the file but
with a bad date elsewhere on its row".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import CHILD_CODE, ROW, TABLES
from ..findings import Finding, Level, clip_value
from .child_codes import ChildIds
from .id_lookup import IdLookup
from .parallel import each
from .sink import quoted

REFERENCES = (
    ("cin_reviews", "plan_id", "cin_plans"),
    ("cp_conferences", "enquiry_id", "s47_enquiries"),
    ("allocations", "worker_id", "staff"),
)

Found = tuple[Finding, str | None]
"""A finding and the child_id of its row (None when the row has none)."""


def cross_checks(
    frames: dict[str, pd.DataFrame], ids: dict[str, pa.Array], child_ids: ChildIds,
    done: dict[str, ChildChecks] | None = None,
    references_done: dict[str, list[Found]] | None = None,
    overlaps_done: list[Found] | None = None,
) -> list[Found]:
    """``child_ids``: the dictionary of the child codes the frames carry
    (``assign_child_codes``). Checks made already, while tables were read: ``done``, each
    table's ``table_child_checks``; ``references_done``, each table's ``reference_checks``;
    ``overlaps_done``, ``overlapping_allocations``."""
    out: list[Found] = []
    orphans, births = _child_checks(frames, child_ids, done or {})
    for name in orphans:
        out += orphans[name]
    references_done = references_done or {}
    for name, _column, target in REFERENCES:
        if name in references_done:
            out += references_done[name]
        elif name in frames and target in ids:
            out += reference_checks(name, frames[name], ids[target])
    if overlaps_done is not None:
        out += overlaps_done
    elif "allocations" in frames:
        out += overlapping_allocations(frames["allocations"])
    for name in births:
        out += births[name]
    if "staff" in frames and "allocations" in frames:
        out += unknown_teams(frames["staff"], frames["allocations"])
    return out


ChildChecks = tuple[list[Found], list[Found]]
"""A table's ``orphan-child`` and ``before-birth`` findings."""


def _child_checks(
    frames: dict[str, pd.DataFrame], child_ids: ChildIds, done: dict[str, ChildChecks]
) -> tuple[dict[str, list[Found]], dict[str, list[Found]]]:
    """``orphan-child`` and ``before-birth`` of every table from the child codes the frames
    carry (a code past the children file's ids is an orphan; the date of birth is one
    integer index away)."""
    children = frames.get("children")
    names = [n for n, f in frames.items() if n != "children" and CHILD_CODE in f]
    born = (birth_by_code(children, children[CHILD_CODE].to_numpy(), len(child_ids))
            if children is not None and any(n not in done for n in names) else None)

    def one(name: str) -> ChildChecks:
        if name in done:
            return done[name]
        codes = frames[name][CHILD_CODE].to_numpy()
        return table_child_checks(name, frames[name], codes, codes >= child_ids.known, born)

    results = each(one, names, sum(len(frames[n]) for n in names if n not in done))
    orphans = {n: r[0] for n, r in zip(names, results, strict=True)}
    births = {n: r[1] for n, r in zip(names, results, strict=True) if r[1]}
    return orphans, births


def table_child_checks(
    name: str, frame: pd.DataFrame, codes: np.ndarray, orphan: np.ndarray,
    born: np.ndarray | None,
) -> ChildChecks:
    """One table's ``orphan-child`` (rows in ``orphan``) and ``before-birth`` findings.
    ``codes`` index ``born`` (``birth_by_code``); a code of -1, or any code with no child
    of the children file, must index a NaT."""
    orphans = _emit("orphan-child", "warning", name, frame, orphan, "child_id",
                    frame["child_id"], lambda v, _p: f"child_id {quoted(v)} is not in children")
    starts = TABLES[name].start_dates
    if born is None or not starts or not len(frame):
        return orphans, []
    column = starts[0]
    mask = frame[column].to_numpy() < born.astype(frame[column].dtype)[codes]
    return orphans, _emit("before-birth", "warning", name, frame, mask, column,
                          frame[column], _before_birth_message(column))


def birth_by_code(children: pd.DataFrame, codes: np.ndarray, size: int) -> np.ndarray | None:
    """Date of birth per child code (its first accepted row with one), NaT for the rest and
    in one extra slot at the end (code -1: a blank id). ``codes``: the children rows'
    codes; ``size``: how many codes there are."""
    dob_given = children["date_of_birth"].notna().to_numpy(dtype=bool)
    if not dob_given.any():
        return None
    given = np.flatnonzero(dob_given)
    # a child's first row: equal ids have equal codes (and a blank id is -1), so repeats of a
    # code are repeats of an id, found by hashing integers rather than strings
    first = given[~pd.Series(codes[given]).duplicated().to_numpy(dtype=bool)]
    dob = children["date_of_birth"].to_numpy()[first]
    out = np.full(size + 1, np.datetime64("NaT"), dtype=dob.dtype)
    out[codes[first]] = dob
    out[size] = np.datetime64("NaT")
    return out


def _emit(
    code: str, level: Level, table: str, frame: pd.DataFrame, mask: np.ndarray, column: str,
    values: pd.Series, message: Callable[[str | None, int], str],
) -> list[Found]:
    positions = np.flatnonzero(mask)
    if len(positions) == 0:
        return []
    rows = frame[ROW].to_numpy()[positions].tolist()
    picked = values.iloc[positions]
    if picked.dtype.kind == "M":  # as strftime("%Y-%m-%d") writes them (years 1900-9999)
        days = np.datetime_as_string(picked.to_numpy().astype("datetime64[D]"), unit="D")
        shown: list[str | None] = [None if d == "NaT" else d for d in days.tolist()]
    else:
        shown = picked.tolist()
    child = (
        frame["child_id"].iloc[positions].tolist() if "child_id" in frame else [None] * len(rows)
    )
    found: list[Found] = []
    na = pd.NA
    for row, value, kid, at in zip(rows, shown, child, positions.tolist(), strict=True):
        text = None if value is None or value is na or value != value else str(value)
        # Finding.make, spelled out: tens of thousands of these on a large extract
        finding = Finding(code, level, table, row, column, clip_value(text), message(text, at))
        found.append((finding, kid if isinstance(kid, str) else None))
    return found


def reference_checks(name: str, frame: pd.DataFrame, known: pa.Array) -> list[Found]:
    """``orphan-reference`` of one table of ``REFERENCES``; ``known``: the ids of the table
    it refers to."""
    column, target = next((c, t) for n, c, t in REFERENCES if n == name)
    return _orphans(name, frame, column, known, "orphan-reference", target)


def _orphans(
    table: str, frame: pd.DataFrame, column: str, known: pa.Array, code: str, target: str
) -> list[Found]:
    values = pa.array(frame[column], type=pa.string())
    valid = np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)
    mask = valid & ~IdLookup(known).found(values)
    return _emit(code, "warning", table, frame, mask, column, frame[column],
                 lambda v, _p: f"{column} {quoted(v)} is not in {target}")


def overlapping_allocations(frame: pd.DataFrame, child: np.ndarray | None = None) -> list[Found]:
    """Two allocations of one child open on the same day. A same-day handover (one ends the
    day the next starts) is not an overlap. Reported on the later-starting allocation, naming
    the allocation that is still open (the one, among the child's earlier allocations, that
    ends last).

    Integer work: rows sorted by child code, start and row; the running latest end within a
    child is one ``maximum.accumulate`` over ``child rank * span + end day``. ``child``: the
    rows' child codes, when the frame does not carry them yet."""
    if len(frame) < 2:
        return []
    child = (frame[CHILD_CODE].to_numpy() if child is None else child).astype(np.int64)
    start = _days(frame["start_date"])
    end = _days(frame["end_date"])
    end = np.where(end == _NAT_DAYS, _OPEN_DAY, end)
    rows = frame[ROW].to_numpy()
    order = _order_by(child, start, rows)
    child, start, end = child[order], start[order], end[order]
    same = np.zeros(len(order), dtype=bool)
    same[1:] = child[1:] == child[:-1]
    group = np.cumsum(~same)
    offset = group * _SPAN
    running = np.maximum.accumulate(offset + end) - offset
    open_until = np.empty_like(running)
    open_until[0] = _NAT_DAYS
    open_until[1:] = running[:-1]
    overlap = same & (start < open_until)
    if not overlap.any():
        return []
    holder = np.maximum.accumulate(np.where(end == running, np.arange(len(order)), 0))
    before = np.empty_like(holder)
    before[0] = 0
    before[1:] = holder[:-1]
    index = order[overlap]
    mask = np.zeros(len(frame), dtype=bool)
    mask[index] = True
    other = dict(zip(index.tolist(), rows[order[before[overlap]]].tolist(), strict=True))
    return _emit(
        "overlapping-allocation", "warning", "allocations", frame, mask, "start_date",
        frame["start_date"],
        lambda v, p: f"allocation starting {v} begins while the allocation on row "
        f"{int(other[p])} is still open",
    )


def _order_by(child: np.ndarray, start: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``np.lexsort((rows, start, child))``; without the sort when the rows are in that
    order already (an extract listed by child and start date)."""
    ahead = (child[1:] > child[:-1]) | (child[1:] == child[:-1]) & (
        (start[1:] > start[:-1]) | (start[1:] == start[:-1]) & (rows[1:] > rows[:-1]))
    if ahead.all():
        return np.arange(len(child))
    order: np.ndarray = np.lexsort((rows, start, child))
    return order


_NAT_DAYS = np.iinfo(np.int64).min
_OPEN_DAY = 1 << 22
"""A blank end: later than any real day (days since 1970 stay far below 2**22)."""
_SPAN = 1 << 24


def _days(dates: pd.Series) -> np.ndarray:
    """Whole days since 1970 as int64; a blank date is ``_NAT_DAYS``."""
    values = dates.to_numpy(dtype="datetime64[D]")
    out: np.ndarray = values.view("int64").copy()
    return out


def _before_birth_message(column: str) -> Callable[[str | None, int], str]:
    return lambda value, _pos: f"{column} {value} is before the child's date of birth"


def unknown_teams(staff: pd.DataFrame, allocations: pd.DataFrame) -> list[Found]:
    known = {t.casefold() for t in allocations["team"].dropna().unique()}
    teams = staff["team"]
    lowered = teams.str.casefold()
    mask = (teams.notna() & ~lowered.isin(known)).to_numpy(dtype=bool, na_value=False)
    return _emit("unknown-team", "warning", "staff", staff, mask, "team", teams,
                 lambda v, _p: f"team {quoted(v)} matches no team in allocations")
