"""``resettle scenario``: generate the synthetic Camp Ashraf world or a random scale instance,
write it as import files and/or load it into the database. All data it makes is synthetic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console as stdout_console
from resettle.adapters.cli.output import failing_cleanly, progress_bar
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.repository import load_batch, store_batch
from resettle.core import RegistryBatch
from resettle.reporting.stats import registry_stats, summarize_stats
from resettle.simulation.ashraf import generate_ashraf
from resettle.simulation.ashraf_config import AshrafConfig
from resettle.simulation.random_instances import generate_random

if TYPE_CHECKING:  # demo imports this module for its STEPS
    from resettle.adapters.cli.demo import DemoContext


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


Out = Annotated[Path | None, typer.Option(help="Write import files (persons, cases, "
                                          "localities, pledges) into this folder.")]
Format = Annotated[FileFormat, typer.Option("--format", help="Format of the import files.")]
Load = Annotated[bool, typer.Option("--load", help="Store the batch in the database "
                                    "(idempotent: loading the same seed twice changes nothing).")]
Hxl = Annotated[bool, typer.Option("--hxl", help="Add an HXL hashtag row under the header.")]


def register(app: typer.Typer) -> None:
    scenario = typer.Typer(
        help="Generate synthetic scenarios (all data is invented) as import files or loaded "
        "into the database.",
        no_args_is_help=True,
    )
    scenario.command("ashraf")(scenario_ashraf)
    scenario.command("random")(scenario_random)
    app.add_typer(scenario, name="scenario")


def scenario_ashraf(
    *,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same world.")] = 2011,
    population: Annotated[int, typer.Option(min=1, help="Residents to generate.")] = 3400,
    out: Out = None,
    file_format: Format = FileFormat.CSV,
    hxl: Hxl = False,
    load: Load = False,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Camp Ashraf / Liberty (Iraq, 2011-2016): ~3,400 synthetic residents, twelve host
    states and their pledges. See docs/scenario.md for what is modelled and why."""
    config = AshrafConfig(population=population)
    console = stdout_console()
    with console.status("Generating the Ashraf scenario"):
        batch = generate_ashraf(seed, config)
    _deliver(console, batch, out=out, file_format=file_format, hxl=hxl, load=load,
             database_url=database_url)
    for line in summarize_stats(registry_stats(batch, config.as_of)):
        console.print(line)


def scenario_random(
    *,
    cases: Annotated[int, typer.Option(min=1, help="Number of cases (about 3.3 persons each).")],
    localities: Annotated[int, typer.Option(min=1, help="Number of localities.")],
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same instance.")] = 1,
    out: Out = None,
    file_format: Format = FileFormat.CSV,
    hxl: Hxl = False,
    load: Load = False,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """A large random instance for scale tests (e.g. 30,000 cases, ~100,000 persons)."""
    console = stdout_console()
    with console.status(f"Generating {cases:,} random cases"):
        batch = generate_random(cases, localities, seed)
    _deliver(console, batch, out=out, file_format=file_format, hxl=hxl, load=load,
             database_url=database_url)
    console.print(f"{batch.persons_count:,} persons in {len(batch.cases):,} cases, "
                  f"{len(batch.localities):,} localities, {len(batch.pledges):,} pledges")


def _deliver(console: Console, batch: RegistryBatch, *, out: Path | None,
             file_format: FileFormat, hxl: bool, load: bool, database_url: str) -> None:
    if out is None and not load:
        console.print("Nothing written: give --out DIR and/or --load.")
        raise typer.Exit(code=2)
    with failing_cleanly():
        if out is not None:
            console.print("Writing import files needs the registry import/export (coming).")
            raise typer.Exit(code=2)
        if load:
            load_scenario(batch, database_url)
            console.print("Loaded into the database.")


@contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    with progress_bar(transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.advance(task, done)


def load_scenario(batch: RegistryBatch, database_url: str) -> None:
    """Store the batch in one transaction (an upsert: reloading the same batch is a no-op)."""
    engine = open_engine(database_url)
    try:
        with (
            _progress("Loading into the database", batch.persons_count) as advance,
            make_session_factory(engine).begin() as session,
        ):
            store_batch(session, batch=batch, progress=advance)
    finally:
        engine.dispose()


def step_load_ashraf(ctx: DemoContext) -> None:
    """Demo: generate Ashraf with the demo seed, load it, and count what the database holds."""
    config = AshrafConfig()
    batch = generate_ashraf(ctx.seed, config)
    load_scenario(batch, ctx.database_url)
    engine = open_engine(ctx.database_url)
    try:
        with make_session_factory(engine)() as session:
            stored = load_batch(session)
    finally:
        engine.dispose()
    lines = summarize_stats(registry_stats(stored, config.as_of))
    ctx.console.rule("registry: synthetic Camp Ashraf scenario")
    for line in lines:
        ctx.console.print(line)
    ctx.summary["registry"] = lines[0]
