"""``resettle place``: place cases from files (docs/placement-format.md) or the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from resettle.adapters.cli.output import console, error_console, failing_cleanly, issues_table
from resettle.core.issues import Issue
from resettle.errors import ValidationError
from resettle.placement import files
from resettle.placement.budget import Budget, refuse_short_limit
from resettle.placement.build import WARNING_CODES, build_problem, validate, with_preferences
from resettle.placement.problem import PlacementProblem
from resettle.placement.records import BuildOptions, PlacementCase, PlacementLocality
from resettle.placement.result import PlacementResult
from resettle.placement.solve import solve_placement
from resettle.placement.solvers import solver_names


def register(app: typer.Typer) -> None:
    app.command()(place)


def place(  # noqa: PLR0917 - Typer maps parameters to options
    cases: Annotated[Path, typer.Option(help="cases.csv: case_id,size,priority[,need_*...]")],
    localities: Annotated[Path, typer.Option(
        help="localities.csv: locality_id,country,capacity_persons[,capacity_*...]")],
    out: Annotated[Path, typer.Option(help="Where to write placements.csv.")],
    scores: Annotated[Path | None, typer.Option(
        help="scores.csv: case_id,locality_id,score (a missing pair is not allowed). "
             "Optional only with --solver stable.")] = None,
    solver: Annotated[str, typer.Option(
        help=f"Solver: {', '.join(solver_names())}.")] = "exact",
    time_limit: Annotated[float | None, typer.Option(help="Seconds before stopping.")] = None,
    gap: Annotated[float | None, typer.Option(help="Relative gap to stop at (exact).")] = None,
    seed: Annotated[int, typer.Option(help="Seed (random and tie-breaking).")] = 0,
    report: Annotated[Path | None, typer.Option(
        help="report.json: status, bound, explanations, shadow prices.")] = None,
    preferences: Annotated[Path | None, typer.Option(
        help="prefs.csv for --solver stable: case_id,locality_id,rank (1 = first).")] = None,
    priorities: Annotated[Path | None, typer.Option(
        help="prio.csv for --solver stable: locality_id,case_id,rank (1 = highest).")] = None,
) -> None:
    """Place cases into localities from CSV files; write placements.csv and a report."""
    budget = Budget.of(time_limit)  # the whole command: reading, solve, report
    with failing_cleanly():
        # Sized from the files' line counts before reading them: refused before any work.
        refuse_short_limit(budget, files.count_data_rows(cases), files.count_data_rows(scores),
                           reading=True, explaining=report is not None)
        problem = _load_problem(cases, localities, scores, ranks=(preferences, priorities),
                                solver=solver)
        result = solve_placement(problem, solver=solver, gap=gap, seed=seed,
                                 time_limit=budget.for_solve(explaining=report is not None,
                                                             n_cases=problem.n_cases))
        files.write_placements(out, problem, result)
        if report is not None:
            # compact: the indented form goes through the pure-Python encoder (2 s at 20,000)
            report.write_text(json.dumps(files.build_report(problem, result, budget)),
                              encoding="utf-8")
    _print_result(result)
    if not result.status.has_solution:
        raise typer.Exit(code=2)


def _load_problem(cases_path: Path, localities_path: Path, scores_path: Path | None, *,
                  ranks: tuple[Path | None, Path | None], solver: str) -> PlacementProblem:
    prefs_path, prio_path = ranks
    issues: list[Issue] = []
    cases, found = files.read_cases(cases_path)
    issues += found
    localities, found = files.read_localities(localities_path)
    issues += found
    prefs: files.Ranks = {}
    prios: files.Ranks = {}
    if solver == "stable" or prefs_path or prio_path:
        if prefs_path is None:
            issues.append(Issue("missing_value", "--solver stable needs --preferences",
                                field="--preferences"))
        else:
            prefs, found = files.read_ranks(prefs_path, "case_id", "locality_id")
            issues += found
        if prio_path is not None:
            prios, found = files.read_ranks(prio_path, "locality_id", "case_id")
            issues += found
    if scores_path is not None:
        scores, found = files.read_scores(scores_path)
        issues += found
    elif solver == "stable":
        scores = dict.fromkeys(prefs, 0.0)
    else:
        scores = {}
        issues.append(Issue("missing_value", "give --scores", field="--scores"))
    if issues:
        raise ValidationError(issues, "the input files have problems; nothing was placed")
    if prefs:
        scores = {key: value for key, value in scores.items() if key in prefs}
    problem = _build(cases, localities, scores)
    return with_preferences(problem, prefs, prios) if prefs else problem


def _build(cases: list[PlacementCase], localities: list[PlacementLocality],
           scores: dict[tuple[str, str], float]) -> PlacementProblem:
    options = BuildOptions()
    found = validate(cases, localities, scores, options=options)
    warnings = [i for i in found if i.code in WARNING_CODES]
    if warnings:
        error_console().print(issues_table(warnings, title="Warnings (the solve goes ahead)"))
    return build_problem(cases, localities, scores, options=options, validated=found)


def _print_result(result: PlacementResult) -> None:
    out = console()
    out.print(escape(result.summary()))
    if result.conflicts:
        out.print("[bold red]conflicting constraints:[/]")
        for conflict in result.conflicts:
            out.print(f"  - {escape(conflict)}")
    for shortfall in result.fairness_shortfalls:
        out.print(f"[yellow]fairness floor not met:[/] {escape(shortfall)}")
