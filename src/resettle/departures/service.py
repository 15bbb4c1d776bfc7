"""The departures service API that the web app and the CLI call.

Every function takes a :class:`~resettle.departures.ports.DeparturesStore` (one unit of work,
carrying screening's store of the same unit) first and keyword arguments after. Status changes
go through screening's workflow; non-refoulement through screening's one check.
"""

from resettle.departures.checklist import (
    DEFAULT_CHECKLIST,
    Checklist,
    Readiness,
    checklist_to_dict,
    read_checklist_json,
)
from resettle.departures.manifest import manifest_csv, manifest_html
from resettle.departures.movement import (
    MANIFEST_FIELDS,
    FlightLoad,
    ManifestRow,
    PlanOutcome,
    book_case,
    depart_flight,
    departure_time,
    flight_loads,
    flight_manifest,
    plan_flights,
    plan_start,
    report_arrival,
)
from resettle.departures.ports import DeparturesStore, InMemoryDeparturesStore
from resettle.departures.preparation import (
    ItemOutcome,
    active_booking,
    add_flight,
    cancel_flight,
    case_items,
    case_readiness,
    checklist_of_state,
    delay_flight,
    destination_of,
    record_item,
    set_arrival_cap,
    set_checklist,
)

__all__ = [
    "DEFAULT_CHECKLIST",
    "MANIFEST_FIELDS",
    "Checklist",
    "DeparturesStore",
    "FlightLoad",
    "InMemoryDeparturesStore",
    "ItemOutcome",
    "ManifestRow",
    "PlanOutcome",
    "Readiness",
    "active_booking",
    "add_flight",
    "book_case",
    "cancel_flight",
    "case_items",
    "case_readiness",
    "checklist_of_state",
    "checklist_to_dict",
    "delay_flight",
    "depart_flight",
    "departure_time",
    "destination_of",
    "flight_loads",
    "flight_manifest",
    "manifest_csv",
    "manifest_html",
    "plan_flights",
    "plan_start",
    "read_checklist_json",
    "record_item",
    "report_arrival",
    "set_arrival_cap",
    "set_checklist",
]
