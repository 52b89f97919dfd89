"""Every option of every command says what it is for in ``--help`` (a new user reads it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def _walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _walk(sub, (*path, name))


def test_every_option_has_help() -> None:
    import typer.main

    from cfcs_qa.cli.main import app

    missing = [
        f"cfcs-qa {' '.join(path)} {param.opts[0]}"
        for path, command in _walk(typer.main.get_command(app), ())
        for param in command.params
        if param.param_type_name == "option" and param.name != "help"
        and not (getattr(param, "help", None) or "").strip()
    ]
    assert not missing, f"options without help: {missing}"


def test_root_and_group_help_show_an_example(trial_cli) -> None:  # type: ignore[no-untyped-def]
    for args in (["--help"], ["audits", "--help"], ["audits", "actions", "--help"]):
        code, out, _ = trial_cli(*args)
        assert code == 0 and "Example: cfcs-qa" in " ".join(out.split())


def test_status_help_says_what_happens_without_data(trial_cli) -> None:  # type: ignore[no-untyped-def]
    """status skips the extract checks rather than using the bundled sample: --help says so."""
    code, out, _ = trial_cli("audits", "status", "--help")
    flat = " ".join(out.split())
    assert code == 0 and "these checks are skipped" in flat and "SYNTHETIC" not in flat
