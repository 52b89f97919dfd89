"""The continuous records and child ranks made from an extract alone: made once per extract,
by whichever thread needs them first, and kept in the cache entry.

In a run that writes the cache, the KPI engine (main thread) and the thread writing the
entry both need them: ``made_once`` lets the second wait for the first instead of making
them again. A run served by the entry finds them already made (``Extract.kept_frames``),
when the code that made them is the code running (``frames_to_keep().version``).
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..ingest.model import Extract, KeptFrames

CHILD_RANK = "child_rank"
"""The kept frame of one column: each child code's rank among the ids in text order."""
KEPT_MODULES = ("kpi/continuous.py", "kpi/frames.py", "kpi/kept.py", "contract.py",
                "date_order.py")
"""The code that makes the kept frames: its source is their version."""

_locks: dict[tuple[int, str], threading.Lock] = {}
_locks_lock = threading.Lock()


def made_once(extract: Extract, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``extract.kept_frames[name]``, made by ``make`` if no thread has made it yet (a thread
    asking while another makes it waits for that one)."""
    found = extract.kept_frames.get(name)
    if found is not None:
        return found
    with _locks_lock:
        if not any(k[0] == id(extract) for k in _locks):  # forgotten with the extract
            weakref.finalize(extract, _forget, id(extract))
        lock = _locks.setdefault((id(extract), name), threading.Lock())
    with lock:
        found = extract.kept_frames.get(name)
        if found is None:
            found = extract.kept_frames[name] = make()
    return found


def _forget(extract_id: int) -> None:
    with _locks_lock:
        for key in [k for k in _locks if k[0] == extract_id]:
            del _locks[key]


def frames_to_keep() -> KeptFrames:
    """What the cache entry keeps for the KPI engine: the continuous-record frames and the
    child ranks they are sorted by (about 0.2 s to make on 300,000 children)."""
    return KeptFrames(version=_version(), make=_make)


def _version() -> str:
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for name in KEPT_MODULES:
        h.update(name.encode() + b"\0" + (package / name).read_bytes())
    return h.hexdigest()


def _make(extract: Extract) -> dict[str, pd.DataFrame]:
    from .frames import CONTINUOUS, continuous_frame, ranks_frame

    if extract.child_ids is None:
        return {}
    out = {CHILD_RANK: ranks_frame(extract)}
    for name, base in CONTINUOUS.items():
        if extract.has(base):
            out[name] = continuous_frame(extract, name)
    return out
