"""``cfcs-qa audits ...``: the audit store's command group.

Sub-commands live in their own modules, each with ``register(audits_app)``:
``audits_cycle`` (status, reassign, withdraw, replace), ``audits_import`` (import),
``audits_review`` (moderate, meeting, dispute, escalate, acknowledge, tier3, family-contact,
actions).
"""

from __future__ import annotations

import importlib

import typer

audits_app = typer.Typer(
    name="audits",
    help="The audit store: import completed toolkits, status, changes after Day 1, "
    "moderation, escalations, Tier 3 and actions. Example: cfcs-qa audits status "
    "--month 2026-11 (then `cfcs-qa audits COMMAND --help` for each command).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

_MODULES = ("audits_cycle", "audits_import", "audits_review")


def register(app: typer.Typer) -> None:
    for name in _MODULES:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{name}":
                continue  # not built yet
            raise
        module.register(audits_app)
    app.add_typer(audits_app, name="audits")
