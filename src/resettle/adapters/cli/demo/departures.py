"""Departures' demo step: accepted cases made travel-ready, charters planned, a manifest written."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from resettle.adapters.cli.demo.scenario import DEMO_CONFIG
from resettle.adapters.cli.departures import unit_of_work
from resettle.adapters.db.departures.store import SqlDeparturesStore
from resettle.core import CaseStatus
from resettle.departures import service
from resettle.departures.records import EscortNeed, Flight, FlightKind, ItemKind

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext


DEMO_ACTOR = "movement"
SEATS = 160


def _demo_items(store: SqlDeparturesStore, case_id: str, first_flight: datetime,
                *, missing: ItemKind | None) -> None:
    """Items as a movement officer would record them in the days before the charters."""
    case = store.screening.get_case(case_id)
    recorded = first_flight - timedelta(days=2)
    for member in case.members:
        for kind in ItemKind:
            if kind == missing:
                continue
            valid_from = first_flight - timedelta(
                hours=12 if kind == ItemKind.FIT_TO_TRAVEL else 24 * 30)
            value = {ItemKind.ESCORT_ASSESSMENT: EscortNeed.NONE,
                     ItemKind.FIT_TO_TRAVEL: "fit"}.get(kind, "")
            until = first_flight + timedelta(days=400) \
                if kind == ItemKind.TRAVEL_DOCUMENT else None
            service.record_item(store, case_id, member.person_id, kind, valid_from=valid_from,
                                valid_until=until, value=str(value), actor=DEMO_ACTOR,
                                at=recorded)


def _demo_flights(store: SqlDeparturesStore, cases: list[str], first_flight: datetime) -> None:
    """Enough charters of 160 seats to each accepting state, over two days (the fit-to-travel
    certificates of 72 hours cover them); a block of seats on a scheduled flight for a state
    receiving few."""
    persons: Counter[str] = Counter()
    for case_id in cases:
        persons[service.destination_of(store, case_id)] += store.screening.get_case(
            case_id).size
    for state, count in sorted(persons.items()):
        if count < 40:
            service.add_flight(store, Flight(
                f"{state}-{first_flight:%m%d}-S", first_flight + timedelta(hours=5), "BGW",
                state, count + 4, FlightKind.SCHEDULED), actor=DEMO_ACTOR)
            continue
        for n in range(-(-count // SEATS)):
            service.add_flight(store, Flight(
                f"{state}-{first_flight:%m%d}-{n + 1}", first_flight + timedelta(hours=24 * n),
                "BGW", state, SEATS, FlightKind.CHARTER, escorts=2), actor=DEMO_ACTOR)


def step_plan_departures(ctx: DemoContext) -> None:
    """Demo: the accepted cases made travel-ready (one in ten still lacking an exit permit),
    charters to each accepting state, a plan by HiGHS, and a manifest (CSV and HTML)."""
    first_flight = datetime.combine(DEMO_CONFIG.as_of, datetime.min.time()) + timedelta(
        days=3, hours=7)
    with unit_of_work(ctx.database_url) as store:
        cases = [c.case_id for c in store.screening.case_clocks()
                 if c.status in (CaseStatus.ACCEPTED, CaseStatus.PRE_DEPARTURE)]
        for n, case_id in enumerate(cases):
            _demo_items(store, case_id, first_flight,
                        missing=ItemKind.EXIT_PERMIT if n % 10 == 9 else None)
        _demo_flights(store, cases, first_flight)
        outcome = service.plan_flights(store, actor=DEMO_ACTOR,
                                       at=first_flight - timedelta(days=1))
        loads = [x for x in service.flight_loads(store) if x.persons]
        manifests = []
        if loads:
            flight, rows = service.flight_manifest(store, loads[0].flight.flight_id)
            for suffix, text in (("csv", service.manifest_csv(rows)),
                                 ("html", service.manifest_html(flight, rows))):
                path = ctx.output_dir / f"manifest-{flight.flight_id}.{suffix}"
                path.write_text(text, encoding="utf-8")
                manifests.append(path)
    _print_plan(ctx, outcome, loads, manifests, len(cases))


def _print_plan(ctx: DemoContext, outcome: service.PlanOutcome, loads: list[service.FlightLoad],
                manifests: list[Path], n_cases: int) -> None:
    plan = outcome.plan
    ctx.console.rule(f"departures: {n_cases} accepted cases planned onto charters (HiGHS)")
    for load in loads:
        ctx.console.print(f"{load.flight.flight_id:>14} {load.flight.departs_at:%Y-%m-%d %H:%M}"
                          f" {load.persons:>4} of {load.flight.seats} seats "
                          + "█" * max(1, round(30 * load.persons / load.flight.seats)))
    reasons = "; ".join("; ".join(r) for r in plan.unbooked.values())
    for kind in ItemKind:
        if count := sum(1 for r in plan.unbooked.values() if f"{kind} " in "; ".join(r)):
            ctx.console.print(f"not booked, {kind} missing or invalid: {count} cases")
    if "no seats" in reasons:
        ctx.console.print("not booked for lack of seats: see `resettle departures plan`")
    for path in manifests:
        ctx.console.print(f"manifest: {path}")
    ctx.summary["departures"] = (f"{plan.persons_booked} persons in {len(plan.bookings)} cases "
                                 f"booked on {len(loads)} flights ({plan.status}, "
                                 f"{plan.seconds:.1f} s); {len(plan.unbooked)} cases not "
                                 "booked, each with its reason (a missing exit permit)")
