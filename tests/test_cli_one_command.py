"""``cfcs-qa COMMAND`` runs an app holding only that command (typer works out the parameters
of every command it holds): it must behave exactly as the whole app does."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cfcs_qa.cli.main import _command_named, _name_of, app, app_for

NAMES = sorted({_name_of(c) for c in app.registered_commands}
               | {str(g.name) for g in app.registered_groups})


def _out(args: list[str], which: object) -> tuple[int, str]:
    result = CliRunner().invoke(which, args)  # type: ignore[arg-type]
    return result.exit_code, result.output


def test_every_command_is_found() -> None:
    assert {"kpis", "explain", "validate", "sample", "audits", "calendar"} <= set(NAMES)
    for name in NAMES:
        lean = app_for([name])
        assert lean is not app
        assert [_name_of(c) for c in lean.registered_commands] + \
            [str(g.name) for g in lean.registered_groups] == [name]


@pytest.mark.parametrize("args", [[n, "--help"] for n in NAMES] + [
    ["audits", "import", "--help"], ["--debug", "kpis", "--help"],
    ["kpis", "--period", "weekly", "--data", "nowhere"], ["kpis", "--no-such-option"]])
def test_one_command_behaves_as_the_whole_app(args: list[str]) -> None:
    assert _out(args, app_for(args)) == _out(args, app)


@pytest.mark.parametrize("args", [[], ["--help"], ["--help", "kpis"], ["nosuch"],
                                  ["--config", "x.yaml"], ["-h", "kpis"]])
def test_help_first_or_no_command_is_the_whole_app(args: list[str]) -> None:
    assert app_for(args) is app


def test_the_command_is_the_first_argument_that_is_not_a_root_option() -> None:
    assert _command_named(["--config", "kpis", "validate"]) == "validate"
    assert _command_named(["--config=site.yaml", "--debug", "kpis", "7"]) == "kpis"
    assert _command_named(["--debug"]) is None
