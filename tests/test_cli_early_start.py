"""The ``cfcs-qa`` script begins reading the extract before typer parses the command line
(``cli.early_start``): with the same options the command then uses, for the commands that
load an extract only, never printing or raising, and changing no output."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.cli.early_start import ReadingOptions, begin, reading_options
from cfcs_qa.ingest import early_read

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("args", "expected"), [
    (["kpis", "--data", "x", "--month", "2026-10"], ReadingOptions("kpis", data=Path("x"))),
    (["kpis", "--data=x", "--as-of=2026-11-20", "--no-cache"],
     ReadingOptions("kpis", data=Path("x"), as_of="2026-11-20", cache=False)),
    (["explain", "7", "--data", "a=b"], ReadingOptions("explain", data=Path("a=b"))),
    (["--config", "root.yaml", "--debug", "validate"],
     ReadingOptions("validate", config=Path("root.yaml"))),
    (["--config", "root.yaml", "validate", "--config", "own.yaml"],
     ReadingOptions("validate", config=Path("own.yaml"))),
    (["kpis", "--data", "first", "--data", "second"], ReadingOptions("kpis", data=Path("second"))),
])
def test_the_options_a_reading_command_is_given(args: list[str],
                                                expected: ReadingOptions) -> None:
    assert reading_options(args) == expected


@pytest.mark.parametrize("args", [
    [], ["--help"], ["kpis", "--help"], ["-h", "kpis"], ["audits", "--data", "x"],
    ["sample-data", "--output-dir", "x"], ["--data", "x", "kpis"], ["kpis", "--data"],
    ["kpis", "--", "--data", "x"], ["--debug"], ["--config", "kpis"],
])
def test_anything_else_begins_nothing(args: list[str]) -> None:
    assert reading_options(args) is None


# -- the same options as typer's, for any command line typer accepts ---------------------------

COMMON = ["--data", "--config", "--as-of", "--no-cache"]
OTHERS = {
    "kpis": [["--month", "2026-10"], ["--format", "json"], ["--history", "2"], ["--by", "team"],
             ["--period", "r12"]],
    "explain": [["--month", "2026-10"], ["--format", "json"]],
    "validate": [["--format", "json"], ["--strict"]],
}


@pytest.fixture(scope="module")
def configs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Two site settings files that differ, and one that does not exist."""
    folder = tmp_path_factory.mktemp("configs")
    one, other = folder / "one.yaml", folder / "other.yaml"
    one.write_text("data: from-config-one\n", encoding="utf-8")
    other.write_text("header_rows:\n  visits: 1\n", encoding="utf-8")
    return [str(one), str(other), str(folder / "missing.yaml")]


@st.composite
def command_lines(draw: st.DrawFn, configs: list[str]) -> list[str]:
    values = {"--data": st.sampled_from(["d1", "d2", "sub/d=3"]),
              "--config": st.sampled_from(configs),
              "--as-of": st.sampled_from(["2026-11-20", "2026-02-28", "not-a-date"])}
    command = draw(st.sampled_from(sorted(OTHERS)))
    parts: list[list[str]] = []
    for name in draw(st.lists(st.sampled_from(COMMON), max_size=6)):
        if name == "--no-cache":
            parts.append([name])
            continue
        value = draw(values[name])
        parts.append([f"{name}={value}"] if draw(st.booleans()) else [name, value])
    parts += draw(st.lists(st.sampled_from(OTHERS[command]), max_size=2, unique_by=tuple))
    if command == "explain":
        parts.append(["7"])
    order = draw(st.permutations(parts))
    root: list[str] = []
    if draw(st.booleans()):
        root += ["--config", draw(st.sampled_from(configs))]
    if draw(st.booleans()):
        root.append("--debug")
    return [*root, command, *(token for part in order for token in part)]


class Stop(Exception):
    """Raised by the recording prefetch: the command need not go on to load anything."""


@contextlib.contextmanager
def recorded_prefetches() -> Iterator[list[tuple[Any, ...]]]:
    import cfcs_qa.ingest as ingest

    calls: list[tuple[Any, ...]] = []

    def record(path: Path, settings: Any, as_of: date, *, synthetic: bool = False,
               cache_dir: Path | None = None) -> None:
        calls.append((Path(path), settings, as_of, synthetic, cache_dir))
        raise Stop

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest, "prefetch", record)
        yield calls


