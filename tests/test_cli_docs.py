"""Every command the typer app registers documents itself: non-empty help, a ``--help`` that runs
and shows an example. ``test_readme_mentions_every_command`` checks README.md names them all
(run it once the README rewrite has landed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

EXAMPLE = re.compile(r"\bExamples?\b|\be\.g\.", re.IGNORECASE)

# Groups whose help has no example yet (reported; their modules belong to the CLI engineer).
# A command missing here fails the example test: add an example to its help, not a line here.
WITHOUT_EXAMPLE: set[str] = set()


def _walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not getattr(sub, "hidden", False):
            yield from _walk(sub, (*path, name))


def _commands() -> list[tuple[tuple[str, ...], Any]]:
    import typer.main

    from cfcs_qa.cli.main import app

    return list(_walk(typer.main.get_command(app), ()))


COMMANDS = _commands()
IDS = ["cfcs-qa " + " ".join(path) if path else "cfcs-qa" for path, _ in COMMANDS]


def test_the_walk_finds_the_commands_and_subcommands() -> None:
    paths = {path for path, _ in COMMANDS}
    assert {("validate",), ("kpis",), ("audits",), ("audits", "import"),
            ("audits", "actions", "list")} <= paths


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_text_is_not_empty(path: tuple[str, ...], command: Any) -> None:
    text = (command.help or command.short_help or "").strip()
    assert len(text) >= 20, f"cfcs-qa {' '.join(path)} has no real help text: {text!r}"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_runs_and_shows_an_example(run_cli: Any, path: tuple[str, ...],
                                        command: Any) -> None:
    code, out, err = run_cli(*path, "--help")
    assert code == 0, err
    assert "Usage:" in out and f"cfcs-qa {' '.join(path)}".strip() in out
    first_words = " ".join((command.help or "").split()[:4])
    assert first_words in " ".join(out.split()), "the help text is not what --help shows"
    name = " ".join(("cfcs-qa", *path))
    if name in WITHOUT_EXAMPLE:
        return
    assert EXAMPLE.search(out), f"`{name} --help` shows no example (\"Example: ...\" or \"e.g.\")"


def test_commands_known_to_lack_an_example_still_exist() -> None:
    assert WITHOUT_EXAMPLE <= set(IDS)


def test_readme_mentions_every_command() -> None:
    """README.md names each top-level command as ``cfcs-qa NAME`` and each ``audits``
    sub-command (``audits NAME`` or ``audits actions NAME``; a backquoted bare name counts)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    flat = " ".join(readme.split())
    missing = []
    for path, _ in COMMANDS:
        if len(path) == 1 and f"cfcs-qa {path[0]}" not in flat:
            missing.append(f"cfcs-qa {path[0]}")
        elif len(path) > 1 and path[0] == "audits":
            spelled = " ".join(path)
            if spelled not in flat and f"`{path[-1]}`" not in flat:
                missing.append(f"cfcs-qa {spelled}")
    assert not missing, f"README.md does not mention: {', '.join(missing)}"
