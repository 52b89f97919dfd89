"""The extract's reading begun before the command line is parsed.

Once the largest CSV file of a large extract is being parsed, a cold ``kpis`` keeps every
core busy; until then one core imports (typer, the commands, pandas) while the other waits.
``begin`` finds, in the arguments of a command that loads an extract (``kpis``, ``explain``,
``validate``), the few options the reading depends on (``--data``, ``--config``,
``--as-of``, ``--no-cache``) and calls ``ingest.prefetch`` with them before typer is
imported: the cache's hashing and the read-ahead of the largest file then run beside those
imports (about 0.25 s sooner done on the benchmark extract; ``BENCHMARKS.md``).

Typer still parses the command line, and the command still calls ``prefetch`` itself, which
takes up what began here rather than begin again. A guess that differs from typer's reading
(an option spelled in a way not looked for here) costs only time: the loader takes a read
ahead only of the file it opens, unchanged since, read with the columns it asks for, and
otherwise reads the file itself. Nothing here prints or raises; a bad option or setting is
reported by the command, as ever (a command line typer rejects, say a misspelt option, may
have begun a read: the process waits for it before exiting, as it does for a command that
stops early).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

READING_COMMANDS = frozenset({"kpis", "explain", "validate"})
"""The commands that call ``ingest.prefetch`` before loading the extract."""
VALUED = ("--data", "--config", "--as-of")
"""The options looked for that take a value (written ``--data X`` or ``--data=X``)."""


@dataclass(frozen=True)
class ReadingOptions:
    """What a reading command's arguments say about the extract it will load."""

    command: str
    data: Path | None = None
    config: Path | None = None
    as_of: str | None = None
    cache: bool = True


def reading_options(args: Sequence[str]) -> ReadingOptions | None:
    """The options of ``args`` (the command line after ``cfcs-qa``) when they name a reading
    command; None for any other command, for help, and for anything unexpected. As click
    reads them: the last of an option given twice wins, and the command's ``--config`` wins
    over the one given before the command."""
    command: str | None = None
    found: dict[str, str] = {}
    root_config: str | None = None
    cache = True
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            return None  # what follows is arguments, not options: left to click
        if arg in ("--help", "-h"):
            return None
        name, equals, value = arg.partition("=")
        if name in VALUED:
            if not equals:
                given = next(rest, None)
                if given is None:
                    return None
                value = given
            if command is not None:
                found[name] = value
            elif name == "--config":
                root_config = value
            else:
                return None  # only --config comes before the command
        elif arg == "--no-cache" and command is not None:
            cache = False
        elif command is None and not arg.startswith("-"):
            if arg not in READING_COMMANDS:
                return None
            command = arg
    if command is None:
        return None
    config = found.get("--config", root_config)
    data = found.get("--data")
    return ReadingOptions(
        command=command,
        data=Path(data) if data is not None else None,
        config=Path(config) if config is not None else None,
        as_of=found.get("--as-of"),
        cache=cache,
    )


def begin(args: Sequence[str]) -> None:
    """Start ``ingest.prefetch`` for a reading command's extract (nothing for another
    command). Call it after ``process_setup.prepare`` and before typer is imported."""
    try:
        options = reading_options(args)
        if options is None:
            return
        from ..config import load_settings
        from ..ingest import default_cache_dir, prefetch
        from .extract_source import as_of_date, data_source

        settings = load_settings(options.config)
        source = data_source(options.data, settings)
        prefetch(source.path, settings, as_of_date(options.as_of), synthetic=source.synthetic,
                 cache_dir=default_cache_dir() if options.cache else None)
    except Exception:  # noqa: BLE001 - the command meets the same error and reports it
        return
