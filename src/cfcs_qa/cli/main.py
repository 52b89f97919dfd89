"""``cfcs-qa``: the entry point. Command modules are light; each defers its heavy imports."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Annotated, Any

GC_THRESHOLDS = (50_000, 20, 20)
"""A command runs for seconds and leaves little cyclic garbage, but imports and the KPI engine
make hundreds of thousands of objects: at Python's default thresholds (700, 10, 10) the
cycle collector ran about 300 times in a cached ``kpis`` run on a large extract (0.1-0.2 s,
rescanning every object of pandas each time); at these it runs a handful of times."""
gc.set_threshold(*GC_THRESHOLDS)

os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
"""Pydantic plugins are switched off for the command line, before pydantic is imported. A
plugin sees every value pydantic validates, and here those are children's records and site
settings, so none that happens to be installed beside cfcs-qa may watch them. It also spares
every command pydantic's scan of each installed package's entry points, about 0.1 s."""

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
"""No command multiplies matrices, but numpy's OpenBLAS starts a thread per core when numpy is
imported, and they spin for a while (about 0.1 s of CPU on a 2-core machine, taken from the
threads that hash and parse the extract). A value set by the user is kept."""

from .freed_memory import keep_freed_memory  # noqa: E402

keep_freed_memory()

import typer  # noqa: E402 - after the collector is set: importing typer is part of the work

from ..errors import UserError  # noqa: E402


def _new_app() -> typer.Typer:
    return typer.Typer(
        name="cfcs-qa",
        help="Quality assurance for Children & Family Community Services: load and validate "
        "case-management extracts, compute the 31 KPIs, run the monthly audit cycle, write "
        "reports. Example: cfcs-qa validate --data extract/ (then `cfcs-qa COMMAND --help` for "
        "each command).",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


app = _new_app()

_state: dict[str, object] = {"debug": False, "config": None}


@app.callback()
def _root(
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Site settings file (default: ./cfcs-qa.yaml if present)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Add the traceback to errors.")] = False,
) -> None:
    _state["config"] = config
    _state["debug"] = debug


def global_config() -> Path | None:
    value = _state.get("config")
    return value if isinstance(value, Path) else None


def _register() -> None:
    import importlib

    for name in ("validate", "sample_data", "kpis", "calendar_cmd", "sample", "audits", "report"):
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{name}":
                continue  # command not built yet
            raise
        module.register(app)


_register()


def app_for(args: list[str]) -> typer.Typer:
    """The app to run ``args`` (the command line after ``cfcs-qa``): one holding only the
    command they name, with the same root options, or ``app`` itself when they name none of
    its commands or ask for help first. Typer works out the parameters of every command it
    holds on each run, though one command runs (all of cfcs-qa's cost about 0.03 s more than
    one)."""
    name = _command_named(args)
    commands = [c for c in app.registered_commands if _name_of(c) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    lean = _new_app()
    lean.registered_callback = app.registered_callback
    lean.registered_commands = commands
    lean.registered_groups = groups
    return lean


def _command_named(args: list[str]) -> str | None:
    """The first argument that is not a root option (None: help asked for first, or none)."""
    rest = iter(args)
    for arg in rest:
        if arg in ("--help", "-h"):
            return None
        if arg == "--config":
            next(rest, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _name_of(command: Any) -> str:
    if command.name:
        return str(command.name)
    return str(command.callback.__name__).lower().replace("_", "-")


def run() -> None:
    debug = "--debug" in sys.argv
    try:
        code = app_for(sys.argv[1:])(standalone_mode=False)
        if isinstance(code, int) and code:  # typer.Exit(n) is returned, not raised, here
            sys.exit(code)
    except UserError as err:
        _print_error(err.message)
        if debug:
            raise
        sys.exit(err.exit_code)
    except typer.Exit as ex:
        sys.exit(ex.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _print_error("Interrupted. Nothing half-written was left behind: every write is atomic.")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback for users
        try:
            import click
        except ModuleNotFoundError:  # typer >= 0.22 vendors click as typer._click
            from typer import _click as click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code if exc.exit_code != 1 else 2)
        abort = getattr(click.exceptions, "Abort", None) or getattr(click, "Abort", None)
        if abort is not None and isinstance(exc, abort):
            sys.exit(130)
        if debug:
            raise
        if isinstance(exc, OSError) and exc.filename:  # a file the user named or must fix
            _print_error(
                f"Could not read or write {exc.filename}: {exc.strerror or exc}. Check the "
                "path and its permissions (a read-only or missing folder is the usual cause) "
                "and run again."
            )
            sys.exit(2)
        _print_error(
            f"cfcs-qa stopped on an internal error ({type(exc).__name__}). Nothing was changed "
            "in the store. Run the same command again with --debug to see the traceback, and "
            "report it to whoever maintains cfcs-qa."
        )
        sys.exit(2)


def script() -> None:
    """The ``cfcs-qa`` console script: ``run``, then the process ends at once when that is safe,
    without tearing the interpreter down (``quick_exit``)."""
    try:
        run()
        code = 0
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise  # a message to print: the ordinary exit prints it
        code = exc.code or 0
    from .quick_exit import leave

    leave(code)


def _print_error(message: str) -> None:
    sys.stderr.write(f"Error: {message}\n")


if __name__ == "__main__":
    script()
