"""``resettle departures ...``: checklists, items, flights, planning, manifests, tracking.

Every command is one unit of work through the departures service (which changes a case's
status only through the screening workflow); a refusal prints every reason and exits 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from resettle.adapters.cli.options import DEFAULT_URL, DatabaseUrl, open_engine
from resettle.adapters.cli.output import console, failing_cleanly
from resettle.adapters.db.departures.store import SqlDeparturesStore, departures_store
from resettle.departures import service
from resettle.departures.records import Booking, Flight, FlightKind, ItemKind
from resettle.screening.actions import utc_now

T = TypeVar("T")
departures_app = typer.Typer(help="Departures: pre-departure checklists, flights, planning "
                             "(HiGHS), manifests, departure and arrival.", no_args_is_help=True)
Actor = Annotated[str, typer.Option("--actor", help="Who takes the action (staff id).")]
At = Annotated[datetime | None, typer.Option(
    "--at", help="When (UTC, e.g. 2016-07-19T08:00); default now.")]


def register(app: typer.Typer) -> None:
    app.add_typer(departures_app, name="departures")


@contextmanager
def unit_of_work(database_url: str) -> Iterator[SqlDeparturesStore]:
    with failing_cleanly():
        engine = open_engine(database_url)
        try:
            with departures_store(engine) as store:
                yield store
        finally:
            engine.dispose()


def do(database_url: str, work: Callable[[SqlDeparturesStore], T]) -> T:
    with unit_of_work(database_url) as store:
        return work(store)


def show_affected(bookings: tuple[Booking, ...] | list[Booking], what: str) -> None:
    if not bookings:
        console().print(f"{what}: no booking affected")
    for b in bookings:
        console().print(f"{what}: case [bold]{escape(b.case_id)}[/] ({b.persons} person(s)) "
                        f"off {escape(b.flight_id)} — re-plan to book it again")


@departures_app.command("checklist")
def checklist_command(
    *,
    country: Annotated[str, typer.Argument(help="Host state (ISO3), or * for the default.")],
    file: Annotated[Path | None, typer.Option(
        help="A checklist JSON file (docs/departures.md) to store as the next version.")] = None,
    actor: Annotated[str, typer.Option(help="Who sets it (with --file).")] = "",
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Show the checklist in force for a host state, or store a new version from a file."""
    if file is not None:
        def store_new(store: SqlDeparturesStore) -> service.Checklist:
            data = service.read_checklist_json(file.read_text(encoding="utf-8"))
            return service.set_checklist(store, data, actor=actor, country=country.upper())
        checklist = do(database_url, store_new)
    else:
        checklist = do(database_url, lambda s: service.checklist_of_state(s, country.upper()))
    table = Table(title=f"checklist {checklist.country} version {checklist.version}",
                  title_justify="left")
    for heading in ("item", "valid (hours before flight)", "valid after flight (days)"):
        table.add_column(heading)
    for rule in checklist.items:
        table.add_row(rule.kind, str(rule.window_hours or "any"), str(rule.min_days_left))
    console().print(table)
    console().print(f"escort ratio {checklist.escort_ratio} persons per escort; arrival cap "
                    f"{checklist.arrival_cap_per_day or 'none'} per day")


@departures_app.command("item")
def item_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The accepted case.")],
    person_id: Annotated[str, typer.Argument(help="The member the item is about.")],
    kind: Annotated[ItemKind, typer.Argument(help="Which item.")],
    valid_from: Annotated[datetime, typer.Option(help="Issued, examined or attended at.")],
    actor: Actor,
    valid_until: Annotated[datetime | None, typer.Option(help="Its own expiry.")] = None,
    value: Annotated[str, typer.Option(
        help="escort_assessment: none, medical or operational; fit_to_travel: fit or "
             "unfit (unfit cancels the case's booking).")] = "",
    at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Record one pre-departure item of one person (who and when are kept)."""
    outcome = do(database_url, lambda s: service.record_item(
        s, case_id, person_id, kind, valid_from=valid_from, valid_until=valid_until,
        value=value, actor=actor, at=at))
    console().print(f"{kind} of {escape(person_id)} recorded ({outcome.item.item_id})")
    if outcome.cancelled:
        show_affected(outcome.cancelled, "unfit to travel")


@departures_app.command("readiness")
def readiness_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The case.")],
    at: Annotated[datetime, typer.Option("--at", help="The planned departure (UTC).")],
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Is the case travel-ready at a departure time? Lists every missing or invalid item."""
    ready = do(database_url, lambda s: service.case_readiness(s, case_id, at))
    if ready.ready:
        console().print(f"case [bold]{escape(case_id)}[/] is travel-ready at {at}")
        return
    console().print(f"case [bold]{escape(case_id)}[/] is [bold red]not travel-ready[/] at {at}:")
    for blocker in ready.blockers:
        console().print(f"  - {escape(str(blocker))}")
    raise typer.Exit(code=1)


