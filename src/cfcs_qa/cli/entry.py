"""The ``cfcs-qa`` script: set up the process, begin reading the extract when the command
loads one (``early_start``), then import typer and the commands and run (``main.run``)."""

from __future__ import annotations

import sys


def run() -> None:
    from .process_setup import prepare

    prepare()
    from .early_start import begin

    begin(sys.argv[1:])
    from .main import run as run_command

    run_command()
