"""The ``cfcs-qa`` script ends its process without tearing the interpreter down
(``cli.quick_exit``), and only when nothing is lost by it: the same output, files and exit
code as the ordinary exit, background work finished, exit handlers run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cfcs_qa.cli import quick_exit

KPIS = ["kpis", "--month", "2026-10", "--as-of", "2026-11-20", "--format", "json"]


def _python(code: str, *args: str, cwd: Path, stdout: object = subprocess.PIPE,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -c code ARGS`` with its output buffered, as a cron job's is (a terminal's is
    flushed line by line, and PYTHONUNBUFFERED would flush every write)."""
    base = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=cwd,
                          stdout=stdout, stderr=subprocess.PIPE, text=True,  # type: ignore[arg-type]
                          env={**base, **(env or {})}, timeout=300)


def _command(entry: str, args: list[str], tmp_path: Path, **kwargs: object
             ) -> subprocess.CompletedProcess[str]:
    """``cfcs-qa ARGS`` through ``main.script`` (the console script) or ``main.run``."""
    code = f"from cfcs_qa.cli.main import {entry}; {entry}()"
    cache = {"CFCS_QA_CACHE": str(tmp_path / f"cache-{entry}")}
    return _python(code, *args, cwd=tmp_path, env=cache, **kwargs)  # type: ignore[arg-type]


def test_the_installed_script_is_the_quick_one() -> None:
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "cfcs-qa"]
    assert script.value == "cfcs_qa.cli.main:script"


@pytest.mark.parametrize("args", [
    KPIS,  # success
    [*KPIS[:-2], "--format", "json", "--fail-on-red"],  # exit 1 (the sample has red KPIs)
    ["kpis", "--month", "2026-13"],  # a user error: exit 2 and its message
    ["validate", "--as-of", "2026-11-20", "--format", "json", "--strict"],
])
def test_the_script_ends_as_the_ordinary_exit_does(tmp_path: Path, args: list[str]) -> None:
    quick = _command("script", args, tmp_path)
    ordinary = _command("run", args, tmp_path)
    assert (quick.returncode, quick.stdout, quick.stderr) == \
        (ordinary.returncode, ordinary.stdout, ordinary.stderr)


def test_the_exit_codes_compared_above_differ(tmp_path: Path) -> None:
    """The cases above are not all one outcome."""
    codes = {_command("run", args, tmp_path).returncode
             for args in (KPIS, [*KPIS, "--fail-on-red"], ["kpis", "--month", "2026-13"])}
    assert codes == {0, 1, 2}


def test_a_file_written_by_the_command_is_whole(tmp_path: Path) -> None:
    written = []
    for entry in ("script", "run"):
        done = _command(entry, [*KPIS, "--output", f"{entry}.json"], tmp_path)
        assert done.returncode == 0, done.stderr
        written.append((tmp_path / f"{entry}.json").read_bytes())
    assert written[0] == written[1] and written[0].rstrip().endswith(b"}")


def test_the_cache_entry_written_in_the_background_is_finished(tmp_path: Path) -> None:
    """A large extract's entry is written by a background thread: the script waits for it,
    so the entry is complete and sealed."""
    code = """
        import cfcs_qa.ingest.cache as cache
        cache.BACKGROUND_ROWS = 0  # the sample written in the background, as a large one is
        from cfcs_qa.cli.main import script
        script()
    """
    done = _python(code, *KPIS, cwd=tmp_path, env={"CFCS_QA_CACHE": str(tmp_path / "c")})
    assert done.returncode == 0, done.stderr
    from cfcs_qa.ingest.cache import KEPT_DIR
    from cfcs_qa.ingest.sealed import check

    entries = [p for p in (tmp_path / "c").iterdir() if p.is_dir()]
    assert len(entries) == 1
    check(entries[0], apart=KEPT_DIR)  # raises when any file is missing or altered


