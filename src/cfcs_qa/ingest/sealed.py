"""A folder of the cache whose files are trusted by the identity they had when written.

``seal`` records each file's identity (size, modification and change times, inode) in
``manifest.json``, and the manifest's own SHA-256 in ``manifest.sha256``; ``check`` raises
``ValueError`` unless every file still has its identity and no other file is there. Any write
to a file gives it a new change time, which the kernel sets and no user can set back, and a
copy is a new inode (see ``cache``'s docstring).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

MANIFEST = "manifest.json"
MANIFEST_SHA = "manifest.sha256"


def identity(path: Path) -> tuple[int, int, int, int]:
    """What changes whenever the file's bytes change: size, modification and change times,
    inode (the change time is set by the kernel on every write, rename or chmod)."""
    info = path.stat()
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def seal(folder: Path, names: list[str]) -> None:
    """Make the files owner-only, then record their identity: nothing writes them after
    this, and moving the folder into place changes no file's identity."""
    for name in names:
        os.chmod(folder / name, 0o600)
    manifest = {name: list(identity(folder / name)) for name in names}
    manifest_bytes = json.dumps(manifest, sort_keys=True).encode()
    (folder / MANIFEST).write_bytes(manifest_bytes)
    (folder / MANIFEST_SHA).write_text(hashlib.sha256(manifest_bytes).hexdigest() + "\n")
    for name in (MANIFEST, MANIFEST_SHA):
        os.chmod(folder / name, 0o600)


def check(folder: Path, apart: str | None = None) -> None:
    """ValueError (or OSError) unless the folder is as sealed: every file with the identity
    recorded, no file the manifest does not name (the subfolder ``apart`` is sealed on its
    own and not looked at here)."""
    manifest_bytes = (folder / MANIFEST).read_bytes()
    recorded = (folder / MANIFEST_SHA).read_text().strip()
    if hashlib.sha256(manifest_bytes).hexdigest() != recorded:
        raise ValueError("manifest altered")
    manifest = json.loads(manifest_bytes)
    if not isinstance(manifest, dict):
        raise ValueError("manifest altered")
    for name, identity_then in manifest.items():
        if not isinstance(identity_then, list) or list(identity(folder / name)) != identity_then:
            raise ValueError(f"{name} altered")
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    if apart is not None:
        on_disk = {p for p in on_disk if p.split("/", 1)[0] != apart}
    if on_disk - set(manifest) - {MANIFEST, MANIFEST_SHA}:
        raise ValueError("unexpected files")
