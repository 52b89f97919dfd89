"""The command line asks the allocators to keep freed memory, unless the user said otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from cfcs_qa.cli import freed_memory

RunPython = Callable[[str], subprocess.CompletedProcess[str]]


def test_glibc_takes_the_settings_and_mimalloc_gets_its_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in (*freed_memory.USER_SETTINGS, "MIMALLOC_PURGE_DELAY"):
        monkeypatch.delenv(name, raising=False)
    taken = freed_memory.keep_freed_memory()
    assert os.environ["MIMALLOC_PURGE_DELAY"] == "-1"
    if sys.platform.startswith("linux"):
        assert taken  # CI and the demo run on Debian (glibc)


@pytest.mark.parametrize("name", freed_memory.USER_SETTINGS)
def test_a_user_setting_leaves_glibc_alone(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "131072" if name != "GLIBC_TUNABLES" else "glibc.malloc.arena_max=2")
    assert freed_memory.keep_freed_memory() is False


def test_the_users_mimalloc_setting_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIMALLOC_PURGE_DELAY", "10")
    freed_memory.keep_freed_memory()
    assert os.environ["MIMALLOC_PURGE_DELAY"] == "10"


def test_set_before_pyarrow_loads_in_a_command(run_python: RunPython) -> None:
    """The command line makes the setting before anything imports pyarrow (mimalloc reads it
    when the library loads)."""
    code = (
        "import sys, os; os.environ.pop('MIMALLOC_PURGE_DELAY', None); "
        "import cfcs_qa.cli.main; "
        "assert 'pyarrow' not in sys.modules, 'pyarrow imported too early'; "
        "print(os.environ['MIMALLOC_PURGE_DELAY'])"
    )
    assert run_python(code).stdout.strip() == "-1"


ARENAS_PROBE = """
import ctypes, os, sys, threading
for name in {settings!r}:
    os.environ.pop(name, None)
if {keep!r}:
    from cfcs_qa.cli.freed_memory import keep_freed_memory
    keep_freed_memory()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
def allocate():
    libc.malloc(1 << 20)  # a block no thread cache holds: it comes from an arena
threads = [threading.Thread(target=allocate) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
libc.malloc_stats()  # one "Arena N:" section per arena, on stderr
"""


def _arenas(run_python: RunPython, keep: bool) -> int:
    code = ARENAS_PROBE.format(settings=freed_memory.USER_SETTINGS, keep=keep)
    out = run_python(code)
    return sum(1 for line in out.stderr.splitlines() if line.startswith("Arena "))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's arenas")
def test_threads_share_one_arena(run_python: RunPython) -> None:
    """Memory a loader thread frees is there for the engine's thread to reuse."""
    assert _arenas(run_python, keep=False) > 1  # the probe can tell: threads get their own
    assert _arenas(run_python, keep=True) == 1
