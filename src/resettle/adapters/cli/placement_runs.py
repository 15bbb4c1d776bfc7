"""``resettle placement ...``: place the registry's ready cases, store every run, record
caseworkers' accept and override decisions; and the demo step."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, error_console, failing_cleanly
from resettle.adapters.db.engine import make_session_factory, write_session
from resettle.adapters.db.placement.store import SqlPlacementStore
from resettle.placement.result import PlacementResult
from resettle.placement.review import latest_decisions
from resettle.placement.runs import DecisionAction, PlacementRun
from resettle.placement.service import (
    Scoring,
    decide_placement,
    list_placement_runs,
    place_ready_cases,
)
from resettle.security.crypto import KeyRing

RUNS_LISTED = 50  # the newest
Actor = Annotated[str, typer.Option(help="Who decides (recorded with the decision).")]

app = typer.Typer(help="Placement runs on the database: run, list, show, accept, override.",
                  no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="placement")


@app.command("run")
def run_command(
    *,
    database_url: DatabaseUrl = DEFAULT_URL,
    on: Annotated[str | None, typer.Option(
        help="Day of the run (YYYY-MM-DD): pledges active that day; default today.")] = None,
    solver: Annotated[str, typer.Option(help="exact, large, greedy, random or stable.")] = "exact",
    time_limit: Annotated[float | None, typer.Option(help="Seconds before stopping.")] = 60.0,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    label: Annotated[str, typer.Option(help="A name for the run, e.g. the week.")] = "",
    actor: Actor = "cli",
) -> None:
    """Place every case ready for referral into the pledged localities; store the run."""
    day = date.fromisoformat(on) if on else date.today()
    with failing_cleanly():
        run, result = place_from_database(database_url, on=day, solver=solver,
                                          time_limit=time_limit, seed=seed, label=label,
                                          actor=actor)
    console().print(escape(result.summary()))
    console().print(f"stored as run [bold]{run.run_id}[/] (inputs {run.inputs_hash[:12]})")


def place_from_database(url: str, *, on: date, solver: str, time_limit: float | None,
                        seed: int, label: str, actor: str,
                        scoring: Scoring | None = None,
                        keys: KeyRing | None = None) -> tuple[PlacementRun, PlacementResult]:
    """The placement service on the database at ``url``; warnings go to the error console.
    ``keys`` open the encrypted fields (diagnoses, profiles); by default the environment's."""
    engine = open_engine(url)
    try:
        store = SqlPlacementStore(factory=make_session_factory(engine, keys=keys))
        outcome = place_ready_cases(store, on=on, solver=solver, time_limit=time_limit,
                                    seed=seed, label=label, actor=actor, now=datetime.now(),
                                    scoring=scoring)
    finally:
        engine.dispose()
    if outcome.warnings:
        error_console().print(f"{len(outcome.warnings)} case(s) have no allowed locality; "
                              "they stay unplaced (see `resettle placement show`)")
    if outcome.held_persons or outcome.replacing:
        error_console().print(f"{outcome.held_persons} person(s) keep the place a host state "
                              f"holds for them; {len(outcome.replacing)} case(s) refused "
                              "before are placed again elsewhere")
    return outcome.run, outcome.result


@app.command("runs")
def runs_command(database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """List stored placement runs, newest first."""
    with failing_cleanly(), open_session(database_url) as session:
        runs, _total = list_placement_runs(SqlPlacementStore(session), offset=0,
                                           limit=RUNS_LISTED)
    table = Table("run", "created", "label", "solver", "status", "placed", "outcome", "gap",
                  "inputs")
    for run in runs:
        gap = "n/a" if run.gap is None else f"{100 * run.gap:.3f}%"
        table.add_row(run.run_id, f"{run.created_at:%Y-%m-%d %H:%M}", escape(run.label),
                      run.solver, run.status, str(sum(run.persons_placed.values())),
                      f"{run.objective:.2f}", gap, run.inputs_hash[:12])
    console().print(table)


@app.command("show")
def show_command(run_id: str, database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """Show a run's placements and the decisions taken on them."""
    with failing_cleanly(), open_session(database_url) as session:
        store = SqlPlacementStore(session)
        run = store.get_run(run_id)
        decisions = latest_decisions(store.run_decisions(run_id))
    table = Table("case", "proposed", "score", "decision", "final", "reason")
    for case_id, loc, score in run.assignments:
        d = decisions.get(case_id)
        table.add_row(case_id, loc or "-", "" if score is None else f"{score:.3f}",
                      str(d.action) if d else "", (d.locality_id or "-") if d else "",
                      escape(d.reason) if d else "")
    console().print(table)


@app.command("accept")
def accept_command(run_id: str, case_id: str, database_url: DatabaseUrl = DEFAULT_URL,
                   actor: Actor = "cli") -> None:
    """Accept the run's proposed placement of a case."""
    with failing_cleanly(), open_session(database_url, write=True) as session:
        decide_placement(SqlPlacementStore(session), run_id, case_id, DecisionAction.ACCEPT,
                         actor=actor, at=datetime.now())
        session.commit()
    console().print(f"accepted {case_id} in run {run_id}")


@app.command("override")
def override_command(
    run_id: str, case_id: str, *,
    reason: Annotated[str, typer.Option(help="Why (required, recorded).")],
    locality: Annotated[str, typer.Option(help="Where the case goes instead (required).")] = "",
    confirm_overrun: Annotated[bool, typer.Option(
        "--confirm-overrun", help="Place the case even though the run filled the locality "
        "(the reason says why).")] = False,
    database_url: DatabaseUrl = DEFAULT_URL, actor: Actor = "cli",
) -> None:
    """Override a proposed placement with a reason and another locality; never into a
    no-return country, nor into a locality the run filled unless --confirm-overrun."""
    with failing_cleanly(), open_session(database_url, write=True) as session:
        decide_placement(SqlPlacementStore(session), run_id, case_id, DecisionAction.OVERRIDE,
                         locality_id=locality, reason=reason, actor=actor, at=datetime.now(),
                         confirm_overrun=confirm_overrun)
        session.commit()
    console().print(f"overrode {case_id} in run {run_id}: {locality}")


class open_session:  # noqa: N801 - used as a context manager, like a function
    def __init__(self, url: str, *, write: bool = False) -> None:
        self.engine = open_engine(url)
        factory = make_session_factory(self.engine)
        self.session = write_session(factory) if write else factory()

    def __enter__(self) -> Session:
        return self.session

    def __exit__(self, *exc: object) -> None:
        self.session.close()
        self.engine.dispose()
