"""``resettle simulate``: when does the last person leave, at this pace, and what helps most.

Reads the registry as it stands (aggregates per case only), runs the SimPy operation model many
times and prints the forecast; writes a figure (PNG) beside its text alternative.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, failing_cleanly, progress_bar
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.simulation.store import DbOperationStore
from resettle.simulation.operation.calibration import evaluate_history, fit_history
from resettle.simulation.operation.figures import (
    calibration_figure,
    forecast_figure,
    tornado_figure,
)
from resettle.simulation.operation.forecast import Progress
from resettle.simulation.operation.history import FITTED
from resettle.simulation.operation.report import (
    band_lines,
    calibration_lines,
    forecast_lines,
    lever_lines,
)
from resettle.simulation.operation.service import (
    OperationRun,
    replications_needed,
    simulate_operation,
)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
    app.command("simulate-history")(simulate_history)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date; write it as YYYY-MM-DD") from None


def simulate(  # noqa: PLR0917 - Typer maps parameters to options
    database_url: DatabaseUrl = DEFAULT_URL,
    replications: Annotated[int, typer.Option(min=2, help="Runs of the model.")] = 100,
    seed: Annotated[int, typer.Option(help="Same seed, same answer (and the same random "
                                           "numbers for every lever).")] = 1,
    on: Annotated[str | None, typer.Option(
        help="Day the forecast starts from, YYYY-MM-DD (default: the last recorded case "
        "event).")] = None,
    jobs: Annotated[int, typer.Option(min=1, help="Processes running replications.")] = 1,
    risk_rate: Annotated[float, typer.Option(
        help="Deaths per 100,000 person-days in the camp (Ashraf 2011-2016: about 2.3).")] = 2.3,
    interviewers: Annotated[int, typer.Option(min=1, help="Interviewers at work.")] = 8,
    levers: Annotated[bool, typer.Option(
        help="Also compare the levers (2 more interviewers, 500 more places, vetting 30 days "
        "faster, pledges 90 days earlier, twice the flights) and rank them.")] = False,
    places_in: Annotated[str | None, typer.Option(
        help="State (ISO alpha-3) that gets the lever's 500 more places (default: the state "
        "that pledged most).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the figures.")] = Path("simulation"),
    scheduler: Annotated[str | None, typer.Option(
        help="Run the replications on a Dask cluster: its scheduler's address, e.g. "
        "tcp://10.0.0.5:8786 (needs the 'cluster' extra). Same seed, same answer.")] = None,
) -> None:
    """Forecast the operation from the registry: last departure, persons in the camp over time,
    person-days at risk, expected deaths; with --levers, what helps most."""
    with failing_cleanly():
        run = run_forecast(database_url, replications=replications, seed=seed,
                           as_of=_day(on), jobs=jobs, levers=levers, risk_rate=risk_rate,
                           interviewers=interviewers, scheduler=scheduler,
                           places_in=places_in.upper() if places_in else None)
    for line in render(run, out):
        console().print(line, soft_wrap=True)


def run_forecast(database_url: str, *, replications: int, seed: int, as_of: date | None,
                 jobs: int, levers: bool, risk_rate: float, interviewers: int,
                 scheduler: str | None = None, places_in: str | None = None) -> OperationRun:
    engine = open_engine(database_url)
    try:
        with make_session_factory(engine)() as session, \
                _progress(replications_needed(replications, levers)) as advance:
            return simulate_operation(
                DbOperationStore(session), replications=replications, seed=seed, as_of=as_of,
                jobs=jobs, with_levers=levers, progress=advance, scheduler=scheduler,
                places_in=places_in,
                risk_deaths_per_100k_person_days=risk_rate, interviewers=interviewers)
    finally:
        engine.dispose()


@contextmanager
def _progress(total: int) -> Iterator[Progress]:
    with progress_bar(transient=True) as bar:
        task = bar.add_task("replications", total=total)
        yield lambda done: bar.advance(task, done)


def render(run: OperationRun, out: Path) -> list[str]:
    """The forecast's lines; the figures written to ``out`` with their text alternatives."""
    out.mkdir(parents=True, exist_ok=True)
    lines = forecast_lines(run.forecast)
    figure = forecast_figure(run.forecast, out / "forecast.png")
    alternative = band_lines(run.forecast)
    (out / "forecast.txt").write_text("\n".join(lines + alternative) + "\n", encoding="utf-8")
    lines.append(f"figure: {figure} (text alternative: {out / 'forecast.txt'})")
    if run.levers:
        ranking = lever_lines(run.levers, run.forecast.share_everyone_left)
        tornado = tornado_figure(run.levers, out / "levers.png")
        (out / "levers.txt").write_text("\n".join(ranking) + "\n", encoding="utf-8")
        lines += [*ranking, f"figure: {tornado} (text alternative: {out / 'levers.txt'})"]
    return lines


def simulate_history(  # noqa: PLR0917 - Typer maps parameters to options
    replications: Annotated[int, typer.Option(min=2, help="Runs of the replay.")] = 20,
    seed: Annotated[int, typer.Option(help="Seed of the replay.")] = 7,
    fit: Annotated[bool, typer.Option(
        help="First fit the free parameters with scipy.optimize (Nelder-Mead, a few minutes); "
        "copy the result into history.FITTED to keep it.")] = False,
    fit_replications: Annotated[int, typer.Option(min=2, help="Runs per fit step.")] = 4,
    jobs: Annotated[int, typer.Option(min=1, help="Processes running replications.")] = 1,
    out: Annotated[Path, typer.Option(help="Folder for the figure and table.")] = Path(
        "simulation"),
) -> None:
    """Replay Camp Ashraf/Liberty 2011-2016 with the historical offers and compare the model's
    departures and closure date with the record (calibration)."""
    free = FITTED
    if fit:
        console().print("fitting the free parameters (Nelder-Mead)...")
        free = fit_history(replications=fit_replications, seed=1, start=FITTED, jobs=jobs)
        console().print(f"fitted: {free}")
    with _progress(replications) as advance:
        calibration = evaluate_history(free, replications=replications, seed=seed, jobs=jobs,
                                       progress=advance)
    out.mkdir(parents=True, exist_ok=True)
    lines = calibration_lines(calibration)
    figure = calibration_figure(calibration, out / "calibration.png")
    (out / "calibration.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for line in lines:
        console().print(line, soft_wrap=True, markup=False)
    console().print(f"figure: {figure} (text alternative: {out / 'calibration.md'})")
