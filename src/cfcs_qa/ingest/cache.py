"""A cache of validated extracts, so the second run on the same files is fast.

An entry is a folder named by a key: the SHA-256 of the loader's version, the settings that
change what is loaded (the site maps), the extract date, the synthetic flag, the data path and
the content hash of every file read. It holds one Parquet file per table and ``meta.json``
(reports, findings, child ids of rows with findings: no names, which are never loaded).
``manifest.json`` records the SHA-256 of every file of the entry, and ``manifest.sha256`` the
manifest's own hash; an entry whose files do not match is deleted, never served. The cache
folder is owner-only (0700, files 0600); a folder others can read is not used. No pickle.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import stat
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..config import Settings
from ..fileio import private_dir
from ..findings import Finding
from .model import Extract, TableReport
from .report import finding_dict
from .sources import Layout

LOADER_VERSION = "2"
CACHE_ENV = "CFCS_QA_CACHE"
DEFAULT_CACHE_DIR = ".cfcs-qa-cache"
KEEP_ENTRIES = 4
BACKGROUND_ROWS = 1_000_000
"""Extracts with more rows than this are stored by a background thread while the KPIs are
computed (the process waits for it before exiting); smaller ones are stored at once."""
_pending: list[threading.Thread] = []


def default_cache_dir() -> Path:
    """``$CFCS_QA_CACHE``, else ``.cfcs-qa-cache/`` in the working folder."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.cwd() / DEFAULT_CACHE_DIR


def _file_hash(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@functools.cache
def code_version() -> str:
    """LOADER_VERSION plus a hash of the loader's own source (and the contract it checks), so
    an upgraded cfcs-qa never serves an entry an older loader wrote."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(LOADER_VERSION.encode())
    for path in [*sorted(package.glob("*.py")), package.parent / "contract.py",
                 package.parent / "findings.py"]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def key_for(layout: Layout, settings: Settings, as_of: dt.date, synthetic: bool) -> str:
    maps = settings.model_dump(include={"tables", "header_rows", "columns", "values", "teams"})
    h = hashlib.sha256()
    h.update(json.dumps({
        "version": code_version(), "maps": maps, "as_of": as_of.isoformat(),
        "synthetic": synthetic, "path": str(layout.path.resolve()), "kind": layout.kind,
        "tables": {t: loc.name for t, loc in sorted(layout.tables.items())},
    }, sort_keys=True).encode())
    files = sorted({loc.path for loc in layout.tables.values()})
    for path, digest in zip(files, _hash_all(files), strict=True):
        h.update(path.name.encode() + b"\0" + digest.encode())
    return h.hexdigest()


def _hash_all(paths: list[Path]) -> list[str]:
    """Content hashes of several files, two at a time (hashlib releases the GIL)."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="cfcs-qa-hash") as pool:
        return list(pool.map(_file_hash, paths))


def _usable(root: Path) -> bool:
    """The cache folder exists (or was just made) owner-only and owned by us."""
    try:
        private_dir(root)
        info = root.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def wait_for_stores() -> None:
    """Block until every entry being written in the background is written."""
    while _pending:
        _pending.pop().join()


def fetch(root: Path, key: str) -> Extract | None:
    wait_for_stores()
    entry = root / key
    if not entry.is_dir() or not _usable(root):
        return None
    try:
        manifest_bytes = (entry / "manifest.json").read_bytes()
        recorded = (entry / "manifest.sha256").read_text().strip()
        if hashlib.sha256(manifest_bytes).hexdigest() != recorded:
            raise ValueError("manifest altered")
        manifest: dict[str, str] = json.loads(manifest_bytes)
        names = list(manifest)
        for name, digest in zip(names, _hash_all([entry / n for n in names]), strict=True):
            if digest != manifest[name]:
                raise ValueError(f"{name} altered")
        on_disk = {p.relative_to(entry).as_posix() for p in entry.rglob("*") if p.is_file()}
        if on_disk - set(manifest) - {"manifest.json", "manifest.sha256"}:
            raise ValueError("unexpected files")
        extract = _read_entry(entry)
    except (OSError, ValueError, KeyError, TypeError) as _exc:
        shutil.rmtree(entry, ignore_errors=True)
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)
    return extract


def _read_table(path: Path) -> Any:
    """A table as ``pd.read_parquet`` gives it, but each column in one piece: the KPI engine
    takes rows from these frames hundreds of times, and a take over one chunk is several
    times faster than over the file's many."""
    import pyarrow.parquet as pq

    return pq.read_table(path).combine_chunks().to_pandas()


