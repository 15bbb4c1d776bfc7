"""The ``resettle`` command. Each stage adds its commands through a ``register`` function.

A command line names one command, and :func:`main` imports only the module that registers it:
every stage's module together takes seconds to import (outcome models, solvers, record
linkage, the web app), and a command's own time limit — ``resettle place --time-limit 15`` —
should not pay for stages it never calls (issue 17). ``app``, with every command, is built on
first use, for ``resettle --help`` and for tests. ``tests/integration/cli/test_lazy_cli.py``
keeps :data:`COMMANDS` equal to what the modules register.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from functools import cache

import typer

from resettle import __version__

# Registration order of the full app (the order ``resettle --help`` lists them in).
MODULES = ("demo", "prediction", "registry", "dedup", "dedup_review", "registry_cases",
           "screening", "scenario", "serve", "security", "placement_files", "placement_runs",
           "placement_dynamic", "reporting", "simulate", "departures", "referral")

# Each top-level command or group: the modules that build it (dedup_review adds its commands
# to dedup's group).
COMMANDS: dict[str, tuple[str, ...]] = {
    "demo": ("demo",),
    "evaluate": ("prediction",), "model": ("prediction",),
    "db": ("registry",), "export": ("registry",), "import": ("registry",),
    "dedup": ("dedup", "dedup_review"),
    "cases": ("registry_cases",),
    "case": ("screening",),
    "scenario": ("scenario",),
    "serve": ("serve",),
    "audit": ("security",), "keys": ("security",), "users": ("security",),
    "place": ("placement_files",),
    "placement": ("placement_runs",),
    "place-dynamic": ("placement_dynamic",),
    "export-aggregates": ("reporting",), "report": ("reporting",), "stats": ("reporting",),
    "simulate": ("simulate",), "simulate-history": ("simulate",),
    "departures": ("departures",),
    "referral": ("referral",),
    "version": (),
}


def version() -> None:
    """Print resettle's version."""
    typer.echo(__version__)


def resettle() -> None:
    """Run a refugee resettlement operation: registry, screening, placement, referral."""


def build_app(modules: Sequence[str] = MODULES) -> typer.Typer:
    """The command with the commands of ``modules`` and ``version``. The explicit callback
    keeps it a group even with one command (Typer would run a lone command without its name)."""
    app = typer.Typer(
        name="resettle",
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,  # locals may hold personal data
    )
    app.callback()(resettle)
    for name in modules:
        module = importlib.import_module(f"resettle.adapters.cli.{name}")
        if hasattr(module, "register"):  # dedup_review registers on import, into dedup's group
            module.register(app)
    app.command()(version)
    return app


@cache
def full_app() -> typer.Typer:
    return build_app()


def modules_for(args: Sequence[str]) -> Sequence[str]:
    """The modules a command line needs: its command's, or all of them (help, an unknown or
    misspelt command — whose error then lists every command)."""
    named = next((arg for arg in args if not arg.startswith("-")), None)
    if named is None or named not in COMMANDS or "--help" in args[:1]:
        return MODULES
    return COMMANDS[named]


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "app"])  # tools that look for ``app`` (``typer ... utils docs``)


def main() -> None:
    build_app(modules_for(sys.argv[1:]))()