@departures_app.command("flight-add")
def flight_add_command(
    *,
    flight_id: Annotated[str, typer.Argument(help="An id of your choice, e.g. TIA-0719.")],
    departs_at: Annotated[datetime, typer.Option(help="Departure (UTC).")],
    to: Annotated[str, typer.Option("--to", help="Host state (ISO3).")],
    seats: Annotated[int, typer.Option(help="Seats for the persons moved.")],
    actor: Actor,
    origin: Annotated[str, typer.Option(help="Airport of departure.")] = "BGW",
    kind: Annotated[FlightKind, typer.Option(help="charter or scheduled.")] = FlightKind.CHARTER,
    escorts: Annotated[int, typer.Option(help="Escorts aboard.")] = 0,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Add a flight (a charter, or a block of seats on a scheduled flight)."""
    flight = do(database_url, lambda s: service.add_flight(
        s, Flight(flight_id, departs_at, origin, to.upper(), seats, kind, escorts),
        actor=actor))
    console().print(f"flight {escape(flight.flight_id)} to {flight.destination} on "
                    f"{flight.departs_at} with {flight.seats} seats added")


@departures_app.command("flight-cancel")
def flight_cancel_command(
    *,
    flight_id: Annotated[str, typer.Argument(help="The flight.")],
    actor: Actor, reason: Annotated[str, typer.Option(help="Why.")],
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Cancel a flight; prints every case taken off it (then run ``plan`` again)."""
    affected = do(database_url, lambda s: service.cancel_flight(
        s, flight_id, actor=actor, reason=reason))
    show_affected(affected, f"{flight_id} cancelled")


@departures_app.command("flight-delay")
def flight_delay_command(
    *,
    flight_id: Annotated[str, typer.Argument(help="The flight.")],
    departs_at: Annotated[datetime, typer.Option(help="The new departure (UTC).")],
    actor: Actor, reason: Annotated[str, typer.Option(help="Why.")],
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Move a flight; cases whose items lapse by the new time are taken off it."""
    affected = do(database_url, lambda s: service.delay_flight(
        s, flight_id, departs_at, actor=actor, reason=reason))
    show_affected(affected, f"{flight_id} delayed")


@departures_app.command("cap")
def cap_command(
    *,
    country: Annotated[str, typer.Argument(help="Host state (ISO3).")],
    day: Annotated[datetime, typer.Argument(help="The day (YYYY-MM-DD).")],
    persons: Annotated[int, typer.Argument(help="Arrivals the state can receive that day.")],
    actor: Actor, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Set a host state's arrival cap for one day (reception capacity)."""
    cap = do(database_url, lambda s: service.set_arrival_cap(
        s, country.upper(), day.date(), persons, actor=actor))
    console().print(f"{cap.country} receives at most {cap.persons} person(s) on {cap.day}")


@departures_app.command("flights")
def flights_command(database_url: DatabaseUrl = DEFAULT_URL) -> None:
    """List the flights with their load."""
    loads = do(database_url, service.flight_loads)
    table = Table(title="flights", title_justify="left")
    for heading in ("flight", "departs (UTC)", "to", "kind", "status", "persons", "seats",
                    "cases", "escorts"):
        table.add_column(heading)
    for load in loads:
        f = load.flight
        table.add_row(escape(f.flight_id), f"{f.departs_at:%Y-%m-%d %H:%M}", f.destination,
                      f.kind, f.status, str(load.persons), str(f.seats), str(load.cases),
                      str(f.escorts))
    console().print(table)


@departures_app.command("plan")
def plan_command(
    *,
    actor: Actor, at: At = None,
    dry_run: Annotated[bool, typer.Option(help="Show the plan without booking it.")] = False,
    keep_tolerance: Annotated[float, typer.Option(
        help="Share of person-days gained that may be given up to keep existing "
             "bookings.")] = 0.01,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Plan every accepted case onto the flights (HiGHS): emergency and urgent first, then as
    many persons as early as possible; books the plan unless --dry-run. Without --at the plan
    starts now (or, when every planned flight is in the past, the day before the first)."""
    outcome = do(database_url, lambda s: service.plan_flights(
        s, actor=actor, at=at or service.plan_start(s, utc_now()), commit=not dry_run,
        keep_tolerance=keep_tolerance))
    plan = outcome.plan
    console().print(f"plan {plan.status}: {plan.persons_booked} person(s) in "
                    f"{len(plan.bookings)} case(s) booked, {plan.person_days_waiting} "
                    f"person-days waiting; kept {plan.kept}, moved {plan.moved} "
                    f"({plan.seconds:.2f} s){' — not booked (dry run)' if dry_run else ''}")
    for case_id, (before, after) in sorted(outcome.changed.items()):
        console().print(f"  {escape(case_id)}: {before or '-'} -> {after or 'not booked'}")
    for case_id, reasons in sorted(plan.unbooked.items()):
        console().print(f"  [bold]{escape(case_id)}[/] not booked: "
                        f"{escape('; '.join(reasons))}")
    for case_id, reason in sorted(outcome.not_planned.items()):
        console().print(f"  [bold]{escape(case_id)}[/] not planned: {escape(reason)}")


@departures_app.command("manifest")
def manifest_command(
    *,
    flight_id: Annotated[str, typer.Argument(help="The flight.")],
    output: Annotated[Path, typer.Option(help="File to write (.csv or .html).")],
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Write a flight's manifest: CSV, or a printable HTML page (by the file's suffix)."""
    flight, rows = do(database_url, lambda s: service.flight_manifest(s, flight_id))
    text = (service.manifest_html(flight, rows) if output.suffix.lower() in (".html", ".htm")
            else service.manifest_csv(rows))
    output.write_text(text, encoding="utf-8")
    console().print(f"manifest of {escape(flight_id)}: {len(rows)} person(s) -> "
                    f"{escape(str(output))}")


def _no_shows(values: list[str] | None) -> dict[str, str]:
    found = {}
    for value in values or ():
        case_id, _, reason = value.partition("=")
        found[case_id] = reason or "no-show"
    return found


@departures_app.command("depart")
def depart_command(
    *,
    flight_id: Annotated[str, typer.Argument(help="The flight that left.")],
    actor: Actor, at: At = None,
    no_show: Annotated[list[str] | None, typer.Option(
        help="CASE=REASON for a case that did not board; repeat.")] = None,
    database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Record a departure: each booked case departs (checked ready at boarding) or is a
    no-show with its reason, to be re-booked."""
    done = do(database_url, lambda s: service.depart_flight(
        s, flight_id, actor=actor, at=at, no_shows=_no_shows(no_show)))
    for b in done:
        console().print(f"case {escape(b.case_id)}: {b.state}"
                        f"{' (' + escape(b.reason) + ')' if b.reason else ''}")


@departures_app.command("arrive")
def arrive_command(
    *,
    case_id: Annotated[str, typer.Argument(help="The departed case.")],
    place: Annotated[str, typer.Option(help="Where it arrived (reported by the liaison).")],
    on: Annotated[datetime, typer.Option("--on", help="Day of arrival (YYYY-MM-DD).")],
    actor: Actor, state: Annotated[str | None, typer.Option(
        help="The reporting liaison's host state: only its own arrivals.")] = None,
    at: At = None, database_url: DatabaseUrl = DEFAULT_URL,
) -> None:
    """Report a case arrived in its host state."""
    do(database_url, lambda s: service.report_arrival(
        s, case_id, place=place, arrived_on=on.date(), actor=actor,
        state=state.upper() if state else None, at=at))
    console().print(f"case {escape(case_id)} arrived at {escape(place)} on {on.date()}")