def _read_entry(entry: Path) -> Extract:

    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    names = list(meta["tables"])
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="cfcs-qa-parquet") as pool:
        frames = list(pool.map(lambda n: _read_table(entry / f"{n}.parquet"), names))
    tables = dict(zip(names, frames, strict=True))
    return Extract(
        tables=tables,
        reports={r["table"]: TableReport(**r) for r in meta["reports"]},
        findings=[Finding(**f) for f in meta["findings"]],
        as_of=dt.date.fromisoformat(meta["as_of"]),
        synthetic=bool(meta["synthetic"]),
        source=meta["source"],
        child_of_row={t: {int(r): c for r, c in rows.items()}
                      for t, rows in meta["child_of_row"].items()},
    )


def store_soon(root: Path, key: str, extract: Extract) -> None:
    """``store``, in a background (non-daemon) thread for a large extract: writing Parquet
    mostly releases the GIL, so on a second core it costs the caller next to nothing. A
    ``fetch`` in this process, and the interpreter's exit, wait for it."""
    rows = sum(len(f) for f in extract.tables.values())
    if rows <= BACKGROUND_ROWS:
        store(root, key, extract)
        return
    thread = threading.Thread(target=_store_quietly, args=(root, key, extract),
                              name="cfcs-qa-cache-store", daemon=False)
    thread.start()
    _pending.append(thread)


def _store_quietly(root: Path, key: str, extract: Extract) -> None:
    try:
        store(root, key, extract)
    except Exception:  # noqa: BLE001 - best effort: an entry not written is rebuilt next run
        return


def _write_table(target: Path, frame: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # nthreads=1: no executor (one would refuse work once the interpreter begins to exit)
    table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
    # lz4, plain encoding, no statistics (nothing filters on them): written and read about
    # twice as fast as the defaults
    pq.write_table(table, target, compression="lz4", use_dictionary=False,
                   write_statistics=False)


def _write_tables(folder: Path, extract: Extract) -> None:
    """Every table as Parquet, by two plain threads taking the largest tables first (plain
    threads: an executor refuses work once the interpreter begins to exit, and a background
    store may still be running then)."""
    todo = sorted(extract.tables, key=lambda n: len(extract.tables[n]))
    lock = threading.Lock()
    failed: list[OSError] = []

    def work() -> None:
        while True:
            with lock:
                if not todo or failed:
                    return
                name = todo.pop()
            try:
                _write_table(folder / f"{name}.parquet", extract.tables[name])
            except OSError as exc:
                failed.append(exc)

    helper = threading.Thread(target=work, name="cfcs-qa-parquet")
    helper.start()
    work()
    helper.join()
    if failed:
        raise failed[0]


def store(root: Path, key: str, extract: Extract) -> None:
    """Write the entry (best effort: a cache that cannot be written is simply not used)."""
    if not _usable(root):
        return
    entry = root / key
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        manifest: dict[str, str] = {}
        _write_tables(tmp, extract)
        for name in extract.tables:
            manifest[f"{name}.parquet"] = ""
        meta = _meta(extract)
        (tmp / "meta.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
        manifest["meta.json"] = ""
        for name in manifest:
            os.chmod(tmp / name, 0o600)
            manifest[name] = _file_hash(tmp / name)
        manifest_bytes = json.dumps(manifest, sort_keys=True).encode()
        (tmp / "manifest.json").write_bytes(manifest_bytes)
        (tmp / "manifest.sha256").write_text(hashlib.sha256(manifest_bytes).hexdigest() + "\n")
        for name in ("manifest.json", "manifest.sha256"):
            os.chmod(tmp / name, 0o600)
        if entry.exists():
            shutil.rmtree(entry, ignore_errors=True)
        os.replace(tmp, entry)
    except Exception:  # noqa: BLE001 - best effort: an entry not written is rebuilt next run
        shutil.rmtree(tmp, ignore_errors=True)
        return
    _prune(root)


def _meta(extract: Extract) -> dict[str, Any]:
    return {
        "version": LOADER_VERSION,
        "tables": sorted(extract.tables),
        "reports": [vars(r) for r in extract.reports.values()],
        "findings": [finding_dict(f) for f in extract.findings],
        "as_of": extract.as_of.isoformat(),
        "synthetic": extract.synthetic,
        "source": extract.source,
        "child_of_row": {t: {str(r): c for r, c in rows.items()}
                         for t, rows in extract.child_of_row.items()},
    }


def _prune(root: Path) -> None:
    """Keep the most recently used entries; remove half-written ones an hour old."""
    now = dt.datetime.now().timestamp()
    for tmp in root.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > 3600:
                shutil.rmtree(tmp, ignore_errors=True)
    entries = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_ENTRIES:]:
        shutil.rmtree(old, ignore_errors=True)