def test_output_that_cannot_be_flushed_is_reported_as_ever(tmp_path: Path) -> None:
    """Standard output on a full device: flushing fails, so the ordinary exit is taken and
    Python reports the failure in its usual way."""
    with open("/dev/full", "w") as full:
        quick = _command("script", KPIS, tmp_path, stdout=full)
    with open("/dev/full", "w") as full:
        ordinary = _command("run", KPIS, tmp_path, stdout=full)
    assert quick.returncode == ordinary.returncode != 0
    assert "No space left on device" in quick.stderr
    assert quick.stderr == ordinary.stderr


def test_leave_flushes_runs_exit_handlers_and_exits_with_the_code(tmp_path: Path) -> None:
    code = """
        import atexit, sys
        from cfcs_qa.cli.quick_exit import leave
        atexit.register(lambda: print("handler ran"))
        print("unflushed", end="")
        sys.stderr.write("to stderr")
        leave(3)
    """
    done = _python(code, cwd=tmp_path)
    assert done.returncode == 3
    assert done.stdout == "handler ran\nunflushed" or done.stdout == "unflushedhandler ran\n"
    assert done.stderr == "to stderr"


def test_leave_exits_at_once_only_when_safe(tmp_path: Path) -> None:
    """``os._exit`` skips what is left of the program; the ordinary exit runs it (here, a
    ``finally`` that prints): only the latter prints it."""
    probe = """
        import sys, threading
        from cfcs_qa.cli.quick_exit import leave
        {setup}
        try:
            leave(0)
        finally:
            print("ordinary exit")
    """
    quick = _python(probe.format(setup="pass"), cwd=tmp_path)
    assert (quick.returncode, quick.stdout) == (0, "")
    store = _python(probe.format(setup="import sqlalchemy"), cwd=tmp_path)
    assert (store.returncode, store.stdout) == (0, "ordinary exit\n")
    other = probe.format(setup="threading.Thread(target=__import__('time').sleep, args=(0.5,), "
                               "name='not-ours').start()")
    foreign = _python(other, cwd=tmp_path)
    assert (foreign.returncode, foreign.stdout) == (0, "ordinary exit\n")


@pytest.fixture
def running_thread() -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name=f"{quick_exit.OURS}test")
    thread.start()
    yield stop
    stop.set()
    thread.join()


def test_a_thread_of_ours_that_does_not_end_is_not_cut_short(
        running_thread: threading.Event, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quick_exit, "JOIN_SECONDS", 0.05)
    assert quick_exit._background_finished() is False
    running_thread.set()
    assert quick_exit._background_finished() is True


def test_ctrl_c_while_the_entry_is_written_keeps_the_output_and_says_so(tmp_path: Path) -> None:
    """Interrupted while waiting for the background work: exit 130 at once (no second Ctrl-C
    needed), the command's output flushed, one line saying what was left."""
    import signal

    code = """
        import sys, threading, time
        import cfcs_qa.ingest.cache as cache
        from cfcs_qa.cli.quick_exit import leave
        writer = threading.Thread(target=time.sleep, args=(60,), name="cfcs-qa-cache-store")
        writer.start()
        cache._pending.append(writer)  # an entry being written in the background
        print("the command's output")
        sys.stderr.write("waiting\\n")
        sys.stderr.flush()
        leave(0)  # at once: it waits for the writer
    """
    base = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=base)
    assert proc.stderr is not None
    assert proc.stderr.readline() == "waiting\n"
    import time

    time.sleep(0.3)  # inside leave(), joining the writer
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert out == "the command's output\n"
    assert err == quick_exit.INTERRUPTED


def test_a_light_command_exits_without_importing_the_cache(tmp_path: Path) -> None:
    """``cfcs-qa --help`` stays instant: waiting for the cache's background work imports
    nothing when the command never used the cache."""
    probe = """
        import atexit, sys
        heavy = ("cfcs_qa.ingest.cache", "pydantic", "pandas", "pyarrow")
        atexit.register(lambda: sys.stderr.write(repr([m for m in heavy if m in sys.modules])))
        from cfcs_qa.cli.main import script
        sys.argv = ["cfcs-qa", "--help"]
        script()
    """
    done = _python(probe, cwd=tmp_path)
    assert done.returncode == 0 and "kpis" in done.stdout
    assert done.stderr == "[]"
