"""``resettle scenario``: generate the synthetic Camp Ashraf world or a random scale instance,
write it as import files and/or load it into the database. All data it makes is synthetic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console as stdout_console
from resettle.adapters.cli.output import failing_cleanly, progress_bar
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.simulation.scenario_store import SqlScenarioDatabase, SqlScenarioStore
from resettle.core import RegistryBatch
from resettle.registry import FileFormat, Progress, RecordKind, write_records
from resettle.reporting.stats import registry_stats, summarize_stats
from resettle.screening.exclusion import ASHRAF_TRIGGERS
from resettle.screening.ports import ScreeningSettings
from resettle.simulation.ashraf import generate_ashraf
from resettle.simulation.ashraf_config import AshrafConfig
from resettle.simulation.memory_store import MemoryScreeningStore
from resettle.simulation.random_instances import generate_random
from resettle.simulation.screening_replay import replay_screening
from resettle.simulation.service import reset_synthetic_database, store_scenario

Out = Annotated[Path | None, typer.Option(help="Write import files (persons, cases, "
                                          "localities, pledges) into this folder.")]
Format = Annotated[FileFormat, typer.Option("--format", help="Format of the import files.")]
Load = Annotated[bool, typer.Option("--load", help="Store the scenario in the database "
                                    "(idempotent: loading the same seed twice changes nothing).")]
Replace = Annotated[bool, typer.Option("--replace", help="Empty the database first; refused "
                                       "unless everything in it is synthetic.")]
Hxl = Annotated[bool, typer.Option("--hxl", help="Add an HXL hashtag row under the header.")]


@dataclass(frozen=True)
class Scenario:
    batch: RegistryBatch
    history: MemoryScreeningStore | None  # the screening history that led to each status
    as_of: date


def register(app: typer.Typer) -> None:
    scenario = typer.Typer(
        help="Generate synthetic scenarios (all data is invented) as import files or loaded "
        "into the database.",
        no_args_is_help=True,
    )
    scenario.command("ashraf")(scenario_ashraf)
    scenario.command("random")(scenario_random)
    app.add_typer(scenario, name="scenario")


def make_ashraf(seed: int, config: AshrafConfig) -> Scenario:
    """Generate the residents, then replay the screening workflow up to each case's status."""
    batch = generate_ashraf(seed, config)
    settings = ScreeningSettings(protection=config.protection, triggers=ASHRAF_TRIGGERS)
    final, history = replay_screening(batch, seed=seed, as_of=config.as_of, settings=settings)
    # A case enters the database at version 1, however many steps its history has.
    cases = tuple(replace(case, version=1) for case in final.cases)
    return Scenario(replace(final, cases=cases), history, config.as_of)


def scenario_ashraf(
    *,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same world.")] = 2011,
    population: Annotated[int, typer.Option(min=1, help="Residents to generate.")] = 3400,
    out: Out = None,
    file_format: Format = FileFormat.CSV,
    hxl: Hxl = False,
    load: Load = False,
    replace: Replace = False,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Camp Ashraf / Liberty (Iraq, 2011-2016): ~3,400 synthetic residents with their
    screening history, twelve host states and their pledges (see docs/scenario.md)."""
    console = stdout_console()
    _check_wanted(console, out, load)
    with console.status("Generating the Ashraf scenario and its screening history"):
        scenario = make_ashraf(seed, AshrafConfig(population=population))
    _deliver(console, scenario, out=out, file_format=file_format, hxl=hxl,
             database_url=database_url if load else None, replace=replace)
    for line in summarize_stats(registry_stats(scenario.batch, scenario.as_of)):
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
    replace: Replace = False,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """A large random instance for scale tests (e.g. 30,000 cases, ~100,000 persons); its
    cases stand ready for referral, without a screening history."""
    console = stdout_console()
    _check_wanted(console, out, load)
    with console.status(f"Generating {cases:,} random cases"):
        batch = generate_random(cases, localities, seed)
    _deliver(console, Scenario(batch, None, date.today()), out=out, file_format=file_format,
             hxl=hxl, database_url=database_url if load else None, replace=replace)
    console.print(f"{batch.persons_count:,} persons in {len(batch.cases):,} cases, "
                  f"{len(batch.localities):,} localities, {len(batch.pledges):,} pledges")


def _check_wanted(console: Console, out: Path | None, load: bool) -> None:
    if out is None and not load:
        console.print("Nothing to do: give --out DIR (import files) and/or --load (database).")
        raise typer.Exit(code=2)


def _deliver(console: Console, scenario: Scenario, *, out: Path | None,
             file_format: FileFormat, hxl: bool, database_url: str | None,
             replace: bool) -> None:
    with failing_cleanly():
        if out is not None:
            written = write_batch_files(scenario.batch, out, file_format, hxl=hxl)
            console.print(f"Wrote {', '.join(p.name for p in written.values())} to {out}/")
        if database_url is not None:
            changed = load_scenario(scenario, database_url, replace=replace)
            console.print("Loaded into the database." if changed else
                          "The database already holds exactly this scenario: nothing changed.")


@contextmanager
def _progress(label: str) -> Iterator[Progress]:
    with progress_bar(transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def write_batch_files(batch: RegistryBatch, folder: Path, file_format: FileFormat, *,
                      hxl: bool = False) -> dict[RecordKind, Path]:
    """One file per record kind, e.g. ``folder/persons.csv``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[RecordKind, Path] = {}
    for kind in RecordKind:
        path = folder / f"{kind.value}.{file_format.value}"
        with _progress(f"Writing {path.name}") as progress:
            write_records(path, kind, batch, hxl=hxl, progress=progress)
        written[kind] = path
    return written


def load_scenario(scenario: Scenario, database_url: str, *, replace: bool = False) -> bool:
    """Store the scenario (and its history) in one transaction; False if already there."""
    if replace:
        engine = open_engine(database_url)
        try:
            reset_synthetic_database(SqlScenarioDatabase(engine))
        finally:
            engine.dispose()
    engine = open_engine(database_url)
    persons = scenario.batch.persons_count
    try:
        with (
            _progress("Loading into the database") as progress,
            make_session_factory(engine).begin() as session,
        ):
            return store_scenario(SqlScenarioStore(session), batch=scenario.batch,
                                  history=scenario.history,
                                  progress=_counting(progress, persons))
    finally:
        engine.dispose()


def _counting(progress: Progress, total: int) -> Callable[[int], None]:
    """store_batch reports persons written per chunk; the bar wants a running total."""
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        progress(done[0], total)

    return advance
