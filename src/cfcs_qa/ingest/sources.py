"""Finding each table of an extract: a CSV file in a folder, or a sheet of one workbook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..contract import TABLES
from ..errors import DataError
from .headers import match_name

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Located:
    table: str
    name: str
    """File name (folder) or sheet name (workbook), as the site wrote it."""
    path: Path
    """The CSV file, or the workbook the sheet is in."""


@dataclass(frozen=True)
class Layout:
    kind: str
    """'folder' or 'workbook'."""
    path: Path
    tables: dict[str, Located]

    def sizes(self) -> dict[str, int]:
        """Bytes of each table's file (0 when it cannot be read: its reading says why)."""
        out = {}
        for name, located in self.tables.items():
            try:
                out[name] = located.path.stat().st_size
            except OSError:
                out[name] = 0
        return out


def locate(path: Path, settings: Settings, sheet_names: list[str] | None = None) -> Layout:
    """Which file or sheet holds each table (absent tables are left out)."""
    if not path.exists():
        raise DataError(
            f"The data path {path} does not exist. Give --data a folder of CSV files or an "
            ".xlsx workbook, or set 'data' in cfcs-qa.yaml."
        )
    if path.is_dir():
        try:
            names = sorted(p.name for p in path.iterdir()
                           if p.is_file() and not p.name.startswith("."))
        except OSError as exc:
            raise DataError(f"Could not read the folder {path}: {exc.strerror or exc}.") from None
        candidates = [n for n in names if n.lower().endswith(".csv")]
        for wanted in settings.tables.values():
            if wanted in names and wanted not in candidates:
                candidates.append(wanted)  # a site file named explicitly, whatever its suffix
        return Layout("folder", path, _match(candidates, settings, ".csv", path, is_dir=True))
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        assert sheet_names is not None
        return Layout("workbook", path, _match(sheet_names, settings, "", path, is_dir=False))
    raise DataError(
        f"{path} is neither a folder nor an .xlsx workbook. Give --data the folder that holds "
        "the CSV files (one per table), or one workbook with a sheet per table."
        + _wrong_file_hint(path)
    )


def _wrong_file_hint(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return f" For {path.name}, give its folder: --data {path.parent}"
    if suffix in (".xls", ".xlsb", ".ods"):
        return f" Open {path.name} in Excel and save it as an Excel Workbook (.xlsx)."
    return ""


def _match(
    candidates: list[str], settings: Settings, suffix: str, path: Path, *, is_dir: bool
) -> dict[str, Located]:
    found: dict[str, Located] = {}
    for table in TABLES:
        matches = match_name(candidates, table, settings, suffix=suffix)
        if len(matches) > 1:
            kind = "files" if is_dir else "sheets"
            raise DataError(
                f"{path} has more than one candidate for the {table} table ({kind} "
                f"{', '.join(repr(m) for m in matches)}). Remove or rename all but one, or "
                f"name the one to use under 'tables' in cfcs-qa.yaml."
            )
        if matches:
            where = path / matches[0] if is_dir else path
            found[table] = Located(table, matches[0], where)
        elif table in settings.tables and table != "children":  # children: its own message
            raise _named_but_absent(table, settings, candidates, path, is_dir)
    return found


def _named_but_absent(
    table: str, settings: Settings, candidates: list[str], path: Path, is_dir: bool
) -> DataError:
    """A table the config names explicitly is not there: a typo would otherwise drop the
    table silently and every KPI built on it would read 'no data'."""
    import difflib

    wanted = settings.tables[table]
    config = settings.source or "cfcs-qa.yaml"
    kind = "file" if is_dir else "sheet"
    close = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return DataError(
        f"{config} names the {kind} '{wanted}' for the {table} table under 'tables', but "
        f"{path} has no such {kind}{hint}. Correct the name there, or remove the "
        f"'{table}:' line if this extract has no {table}."
    )
