"""A cache of validated extracts, so the second run on the same files is fast.

An entry is a folder named by a key: the SHA-256 of the loader's version, the settings that
change what is loaded (the site maps), the extract date, the synthetic flag, the data path and
the content hash of every file read. It holds one Arrow IPC file per table (uncompressed, so
a read is a memory map, not a decode), the tables' date-column orders, the child-code
dictionary and the findings (``cache_files``), and ``meta.json`` (reports, child ids of rows
with findings: no names, which are never loaded); and in ``kept/``, sealed on its own, frames
a later stage made from the extract (``cache_kept``: the KPI engine's continuous records).
``manifest.json`` records the identity every file of the entry had when it was written (size,
modification and change times, inode), and ``manifest.sha256`` the manifest's own hash; an
entry whose files do not match is deleted, never served. The cache folder is owner-only
(0700, files 0600); a folder others can read is not used. No pickle.

The extract's files are hashed in full on every run (they are the key). An entry's own files
are judged by their identity, as git judges its index: any write to a file gives it a new
change time, which the kernel sets and no user can set back, and a copy is a new inode. The
files are written into a private temporary folder and moved into place whole, so nothing
else writes them between their writing and the recording of their identity; an entry that
differs in any way is rebuilt (a copied cache folder is rebuilt once). ``hash_soon`` starts
the hashing of the extract's files in the background before the command imports pandas; the
digests are kept per process, for a file whose size, times and inode have not changed since.
The key is made before the files are read, so an entry is stored only if every file still has
the identity it was hashed with once the load is done (``still_current``): a file written to
in between (an export overwriting it) leaves no entry.
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
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from blake3 import blake3

from ..config import Settings
from ..fileio import private_dir
from . import cache_kept
from .cache_files import (
    CHILD_IDS,
    FINDINGS,
    ORDERS,
    read_arrow,
    read_findings,
    read_orders,
    read_table,
    write_arrow,
    write_findings,
    write_tables,
)
from .cache_kept import KEPT_DIR, read_kept, write_kept
from .model import Extract, KeptFrames, TableReport
from .parallel import background_priority
from .sealed import check, identity, seal
from .sources import Layout

LOADER_VERSION = "4"
CACHE_ENV = "CFCS_QA_CACHE"
DEFAULT_CACHE_DIR = ".cfcs-qa-cache"
KEEP_ENTRIES = 4
BACKGROUND_ROWS = 1_000_000
"""Extracts with more rows than this are stored by a background thread while the KPIs are
computed (the process waits for it before exiting); smaller ones are stored at once."""
_pending: list[threading.Thread] = []
HASH_WORKERS = 1
"""Files are hashed one at a time, on one thread, while the main thread imports. A second
hashing thread took time from the imports (three busy threads on two cores): cached and cold
``kpis`` on the benchmark extract were each about 0.1 s slower with it."""
_digests: dict[tuple[str, int, int, int, int], Future[str]] = {}
_digests_lock = threading.Lock()
_hash_pool: ThreadPoolExecutor | None = None


def default_cache_dir() -> Path:
    """``$CFCS_QA_CACHE``, else ``.cfcs-qa-cache/`` in the working folder."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.cwd() / DEFAULT_CACHE_DIR


HASH_BLOCK = 64 << 20
"""At most this many bytes of a file are held while it is hashed: a block read, then hashed,
each in one call that releases the GIL."""


def _file_hash(path: Path) -> str:
    """BLAKE3 of the file's bytes, read in blocks of up to ``HASH_BLOCK``. BLAKE3 is a
    cryptographic hash like SHA-256, and three times as fast here (3.9 GB/s against 1.2).
    Blocks are large because the hashing thread waits for the GIL, which the importing main
    thread holds, after every call: read a 1 MiB block at a time, the benchmark extract took
    1.5 s to hash beside a busy main thread, against 0.35 s in 64 MiB blocks. Not through a
    memory map: a file cut short while mapped (an export overwriting it) would kill the
    process with SIGBUS instead of giving a clear error."""
    digest = blake3()
    with open(path, "rb", buffering=0) as fh:
        buffer = bytearray(max(1, min(os.fstat(fh.fileno()).st_size, HASH_BLOCK)))
        view = memoryview(buffer)
        while count := fh.readinto(buffer):
            digest.update(view[:count])
    return digest.hexdigest()


def _digest(path: Path) -> Future[str]:
    """The file's hash, computed once per process while the file is unchanged (same size,
    modification and change times, inode)."""
    global _hash_pool
    ident = (str(path.resolve()), *identity(path))
    with _digests_lock:
        found = _digests.get(ident)
        if found is None:
            if _hash_pool is None:
                _hash_pool = ThreadPoolExecutor(max_workers=HASH_WORKERS,
                                                thread_name_prefix="cfcs-qa-hash")
            found = _digests[ident] = _hash_pool.submit(_file_hash, path)
    return found


def _hash_all(paths: list[Path]) -> list[str]:
    """Content hashes of several files, on the hashing thread (hashing releases the GIL)."""
    futures = [_digest(p) for p in paths]
    return [f.result() for f in futures]


LOADER_MODULES = ("contract", "findings", "civil", "date_order")
"""cfcs_qa modules outside ``ingest`` whose code shapes what the loader produces; their source
is part of ``code_version``."""
KEYED_ELSEWHERE = ("config", "errors", "fileio")
"""The loader's other imports: settings reach the key as values, errors stop a load (nothing
is cached), fileio only writes. A test keeps the two lists covering every import."""


