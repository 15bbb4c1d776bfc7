"""A placement run as a placement officer reviews it: filtered and paged, with a summary that
counts the cases left unplaced and why, and every number said in words.

Pure functions over a stored run, its explanations, decisions and places; the adapters fetch
those and render what these return. The wording of explanations is in :mod:`.wording`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from resettle.core import Locality
from resettle.core.codes import country_name
from resettle.placement.explain import CaseExplanation, ShadowPrice
from resettle.placement.runs import DecisionAction, PlacementDecision, PlacementRun
from resettle.placement.wording import unplaced_reason

MAX_REVIEW_PAGE = 200


class Show(StrEnum):
    """Which cases of a run the review lists."""

    ALL = "all"
    UNDECIDED = "undecided"
    UNPLACED = "unplaced"
    PLACED = "placed"
    DECIDED = "decided"


SHOW_LABELS = {Show.ALL: "all cases", Show.UNDECIDED: "not decided yet",
               Show.UNPLACED: "left unplaced", Show.PLACED: "placed by the run",
               Show.DECIDED: "decided"}


@dataclass(frozen=True)
class Place:
    """A locality as a person picks it: name, country, places the run left there."""

    locality_id: str
    name: str
    country: str
    country_name: str
    places_left: int | None  # persons; None: the run had no place pledged there

    @property
    def label(self) -> str:
        left = ("no pledge in this run" if self.places_left is None else
                "full" if self.places_left <= 0 else f"{self.places_left} left")
        return f"{self.name}, {self.country_name} ({left})"


@dataclass(frozen=True)
class ReviewFilter:
    show: Show = Show.ALL
    locality_id: str = ""  # proposed there, or moved there by a decision
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True)
class ReviewRow:
    case_id: str
    locality_id: str | None  # the run's proposal
    score: float | None
    decision: PlacementDecision | None


@dataclass(frozen=True)
class RunSummary:
    cases: int
    placed: int
    unplaced: int
    decided: int
    accepted: int
    overridden: int
    persons_placed: int
    why_unplaced: tuple[tuple[str, int], ...]  # plain reason, cases; most common first

    @property
    def undecided(self) -> int:
        return self.cases - self.decided


@dataclass(frozen=True)
class ReviewPage:
    rows: tuple[ReviewRow, ...]
    total: int  # rows matching the filter
    filter: ReviewFilter
    summary: RunSummary


def latest_decisions(decisions: Sequence[PlacementDecision]) -> dict[str, PlacementDecision]:
    """The decision in force per case: the last one taken."""
    return {d.case_id: d for d in decisions}


def review_page(run: PlacementRun, decided: Mapping[str, PlacementDecision],
                explanations: Mapping[str, CaseExplanation], wanted: ReviewFilter
                ) -> ReviewPage:
    """The rows the filter asks for, one page of them, and the run's summary."""
    rows = [ReviewRow(case_id, loc, score, decided.get(case_id))
            for case_id, loc, score in run.assignments]
    matching = [r for r in rows if _shown(r, wanted)]
    page = tuple(matching[wanted.offset : wanted.offset + wanted.limit])
    return ReviewPage(page, len(matching), wanted, summarise(run, decided, explanations))


def _shown(row: ReviewRow, wanted: ReviewFilter) -> bool:
    if wanted.locality_id and wanted.locality_id not in (
            row.locality_id, row.decision.locality_id if row.decision else None):
        return False
    return {Show.ALL: True, Show.UNDECIDED: row.decision is None,
            Show.UNPLACED: row.locality_id is None, Show.PLACED: row.locality_id is not None,
            Show.DECIDED: row.decision is not None}[wanted.show]


def summarise(run: PlacementRun, decided: Mapping[str, PlacementDecision],
              explanations: Mapping[str, CaseExplanation]) -> RunSummary:
    unplaced = [case_id for case_id, loc, _ in run.assignments if loc is None]
    why = Counter(unplaced_reason(explanations.get(case_id)) for case_id in unplaced)
    actions = Counter(d.action for d in decided.values())
    return RunSummary(
        cases=len(run.assignments), placed=len(run.assignments) - len(unplaced),
        unplaced=len(unplaced), decided=len(decided),
        accepted=actions[DecisionAction.ACCEPT], overridden=actions[DecisionAction.OVERRIDE],
        persons_placed=sum(run.persons_placed.values()),
        why_unplaced=tuple(sorted(why.items(), key=lambda kv: (-kv[1], kv[0]))))


def places_of_run(localities: Sequence[Locality], prices: Sequence[ShadowPrice]
                  ) -> list[Place]:
    """Every locality with the persons' places the run left there, by country then name."""
    left = {p.locality_id: p.capacity - p.used for p in prices if p.dimension == "persons"}
    places = [Place(loc.locality_id, loc.name or loc.locality_id, loc.country,
                    country_name(loc.country), left.get(loc.locality_id))
              for loc in localities]
    return sorted(places, key=lambda p: (p.country_name, p.name, p.locality_id))
