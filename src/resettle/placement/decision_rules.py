"""Which accept and override decisions make sense: the one rule the CLI, the API and the pages
share (through :func:`resettle.placement.service.decide_placement`).

Refused, with the field to correct and what to do instead:

- accepting a case the run left unplaced (there is no proposal to accept);
- an override that names no locality, or a locality that does not exist;
- an override into a locality the run already filled, unless the officer confirms the
  capacity overrun and says why (the reason is recorded with the decision).

Room in a locality is the run's own: its capacity after the places host states hold, less
what the run placed there, less what earlier overrides of the same run moved in, plus what
they moved out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from resettle.core import Case, Locality
from resettle.core.needs import Dimension
from resettle.errors import Issue, ValidationError
from resettle.placement.explain import ShadowPrice
from resettle.placement.runs import DecisionAction, PlacementDecision, PlacementRun

OVERRUN_NOTE = "capacity overrun confirmed"


@dataclass(frozen=True)
class Room:
    """Places left in one locality and dimension for the run (negative: overrun)."""

    dimension: str
    capacity: int
    taken: int

    @property
    def left(self) -> int:
        return self.capacity - self.taken


def check_case_in_run(run: PlacementRun, case_id: str) -> str | None:
    """The run's proposed locality for the case (None: unplaced); unknown case refused."""
    for case, loc, _ in run.assignments:
        if case == case_id:
            return loc
    raise ValidationError([Issue("unknown_id", f"case {case_id} is not in run {run.run_id}; "
                                 "open the run the case was placed in", record=case_id,
                                 field="case_id")])


def check_accept(run: PlacementRun, case_id: str, proposed: str | None) -> str:
    """The locality an acceptance confirms; refused for a case the run left unplaced."""
    if proposed is None:
        raise ValidationError([Issue(
            "nothing_to_accept", f"run {run.run_id} left case {case_id} unplaced, so there is "
            "no placement to accept: override it with a locality and a reason, or leave it "
            "for the next run", record=case_id, field="action")])
    return proposed


def check_override_form(case_id: str, locality_id: str | None, reason: str) -> list[Issue]:
    """What an override must name: a locality and a reason (both reported at once)."""
    found = []
    if not (locality_id or "").strip():
        found.append(Issue("missing_value", "an override names the locality the case goes to "
                           "instead; choose one", record=case_id, field="locality_id"))
    if not reason.strip():
        found.append(Issue("missing_value", "an override needs a reason", record=case_id,
                           field="reason"))
    return found


def unknown_locality(locality_id: str, case_id: str) -> ValidationError:
    return ValidationError([Issue(
        "unknown_id", f"there is no locality {locality_id!r}; choose one from the list",
        record=case_id, field="locality_id")])


def room_in(locality_id: str, run: PlacementRun, prices: Sequence[ShadowPrice],
            decisions: Iterable[PlacementDecision],
            needs_of: Mapping[str, Mapping[Dimension, int]]) -> dict[str, Room]:
    """Per dimension, the run's places in ``locality_id`` and how many are taken now
    (``needs_of``: each case's needs, for the cases the run placed or moved there)."""
    rooms = {p.dimension: Room(p.dimension, p.capacity, p.used) for p in prices
             if p.locality_id == locality_id}
    proposed = {case: loc for case, loc, _ in run.assignments}
    latest: dict[str, PlacementDecision] = {}
    for decision in decisions:
        latest[decision.case_id] = decision
    for case_id, decision in latest.items():
        now = (decision.locality_id if decision.action == DecisionAction.OVERRIDE
               else proposed.get(case_id))
        was = proposed.get(case_id)
        change = (now == locality_id) - (was == locality_id)
        for dimension, room in rooms.items():
            need = needs_of.get(case_id, {}).get(Dimension(dimension), 0)
            rooms[dimension] = Room(dimension, room.capacity, room.taken + change * need)
    return rooms


def needed_cases(run: PlacementRun, decisions: Iterable[PlacementDecision],
                 locality_id: str) -> list[str]:
    """Cases whose needs :func:`room_in` reads: placed or moved into, or out of, a locality."""
    proposed = {case: loc for case, loc, _ in run.assignments}
    return sorted({d.case_id for d in decisions
                   if d.locality_id == locality_id or proposed.get(d.case_id) == locality_id})


def check_room(case: Case, locality: Locality, rooms: Mapping[str, Room], *, on: date,
               confirmed: bool, reason: str) -> str:
    """The reason to record; refused when the case does not fit and the overrun is not
    confirmed with a reason."""
    needs = case.needs(on).as_dict()
    if not rooms:  # the run had no place pledged there at all
        short = [f"the run had no place pledged in {locality.name} on {on}"]
    else:
        short = [f"{room.left if room.left > 0 else 'no'} {_dimension(room.dimension)} left "
                 f"({room.taken} of {room.capacity} taken), the case needs "
                 f"{needs[Dimension(room.dimension)]}"
                 for room in rooms.values()
                 if needs.get(Dimension(room.dimension), 0) > max(room.left, 0)]
    if not short:
        return reason
    if confirmed and reason.strip():
        return f"{OVERRUN_NOTE}: {reason.strip()}"
    raise ValidationError([Issue(
        "capacity_exceeded", f"{locality.name} ({locality.locality_id}) is full in this run: "
        f"{'; '.join(short)}. To place the case there anyway, confirm the capacity overrun "
        "and say why in the reason", record=case.case_id, field="locality_id")])


def _dimension(name: str) -> str:
    return {"persons": "places"}.get(name, name.replace("_", " "))
