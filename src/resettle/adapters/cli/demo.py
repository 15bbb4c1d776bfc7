"""``resettle demo``: set up the embedded database and run every stage that exists so far."""

from __future__ import annotations

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    app.command()(demo)


def demo() -> None:
    """Run the Camp Ashraf demonstration end to end and print a summary."""
    console = Console()
    console.rule("resettle demo")
    console.print("No stage is wired into the demo yet.")
