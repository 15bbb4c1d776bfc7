"""A run's explanations and numbers in a placement officer's words, not a solver's.

The stored explanations keep their machine-readable form (``capacity: DEU-BER is full in
persons (0 left, the case needs 2)``, rule kinds such as ``no_return:``); this module says
the same in plain sentences, with locality names instead of codes (``names``: locality id ->
"Berlin, Germany"). Nothing here decides anything.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from resettle.placement.explain import PRIORITY_WEIGHT, CaseExplanation, ShadowPrice
from resettle.placement.problem import PriorityLevel
from resettle.placement.runs import PlacementRun

_CAPACITY = re.compile(r"capacity: (?P<loc>\S+) is full in (?P<dim>\S+) "
                       r"\((?P<left>-?\d+) left, the case needs (?P<need>\d+)\)")
DIMENSIONS = {"persons": "places", "large_family_units": "homes for large families",
              "medical_places": "places with medical care", "accessible_units":
              "accessible homes", "school_places": "school places"}
RULES = {
    "no_return": "a member must never be sent to this country",
    "refused": "this host state refused the case",
    "forbidden": "a caseworker ruled this place out for the case",
    "criteria": "the host state's pledge does not take this case",
    "no_capacity": "the place cannot ever hold this family",
    "no_score": "no match score was available",
    "no_tie": "the family must go where its relatives are",
    "below_floor": "a much poorer match than its best options",
}
SCORE_HELP = ("The match score (0 to 1) is the run's estimate of how well a place suits the "
              "family: language spoken there, medical care the family needs, work for its "
              "adults, schooling. Higher is better.")
EMERGENCY = PRIORITY_WEIGHT[PriorityLevel.EMERGENCY]
URGENT = PRIORITY_WEIGHT[PriorityLevel.URGENT]


def dimension_words(dimension: str) -> str:
    return DIMENSIONS.get(dimension, dimension.replace("_", " "))


def _name(names: Mapping[str, str], locality_id: str | None) -> str:
    if locality_id is None:
        return "no place"
    return names.get(locality_id, locality_id)


def unplaced_reason(why: CaseExplanation | None) -> str:
    """Why a case was left unplaced, as one of a few groups the summary counts."""
    if why is None:
        return "no explanation stored with this run"
    if why.alternative_id is None:
        return "no pledged place is allowed for them (no-return list, refusals, needs)"
    match = _CAPACITY.match(why.why_not)
    if match:
        return f"the places they may go to had no {dimension_words(match['dim'])} left"
    if why.why_not.endswith("details hidden from your role"):
        return "the places they may go to were full (details hidden from your role)"
    return "the places they may go to went to more urgent cases or better matches"


def why_in_words(why: CaseExplanation | None, names: Mapping[str, str]) -> str:
    """One sentence: why the case went where it went, or nowhere."""
    if why is None:
        return "No explanation was stored with this run."
    if why.alternative_id is None:
        if why.locality_id is None:
            return ("No pledged place is allowed for this case: see the places ruled out "
                    "below.")
        return "This is the best-matching place the case was allowed to go to."
    alternative = (f"{_name(names, why.alternative_id)} would suit it better (score "
                   f"{why.alternative_score:.2f})")
    match = _CAPACITY.match(why.why_not)
    if match:
        left = int(match["left"])
        return (f"{alternative}, but had {left if left > 0 else 'no'} "
                f"{dimension_words(match['dim'])} left once the others were placed (the "
                f"case needs {match['need']}).")
    if why.why_not.endswith("details hidden from your role"):
        return f"{alternative}, but had no room left for it."
    return (f"{alternative} and had room, but the run keeps those places for cases placed "
            "first: more urgent ones, or more people placed in all.")


def ruled_out_in_words(why: CaseExplanation | None, names: Mapping[str, str]) -> list[str]:
    """The places the case may not go to, each with its rule in words."""
    if why is None:
        return []
    said = []
    for locality_id, rule in why.not_allowed:
        kind, _, detail = rule.partition(":")
        words = RULES.get(kind, kind.replace("_", " "))
        detail = detail.strip()
        extra = f" ({detail})" if detail and not detail.startswith("details hidden") else ""
        said.append(f"{_name(names, locality_id)}: {words}{extra}")
    return said


def certainty_in_words(run: PlacementRun) -> str:
    """How sure the run is to be the best placement (its optimality gap, in words)."""
    if run.status == "optimal" or (run.gap is not None and run.gap <= 1e-6):
        return "proven the best possible placement under the rules"
    if run.gap is None or math.isnan(run.gap):
        return ("a good placement, not proven the best (the method used gives no bound)")
    return (f"at most {100 * run.gap:.2f}% short of the best possible total match (the "
            "solver stopped at its time limit)")


def price_in_words(price: ShadowPrice) -> str:
    """What one more place of this kind here would achieve (its shadow prices, in words)."""
    persons, outcome = price.persons_price, price.outcome_price
    if math.isnan(persons) and math.isnan(outcome):
        return "not known for this run"
    if not math.isnan(persons) and persons >= EMERGENCY - 0.5:
        return "lets in a person of an emergency case who is waiting now"
    if not math.isnan(persons) and persons >= URGENT - 0.5:
        return "lets in a person of an urgent case who is waiting now"
    if not math.isnan(persons) and persons >= 0.5:
        return "lets in one more person who is waiting now"
    if not math.isnan(outcome) and outcome > 1e-6:
        return (f"no one more could come, but the families would be matched better "
                f"(total match +{outcome:.2f})")
    return "nothing now: there are places to spare here"


def helps(price: ShadowPrice) -> bool:
    """One more place here would let someone in or improve the match."""
    return any(not math.isnan(v) and v > 1e-6
               for v in (price.persons_price, price.outcome_price))
