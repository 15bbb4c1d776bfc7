"""A command line imports only its own command's module (issue 17: `resettle place
--time-limit` must not spend its budget importing outcome models, record linkage and the web
app), and the map from command to module stays equal to what the modules register."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from resettle.adapters.cli.main import COMMANDS, MODULES, build_app, full_app, modules_for

HEAVY = ("sklearn", "splink", "duckdb", "fastapi", "uvicorn", "simpy", "matplotlib",
         "weasyprint", "ortools")


def top_level(app: typer.Typer) -> set[str]:
    return set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_is_mapped_to_the_modules_that_build_it() -> None:
    assert top_level(full_app()) == set(COMMANDS)
    for command, modules in COMMANDS.items():
        assert set(modules) <= set(MODULES)
        assert command in top_level(build_app(modules)), command


@pytest.mark.parametrize("module", MODULES)
def test_each_module_registers_only_commands_mapped_to_it(module: str) -> None:
    built = top_level(build_app((module,))) - {"version"}
    assert all(module in COMMANDS[command] for command in built), (module, built)


def test_a_group_built_alone_has_every_sub_command() -> None:
    alone = typer.main.get_command(build_app(COMMANDS["dedup"]))
    everything = typer.main.get_command(full_app())
    assert (set(alone.commands["dedup"].commands)  # type: ignore[attr-defined]
            == set(everything.commands["dedup"].commands))  # type: ignore[attr-defined]
    assert {"queue", "merge", "check"} <= set(
        everything.commands["dedup"].commands)  # type: ignore[attr-defined]


def test_help_and_unknown_commands_get_every_command() -> None:
    assert modules_for([]) == MODULES and modules_for(["--help"]) == MODULES
    assert modules_for(["plaec", "--help"]) == MODULES  # the error lists every command
    assert modules_for(["place", "--time-limit", "15"]) == ("placement_files",)
    unknown = CliRunner().invoke(full_app(), ["plaec"])
    assert unknown.exit_code != 0 and "No such command" in unknown.output


@pytest.mark.slow
@pytest.mark.parametrize(("argv", "uses"), [
    (["place", "--help"], ()),
    (["version"], ()),
    (["import", "--help"], ("splink", "duckdb")),  # an import checks each row for duplicates
])
def test_a_command_imports_no_stage_it_does_not_use(argv: list[str], uses: tuple[str, ...]) -> None:
    script = (
        "import sys\n"
        f"sys.argv = ['resettle', *{argv!r}]\n"
        "from resettle.adapters.cli import main\n"
        "try:\n    main.main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n")
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120)
    loaded = ran.stdout.rsplit("LOADED:", 1)[1].strip()
    assert set(filter(None, loaded.split(","))) <= set(uses), loaded
