"""``resettle stats``: counts of what the registry holds, as Rich tables."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated

import typer
from rich.table import Table

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console as stdout_console
from resettle.adapters.cli.output import failing_cleanly
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.store import load_batch
from resettle.core import Dimension
from resettle.reporting.stats import RegistryStats, label, registry_stats, summarize_stats


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)


def _parse_day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date; write it as YYYY-MM-DD") from None


def stats(
    database_url: DatabaseUrl = DEFAULT_URL,
    on: Annotated[str | None, typer.Option(
        help="Day ages and school places are counted on, YYYY-MM-DD (default: today; the "
        "Ashraf scenario's snapshot is 2015-06-30).",
    )] = None,
) -> None:
    """Counts by status, sex, age band, nationality, priority and needs (aggregates only)."""
    day = _parse_day(on)
    console = stdout_console()
    with failing_cleanly():
        engine = open_engine(database_url)
        try:
            with make_session_factory(engine)() as session:
                batch = load_batch(session)
        finally:
            engine.dispose()
    result = registry_stats(batch, day)
    for table in stats_tables(result):
        console.print(table)
    for line in summarize_stats(result):
        console.print(line)


def _table(title: str, counts: Iterable[tuple[object, int]], whole: int, unit: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column(unit, justify="right")
    table.add_column("share", justify="right")
    for key, count in counts:
        table.add_row(label(key), f"{count:,}", f"{count / whole:.1%}" if whole else "-")
    return table


def stats_tables(result: RegistryStats) -> list[Table]:
    status = Table(title="Pipeline", title_justify="left")
    for column in ("status", "cases", "persons"):
        status.add_column(column, justify="left" if column == "status" else "right")
    for key, count in result.cases_by_status.items():
        status.add_row(label(key), f"{count:,}", f"{result.persons_by_status.get(key, 0):,}")
    needs = Table(title="Needs and capacity", title_justify="left")
    for column in ("dimension", "demand", "cases needing", "capacity"):
        needs.add_column(column, justify="left" if column == "dimension" else "right")
    for dimension in Dimension:
        needs.add_row(label(dimension), f"{result.needs_total[dimension]:,}",
                      f"{result.cases_needing[dimension]:,}",
                      f"{result.capacity_total.get(dimension, 0):,}")
    return [
        status,
        _table("Sex", result.persons_by_sex.items(), result.persons, "persons"),
        _table(f"Age band on {result.on}", result.persons_by_age_band.items(), result.persons,
               "persons"),
        _table("Nationality", result.persons_by_nationality.items(), result.persons, "persons"),
        _table("Processing priority", result.cases_by_priority.items(), result.cases, "cases"),
        needs,
        _table("Services needed", result.cases_by_service.items(), result.cases, "cases"),
    ]
