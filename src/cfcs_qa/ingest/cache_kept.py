"""Frames a later stage made from an extract (``KeptFrames``: the KPI engine's continuous
records), kept in the extract's cache entry, in a folder of their own (``kept/``), sealed on
its own (``sealed``) and named by the version of the code that made them.

The run that writes an entry for ``kpis`` or ``explain`` writes them with it. An entry written
without them (by ``validate``), or with another version's, gets them from the first ``kpis``
or ``explain`` it serves, written beside its tables in the background and moved into place
whole; a kept folder that is altered, or of another version, is removed, never served, and
the entry itself stays good.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from .cache_files import read_table, write_table
from .model import Extract, KeptFrames
from .parallel import background_priority
from .sealed import check, seal

KEPT_DIR = "kept"


def write_kept(folder: Path, extract: Extract, keep: KeptFrames) -> bool:
    """``keep``'s frames, made now if no thread has made them, into ``folder`` (made here,
    owner-only), sealed; False when they could not be made (then nothing is written)."""
    try:
        frames = keep.make(extract)
    except Exception:  # noqa: BLE001 - best effort: a run served without them makes its own
        return False
    if not frames:
        return False
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    names = sorted(frames)
    for name in names:
        write_table(folder / f"{name}.arrow", frames[name], orders={})
    meta = {"version": keep.version, "frames": names}
    (folder / "meta.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
    seal(folder, [*(f"{name}.arrow" for name in names), "meta.json"])
    return True


def read_kept(entry: Path, keep: KeptFrames | None) -> dict[str, Any]:
    """The entry's kept frames for ``keep.version``; {} when it has none, and when they are
    altered or of another version (then the folder is removed, so they can be written
    again)."""
    folder = entry / KEPT_DIR
    if keep is None or not folder.is_dir():
        return {}
    try:
        check(folder)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != keep.version:
            raise ValueError("kept by another version")
        return {str(name): read_table(folder / f"{name}.arrow") for name in meta["frames"]}
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(folder, ignore_errors=True)
        return {}


def keep_soon(root: Path, key: str, extract: Extract, keep: KeptFrames,
              pending: list[threading.Thread]) -> None:
    """Add ``keep``'s frames to the entry that served ``extract``, when it has none, in a
    background (non-daemon) thread added to ``pending``: made once (the engine, asking for
    them meanwhile, shares them), written beside, and moved into the entry whole."""
    entry = root / key
    if (entry / KEPT_DIR).exists() or not entry.is_dir():
        return

    def work() -> None:
        background_priority()
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-kept-", dir=root))
        try:
            if write_kept(tmp / KEPT_DIR, extract, keep):
                os.rename(tmp / KEPT_DIR, entry / KEPT_DIR)  # fails if another run was first
        except OSError:
            pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    thread = threading.Thread(target=work, name="cfcs-qa-cache-keep", daemon=False)
    thread.start()
    pending.append(thread)
