"""Every command has help text and a section in docs/cli.md (regenerate with `make docs`)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from resettle.adapters.cli.main import app

CLI_DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def command_paths(command: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    # Typer vendors its own click; walk any command that has sub-commands.
    yield prefix, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_paths(sub, f"{prefix} {name}")


COMMANDS = list(command_paths(typer.main.get_command(app), "resettle"))
assert len(COMMANDS) > 10, "the command tree was not walked"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_help_and_is_documented(path: str, command: Any) -> None:
    assert (command.help or command.short_help or "").strip(), f"{path} has no help text"
    assert f"`{path}`" in CLI_DOC.read_text(encoding="utf-8"), (
        f"{path} is missing from docs/cli.md: run `make docs`"
    )