@functools.cache
def code_version() -> str:
    """LOADER_VERSION plus a hash of the loader's own source (and of ``LOADER_MODULES``), so
    an upgraded cfcs-qa never serves an entry an older loader wrote."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(LOADER_VERSION.encode())
    for path in [*sorted(package.glob("*.py")),
                 *(package.parent / f"{name}.py" for name in LOADER_MODULES)]:
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


def hash_soon(paths: list[Path]) -> None:
    """Start hashing these files on the hashing thread; ``key_for`` then finds the digests
    ready. A warm-up only: a file that cannot be read is met again, and reported, by the
    load."""
    for path in paths:
        with contextlib.suppress(OSError):
            _digest(path)


def still_current(key: str, layout: Layout, settings: Settings, as_of: dt.date,
                  synthetic: bool) -> bool:
    """Whether the extract's files are as they were when ``key`` was made from them (each
    file's size, times and inode unchanged, so its digest is the one already computed). A file
    written to while it was being loaded gives False: its entry is not stored."""
    try:
        return key_for(layout, settings, as_of, synthetic) == key
    except OSError:
        return False


def answers(root: Path, layout: Layout, settings: Settings, as_of: dt.date,
            synthetic: bool) -> bool:
    """Whether the cache holds an entry for this extract (not yet checked: ``fetch`` does)."""
    return (root / key_for(layout, settings, as_of, synthetic)).is_dir()


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


def finish_background() -> None:
    """Block until the cache's background work is done: entries being written, and files
    being hashed (the hashing thread, idle or not, then ends)."""
    global _hash_pool
    wait_for_stores()
    with _digests_lock:
        pool, _hash_pool = _hash_pool, None
    if pool is not None:
        pool.shutdown(wait=True)


def fetch(root: Path, key: str, keep: KeptFrames | None = None) -> Extract | None:
    """The entry's extract, or None when there is none or it cannot be trusted (then it is
    removed). With ``keep``: the frames the entry kept for ``keep.version``, if any."""
    wait_for_stores()
    entry = root / key
    if not entry.is_dir() or not _usable(root):
        return None
    try:
        check(entry, apart=KEPT_DIR)  # the kept frames are sealed, and judged, on their own
        extract = _read_entry(entry, keep)
    except (OSError, ValueError, KeyError, TypeError) as _exc:
        shutil.rmtree(entry, ignore_errors=True)
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)
    return extract


def _read_entry(entry: Path, keep: KeptFrames | None = None) -> Extract:
    from .child_codes import ChildIds

    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    names = list(meta["tables"])
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="cfcs-qa-read") as pool:
        frames = list(pool.map(lambda n: read_table(entry / f"{n}.arrow"), names))
    tables = dict(zip(names, frames, strict=True))
    orders = {n: read_orders(entry / f"{n}{ORDERS}") for n in names
              if (entry / f"{n}{ORDERS}").exists()}
    child_ids = ChildIds(ids=read_arrow(entry / CHILD_IDS).column(0).combine_chunks(),
                         known=int(meta["child_ids_known"]))
    return Extract(
        tables=tables,
        reports={r["table"]: TableReport(**r) for r in meta["reports"]},
        findings=read_findings(entry / FINDINGS),
        as_of=dt.date.fromisoformat(meta["as_of"]),
        synthetic=bool(meta["synthetic"]),
        source=meta["source"],
        child_of_row={t: {int(r): c for r, c in rows.items()}
                      for t, rows in meta["child_of_row"].items()},
        child_ids=child_ids,
        date_orders=orders,
        kept_frames=read_kept(entry, keep),
    )


def store_soon(root: Path, key: str, extract: Extract, keep: KeptFrames | None = None) -> None:
    """``store``, in a background (non-daemon) thread for a large extract: writing Arrow
    mostly releases the GIL, so on a second core it costs the caller next to nothing. A
    ``fetch`` in this process, and the interpreter's exit, wait for it."""
    rows = sum(len(f) for f in extract.tables.values())
    if rows <= BACKGROUND_ROWS:
        store(root, key, extract, keep)
        return
    thread = threading.Thread(target=_store_quietly, args=(root, key, extract, keep),
                              name="cfcs-qa-cache-store", daemon=False)
    thread.start()
    _pending.append(thread)


def _store_quietly(root: Path, key: str, extract: Extract, keep: KeptFrames | None) -> None:
    background_priority()
    try:
        store(root, key, extract, keep)
    except Exception:  # noqa: BLE001 - best effort: an entry not written is rebuilt next run
        return


def keep_soon(root: Path, key: str, extract: Extract, keep: KeptFrames) -> None:
    """Add ``keep``'s frames to the entry that served ``extract`` when it has none (see
    ``cache_kept``); the interpreter's exit waits for them."""
    if _usable(root):
        cache_kept.keep_soon(root, key, extract, keep, _pending)


def store(root: Path, key: str, extract: Extract, keep: KeptFrames | None = None) -> None:
    """Write the entry (best effort: a cache that cannot be written is simply not used)."""
    if not _usable(root) or extract.child_ids is None:
        return
    entry = root / key
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        import pyarrow as pa

        write_tables(tmp, extract)
        names = sorted(p.name for p in tmp.glob("*.arrow"))
        write_arrow(tmp / CHILD_IDS, pa.table({"child_id": extract.child_ids.ids}))
        write_findings(tmp / FINDINGS, extract.findings)
        (tmp / "meta.json").write_text(json.dumps(_meta(extract), sort_keys=True),
                                       encoding="utf-8")
        seal(tmp, [*names, CHILD_IDS, FINDINGS, "meta.json"])
        if keep is not None:
            write_kept(tmp / KEPT_DIR, extract, keep)
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
        "as_of": extract.as_of.isoformat(),
        "synthetic": extract.synthetic,
        "source": extract.source,
        "child_of_row": {t: {str(r): c for r, c in rows.items()}
                         for t, rows in extract.child_of_row.items()},
        "child_ids_known": extract.child_ids.known if extract.child_ids else 0,
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