def _as_the_command_calls_it(args: list[str]) -> list[tuple[Any, ...]]:
    from cfcs_qa.cli.main import run

    with recorded_prefetches() as calls, pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "argv", ["cfcs-qa", *args])
        quiet = contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO())
        # with --debug, run() raises the error (Stop included) after its message
        with quiet[0], quiet[1], contextlib.suppress(SystemExit, Exception):
            run()
    return calls


def _as_begin_calls_it(args: list[str]) -> list[tuple[Any, ...]]:
    with recorded_prefetches() as calls, contextlib.redirect_stdout(io.StringIO()) as out, \
            contextlib.redirect_stderr(io.StringIO()) as err:
        begin(args)  # the recorder's Stop is swallowed, as any error is
    assert out.getvalue() == err.getvalue() == ""  # never prints
    return calls


def test_begin_prefetches_exactly_what_the_command_then_does(configs: list[str]) -> None:
    """For command lines typer accepts, ``begin`` calls ``prefetch`` with the arguments the
    command itself calls it with (path, settings, extract date, synthetic, cache folder), and
    not at all when the command stops first (a missing config file, a bad --as-of)."""
    outcomes: list[int] = []

    @settings(max_examples=150, deadline=None)
    @given(command_lines(configs))
    def check(args: list[str]) -> None:
        expected = _as_the_command_calls_it(args)
        assert _as_begin_calls_it(args) == expected
        outcomes.append(len(expected))

    check()
    assert 0 in outcomes and 1 in outcomes  # lines that prefetch and lines that stop first


def test_the_options_looked_for_are_the_reading_commands_own() -> None:
    """A renamed option would leave ``begin`` looking for the old name (and reading nothing
    early): each reading command has every option ``begin`` looks for."""
    import typer.main

    from cfcs_qa.cli.early_start import READING_COMMANDS, VALUED
    from cfcs_qa.cli.main import app

    group = typer.main.get_command(app)
    for name in READING_COMMANDS:
        command = group.commands[name]  # type: ignore[attr-defined]
        options = {opt for param in command.params for opt in param.opts}
        assert {*VALUED, "--no-cache"} <= options, name


# -- what begins, and the script as a whole -------------------------------------------------


def test_begin_reads_the_largest_file_ahead(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.conftest import write
    from ingest.test_early_read import VISITS
    from ingest.test_parallel_same import MESSY

    monkeypatch.setattr(early_read, "EARLY_BYTES", 0)
    early_read.discard()
    data = write(tmp_path / "x", {**MESSY, "visits.csv": VISITS})
    begin(["kpis", "--data", str(data), "--as-of", "2026-11-20", "--no-cache"])
    try:
        found = early_read.take(data / "visits.csv", 0)
        assert found is not None and found.raw is not None
    finally:
        early_read.discard()


def test_a_bad_config_begins_nothing_and_says_nothing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "cfcs-qa.yaml"
    bad.write_text("columns: [unclosed\n", encoding="utf-8")
    early_read.discard()
    with recorded_prefetches() as calls:
        begin(["kpis", "--config", str(bad), "--data", str(tmp_path)])
    assert calls == []


def test_the_installed_script_is_the_entry_that_begins_early() -> None:
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "cfcs-qa"]
    assert script.value == "cfcs_qa.cli.entry:run"


def test_the_script_writes_what_the_command_alone_writes(tmp_path: Path) -> None:
    """The bundled sample through ``entry.run`` (reading begun early) and ``main.run`` (not):
    the same KPI JSON, byte for byte, and the same messages."""
    args = ["kpis", "--month", "2026-10", "--as-of", "2026-11-20", "--format", "json"]
    outputs = []
    for module in ("cfcs_qa.cli.entry", "cfcs_qa.cli.main"):
        done = subprocess.run(
            [sys.executable, "-c", f"from {module} import run; run()", *args],
            capture_output=True, text=True, cwd=tmp_path,
            env={**os.environ, "CFCS_QA_CACHE": str(tmp_path / f"cache-{module}")},
        )
        assert done.returncode == 0, done.stderr
        outputs.append((done.stdout, done.stderr))
    assert outputs[0] == outputs[1]
    assert '"kpis"' in outputs[0][0]
