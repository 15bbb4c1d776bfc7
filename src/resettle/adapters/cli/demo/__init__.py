"""``resettle demo``: set up the embedded database and run every stage that exists so far.

Each stage contributes one step: a function taking the shared :class:`DemoContext`. Steps run
in pipeline order; the last prints the summary.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

# Step modules import DemoContext only for type checking, so importing them here is no cycle.
from resettle.adapters.cli.demo.dedup import step_dedup
from resettle.adapters.cli.demo.departures import step_plan_departures
from resettle.adapters.cli.demo.placement import step_place_ashraf
from resettle.adapters.cli.demo.prediction import step_predict
from resettle.adapters.cli.demo.referral import step_referral_agreements
from resettle.adapters.cli.demo.registry import step_registry_files
from resettle.adapters.cli.demo.reporting import step_reports
from resettle.adapters.cli.demo.scenario import step_load_ashraf
from resettle.adapters.cli.demo.screening import step_screening_funnel
from resettle.adapters.cli.demo.simulate import step_simulate
from resettle.adapters.cli.demo.web import step_web
from resettle.security.crypto import generate_key_file

KEY_ENV = ("RESETTLE_DATA_KEYS", "RESETTLE_KEY_FILE")


@dataclass
class DemoContext:
    database_url: str
    output_dir: Path
    seed: int
    console: Console
    summary: dict[str, str] = field(default_factory=dict)  # heading -> one line, printed last
    serve: bool = False  # serve the web app once the demo has run (`resettle demo --serve`)
    after: list[Callable[[], None]] = field(default_factory=list)  # run after the summary
    # What a step hands to later steps, e.g. "outcome" -> the trained outcome model
    # (resettle.prediction.scoring.TrainedModel; score with score_cases).
    models: dict[str, Any] = field(default_factory=dict)


DemoStep = Callable[[DemoContext], None]

# Stages append their step here, in pipeline order.
# The web step stays last: with --serve it serves the app once everything else has run.
STEPS: tuple[DemoStep, ...] = (
    step_load_ashraf,
    step_referral_agreements,
    step_registry_files,
    step_dedup,
    step_screening_funnel,
    step_predict,
    step_place_ashraf,
    step_plan_departures,
    step_reports,
    step_simulate,
    step_web,
)


def register(app: typer.Typer) -> None:
    app.command()(demo)


def demo(
    database_url: Annotated[
        str, typer.Option(envvar="RESETTLE_DATABASE_URL", help="Database to build and use.")
    ] = "sqlite:///resettle.db",
    output_dir: Annotated[Path, typer.Option(help="Where reports and figures go.")] = Path(
        "demo-output"
    ),
    seed: Annotated[int, typer.Option(help="Seed of the synthetic scenario.")] = 2011,
    serve: Annotated[bool, typer.Option(
        help="Then serve the web app on 127.0.0.1 (port from RESETTLE_DEMO_PORT, default 8000)."
    )] = False,
) -> None:
    """Run the Camp Ashraf demonstration end to end and print a summary."""
    console = Console()
    console.rule("resettle demo — all data is synthetic")
    output_dir.mkdir(parents=True, exist_ok=True)
    context = DemoContext(database_url, output_dir, seed, console, serve=serve)
    with demo_keys(output_dir, console):
        for step in STEPS:
            step(context)
        console.rule("summary")
        if not context.summary:
            console.print("No stage is wired into the demo yet.")
        for heading, line in context.summary.items():
            console.print(f"[bold]{heading}[/bold]: {line}")
        for action in context.after:
            action()


@contextmanager
def demo_keys(output_dir: Path, console: Console) -> Iterator[None]:
    """The keys of the whole run: the environment's, else a key file beside the outputs.

    Sensitive fields are encrypted from the first import on, so every step needs them.
    """
    if any(os.environ.get(name) for name in KEY_ENV):
        yield
        return
    key_file = output_dir / "resettle-keys.json"
    if not key_file.exists():
        generate_key_file(key_file)
    console.print(f"encryption keys: {key_file} (never in the database); to use the CLI on "
                  f"this database later: export RESETTLE_KEY_FILE={key_file}", soft_wrap=True)
    os.environ["RESETTLE_KEY_FILE"] = str(key_file)
    try:
        yield
    finally:
        del os.environ["RESETTLE_KEY_FILE"]
