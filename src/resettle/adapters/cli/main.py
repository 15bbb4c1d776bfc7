"""The ``resettle`` command. Each stage adds its commands through a ``register`` function."""

from __future__ import annotations

import typer

from resettle import __version__
from resettle.adapters.cli import (  # dedup_review adds its commands to dedup's
    dedup,
    dedup_review,  # noqa: F401
    demo,
    departures,
    placement,
    placement_db,
    placement_dynamic,
    prediction,
    referral,
    registry,
    reporting,
    scenario,
    screening,
    security,
    serve,
    simulate,
)
from resettle.adapters.cli import registry_cases as cases

app = typer.Typer(
    name="resettle",
    help="Run a refugee resettlement operation: registry, screening, placement, referral.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold personal data
)

for register in (
    demo.register,
    prediction.register,
    registry.register,
    dedup.register,
    cases.register,
    screening.register,
    scenario.register,
    serve.register,
    security.register,
    placement.register,
    placement_db.register,
    placement_dynamic.register,
    reporting.register,
    simulate.register,
    departures.register,
    referral.register,
):
    register(app)


@app.command()
def version() -> None:
    """Print resettle's version."""
    typer.echo(__version__)


def main() -> None:
    app()
